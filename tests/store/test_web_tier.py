"""A stateless web tier: two `fundinggraph serve` processes share one `oxigraph serve`, loaded by the CLI."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.remote, pytest.mark.slow]

TTL = 0.5


def load(server, *extra: str, data_dir: Path, quiet: bool = True) -> subprocess.CompletedProcess:
    """Run the real loader CLI against ``server``."""
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(data_dir))
    return subprocess.run(
        [sys.executable, "-m", "fundinggraph", "load", "--backend", "remote", "--remote-query-url", server.query_url,
         "--remote-store-url", server.store_url, *(["--quiet"] if quiet else []), *extra],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.fixture(scope="module")
def shared(start_oxigraph, start_server, tmp_path_factory):
    """One oxigraph serve loaded by the CLI, and two web servers (2 workers each) on it."""
    store = start_oxigraph()
    data_dir = tmp_path_factory.mktemp("web-tier")
    proc = load(store, "--no-validate", data_dir=data_dir)  # validation has its own test below
    assert proc.returncode == 0, proc.stderr
    env = {"FUNDINGGRAPH_BACKEND": "remote", "FUNDINGGRAPH_REMOTE_QUERY_URL": store.query_url,
           "FUNDINGGRAPH_REMOTE_STORE_URL": store.store_url, "FUNDINGGRAPH_REMOTE_POINTER_TTL": str(TTL),
           "FUNDINGGRAPH_WORKERS": "2", "FUNDINGGRAPH_THREADS": "2"}
    webs = [start_server(env, data_dir=str(data_dir)) for _ in range(2)]
    return store, data_dir, webs, proc.stdout


def health(web) -> dict:
    response = requests.get(web.url + "/healthz", timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_loader_reports_the_published_version(shared):
    _, _, webs, stdout = shared
    version = health(webs[0])["version"]
    assert f"published as version {version}" in stdout


def test_both_web_servers_answer_the_same_data(shared):
    _, _, webs, _ = shared
    answers = [health(web) for web in webs for _ in range(4)]  # several requests reach both workers
    assert {a["backend"] for a in answers} == {"remote"}
    assert len({(a["version"], a["triples"]) for a in answers}) == 1
    homes = [requests.get(web.url + "/", timeout=30) for web in webs]
    assert all(h.status_code == 200 for h in homes)
    assert homes[0].text.count("Agentschap") == homes[1].text.count("Agentschap")


def test_a_reload_switches_every_web_process(shared):
    store, data_dir, webs, _ = shared
    before = health(webs[0])["version"]
    proc = load(store, "--no-validate", "--force", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    after = proc.stdout.split("as version ", 1)[1].split()[0]
    assert after != before
    # Every web process re-reads the pointer within its cache lifetime (TTL); wait that long, then ask.
    time.sleep(TTL + 0.2)
    seen = {health(web)["version"] for web in webs for _ in range(6)}
    assert seen == {after}


def test_loading_identical_content_publishes_nothing(shared):
    store, data_dir, webs, _ = shared
    current = health(webs[0])["version"]
    proc = load(store, "--no-validate", data_dir=data_dir)
    assert proc.returncode == 0, proc.stderr
    assert f"unchanged (same content as the current version) as version {current}" in proc.stdout


def test_the_loader_names_an_unreachable_store(tmp_path):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    nobody = type("Nobody", (), {"query_url": f"http://127.0.0.1:{port}/query",
                                 "store_url": f"http://127.0.0.1:{port}/store"})()
    proc = load(nobody, "--no-validate", data_dir=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert re.search(rf"remote store http://127\.0\.0\.1:{port}/\w+ unreachable .*Connection refused", proc.stderr)
    assert "nothing was published; the served data is unchanged" in proc.stderr


def test_descriptions_and_dumps_come_from_the_remote_store(shared, graph):
    from pyoxigraph import RdfFormat, Store

    _, _, webs, _ = shared
    version = health(webs[0])["version"]
    listing = requests.get(webs[0].url + "/dumps/", timeout=120).json()
    assert listing["version"] == version
    for entry, fmt in zip(sorted(listing["files"], key=lambda f: f["name"]), (RdfFormat.N_QUADS, RdfFormat.TURTLE),
                          strict=True):
        dump = Store()
        dump.load(requests.get(entry["url"], timeout=120).content, format=fmt)
        assert set(dump) == set(graph)
    void = requests.get(webs[1].url + "/.well-known/void", headers={"Accept": "application/n-triples"}, timeout=60)
    assert f'<http://rdfs.org/ns/void#triples> "{len(graph)}"' in void.text


def test_info_and_dump_commands_on_the_remote_store(shared, tmp_path, graph):
    from pyoxigraph import RdfFormat, Store

    store, _data_dir, webs, _ = shared
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(tmp_path), FUNDINGGRAPH_BACKEND="remote",
               FUNDINGGRAPH_REMOTE_QUERY_URL=store.query_url, FUNDINGGRAPH_REMOTE_STORE_URL=store.store_url)
    info = subprocess.run([sys.executable, "-m", "fundinggraph", "info"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert info.returncode == 0, info.stderr
    assert f"version {health(webs[0])['version']}" in info.stdout and f"triples {len(graph)}" in info.stdout
    dump = subprocess.run([sys.executable, "-m", "fundinggraph", "dump", "--out", str(tmp_path / "out")], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert dump.returncode == 0, dump.stderr
    loaded = Store()
    loaded.load(path=str(tmp_path / "out" / "fundinggraph.ttl"), format=RdfFormat.TURTLE)
    assert set(loaded) == set(graph)
