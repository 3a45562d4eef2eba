"""SERVICE: refused without any outbound request unless allow-listed; allow-listed federation really works."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from liveprocess import free_port, wait_for

from fundinggraph.store.executor import ExecutorProcess

SRJ = "application/sparql-results+json"
VLAIO = "https://fundinggraph.example.org/id/organisation/vlaio"
RATING = "http://example.org/remote#rating"
ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """A TCP listener on loopback that counts every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.sock.close()


@pytest.fixture()
def recorder():
    rec = Recorder()
    yield rec
    rec.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "select * where {{ service\n# a comment\n<{url}> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?x ?y ?z FILTER(?x<?y)SERVICE?e#>\n{{ ?s ?p ?o }} VALUES ?e {{ <{url}> }} }}",
    "ASK {{ SERVICE <{escaped}> {{ ?s ?p ?o }} }}",
])
def test_service_is_refused_without_any_outbound_request(live_server: str, recorder: Recorder, template: str):
    escaped = recorder.url.replace("127", "\\u0031\\u0032\\u0037", 1)
    query = template.format(url=recorder.url, escaped=escaped)
    response = requests.get(live_server + "/sparql", params={"query": query}, headers={"Accept": "application/json"},
                            timeout=30)
    assert response.status_code == 403, response.text
    assert "service_allowlist" in response.text or "variable" in response.text
    time.sleep(0.3)
    assert recorder.connections == 0


def test_load_to_a_local_file_is_refused_even_for_a_query(live_server: str):
    response = requests.get(live_server + "/sparql", params={"query": "SELECT * { SERVICE <file:///etc/passwd> {} }"},
                            headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 403 and "http(s)" in response.json()["error"]


def test_executors_have_no_network_even_if_a_query_slipped_through(published, recorder: Recorder):
    """Defence in depth: the executor itself cannot connect (Linux namespaces), whatever the check said."""
    executor = ExecutorProcess(published, isolate=True)
    try:
        info = executor.ready(time.monotonic() + 60)
        if not info["isolated"]:
            pytest.skip("this kernel does not allow unprivileged network namespaces; the SERVICE check stands alone")
        header, _ = executor.call({"op": "query", "text": f"ASK {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}",
                                   "results_format": SRJ, "graph_format": None, "default_graphs": None,
                                   "named_graphs": None, "base_iri": None, "timeout": 20, "max_rows": 10},
                                  time.monotonic() + 30)
        assert header["ok"] is False and header["error"] == "io"
        # The store is still readable inside the namespace.
        header, body = executor.call({"op": "query", "text": "ASK { ?s a fg:FundingFlow }", "results_format": SRJ,
                                      "graph_format": None, "default_graphs": None, "named_graphs": None,
                                      "base_iri": None, "timeout": 20, "max_rows": 10}, time.monotonic() + 30)
        assert header["ok"] and b"true" in body
    finally:
        executor.close()
    time.sleep(0.3)
    assert recorder.connections == 0


@pytest.fixture(scope="module")
def remote_endpoint(tmp_path_factory):
    """A real ``oxigraph serve`` on loopback holding a one-triple fixture about VLAIO."""
    location = tmp_path_factory.mktemp("remote-store")
    fixture = location / "fixture.nt"
    fixture.write_text(f'<{VLAIO}> <{RATING}> "A" .\n<http://example.org/other> <{RATING}> "B" .\n', encoding="utf-8")
    binary = str(ROOT / ".venv" / "bin" / "oxigraph")
    subprocess.run([binary, "load", "--location", str(location / "db"), "--file", str(fixture)], check=True,
                   capture_output=True, timeout=120)
    port = free_port()
    log = location / "serve.log"
    with open(log, "w") as out:
        proc = subprocess.Popen([binary, "serve-read-only", "--location", str(location / "db"), "--bind",
                                 f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, log=log)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.mark.remote
def test_allow_listed_service_joins_remote_data_with_ours(start_server, remote_endpoint: str, recorder: Recorder):
    server = start_server({"FUNDINGGRAPH_SERVICE_ALLOWLIST": remote_endpoint})
    query = f"""SELECT ?label ?rating WHERE {{
      ?org skos:prefLabel ?label FILTER(LANG(?label) = "nl")
      SERVICE <{remote_endpoint}> {{ ?org <{RATING}> ?rating }}
    }}"""
    response = requests.get(server.url + "/sparql", params={"query": query}, headers={"Accept": SRJ}, timeout=60)
    assert response.status_code == 200, response.text
    rows = [(b["label"]["value"], b["rating"]["value"]) for b in response.json()["results"]["bindings"]]
    assert rows == [("Agentschap Innoveren en Ondernemen", "A")]
    # The service description says federation is on; another endpoint is still refused, unasked.
    description = requests.get(server.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).text
    assert "BasicFederatedQuery" in description
    other = requests.get(server.url + "/sparql", params={"query": f"ASK {{ SERVICE <{recorder.url}> {{ ?s ?p ?o }} }}"},
                         headers={"Accept": "application/json"}, timeout=30)
    assert other.status_code == 403 and remote_endpoint in other.text
    time.sleep(0.3)
    assert recorder.connections == 0


@pytest.mark.remote
def test_a_failing_allow_listed_endpoint_is_a_502(start_server):
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    server = start_server({"FUNDINGGRAPH_SERVICE_ALLOWLIST": dead})
    response = requests.get(server.url + "/sparql", params={"query": f"ASK {{ SERVICE <{dead}> {{ ?s ?p ?o }} }}"},
                            headers={"Accept": "application/json"}, timeout=60)
    assert response.status_code == 502 and "remote endpoint" in response.json()["error"]
    silent = requests.get(server.url + "/sparql", headers={"Accept": SRJ}, timeout=60,
                          params={"query": f"ASK {{ SERVICE SILENT <{dead}> {{ ?s ?p ?o }} }}"})
    assert silent.status_code == 200
