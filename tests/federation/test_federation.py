"""Federation both ways, with real servers on loopback.

(a) A query on our endpoint joins our data with another endpoint through an allow-listed ``SERVICE``,
    on the embedded and on the remote backend (where the remote store makes the call).
(b) Our endpoint is the target of another engine's ``SERVICE``: pyoxigraph in-process and a separate
    ``oxigraph serve`` both query our live server.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store

ROOT = Path(__file__).resolve().parents[2]
SRJ = "application/sparql-results+json"
BASE = "https://fundinggraph.example.org/"
VLAIO = BASE + "id/organisation/vlaio"
EX = "http://example.org/federation-test#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

pytestmark = [pytest.mark.remote, pytest.mark.slow]


@pytest.fixture(scope="module")
def nuts(start_oxigraph):
    """Another publisher's endpoint: a real oxigraph serve holding NUTS levels."""
    server = start_oxigraph()
    server.load_turtle(ROOT / "tests" / "data" / "federation" / "nuts-levels.ttl")
    return server


@pytest.fixture(scope="module")
def remote_store(built, start_oxigraph, tmp_path_factory):
    """Our graph published into an oxigraph serve, as the remote backend keeps it."""
    from fundinggraph import config
    from fundinggraph.store.remote import RemoteStores

    server = start_oxigraph()
    settings = config.from_env(environ={}, backend="remote", remote_query_url=server.query_url,
                               remote_store_url=server.store_url, data_dir=str(tmp_path_factory.mktemp("fed")))
    stores = RemoteStores(settings)
    with stores.lock():
        stores.publish(built.store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()))
    return server


@pytest.fixture(scope="module", params=["embedded", "remote"])
def our_endpoint(request, start_server, nuts):
    """Our site (gunicorn) with SERVICE allowed to the NUTS endpoint, on each backend."""
    env = {"FUNDINGGRAPH_SERVICE_ALLOWLIST": nuts.query_url}
    if request.param == "remote":
        store = request.getfixturevalue("remote_store")
        env |= {"FUNDINGGRAPH_BACKEND": "remote", "FUNDINGGRAPH_REMOTE_QUERY_URL": store.query_url,
                "FUNDINGGRAPH_REMOTE_STORE_URL": store.store_url}
    return start_server(env).url + "/sparql"


def select(endpoint: str, query: str) -> list[dict[str, str]]:
    response = requests.post(endpoint, data={"query": query}, headers={"Accept": SRJ}, timeout=60)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


# -- (a) our endpoint calls another ----------------------------------------------------------------------
def test_our_places_joined_with_remote_nuts_levels(our_endpoint, nuts):
    rows = select(our_endpoint, f"""
        SELECT ?nuts ?level WHERE {{
          ?place a fg:Place ; skos:exactMatch ?nuts .
          SERVICE <{nuts.query_url}> {{ ?nuts <{EX}nutsLevel> ?level }}
        }} ORDER BY ?nuts""")
    assert [(r["nuts"].rsplit("/", 1)[1], r["level"]) for r in rows] == [
        ("BE2", "1"), ("BE21", "2"), ("BE22", "2"), ("BE23", "2"), ("BE24", "2"), ("BE25", "2")]


def test_another_endpoint_is_still_refused(our_endpoint, nuts):
    other = nuts.query_url.replace("/query", "/other")
    response = requests.post(our_endpoint, data={"query": f"ASK {{ SERVICE <{other}> {{ ?s ?p ?o }} }}"},
                             headers={"Accept": SRJ}, timeout=30)
    assert response.status_code == 403 and "service_allowlist" in response.text


# -- (b) another engine calls ours ------------------------------------------------------------------------
def test_pyoxigraph_joins_its_data_with_ours(our_endpoint):
    local = Store()
    local.add(Quad(NamedNode(VLAIO), NamedNode(EX + "note"), Literal("our own remark"), DefaultGraph()))
    rows = list(local.query(f"""
        SELECT ?note ?label WHERE {{
          ?org <{EX}note> ?note .
          SERVICE <{our_endpoint}> {{ ?org <{SKOS}prefLabel> ?label FILTER(LANG(?label) = "nl") }}
        }}"""))
    assert [(r["note"].value, r["label"].value) for r in rows] == [("our own remark", "Agentschap Innoveren en Ondernemen")]


def test_an_oxigraph_server_queries_ours_through_service(our_endpoint, nuts):
    """The NUTS server (a separate oxigraph serve) federates into our endpoint: two servers, one query."""
    rows = select(nuts.query_url, f"""
        SELECT ?nuts ?level ?label WHERE {{
          ?nuts <{EX}nutsLevel> ?level .
          SERVICE <{our_endpoint}> {{ ?place <{SKOS}exactMatch> ?nuts ; <{SKOS}prefLabel> ?label
                                      FILTER(LANG(?label) = "nl") }}
        }} ORDER BY ?nuts""")
    labels = {r["nuts"].rsplit("/", 1)[1]: r["label"] for r in rows}
    assert labels["BE22"] == "Provincie Limburg" and "NL42" not in labels and len(labels) == 6
