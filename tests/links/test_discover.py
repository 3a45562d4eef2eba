"""`fundinggraph links discover` against a real local SPARQL server loaded with a Wikidata-shaped fixture."""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from loaders.links import COLUMNS, read_links

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "data" / "links" / "wikidata-fixture.ttl"
WD = "http://www.wikidata.org/entity/"

pytestmark = pytest.mark.remote

# Runs the CLI with an audit hook that refuses (and records) any connection or name lookup that is not
# loopback: the command must need nothing beyond the local endpoint.
GUARD = """
import json, sys
log = open(sys.argv.pop(1), "a")
LOOPBACK = ("127.0.0.1", "::1", "localhost")
def hook(event, args):
    if event == "socket.connect" and isinstance(args[1], tuple):
        host = args[1][0]
        log.write(json.dumps(["connect", host]) + "\\n"); log.flush()
        if host not in LOOPBACK:
            raise PermissionError(f"test guard: connection to {host} refused")
    elif event == "socket.getaddrinfo":
        host = args[0].decode() if isinstance(args[0], bytes) else str(args[0])
        log.write(json.dumps(["lookup", host]) + "\\n"); log.flush()
        if host not in LOOPBACK:
            raise PermissionError(f"test guard: name lookup of {host} refused")
sys.addaudithook(hook)
from fundinggraph.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def wikidata(start_oxigraph):
    server = start_oxigraph()
    server.load_turtle(FIXTURE)
    return server


@pytest.fixture()
def sources(tmp_path: Path) -> Path:
    """A copy of sources/ whose links name a (made-up, test-only) KBO number for PMV."""
    target = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", target)
    with open(target / "links" / "identifiers.csv", "a", encoding="utf-8") as handle:
        handle.write("organisation/pmv,owl:sameAs,https://data.vlaanderen.be/id/onderneming/0999999999,KBO,"
                     "0999999999,test fixture (not a real number),confirmed\n")
    return target


def discover(endpoint: str, sources: Path, tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list]:
    log = tmp_path / "network.log"
    env = dict(os.environ, FUNDINGGRAPH_SOURCES_DIR=str(sources), FUNDINGGRAPH_DATA_DIR=str(tmp_path / "data"))
    proc = subprocess.run([sys.executable, "-c", GUARD, str(log), "links", "discover", "--endpoint", endpoint,
                           "--delay", "0", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    events = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return proc, events


def rows(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {(r["entity"], r["identifier"]): r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def review(wikidata, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("discover")
    sources = tmp / "sources"
    shutil.copytree(ROOT / "sources", sources)
    with open(sources / "links" / "identifiers.csv", "a", encoding="utf-8") as handle:
        handle.write("organisation/pmv,owl:sameAs,https://data.vlaanderen.be/id/onderneming/0999999999,KBO,"
                     "0999999999,test fixture (not a real number),confirmed\n")
    before = {p.name: p.read_bytes() for p in (sources / "links").iterdir()}
    out = tmp / "review.csv"
    proc, events = discover(wikidata.query_url, sources, tmp, "--entity", "vlaio", "--entity", "pmv",
                            "--entity", "provincie-limburg", "--min-score", "0", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    after = {p.name: p.read_bytes() for p in (sources / "links").iterdir()}
    return out, proc, events, before == after


def test_candidates_are_found_and_ranked(review):
    out, proc, _, _ = review
    found = rows(out)
    assert "5 candidate(s) for 3 entities" in proc.stdout
    vlaio, decoy = found[("organisation/vlaio", "Q9900001")], found[("organisation/vlaio", "Q9900002")]
    assert float(vlaio["score"]) >= 0.85 > 0.4 > float(decoy["score"])
    assert "label 'Agentschap Innoveren en Ondernemen'" in vlaio["source"] and "government agency" in vlaio["source"]
    belgian = found[("place/provincie-limburg", "Q9900003")]
    dutch = found[("place/provincie-limburg", "Q9900004")]
    assert float(belgian["score"]) > 0.9 and float(dutch["score"]) < 0.5  # a short name, and abroad
    pmv = found[("organisation/pmv", "Q9900005")]
    assert pmv["score"] == "1.000" and "P3376" in pmv["source"]
    assert ("organisation/vlaio", "Q9900006") not in found and not any(k[1] == "Q9900006" for k in found)


def test_rows_are_review_candidates_in_the_links_format(review, tmp_path):
    out, _, _, _ = review
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == (*COLUMNS, "score", "query")
        records = list(reader)
    assert {r["review"] for r in records} == {"candidate"}
    assert all(r["iri"] == WD + r["identifier"] and r["relation"] == "owl:sameAs" for r in records)
    assert all("SELECT DISTINCT ?item" in r["query"] and "wdt:P31" in r["query"] for r in records)
    # A reviewer's confirmed copy (without score and query) is accepted by the loader's reader.
    (tmp_path / "links").mkdir()
    with (tmp_path / "links" / "reviewed.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({**r, "review": "confirmed"} for r in records)
    assert len(read_links(tmp_path / "links")) == len(records)


def test_nothing_but_loopback_was_contacted_and_sources_are_untouched(review):
    _, _, events, untouched = review
    assert events and all(host in ("127.0.0.1", "::1", "localhost") for _, host in events)
    assert untouched


def test_reviewed_rows_are_not_proposed_again(wikidata, sources, tmp_path):
    with open(sources / "links" / "identifiers.csv", "a", encoding="utf-8") as handle:
        handle.write("organisation/vlaio,owl:sameAs,http://www.wikidata.org/entity/Q9900002,Wikidata,Q9900002,"
                     "reviewed: a family name,rejected\n")
    out = tmp_path / "again.csv"
    proc, _ = discover(wikidata.query_url, sources, tmp_path, "--entity", "vlaio", "--min-score", "0", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert set(rows(out)) == {("organisation/vlaio", "Q9900001")}


def test_min_score_drops_weak_candidates(wikidata, sources, tmp_path):
    out = tmp_path / "strict.csv"
    proc, _ = discover(wikidata.query_url, sources, tmp_path, "--entity", "vlaio", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert set(rows(out)) == {("organisation/vlaio", "Q9900001")}  # the default --min-score 0.5


def test_an_unreachable_endpoint_is_named(sources, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        endpoint = f"http://127.0.0.1:{sock.getsockname()[1]}/sparql"
    out = tmp_path / "none.csv"
    proc, _ = discover(endpoint, sources, tmp_path, "--entity", "vlaio", "--out", str(out))
    assert proc.returncode == 1
    assert f"cannot reach SPARQL endpoint {endpoint}" in proc.stderr and "Connection refused" in proc.stderr
    assert "no review file was written" in proc.stderr and not out.exists()


def test_the_review_file_may_not_go_into_sources_links(wikidata, sources, tmp_path):
    proc, events = discover(wikidata.query_url, sources, tmp_path, "--out", str(sources / "links" / "x.csv"))
    assert proc.returncode == 1 and "must not go into" in proc.stderr
    assert not (sources / "links" / "x.csv").exists() and not events


def test_wikidata_is_the_default_endpoint():
    proc = subprocess.run([sys.executable, "-m", "fundinggraph", "links", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert "https://query.wikidata.org/sparql" in proc.stdout
