"""The executor processes behind the endpoint: row cap, kill and replacement, recovery, self-kill."""

from __future__ import annotations

import os
import signal
import time

import pytest

from fundinggraph.store import executor as ex
from fundinggraph.store.execution import QueryTimeout

SRJ = "application/sparql-results+json"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def request(text: str, **overrides) -> dict:
    return {"op": "query", "text": text, "results_format": SRJ, "graph_format": "application/n-triples",
            "default_graphs": None, "named_graphs": None, "base_iri": None, "timeout": 20, "max_rows": 100,
            **overrides}


@pytest.mark.parametrize(("chunks", "limit", "kept", "cut"), [
    ([b"h\n", b"a\nb\n"], 3, b"h\na\nb\n", False),   # exactly the limit: nothing more came
    ([b"h\na\nb\nc"], 3, b"h\na\nb\n", True),        # a partial fourth line is a fourth row
    ([b"h\na\n", b"b\n", b"c\n"], 3, b"h\na\nb\n", True),
    ([b"h\n"], 3, b"h\n", False),
])
def test_line_cap_keeps_whole_lines_and_says_when_it_cut(chunks, limit, kept, cut):
    cap = ex._LineCap(limit)
    with pytest.raises(ex._LineCap.Reached) if cut else _nothing():
        for chunk in chunks:
            cap.write(chunk)
    assert cap.value() == kept and cap.cut is cut


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture()
def pool(published):
    pool = ex.ExecutorPool(published, size=1, isolate=True)
    yield pool
    pool.close()


def test_a_timed_out_executor_is_killed_and_a_warm_spare_takes_over(pool):
    header, body = pool.run(request("ASK { ?s a fg:FundingFlow }"), timeout=30)
    assert header["ok"] and b"true" in body
    first = set(pool.pids())
    assert len(first) == 2  # the executor and its spare
    with pytest.raises(QueryTimeout):
        pool.run(request(RUNAWAY, timeout=1), timeout=1)
    assert pool.killed == 1
    survivors = set(pool.pids())
    assert len(survivors) == 1 and survivors < first  # the killed one is gone, the warm spare is left
    for pid in first - survivors:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    header, _ = pool.run(request("ASK {}"), timeout=30)
    assert header["ok"]
    assert survivors < set(pool.pids()) and len(pool.pids()) == 2  # the spare answered; a new spare started


def test_an_executor_that_died_while_idle_is_replaced_transparently(pool):
    pool.run(request("ASK {}"), timeout=30)
    idle = pool._idle[0]
    os.kill(idle.pid, signal.SIGKILL)
    idle.proc.wait(timeout=10)
    header, body = pool.run(request("SELECT (COUNT(*) AS ?n) WHERE { ?s a fg:SourceDocument }"), timeout=30)
    assert header["ok"] and b'"n"' in body


def test_errors_come_back_as_headers_and_leave_the_executor_usable(pool):
    header, _ = pool.run(request("SELECT * WHERE { ?s ?p }"), timeout=30)
    assert header == {**header, "ok": False, "error": "syntax", "line": 1, "column": 25}
    header, _ = pool.run(request("CONSTRUCT WHERE { ?s ?p ?o }", graph_format=None), timeout=30)
    assert header["error"] == "not_acceptable" and "CONSTRUCT" in header["message"]
    header, body = pool.run(request("CONSTRUCT WHERE { ?s a fg:SourceDocument }", max_rows=2), timeout=30)
    assert header["ok"] and header["truncated"] and header["count"] == 2 and body.count(b"\n") == 2


@pytest.mark.slow
def test_an_executor_kills_itself_when_its_parent_does_not(published):
    """SIGALRM (default action: terminate) ends a runaway query even if the web process never kills it."""
    process = ex.ExecutorProcess(published, isolate=True)
    try:
        process.ready(time.monotonic() + 60)
        with pytest.raises(ex._Died):
            # The request asks for 1 s; the parent waits far longer than 1 s + SELF_KILL_GRACE.
            process.call(request(RUNAWAY, timeout=1), time.monotonic() + ex.SELF_KILL_GRACE + 60)
        assert process.proc.wait(timeout=10) == -signal.SIGALRM
    finally:
        process.kill()
