"""A client that sends a runaway query and hangs up does not leave the query running forever.

pyoxigraph cannot cancel a query, so the endpoint runs untrusted SPARQL in executor processes that the
web process kills at the time limit (``fundinggraph.store.executor``). Here a raw socket sends a query
that would run for hours, closes the connection, and the executor processes of the real gunicorn server
are watched with psutil: the one burning CPU must be gone (or idle) soon after the time limit, and the
server must go on answering.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import quote

import psutil
import pytest
import requests

from fundinggraph.bench.checks import rows, sparql_path
from fundinggraph.bench.servers import our_server

pytestmark = pytest.mark.slow

TIMEOUT = 3.0
#: The executor's own alarm fires at the limit plus this (``SELF_KILL_GRACE``); the rest is slack
#: for a busy machine. Without any kill the query would run for hours.
SLACK = 5.0 + 10.0
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def executors(server_pid: int) -> list[psutil.Process]:
    """The query executor processes under the server (children of its workers)."""
    found = []
    for proc in psutil.Process(server_pid).children(recursive=True):
        try:
            if "fundinggraph.store.executor" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def cpu_seconds(proc: psutil.Process) -> float | None:
    try:
        times = proc.cpu_times()
    except psutil.Error:
        return None
    return times.user + times.system


def busy_executor(server_pid: int, within: float) -> psutil.Process:
    """The executor that burns CPU (the runaway query), found within ``within`` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        before = {p.pid: (p, cpu_seconds(p)) for p in executors(server_pid)}
        time.sleep(0.5)
        for proc, start in before.values():
            now = cpu_seconds(proc)
            if start is not None and now is not None and now - start > 0.2:
                return proc
    raise AssertionError("no executor ran the runaway query")


def test_a_hung_up_runaway_query_is_stopped_at_the_time_limit(fresh_data: Path, tmp_path: Path):
    env = {"FUNDINGGRAPH_QUERY_TIMEOUT": str(TIMEOUT)}
    with our_server(fresh_data, tmp_path, env=env) as server:
        assert server.proc is not None
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
        target = "/sparql?query=" + quote(RUNAWAY)
        sock.sendall(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/sparql-results+json\r\n"
                     "Connection: close\r\n\r\n".encode())
        runaway = busy_executor(server.proc.pid, within=10)
        sock.close()  # the client is gone; nobody will read the answer
        hung_up = time.monotonic()
        freed = False
        while time.monotonic() - hung_up < TIMEOUT + SLACK:
            start = cpu_seconds(runaway)
            time.sleep(0.5)
            end = cpu_seconds(runaway)
            if start is None or end is None or end - start < 0.05:
                freed = True
                break
        assert freed, f"the executor {runaway.pid} still burns CPU {TIMEOUT + SLACK:g} s after the client left"
        # The server still answers, with a fresh executor.
        answer = requests.get(server.url + sparql_path("SELECT (COUNT(*) AS ?n) WHERE { ?s a fg:FundingFlow }"),
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200 and int(rows(answer.content)[0]["n"]) > 50


def test_a_runaway_query_whose_client_waits_gets_a_503_naming_the_limit(fresh_data: Path, tmp_path: Path):
    env = {"FUNDINGGRAPH_QUERY_TIMEOUT": str(TIMEOUT)}
    with our_server(fresh_data, tmp_path, env=env) as server:
        answer = requests.get(server.url + sparql_path(RUNAWAY), headers={"Accept": "application/json"},
                              timeout=TIMEOUT + SLACK)
        assert answer.status_code == 503
        body = answer.json()
        assert body["ok"] is False and body["setting"] == "query_timeout" and body["limit"] == TIMEOUT
        assert "Retry-After" in answer.headers
        # When the 503 is sent the runaway executor is already dead: nothing keeps burning CPU.
        assert server.proc is not None
        before = {p.pid: (p, cpu_seconds(p)) for p in executors(server.proc.pid)}
        time.sleep(1.0)
        burning = [pid for pid, (p, start) in before.items()
                   if start is not None and (cpu_seconds(p) or start) - start > 0.3]
        assert not burning, f"executors still busy after the 503: {burning}"
