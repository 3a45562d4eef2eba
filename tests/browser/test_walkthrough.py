"""A new user's first visit, in headless Chromium: search, an organisation page, its sources, the
who-funds-whom question and diagram, and the CSV downloads."""

from __future__ import annotations

import csv
import io

import pytest
from browser_helpers import PAINTED_PIXELS
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def wait_for_suggestions(page, typed: str):
    """Type ``typed`` in the search box and wait for the answer to the complete text."""
    with page.expect_response(lambda r: "/api/suggest" in r.url and r.url.endswith("q=" + typed.replace(" ", "%20"))):
        page.locator("#site-search-input").press_sequentially(typed, delay=40)
    options = page.locator("#site-search-suggestions li")
    expect(options.first).to_be_visible()
    return options


def test_from_search_to_dyzo_and_its_sources(live_server: str, browser_page, shoot):
    page = browser_page
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_contain_text("Financieringsgraaf")
    shoot(page, "home")

    options = wait_for_suggestions(page, "Dyzo")
    expect(options.first).to_contain_text("Dyzo")
    expect(page.locator("#site-search-input")).to_have_attribute("aria-expanded", "true")
    shoot(page, "autocomplete")
    page.keyboard.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server + "/id/organisation/dyzo"
    expect(page.locator("#entity-title")).to_have_text("Dyzo")

    # 585.000 euro in 2022 and in 2023, each with its parliamentary answer as source.
    flows = page.locator("#funding-flows tr.flow")
    expect(flows).to_have_count(3)
    years = {flows.nth(i).get_attribute("data-year") for i in range(3)}
    assert years == {"2022", "2023"}
    for i in range(3):
        expect(flows.nth(i).locator("td.amount")).to_have_text("585.000 euro")
    sources = page.locator("#funding-flows tr.sources-row a")
    hrefs = {sources.nth(i).get_attribute("href") for i in range(sources.count())}
    assert "/id/document/schriftelijke-vraag-307-2023#L59" in hrefs
    assert "/id/document/schriftelijke-vraag-407-2024#L43" in hrefs

    # The chart was drawn.
    expect(page.locator("#chart-funding")).to_have_attribute("data-rendered", "true")
    assert page.evaluate(PAINTED_PIXELS, "#chart-funding") > 1000
    shoot(page, "dyzo", full_page=True)

    # Follow a source to the line it quotes.
    with page.expect_navigation():
        page.locator('#funding-flows a[href="/id/document/schriftelijke-vraag-407-2024#L43"]').first.click()
    line = page.locator("#L43")
    expect(line).to_be_in_viewport()
    expect(line).to_contain_text("2023 Dyzo 585.000")
    assert "quoted" in line.get_attribute("class")
    shoot(page, "source-line")


def test_who_funds_whom_canned_query_for_2023(live_server: str, browser_page, shoot):
    page = browser_page
    page.goto(live_server + "/queries/who-funds-whom?year=2023")
    expect(page.locator("h1")).to_contain_text("Wie financiert wie")
    expect(page.locator("#query-chart canvas")).to_have_count(1)
    page.wait_for_timeout(300)  # let ECharts finish its first frame before reading pixels
    assert page.evaluate(PAINTED_PIXELS, "#query-chart") > 1000
    shoot(page, "canned-query", full_page=True)

    with page.expect_download() as download_info:
        page.locator('a[data-format="csv"]').click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    assert len(rows) - 1 == page.locator(".query-table tbody tr").count() > 1
    dyzo = [row for row in rows if "Dyzo" in row]
    assert len(dyzo) == 1, "one granted flow to Dyzo in 2023"
    assert "585000" in dyzo[0] and "2023" in dyzo[0]
    assert any(cell.endswith("/id/document/schriftelijke-vraag-407-2024") for cell in dyzo[0])


def test_flows_view_draws_the_sankey_and_explains_an_edge(live_server: str, browser_page, shoot):
    page = browser_page
    page.goto(live_server + "/flows?amountType=budgeted")
    with page.expect_navigation():
        page.select_option("#filter-year", "2023")  # the form submits on change
    assert "year=2023" in page.url
    expect(page.locator("#sankey")).to_have_attribute("data-rendered", "true")
    assert page.evaluate(PAINTED_PIXELS, "#sankey") > 5000
    shoot(page, "sankey")

    # Clicking a band lists its flows with their quotes (ECharts draws on a canvas: click through its API).
    page.evaluate("""() => {
      const chart = echarts.getInstanceByDom(document.getElementById('sankey'));
      const links = chart.getOption().series[0].links;
      chart.dispatchAction({type: 'highlight', seriesIndex: 0, dataType: 'edge', dataIndex: 0});
      chart.trigger('click', {dataType: 'edge', data: links[0], seriesIndex: 0});
    }""")
    details = page.locator("#edge-details .flow-item")
    expect(details.first).to_be_visible()
    expect(page.locator("#edge-details blockquote").first).not_to_be_empty()
    shoot(page, "sankey-edge", full_page=True)

    with page.expect_download() as download_info:
        page.locator("#flows-csv").click()
    rows = list(csv.DictReader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert len(rows) == page.locator("#flows-table tbody tr").count()
    dyzo = [r for r in rows if r["recipient"] == "Dyzo"]
    assert dyzo and dyzo[0]["amount_eur"] == "585000" and dyzo[0]["year"] == "2023"


def test_keyboard_navigation_and_language_switch(live_server: str, browser_page, shoot):
    page = browser_page
    page.goto(live_server + "/")
    options = wait_for_suggestions(page, "kmo port")
    expect(options.first).to_contain_text("Kmo-portefeuille")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Escape")
    expect(page.locator("#site-search-suggestions")).to_be_hidden()
    page.keyboard.press("ArrowDown")
    expect(page.locator("#site-search-suggestions")).to_be_visible()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/id/instrument/kmo-portefeuille")
    expect(page.locator("#entity-title")).to_have_text("Kmo-portefeuille")
    expect(page.locator("#budget-table")).to_contain_text("2022 BO")
    with page.expect_navigation():
        page.locator('.lang-switch a[hreflang="en"]').click()
    expect(page.locator("#entity-title")).to_have_text("SME portfolio")
    shoot(page, "instrument-en", full_page=True)


def test_search_box_submits_to_the_search_page(live_server: str, browser_page):
    page = browser_page
    page.goto(live_server + "/")
    page.locator("#site-search-input").fill("flanders food")
    with page.expect_navigation():
        page.locator("#site-search-input").press("Enter")
    assert "/search?q=flanders+food" in page.url
    expect(page.locator(".result-link").first).to_have_text("Flanders’ FOOD")
