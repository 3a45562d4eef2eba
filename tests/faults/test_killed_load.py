"""A load killed with SIGKILL (while building, while writing the store) never disturbs a live server.

tests/test_load_cli.py checks the store side of a killed load; here a real gunicorn server is answering
queries during the kills, and must keep answering the same version and figures, before the next load
publishes a new version with the same figures.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests

from fundinggraph.bench.checks import spot_checks
from fundinggraph.bench.servers import CLI, cli_env, our_server
from fundinggraph.bench.servers import current_version as current
from fundinggraph.config import PROJECT_ROOT as ROOT

pytestmark = pytest.mark.slow

BASE = "https://fundinggraph.example.org/"


class Watcher(threading.Thread):
    """Ask the server the known figures and its version over and over; keep every answer."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.versions: list[str] = []
        self.problems: list[str] = []
        self.checks = spot_checks(BASE)[:3]

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            for spot in self.checks:
                try:
                    response = session.get(self.url + spot.path, headers={"Accept": spot.accept}, timeout=30)
                except requests.RequestException as exc:
                    self.problems.append(f"{spot.name}: {exc}")
                    continue
                problem = spot.check(response.status_code, response.content)
                if problem:
                    self.problems.append(f"{spot.name}: {problem}")
                self.versions.append(response.headers.get("X-Data-Version", "?"))


def kill_when(data_dir: Path, marker: str) -> int:
    """Start ``fundinggraph load --force``, SIGKILL it when its progress shows ``marker``; its exit code."""
    with subprocess.Popen([*CLI, "load", "--force", "--no-validate"], cwd=ROOT, env=cli_env(data_dir),
                          stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if marker in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=120)
    return proc.returncode


def test_killed_loads_leave_the_live_server_alone_and_the_next_load_works(fresh_data: Path, cli, tmp_path):
    before = current(fresh_data)
    with our_server(fresh_data, tmp_path) as server:
        watcher = Watcher(server.url)
        watcher.start()
        try:
            # Killed while the loaders build the graph, then while the new store is being written.
            for marker in ("entities and mentions", "writing store"):
                assert kill_when(fresh_data, marker) == -signal.SIGKILL, marker
                assert current(fresh_data) == before
            time.sleep(1)  # a few more answers after the last kill
        finally:
            watcher.stop.set()
            watcher.join(60)
        assert watcher.versions, "the server answered nothing"
        assert not watcher.problems, watcher.problems[:5]
        assert set(watcher.versions) == {before}

        loaded = cli(fresh_data, "load", "--force", "--no-validate")
        assert loaded.returncode == 0, loaded.stderr
        after = current(fresh_data)
        assert after != before
        assert not list((fresh_data / "stores").glob(".building-*")), "half-built stores were removed"
        for spot in spot_checks(BASE):
            response = requests.get(server.url + spot.path, headers={"Accept": spot.accept}, timeout=30)
            assert spot.check(response.status_code, response.content) is None, spot.name
            if spot.accept != "text/html":
                assert response.headers["X-Data-Version"] == after
