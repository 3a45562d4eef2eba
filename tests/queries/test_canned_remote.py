"""Every canned query answers the same over the remote backend (a real ``oxigraph serve``, values bound
by a VALUES block) as over the embedded store (values substituted)."""

from __future__ import annotations

import json

import pytest
import requests
from pyoxigraph import DefaultGraph, RdfFormat

from fundinggraph import config
from fundinggraph.store.remote import RemoteStores

pytestmark = [pytest.mark.remote, pytest.mark.slow]


@pytest.fixture(scope="module")
def remote_web(built, start_oxigraph, start_server, tmp_path_factory) -> str:
    """A web server on the remote backend, over an oxigraph serve holding the built graph."""
    store = start_oxigraph()
    data_dir = tmp_path_factory.mktemp("canned-remote")
    settings = config.from_env(environ={}, backend="remote", remote_query_url=store.query_url,
                               remote_store_url=store.store_url, data_dir=str(data_dir))
    stores = RemoteStores(settings)
    with stores.lock():
        stores.publish(built.store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()))
    env = {"FUNDINGGRAPH_BACKEND": "remote", "FUNDINGGRAPH_REMOTE_QUERY_URL": store.query_url,
           "FUNDINGGRAPH_REMOTE_STORE_URL": store.store_url}
    return start_server(env, data_dir=str(data_dir)).url


def _rows(base: str, name: str, args: dict) -> list[str]:
    response = requests.get(f"{base}/queries/{name}.json", params={**args, "_size": "max"}, timeout=60)
    assert response.status_code == 200, response.text
    return sorted(json.dumps(row, sort_keys=True) for row in response.json()["rows"])


def test_every_query_answers_alike_on_both_backends(live_server, remote_web):
    listing = requests.get(live_server + "/openapi.json", timeout=30).json()
    for path, item in listing["paths"].items():
        if not path.startswith("/queries/"):
            continue
        name = path.rsplit("/", 1)[-1]
        params = [p for p in item["get"]["parameters"] if "name" in p]
        required = {p["name"]: p["example"] for p in params if p["required"]}
        variants = [required] + [{**required, p["name"]: p["example"]} for p in params
                                 if not p["required"] and "example" in p]
        for args in variants:
            embedded = _rows(live_server, name, args)
            assert embedded, f"{name} {args}"
            assert _rows(remote_web, name, args) == embedded, f"{name} {args}"
