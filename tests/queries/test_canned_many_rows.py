"""Canned pages on a store with many rows (a synthetic graph): one page of rows, paging links, a bounded chart.

The synthetic graph (``fundinggraph/bench/synth.py`` at 100,000 triples) has about 900 organisations and
5,600 flows: who-funds-whom without a year gives about 930 rows, its sankey about 900 funder/recipient
pairs, and the organisation fields have too many entries for a drop-down list.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from fundinggraph import config
from fundinggraph.bench.synth import generate
from fundinggraph.store import EmbeddedStores
from server.canned_output import MAX_SANKEY_LINKS
from server.queries import MAX_OPTIONS

HTML = {"Accept": "text/html"}
PAGE_SIZE = 100


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[str, object]:
    """A data directory with a synthetic graph of 100,000 triples published, and its probe."""
    root = tmp_path_factory.mktemp("synthetic")
    probe = generate(root / "synth.nq", 100_000)
    settings = config.from_env(environ={}, data_dir=str(root / "data"))
    stores = EmbeddedStores(settings)
    with stores.lock(wait=True):
        stores.publish((root / "synth.nq").read_bytes())
    return str(settings.data_dir), probe


@pytest.fixture(scope="module")
def site(synthetic, start_server) -> str:
    return start_server(data_dir=synthetic[0]).url


def get(url: str, **params) -> requests.Response:
    response = requests.get(url, params=params, headers=HTML, timeout=120)
    assert response.status_code == 200, response.text[:500]
    return response


def rows_of(html: str) -> list[str]:
    body = html.split('<table class="query-table">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body.split("<tbody>", 1)[1], re.S)


def pager_links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="pager".*?</nav>', html, re.S)
    assert nav, "no pager"
    return {rel: href.replace("&amp;", "&") for rel, href in re.findall(r'<a rel="(\w+)" href="([^"]+)"', nav.group(0))}


def everything(site: str, **params) -> list[dict[str, str]]:
    text = requests.get(site + "/queries/who-funds-whom.csv", params={**params, "_size": "max"}, timeout=120).text
    return list(csv.DictReader(io.StringIO(text)))


def test_a_page_shows_one_page_of_rows_with_the_total_and_first_prev_next_last(site):
    full = everything(site)
    total = len(full)
    pages = -(-total // PAGE_SIZE)
    assert total > 5 * PAGE_SIZE, "the synthetic graph should give several pages"

    first = get(site + "/queries/who-funds-whom").text
    assert len(rows_of(first)) == PAGE_SIZE
    assert f'data-total="{total}"' in first and f"1–{PAGE_SIZE} van {total}" in first
    links = pager_links(first)
    assert set(links) == {"next", "last"}
    assert parse_qs(urlsplit(links["last"]).query)["_page"] == [str(pages)]

    middle = get(site + links["next"]).text
    assert set(pager_links(middle)) == {"first", "prev", "next", "last"}
    assert "_page" not in parse_qs(urlsplit(pager_links(middle)["first"]).query)
    assert rows_of(middle) != rows_of(first)

    last = get(site + links["last"]).text
    assert set(pager_links(last)) == {"first", "prev"}
    assert len(rows_of(last)) == total - PAGE_SIZE * (pages - 1)
    assert f"{PAGE_SIZE * (pages - 1) + 1}–{total} van {total}" in last


def test_pages_of_the_api_put_together_are_the_whole_result(site):
    full = requests.get(site + "/queries/who-funds-whom.json", params={"_size": "max"}, timeout=120).json()
    assert full["total"] == len(full["rows"]) and not full["truncated"]
    pages, url, seen = [], site + "/queries/who-funds-whom.json", 0
    while url:
        body = requests.get(url, timeout=120).json()
        assert body["total"] == full["total"] and body["pages"] == -(-full["total"] // PAGE_SIZE)
        pages.extend(body["rows"])
        seen += 1
        url = site + body["next"] if body["next"] else None
    assert seen == -(-full["total"] // PAGE_SIZE)
    assert pages == full["rows"]


def test_the_sankey_draws_the_largest_links_not_one_per_row(site):
    html = get(site + "/queries/who-funds-whom").text
    chart = json.loads(re.search(r'<script type="application/json" id="query-chart-data">(.*?)</script>',
                                 html, re.S).group(1))
    sums: dict[tuple[str, str], float] = defaultdict(float)
    for row in everything(site):
        sums[(row["funderLabel"], row["recipientLabel"])] += float(row["total"])
    assert chart["type"] == "sankey" and len(sums) > MAX_SANKEY_LINKS
    assert 0 < len(chart["links"]) <= MAX_SANKEY_LINKS and chart["total"] == len(sums)
    cut = sorted(sums.values(), reverse=True)[MAX_SANKEY_LINKS]
    for link in chart["links"]:
        assert link["value"] == pytest.approx(sums[(link["source"], link["target"])])
        assert link["value"] >= cut
    names = [node["name"] for node in chart["nodes"]]
    assert len(names) == len(set(names)) and not any(name.startswith("http") for name in names)
    assert 'id="chart-note"' in html and f"van {len(sums)} stromen" in html


def test_a_field_with_too_many_entities_is_a_text_field_that_takes_an_id(site, synthetic):
    probe = synthetic[1]
    page = get(site + "/queries/who-funds-whom").text
    assert re.search(r'<input id="param-funder" name="funder" type="text"', page)
    assert page.count("<option") < MAX_OPTIONS  # the instruments (40) are still a list
    assert re.search(r'<select id="param-instrument"', page)

    slug = probe.pair_funder.rsplit("/", 1)[1]
    for given in (slug, "/id/organisation/" + slug, probe.pair_funder):
        body = requests.get(site + "/queries/who-funds-whom.json", params={"funder": given, "year": str(probe.year),
                            "_size": "max"}, timeout=120).json()
        assert body["rows"] and {row["funder"] for row in body["rows"]} == {probe.pair_funder}, given
    shown = get(site + "/queries/who-funds-whom", funder=slug).text
    assert re.search(rf'<input id="param-funder" name="funder" type="text" value="{slug}"', shown)
    wrong = requests.get(site + "/queries/who-funds-whom.json", params={"funder": "synth-nobody"}, timeout=60)
    assert wrong.status_code == 400 and "parameter funder" in wrong.json()["error"]


def test_a_result_past_max_rows_is_cut_and_says_so(synthetic, start_server):
    site = start_server({"FUNDINGGRAPH_MAX_ROWS": "250"}, data_dir=synthetic[0]).url
    body = requests.get(site + "/queries/who-funds-whom.json", params={"_size": "max"}, timeout=120)
    assert body.headers["X-Result-Truncated"] == "true"
    assert body.json()["truncated"] and body.json()["total"] == 250 and len(body.json()["rows"]) == 250
    assert len(everything(site)) == 250
    page = get(site + "/queries/who-funds-whom").text
    assert "max_rows" in page and len(rows_of(page)) == PAGE_SIZE
