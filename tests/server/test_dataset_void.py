"""VoID at /.well-known/void: figures that match the graph, partitions, links, sources, endpoint and dumps."""

from __future__ import annotations

import pytest
import requests
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

VOID = "http://rdfs.org/ns/void#"
BASE = "https://fundinggraph.example.org/"
DATASET = NamedNode(BASE + "id/dataset/fundinggraph")
FG = "https://fundinggraph.example.org/def#"


@pytest.fixture(scope="module")
def void(live_server) -> Store:
    response = requests.get(live_server + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    store = Store()
    store.load(response.content, format=RdfFormat.TURTLE)
    return store


def one(store: Store, subject, predicate: str):
    values = [q.object for q in store.quads_for_pattern(subject, NamedNode(predicate), None)]
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_sizes_match_the_served_graph(void, live_server, graph, sparql):
    health = requests.get(live_server + "/healthz", timeout=30).json()
    assert int(one(void, DATASET, VOID + "triples").value) == health["triples"] == len(graph)
    entities = sparql(f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}id/")) }}')
    assert int(one(void, DATASET, VOID + "entities").value) == int(entities[0]["n"])


def test_class_and_property_partitions_count_what_the_graph_holds(void, sparql):
    rows = list(void.query(f"""SELECT ?class ?n WHERE {{ <{DATASET.value}> <{VOID}classPartition> ?p .
                                ?p <{VOID}class> ?class ; <{VOID}entities> ?n }}"""))
    partitions = {r["class"].value: int(r["n"].value) for r in rows}
    agencies = sparql("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a fg:Agency }")[0]["n"]
    assert partitions[FG + "Agency"] == int(agencies) > 5
    classes = sparql("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }")[0]["n"]
    assert len(partitions) == int(classes)
    rows = list(void.query(f"""SELECT ?prop ?n WHERE {{ <{DATASET.value}> <{VOID}propertyPartition> ?p .
                                ?p <{VOID}property> ?prop ; <{VOID}triples> ?n }}"""))
    properties = {r["prop"].value: int(r["n"].value) for r in rows}
    amounts = sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s fg:amount ?o }")[0]["n"]
    assert properties[FG + "amount"] == int(amounts)


def test_endpoint_dumps_uri_space_and_vocabularies(void, live_server):
    assert one(void, DATASET, VOID + "sparqlEndpoint") == NamedNode(live_server + "/sparql")
    assert one(void, DATASET, VOID + "uriSpace") == Literal(BASE + "id/")
    dumps = {q.object.value for q in void.quads_for_pattern(DATASET, NamedNode(VOID + "dataDump"), None)}
    assert dumps == {live_server + "/dumps/fundinggraph.nq", live_server + "/dumps/fundinggraph.ttl"}
    for url in dumps:
        assert requests.head(url, timeout=60).status_code == 200
    vocabularies = {q.object.value for q in void.quads_for_pattern(DATASET, NamedNode(VOID + "vocabulary"), None)}
    assert {FG, "http://www.w3.org/ns/org#", "http://purl.org/linked-data/cube#"} <= vocabularies


def test_sources_with_their_links(void, sparql):
    sources = {q.object.value for q in void.quads_for_pattern(DATASET, NamedNode("http://purl.org/dc/terms/source"), None)}
    documents = {r["d"] for r in sparql("SELECT ?d WHERE { ?d a fg:SourceDocument }")}
    assert sources == documents and len(sources) == 5
    pages = [q.object.value for q in void.quads_for_pattern(None, NamedNode("http://xmlns.com/foaf/0.1/page"), None)]
    assert "https://www.vlaamsparlement.be/parlementaire-documenten/schriftelijke-vragen/1824236" in pages


def test_linksets_count_the_confirmed_links(void):
    rows = list(void.query(f"""SELECT ?pred ?n ?space WHERE {{ ?ls a <{VOID}Linkset> ; <{VOID}linkPredicate> ?pred ;
                                <{VOID}triples> ?n ; <{VOID}objectsTarget> ?t . ?t <{VOID}uriSpace> ?space }}"""))
    found = {(r["space"].value, r["pred"].value): int(r["n"].value) for r in rows}
    assert found[("http://data.europa.eu/nuts/code/", "http://www.w3.org/2004/02/skos/core#exactMatch")] == 6
    assert found[("https://data.vlaanderen.be/id/organisatie/", "http://www.w3.org/2002/07/owl#sameAs")] >= 2


@pytest.mark.parametrize(("accept", "fmt"), [("application/ld+json", RdfFormat.JSON_LD),
                                            ("application/rdf+xml", RdfFormat.RDF_XML),
                                            ("application/n-triples", RdfFormat.N_TRIPLES)])
def test_every_rdf_format_says_the_same(void, live_server, accept, fmt):
    response = requests.get(live_server + "/.well-known/void", headers={"Accept": accept}, timeout=60)
    assert response.headers["Content-Type"].split(";")[0] == accept
    other = Store()
    other.load(response.content, format=fmt)
    assert set(other) == set(void)


def test_browsers_get_a_summary(live_server, graph):
    response = requests.get(live_server + "/.well-known/void?lang=en", headers={"Accept": "text/html"}, timeout=60)
    assert response.status_code == 200 and "text/html" in response.headers["Content-Type"]
    assert f'id="void-triples">{len(graph)}<' in response.text
    assert "fg:Agency" in response.text and "Links to other publishers" in response.text


def test_a_format_not_offered_is_refused_by_name(live_server):
    response = requests.get(live_server + "/.well-known/void?format=csv", timeout=30)
    assert response.status_code == 406 and "turtle" in response.json()["error"]
