"""A bounded load test on loopback: many clients, a mixed workload, a reload in the middle, 0 failures.

The suite runs it for 25 s; ``make loadtest`` for 60 s (``LOADTEST_SECONDS``) and then writes the
figures into BENCHMARKS.md (``LOADTEST_REPORT=1``). ``LOADTEST_SERVER=granian`` runs it on granian.
Latency is reported, never asserted.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fundinggraph.bench import loadtest
from fundinggraph.bench.servers import CLI, Stack, cli_env, current_version, our_server
from fundinggraph.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("LOADTEST_SECONDS", "25"))
CLIENTS = int(os.environ.get("LOADTEST_CLIENTS", "24"))
#: ``gunicorn`` (the default of ``fundinggraph serve``) or ``granian``.
SERVER = os.environ.get("LOADTEST_SERVER", "gunicorn")
BASE = "https://fundinggraph.example.org/"


def test_mixed_load_with_a_reload_has_no_errors_and_no_wrong_answers(load_data: Path, tmp_path: Path):
    before = current_version(load_data)

    def reload() -> int:
        return subprocess.run([*CLI, "load", "--force", "--no-validate", "--quiet"], cwd=PROJECT_ROOT,
                              env=cli_env(load_data), capture_output=True, timeout=600).returncode

    with our_server(load_data, tmp_path, Stack(SERVER)) as server:
        report = loadtest.run(server.url, BASE, seconds=SECONDS, clients=CLIENTS, reload=reload, server=SERVER)
    print("\n" + report.markdown())
    if os.environ.get("LOADTEST_REPORT"):
        loadtest.update_report(PROJECT_ROOT / "BENCHMARKS.md", report.markdown())
    assert [code for _, code, _ in report.reloads] == [0], "the reload in the middle succeeded"
    assert current_version(load_data) != before
    assert report.total.requests > 100, report.total
    assert report.clean, report.total.failures
    assert all(r.requests > 0 for r in report.per_request.values()), "every kind of request was made"
