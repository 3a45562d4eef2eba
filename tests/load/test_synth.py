"""The synthetic graph of the benchmarks: deterministic, loadable, shaped like ours, and its probe is true."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from fundinggraph.bench import synth
from fundinggraph.bench.workload import queries
from fundinggraph.namespaces import PREFIXES


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, synth.Probe, Store]:
    path, probe = synth.cached(tmp_path_factory.mktemp("synth"), 20_000)
    store = Store()
    store.bulk_load(path=str(path), format=RdfFormat.N_QUADS)
    return path, probe, store


def test_same_seed_same_bytes_other_seed_other_graph(small, tmp_path: Path):
    path, probe, _ = small
    again = synth.generate(tmp_path / "again.nq", 20_000, seed=probe.seed)
    assert (tmp_path / "again.nq").read_bytes() == path.read_bytes() and again == probe
    synth.generate(tmp_path / "other.nq", 20_000, seed=probe.seed + 1)
    assert (tmp_path / "other.nq").read_bytes() != path.read_bytes()


def test_size_and_no_duplicate_triples(small):
    _, probe, store = small
    assert 20_000 <= probe.triples < 20_100
    assert len(store) == probe.triples


def test_uses_our_vocabulary_with_typed_amounts_and_years(small):
    _, _, store = small
    ask = """ASK { ?flow a fg:FundingFlow ; fg:funder ?f ; fg:recipient ?r ; fg:amount ?a ; fg:year ?y ;
                   fg:amountType ?t ; prov:wasDerivedFrom ?e . ?e a fg:SourceExcerpt ; fg:quote ?q ;
                   dcterms:source ?doc . ?f a org:Organization ; rdfs:label ?nl , ?en .
                   FILTER(DATATYPE(?a) = xsd:decimal && DATATYPE(?y) = xsd:gYear && LANG(?nl) = "nl" && LANG(?en) = "en")
                   ?obs a fg:BudgetObservation ; obeu-dimension:budgetPhase ?phase ; fg:budgetLine ?line }"""
    assert bool(store.query(ask, prefixes=PREFIXES))
    bad = store.query("SELECT ?s WHERE { ?s ?p ?o FILTER(!STRSTARTS(STR(?s), 'https://fundinggraph.example.org/id/')) } LIMIT 1")
    assert not list(bad), "every subject is a data IRI under the base"
    outside = store.query("SELECT ?s WHERE { ?s ?p ?o FILTER(!CONTAINS(STR(?s), '/synth')) } LIMIT 1")
    assert not list(outside), "every IRI is marked synthetic, so it never collides with the real graph"


def test_the_probe_answers_are_true(small):
    _, probe, store = small
    lookup, aggregation, construct = queries(probe.base_iri, probe.label_iri, probe.year, probe.construct_org)
    labels = {s["label"].value for s in store.query(lookup.text)}
    assert probe.label_nl in labels
    rows = list(store.query(aggregation.text.replace("LIMIT 100", "")))
    assert len(rows) == probe.pairs_in_year
    pair = next(r for r in rows if r["funder"].value == probe.pair_funder and r["recipient"].value == probe.pair_recipient)
    assert Decimal(pair["total"].value) == Decimal(probe.pair_total)
    assert len(list(store.query(construct.text))) == probe.construct_triples
