"""The SPARQL 1.1 Service Description of the endpoint (``GET /sparql`` with an RDF ``Accept``).

Says what the endpoint speaks (query, and update when an admin token is configured), which result
formats it writes, its features, and its default dataset: ``<base>id/dataset/fundinggraph``, the same
IRI the VoID and DCAT descriptions (``/.well-known/void``, ``/catalog``) use, so the three link up.
"""

from __future__ import annotations

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from fundinggraph.config import Settings
from fundinggraph.namespaces import DCTERMS, PREFIXES, RDF, RDFS, SD, VOID, XSD

FORMATS_NS = "http://www.w3.org/ns/formats/"
#: Result formats the endpoint writes, as W3C format IRIs (https://www.w3.org/ns/formats/).
RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                  "Turtle", "N-Triples", "JSON-LD", "RDF_XML", "N-Quads", "TriG")


def dataset_iri(settings: Settings) -> NamedNode:
    """The IRI of the published dataset (shared with VoID and DCAT)."""
    return NamedNode(settings.base_iri + "id/dataset/fundinggraph")


def description(settings: Settings, endpoint_url: str, triples: int | None, site_root: str) -> list[Triple]:
    """The service description of the endpoint at ``endpoint_url`` as triples."""
    service = NamedNode(endpoint_url)
    dataset = dataset_iri(settings)
    graph = BlankNode("defaultGraph")
    out = [
        Triple(service, RDF.type, SD.Service),
        Triple(service, SD.endpoint, service),
        Triple(service, SD.supportedLanguage, SD.SPARQL11Query),
        Triple(service, SD.defaultEntailmentRegime, NamedNode("http://www.w3.org/ns/entailment/Simple")),
        Triple(service, SD.feature, SD.EmptyGraphs),
        Triple(service, DCTERMS.title, Literal("SPARQL endpoint of the Flemish economic-policy funding graph",
                                               language="en")),
        Triple(service, DCTERMS.title, Literal("SPARQL-endpoint van de financieringsgraaf Vlaams economisch "
                                               "beleid", language="nl")),
        Triple(service, RDFS.comment, Literal(
            f"Read-only unless an admin token is configured. Limits: {settings.query_timeout:g} s per query "
            f"(query_timeout), {settings.max_rows} rows or triples per result (max_rows), "
            f"{settings.max_request_bytes} bytes per request (max_request_bytes). SERVICE is "
            + ("limited to: " + ", ".join(settings.service_allowlist) if settings.service_allowlist else "off")
            + ". No extension functions.", language="en")),
        Triple(service, SD.defaultDataset, dataset),
        Triple(dataset, RDF.type, SD.Dataset),
        Triple(dataset, RDF.type, VOID.Dataset),
        Triple(dataset, SD.defaultGraph, graph),
        Triple(dataset, VOID.sparqlEndpoint, service),
        Triple(dataset, RDFS.seeAlso, NamedNode(site_root + ".well-known/void")),
        Triple(dataset, RDFS.seeAlso, NamedNode(site_root + "catalog")),
        Triple(graph, RDF.type, SD.Graph),
    ]
    if triples is not None:
        out.append(Triple(graph, VOID.triples, Literal(str(triples), datatype=XSD.integer)))
    if settings.admin_token:
        out.append(Triple(service, SD.supportedLanguage, SD.SPARQL11Update))
    if settings.service_allowlist:
        out.append(Triple(service, SD.feature, SD.BasicFederatedQuery))
    out += [Triple(service, SD.resultFormat, NamedNode(FORMATS_NS + name)) for name in RESULT_FORMATS]
    return out


def serialized(triples: list[Triple], fmt: RdfFormat) -> bytes:
    """The description in ``fmt``, with our prefixes and ``sd:`` where the format has prefixes."""
    names = ("rdf", "rdfs", "xsd", "dcterms", "void")
    prefixes = {"sd": str(SD), "formats": FORMATS_NS, **{name: PREFIXES[name] for name in names}}
    return serialize(triples, format=fmt, prefixes=prefixes)
