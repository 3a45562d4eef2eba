"""The limits that protect the endpoint, on real servers: time, rows, request size, busy executors."""

from __future__ import annotations

import json
import threading
import time

import psutil
import pytest
import requests
from pyoxigraph import RdfFormat, parse

SRJ = "application/sparql-results+json"
#: A cartesian product over the whole store: ~42k^3 solutions, an aggregate that returns only at the end.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _executors(server) -> list[psutil.Process]:
    """The executor processes under a server's process tree."""
    return [p for p in psutil.Process(server.proc.pid).children(recursive=True)
            if "fundinggraph.store.executor" in " ".join(p.cmdline())]


def _warm(url: str) -> None:
    """Distinct simple queries, so every worker has started its executors."""
    for i in range(12):
        requests.get(url + "/sparql", params={"query": f"SELECT ({i} AS ?warm) {{}}"}, headers={"Accept": SRJ},
                     timeout=60).raise_for_status()


@pytest.fixture(scope="module")
def strict_server(start_server):
    """A server with a 2 s query limit, 5 rows per result and 2000-byte requests."""
    server = start_server({"FUNDINGGRAPH_QUERY_TIMEOUT": "2", "FUNDINGGRAPH_MAX_ROWS": "5",
                           "FUNDINGGRAPH_MAX_REQUEST_BYTES": "2000"})
    _warm(server.url)
    return server


@pytest.mark.slow
def test_runaway_query_is_stopped_while_other_queries_are_answered(strict_server):
    url = strict_server.url
    outcome: dict[str, requests.Response] = {}

    def runaway() -> None:
        outcome["runaway"] = requests.get(url + "/sparql", params={"query": RUNAWAY},
                                          headers={"Accept": "application/json"}, timeout=120)

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.5)  # let the runaway query start
    simple = requests.get(url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a fg:SourceDocument }"},
                          headers={"Accept": SRJ}, timeout=60)
    thread.join(timeout=120)
    assert simple.status_code == 200 and int(simple.json()["results"]["bindings"][0]["n"]["value"]) >= 5
    stopped = outcome["runaway"]
    assert stopped.status_code == 503
    body = stopped.json()
    assert body["setting"] == "query_timeout" and body["limit"] == 2
    assert "query_timeout" in body["error"] and stopped.headers["Retry-After"]
    # The executor that ran it is gone: no executor of this server still burns CPU.
    busy = [p.pid for p in _executors(strict_server) if p.cpu_percent(interval=0.5) > 50]
    assert busy == []
    # And the next query is answered at once by the warm replacement.
    after = requests.get(url + "/sparql", params={"query": "ASK { ?s a fg:FundingFlow }"}, headers={"Accept": SRJ},
                         timeout=60)
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_rows_are_capped_and_the_cut_is_announced(strict_server):
    response = requests.get(strict_server.url + "/sparql", params={"query": "SELECT ?s WHERE { ?s a org:Organization }"},
                            headers={"Accept": SRJ}, timeout=60)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 5
    assert response.headers["X-Result-Truncated"] == "true" and response.headers["X-Result-Limit"] == "5"
    assert "max_rows" in response.headers["Warning"]


def test_a_result_of_exactly_the_cap_is_not_truncated(strict_server):
    response = requests.get(strict_server.url + "/sparql", headers={"Accept": "text/csv"}, timeout=60,
                            params={"query": "SELECT ?s WHERE { ?s a org:Organization } ORDER BY ?s LIMIT 5"})
    assert response.status_code == 200 and "X-Result-Truncated" not in response.headers
    assert len(response.text.strip().splitlines()) == 6


def test_triples_are_capped(strict_server):
    response = requests.get(strict_server.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s a org:Organization }"},
                            headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200 and response.headers["X-Result-Truncated"] == "true"
    assert len(list(parse(response.content, format=RdfFormat.TURTLE))) == 5


def test_long_query_string_is_414_and_long_body_413(strict_server):
    padding = "#" + "x" * 2100 + "\n"
    long_get = requests.get(strict_server.url + "/sparql", params={"query": padding + "ASK {}"}, timeout=60)
    assert long_get.status_code == 414 and "max_request_bytes" in long_get.text and "POST" in long_get.text
    long_post = requests.post(strict_server.url + "/sparql", data=(padding + "ASK {}").encode(), timeout=60,
                              headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})
    assert long_post.status_code == 413 and "max_request_bytes" in long_post.json()["error"]


@pytest.mark.slow
def test_when_every_executor_is_busy_the_client_is_told(start_server):
    server = start_server({"FUNDINGGRAPH_QUERY_TIMEOUT": "3", "FUNDINGGRAPH_QUERY_EXECUTORS": "1",
                           "FUNDINGGRAPH_WORKERS": "1", "FUNDINGGRAPH_THREADS": "4"})
    _warm(server.url)
    answers: list[requests.Response] = []

    def ask(i: int) -> None:
        answers.append(requests.get(server.url + "/sparql", params={"query": RUNAWAY + f" # {i}"},
                                    headers={"Accept": "application/json"}, timeout=120))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    bodies = sorted((a.status_code, json.dumps(a.json())) for a in answers)
    assert [status for status, _ in bodies] == [503, 503]
    settings = {a.json()["setting"] for a in answers}
    # One ran into the time limit; the other waited for the only executor, in vain, for as long.
    assert settings == {"query_timeout", "query_executors"}
