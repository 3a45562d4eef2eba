"""SPARQL Update: refused on a read-only endpoint; with the admin token an atomic reload to a new version."""

from __future__ import annotations

import os
import socket

import pytest
import requests
from pyoxigraph import RdfFormat

from fundinggraph import config
from fundinggraph.store import EmbeddedStores

TOKEN = "s3cret-admin-token"
SRJ = "application/sparql-results+json"
INSERT = 'INSERT DATA { <http://example.org/probe> <http://example.org/says> "hello" }'
PROBE = 'ASK { <http://example.org/probe> <http://example.org/says> "hello" }'
UPDATE = {"Content-Type": "application/sparql-update"}


@pytest.fixture(scope="module")
def writable(built, tmp_path_factory, start_server):
    """A server with an admin token on its own copy of the data (updates change it)."""
    data_dir = tmp_path_factory.mktemp("update-data")
    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(data_dir)))
    with stores.lock(wait=True):
        stores.publish(built.store.dump(format=RdfFormat.N_QUADS))
    server = start_server({"FUNDINGGRAPH_ADMIN_TOKEN": TOKEN}, data_dir=str(data_dir))
    server.stores = stores
    return server


def ask(url: str, query: str) -> bool:
    response = requests.get(url + "/sparql", params={"query": query}, headers={"Accept": SRJ}, timeout=60)
    response.raise_for_status()
    return response.json()["boolean"]


@pytest.mark.parametrize("kwargs", [
    {"data": INSERT.encode(), "headers": UPDATE},
    {"data": {"update": INSERT}},
    {"data": INSERT.encode(), "headers": {**UPDATE, "Authorization": f"Bearer {TOKEN}"}},
])
def test_read_only_endpoint_refuses_updates_with_a_reason(live_server: str, kwargs: dict):
    response = requests.post(live_server + "/sparql", timeout=30, **kwargs)
    assert response.status_code == 403 and "read-only" in response.text and "admin_token" in response.text
    assert ask(live_server, PROBE) is False


def test_update_needs_the_token(writable):
    missing = requests.post(writable.url + "/sparql", data=INSERT.encode(), headers=UPDATE, timeout=30)
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = requests.post(writable.url + "/sparql", data=INSERT.encode(), timeout=30,
                          headers={**UPDATE, "Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 403
    assert ask(writable.url, PROBE) is False


def test_update_with_the_token_publishes_a_new_version(writable):
    before = requests.get(writable.url + "/healthz", timeout=30).json()
    assert ask(writable.url, PROBE) is False  # also fills the result cache with the old answer
    response = requests.post(writable.url + "/sparql", data=INSERT.encode(), timeout=120,
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ok"] and not body["unchanged"] and body["version"] != before["version"]
    assert body["triples"] == before["triples"] + 1
    assert writable.stores.current_version() == body["version"]
    # Every worker follows the new version; the cached "false" is not served for it.
    for _ in range(6):
        assert ask(writable.url, PROBE) is True
    assert requests.get(writable.url + "/healthz", timeout=30).json()["version"] == body["version"]
    # The same update again changes nothing and publishes nothing.
    again = requests.post(writable.url + "/sparql", data={"update": INSERT}, timeout=120,
                          headers={"Authorization": f"Bearer {TOKEN}"})
    assert again.status_code == 200 and again.json()["unchanged"] is True
    assert again.json()["version"] == body["version"]


def test_bad_update_is_400_and_publishes_nothing(writable):
    before = writable.stores.current_version()
    response = requests.post(writable.url + "/sparql", data={"update": "CLEAR XYZ"}, timeout=60,
                             headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    assert response.status_code == 400 and response.json()["line"] == 1
    assert writable.stores.current_version() == before


def test_load_of_local_files_and_unlisted_hosts_is_refused_even_with_the_token(writable):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    listener.settimeout(0.5)
    before = writable.stores.current_version()
    try:
        for update in ("LOAD <file:///etc/passwd>", "LOAD SILENT <file:///etc/passwd> INTO GRAPH <http://x/g>",
                       f"LOAD <http://127.0.0.1:{listener.getsockname()[1]}/data.ttl>",
                       f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <http://127.0.0.1:{listener.getsockname()[1]}/q> "
                       "{ ?s ?p ?o } }"):
            response = requests.post(writable.url + "/sparql", data={"update": update}, timeout=60,
                                     headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
            assert response.status_code == 403, update
            assert "service_allowlist" in response.json()["error"]
        with pytest.raises(OSError):
            listener.accept()  # nobody came
    finally:
        listener.close()
    assert writable.stores.current_version() == before
    assert os.path.exists("/etc/passwd")


def test_using_graph_parameters_are_refused(writable):
    response = requests.post(writable.url + "/sparql?using-graph-uri=http%3A%2F%2Fexample.org%2Fg",
                             data=INSERT.encode(), timeout=60,
                             headers={**UPDATE, "Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    assert response.status_code == 400 and "USING" in response.json()["error"]


def test_update_during_a_load_is_409(writable):
    before = writable.stores.current_version()
    with writable.stores.lock(wait=True):  # a load holds the lock
        response = requests.post(writable.url + "/sparql", data={"update": INSERT.replace("hello", "busy")},
                                 timeout=60, headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    assert response.status_code == 409 and "load" in response.json()["error"]
    assert writable.stores.current_version() == before
