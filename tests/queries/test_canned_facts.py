"""Known facts of the sources, asked through the canned-query API of a real server."""

from __future__ import annotations

import requests


def ask(live_server: str, name: str, **params) -> dict:
    response = requests.get(f"{live_server}/queries/{name}.json", params={"_size": "max", **params}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_dyzo_received_585000_from_vlaio_in_2022_and_2023_per_two_answers(live_server):
    body = ask(live_server, "who-funds-whom", funder="vlaio", recipient="dyzo")
    rows = body["rows"]
    assert [(r["year"], r["total"], r["funderLabel"], r["recipientLabel"]) for r in rows] == [
        ("2022", 585000, "Agentschap Innoveren en Ondernemen", "Dyzo"),
        ("2023", 585000, "Agentschap Innoveren en Ondernemen", "Dyzo"),
    ]
    documents = {r["document"].rsplit("/", 1)[-1] for r in rows}
    assert documents == {"schriftelijke-vraag-307-2023", "schriftelijke-vraag-407-2024"}
    assert "585.000,00 euro" in rows[0]["quotes"] and "2023 Dyzo 585.000" in rows[1]["quotes"]


def test_the_same_flows_by_iri_by_path_and_by_name(live_server):
    base = ask(live_server, "who-funds-whom", recipient="dyzo")["parameters"]["recipient"]
    for spelling in (base, "/id/organisation/dyzo", "Dyzo", "DYZO"):
        assert ask(live_server, "who-funds-whom", recipient=spelling)["parameters"]["recipient"] == base


def test_vlaio_granted_4035000_in_2023_as_the_answer_states_and_the_total_is_not_counted(live_server):
    years = {r["year"]: r for r in ask(live_server, "organisation-over-years", organisation="vlaio")["rows"]}
    assert years["2023"]["granted"] == 4035000 and years["2023"]["flows"] == 6
    totals = ask(live_server, "stated-totals", reconciles="true", document="schriftelijke-vraag-407-2024")["rows"]
    stated = {r["stated"]: r for r in totals}
    assert stated[4035000]["computed"] == 4035000 and stated[4035000]["parts"] == 6
    assert stated[4035000]["quote"] == "4.035.000"


def test_kmo_portefeuille_has_ten_tabel_8_phases_in_order(live_server):
    rows = ask(live_server, "budget-line-phases", line="kmo-portefeuille")["rows"]
    assert [r["column"] for r in rows] == ["2018BA", "2019BO", "2019BA", "2020BO", "2020BA", "2021BO", "2021BA",
                                           "2022BO", "2022BA", "2023BO"]
    assert rows[0]["amount"] == 53000000 and rows[0]["asWritten"] == "53,00"
    assert rows[-1]["amount"] == 40000000


def test_the_instrument_filter_keeps_only_that_instrument(live_server):
    every = ask(live_server, "who-funds-whom")["rows"]
    some = ask(live_server, "who-funds-whom", instrument="werkingssubsidies-structurele-partners")["rows"]
    assert 0 < len(some) < len(every)
    assert {r["flowInstrument"].rsplit("/", 1)[-1] for r in some} == {"werkingssubsidies-structurele-partners"}
    assert any(r["flowInstrument"] is None for r in every)  # flows without an instrument stay in unfiltered


def test_largest_change_from_2022ba_to_2023bo_is_carbon_leakage(live_server):
    top = ask(live_server, "largest-changes")["rows"][0]
    assert top["from"] == "2022BA" and top["to"] == "2023BO"
    assert "carbon leakage" in top["lineLabel"] and top["change"] == 91650000


def test_sources_mentioning_dyzo_are_the_two_answers(live_server):
    rows = ask(live_server, "sources-mentioning", entity="dyzo")["rows"]
    assert {(r["document"].rsplit("/", 1)[-1], r["startLine"]) for r in rows} == {
        ("schriftelijke-vraag-307-2023", 11), ("schriftelijke-vraag-307-2023", 59),
        ("schriftelijke-vraag-407-2024", 17), ("schriftelijke-vraag-407-2024", 43)}
    assert {r["context"] for r in rows} >= {"- Dyzo: 585.000,00 euro", "2023 Dyzo 585.000"}


def test_cluster_support_of_catalisti_per_year(live_server):
    rows = ask(live_server, "cluster-project-support", cluster="catalisti")["rows"]
    assert [r["year"] for r in rows] == ["2017", "2018", "2019", "2020", "2021", "2022"]
    assert rows[-1]["amount"] == 7500000 and rows[-1]["projects"] == 4


def test_quote_search_finds_the_amount_as_written(live_server):
    rows = ask(live_server, "quote-search", text="585.000")["rows"]
    assert any("Dyzo" in r["quote"] for r in rows)


def test_an_injection_attempt_is_only_a_string(live_server):
    before = requests.get(live_server + "/healthz", timeout=10).json()["triples"]
    rows = ask(live_server, "quote-search", text='"} ; DROP ALL ; {')["rows"]
    assert rows == []
    bad = requests.get(live_server + "/queries/who-funds-whom.json", params={"funder": '"} ; DROP ALL ; {'}, timeout=10)
    assert bad.status_code == 400 and "funder" in bad.json()["error"]
    assert requests.get(live_server + "/healthz", timeout=10).json()["triples"] == before


def test_document_figures_list_the_407_answer_in_line_order(live_server):
    rows = ask(live_server, "document-figures", document="schriftelijke-vraag-407-2024")["rows"]
    lines = [r["line"] for r in rows]
    assert lines == sorted(lines) and lines[0] == 42
    assert any(r["amount"] == 4035000 and r["kind"].endswith("#StatedTotal") for r in rows)
