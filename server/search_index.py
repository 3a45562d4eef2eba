"""The search index: every label and quote of one data version, normalised, in memory.

A ``FILTER(CONTAINS(...))`` scan over all labels takes seconds at scale, and cannot forgive typos. The
graph has a few thousand labels, so each process builds a small index per data version instead:

* texts are normalised (NFKD, accents dropped, casefolded, punctuation to spaces: "Flanders' FOOD"
  -> "flanders food", "Kmo-portefeuille" -> "kmo portefeuille"), and also kept without spaces
  ("microstart support" -> "microstartsupport") so "kmoportefeuille" finds "Kmo-portefeuille";
* a token table maps each word to the entries containing it; a sorted token list answers prefixes;
* a trigram table proposes candidate words for a misspelt one, confirmed by an edit distance
  (Damerau-Levenshtein, 1 for words of 4-7 characters, 2 from 8, none for shorter words).

Every query word must match a word of the label (exactly, as a prefix, or fuzzily). Results are
ranked by match tier (exact > prefix > all words > fuzzy), then kind (organisations and instruments
before other entities, then facts), then shorter labels first; source excerpts (quotes) come after
every resource that matches by its words.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from fundinggraph.config import VOCAB_BASE

_NON_WORD = re.compile(r"[^0-9a-z]+")

#: Match tiers, best first.
EXACT, PREFIX, WORDS, FUZZY = 4, 3, 2, 1
TIER_NAMES = {EXACT: "exact", PREFIX: "prefix", WORDS: "words", FUZZY: "fuzzy"}

#: Ranking bonus per kind (the ``id/<kind>/`` segment of the IRI; ``concept``/``term`` for /def).
KIND_BONUS: dict[str, int] = {
    "organisation": 60, "instrument": 60,
    "person": 45, "group": 45, "budget-line": 45, "document": 45, "place": 40, "post": 40,
    "contract": 40, "concept": 35, "term": 30, "dataset": 30, "table": 30, "section": 30,
    "funding-flow": 20, "result": 15, "statement": 15, "condition": 15, "observation": 10,
    "total": 10,
    # Quotes are evidence, not things: an exact quote ranks below every resource matching by its words.
    "excerpt": -250,
}
DEFAULT_BONUS = 20


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Flanders' FOOD" -> "flanders food"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_NON_WORD.sub(" ", stripped).split())


def kind_of(iri: str, base_iri: str) -> str:
    """The kind of a resource from its IRI: ``<base>id/organisation/x`` -> ``organisation``."""
    if iri.startswith(base_iri + "id/"):
        return iri[len(base_iri) + 3:].split("/", 1)[0]
    if iri.startswith(VOCAB_BASE + "/"):
        return "concept"
    if iri.startswith(VOCAB_BASE):
        return "term"
    return "other"


def damerau(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment edit distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_typos(word: str) -> int:
    """How many edits a query word may be away from a label word."""
    if len(word) >= 8:
        return 2
    if len(word) >= 4:
        return 1
    return 0


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Entry:
    """One searchable text of one resource."""

    iri: str
    kind: str
    text: str
    lang: str
    predicate: str
    norm: str
    compact: str
    words: tuple[str, ...]


@dataclass
class Hit:
    """The best match of one resource."""

    iri: str
    kind: str
    text: str
    lang: str
    predicate: str
    tier: int
    score: float

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]


@dataclass
class SearchIndex:
    """Normalised texts of one data version with word, prefix and trigram lookups."""

    entries: list[Entry] = field(default_factory=list)
    by_word: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    sorted_words: list[str] = field(default_factory=list)
    by_trigram: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    kinds: dict[str, int] = field(default_factory=dict)

    @classmethod
    def build(cls, texts: Iterable[tuple[str, str, str, str]], base_iri: str) -> SearchIndex:
        """Index ``(iri, text, language, predicate)`` tuples."""
        index = cls()
        seen: set[tuple[str, str]] = set()
        kind_sets: dict[str, set[str]] = defaultdict(set)
        for iri, text, lang, predicate in texts:
            norm = normalise(text)
            if not norm or (iri, norm) in seen:
                continue
            seen.add((iri, norm))
            kind = kind_of(iri, base_iri)
            words = tuple(norm.split())
            entry = Entry(iri, kind, text, lang, predicate, norm, norm.replace(" ", ""), words)
            position = len(index.entries)
            index.entries.append(entry)
            kind_sets[kind].add(iri)
            for word in set(words):
                index.by_word[word].add(position)
        index.sorted_words = sorted(index.by_word)
        for word in index.sorted_words:
            for gram in trigrams(word):
                index.by_trigram[gram].add(word)
        index.kinds = {kind: len(iris) for kind, iris in sorted(kind_sets.items())}
        return index

    # -- word matching ----------------------------------------------------------------------------
    def _prefixed(self, word: str) -> list[str]:
        start = bisect.bisect_left(self.sorted_words, word)
        out = []
        for candidate in self.sorted_words[start:]:
            if not candidate.startswith(word):
                break
            out.append(candidate)
        return out

    def _fuzzy(self, word: str) -> list[str]:
        limit = allowed_typos(word)
        if limit == 0:
            return []
        grams = trigrams(word)
        counts: dict[str, int] = defaultdict(int)
        for gram in grams:
            for candidate in self.by_trigram.get(gram, ()):
                counts[candidate] += 1
        # Each edit destroys at most three trigrams: fewer shared ones cannot be within the limit.
        needed = max(1, len(grams) - 3 * limit)
        return [c for c, n in counts.items() if n >= needed and damerau(word, c, limit) <= limit]

    def _word_matches(self, word: str, last: bool) -> dict[int, int]:
        """Entry position -> best quality (3 exact, 2 prefix, 1 fuzzy) for one query word."""
        found: dict[int, int] = {}
        for position in self.by_word.get(word, ()):
            found[position] = 3
        # Prefixes: always for the word being typed (the last one); for others when long enough.
        if last or len(word) >= 4:
            for candidate in self._prefixed(word):
                for position in self.by_word[candidate]:
                    found.setdefault(position, 2)
        for candidate in self._fuzzy(word):
            for position in self.by_word[candidate]:
                found.setdefault(position, 1)
        return found

    # -- queries -----------------------------------------------------------------------------------
    def search(self, query: str, kinds: Iterable[str] | None = None) -> list[Hit]:
        """Every resource matching ``query``, best first (one hit per resource)."""
        norm = normalise(query)
        if not norm:
            return []
        words = norm.split()
        compact = norm.replace(" ", "")
        wanted = set(kinds or ()) or None
        matched: dict[int, int] | None = None
        for i, word in enumerate(words):
            found = self._word_matches(word, last=i == len(words) - 1)
            if matched is None:
                matched = found
            else:
                matched = {p: min(q, found[p]) for p, q in matched.items() if p in found}
            if not matched:
                break
        candidates = dict(matched or {})
        # A query typed without spaces ("kmoportefeuille", "flandersfood") matches the compact form.
        if len(compact) >= 4:
            for position in self._compact_candidates(compact):
                candidates[position] = max(candidates.get(position, 0), 3)
        best: dict[str, Hit] = {}
        for position, quality in candidates.items():
            entry = self.entries[position]
            if wanted and entry.kind not in wanted:
                continue
            if entry.norm == norm or entry.compact == compact:
                tier = EXACT
            elif entry.norm.startswith(norm) or (len(compact) >= 3 and entry.compact.startswith(compact)):
                tier = PREFIX
            elif quality >= 2:
                tier = WORDS
            else:
                tier = FUZZY
            score = tier * 100 + KIND_BONUS.get(entry.kind, DEFAULT_BONUS) - min(len(entry.norm), 200) / 20
            if tier <= WORDS:
                # Among word matches, labels with fewer other words fit better ("VLAIO" before "VLAIO Netwerk").
                score += 10 * min(1.0, len(words) / len(entry.words))
            if entry.predicate.endswith("altLabel"):
                score -= 1  # a name as written elsewhere ranks just below the preferred name
            hit = best.get(entry.iri)
            if hit is None or score > hit.score:
                best[entry.iri] = Hit(entry.iri, entry.kind, entry.text, entry.lang, entry.predicate, tier, score)
        return sorted(best.values(), key=lambda h: (-h.score, h.text.casefold(), h.iri))

    def _compact_candidates(self, compact: str) -> list[int]:
        # Compact forms are matched by the first word's prefix (the label must start with the same letters).
        head = compact[:3]
        out = []
        for candidate in self._prefixed(head):
            for position in self.by_word[candidate]:
                if self.entries[position].compact.startswith(compact):
                    out.append(position)
        return out
