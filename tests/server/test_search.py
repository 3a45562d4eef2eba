"""Search and autocomplete over real HTTP, on the real graph."""

from __future__ import annotations

import re

import pytest
import requests

BASE = "https://fundinggraph.example.org/"


def suggest(base: str, q: str, **params) -> list[dict]:
    response = requests.get(base + "/api/suggest", params={"q": q, **params}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def search_json(base: str, **params) -> dict:
    response = requests.get(base + "/search", params=params, headers={"Accept": "application/json"}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize(("query", "iri"), [
    ("Dyzo", "id/organisation/dyzo"),
    ("dyzo", "id/organisation/dyzo"),
    ("microstart", "id/organisation/microstart"),
    ("kmo portefeuille", "id/instrument/kmo-portefeuille"),
    ("kmo-portefeuile", "id/instrument/kmo-portefeuille"),
    ("flanders food", "id/organisation/flanders-food"),
    ("Flanders' Food", "id/organisation/flanders-food"),
    ("vlaoi", "id/organisation/vlaio"),
    ("agentschap innoveren en ondernemen", "id/organisation/vlaio"),
    ("SME portfolio", "id/instrument/kmo-portefeuille"),
])
def test_the_autocomplete_finds_the_thing_first(live_server: str, query: str, iri: str):
    found = suggest(live_server, query)
    assert found[0]["iri"] == BASE + iri, [s["label"] for s in found]
    assert found[0]["page"] == "/" + iri


def test_microstart_support_is_found_by_its_name(live_server: str):
    labels = [s["label"] for s in suggest(live_server, "microstart", limit=10)]
    assert any("microStart" in label or "MicroStart" in label for label in labels)


def test_suggestions_skip_quotes_unless_asked(live_server: str):
    assert all(s["kind"] != "excerpt" for s in suggest(live_server, "dyzo", limit=50))
    quotes = suggest(live_server, "dyzo", kind="excerpt")
    assert quotes and all(s["kind"] == "excerpt" for s in quotes)
    assert quotes[0]["source"]["page"].startswith("/id/document/")


def test_suggestion_labels_follow_the_language(live_server: str):
    english = requests.get(live_server + "/api/suggest", params={"q": "kmo portefeuille", "lang": "en"}, timeout=10)
    assert english.json()["suggestions"][0]["label"] == "SME portfolio"
    assert "Accept-Language" in english.headers["Vary"]


def test_search_ranks_organisations_and_instruments_before_excerpts(live_server: str):
    body = search_json(live_server, q="dyzo")
    kinds = [r["kind"] for r in body["results"]]
    assert kinds[0] == "organisation"
    first_excerpt = kinds.index("excerpt")
    assert all(k != "excerpt" for k in kinds[:first_excerpt])
    assert "funding-flow" in kinds[:first_excerpt]
    assert body["facets"]["excerpt"] >= 4


def test_search_pages_and_filters_by_kind(live_server: str):
    everything = search_json(live_server, q="kmo")
    assert everything["total"] > 20
    first = search_json(live_server, q="kmo", page=1)["results"]
    second = search_json(live_server, q="kmo", page=2)["results"]
    assert len(first) == 20 and second and not {r["iri"] for r in first} & {r["iri"] for r in second}
    instruments = search_json(live_server, q="kmo", kind="instrument")
    assert instruments["total"] == everything["facets"]["instrument"] > 1
    assert {r["kind"] for r in instruments["results"]} == {"instrument"}
    several = search_json(live_server, q="kmo", kind=["instrument", "organisation"])
    assert several["total"] == everything["facets"]["instrument"] + everything["facets"].get("organisation", 0)
    assert {r["kind"] for r in several["results"]} <= {"instrument", "organisation"}


def test_search_page_in_html(live_server: str):
    page = requests.get(live_server + "/search", params={"q": "kmo portefeuille"}, headers={"Accept": "text/html"},
                        timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    first = re.search(r'<a href="([^"]+)" class="result-link">', page.text).group(1)
    assert first == "/id/instrument/kmo-portefeuille"
    assert 'value="kmo portefeuille"' in page.text
    empty = requests.get(live_server + "/search", params={"q": "qqqqzzzz"}, headers={"Accept": "text/html"}, timeout=10)
    assert empty.status_code == 200 and 'id="search-summary"' in empty.text


def test_empty_queries_are_not_errors(live_server: str):
    assert suggest(live_server, "") == []
    assert search_json(live_server, q="")["total"] == 0


@pytest.mark.parametrize(("params", "word"), [
    ({"q": "x", "kind": "spaceship"}, "kind"),
    ({"q": "x", "page": "0"}, "page"),
    ({"q": "x", "page": "two"}, "page"),
    ({"q": "x" * 201}, "q"),
    ({"q": "x", "format": "xml"}, "format"),
])
def test_bad_search_parameters_are_400_naming_the_parameter(live_server: str, params: dict, word: str):
    response = requests.get(live_server + "/search", params=params, headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 400 and word in response.json()["error"]


@pytest.mark.parametrize("params", [{"q": "x", "limit": "0"}, {"q": "x", "limit": "51"}, {"q": "x", "kind": "nope"}])
def test_bad_suggest_parameters_are_400(live_server: str, params: dict):
    response = requests.get(live_server + "/api/suggest", params=params, timeout=10)
    assert response.status_code == 400


def test_the_api_is_open_to_other_origins(live_server: str):
    response = requests.get(live_server + "/api/suggest", params={"q": "dyzo"}, headers={"Origin": "https://x.example"},
                            timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["X-Data-Version"]


def test_counts_of_a_very_common_word_say_at_least(client, monkeypatch):
    import server.search_index as module

    monkeypatch.setattr(module, "COUNT_CAP", 5)  # the real graph has no word common enough for the real cap
    body = client.get("/search?q=Kmo&format=json").get_json()
    assert body["exact"] is False and body["atLeast"]
    assert all(body["facets"][k] >= 1 for k in body["atLeast"])
    page = client.get("/search?q=Kmo+", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "minstens" in page or "at least" in page
    kind = body["atLeast"][0]
    assert f"({body['facets'][kind]}+)" in page
    monkeypatch.undo()
    exact = client.get("/search?q=DYZO&format=json").get_json()
    assert exact["exact"] is True and exact["atLeast"] == []
