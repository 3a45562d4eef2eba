"""The ontology as published at its own IRI: ``ontology/*.ttl`` read at request time, as RDF or as a page.

Whatever Turtle files are in the ontology directory (except the SHACL ``shapes*.ttl``) form the document
served at ``/def``: the classes and properties of ``fg:`` and the concept schemes. The parsed graph and
the page model are cached until a file changes (name, size or modification time), so an edit to the
ontology shows on the next request without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, Literal, NamedNode, RdfFormat, Store, Variable

from fundinggraph.config import VOCAB_BASE
from fundinggraph.namespaces import DCTERMS, OWL, PREFIXES, RDF, RDFS, SKOS, sparql_prologue

ONTOLOGY_IRI = VOCAB_BASE
FG = VOCAB_BASE + "#"

#: Namespaces the ontology reuses, by prefix (for display and for the Turtle we write).
EXTRA_PREFIXES = {
    "vann": "http://purl.org/vocab/vann/",
    "regorg": "http://www.w3.org/ns/regorg#",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "oa": "http://www.w3.org/ns/oa#",
    "organisatie": "https://data.vlaanderen.be/ns/organisatie#",
    "subsidie": "http://data.vlaanderen.be/ns/subsidie#",
    "obeu-attribute": "http://data.openbudgets.eu/ontology/dsd/attribute/",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "obeu-budgetphase": "http://data.openbudgets.eu/resource/codelist/budget-phase/",
}
ALL_PREFIXES = {**PREFIXES, **EXTRA_PREFIXES}

#: Properties that align a term with another vocabulary, in display order.
ALIGNMENTS = {
    RDFS.subClassOf.value: "rdfs:subClassOf",
    RDFS.subPropertyOf.value: "rdfs:subPropertyOf",
    OWL.equivalentClass.value: "owl:equivalentClass",
    OWL.equivalentProperty.value: "owl:equivalentProperty",
    SKOS.exactMatch.value: "skos:exactMatch",
    SKOS.closeMatch.value: "skos:closeMatch",
    SKOS.broadMatch.value: "skos:broadMatch",
    SKOS.narrowMatch.value: "skos:narrowMatch",
    SKOS.relatedMatch.value: "skos:relatedMatch",
    OWL.inverseOf.value: "owl:inverseOf",
}


def ontology_files(directory: Path) -> list[Path]:
    """The Turtle files of the ontology document (SHACL shapes are published separately)."""
    return sorted(p for p in directory.glob("*.ttl") if not p.name.startswith("shapes"))


def compact(iri: str) -> str:
    """``fg:Agency`` for a known namespace, else the IRI."""
    best = max((ns for ns in ALL_PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in ALL_PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


@dataclass
class Term:
    """A class, property or concept with its texts in both languages."""

    iri: str
    name: str  # compact form (fg:Agency)
    anchor: str
    labels: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    kinds: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    alignments: list[tuple[str, str]] = field(default_factory=list)  # (relation, other term IRI)
    notation: str | None = None


@dataclass
class Scheme:
    iri: str
    code: str
    labels: dict[str, str]
    definitions: dict[str, str]
    concepts: list[Term]


@dataclass
class OntologyDoc:
    """Everything the ``/def`` page shows, and the graph it comes from."""

    store: Store
    files: list[str]
    titles: dict[str, str]
    descriptions: dict[str, str]
    version: str | None
    license: str | None
    classes: list[Term]
    properties: list[Term]
    schemes: list[Scheme]
    triples: int


def _texts(store: Store, subject: NamedNode, *predicates: NamedNode) -> dict[str, str]:
    out: dict[str, str] = {}
    for predicate in predicates:
        for quad in store.quads_for_pattern(subject, predicate, None):
            if isinstance(quad.object, Literal):
                out.setdefault(quad.object.language or "", quad.object.value)
    return out


def _objects(store: Store, subject: NamedNode, predicate: NamedNode) -> list[str]:
    return sorted({q.object.value for q in store.quads_for_pattern(subject, predicate, None)
                   if isinstance(q.object, NamedNode)})


def _term(store: Store, iri: str) -> Term:
    node = NamedNode(iri)
    local = iri[len(FG):] if iri.startswith(FG) else compact(iri).replace(":", "-")
    term = Term(iri, compact(iri), local,
                labels=_texts(store, node, RDFS.label, SKOS.prefLabel),
                comments=_texts(store, node, RDFS.comment, SKOS.definition),
                kinds=[compact(t) for t in _objects(store, node, RDF.type)],
                domains=_objects(store, node, RDFS.domain),
                ranges=_objects(store, node, RDFS.range))
    for predicate, name in ALIGNMENTS.items():
        term.alignments += [(name, other) for other in _objects(store, node, NamedNode(predicate))]
    notation = next((q.object.value for q in store.quads_for_pattern(node, SKOS.notation, None)), None)
    term.notation = notation
    return term


# Bound variables are projected: pyoxigraph substitutions require it.
CLASSES = """SELECT DISTINCT ?term ?ns WHERE { { ?term a owl:Class } UNION { ?term a rdfs:Class }
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(?ns))) } ORDER BY ?term"""
PROPERTIES = """SELECT DISTINCT ?term ?ns WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty rdf:Property }
  ?term a ?kind FILTER(isIRI(?term) && STRSTARTS(STR(?term), STR(?ns))) } ORDER BY ?term"""
SCHEMES = """SELECT ?scheme WHERE { ?scheme a skos:ConceptScheme } ORDER BY ?scheme"""
CONCEPTS = """SELECT ?concept ?scheme WHERE { ?concept skos:inScheme ?scheme } ORDER BY ?concept"""


def _build(files: list[Path]) -> OntologyDoc:
    store = Store()
    for path in files:
        store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=DefaultGraph())
    pro = sparql_prologue()

    def iris(query: str, **bindings: object) -> list[str]:
        subs = {Variable(k): v for k, v in bindings.items()} or None
        return [row[0].value for row in store.query(pro + query, substitutions=subs)]  # type: ignore[arg-type]

    ns = Literal(FG)
    classes = [_term(store, iri) for iri in iris(CLASSES, ns=ns)]
    properties = [_term(store, iri) for iri in iris(PROPERTIES, ns=ns)]
    schemes = []
    for scheme in iris(SCHEMES):
        node = NamedNode(scheme)
        concepts = [_term(store, iri) for iri in iris(CONCEPTS, scheme=node)]
        concepts.sort(key=lambda c: (c.notation is None, c.notation or "", c.iri))
        schemes.append(Scheme(scheme, scheme.rsplit("/", 1)[-1], _texts(store, node, SKOS.prefLabel, RDFS.label),
                              _texts(store, node, SKOS.definition, RDFS.comment), concepts))
    onto = NamedNode(ONTOLOGY_IRI)
    version = next((q.object.value for q in store.quads_for_pattern(onto, OWL.versionInfo, None)), None)
    license_ = next((q.object.value for q in store.quads_for_pattern(onto, DCTERMS.license, None)), None)
    return OntologyDoc(store, [p.name for p in files], _texts(store, onto, DCTERMS.title),
                       _texts(store, onto, DCTERMS.description), version, license_, classes, properties,
                       schemes, len(store))


_LOCK = threading.Lock()
_CACHE: dict[Path, tuple[tuple, OntologyDoc]] = {}


def ontology(directory: Path) -> OntologyDoc:
    """The ontology document of ``directory``, re-read when one of its files changed.

    :raises FileNotFoundError: when the directory holds no ontology file.
    :raises SyntaxError: when a file is not valid Turtle.
    """
    files = ontology_files(directory)
    if not files:
        raise FileNotFoundError(f"no ontology files (*.ttl) in {directory}")
    key = tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    with _LOCK:
        cached = _CACHE.get(directory)
        if cached is not None and cached[0] == key:
            return cached[1]
    doc = _build(files)
    with _LOCK:
        _CACHE[directory] = (key, doc)
    return doc


def serialized(doc: OntologyDoc, fmt: RdfFormat) -> bytes:
    """The ontology document in ``fmt`` with its prefixes."""
    if fmt in (RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.JSON_LD):
        return doc.store.dump(format=fmt, from_graph=DefaultGraph(), prefixes=ALL_PREFIXES)
    return doc.store.dump(format=fmt, from_graph=DefaultGraph())
