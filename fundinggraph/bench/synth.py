"""Synthetic funding graphs of the same shape as ours, at any size, from a fixed seed.

The generator writes N-Quads (default graph only) with the real vocabulary of docs/MODEL.md:
organisations with nl/en labels and kinds, policy instruments, source documents and excerpts with
quotes, funding flows (``xsd:decimal`` amounts, ``xsd:gYear`` years, amount types, instruments,
``prov:wasDerivedFrom``), instrument results and a Tabel-8-like budget cube. Every synthetic IRI has a
``synth`` path segment, so synthetic data can sit beside the real graph without touching its answers.

Files are cached under ``<cache>/synth-<triples>-<seed>.nq`` with a ``.json`` sidecar (``Probe``) that
names fixed IRIs for the benchmark queries and the answers they must give.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from fundinggraph.config import DEFAULT_BASE_IRI, VOCAB_BASE

FG = VOCAB_BASE + "#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
DCTERMS = "http://purl.org/dc/terms/"
QB = "http://purl.org/linked-data/cube#"
OBEU_DIM = "http://data.openbudgets.eu/ontology/dsd/dimension/"
OBEU_MEASURE = "http://data.openbudgets.eu/ontology/dsd/measure/"
XSD = "http://www.w3.org/2001/XMLSchema#"
EUR = "http://publications.europa.eu/resource/authority/currency/EUR"
YEAR_IRI = "http://reference.data.gov.uk/id/year/"

#: Organisation kinds of docs/MODEL.md (``fg:`` local names); funders come from the first five.
FUNDER_KINDS = ("Agency", "Department", "Government", "PublicInvestmentCompany", "Fund")
RECIPIENT_KINDS = (
    "KnowledgeInstitution", "EducationInstitution", "BusinessOrganisation", "Company", "NonProfitOrganisation",
    "StructuralPartner", "SpearheadCluster", "InnovativeBusinessNetwork", "Financier", "Consortium",
)
INSTRUMENT_KINDS = ("subsidy", "loan", "guarantee", "equity", "premium", "public-contract", "microcredit",
                    "operating-grant", "programme", "service")
AMOUNT_TYPES = ("granted", "budgeted", "paid", "committed", "expected-payment", "invested")
AMOUNT_TYPES_NL = {"granted": "toegekend", "budgeted": "begroot", "paid": "betaald", "committed": "vastgelegd",
                   "expected-payment": "verwachte betaling", "invested": "geïnvesteerd"}
THEMES = ("competitiviteit", "ondernemerschap", "clusters", "omgevingsfactoren", "internationalisering",
          "duurzaamheid", "transversaal", "efro")
PHASES = ("BO", "BA")
YEARS = tuple(range(2014, 2026))
#: Words for names, so that text search has realistic hits (some rare, some common).
WORDS_NL = ("Innovatie", "Klimaat", "Energie", "Haven", "Digitaal", "Zorg", "Onderwijs", "Export", "Cluster",
            "Start", "Water", "Voeding", "Mobiliteit", "Textiel", "Logistiek", "Chemie", "Bouw", "Media")
WORDS_EN = ("Innovation", "Climate", "Energy", "Port", "Digital", "Care", "Education", "Export", "Cluster",
            "Start", "Water", "Food", "Mobility", "Textile", "Logistics", "Chemistry", "Construction", "Media")
SUFFIXES = ("vzw", "nv", "bv", "Vlaanderen", "Centrum", "Netwerk")

#: Sizes of ``make bench`` (``--quick`` uses the first two).
SIZES = {"0.1M": 100_000, "1M": 1_000_000, "5M": 5_000_000}
DEFAULT_SEED = 20240429


@dataclass(frozen=True)
class Probe:
    """Fixed IRIs in a synthetic graph and the answers the benchmark queries must give."""

    triples: int
    seed: int
    base_iri: str
    #: An organisation whose label is looked up (the trivial query).
    label_iri: str
    label_nl: str
    #: The year of the who-funds-whom aggregation and its number of (funder, recipient) rows.
    year: int
    pairs_in_year: int
    #: One (funder, recipient) pair of that year and the exact sum of its amounts.
    pair_funder: str
    pair_recipient: str
    pair_total: str
    #: A funder whose flows the CONSTRUCT returns, and how many triples that gives.
    construct_org: str
    construct_flows: int
    construct_triples: int
    #: A budget line and a funding flow (entity pages).
    budget_line: str
    flow_iri: str

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Probe:
        return cls(**json.loads(text))


def _lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    if lang:
        return f'"{escaped}"@{lang}'
    if datatype:
        return f'"{escaped}"^^<{datatype}>'
    return f'"{escaped}"'


def _dutch_amount(value: Decimal) -> str:
    """``1234567.5`` -> ``1.234.567,50`` (how the sources write euro)."""
    whole, _, cents = f"{value:.2f}".partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return ".".join(groups) + "," + cents


class _Writer:
    def __init__(self, handle):
        self.handle = handle
        self.count = 0
        self.buffer: list[str] = []

    def add(self, s: str, p: str, o: str) -> None:
        self.buffer.append(f"<{s}> <{p}> {o} .\n")
        self.count += 1
        if len(self.buffer) >= 50_000:
            self.flush()

    def flush(self) -> None:
        self.handle.write("".join(self.buffer))
        self.buffer.clear()


def generate(path: Path, triples: int, seed: int = DEFAULT_SEED, base_iri: str = DEFAULT_BASE_IRI) -> Probe:
    """Write a synthetic graph of about ``triples`` triples (never fewer) to ``path`` as N-Quads."""
    rng = random.Random(seed)
    ids = base_iri + "id/"
    n_orgs = max(60, triples // 110)
    n_funders = max(8, n_orgs // 40)
    n_instruments = max(20, triples // 2500)
    n_docs = 5 + triples // 250_000
    n_lines = max(10, triples // 8000)
    doc_lines = 4000
    orgs = [f"{ids}organisation/synth-{i:06d}" for i in range(n_orgs)]
    instruments = [f"{ids}instrument/synth-{i:05d}" for i in range(n_instruments)]
    docs = [f"{ids}document/synth-doc-{i:03d}" for i in range(n_docs)]
    labels: dict[str, str] = {}
    pair_sums: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    flows_by_funder: dict[str, int] = defaultdict(int)
    year = 2022
    tmp = path.with_suffix(path.suffix + f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        w = _Writer(handle)

        def excerpt(doc_index: int, quote: str) -> str:
            start = rng.randrange(1, doc_lines)
            end = start + rng.choice((0, 0, 0, 1, 2))
            digest = hashlib.sha1(f"{doc_index}/{start}/{quote}".encode()).hexdigest()[:10]
            iri = f"{ids}excerpt/synth-doc-{doc_index:03d}/{start}-{end}-{digest}"
            w.add(iri, RDF_TYPE, f"<{FG}SourceExcerpt>")
            w.add(iri, DCTERMS + "source", f"<{docs[doc_index]}>")
            w.add(iri, FG + "startLine", _lit(str(start), datatype=XSD + "integer"))
            w.add(iri, FG + "endLine", _lit(str(end), datatype=XSD + "integer"))
            w.add(iri, FG + "quote", _lit(quote))
            return iri

        for i, doc in enumerate(docs):
            w.add(doc, RDF_TYPE, f"<{FG}SourceDocument>")
            w.add(doc, RDF_TYPE, f"<{FG}Report>")
            w.add(doc, DCTERMS + "title", _lit(f"Synthetisch verslag {i}", "nl"))
            w.add(doc, FG + "sourceFile", _lit(f"synth-{i:03d}.txt"))
            w.add(doc, FG + "lineCount", _lit(str(doc_lines), datatype=XSD + "integer"))
        for i, org in enumerate(orgs):
            kind = FUNDER_KINDS[i % len(FUNDER_KINDS)] if i < n_funders else rng.choice(RECIPIENT_KINDS)
            word = rng.randrange(len(WORDS_NL))
            suffix = rng.choice(SUFFIXES)
            nl = f"{WORDS_NL[word]} {suffix} {i}"
            en = f"{WORDS_EN[word]} {suffix} {i}"
            labels[org] = nl
            w.add(org, RDF_TYPE, f"<{ORG}Organization>")
            w.add(org, RDF_TYPE, f"<{FG}{kind}>")
            for lang, text in (("nl", nl), ("en", en)):
                w.add(org, RDFS_LABEL, _lit(text, lang))
                w.add(org, SKOS + "prefLabel", _lit(text, lang))
            if rng.random() < 0.3:
                w.add(org, SKOS + "altLabel", _lit(f"{WORDS_NL[word][:3].upper()}{i}"))
            w.add(org, FG + "mentionedIn", f"<{rng.choice(docs)}>")
            if i >= n_funders and rng.random() < 0.2:
                w.add(org, ORG + "subOrganizationOf", f"<{orgs[rng.randrange(n_funders)]}>")
        for i, inst in enumerate(instruments):
            word = rng.randrange(len(WORDS_NL))
            w.add(inst, RDF_TYPE, f"<{FG}PolicyInstrument>")
            w.add(inst, RDFS_LABEL, _lit(f"{WORDS_NL[word]}steun {i}", "nl"))
            w.add(inst, RDFS_LABEL, _lit(f"{WORDS_EN[word]} support {i}", "en"))
            w.add(inst, SKOS + "prefLabel", _lit(f"{WORDS_NL[word]}steun {i}", "nl"))
            w.add(inst, FG + "instrumentKind", f"<{VOCAB_BASE}/instrument-kind/{rng.choice(INSTRUMENT_KINDS)}>")
            w.add(inst, FG + "operatedBy", f"<{orgs[i % n_funders]}>")
            w.add(inst, FG + "theme", f"<{VOCAB_BASE}/theme/{rng.choice(THEMES)}>")
        dataset = f"{ids}dataset/synth-budget"
        w.add(dataset, RDF_TYPE, f"<{QB}DataSet>")
        w.add(dataset, DCTERMS + "title", _lit("Synthetische begroting", "nl"))
        lines = [f"{ids}budget-line/synth/line-{i:05d}" for i in range(n_lines)]
        for i, line in enumerate(lines):
            name = f"{WORDS_NL[i % len(WORDS_NL)]}begroting {i}"
            w.add(line, RDF_TYPE, f"<{FG}BudgetLine>")
            w.add(line, RDFS_LABEL, _lit(name, "nl"))
            w.add(line, FG + "lineKind", f"<{VOCAB_BASE}/line-kind/line>")
            w.add(line, FG + "rowOrder", _lit(str(i + 1), datatype=XSD + "integer"))
            w.add(line, FG + "fundsInstrument", f"<{instruments[i % n_instruments]}>")
            for obs_year in YEARS[-6:]:
                for phase in PHASES:
                    amount = Decimal(rng.randrange(10, 200_000)) * 1000
                    text = f"{amount / 1_000_000:.3f}".replace(".", ",")
                    obs = f"{ids}observation/synth-budget/{i:05d}-{obs_year}-{phase}"
                    ex = excerpt(rng.randrange(n_docs), f"{name} {text}")
                    w.add(obs, RDF_TYPE, f"<{QB}Observation>")
                    w.add(obs, RDF_TYPE, f"<{FG}BudgetObservation>")
                    w.add(obs, QB + "dataSet", f"<{dataset}>")
                    w.add(obs, FG + "budgetLine", f"<{line}>")
                    w.add(obs, OBEU_DIM + "fiscalYear", f"<{YEAR_IRI}{obs_year}>")
                    w.add(obs, FG + "year", _lit(str(obs_year), datatype=XSD + "gYear"))
                    w.add(obs, OBEU_DIM + "budgetPhase", f"<{VOCAB_BASE}/budget-phase/{phase}>")
                    w.add(obs, OBEU_MEASURE + "amount", _lit(str(amount), datatype=XSD + "decimal"))
                    w.add(obs, FG + "amount", _lit(str(amount), datatype=XSD + "decimal"))
                    w.add(obs, FG + "originalText", _lit(text))
                    w.add(obs, FG + "unitInSource", _lit("miljoen euro"))
                    w.add(obs, FG + "amountType", f"<{VOCAB_BASE}/amount-type/budgeted>")
                    w.add(obs, FG + "currency", f"<{EUR}>")
                    w.add(obs, PROV_DERIVED, f"<{ex}>")
        flow_no = 0
        first_flow = ""
        while w.count < triples:
            # Funders are few and busy, recipients many: like the real graph (VLAIO funds dozens).
            funder = orgs[int(n_funders * rng.random() ** 2)]
            recipient = orgs[rng.randrange(n_funders, n_orgs)]
            flow_year = rng.choice(YEARS)
            kind = rng.choice(AMOUNT_TYPES)
            amount = Decimal(rng.randrange(1_000, 5_000_000)) + Decimal(rng.choice((0, 0, 0, 50))) / 100
            text = _dutch_amount(amount) + " euro"
            flow = f"{ids}funding-flow/synth/{flow_no:08d}"
            first_flow = first_flow or flow
            flow_no += 1
            ex = excerpt(rng.randrange(n_docs), f"{labels[recipient]}: {text}")
            inst = instruments[rng.randrange(n_instruments)]
            w.add(flow, RDF_TYPE, f"<{FG}FundingFlow>")
            w.add(flow, FG + "funder", f"<{funder}>")
            w.add(flow, FG + "recipient", f"<{recipient}>")
            w.add(flow, FG + "amount", _lit(str(amount), datatype=XSD + "decimal"))
            w.add(flow, FG + "originalText", _lit(text))
            w.add(flow, FG + "currency", f"<{EUR}>")
            w.add(flow, FG + "year", _lit(str(flow_year), datatype=XSD + "gYear"))
            w.add(flow, FG + "amountType", f"<{VOCAB_BASE}/amount-type/{kind}>")
            w.add(flow, FG + "instrument", f"<{inst}>")
            label = f"{labels[funder]} → {labels[recipient]}: {text} ({flow_year}, {AMOUNT_TYPES_NL[kind]})"
            w.add(flow, RDFS_LABEL, _lit(label, "nl"))
            w.add(flow, PROV_DERIVED, f"<{ex}>")
            flows_by_funder[funder] += 1
            if flow_year == year:
                pair_sums[(funder, recipient)] += amount
        w.flush()
    os.replace(tmp, path)
    pair = max(pair_sums, key=lambda k: (pair_sums[k], k))
    # A funder with a few hundred flows: a CONSTRUCT of real work that stays under the endpoint's row cap.
    construct_org = min(orgs[:n_funders], key=lambda org: (abs(flows_by_funder[org] - 400), org))
    probe = Probe(
        triples=w.count, seed=seed, base_iri=base_iri,
        label_iri=orgs[n_funders], label_nl=labels[orgs[n_funders]],
        year=year, pairs_in_year=len(pair_sums),
        pair_funder=pair[0], pair_recipient=pair[1], pair_total=str(pair_sums[pair]),
        construct_org=construct_org, construct_flows=flows_by_funder[construct_org],
        construct_triples=flows_by_funder[construct_org] * 11,
        budget_line=lines[0], flow_iri=first_flow,
    )
    return probe


def cached(cache_dir: Path, triples: int, seed: int = DEFAULT_SEED,
           base_iri: str = DEFAULT_BASE_IRI) -> tuple[Path, Probe]:
    """The N-Quads file and probe of a synthetic graph, generated on first use."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    tag = hashlib.sha1(base_iri.encode()).hexdigest()[:6]
    path = cache_dir / f"synth-{triples}-{seed}-{tag}.nq"
    sidecar = path.with_suffix(".json")
    if path.is_file() and sidecar.is_file():
        return path, Probe.from_json(sidecar.read_text())
    probe = generate(path, triples, seed, base_iri)
    sidecar.write_text(probe.to_json())
    return path, probe
