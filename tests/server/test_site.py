"""The site skeleton over real HTTP: home page, health, errors in one shape, security headers."""

from __future__ import annotations

import requests


def test_health_reports_the_served_version(live_server: str):
    body = requests.get(live_server + "/healthz", timeout=10).json()
    assert body["ok"] is True and body["triples"] > 40000 and body["backend"] == "embedded"


def test_home_page_says_what_the_dataset_is(live_server: str):
    page = requests.get(live_server + "/", timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "Financieringsgraaf" in page.text and "schriftelijke-vraag-407-2024" in page.text
    english = requests.get(live_server + "/?lang=en", timeout=10)
    assert "Who funds whom in Flemish economic policy" in english.text
    assert english.cookies.get("lang") == "en"


def test_unknown_path_is_a_404_in_the_shape_the_client_asks_for(live_server: str):
    as_json = requests.get(live_server + "/no/such/page", headers={"Accept": "application/json"}, timeout=10)
    assert as_json.status_code == 404 and as_json.json()["ok"] is False and as_json.json()["status"] == 404
    as_html = requests.get(live_server + "/no/such/page", headers={"Accept": "text/html"}, timeout=10)
    assert as_html.status_code == 404 and "<h1>404" in as_html.text


def test_html_pages_carry_security_headers_and_no_server_version(live_server: str):
    page = requests.get(live_server + "/", timeout=10)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "gunicorn" not in page.headers.get("Server", "").lower()


def test_footer_links_the_machine_readable_descriptions(live_server: str):
    page = requests.get(live_server + "/?lang=en", timeout=10).text
    footer = page[page.index("<footer"):]
    for path in ("/catalog", "/.well-known/void", "/def", "/dumps/"):
        assert f'href="{path}"' in footer
        assert requests.get(live_server + path, timeout=30).status_code == 200
