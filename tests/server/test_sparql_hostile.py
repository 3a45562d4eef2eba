"""Hostile SPARQL: very deep nesting and a 10 MB query are refused with a reason, and nothing changes."""

from __future__ import annotations

import pytest
import requests

from server.sparql_policy import TooDeep, check_depth

DYZO_2023 = """SELECT ?amount WHERE { ?f a fg:FundingFlow ; fg:recipient <id/organisation/dyzo> ;
  fg:year "2023"^^xsd:gYear ; fg:amount ?amount }"""


def nested(depth: int) -> str:
    return "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth


def post(url: str, text: str) -> requests.Response:
    return requests.post(url + "/sparql", data=text.encode("utf-8"), timeout=60,
                         headers={"Content-Type": "application/sparql-query", "Accept": "application/json"})


def facts(url: str) -> tuple[int, list[str]]:
    triples = requests.get(url + "/healthz", timeout=10).json()["triples"]
    rows = post(url, DYZO_2023).json()["results"]["bindings"]
    return triples, sorted(r["amount"]["value"] for r in rows)


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_deeply_nested_groups_are_a_400_naming_the_limit(live_server: str, depth: int):
    before = facts(live_server)
    response = post(live_server, nested(depth))
    assert response.status_code == 400
    assert "max_query_depth" in response.json()["error"] and response.json()["line"] == 1
    assert facts(live_server) == before and "585000" in before[1]


def test_nesting_within_the_limit_still_runs(live_server: str):
    response = post(live_server, nested(200))
    assert response.status_code == 200 and response.json()["results"]["bindings"]


def test_a_10_mb_query_is_a_413_and_nothing_changes(live_server: str):
    before = facts(live_server)
    response = post(live_server, "SELECT * WHERE { ?s ?p ?o } #" + "x" * (10 * 1024 * 1024))
    assert response.status_code == 413 and "max_request_bytes" in response.json()["error"]
    assert facts(live_server) == before


def test_an_empty_query_is_a_400(live_server: str):
    response = post(live_server, "")
    assert response.status_code == 400 and response.json()["ok"] is False


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ('SELECT * WHERE { ?s ?p "{{{{{{" }', 1),  # braces in a string do not count
        ("SELECT * WHERE { ?s ?p ?o } # {{{{{{", 1),  # nor in a comment
        ('SELECT * WHERE { { ?s ?p """a\n{{{{""" } }', 2),
        ("SELECT * WHERE { ?s ?p ?o FILTER((?o < 3) && (?o > (1))) }", 4),  # "<" as less-than
        ("SELECT * WHERE { [ ?p [ ?q ?o ] ] }", 3),
    ],
)
def test_depth_ignores_strings_and_comments(text: str, depth: int):
    assert check_depth(text, 256) == depth


def test_depth_beyond_the_limit_names_the_position():
    with pytest.raises(TooDeep) as caught:
        check_depth("SELECT * WHERE {\n" + "{" * 20, 10)
    assert (caught.value.line, caught.value.column) == (2, 10)
