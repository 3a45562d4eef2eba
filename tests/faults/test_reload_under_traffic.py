"""Reloading while clients query: no request fails, and no answer comes from a half-loaded graph.

Clients hammer ``/sparql`` (a count of every triple plus a marker only the new sources have, and the
known figures) and pages from threads while ``fundinggraph load --force`` runs twice with sources that
differ by one entity. Every SPARQL answer names its data version (``X-Data-Version``); afterwards each
answer is compared with the true answer of that version, read from the kept store on disk, and every
version seen must be one that a load published completely.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from pathlib import Path

import pytest
import requests
from pyoxigraph import Store

from fundinggraph.bench.checks import SIZE_AND_MARKER, rows, sparql_path, spot_checks
from fundinggraph.bench.servers import current_version, our_server
from fundinggraph.namespaces import PREFIXES

pytestmark = pytest.mark.slow

BASE = "https://fundinggraph.example.org/"
SIZE_QUERY = SIZE_AND_MARKER % {"ids": BASE + "id/"}


class Client(threading.Thread):
    """One client: the size-and-marker query, then each known figure and page, in a loop."""

    def __init__(self, url: str, stop: threading.Event, offset: int):
        super().__init__(daemon=True)
        self.url, self.stop, self.offset = url, stop, offset
        self.answers: list[tuple[str, int, int]] = []
        self.problems: list[str] = []
        self.requests = 0

    def run(self) -> None:
        session = requests.Session()
        checks = spot_checks(BASE)
        i = self.offset
        while not self.stop.is_set():
            i += 1
            try:
                if i % 2:
                    response = session.get(self.url + sparql_path(SIZE_QUERY), timeout=60,
                                           headers={"Accept": "application/sparql-results+json"})
                    self.requests += 1
                    if response.status_code != 200:
                        self.problems.append(f"size query: HTTP {response.status_code} {response.text[:200]}")
                        continue
                    (row,) = rows(response.content)
                    self.answers.append((response.headers["X-Data-Version"], int(row["triples"]),
                                         int(row["marker"])))
                else:
                    spot = checks[i // 2 % len(checks)]
                    response = session.get(self.url + spot.path, headers={"Accept": spot.accept}, timeout=60)
                    self.requests += 1
                    problem = spot.check(response.status_code, response.content)
                    if problem:
                        self.problems.append(f"{spot.name}: {problem}")
            except requests.RequestException as exc:
                self.problems.append(f"request failed: {exc}")


def true_answer(data_dir: Path, version: str) -> tuple[int, int]:
    store = Store.read_only(str(data_dir / "stores" / version))
    (row,) = list(store.query(SIZE_QUERY, prefixes=PREFIXES))
    return int(row["triples"].value), int(row["marker"].value)


def test_no_request_fails_and_no_answer_is_half_loaded(fresh_data: Path, marked_sources: Path, cli, tmp_path):
    first = current_version(fresh_data)
    published = [first]
    with our_server(fresh_data, tmp_path) as server:
        stop = threading.Event()
        clients = [Client(server.url, stop, n) for n in range(6)]
        for client in clients:
            client.start()
        try:
            for _ in range(2):
                loaded = cli(fresh_data, "load", "--force", "--no-validate", sources=marked_sources)
                assert loaded.returncode == 0, loaded.stderr
                published.append(current_version(fresh_data))
            # Let every client see the last version a few times.
            seen_last = threading.Event()
            for _ in range(600):
                if all(any(a[0] == published[-1] for a in c.answers) for c in clients):
                    seen_last.set()
                    break
                stop.wait(0.1)
        finally:
            stop.set()
            for client in clients:
                client.join(120)
        assert seen_last.is_set(), "some client never saw the last version"
    problems = [p for c in clients for p in c.problems]
    assert not problems, problems[:5]
    answers = defaultdict(set)
    for client in clients:
        for version, triples, marker in client.answers:
            answers[version].add((triples, marker))
    assert set(answers) <= set(published), f"answers from versions nobody published: {set(answers) - set(published)}"
    assert first in answers and published[-1] in answers, "the clients saw both the old and the new graph"
    truth = {version: true_answer(fresh_data, version) for version in answers}
    for version, seen in answers.items():
        assert seen == {truth[version]}, f"version {version}: answers {seen}, the store says {truth[version]}"
    # The two kinds of version really differ: the marker tells the old graph from the new one.
    assert truth.get(first, (0, 0))[1] == 0
    assert truth[published[-1]][1] > 0
    assert sum(c.requests for c in clients) > 50
