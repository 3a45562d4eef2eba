"""What the dataset is, for machines: its VoID description and its DCAT-AP catalog record.

Both are computed from the version being served (sizes, classes, properties, years covered, source
documents, links to other publishers) and from the dump files of that version (sizes, SHA-256), and
cached per version. The dataset IRI ``<base>id/dataset/fundinggraph`` is the one the SPARQL service
description names too, so the three descriptions link up.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from fundinggraph.config import VOCAB_BASE, Settings
from fundinggraph.dumps import DumpFile
from fundinggraph.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    PREFIXES,
    RDF,
    RDFS,
    SKOS,
    VOID,
    XSD,
    Namespace,
)
from fundinggraph.store.backend import Backend

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
FORMATS_NS = "http://www.w3.org/ns/formats/"

#: Namespaces shown with a prefix in the Turtle of the descriptions.
DESCRIPTION_PREFIXES = {
    **{name: PREFIXES[name] for name in ("rdf", "rdfs", "xsd", "owl", "skos", "dcterms", "dcat", "foaf", "void",
                                          "prov", "org", "qb", "fg", "schema", "m8g")},
    "spdx": str(SPDX),
    "vcard": str(VCARD),
    "eu-theme": EU + "data-theme/",
    "eu-filetype": EU + "file-type/",
    "eu-language": EU + "language/",
    "eu-licence": EU + "licence/",
}

TITLE = {"nl": "Financieringsgraaf van het Vlaams economisch beleid",
         "en": "Flemish economic-policy funding graph"}
DESCRIPTION = {
    "nl": "Wie financiert wie in het Vlaamse economisch beleid, via welk instrument, hoeveel, in welk jaar en "
          "welke begrotingsfase, en volgens welke bronzin: een kennisgraaf gebouwd uit schriftelijke vragen "
          "van het Vlaams Parlement en de Speurgids 'Actoren en budgetten in het Vlaams economisch beleid'. "
          "Elk bedrag verwijst naar het letterlijke citaat en de regels van het brondocument.",
    "en": "Who funds whom in Flemish economic policy, through which instrument, how much, in which year and "
          "budget phase, and according to which source sentence: a knowledge graph built from written "
          "questions to the Flemish Parliament and the Speurgids 'Actors and budgets in Flemish economic "
          "policy'. Every figure points to the exact quote and lines of its source document.",
}
KEYWORDS = {"nl": ("economisch beleid", "subsidies", "begroting", "Vlaanderen", "financiering"),
            "en": ("economic policy", "subsidies", "budget", "Flanders", "funding")}

#: dump name -> EU file type code (publications.europa.eu/resource/authority/file-type)
FILE_TYPES = {"fundinggraph.nq": "RDF_N_QUADS", "fundinggraph.ttl": "RDF_TURTLE"}
W3C_FORMATS = {"fundinggraph.nq": "N-Quads", "fundinggraph.ttl": "Turtle"}

#: Publishers we link to, by the start of their IRIs (see loaders/links.py and docs/LINKS.md).
LINK_TARGETS: tuple[tuple[str, str, str], ...] = (
    ("wegwijs", "https://data.vlaanderen.be/id/organisatie/", "Wegwijs organisation register (Flemish government)"),
    ("kbo", "https://data.vlaanderen.be/id/onderneming/", "KBO enterprises (Flemish linked data)"),
    ("belgif", "https://org.belgif.be/id/CbeRegisteredEntity/", "CBE registered entities (BELGIF)"),
    ("nuts", "http://data.europa.eu/nuts/code/", "NUTS regions (Eurostat / EU Publications Office)"),
    ("wikidata", "http://www.wikidata.org/entity/", "Wikidata"),
    ("vlaams-parlement", "https://www.vlaamsparlement.be/", "Vlaams Parlement: pages"),
    ("vlaams-parlement-docs", "https://docs.vlaamsparlement.be/", "Vlaams Parlement: documents"),
    ("vlaams-parlement-api", "https://ws.vlpar.be/", "Vlaams Parlement: open-data API"),
)


@dataclass
class Statistics:
    """Figures of one data version, from the store."""

    version: str
    triples: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: list[tuple[str, int]]
    properties: list[tuple[str, int]]
    first_year: str | None
    last_year: str | None
    documents: list[dict[str, object]] = field(default_factory=list)
    linksets: list[tuple[str, str, int]] = field(default_factory=list)  # (target key, predicate, links)


# ?space is projected and grouped: the embedded backend binds only projected variables.
ENTITIES = """SELECT ?space (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(?space))) }
GROUP BY ?space"""
DISTINCT = """SELECT (COUNT(DISTINCT ?s) AS ?subjects) (COUNT(DISTINCT ?o) AS ?objects) WHERE { ?s ?p ?o }"""
CLASSES = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) ?class"""
PROPERTIES = """SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p"""
YEARS = """SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE {
  ?x fg:year|fg:periodStart|fg:periodEnd ?v BIND(STR(?v) AS ?y) FILTER(REGEX(?y, "^[0-9]{4}$")) }"""
DOCUMENTS = """SELECT ?doc ?file ?title ?page ?seeAlso WHERE { ?doc a fg:SourceDocument ; fg:sourceFile ?file
  OPTIONAL { ?doc dcterms:title ?title } OPTIONAL { ?doc foaf:page ?page } OPTIONAL { ?doc rdfs:seeAlso ?seeAlso } }
  ORDER BY ?file"""
LINKS = """SELECT ?predicate ?object WHERE { ?link a fg:Link ; rdf:predicate ?predicate ; rdf:object ?object }"""


def statistics(backend: Backend, settings: Settings) -> Statistics:
    """The figures of the version ``backend`` serves."""
    version = backend.version()
    entities = backend.select(ENTITIES, {"space": Literal(settings.base_iri + "id/")})
    distinct = backend.select(DISTINCT)[0]
    years = backend.select(YEARS)[0]
    docs: dict[str, dict[str, object]] = {}
    for row in backend.select(DOCUMENTS):
        entry = docs.setdefault(row["doc"].value, {"iri": row["doc"].value, "file": row["file"].value,
                                                   "titles": set(), "pages": set(), "see_also": set()})
        if row["title"] is not None:
            entry["titles"].add((row["title"].value, row["title"].language))  # type: ignore[union-attr]
        if row["page"] is not None:
            entry["pages"].add(row["page"].value)  # type: ignore[union-attr]
        if row["seeAlso"] is not None:
            entry["see_also"].add(row["seeAlso"].value)  # type: ignore[union-attr]
    linksets: dict[tuple[str, str], int] = {}
    for row in backend.select(LINKS):
        target = next((key for key, start, _ in LINK_TARGETS if row["object"].value.startswith(start)), None)
        if target is not None:
            linksets[(target, row["predicate"].value)] = linksets.get((target, row["predicate"].value), 0) + 1
    return Statistics(
        version=version,
        triples=backend.triple_count(),
        entities=int(entities[0]["n"].value),
        distinct_subjects=int(distinct["subjects"].value),
        distinct_objects=int(distinct["objects"].value),
        classes=[(r["class"].value, int(r["n"].value)) for r in backend.select(CLASSES) if r["class"] is not None],
        properties=[(r["p"].value, int(r["n"].value)) for r in backend.select(PROPERTIES)],
        first_year=years["first"].value if years["first"] is not None else None,
        last_year=years["last"].value if years["last"] is not None else None,
        documents=list(docs.values()),
        linksets=sorted((t, p, n) for (t, p), n in linksets.items()),
    )


def compact(iri: str) -> str:
    """``fg:Agency`` for a known namespace, else the IRI."""
    best = max((ns for ns in DESCRIPTION_PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in DESCRIPTION_PREFIXES.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def namespace_of(iri: str) -> str:
    """The vocabulary namespace of a term: a known namespace, else up to the last ``#`` or ``/``."""
    best = max((ns for ns in PREFIXES.values() if iri.startswith(ns)), key=len, default=None)
    if best is not None:
        return best
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def _fragment(kind: str, iri: str) -> str:
    """A readable, safe fragment for a partition: ``class-fg-Agency`` (hashed when not readable)."""
    name = compact(iri).replace(":", "-")
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]*", name):
        return f"{kind}-{name}"
    return f"{kind}-{hashlib.sha256(iri.encode()).hexdigest()[:12]}"


def _lit(text: object, lang: str | None = None, datatype: NamedNode | None = None) -> Literal:
    if lang:
        return Literal(str(text), language=lang)
    return Literal(str(text), datatype=datatype) if datatype else Literal(str(text))


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=XSD.integer)


def _version_date(version: str) -> Literal | None:
    match = re.match(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})", version)
    if not match:
        return None
    y, mo, d, h, mi, s = match.groups()
    return Literal(f"{y}-{mo}-{d}T{h}:{mi}:{s}Z", datatype=XSD.dateTime)


@dataclass(frozen=True)
class Urls:
    """Where this site serves things (absolute URLs of the request's host)."""

    root: str  # ends with "/"

    @property
    def sparql(self) -> str:
        return self.root + "sparql"

    @property
    def void(self) -> str:
        return self.root + ".well-known/void"

    @property
    def catalog(self) -> str:
        return self.root + "catalog"

    def dump(self, name: str) -> str:
        return self.root + "dumps/" + name


def void_triples(stats: Statistics, settings: Settings, urls: Urls, dumps: list[DumpFile]) -> list[Triple]:
    """The VoID description of the dataset (RDF)."""
    dataset = NamedNode(settings.base_iri + "id/dataset/fundinggraph")
    doc = NamedNode(settings.base_iri + ".well-known/void")
    out = [
        Triple(doc, RDF.type, VOID.DatasetDescription),
        Triple(doc, DCTERMS.title, _lit("VoID-beschrijving van de financieringsgraaf", "nl")),
        Triple(doc, DCTERMS.title, _lit("VoID description of the funding graph", "en")),
        Triple(doc, FOAF.primaryTopic, dataset),
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(dataset, DCTERMS.license, NamedNode(settings.dataset_license)),
        Triple(dataset, VOID.triples, _int(stats.triples)),
        Triple(dataset, VOID.entities, _int(stats.entities)),
        Triple(dataset, VOID.classes, _int(len(stats.classes))),
        Triple(dataset, VOID.properties, _int(len(stats.properties))),
        Triple(dataset, VOID.distinctSubjects, _int(stats.distinct_subjects)),
        Triple(dataset, VOID.distinctObjects, _int(stats.distinct_objects)),
        Triple(dataset, VOID.sparqlEndpoint, NamedNode(urls.sparql)),
        Triple(dataset, VOID.uriSpace, _lit(settings.base_iri + "id/")),
        Triple(dataset, VOID.vocabulary, NamedNode(VOCAB_BASE + "#")),
        Triple(dataset, DCAT.version, _lit(stats.version)),
        Triple(dataset, RDFS.seeAlso, NamedNode(urls.catalog)),
        Triple(dataset, VOID.exampleResource, NamedNode(settings.base_iri + "id/organisation/vlaio")),
    ]
    for lang in ("nl", "en"):
        out += [Triple(dataset, DCTERMS.title, _lit(TITLE[lang], lang)),
                Triple(dataset, DCTERMS.description, _lit(DESCRIPTION[lang], lang))]
    modified = _version_date(stats.version)
    if modified is not None:
        out.append(Triple(dataset, DCTERMS.modified, modified))
    for dump in dumps:
        out.append(Triple(dataset, VOID.dataDump, NamedNode(urls.dump(dump.name))))
        if dump.name in W3C_FORMATS:
            out.append(Triple(dataset, VOID.feature, NamedNode(FORMATS_NS + W3C_FORMATS[dump.name])))
    vocabularies = {namespace_of(iri) for iri, _ in stats.properties} | {namespace_of(iri) for iri, _ in stats.classes}
    out += [Triple(dataset, VOID.vocabulary, NamedNode(ns)) for ns in sorted(vocabularies) if ns]
    for document in stats.documents:
        node = NamedNode(str(document["iri"]))
        out.append(Triple(dataset, DCTERMS.source, node))
        out += [Triple(node, DCTERMS.title, _lit(text, lang)) for text, lang in sorted(document["titles"])]  # type: ignore[arg-type]
        out += [Triple(node, FOAF.page, NamedNode(p)) for p in sorted(document["pages"])]  # type: ignore[arg-type]
        out += [Triple(node, RDFS.seeAlso, NamedNode(p)) for p in sorted(document["see_also"])]  # type: ignore[arg-type]
    for iri, entities in stats.classes:
        part = NamedNode(f"{settings.base_iri}.well-known/void#{_fragment('class', iri)}")
        out += [Triple(dataset, VOID.classPartition, part), Triple(part, VOID["class"], NamedNode(iri)),
                Triple(part, VOID.entities, _int(entities))]
    for iri, triples in stats.properties:
        part = NamedNode(f"{settings.base_iri}.well-known/void#{_fragment('property', iri)}")
        out += [Triple(dataset, VOID.propertyPartition, part), Triple(part, VOID.property, NamedNode(iri)),
                Triple(part, VOID.triples, _int(triples))]
    names = {key: name for key, _, name in LINK_TARGETS}
    starts = {key: start for key, start, _ in LINK_TARGETS}
    for key, predicate, links in stats.linksets:
        linkset = NamedNode(f"{settings.base_iri}.well-known/void#{_fragment('links', key + '-' + compact(predicate))}")
        target = NamedNode(f"{settings.base_iri}.well-known/void#target-{key}")
        out += [
            Triple(dataset, VOID.subset, linkset),
            Triple(linkset, RDF.type, VOID.Linkset),
            Triple(linkset, VOID.subjectsTarget, dataset),
            Triple(linkset, VOID.objectsTarget, target),
            Triple(linkset, VOID.linkPredicate, NamedNode(predicate)),
            Triple(linkset, VOID.triples, _int(links)),
            Triple(target, RDF.type, VOID.Dataset),
            Triple(target, DCTERMS.title, _lit(names[key], "en")),
            Triple(target, VOID.uriSpace, _lit(starts[key])),
        ]
    return sorted(set(out), key=str)


def catalog_triples(stats: Statistics, settings: Settings, urls: Urls, dumps: list[DumpFile]) -> list[Triple]:
    """The DCAT-AP 3 record: catalog, dataset, one distribution per dump file and the SPARQL data service."""
    base = settings.base_iri
    catalog = NamedNode(base + "catalog")
    dataset = NamedNode(base + "id/dataset/fundinggraph")
    publisher = NamedNode(base + "catalog#publisher")
    contact = NamedNode(base + "catalog#contact")
    service = NamedNode(base + "catalog#sparql-endpoint")
    licence = NamedNode(settings.dataset_license)
    theme = NamedNode(EU + "data-theme/ECON")
    themes = NamedNode(EU + "data-theme")
    spatial = NamedNode("http://data.europa.eu/nuts/code/BE2")
    languages = [NamedNode(EU + "language/NLD"), NamedNode(EU + "language/ENG")]
    home = NamedNode(urls.root)
    out = [
        Triple(catalog, RDF.type, DCAT.Catalog),
        Triple(catalog, DCTERMS.publisher, publisher),
        Triple(catalog, DCAT.dataset, dataset),
        Triple(catalog, DCAT.service, service),
        Triple(catalog, FOAF.homepage, home),
        Triple(catalog, DCTERMS.license, licence),
        Triple(catalog, DCAT.themeTaxonomy, themes),
        Triple(catalog, DCTERMS.spatial, spatial),
        Triple(dataset, RDF.type, DCAT.Dataset),
        Triple(dataset, DCTERMS.identifier, _lit(dataset.value)),
        Triple(dataset, DCTERMS.publisher, publisher),
        Triple(dataset, DCAT.contactPoint, contact),
        Triple(dataset, DCAT.theme, theme),
        Triple(dataset, DCTERMS.spatial, spatial),
        Triple(dataset, DCAT.landingPage, home),
        Triple(dataset, DCAT.version, _lit(stats.version)),
        Triple(dataset, DCTERMS.conformsTo, NamedNode(VOCAB_BASE)),
        Triple(dataset, RDFS.seeAlso, NamedNode(urls.void)),
        Triple(publisher, RDF.type, FOAF.Agent),
        Triple(publisher, RDF.type, FOAF.Organization),
        Triple(contact, RDF.type, VCARD.Kind),
        Triple(contact, RDF.type, VCARD.Organization),
        Triple(contact, VCARD.hasURL, home),
        Triple(licence, RDF.type, DCTERMS.LicenseDocument),
        Triple(theme, RDF.type, SKOS.Concept),
        Triple(theme, SKOS.prefLabel, _lit("Economy and finance", "en")),
        Triple(theme, SKOS.prefLabel, _lit("Economie en financiën", "nl")),
        Triple(theme, SKOS.inScheme, themes),
        Triple(themes, RDF.type, SKOS.ConceptScheme),
        Triple(themes, DCTERMS.title, _lit("Data theme", "en")),
        Triple(spatial, RDF.type, DCTERMS.Location),
        Triple(spatial, SKOS.prefLabel, _lit("Vlaams Gewest", "nl")),
        Triple(home, RDF.type, FOAF.Document),
        Triple(NamedNode(VOCAB_BASE), RDF.type, DCTERMS.Standard),
        Triple(service, RDF.type, DCAT.DataService),
        Triple(service, DCAT.endpointURL, NamedNode(urls.sparql)),
        Triple(service, DCAT.endpointDescription, NamedNode(urls.sparql)),
        Triple(service, DCAT.servesDataset, dataset),
        Triple(service, DCTERMS.conformsTo, NamedNode("https://www.w3.org/TR/sparql11-protocol/")),
        Triple(service, DCTERMS.publisher, publisher),
        Triple(service, DCTERMS.license, licence),
        Triple(NamedNode("https://www.w3.org/TR/sparql11-protocol/"), RDF.type, DCTERMS.Standard),
    ]
    for lang in ("nl", "en"):
        out += [
            Triple(catalog, DCTERMS.title, _lit(("Catalogus: " if lang == "nl" else "Catalogue: ") + TITLE[lang], lang)),
            Triple(catalog, DCTERMS.description, _lit(DESCRIPTION[lang], lang)),
            Triple(dataset, DCTERMS.title, _lit(TITLE[lang], lang)),
            Triple(dataset, DCTERMS.description, _lit(DESCRIPTION[lang], lang)),
            Triple(publisher, FOAF.name, _lit(TITLE[lang], lang)),
            Triple(contact, VCARD.fn, _lit(TITLE[lang], lang)),
            Triple(service, DCTERMS.title, _lit(("SPARQL-endpoint: " if lang == "nl" else "SPARQL endpoint: ")
                                                + TITLE[lang], lang)),
        ]
        out += [Triple(dataset, DCAT.keyword, _lit(word, lang)) for word in KEYWORDS[lang]]
    out += [Triple(target, DCTERMS.language, language) for language in languages for target in (catalog, dataset)]
    out += [Triple(language, RDF.type, DCTERMS.LinguisticSystem) for language in languages]
    modified = _version_date(stats.version)
    if modified is not None:
        out += [Triple(dataset, DCTERMS.modified, modified), Triple(catalog, DCTERMS.modified, modified)]
    if stats.first_year and stats.last_year:
        period = NamedNode(base + "catalog#temporal-coverage")
        out += [Triple(dataset, DCTERMS.temporal, period), Triple(period, RDF.type, DCTERMS.PeriodOfTime),
                Triple(period, DCAT.startDate, Literal(stats.first_year, datatype=XSD.gYear)),
                Triple(period, DCAT.endDate, Literal(stats.last_year, datatype=XSD.gYear))]
    for document in stats.documents:
        out.append(Triple(dataset, DCTERMS.source, NamedNode(str(document["iri"]))))
    sparql_dist = NamedNode(base + "catalog#distribution-sparql")
    out += [
        Triple(dataset, DCAT.distribution, sparql_dist),
        Triple(sparql_dist, RDF.type, DCAT.Distribution),
        Triple(sparql_dist, DCAT.accessURL, NamedNode(urls.sparql)),
        Triple(sparql_dist, DCAT.accessService, service),
        Triple(sparql_dist, DCTERMS.license, licence),
        Triple(sparql_dist, DCTERMS.title, _lit("SPARQL endpoint", "en")),
        Triple(sparql_dist, DCTERMS.format, NamedNode(EU + "file-type/SPARQLQ")),
        Triple(NamedNode(EU + "file-type/SPARQLQ"), RDF.type, DCTERMS.MediaTypeOrExtent),
    ]
    for dump in dumps:
        dist = NamedNode(base + "catalog#distribution-" + dump.name.replace(".", "-"))
        checksum = NamedNode(base + "catalog#checksum-" + dump.name.replace(".", "-"))
        media = NamedNode("https://www.iana.org/assignments/media-types/" + dump.media_type)
        file_type = NamedNode(EU + "file-type/" + FILE_TYPES.get(dump.name, "RDF"))
        download = NamedNode(urls.dump(dump.name))
        out += [
            Triple(dataset, DCAT.distribution, dist),
            Triple(dist, RDF.type, DCAT.Distribution),
            Triple(dist, DCTERMS.title, _lit(f"Dump {dump.name}", "en")),
            Triple(dist, DCTERMS.description, _lit(f"The whole graph (version {dump.version}) as {dump.media_type}.",
                                                   "en")),
            Triple(dist, DCAT.accessURL, download),
            Triple(dist, DCAT.downloadURL, download),
            Triple(dist, DCAT.mediaType, media),
            Triple(dist, DCTERMS.format, file_type),
            Triple(dist, DCTERMS.license, licence),
            Triple(dist, DCAT.byteSize, Literal(str(dump.size), datatype=XSD.nonNegativeInteger)),
            Triple(dist, SPDX.checksum, checksum),
            Triple(checksum, RDF.type, SPDX.Checksum),
            Triple(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256),
            Triple(checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)),
            Triple(SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm),
            Triple(media, RDF.type, DCTERMS.MediaType),
            Triple(file_type, RDF.type, DCTERMS.MediaTypeOrExtent),
        ]
        if modified is not None:
            out.append(Triple(dist, DCTERMS.modified, modified))
    return sorted(set(out), key=str)
