"""What the site says about one resource: its RDF description and the data of its HTML page.

The RDF description of ``<e>`` (served as Turtle, JSON-LD, N-Triples, RDF/XML) is

1. every triple ``<e> ?p ?o`` (our data has no blank nodes, so this is its concise bounded description),
2. the provenance of those facts: the excerpts ``<e>`` was derived from, and every reified statement
   (``fg:Assertion``, ``fg:Link``) with ``rdf:subject <e>``, with the excerpts they were derived from,
3. incoming links ``?s ?p <e>`` (at most :data:`RDF_INCOMING_CAP`, reified statements excluded),
4. the labels of every resource named in 1-3, so a client can show them without more requests.

The HTML page is built from a handful of queries (outgoing, incoming, provenance, facts about the
resource and their excerpts); labels come from the per-version label table (:mod:`server.labels`).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Triple

from fundinggraph.config import VOCAB_BASE
from fundinggraph.namespaces import PREFIXES
from server import i18n
from server.labels import LABEL_PREDICATES, LabelTable, format_amount, format_number, table
from server.pagecache import per_version
from server.store import backend, settings
from server.urls import page_url

FG = PREFIXES["fg"]
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
OWL = PREFIXES["owl"]
FOAF = PREFIXES["foaf"]
XSD = PREFIXES["xsd"]
OBEU_MEASURE = PREFIXES["obeu-measure"]

#: At most this many incoming links are part of the RDF description (the HTML page pages through all).
RDF_INCOMING_CAP = 1000
#: Incoming links read for the HTML page; each predicate shows :data:`INCOMING_PREVIEW` of them.
INCOMING_CAP = 2000
INCOMING_PREVIEW = 20
#: Page size of the full list of one incoming predicate, and of a document's facts.
PAGE_SIZE = 100

#: Predicates shown as links to other publishers.
EXTERNAL_PREDICATES = (OWL + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch", FOAF + "page",
                       FOAF + "homepage", RDFS + "seeAlso", FG + "pdf")
DESCRIPTION_PREDICATES = (DCTERMS + "description", SKOS + "definition", RDFS + "comment", FG + "purpose")
#: Amount-valued predicates, shown as "585.000 euro".
AMOUNT_PREDICATES = {FG + "amount", OBEU_MEASURE + "amount", FG + "minAmount", FG + "maxAmount",
                     FG + "computedAmount", FG + "amountDifference", FG + "roundingTolerance"}

# -- queries (every value bound with substitutions; ?e is the resource) ---------------------------------
OUTGOING = "SELECT ?e ?p ?o WHERE { ?e ?p ?o }"

INCOMING_COUNTS = """
SELECT ?e ?p (COUNT(DISTINCT ?s) AS ?n) WHERE {
  ?s ?p ?e . FILTER NOT EXISTS { ?s a rdf:Statement }
} GROUP BY ?e ?p
"""

# No ORDER BY: sorting in Oxigraph costs far more than sorting the few rows by label in Python.
INCOMING = """
SELECT ?e ?s ?p WHERE { ?s ?p ?e . FILTER NOT EXISTS { ?s a rdf:Statement } } LIMIT %d
"""

INCOMING_ONE = """
SELECT ?e ?p ?s WHERE { ?s ?p ?e . FILTER NOT EXISTS { ?s a rdf:Statement } }
"""

# Oxigraph joins a UNION with the patterns after it before binding ?e, so every branch carries its
# own complete pattern (this keeps each query at about a millisecond).
_EXCERPT = "?x fg:quote ?quote ; dcterms:source ?doc ; fg:startLine ?start ; fg:endLine ?end ."

#: Sources of what is said about ?e: its own excerpts, reified claims with ?e as subject or object.
PROVENANCE = f"""
SELECT ?e ?a ?subject ?pred ?obj ?x ?quote ?doc ?start ?end WHERE {{
  {{ ?e prov:wasDerivedFrom ?x . {_EXCERPT} }}
  UNION {{ ?a rdf:subject ?e ; rdf:predicate ?pred ; rdf:object ?obj ; prov:wasDerivedFrom ?x . {_EXCERPT} }}
  UNION {{ ?a rdf:object ?e ; rdf:subject ?subject ; rdf:predicate ?pred ; prov:wasDerivedFrom ?x .
          FILTER(?pred != fg:mentionedIn) {_EXCERPT} }}
}}
"""

#: Figures and facts about ?e: flows, results, observations (also via its budget lines), statements,
#: conditions. ``{tail}`` is what is read of each fact ?f.
_FACTS = """
SELECT DISTINCT {projection} WHERE {{
  {{ VALUES ?link {{ fg:funder fg:recipient fg:instrument fg:cluster fg:about fg:conditionOf fg:budgetLine }}
     ?f ?link ?e . FILTER NOT EXISTS {{ ?f a rdf:Statement }} {tail} }}
  UNION {{ ?e fg:budgetLine ?line . ?f fg:budgetLine ?line . {tail} }}
  UNION {{ ?line fg:fundsInstrument ?e . ?f fg:budgetLine ?line . {tail} }}
}}
"""
FACTS = _FACTS.format(projection="?e ?f ?p ?o", tail="?f ?p ?o .")
FACT_SOURCES = _FACTS.format(projection="?e ?f ?x ?quote ?doc ?start ?end",
                             tail="?f prov:wasDerivedFrom ?x . " + _EXCERPT)

#: Everything taken from document ?e: its excerpts and the facts each supports.
DOCUMENT_FACTS = """
SELECT ?e ?x ?quote ?start ?end ?f WHERE {
  ?x dcterms:source ?e ; fg:quote ?quote ; fg:startLine ?start ; fg:endLine ?end .
  OPTIONAL { ?f prov:wasDerivedFrom ?x }
}
"""

#: What excerpt ?e supports.
EXCERPT_SUPPORTS = "SELECT ?e ?f WHERE { ?f prov:wasDerivedFrom ?e }"

RDF_DESCRIPTION = """
CONSTRUCT { ?e ?p ?o . ?a ?ap ?ao . ?x ?xp ?xo . }
WHERE {
  { ?e ?p ?o }
  UNION { ?a rdf:subject ?e . ?a ?ap ?ao }
  UNION { ?a rdf:subject ?e ; prov:wasDerivedFrom ?x . ?x ?xp ?xo }
  UNION { ?e prov:wasDerivedFrom ?x . ?x ?xp ?xo }
}
"""
RDF_INCOMING = (
    f"SELECT ?e ?s ?p WHERE {{ ?s ?p ?e . FILTER NOT EXISTS {{ ?s a rdf:Statement }} }} LIMIT {RDF_INCOMING_CAP:d}"
)


# -- values -----------------------------------------------------------------------------------------
@dataclass
class Value:
    """A term as a page shows it."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str = ""
    datatype: str = ""
    external: bool = False

    @property
    def is_link(self) -> bool:
        return self.href is not None


def value_of(term: Any, labels: LabelTable, predicate: str = "") -> Value:
    """A displayable value for an RDF term (labels for IRIs, formatted numbers and amounts)."""
    if isinstance(term, NamedNode):
        iri = term.value
        href = page_url(iri)
        external = href == iri
        return Value(labels.label(iri, fallback=iri if external else None), href, iri, external=external)
    if isinstance(term, Literal):
        datatype = term.datatype.value if term.datatype else ""
        lang = term.language or ""
        text = term.value
        if predicate in AMOUNT_PREDICATES and datatype in (XSD + "decimal", XSD + "integer", XSD + "double"):
            text = format_amount(text)
        elif datatype in (XSD + "decimal", XSD + "integer") and predicate != FG + "rowOrder":
            text = format_number(text) if abs(Decimal(text)) >= 10000 else text
        return Value(text, lang=lang, datatype=datatype.rsplit("#", 1)[-1] if datatype else "")
    return Value(str(term))


def _literal(term: Any) -> str | None:
    return term.value if term is not None else None


def _int(term: Any) -> int | None:
    try:
        return int(term.value) if term is not None else None
    except ValueError:
        return None


# -- excerpts ---------------------------------------------------------------------------------------
@dataclass
class Excerpt:
    """A quoted passage of a source document."""

    iri: str
    quote: str
    doc: str
    doc_label: str
    start: int
    end: int

    @property
    def href(self) -> str:
        return page_url(self.iri)

    @property
    def doc_href(self) -> str:
        return f"{page_url(self.doc)}#L{self.start}"

    @property
    def lines(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


def excerpt_from(row: dict[str, Any], labels: LabelTable) -> Excerpt:
    doc = row["doc"].value
    return Excerpt(row["x"].value, row["quote"].value, doc, labels.label(doc), _int(row["start"]) or 0,
                   _int(row["end"]) or 0)


# -- facts (figures and statements about a resource) -------------------------------------------------
@dataclass
class Fact:
    """A fact node (flow, result, observation, statement, condition) with its properties and sources."""

    iri: str
    props: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    excerpts: list[Excerpt] = field(default_factory=list)

    def one(self, predicate: str) -> Any:
        values = self.props.get(predicate)
        return values[0] if values else None

    def iri_of(self, predicate: str) -> str | None:
        term = self.one(predicate)
        return term.value if isinstance(term, NamedNode) else None

    def has_type(self, class_iri: str) -> bool:
        return any(isinstance(t, NamedNode) and t.value == class_iri for t in self.props.get(RDF + "type", ()))

    @property
    def amount(self) -> Decimal | None:
        term = self.one(FG + "amount") or self.one(OBEU_MEASURE + "amount")
        try:
            return Decimal(term.value) if term is not None else None
        except ArithmeticError:
            return None

    @property
    def year(self) -> str | None:
        term = self.one(FG + "year")
        if term is not None:
            return term.value
        start, end = self.one(FG + "periodStart"), self.one(FG + "periodEnd")
        if start is not None or end is not None:
            return f"{start.value if start else ''}–{end.value if end else ''}"
        return None

    @property
    def is_total(self) -> bool:
        return self.has_type(FG + "StatedTotal")


def load_facts(iri: NamedNode) -> dict[str, Fact]:
    """Every fact about ``iri`` with its properties and excerpts (two queries)."""
    store = backend()
    labels = table()
    facts: dict[str, Fact] = {}
    for row in store.select(FACTS, {"e": iri}):
        fact = facts.setdefault(row["f"].value, Fact(row["f"].value))
        fact.props[row["p"].value].append(row["o"])
    for row in store.select(FACT_SOURCES, {"e": iri}):
        fact = facts.get(row["f"].value)
        if fact is not None:
            fact.excerpts.append(excerpt_from(row, labels))
    for fact in facts.values():
        fact.excerpts.sort(key=lambda x: (x.doc, x.start, x.end))
    return facts


# -- the page ---------------------------------------------------------------------------------------
@dataclass
class PropertyRow:
    predicate: str
    label: str
    values: list[Value]


@dataclass
class IncomingGroup:
    predicate: str
    label: str
    count: int
    items: list[Value]


@dataclass
class SourceClaim:
    """What a set of excerpts supports: the resource itself, or one claimed relation."""

    what: str
    subject: Value | None
    predicate: Value | None
    object: Value | None
    excerpts: list[Excerpt]


def exists(iri: NamedNode) -> bool:
    """True when the graph says anything about ``iri`` or points to it."""
    store = backend()
    return store.ask("ASK { ?e ?p ?o }", {"e": iri}) or store.ask("ASK { ?s ?p ?e }", {"e": iri})


def outgoing(iri: NamedNode) -> list[tuple[str, Any]]:
    return [(row["p"].value, row["o"]) for row in backend().select(OUTGOING, {"e": iri})]


def incoming_counts(iri: NamedNode) -> dict[str, int]:
    return {row["p"].value: int(row["n"].value) for row in backend().select(INCOMING_COUNTS, {"e": iri})}


def incoming_groups(iri: NamedNode, counts: dict[str, int]) -> list[IncomingGroup]:
    """Incoming links grouped by predicate, the first few of each (by label)."""
    labels = table()
    by_predicate: dict[str, list[str]] = defaultdict(list)
    for row in backend().select(INCOMING % INCOMING_CAP, {"e": iri}):
        by_predicate[row["p"].value].append(row["s"].value)
    groups = []
    for predicate, count in counts.items():
        subjects = sorted(by_predicate.get(predicate, ()), key=lambda s: labels.label(s).casefold())
        items = [value_of(NamedNode(s), labels) for s in subjects[:INCOMING_PREVIEW]]
        groups.append(IncomingGroup(predicate, labels.label(predicate), count, items))
    groups.sort(key=lambda g: (-g.count, g.label))
    return groups


def incoming_page(iri: NamedNode, predicate: str, page: int) -> list[Value]:
    """One page of the resources linking to ``iri`` with ``predicate``, by label."""
    labels = table()
    rows = backend().select(INCOMING_ONE, {"e": iri, "p": NamedNode(predicate)})
    subjects = sorted({row["s"].value for row in rows}, key=lambda s: (labels.label(s).casefold(), s))
    return [value_of(NamedNode(s), labels) for s in subjects[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]


def provenance(iri: NamedNode) -> list[SourceClaim]:
    """Where what is said about ``iri`` comes from, grouped by claim."""
    labels = table()
    claims: dict[tuple[str, str, str], SourceClaim] = {}
    seen: set[tuple[tuple[str, str, str], str]] = set()
    for row in backend().select(PROVENANCE, {"e": iri}):
        if row["a"] is None:
            key = ("", "", "")
            claim = claims.setdefault(key, SourceClaim("self", None, None, None, []))
        else:
            subject = row["subject"] or iri
            obj = row["obj"] or iri
            key = (subject.value, row["pred"].value, obj.value if hasattr(obj, "value") else str(obj))
            claim = claims.get(key)
            if claim is None:
                claim = claims[key] = SourceClaim(
                    "claim", value_of(subject, labels), value_of(row["pred"], labels),
                    value_of(obj, labels, row["pred"].value), [])
        excerpt = excerpt_from(row, labels)
        if (key, excerpt.iri) not in seen:
            seen.add((key, excerpt.iri))
            claim.excerpts.append(excerpt)
    out = sorted(claims.values(), key=lambda c: (c.what != "self", c.predicate.text if c.predicate else "",
                                                 c.object.text if c.object else ""))
    for claim in out:
        claim.excerpts.sort(key=lambda x: (x.doc_label, x.start))
    return out


def property_rows(triples: list[tuple[str, Any]]) -> list[PropertyRow]:
    """Outgoing triples grouped by predicate, labelled from the ontology, in a stable order."""
    labels = table()
    grouped: dict[str, list[Any]] = defaultdict(list)
    for predicate, obj in triples:
        grouped[predicate].append(obj)
    rows = []
    for predicate, objects in grouped.items():
        values = [value_of(o, labels, predicate) for o in objects]
        values.sort(key=lambda v: (v.lang != i18n.current(), v.text.casefold()))
        rows.append(PropertyRow(predicate, labels.label(predicate), values))
    order = {RDF + "type": 0, SKOS + "prefLabel": 1, RDFS + "label": 2, SKOS + "altLabel": 3}
    rows.sort(key=lambda r: (order.get(r.predicate, 9), r.label.casefold()))
    return rows


# -- source documents -------------------------------------------------------------------------------
_SAFE_FILE = re.compile(r"^[A-Za-z0-9_.-]+\.txt$")


def document_lines(doc: NamedNode, triples: list[tuple[str, Any]] | None = None) -> list[str] | None:
    """The lines of a source document's text, if the file is here and is the one that was loaded.

    The file name comes from the graph (``fg:sourceFile``), must be a plain name inside
    ``sources_dir/documents`` and must have the ``fg:sha256`` recorded at load time.
    """
    triples = triples if triples is not None else outgoing(doc)
    name = next((o.value for p, o in triples if p == FG + "sourceFile" and isinstance(o, Literal)), None)
    digest = next((o.value for p, o in triples if p == FG + "sha256" and isinstance(o, Literal)), None)
    if not name or not _SAFE_FILE.match(name):
        return None
    return per_version(f"doc-text:{name}", backend().version(), lambda: _read_document(name, digest))


def _read_document(name: str, digest: str | None) -> list[str] | None:
    folder = Path(settings().documents_dir).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file():
        return None
    data = path.read_bytes()
    if digest and hashlib.sha256(data).hexdigest() != digest:
        return None  # edited since the load: its line numbers may no longer match the quotes
    return data.decode("utf-8").split("\n")


def document_text_by_slug(slug: str) -> tuple[str, str] | None:
    """``(file name, text)`` of the document ``<base>id/document/<slug>``, or ``None``."""
    doc = NamedNode(settings().base_iri + "id/document/" + slug)
    triples = outgoing(doc)
    lines = document_lines(doc, triples)
    if lines is None:
        return None
    name = next(o.value for p, o in triples if p == FG + "sourceFile")
    return name, "\n".join(lines)


# -- the RDF description ----------------------------------------------------------------------------
def rdf_description(iri: NamedNode) -> list[Triple]:
    """The triples served for ``iri`` (see the module docstring), subjects grouped together."""
    store = backend()
    labels = table()
    triples = set(store.construct(RDF_DESCRIPTION, {"e": iri}))
    for row in store.select(RDF_INCOMING, {"e": iri}):
        triples.add(Triple(row["s"], row["p"], iri))
    named = {t.object.value for t in triples if isinstance(t.object, NamedNode)}
    named |= {t.subject.value for t in triples if isinstance(t.subject, NamedNode)}
    named.discard(iri.value)
    for resource in named:
        for text, lang, predicate in labels.all_labels(resource):
            if predicate in LABEL_PREDICATES:
                literal = Literal(text, language=lang) if lang else Literal(text)
                triples.add(Triple(NamedNode(resource), NamedNode(predicate), literal))
    return sorted(triples, key=lambda t: (t.subject.value != iri.value, str(t.subject), str(t.predicate),
                                          str(t.object)))


def used_prefixes(triples: list[Triple]) -> dict[str, str]:
    """Our prefixes that occur in ``triples`` (data IRIs have slashes in their local part: written in full)."""
    candidates = dict(PREFIXES)
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, NamedNode):
                iris.add(term.value)
            elif isinstance(term, Literal) and term.datatype:
                iris.add(term.datatype.value)
    out = {}
    for prefix, namespace in candidates.items():
        if any(i.startswith(namespace) and "/" not in i[len(namespace):] and "#" not in i[len(namespace):]
               for i in iris):
            out[prefix] = namespace
    return out


def is_vocabulary(iri: str) -> bool:
    return iri.startswith(VOCAB_BASE)
