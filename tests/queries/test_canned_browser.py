"""Canned query pages in headless Chromium: the form, the table of labelled links, the charts, the editor link.

Every request of the page must stay on 127.0.0.1 (no CDN); script errors fail the test. Screenshots go
to tests/artifacts/queries/.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_helpers import PAINTED_PIXELS

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "queries"



@pytest.fixture()
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    outside: list[str] = []
    errors: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert errors == [], f"script errors: {errors}"


def test_who_funds_whom_draws_a_sankey_and_links_labels(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server + "/queries/who-funds-whom")
    expect(page.locator("#query-chart")).to_have_attribute("data-rendered", "sankey")
    page.wait_for_timeout(300)  # the first frame
    assert page.evaluate(PAINTED_PIXELS, "#query-chart") > 5000
    links = page.locator(".query-table tbody tr:first-child td a")
    assert links.count() >= 3
    for i in range(links.count()):
        href, text = links.nth(i).get_attribute("href"), links.nth(i).inner_text()
        assert href.startswith("/id/") or href.startswith("/def"), href
        assert not text.startswith("http"), text  # a label, not an IRI
    funder = page.locator(".query-table tbody tr:first-child td a").first
    funder.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.startswith("/id/organisation/")


def test_the_form_filters_by_a_chosen_recipient(live_server, page):
    page.goto(live_server + "/queries/who-funds-whom")
    page.select_option("#param-recipient", label="Dyzo")
    with page.expect_navigation():
        page.locator(".query-form button[type=submit]").click()
    assert "recipient=dyzo" in page.url
    rows = page.locator(".query-table tbody tr")
    assert rows.count() == 2
    assert "585.000" in rows.nth(0).inner_text() and "585.000" in rows.nth(1).inner_text()
    assert page.locator("#param-recipient").input_value() == "dyzo"


def test_a_budget_line_draws_a_line_chart_and_opens_in_the_editor(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server + "/queries/budget-line-phases?line=kmo-portefeuille&lang=en")
    expect(page.locator("#query-chart")).to_have_attribute("data-rendered", "line")
    assert "53,000,000" in page.locator(".query-table").inner_text()
    page.locator("#open-editor").click()
    page.wait_for_url("**/sparql**")
    page.wait_for_function("() => window.fundinggraphYasgui && window.fundinggraphYasgui.getTab()")
    text = page.evaluate("() => window.fundinggraphYasgui.getTab().getQuery()")
    assert "VALUES (?line)" in text and "kmo-portefeuille" in text and "PREFIX fg:" in text


def test_a_pie_chart_and_paging_links(live_server, page):
    from playwright.sync_api import expect

    page.goto(live_server + "/queries/document-figures?document=speurgids-actoren-en-budgetten")
    expect(page.locator("#query-chart")).to_have_attribute("data-rendered", "pie")
    assert page.locator(".query-table tbody tr").count() == 100
    with page.expect_navigation():
        page.locator(".pager a[rel=next]").click()
    assert "_page=2" in page.url and page.locator(".query-table tbody tr").count() == 100
    expect(page.locator(".pager a[rel=prev]")).to_be_visible()


def test_an_error_is_shown_next_to_the_form(live_server, page):
    response = page.goto(live_server + "/queries/top-recipients?year=20x3")
    assert response.status == 400
    assert "parameter year" in page.locator(".query-errors").inner_text()
    assert page.locator(".query-form").count() == 1
