"""The YASGUI editor in headless Chromium: it loads, runs a query on our endpoint, shows rows and a chart,
and the browser never contacts anything but this site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

QUERY = "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 7"


@pytest.fixture()
def page(chromium, live_server: str):
    context = chromium.new_context()
    page = context.new_page()
    page.requests = []  # type: ignore[attr-defined]
    page.problems = []  # type: ignore[attr-defined]
    page.on("request", lambda request: page.requests.append(request.url))  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.problems.append(str(error)))  # type: ignore[attr-defined]
    # A missing favicon is not the editor's business; every other console error is.
    page.on("console", lambda message: page.problems.append(message.text)  # type: ignore[attr-defined]
            if message.type == "error" and "favicon" not in (message.location or {}).get("url", "") else None)
    yield page
    context.close()


def _off_site(requests: list[str], base: str) -> list[str]:
    host = urlsplit(base).hostname
    return [url for url in requests if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != host]


def test_editor_runs_a_query_and_shows_rows_and_a_chart(page, live_server: str):
    page.goto(live_server + "/sparql?lang=en")
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=30000)
    # One tab per example query.
    assert page.locator(".tabsList .tab").count() >= 3
    page.evaluate("query => window.fundinggraphYasgui.getTab().getYasqe().setValue(query)", QUERY)
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr .dataTable tbody tr", timeout=30000)
    rows = page.locator(".tabPanel.active .yasr .dataTable tbody tr")
    assert rows.count() == 7
    assert "fg:SourceExcerpt" in rows.first.inner_text() or "SourceExcerpt" in rows.first.inner_text()
    # The chart view (ECharts, bundled) draws the numeric column.
    page.click(".tabPanel.active .yasr .select_chart")
    chart = page.wait_for_selector(".tabPanel.active .sparql-chart[data-rendered=true]", timeout=30000)
    assert chart.get_attribute("data-bars") == "7"
    assert page.locator(".tabPanel.active .sparql-chart canvas").count() >= 1
    assert page.problems == []  # type: ignore[attr-defined]
    assert _off_site(page.requests, live_server) == []  # type: ignore[attr-defined]


def test_a_query_link_opens_the_editor_with_the_query_run(page, live_server: str):
    page.goto(live_server + "/sparql?query=" + "ASK%20%7B%20%3Fs%20a%20fg%3AFundingFlow%20%7D")
    page.wait_for_selector(".tabPanel.active .yasr .booleanResult", timeout=30000)
    assert "True" in page.locator(".tabPanel.active .yasr .booleanResult").inner_text()
    assert _off_site(page.requests, live_server) == []  # type: ignore[attr-defined]


def test_our_iris_link_to_local_pages(page, live_server: str):
    page.goto(live_server + "/sparql")
    page.wait_for_selector("#yasgui[data-ready=true]", timeout=30000)
    page.evaluate("query => window.fundinggraphYasgui.getTab().getYasqe().setValue(query)",
                  "SELECT ?org WHERE { ?org a org:Organization } ORDER BY ?org LIMIT 3")
    page.click(".tabPanel.active .yasqe_queryButton")
    page.wait_for_selector(".tabPanel.active .yasr .dataTable tbody tr a", timeout=30000)
    hrefs = page.eval_on_selector_all(".tabPanel.active .yasr .dataTable tbody tr a", "links => links.map(a => a.getAttribute('href'))")
    assert hrefs and all(href.startswith("/id/organisation/") for href in hrefs)
