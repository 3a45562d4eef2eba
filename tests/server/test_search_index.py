"""The in-memory search index: normalisation, edit distance, tiers and ranking."""

from __future__ import annotations

import pytest

from server.search_index import EXACT, FUZZY, PREFIX, WORDS, SearchIndex, damerau, kind_of, normalise

BASE = "https://fundinggraph.example.org/"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
QUOTE = "https://fundinggraph.example.org/def#quote"


@pytest.mark.parametrize(("text", "expected"), [
    ("Flanders' FOOD", "flanders food"),
    ("Flanders’ FOOD", "flanders food"),
    ("Kmo-portefeuille", "kmo portefeuille"),
    ("Coöperatieve  Vennootschap", "cooperatieve vennootschap"),
    ("Économie & Emploi", "economie emploi"),
    ("585.000,00 euro", "585 000 00 euro"),
    ("  ", ""),
])
def test_normalise(text: str, expected: str):
    assert normalise(text) == expected


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("dyzo", "dyzo", 0), ("dyzoo", "dyzo", 1), ("vlaoi", "vlaio", 1), ("flandres", "flanders", 1),
    ("portefeuile", "portefeuille", 1), ("kitten", "sitting", 3),
])
def test_damerau(a: str, b: str, distance: int):
    assert damerau(a, b, 5) == distance


def test_damerau_stops_beyond_the_limit():
    assert damerau("abcdefgh", "zzzzzzzz", 2) == 3


def test_kind_comes_from_the_iri():
    assert kind_of(BASE + "id/organisation/dyzo", BASE) == "organisation"
    assert kind_of("https://fundinggraph.example.org/def/theme/clusters", BASE) == "concept"
    assert kind_of("https://fundinggraph.example.org/def#Agency", BASE) == "term"
    assert kind_of("http://example.org/x", BASE) == "other"


@pytest.fixture(scope="module")
def small() -> SearchIndex:
    texts = [
        (BASE + "id/organisation/dyzo", "Dyzo", "nl", LABEL),
        (BASE + "id/organisation/microstart", "microStart Support", "nl", LABEL),
        (BASE + "id/organisation/microstart", "MicroStart", "", ALT),
        (BASE + "id/instrument/kmo-portefeuille", "Kmo-portefeuille", "nl", LABEL),
        (BASE + "id/instrument/kmo-portefeuille", "SME portfolio", "en", LABEL),
        (BASE + "id/organisation/flanders-food", "Flanders’ FOOD", "nl", LABEL),
        (BASE + "id/excerpt/doc/1-1-abc", "2023 Dyzo 585.000", "", QUOTE),
        (BASE + "id/excerpt/doc/2-2-abc", "Dyzo", "", QUOTE),
        (BASE + "id/funding-flow/x", "VLAIO → Dyzo: 585.000 euro", "nl", LABEL),
        (BASE + "id/organisation/vlaio", "Agentschap Innoveren en Ondernemen", "nl", LABEL),
        (BASE + "id/organisation/vlaio", "VLAIO", "", ALT),
    ]
    return SearchIndex.build(texts, BASE)


def first(index: SearchIndex, query: str) -> tuple[str, int]:
    hits = index.search(query)
    assert hits, query
    return hits[0].iri.rsplit("/", 1)[-1], hits[0].tier


@pytest.mark.parametrize(("query", "slug", "tier"), [
    ("Dyzo", "dyzo", EXACT),
    ("dyzo", "dyzo", EXACT),
    ("DYZO", "dyzo", EXACT),
    ("dyz", "dyzo", PREFIX),
    ("dyzoo", "dyzo", FUZZY),
    ("microstart", "microstart", EXACT),          # the alternative name "MicroStart"
    ("microstart support", "microstart", EXACT),
    ("kmo portefeuille", "kmo-portefeuille", EXACT),
    ("kmoportefeuille", "kmo-portefeuille", EXACT),
    ("kmo portefeuile", "kmo-portefeuille", FUZZY),
    ("sme", "kmo-portefeuille", PREFIX),
    ("flanders food", "flanders-food", EXACT),
    ("flandersfood", "flanders-food", EXACT),
    ("flandres food", "flanders-food", FUZZY),
    ("vlaoi", "vlaio", FUZZY),
    ("innoveren ondernemen", "vlaio", WORDS),
])
def test_typo_tolerant_matching_and_tiers(small: SearchIndex, query: str, slug: str, tier: int):
    assert first(small, query) == (slug, tier)


def test_organisations_rank_before_flows_and_excerpts(small: SearchIndex):
    kinds = [h.kind for h in small.search("dyzo")]
    assert kinds[0] == "organisation"
    assert kinds.index("funding-flow") < kinds.index("excerpt")
    assert kinds.count("excerpt") == 2


def test_one_hit_per_resource_with_its_best_text(small: SearchIndex):
    hits = small.search("vlaio")
    assert [h.iri for h in hits].count(BASE + "id/organisation/vlaio") == 1
    assert hits[0].text == "VLAIO"


def test_short_words_are_not_fuzzy(small: SearchIndex):
    assert small.search("dy") and not small.search("dx")


def test_kind_filter_and_empty_queries(small: SearchIndex):
    assert {h.kind for h in small.search("dyzo", kinds=["excerpt"])} == {"excerpt"}
    assert small.search("") == [] and small.search("!!!") == []
    assert small.kinds["organisation"] == 4
