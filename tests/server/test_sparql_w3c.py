"""The W3C SPARQL 1.1 Protocol and Service Description tests, replayed against our endpoint over HTTP.

The manifests and data are copied unchanged into tests/data/w3c/ (see its README). Each protocol test
is a list of HTTP requests with expected status class, result format and boolean; the runner sends them
to a server whose store holds the manifest's graph data, with ``/sparql/`` mapped to ``/sparql``.

Expected refusals: on the read-only endpoint every ``update_*`` test is refused with 403 (no admin
token). With the token, ``update_post_form``, ``update_post_direct`` and ``update_base_uri`` pass as
written; the ``update_dataset_*`` tests send ``using-graph-uri`` / ``using-named-graph-uri``, which
pyoxigraph's update API cannot take, so we refuse them with 400 and say to write ``USING`` in the update.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from pyoxigraph import NamedNode, Quad, QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import Namespace

from fundinggraph import config
from fundinggraph.store import EmbeddedStores

W3C = Path(__file__).resolve().parents[1] / "data" / "w3c"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
TOKEN = "w3c-token"

RESULT_TYPES = {"application/sparql-results+json": QueryResultsFormat.JSON,
                "application/sparql-results+xml": QueryResultsFormat.XML,
                "text/tab-separated-values": QueryResultsFormat.TSV, "text/csv": QueryResultsFormat.CSV}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json", "application/trig",
             "application/n-quads"}
#: Update tests that run as written when the admin token is sent.
UPDATES_THAT_RUN = {"update_post_form", "update_post_direct", "update_base_uri"}
#: Update tests we refuse even with the token: 400, using-graph-uri is not supported.
UPDATES_REFUSED = {"update_dataset_default_graph", "update_dataset_default_graphs", "update_dataset_named_graphs",
                   "update_dataset_full"}


@dataclass(frozen=True)
class Step:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]
    boolean: bool | None
    fmt: str | None


@dataclass(frozen=True)
class ProtocolTest:
    name: str
    steps: tuple[Step, ...]
    graphs: tuple[tuple[str, str], ...]  # (graph IRI, data file)

    @property
    def is_update(self) -> bool:
        return self.name.startswith("update_")


def _manifest() -> Graph:
    return Graph().parse(W3C / "protocol" / "manifest.ttl", format="turtle")


def protocol_tests() -> list[ProtocolTest]:
    """Every test of the protocol manifest, in manifest order."""
    graph = _manifest()
    manifest = next(graph.subjects(RDF.type, MF.Manifest))
    out = []
    for test in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(test).rsplit("#", 1)[-1]
        action = graph.value(test, MF.action)
        steps = []
        for req in Collection(graph, graph.value(action, HT.requests)):
            headers = {}
            header_list = graph.value(req, HT.headers)
            if header_list is not None:
                for header in Collection(graph, header_list):
                    headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
            body_node = graph.value(req, HT.body)
            body = str(graph.value(body_node, CNT.chars)).encode("utf-8") if body_node is not None else None
            resp = graph.value(req, HT.resp)
            statuses = tuple(sorted(str(s)[len(HTS):] for s in graph.objects(resp, MF.expectedStatus)))
            boolean = graph.value(resp, MF.expectedBoolean)
            fmt = graph.value(resp, MF.expectedFormat)
            steps.append(Step(str(graph.value(req, HT.methodName)), str(graph.value(req, HT.absolutePath)), headers,
                              body, statuses, None if boolean is None else bool(boolean.toPython()),
                              None if fmt is None else str(fmt)))
        graphs = tuple(sorted((str(graph.value(d, RDFS_LABEL)), str(graph.value(d, UT.graph)).rsplit("/", 1)[-1])
                              for d in graph.objects(test, UT.graphData)))
        out.append(ProtocolTest(name, tuple(steps), graphs))
    return out


TESTS = protocol_tests()


def _publish_w3c_data(data_dir: Path) -> None:
    """A store holding every graph the manifest names, each under its label (and nothing else)."""
    quads: list[Quad] = []
    seen: set[str] = set()
    for test in TESTS:
        for iri, filename in test.graphs:
            if iri in seen:
                continue
            seen.add(iri)
            for quad in parse(path=str(W3C / "protocol" / filename), format=RdfFormat.N_TRIPLES):
                quads.append(Quad(quad.subject, quad.predicate, quad.object, NamedNode(iri)))
    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(data_dir)))
    with stores.lock(wait=True):
        stores.publish(serialize(quads, format=RdfFormat.N_QUADS))


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory, start_server):
    data_dir = tmp_path_factory.mktemp("w3c-read-only")
    _publish_w3c_data(data_dir)
    return start_server({}, data_dir=str(data_dir))


@pytest.fixture(scope="module")
def w3c_writable(tmp_path_factory, start_server):
    data_dir = tmp_path_factory.mktemp("w3c-writable")
    _publish_w3c_data(data_dir)
    return start_server({"FUNDINGGRAPH_ADMIN_TOKEN": TOKEN}, data_dir=str(data_dir))


def send(base: str, step: Step, token: str | None = None) -> requests.Response:
    path = step.path.replace("/sparql/", "/sparql", 1)
    headers = dict(step.headers)
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(step.method, base + path, data=step.body, headers=headers, timeout=60)


def check(step: Step, response: requests.Response) -> None:
    """Assert that ``response`` is what the manifest expects of ``step``."""
    status_class = f"{response.status_code // 100}xx"
    assert status_class in step.statuses, f"{step.method} {step.path}: {response.status_code} {response.text[:300]}"
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if step.fmt in ("boolean", "tabular"):
        assert media in RESULT_TYPES, media
    if step.fmt == "RDF":
        assert media in RDF_TYPES, media
        assert list(parse(response.content, format=RdfFormat.from_media_type(media))) is not None
    if step.boolean is not None:
        assert media in RESULT_TYPES
        assert bool(parse_query_results(response.content, format=RESULT_TYPES[media])) is step.boolean


def _ids(tests: list[ProtocolTest]) -> Iterator[str]:
    return (t.name for t in tests)


@pytest.mark.parametrize("test", [t for t in TESTS if not t.is_update], ids=list(_ids([t for t in TESTS if not t.is_update])))
def test_w3c_protocol_on_the_read_only_endpoint(w3c_server, test: ProtocolTest):
    for step in test.steps:
        check(step, send(w3c_server.url, step))


@pytest.mark.parametrize("test", [t for t in TESTS if t.is_update], ids=list(_ids([t for t in TESTS if t.is_update])))
def test_w3c_update_tests_are_refused_by_the_read_only_endpoint(w3c_server, test: ProtocolTest):
    response = send(w3c_server.url, test.steps[0])
    assert response.status_code == 403 and "read-only" in response.text


@pytest.mark.parametrize("name", sorted(UPDATES_THAT_RUN))
def test_w3c_update_tests_pass_with_the_admin_token(w3c_writable, name: str):
    test = next(t for t in TESTS if t.name == name)
    for step in test.steps:
        check(step, send(w3c_writable.url, step, token=TOKEN))


@pytest.mark.parametrize("name", sorted(UPDATES_REFUSED))
def test_w3c_using_graph_update_tests_are_refused_with_a_reason(w3c_writable, name: str):
    test = next(t for t in TESTS if t.name == name)
    response = send(w3c_writable.url, test.steps[0], token=TOKEN)
    assert response.status_code == 400 and "USING" in response.text


def test_the_manifest_was_read_completely():
    assert len(TESTS) == 34
    assert {t.name for t in TESTS if t.is_update} == UPDATES_THAT_RUN | UPDATES_REFUSED


# -- service description ----------------------------------------------------------------------------------
def _description(base: str, accept: str) -> tuple[requests.Response, Graph]:
    response = requests.get(base + "/sparql", headers={"Accept": accept}, timeout=30)
    syntax = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
              "application/n-triples": "nt"}[accept]
    return response, Graph().parse(data=response.content, format=syntax)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/ld+json", "application/n-triples"])
def test_w3c_sd_returns_rdf(live_server: str, accept: str):
    response, graph = _description(live_server, accept)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
    assert len(graph) > 10


def test_w3c_sd_has_endpoint_triple(live_server: str):
    _, graph = _description(live_server, "text/turtle")
    endpoint = URIRef(live_server + "/sparql")
    assert (None, SD.endpoint, endpoint) in graph
    assert (endpoint, RDF.type, SD.Service) in graph


def test_w3c_sd_conforms_to_schema(live_server: str, published):
    _, graph = _description(live_server, "text/turtle")
    service = next(graph.subjects(RDF.type, SD.Service))
    languages = set(graph.objects(service, SD.supportedLanguage))
    assert languages == {SD.SPARQL11Query}  # read-only: no SPARQL11Update without an admin token
    assert all(str(f).startswith(str(SD)) for f in graph.objects(service, SD.feature))
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert {"http://www.w3.org/ns/formats/SPARQL_Results_JSON", "http://www.w3.org/ns/formats/Turtle"} <= formats
    dataset = graph.value(service, SD.defaultDataset)
    assert dataset == URIRef(published.base_iri + "id/dataset/fundinggraph")
    assert (dataset, RDF.type, SD.Dataset) in graph
    default_graph = graph.value(dataset, SD.defaultGraph)
    assert (default_graph, RDF.type, SD.Graph) in graph
    triples = graph.value(default_graph, URIRef("http://rdfs.org/ns/void#triples"))
    assert isinstance(triples, Literal) and triples.toPython() > 40000


def test_w3c_sd_says_update_when_a_token_is_configured(w3c_writable):
    _, graph = _description(w3c_writable.url, "text/turtle")
    assert (None, SD.supportedLanguage, SD.SPARQL11Update) in graph
