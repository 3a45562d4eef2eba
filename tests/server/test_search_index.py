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


# -- the index file at scale: bounded reads give the same answers as scoring every text -------------------------

WORDS_NL = ("Klimaat", "Energie", "Haven", "Zorg", "Chemie", "Water", "Bouw", "Media", "Centrum", "Klimaatsteun")
SUFFIXES = ("vzw", "nv", "bv", "Vlaanderen", "Centrum", "Netwerk")
PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"


def corpus(size: int = 2500) -> list[tuple[str, str, str, str]]:
    """Synthetic labels and quotes shaped like the benchmark graph's (many near-ties of score)."""
    import random

    rng = random.Random(20240429)
    out = []
    names = []
    for i in range(size):
        word, suffix = rng.choice(WORDS_NL), rng.choice(SUFFIXES)
        name = f"{word} {suffix} {i}"
        names.append(name)
        org = BASE + f"id/organisation/o{i}"
        out += [(org, name, "nl", PREF), (org, name, "nl", LABEL), (org, f"{word}-{suffix} {i}", "en", LABEL)]
        if i % 3 == 0:
            out.append((org, f"{word[:3].upper()}{i}", "", ALT))
        if i % 5 == 0:
            out.append((BASE + f"id/instrument/i{i}", f"{word}steun {i}", "nl", LABEL))
    for n in range(size * 2):
        funder, recipient = rng.choice(names[:40]), rng.choice(names)
        amount = f"{rng.randrange(1000, 5_000_000):,}".replace(",", ".")
        year = rng.choice((2021, 2022, 2023))
        out.append((BASE + f"id/funding-flow/f{n}", f"{funder} → {recipient}: {amount} euro ({year}, betaald)", "nl",
                    LABEL))
        out.append((BASE + f"id/excerpt/doc/{n}-{n}-x", f"{recipient}: {amount} euro", "", QUOTE))
    return out


def reference(texts: list[tuple[str, str, str, str]], query: str, kinds: set[str] | None = None
              ) -> dict[str, float]:
    """Best score per resource, by scoring every text straight from the rules (no index)."""
    from server.search_index import KIND_BONUS, allowed_typos

    norm = normalise(query)
    words = norm.split()
    compact = norm.replace(" ", "")
    vocabulary = {w for _, text, _, _ in texts for w in normalise(text).split()}
    good, fuzzy = [], []
    for i, word in enumerate(words):
        prefix_ok = i == len(words) - 1 or len(word) >= 4
        good.append({v for v in vocabulary if v == word or (prefix_ok and v.startswith(word))})
        limit = allowed_typos(word)
        fuzzy.append({v for v in vocabulary if limit and damerau(word, v, limit) <= limit})
    best: dict[str, float] = {}
    for iri, text, _, predicate in texts:
        kind = kind_of(iri, BASE)
        if kinds and kind not in kinds:
            continue
        tnorm = normalise(text)
        twords = set(tnorm.split())
        tcompact = tnorm.replace(" ", "")
        by_words = all(twords & (g | f) for g, f in zip(good, fuzzy, strict=True))
        by_compact = len(compact) >= 4 and tcompact.startswith(compact)
        if not (by_words or by_compact):
            continue
        if tcompact == compact:
            tier = EXACT
        elif tnorm.startswith(norm) or (len(compact) >= 3 and tcompact.startswith(compact)):
            tier = PREFIX
        elif all(twords & g for g in good):
            tier = WORDS
        else:
            tier = FUZZY
        score = tier * 100 + KIND_BONUS.get(kind, 20) - min(len(tnorm), 200) / 20
        if predicate.endswith("altLabel"):
            score -= 1
        if tier <= WORDS:
            n = tnorm.count(" ") + 1
            score += 10 * min(len(words), n) / n
        best[iri] = max(best.get(iri, score), score)
    return best


@pytest.fixture(scope="module")
def big() -> tuple[SearchIndex, list[tuple[str, str, str, str]]]:
    texts = corpus()
    return SearchIndex.build(texts, BASE), texts


QUERIES = ["klimaat", "klimat", "klim", "k", "klimaat centrum", "centrum", "1136", "113", "euro", "klimaatcentrum",
           "steun", "vzw 12", "zorg", "2022", "energie netwerk 1", "betaald", "klimaatvzw"]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("kinds", [None, ["excerpt"], ["organisation", "instrument"]])
def test_bounded_reads_rank_like_scoring_every_text(big, monkeypatch: pytest.MonkeyPatch, query: str, kinds):
    import server.search_index as module

    index, texts = big
    # Two candidates per source at first: every query needs several rounds of reading more.
    monkeypatch.setattr(module, "FIRST_CANDIDATES", 2)
    monkeypatch.setattr(module, "COUNT_CAP", 10**9)
    expected = reference(texts, query, set(kinds) if kinds else None)
    ranked = sorted(expected.values(), reverse=True)
    for page in (1, 2, 5):
        got = index.page(query, kinds, (page - 1) * 20, 20)
        assert got.exact
        assert got.total == len(expected)
        want = ranked[(page - 1) * 20: page * 20]
        assert [round(h.score, 9) for h in got.hits] == [round(s, 9) for s in want], (query, page)
        assert all(round(expected[h.iri], 9) == round(h.score, 9) for h in got.hits)
    if kinds is None:  # facets count every kind, whatever the filter
        facets: dict[str, int] = {}
        for iri in expected:
            facets[kind_of(iri, BASE)] = facets.get(kind_of(iri, BASE), 0) + 1
        assert index.page(query, ["excerpt"], 0, 1).facets == facets


def test_counts_past_the_cap_are_lower_bounds(big, monkeypatch: pytest.MonkeyPatch):
    import server.search_index as module

    index, texts = big
    monkeypatch.setattr(module, "COUNT_CAP", 100)
    expected = reference(texts, "euro")
    got = index.page("euro", None, 0, 20)
    assert not got.exact
    truth: dict[str, int] = {}
    for iri in expected:
        truth[kind_of(iri, BASE)] = truth.get(kind_of(iri, BASE), 0) + 1
    assert 100 <= got.total < len(expected)
    assert all(0 < got.facets[k] <= n for k, n in truth.items())
    assert got.at_least and all(got.facets[k] < truth[k] for k in got.at_least)
    assert all(got.facets[k] == n for k, n in truth.items() if k not in got.at_least)
    # The hits themselves are still the best ones.
    assert [round(h.score, 9) for h in got.hits] == [round(s, 9) for s in sorted(expected.values(), reverse=True)[:20]]


def test_labels_keep_every_text_of_a_resource(big):
    index, _ = big
    labels = index.labels([BASE + "id/organisation/o3", BASE + "id/organisation/nobody"])
    assert set(labels) == {BASE + "id/organisation/o3"}
    predicates = [p for _, _, p in labels[BASE + "id/organisation/o3"]]
    assert predicates.count(LABEL) == 2 and PREF in predicates and ALT in predicates


def test_a_kind_this_version_lacks_selects_nothing(small: SearchIndex):
    assert small.page("dyzo", ["person"]).hits == [] and small.page("dyzo", ["person"]).total == 0


def test_typo_candidates_are_every_indexed_word_within_the_distance():
    import itertools

    base = ["portefeuille", "ondernemen", "innoveren", "agentschap", "1136", "klimaat", "vlaio"]
    variants = set(base)
    for word in base:  # every word one or two edits (transpositions included) away, and some further
        swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)}
        variants |= swaps | {s[:i] + s[i + 1] + s[i] + s[i + 2:] for s in swaps for i in range(len(s) - 1)}
        variants |= {word[:i] + word[i + 1:] for i in range(len(word))}
        variants |= {word[:i] + "x" + word[i + 1:] for i in range(len(word))}
        variants |= {"".join(p) for p in itertools.islice(itertools.permutations(word[:6]), 40)}
    texts = [(BASE + f"id/organisation/v{n}", v, "", LABEL) for n, v in enumerate(sorted(variants))]
    index = SearchIndex.build(texts, BASE)
    from server.search_index import allowed_typos

    for query in [*base, "portefeulile", "otrpefeuille", "agnetschpa", "inovreen"]:
        limit = allowed_typos(query)
        expected = {v for v in variants if v != query and damerau(query, v, limit) <= limit} if limit else set()
        assert set(index._fuzzy(query)) == expected, query
