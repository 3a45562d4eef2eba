"""The SPARQL 1.1 Protocol at /sparql over real HTTP: every result format, and the protocol's corner cases."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results
from rdflib import Graph
from SPARQLWrapper import CSV, JSON, JSONLD, RDFXML, TSV, TURTLE, XML, SPARQLWrapper

VLAIO = "https://fundinggraph.example.org/id/organisation/vlaio"
COUNT_ORGS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?o a org:Organization }"
LABELS = f"SELECT ?label WHERE {{ <{VLAIO}> skos:prefLabel ?label }} ORDER BY ?label"
DESCRIBE = f"DESCRIBE <{VLAIO}>"
CONSTRUCT = f"CONSTRUCT {{ <{VLAIO}> ?p ?o }} WHERE {{ <{VLAIO}> ?p ?o }}"
SRJ = "application/sparql-results+json"


def wrapper(base: str, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_in_json_with_sparqlwrapper(live_server: str, method: str):
    result = wrapper(live_server, LABELS, JSON, method).query()
    assert result.response.headers["Content-Type"].startswith("application/sparql-results+json")
    labels = [b["label"]["value"] for b in result.convert()["results"]["bindings"]]
    assert "Agentschap Innoveren en Ondernemen" in labels


def test_select_in_xml_with_sparqlwrapper(live_server: str):
    document = wrapper(live_server, COUNT_ORGS, XML).query().convert()
    literal = document.getElementsByTagName("literal")[0]
    assert int(literal.firstChild.data) > 100


@pytest.mark.parametrize(("fmt", "delimiter", "media"), [(CSV, ",", "text/csv"), (TSV, "\t", "text/tab-separated-values")])
def test_select_in_csv_and_tsv_with_sparqlwrapper(live_server: str, fmt: str, delimiter: str, media: str):
    result = wrapper(live_server, LABELS, fmt).query()
    assert result.response.headers["Content-Type"].startswith(media)
    rows = list(csv.reader(io.StringIO(result.convert().decode("utf-8")), delimiter=delimiter))
    assert rows[0] == (["label"] if fmt == CSV else ["?label"])
    assert any("Agentschap Innoveren en Ondernemen" in row[0] for row in rows[1:])


@pytest.mark.parametrize("fmt", [JSON, XML])
def test_ask_with_sparqlwrapper(live_server: str, fmt: str):
    result = wrapper(live_server, "ASK { ?f a fg:FundingFlow }", fmt).query().convert()
    value = result["boolean"] if fmt == JSON else result.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert value is True


@pytest.mark.parametrize(("fmt", "media"), [(TURTLE, "text/turtle"), (RDFXML, "application/rdf+xml"),
                                            (JSONLD, "application/ld+json")])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE])
def test_graphs_with_sparqlwrapper(live_server: str, fmt: str, media: str, query: str):
    result = wrapper(live_server, query, fmt).query()
    assert result.response.headers["Content-Type"].startswith(media)
    # Parsed here rather than by convert(), which builds a deprecated rdflib ConjunctiveGraph.
    syntax = {TURTLE: "turtle", RDFXML: "xml", JSONLD: "json-ld"}[fmt]
    graph = Graph().parse(data=result.response.read(), format=syntax)
    subjects = {str(s) for s in graph.subjects()}
    assert VLAIO in subjects and len(graph) > 5


def test_construct_in_ntriples_nquads_and_trig(live_server: str):
    for media, fmt in [("application/n-triples", RdfFormat.N_TRIPLES), ("application/n-quads", RdfFormat.N_QUADS),
                       ("application/trig", RdfFormat.TRIG)]:
        response = requests.get(live_server + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": media},
                                timeout=30)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(media)
        quads = list(parse(response.content, format=fmt))
        assert len(quads) == int(response.headers["X-Result-Count"]) > 5


def test_format_parameter_overrides_accept(live_server: str):
    response = requests.get(live_server + "/sparql", params={"query": LABELS, "format": "csv"},
                            headers={"Accept": SRJ}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    graph = requests.get(live_server + "/sparql", params={"query": CONSTRUCT, "format": "ntriples"}, timeout=30)
    assert graph.headers["Content-Type"].startswith("application/n-triples")


def test_unacceptable_format_is_406_naming_the_alternatives(live_server: str):
    response = requests.get(live_server + "/sparql", params={"query": LABELS}, headers={"Accept": "image/png"},
                            timeout=30)
    assert response.status_code == 406 and "application/sparql-results+json" in response.text
    # A table cannot be written as Turtle, nor a graph as CSV.
    table = requests.get(live_server + "/sparql", params={"query": LABELS}, headers={"Accept": "text/turtle"},
                         timeout=30)
    assert table.status_code == 406 and "SELECT" in table.text
    graph = requests.get(live_server + "/sparql", params={"query": CONSTRUCT, "format": "csv"}, timeout=30)
    assert graph.status_code == 406 and "CONSTRUCT" in graph.text
    unknown = requests.get(live_server + "/sparql", params={"query": LABELS, "format": "pdf"}, timeout=30)
    assert unknown.status_code == 406 and "pdf" in unknown.text


def test_post_bodies(live_server: str):
    form = requests.post(live_server + "/sparql", data={"query": LABELS}, headers={"Accept": SRJ}, timeout=30)
    direct = requests.post(live_server + "/sparql", data=LABELS.encode("utf-8"), timeout=30,
                           headers={"Content-Type": "application/sparql-query", "Accept": SRJ})
    charset = requests.post(live_server + "/sparql", data=LABELS.encode("utf-8"), timeout=30,
                            headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": SRJ})
    assert form.status_code == direct.status_code == charset.status_code == 200
    assert form.json() == direct.json() == charset.json()


def test_url_encoding_edge_cases(live_server: str):
    # '+' for spaces, an encoded '&' and '#' inside the query, and non-ASCII text must all arrive intact.
    query = 'SELECT ?o WHERE { ?o skos:prefLabel ?l FILTER(CONTAINS(?l, "Innoveren en Ondernemen") && ?l != "#&") }'
    plus = query.replace(" ", "+").replace("&", "%26").replace("#", "%23").replace('"', "%22")
    response = requests.get(f"{live_server}/sparql?query={plus}", headers={"Accept": SRJ}, timeout=30)
    assert response.status_code == 200
    assert VLAIO in {b["o"]["value"] for b in response.json()["results"]["bindings"]}
    accents = requests.get(live_server + "/sparql", params={"query": 'SELECT ("geïnvesteerd €" AS ?x) {}'},
                           headers={"Accept": SRJ}, timeout=30)
    assert accents.json()["results"]["bindings"][0]["x"]["value"] == "geïnvesteerd €"


@pytest.mark.parametrize(("method", "kwargs", "status", "words"), [
    ("GET", {"params": {"query": "ASK {", "x": "1"}}, 400, "line 1, column"),
    ("GET", {"params": {"query": ""}}, 400, "empty"),
    ("GET", {"params": {"query": "   "}}, 400, "empty"),
    ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "more than one"),
    ("GET", {"params": {"update": "CLEAR ALL"}}, 400, "POST"),
    ("POST", {"data": {"query": "ASK {}", "update": "CLEAR ALL"}}, 400, "both"),
    ("POST", {"data": b"", "headers": {"Content-Type": "application/x-www-form-urlencoded"}}, 400, "no query"),
    ("POST", {"data": b"", "headers": {"Content-Type": "application/sparql-query"}}, 400, "empty"),
    ("POST", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}, 415, "application/sparql-query"),
    ("POST", {"data": b"query=ASK%20%7B%7D"}, 415, "Content-Type"),
    ("POST", {"data": "ASK {}".encode("utf-16"),
              "headers": {"Content-Type": "application/sparql-query; charset=UTF-16"}}, 415, "UTF-8"),
    ("POST", {"data": b"ASK { \xff }", "headers": {"Content-Type": "application/sparql-query"}}, 400, "UTF-8"),
    ("GET", {"params": {"query": "ASK {}", "default-graph-uri": "not an iri"}}, 400, "default-graph-uri"),
])
def test_bad_requests_say_what_is_wrong(live_server: str, method: str, kwargs: dict, status: int, words: str):
    response = requests.request(method, live_server + "/sparql", headers=kwargs.pop("headers", {"Accept": "application/json"}),
                                timeout=30, **kwargs)
    assert response.status_code == status, response.text
    assert words in response.text
    assert "Traceback" not in response.text


def test_non_utf8_query_string_is_refused(live_server: str):
    response = requests.get(live_server + "/sparql?query=ASK%20%7B%FF%7D", timeout=30)
    assert response.status_code == 400 and "UTF-8" in response.text


def test_syntax_error_has_line_and_column(live_server: str):
    response = requests.get(live_server + "/sparql", params={"query": "SELECT ?x\nWHERE {\n  ?x ?y \n}"},
                            headers={"Accept": "application/json"}, timeout=30)
    body = response.json()
    assert response.status_code == 400 and body["line"] == 4 and body["column"] >= 1
    assert body["error"].startswith("syntax error at line 4")


def test_wrong_method_is_405_with_allow(live_server: str):
    for method in ("PUT", "DELETE", "PATCH"):
        response = requests.request(method, live_server + "/sparql?query=ASK%20%7B%7D", timeout=30)
        assert response.status_code == 405
        assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_cors_preflight_and_headers(live_server: str):
    preflight = requests.options(live_server + "/sparql", timeout=30, headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    answer = requests.get(live_server + "/sparql", params={"query": "ASK {}"}, timeout=30,
                          headers={"Origin": "https://elsewhere.example", "Accept": SRJ})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Data-Version" in answer.headers["Access-Control-Expose-Headers"]


def test_dataset_parameters(live_server: str):
    everything = "ASK { ?s ?p ?o }"
    default = requests.get(live_server + "/sparql", params={"query": everything}, headers={"Accept": SRJ}, timeout=30)
    assert default.json()["boolean"] is True
    # A protocol dataset replaces the service's: a graph that does not exist is an empty default graph.
    empty = requests.get(live_server + "/sparql", timeout=30, headers={"Accept": SRJ},
                         params={"query": everything, "default-graph-uri": "http://example.org/no-such-graph"})
    assert empty.status_code == 200 and empty.json()["boolean"] is False
    named = requests.post(live_server + "/sparql?named-graph-uri=http%3A%2F%2Fexample.org%2Fg", timeout=30,
                          data="ASK { GRAPH ?g { ?s ?p ?o } }", headers={"Content-Type": "application/sparql-query",
                                                                       "Accept": SRJ})
    assert named.status_code == 200 and named.json()["boolean"] is False


def test_our_prefixes_are_declared_and_relative_iris_resolve_against_the_base(live_server: str):
    response = requests.get(live_server + "/sparql", headers={"Accept": SRJ}, timeout=30,
                            params={"query": "SELECT ?label WHERE { <id/organisation/vlaio> skos:prefLabel ?label }"})
    assert response.status_code == 200 and response.json()["results"]["bindings"]


def test_version_etag_and_conditional_get(live_server: str):
    params = {"query": COUNT_ORGS}
    first = requests.get(live_server + "/sparql", params=params, headers={"Accept": SRJ}, timeout=30)
    health = requests.get(live_server + "/healthz", timeout=30).json()
    assert first.headers["X-Data-Version"] == health["version"]
    assert first.headers["ETag"].startswith('"' + health["version"])
    assert "max-age" in first.headers["Cache-Control"] and "Accept" in first.headers["Vary"]
    again = requests.get(live_server + "/sparql", params=params, timeout=30,
                         headers={"Accept": SRJ, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.content


def test_repeated_queries_come_from_the_cache_with_the_same_bytes(live_server: str):
    query = "SELECT ?s WHERE { ?s a fg:SourceDocument } ORDER BY ?s # cache test"
    answers = [requests.get(live_server + "/sparql", params={"query": query}, headers={"Accept": SRJ}, timeout=30)
               for _ in range(6)]
    assert {a.content for a in answers} == {answers[0].content}
    assert {a.headers["X-Cache"] for a in answers} >= {"hit"}
    assert answers[0].headers["ETag"] == answers[-1].headers["ETag"]
    posted = requests.post(live_server + "/sparql", data={"query": query}, headers={"Accept": SRJ}, timeout=30)
    assert posted.content == answers[0].content


def test_results_parse_with_pyoxigraph(live_server: str):
    for media, fmt in [(SRJ, QueryResultsFormat.JSON), ("application/sparql-results+xml", QueryResultsFormat.XML),
                       ("text/tab-separated-values", QueryResultsFormat.TSV)]:
        response = requests.get(live_server + "/sparql", params={"query": LABELS}, headers={"Accept": media}, timeout=30)
        labels = {s["label"].value for s in parse_query_results(response.content, format=fmt)}
        assert "Agentschap Innoveren en Ondernemen" in labels


def test_service_description_for_rdf_clients(live_server: str):
    turtle = requests.get(live_server + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert turtle.status_code == 200 and turtle.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=turtle.text, format="turtle")
    assert len(graph) > 10
    as_json = requests.get(live_server + "/sparql", headers={"Accept": "application/ld+json"}, timeout=30)
    assert json.loads(as_json.text)
    # A results-only client that forgot the query is told so.
    forgot = requests.get(live_server + "/sparql", headers={"Accept": SRJ}, timeout=30)
    assert forgot.status_code == 400 and "no query" in forgot.text


def test_browsers_get_the_editor(live_server: str):
    page = requests.get(live_server + "/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
                        timeout=30)
    assert page.status_code == 200 and 'id="yasgui"' in page.text and "yasgui.min.js" in page.text
    assert "<script>" not in page.text  # configuration travels in data- attributes (CSP: no inline script)
    linked = requests.get(live_server + "/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/html"},
                          timeout=30)
    assert 'data-query="ASK {}"' in linked.text
    examples = requests.get(live_server + "/sparql/examples.json", timeout=30).json()
    assert examples["examples"] and all(e["query"].strip() for e in examples["examples"])


def test_plain_json_for_a_graph_is_json_ld(live_server: str):
    response = requests.get(live_server + "/sparql", params={"query": CONSTRUCT}, headers={"Accept": "application/json"},
                            timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/ld+json")
    assert VLAIO in {s.value for s in (q.subject for q in parse(response.content, format=RdfFormat.JSON_LD))}
