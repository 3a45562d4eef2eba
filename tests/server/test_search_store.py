"""The search index file of a data version: built once, shared by every worker, 503 while it is built."""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from fundinggraph import config
from fundinggraph.store import EmbeddedStores
from server.search_index import SearchIndex
from server.search_store import build_current, build_version, index_path, remove_stale, search_dir

ROOT = Path(__file__).resolve().parents[2]
DYZO = "https://fundinggraph.example.org/id/organisation/dyzo"


def own_dir(published: config.Settings, tmp_path: Path) -> config.Settings:
    """The published data with a search directory of this test's own."""
    return published.with_overrides(search_dir=str(tmp_path / "search"))


def version_of(settings: config.Settings) -> str:
    version = EmbeddedStores(settings).current_version()
    assert version
    return version


def test_a_build_writes_one_whole_file_and_only_once(published, tmp_path):
    settings = own_dir(published, tmp_path)
    version = version_of(settings)
    stats = build_version(settings, version)
    path = index_path(settings, version)
    assert stats is not None and stats.texts > 5000 and stats.resources > 3000
    assert path.is_file() and path.stat().st_size == stats.bytes
    assert not [p.name for p in path.parent.iterdir() if ".tmp-" in p.name]
    assert build_version(settings, version) is None  # there already
    index = SearchIndex(path)
    assert index.meta["version"] == version
    assert index.search("dyzo")[0].iri == DYZO
    assert json.loads((path.parent / f".{version}.status").read_text())["done"]


def test_build_current_indexes_the_served_version(published, tmp_path):
    settings = own_dir(published, tmp_path)
    assert build_current(settings) is not None
    assert index_path(settings, version_of(settings)).is_file()


def test_a_held_lock_means_another_process_builds(published, tmp_path):
    settings = own_dir(published, tmp_path)
    version = version_of(settings)
    search_dir(settings).mkdir(parents=True)
    with open(search_dir(settings) / f".{version}.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert build_version(settings, version, wait=False) is None
        assert not index_path(settings, version).exists()


def test_files_of_versions_the_store_no_longer_has_are_removed(published, tmp_path):
    settings = own_dir(published, tmp_path)
    version = version_of(settings)
    directory = search_dir(settings)
    directory.mkdir(parents=True)
    gone = "20200101T000000000000-0123456789ab"
    for name in (f"{gone}.sqlite", f".{gone}.lock", f".{gone}.status"):
        (directory / name).write_text("x")
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_tmp = directory / f".{gone}.sqlite.tmp-{finished.stdout.strip()}"
    dead_tmp.write_text("half a build")
    busy = "20200202T000000000000-0123456789ab"
    with open(directory / f".{busy}.lock", "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # a build of another version going on right now
        build_version(settings, version)
        left = sorted(p.name for p in directory.iterdir())
    assert left == sorted([f".{busy}.lock", f".{version}.lock", f".{version}.status", f"{version}.sqlite"])
    assert remove_stale(settings, keep=version) == [f".{busy}.lock"]  # no longer held


def test_the_first_searches_wait_for_one_build_shared_by_every_worker(start_server, tmp_path):
    server = start_server({"FUNDINGGRAPH_SEARCH_DIR": str(tmp_path / "search"), "FUNDINGGRAPH_WORKERS": "2",
                           "FUNDINGGRAPH_SEARCH_WAIT": "60"})

    def ask(_: int) -> requests.Response:
        return requests.get(server.url + "/api/suggest", params={"q": "dyzo"}, timeout=90)

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(ask, range(16)))
    assert [a.status_code for a in answers] == [200] * 16
    assert all(a.json()["suggestions"][0]["iri"] == DYZO for a in answers)
    built = re.findall(r"search index of \S+: \d+ texts", server.log.read_text())
    assert len(built) == 1, built
    assert len(list((tmp_path / "search").glob("*.sqlite"))) == 1


def test_while_the_index_is_built_search_answers_503_with_retry_after(start_server, tmp_path):
    server = start_server({"FUNDINGGRAPH_SEARCH_DIR": str(tmp_path / "search"), "FUNDINGGRAPH_SEARCH_WAIT": "0"})
    first = requests.get(server.url + "/search", params={"q": "dyzo"}, headers={"Accept": "application/json"},
                         timeout=30)
    assert first.status_code == 503
    assert int(first.headers["Retry-After"]) >= 1
    assert "search index" in first.json()["error"] and "being built" in first.json()["error"]
    page = requests.get(server.url + "/search", params={"q": "dyzo"}, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code in (200, 503) and page.headers["Content-Type"].startswith("text/html")
    # A missing page still answers 404 (its suggestions come when the index is there).
    missing = requests.get(server.url + "/id/organisation/dyzoo", headers={"Accept": "application/json"}, timeout=30)
    assert missing.status_code == 404
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        answer = requests.get(server.url + "/search", params={"q": "dyzo"}, headers={"Accept": "application/json"},
                              timeout=30)
        if answer.status_code == 200:
            break
        assert answer.status_code == 503
        time.sleep(0.2)
    assert answer.status_code == 200 and answer.json()["results"][0]["iri"] == DYZO


def test_a_search_directory_that_cannot_be_written_is_a_clear_503(start_server, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the directory should be")
    server = start_server({"FUNDINGGRAPH_SEARCH_DIR": str(blocked)})
    answer = requests.get(server.url + "/api/suggest", params={"q": "dyzo"}, timeout=30)
    assert answer.status_code == 503
    assert "cannot be written" in answer.json()["error"] and "search_dir" in answer.json()["error"]
    assert str(tmp_path) not in answer.text  # no paths for clients; they are in the log
    assert requests.get(server.url + "/id/organisation/dyzo", timeout=30).status_code == 200


@pytest.mark.slow
def test_fundinggraph_load_builds_the_index_of_what_it_publishes(tmp_path):
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-m", "fundinggraph", "load", "--no-validate"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"search index: \d+ texts of \d+ resources", proc.stderr)
    settings = config.from_env(environ={}, data_dir=str(tmp_path / "data"))
    assert index_path(settings, version_of(settings)).is_file()


@pytest.mark.remote
@pytest.mark.slow
def test_the_remote_backend_gets_its_index_too(start_oxigraph, start_server, tmp_path):
    store = start_oxigraph()
    data_dir = tmp_path / "data"
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(data_dir))
    proc = subprocess.run(
        [sys.executable, "-m", "fundinggraph", "load", "--no-validate", "--backend", "remote", "--remote-query-url",
         store.query_url, "--remote-store-url", store.store_url], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert len(list((data_dir / "search").glob("*.sqlite"))) == 1  # built by the load
    # A web server with an empty search directory builds it again, through the remote store.
    server = start_server({"FUNDINGGRAPH_BACKEND": "remote", "FUNDINGGRAPH_REMOTE_QUERY_URL": store.query_url,
                           "FUNDINGGRAPH_SEARCH_DIR": str(tmp_path / "web-search"), "FUNDINGGRAPH_SEARCH_WAIT": "60"},
                          data_dir=str(data_dir))
    answer = requests.get(server.url + "/api/suggest", params={"q": "dyzo"}, timeout=90)
    assert answer.status_code == 200 and answer.json()["suggestions"][0]["iri"] == DYZO
    assert len(list((tmp_path / "web-search").glob("*.sqlite"))) == 1
