"""Hostile input against entity, static and source routes: traversal, overlong URLs, markup in the data."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
from urllib.parse import urlsplit

import hostile_store
import pytest
import requests

TRAVERSALS = [
    "/id/../../etc/passwd",
    "/id/%2e%2e/%2e%2e/etc/passwd",
    "/id/..%2f..%2fetc%2fpasswd",
    "/id/%252e%252e/%252e%252e/etc/passwd",
    "/id/organisation/../../../server/__init__.py",
    "/id/organisation/%2e%2e%2f%2e%2e%2fserver%2f__init__.py",
    "/id/..\\..\\etc\\passwd",
    "/def/../../etc/passwd",
    "/def/%2e%2e/%2e%2e/server/__init__.py",
    "/static/../server/__init__.py",
    "/static/%2e%2e/server/__init__.py",
    "/static/..%2fserver%2f__init__.py",
    "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/static/css/../../__init__.py",
    "/static/..%5c__init__.py",
    "/source/../../etc/passwd",
    "/source/..%2f..%2fetc%2fpasswd",
    "/source/%2e%2e%2fserver%2f__init__.py.txt",
    "/source/..%2fsources.yaml",
]
SECRETS = ("root:x:0:0", "def create_app", "import ", "documents:\n")


def raw_get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of dot segments or escapes)."""
    netloc = urlsplit(base).netloc
    connection = http.client.HTTPConnection(netloc, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for key, value in (headers or {"Accept": "text/html"}).items():
            connection.putheader(key, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_path_traversal_never_returns_files(live_server: str, path: str):
    status, body = raw_get(live_server, path)
    assert status in (400, 404), (path, status)
    text = body.decode("utf-8", "replace")
    assert not any(secret in text for secret in SECRETS), path


def test_the_static_route_still_serves_its_own_files(live_server: str):
    status, body = raw_get(live_server, "/static/js/search.js")
    assert status == 200 and b"textContent" in body


@pytest.mark.parametrize("length", [2000, 7000])
def test_overlong_resource_paths_are_414(live_server: str, length: int):
    status, _ = raw_get(live_server, "/id/organisation/" + "a" * length)
    assert status == 414


def test_request_lines_beyond_the_server_limit_are_refused(live_server: str):
    status, body = raw_get(live_server, "/id/organisation/" + "a" * 9000)
    assert status in (400, 414)
    assert b"Traceback" not in body


def test_overlong_search_queries_are_400(live_server: str):
    response = requests.get(live_server + "/api/suggest", params={"q": "a" * 500}, timeout=10)
    assert response.status_code == 400 and "too long" in response.json()["error"]


@pytest.mark.parametrize("path", ["/id/organisation/a%00b", "/id/organisation//dyzo", "/id/organisation/a%20b%3Cc%3E"])
def test_malformed_resource_paths_are_4xx(live_server: str, path: str):
    status, body = raw_get(live_server, path, {"Accept": "application/json"})
    assert 400 <= status < 500 and json.loads(body)["ok"] is False


def test_raw_characters_not_allowed_in_a_request_target_are_refused(live_server: str):
    # RFC 3986 forbids a raw "<" in the request target: the HTTP server itself may refuse the request
    # before our app sees it (granian does, with an empty 400); either way it is a 4xx with nothing leaked.
    status, body = raw_get(live_server, "/id/organisation/a%20b<c>", {"Accept": "application/json"})
    assert 400 <= status < 500
    assert b"Traceback" not in body and b"/work/" not in body


# -- markup in the data is shown as text ------------------------------------------------------------
@pytest.fixture(scope="module")
def hostile_server(start_server, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A real server on a store whose labels, quotes and titles are hostile markup."""
    data_dir = hostile_store.publish(tmp_path_factory.mktemp("hostile"))
    return start_server(data_dir=str(data_dir)).url


def assert_no_live_markup(html: str) -> None:
    """None of the hostile strings appears unescaped; their escaped text does."""
    for needle in ("<script>window.__pwned", "<img src=x onerror", "<b onmouseover", "<iframe src",
                   "</script><script>"):
        assert needle not in html, needle


def json_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)


def test_entity_pages_show_hostile_labels_as_text(hostile_server: str):
    page = requests.get(hostile_server + "/id/organisation/evil", headers={"Accept": "text/html"}, timeout=30).text
    assert_no_live_markup(page)
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt; Evil &amp; &#34;Co&#34;" in page
    assert "&lt;b onmouseover" in page  # the quote of the flow, escaped
    for block in json_blocks(page):
        assert "</" not in block and "<script" not in block
        json.loads(block)


@pytest.mark.parametrize("path", ["/id/organisation/funder", "/id/funding-flow/evil-2023", "/id/document/evil-doc",
                                  "/id/excerpt/evil-doc/1-1-0000000000", "/id/instrument/evil-grant"])
def test_every_page_of_the_hostile_graph_escapes(hostile_server: str, path: str):
    response = requests.get(hostile_server + path, headers={"Accept": "text/html"}, timeout=30)
    assert response.status_code == 200
    assert_no_live_markup(response.text)


def test_a_hostile_source_file_name_is_never_read(hostile_server: str):
    page = requests.get(hostile_server + "/id/document/evil-doc", headers={"Accept": "text/html"}, timeout=30).text
    assert "root:x:0:0" not in page
    assert requests.get(hostile_server + "/source/evil-doc.txt", timeout=10).status_code == 404


def test_search_results_and_suggestions_escape(hostile_server: str):
    page = requests.get(hostile_server + "/search", params={"q": "evil"}, headers={"Accept": "text/html"},
                        timeout=30).text
    assert_no_live_markup(page)
    assert "&lt;script&gt;" in page
    suggestions = requests.get(hostile_server + "/api/suggest", params={"q": "evil"}, timeout=10)
    assert suggestions.headers["Content-Type"] == "application/json"
    labels = [s["label"] for s in suggestions.json()["suggestions"]]
    assert hostile_store.EVIL_LABEL in labels  # data stays data in JSON; the script writes it as text


def test_flows_page_escapes_and_csv_neutralises_formulas(hostile_server: str):
    page = requests.get(hostile_server + "/flows", params={"year": "2023"}, headers={"Accept": "text/html"},
                        timeout=30).text
    assert_no_live_markup(page)
    for block in json_blocks(page):
        assert "</" not in block
        json.loads(block)
    table = requests.get(hostile_server + "/flows.csv", params={"year": "2023"}, timeout=10)
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert rows[0]["original_text"] == "'" + hostile_store.FORMULA
    assert rows[0]["recipient"] == hostile_store.EVIL_LABEL
