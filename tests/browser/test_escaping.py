"""Markup in labels and quotes stays text in a real browser: pages, autocomplete, charts, the sankey."""

from __future__ import annotations

import hostile_store
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_server(start_server, tmp_path_factory: pytest.TempPathFactory) -> str:
    data_dir = hostile_store.publish(tmp_path_factory.mktemp("hostile-browser"))
    return start_server(data_dir=str(data_dir)).url


def assert_not_pwned(page) -> None:
    assert page.evaluate("() => window.__pwned === undefined"), "a hostile label ran as script"
    assert page.locator("main img, main iframe, main b[onmouseover]").count() == 0


def test_entity_page_shows_the_label_as_text(hostile_server: str, browser_page, shoot):
    page = browser_page
    page.goto(hostile_server + "/id/organisation/evil")
    expect(page.locator("#entity-title")).to_have_text(hostile_store.EVIL_LABEL)
    expect(page.locator("#funding-flows")).to_contain_text(hostile_store.FUNDER_LABEL)
    expect(page.locator("#funding-flows blockquote").first).to_have_text(hostile_store.EVIL_QUOTE)
    expect(page.locator("#chart-funding")).to_have_attribute("data-rendered", "true")
    assert_not_pwned(page)
    shoot(page, "evil-page", full_page=True)


def test_autocomplete_writes_suggestions_as_text(hostile_server: str, browser_page, shoot):
    page = browser_page
    page.goto(hostile_server + "/")
    with page.expect_response(lambda r: "/api/suggest" in r.url and r.url.endswith("q=evil")):
        page.locator("#site-search-input").press_sequentially("evil", delay=40)
    labels = page.locator("#site-search-suggestions .suggestion-label")
    expect(labels.first).to_be_visible()
    texts = labels.all_inner_texts()
    assert hostile_store.EVIL_LABEL in texts
    assert page.locator("#site-search-suggestions script, #site-search-suggestions img").count() == 0
    assert_not_pwned(page)
    shoot(page, "evil-autocomplete")


def test_search_results_and_sankey_escape(hostile_server: str, browser_page, shoot):
    page = browser_page
    page.goto(hostile_server + "/search?q=evil")
    expect(page.locator("#search-results")).to_contain_text(hostile_store.EVIL_LABEL)
    assert_not_pwned(page)
    page.goto(hostile_server + "/flows?year=2023")
    expect(page.locator("#sankey")).to_have_attribute("data-rendered", "true")
    page.evaluate("""() => {
      const chart = echarts.getInstanceByDom(document.getElementById('sankey'));
      const links = chart.getOption().series[0].links;
      chart.trigger('click', {dataType: 'edge', data: links[0], seriesIndex: 0});
    }""")
    expect(page.locator("#edge-details h2")).to_contain_text(hostile_store.FUNDER_LABEL)
    expect(page.locator("#edge-details blockquote").first).to_have_text(hostile_store.EVIL_QUOTE)
    expect(page.locator("#flows-table")).to_contain_text(hostile_store.EVIL_LABEL)
    assert page.locator("#edge-details img, #edge-details b").count() == 0
    assert_not_pwned(page)
    shoot(page, "evil-sankey", full_page=True)
