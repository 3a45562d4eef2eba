"""The Backend interface gives the same answers on the embedded store and on a remote ``oxigraph serve``."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Triple, Variable

from fundinggraph.namespaces import XSD, sparql_prologue

BASE = "https://fundinggraph.example.org/"
VLAIO = NamedNode(BASE + "id/organisation/vlaio")
VLAIO_NL = Literal("Agentschap Innoveren en Ondernemen", language="nl")
HOSTILE = '} ; DROP ALL ; { "\\ \'\'\' \n\t é <http://x> # not a comment'

#: (query, bindings) pairs: every bound variable is projected, so the in-memory graph with
#: pyoxigraph ``substitutions`` is the oracle for both backends.
QUERIES = [
    ("SELECT ?org ?label WHERE { ?org skos:prefLabel ?label }", {"label": VLAIO_NL}),
    ('SELECT ?org ?label WHERE { ?org skos:prefLabel ?label FILTER(LANG(?label) = "nl") }', {"org": VLAIO}),
    ("SELECT ?year (COUNT(DISTINCT ?flow) AS ?n) WHERE { ?flow a fg:FundingFlow ; fg:year ?year } GROUP BY ?year",
     {"year": Literal("2023", datatype=XSD.gYear)}),
    ("SELECT ?org ?n WHERE { SELECT ?org (COUNT(?alias) AS ?n) WHERE { ?org skos:altLabel ?alias } GROUP BY ?org }",
     {"org": VLAIO}),
    ("SELECT ?org ?missing WHERE { ?org skos:prefLabel ?l OPTIONAL { ?org fg:noSuchProperty ?missing } } LIMIT 1",
     {"org": VLAIO}),
    ("SELECT ?label ?org WHERE { ?org skos:prefLabel ?label }", {"label": Literal(HOSTILE)}),
    ("SELECT ?cls (COUNT(?s) AS ?n) WHERE { ?s a ?cls } GROUP BY ?cls", {}),
]


def _rows(rows) -> list[tuple[str, ...]]:
    return sorted(tuple(str(v) if v is not None else "" for v in row.values()) for row in rows)


@pytest.mark.remote
@pytest.mark.parametrize(("query", "bindings"), QUERIES)
def test_select_answers_like_the_in_memory_graph(backend, graph, query, bindings):
    solutions = graph.query(sparql_prologue() + query,
                            substitutions={Variable(k): v for k, v in bindings.items()} or None)
    names = [v.value for v in solutions.variables]
    expected = [{n: s[n] for n in names} for s in solutions]
    assert _rows(backend.select(query, bindings)) == _rows(expected)


@pytest.mark.remote
def test_rows_are_typed_terms_and_unbound_is_none(backend):
    rows = backend.select(
        "SELECT ?org ?label ?missing WHERE { ?org skos:prefLabel ?label OPTIONAL { ?org fg:noSuch ?missing } }",
        {"org": VLAIO, "label": VLAIO_NL},
    )
    assert rows == [{"org": VLAIO, "label": VLAIO_NL, "missing": None}]


@pytest.mark.remote
def test_a_hostile_value_stays_one_literal(backend):
    before = backend.triple_count()
    rows = backend.select('SELECT ?v ?echo ?len WHERE { BIND(STR(?v) AS ?echo) BIND(STRLEN(?v) AS ?len) }',
                          {"v": Literal(HOSTILE)})
    assert rows[0]["echo"].value == HOSTILE
    assert int(rows[0]["len"].value) == len(HOSTILE)
    assert backend.select("SELECT ?o ?l WHERE { ?o skos:prefLabel ?l }", {"l": Literal(HOSTILE)}) == []
    assert backend.triple_count() == before


@pytest.mark.remote
def test_ask_with_bindings(backend):
    assert backend.ask("ASK { ?org skos:prefLabel ?label }", {"org": VLAIO, "label": VLAIO_NL}) is True
    assert backend.ask("ASK { ?org skos:prefLabel ?label }", {"org": VLAIO, "label": Literal("VLAIO", language="fr")}) is False


@pytest.mark.remote
def test_construct_with_bindings(backend):
    triples = backend.construct("CONSTRUCT { ?org skos:prefLabel ?label } WHERE { ?org skos:prefLabel ?label }",
                                {"org": VLAIO})
    assert all(isinstance(t, Triple) and t.subject == VLAIO for t in triples)
    assert Triple(VLAIO, NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), VLAIO_NL) in triples


@pytest.mark.remote
def test_version_and_size(backend, graph):
    version = backend.version()
    assert version and version == backend.version()
    assert backend.triple_count() == len(graph)
