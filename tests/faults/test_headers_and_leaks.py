"""Every route, including errors and 500s: security headers on HTML, nothing leaked in any body.

The sweep asks a real gunicorn server every GET route of the app (found in its URL map) plus hostile and
broken requests, each as a browser (HTML), an API client (JSON) and a bare client. 500s and 503s are
provoked for real, without mocks: a data directory whose ``current`` points at a missing store, and one
whose store files are corrupted on disk.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import requests

from fundinggraph.bench.servers import our_server
from fundinggraph.config import PROJECT_ROOT

pytestmark = pytest.mark.slow

ACCEPTS = ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "application/json", "*/*")
#: Extra paths: parameters, unknown things, hostile input, every error status we can cause.
PROBES = (
    "/id/organisation/vlaio", "/id/organisation/dyzo", "/id/organisation/no-such-organisation",
    "/id/funding-flow/schriftelijke-vraag-307-2023/dyzo-2022-granted", "/id/..%2f..%2fetc%2fpasswd",
    "/def/FundingFlow", "/def/no-such-term", "/source/000_3b319597539220f9.txt", "/source/..%2fsecret",
    "/queries", "/queries/who-funds-whom?year=2023", "/queries/who-funds-whom?year=abc",
    "/queries/who-funds-whom?funder=%3Cscript%3Ealert(1)%3C/script%3E", "/queries/no-such-query",
    "/sparql?query=SELECT", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%201",
    "/sparql?query=SELECT%20*%20WHERE%20%7B%20SERVICE%20%3Chttp%3A%2F%2Fexample.org%2F%3E%20%7B%3Fs%20%3Fp%20%3Fo%7D%7D",
    "/search?q=", "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/search?q=" + "x" * 5000,
    "/flows?year=abc", "/flows?year=2023", "/static/..%2f..%2fserver%2f__init__.py", "/static/nope.js",
    "/no/such/page", "/%ff%fe", "/sparql?query=" + "%20" * 20000,
)
#: Text that must never reach a client: stack traces, server software, files of this machine.
LEAKS = re.compile(
    r"Traceback|File \"|gunicorn|werkzeug|granian|site-packages|/tmp/|/work/|/home/|/root/|"
    + re.escape(str(PROJECT_ROOT)), re.IGNORECASE)
XSS = "<script>alert(1)</script>"
#: Statuses gunicorn itself answers for requests it refuses to parse.
GUNICORN_REJECTS = (400, 414, 431)
GUNICORN_MESSAGES = ("Request Line is too large", "Request Header Fields Too Large", "Invalid request line")


def routes(app) -> list[str]:
    """Every GET route of the app that takes no parameter (static files excluded)."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static":
            found.append(rule.rule)
    return sorted(found)


def problems(response: requests.Response, data_dir: Path) -> list[str]:
    """What is wrong with one response's headers and body."""
    found = []
    where = f"{response.request.method} {response.url[:120]} -> {response.status_code}"
    headers = response.headers
    if response.status_code in GUNICORN_REJECTS and any(m in response.text for m in GUNICORN_MESSAGES):
        # Refused by gunicorn before the app saw it (request line over limit_request_line): gunicorn's
        # own fixed page, without our headers; only the leak checks apply.
        headers = {**headers, "X-Content-Type-Options": "nosniff", "Content-Type": "text/plain"}
    if headers.get("X-Content-Type-Options") != "nosniff":
        found.append(f"{where}: no X-Content-Type-Options: nosniff")
    server = headers.get("Server", "")
    if re.search(r"gunicorn|werkzeug|python|granian|/\d", server, re.IGNORECASE):
        found.append(f"{where}: Server header says {server!r}")
    if headers.get("Content-Type", "").startswith("text/html"):
        csp = headers.get("Content-Security-Policy", "")
        if "default-src 'self'" not in csp or "frame-ancestors 'none'" not in csp or "'unsafe-eval'" in csp:
            found.append(f"{where}: weak or missing Content-Security-Policy {csp!r}")
        if "script-src" in csp and "'unsafe-inline'" in csp.split("script-src", 1)[1].split(";", 1)[0]:
            found.append(f"{where}: CSP allows inline scripts")
        if headers.get("X-Frame-Options") != "DENY":
            found.append(f"{where}: no X-Frame-Options: DENY")
    body = response.text
    leak = LEAKS.search(body) or (str(data_dir) in body and re.compile(re.escape(str(data_dir))).search(body))
    if leak:
        start = max(0, leak.start() - 60)
        found.append(f"{where}: body leaks {leak.group(0)!r}: ...{body[start:leak.end() + 60]!r}")
    if XSS in body and headers.get("Content-Type", "").startswith("text/html"):
        found.append(f"{where}: HTML echoes a script tag unescaped")
    return found


def sweep(url: str, paths: list[str], data_dir: Path) -> tuple[list[str], dict[int, int]]:
    """Ask every path with every Accept header; the problems found and a count per status."""
    found: list[str] = []
    statuses: dict[int, int] = {}
    session = requests.Session()
    for path in paths:
        for accept in ACCEPTS:
            response = session.get(url + path, headers={"Accept": accept}, timeout=60, allow_redirects=False)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            found += problems(response, data_dir)
    for method, path in (("POST", "/healthz"), ("DELETE", "/sparql"), ("PUT", "/"), ("TRACE", "/"),
                         ("OPTIONS", "/sparql")):
        response = session.request(method, url + path, headers={"Accept": ACCEPTS[0]}, timeout=60)
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        found += problems(response, data_dir)
    oversized = session.post(url + "/sparql", data=b"query=" + b"x" * 2_000_000, timeout=60,
                             headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPTS[0]})
    statuses[oversized.status_code] = statuses.get(oversized.status_code, 0) + 1
    found += problems(oversized, data_dir)
    return found, statuses


@pytest.fixture(scope="module")
def site_paths(app) -> list[str]:
    return routes(app) + list(PROBES)


def test_every_route_and_error_of_the_live_site(live_server: str, published, site_paths: list[str]):
    found, statuses = sweep(live_server, site_paths, published.data_dir)
    assert not found, "\n".join(found[:15])
    assert 200 in statuses and 404 in statuses and 400 in statuses, statuses
    assert not any(status >= 500 for status in statuses), statuses
    assert len(site_paths) > 30


def _broken_missing_version(data_dir: Path, store: Path) -> None:
    (data_dir / "stores").mkdir(parents=True)
    (data_dir / "current").symlink_to(Path("stores") / "20990101T000000000000-000000000000")


def _broken_corrupt_store(data_dir: Path, store: Path) -> None:
    target = data_dir / "stores" / store.name
    shutil.copytree(store, target)
    for sst in target.glob("*.sst"):
        size = sst.stat().st_size
        with open(sst, "r+b") as handle:  # overwrite blocks in place; the sizes stay right
            for offset in range(4096, size - 8192, 8192):
                handle.seek(offset)
                handle.write(b"\xde\xad\xbe\xef" * 64)
    (data_dir / "current").symlink_to(Path("stores") / store.name)


@pytest.mark.parametrize("breakage", [_broken_missing_version, _broken_corrupt_store], ids=["missing", "corrupt"])
def test_a_broken_store_gives_clean_5xx_pages(breakage, published, site_paths: list[str], tmp_path: Path):
    from fundinggraph.store import EmbeddedStores

    data_dir = tmp_path / "broken"
    store = EmbeddedStores(published).current_path()
    assert store is not None
    breakage(data_dir, store)
    with our_server(data_dir, tmp_path) as server:
        found, statuses = sweep(server.url, site_paths, data_dir)
        log = server.log.read_text(errors="replace")
    assert not found, "\n".join(found[:15])
    assert any(status >= 500 for status in statuses), statuses
    assert "cannot open store" in log, "the details went to the server log"


def test_every_route_served_by_granian(published, site_paths: list[str], tmp_path: Path):
    from fundinggraph.bench.servers import Stack

    with our_server(published.data_dir, tmp_path, Stack("granian", 1, 2)) as server:
        found, statuses = sweep(server.url, site_paths, published.data_dir)
        assert requests.get(server.url + "/", timeout=30).headers["Server"] == "fundinggraph"
    assert not found, "\n".join(found[:15])
    assert 200 in statuses and 404 in statuses and not any(status >= 500 for status in statuses), statuses
