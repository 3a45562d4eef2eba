"""Dump files at /dumps/: the whole current version, with checksums, conditional GET and clear 404s."""

from __future__ import annotations

import hashlib

import requests
from pyoxigraph import RdfFormat, Store


def test_both_dumps_hold_the_served_graph(live_server, graph):
    listing = requests.get(live_server + "/dumps/", timeout=120).json()
    assert {f["name"] for f in listing["files"]} == {"fundinggraph.nq", "fundinggraph.ttl"}
    for entry, fmt in zip(sorted(listing["files"], key=lambda f: f["name"]), (RdfFormat.N_QUADS, RdfFormat.TURTLE),
                          strict=True):
        response = requests.get(entry["url"], timeout=120)
        assert response.headers["Content-Type"].startswith(entry["media_type"])
        assert response.headers["X-Data-Version"] == listing["version"]
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
        store = Store()
        store.load(response.content, format=fmt)
        assert set(store) == set(graph)
        checksum = requests.get(entry["url"] + ".sha256", timeout=30).text
        assert checksum == f"{entry['sha256']}  {entry['name']}\n"


def test_conditional_get(live_server):
    first = requests.get(live_server + "/dumps/fundinggraph.ttl", timeout=120)
    again = requests.get(live_server + "/dumps/fundinggraph.ttl", headers={"If-None-Match": first.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304 and not again.content


def test_unknown_file_names_what_exists(live_server):
    response = requests.get(live_server + "/dumps/fundinggraph.rdf", timeout=30)
    assert response.status_code == 404 and "fundinggraph.nq, fundinggraph.nq.sha256" in response.json()["error"]
