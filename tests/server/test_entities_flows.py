"""The who-funds-whom view (/flows, /flows.json, /flows.csv) over real HTTP, checked against SPARQL."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal

import pytest
import requests

SUM_QUERY = """
SELECT ?year ?type (SUM(?amount) AS ?total) (COUNT(DISTINCT ?f) AS ?n) WHERE {
  ?f a fg:FundingFlow ; fg:amount ?amount ; fg:amountType ?type .
  FILTER NOT EXISTS { ?f a fg:StatedTotal }
  { ?f fg:year ?year } UNION { ?f fg:periodStart ?year FILTER NOT EXISTS { ?f fg:year ?y } }
} GROUP BY ?year ?type
"""


def flows_json(base: str, **params) -> dict:
    response = requests.get(base + "/flows.json", params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("year", "amount_type"), [("2023", "budgeted"), ("2022", "granted"), ("2023", "granted")])
def test_totals_match_an_independent_sparql_sum(live_server: str, sparql, year: str, amount_type: str):
    from pyoxigraph import Literal, NamedNode

    expected = sparql(SUM_QUERY, year=Literal(year, datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYear")),
                      type=NamedNode(f"https://fundinggraph.example.org/def/amount-type/{amount_type}"))[0]
    body = flows_json(live_server, year=year, amountType=amount_type)
    assert body["count"] == int(expected["n"]) > 0
    assert Decimal(body["total"]) == Decimal(expected["total"])
    assert all(f["year"] == year and f["amountType"]["iri"].endswith("/" + amount_type) for f in body["flows"])


def test_sankey_links_carry_their_flows_and_conserve_money(live_server: str):
    body = flows_json(live_server, year="2023", amountType="budgeted")
    nodes = {n["name"]: n for n in body["sankey"]["nodes"]}
    assert {n["column"] for n in nodes.values()} <= {0, 1, 2}
    total = Decimal(body["total"])
    # Money leaving funders equals money reaching recipients equals the table total.
    out_of_funders = sum(Decimal(str(link["value"])) for link in body["sankey"]["links"] if link["source"].startswith("f:"))
    into_recipients = sum(Decimal(str(link["value"])) for link in body["sankey"]["links"] if link["target"].startswith("r:"))
    assert abs(out_of_funders - total) < Decimal("0.01") and abs(into_recipients - total) < Decimal("0.01")
    for link in body["sankey"]["links"]:
        for index in link["flows"]:
            flow = body["flows"][index]
            ends = {"f:" + (flow["funder"] or {}).get("iri", "-"), "r:" + (flow["recipient"] or {}).get("iri", "-")}
            if flow["instrument"]:
                ends.add("i:" + flow["instrument"]["iri"])
            assert link["source"] in ends and link["target"] in ends
            assert flow["sources"], "every flow carries its quotes"


def test_theme_filter_keeps_flows_of_that_theme(live_server: str, sparql):
    themed = flows_json(live_server, theme="ondernemerschap", amountType="budgeted")
    assert themed["count"] > 0
    allowed = {row["i"] for row in sparql(
        "SELECT ?i WHERE { ?i fg:theme <https://fundinggraph.example.org/def/theme/ondernemerschap> }")}
    assert all(f["instrument"] and f["instrument"]["iri"] in allowed for f in themed["flows"])
    assert themed["count"] < flows_json(live_server, amountType="budgeted")["count"]


def test_csv_download_has_one_row_per_flow_with_sources(live_server: str):
    response = requests.get(live_server + "/flows.csv", params={"year": "2023", "amountType": "budgeted"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="flows-2023-all-themes-budgeted.csv"'
    rows = list(csv.DictReader(io.StringIO(response.text)))
    body = flows_json(live_server, year="2023", amountType="budgeted")
    assert len(rows) == body["count"]
    assert sum(Decimal(r["amount_eur"]) for r in rows) == Decimal(body["total"])
    dyzo = next(r for r in rows if r["recipient"] == "Dyzo")
    assert dyzo["amount_eur"] == "585000" and dyzo["year"] == "2023"
    assert "https://fundinggraph.example.org/id/document/schriftelijke-vraag-307-2023#L59" in dyzo["documents"]
    assert "585.000,00" in dyzo["quote"]


def test_html_view_has_the_chart_data_table_and_csv_link(live_server: str):
    page = requests.get(live_server + "/flows", params={"year": "2023", "amountType": "budgeted"},
                        headers={"Accept": "text/html"}, timeout=30).text
    data = json.loads(re.search(r'<script type="application/json" id="sankey-data">(.*?)</script>', page, re.S).group(1))
    assert data["links"] and data["nodes"] and data["flows"]
    assert 'id="flows-table"' in page and 'id="sankey"' in page
    assert 'href="/flows.csv?year=2023&amp;amountType=budgeted"' in page
    assert '<option value="2023" selected>' in page


def test_default_amount_type_is_granted(live_server: str):
    assert flows_json(live_server)["filters"]["amountType"] == "granted"


def test_a_year_without_flows_is_an_empty_view_not_an_error(live_server: str):
    assert flows_json(live_server, year="1999")["count"] == 0
    page = requests.get(live_server + "/flows", params={"year": "1999"}, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and 'id="flows-none"' in page.text


@pytest.mark.parametrize(("params", "word"), [
    ({"year": "20x3"}, "year"), ({"year": "23"}, "year"), ({"theme": "nope"}, "theme"),
    ({"theme": "../x"}, "theme"), ({"amountType": "lots"}, "amountType"), ({"format": "pdf"}, "format"),
])
def test_bad_filters_are_400_naming_the_parameter(live_server: str, params: dict, word: str):
    response = requests.get(live_server + "/flows", params=params, headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 400 and word in response.json()["error"]
