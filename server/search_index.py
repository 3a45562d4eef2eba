"""The search index: every label and quote of one data version, normalised, in one SQLite file.

Matching (unchanged since the in-memory index this replaces):

* texts are normalised (NFKD, accents dropped, casefolded, punctuation to spaces: "Flanders' FOOD"
  -> "flanders food", "Kmo-portefeuille" -> "kmo portefeuille"), and also compared without spaces
  ("microstart support" -> "microstartsupport") so "kmoportefeuille" finds "Kmo-portefeuille";
* every query word must match a word of the text: exactly, as a prefix (the last word always, others
  from 4 letters), or fuzzily: within an edit distance (Damerau-Levenshtein, 1 for words of 4-7
  characters, 2 from 8, none for shorter) of an indexed word; the words one edit away are looked up
  directly, for two edits trigrams propose candidates that the edit distance confirms.

Results are ranked by match tier (exact > prefix > all words > fuzzy), then kind (organisations and
instruments before other entities, then facts), then shorter labels first; source excerpts (quotes)
come after every resource that matches by its words. One hit per resource, with its best text.

Storage, built once per data version and read by every worker process (``server/search_store.py``):

* ``resources(id, iri, static_after, words_after)``: ``id = kind << 36 | rank``, the rank ordering the
  resources of a kind by the best score one of their texts can get from a one-word query beyond its
  tier (static score: kind bonus, length, alternative name; plus the words bonus); ``static_after`` and
  ``words_after`` are the highest static score, and static score plus one-word bonus, of any text of
  this resource or of one ranked after it in its kind: the bounds of every text not yet read;
* ``texts(id, text, lang, pred, norm, static)``: ``id = resource << 16 | n``; ``norm`` is NULL for a text
  that normalises like another text of the same resource (kept for labels, not searched); an index on
  (first word, text without spaces) answers exact matches and matches typed without spaces;
* ``fts``: an FTS5 index of the normalised texts (first word, other words) with ``rowid = texts.id``,
  so each kind is one contiguous rowid range, best first: facet counts are one grouped count, and the
  best candidates of a kind are its first matching rowids, found without reading the others; ``heads``
  indexes the first words alone, per kind in static order (a one-word query's texts that start with
  it, best first, without reading every text that merely contains it);
* ``words`` and ``grams(gram, len, word)``: the indexed words and their trigrams, for prefixes and typos.

A query reads a bounded number of candidates (exact matches, and per kind the first texts starting
with the query and the first texts matching all its words), scores them exactly, and reads more only
while a text it has not read could still outrank the last hit asked for (ties of score are broken by
``texts.id``, the order the candidates are read in). Counts are exact up to :data:`COUNT_CAP` texts per
kind; beyond that they are lower bounds (``Page.at_least``, ``Page.exact``).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
import unicodedata
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
#: Largest bonus a text can get from the share of its words the query matched (all-words and fuzzy tiers).
WORDS_BONUS = 10

#: Version of the file layout; a file of another version is rebuilt.
SCHEMA = 6
KIND_SHIFT = 52
RESOURCE_SHIFT = 16
MAX_KINDS = 1 << (63 - KIND_SHIFT)
MAX_TEXTS_PER_RESOURCE = 1 << RESOURCE_SHIFT

#: Label predicates in order of preference: the text kept when two texts of a resource normalise alike.
PREFERRED_PREDICATES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
    "http://xmlns.com/foaf/0.1/name", "http://purl.org/dc/terms/title",
    "http://www.w3.org/2004/02/skos/core#altLabel", VOCAB_BASE + "#quote",
)

#: Texts counted per kind; a kind with more is counted as "at least" (a lower bound). Counting costs
#: about 1 ms per 2,500 texts.
COUNT_CAP = 2_500
#: Candidates read per source in the first round; multiplied by 4 per extra round up to MAX_CANDIDATES.
FIRST_CANDIDATES = 64
MAX_CANDIDATES = 16_384
#: Most indexed words one misspelt query word may stand for.
MAX_FUZZY_WORDS = 512
#: Most indexed words a query word of 4 letters or more is expanded to as a prefix before FTS5 is left to
#: expand it itself (which reads every row of every such word, ~0.2 s for "euro" at 5M triples).
MAX_PREFIX_WORDS = 128
#: Most texts read for a query typed without its spaces ("kmoportefeuille" for "Kmo-portefeuille").
MAX_COMPACT_ONLY = 500

#: SQL of a text's first word and of the text without spaces (the index on them uses these expressions).
HEAD_SQL = "substr(norm, 1, instr(norm || ' ', ' ') - 1)"
COMPACT_SQL = "replace(norm, ' ', '')"


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
    """The padded trigrams of ``word`` ("  w", " wo", "wor", ..., "rd ")."""
    padded = f"  {word} "
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def _one_edit(word: str) -> set[str]:
    """Every word one deletion, insertion, substitution or transposition of neighbours away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    out.discard(word)
    return out


def _transpositions(word: str) -> set[str]:
    """Every word one transposition of neighbours away from ``word``."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)} - {word}


def static_score(kind: str, norm: str, predicate: str) -> float:
    """The part of a text's score that does not depend on the query: kind, length, alternative name."""
    return _static(KIND_BONUS.get(kind, DEFAULT_BONUS), len(norm), predicate.endswith("altLabel"))


def _static(bonus: int, length: int, alternative: bool) -> float:
    # Bounds stored at build time are compared with scores for equality: one formula, one order of operations.
    score = bonus - min(length, 200) / 20
    if alternative:
        score -= 1  # a name as written elsewhere ranks just below the preferred name
    return score


def _after(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix`` (normalised text is ASCII)."""
    return prefix + "\x7f"


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
    #: ``texts.id`` of the text that matched: breaks ties of score (kind, then the resource's rank).
    rank: int = 0

    @property
    def tier_name(self) -> str:
        return TIER_NAMES[self.tier]


@dataclass
class Page:
    """One page of hits, with the number of matching resources per kind (before any kind filter)."""

    hits: list[Hit]
    total: int
    facets: dict[str, int] = field(default_factory=dict)
    #: False when ``total`` is a lower bound (a count stopped at the cap) or the order of the page could
    #: not be confirmed within MAX_CANDIDATES reads.
    exact: bool = True
    #: Kinds whose facet count is a lower bound.
    at_least: set[str] = field(default_factory=set)


@dataclass
class BuildStats:
    """What a build read and wrote."""

    texts: int
    searchable: int
    resources: int
    words: int
    seconds: float
    bytes: int


class BuildError(RuntimeError):
    """The index cannot be built from these texts."""


# -- building ---------------------------------------------------------------------------------------------

def build(texts: Iterable[tuple[str, str, str, str]], base_iri: str, path: Path, *, version: str = "") -> BuildStats:
    """Write the index of ``(iri, text, language, predicate)`` tuples to a new SQLite file at ``path``.

    Memory stays bounded whatever the size: rows go to a scratch database in batches, and SQLite sorts
    on disk.
    """
    started = time.perf_counter()
    path = Path(path)
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path, isolation_level=None)
    try:
        _write(db, texts, base_iri, version)
        stats = _stats(db, time.perf_counter() - started)
    finally:
        db.close()
    stats.bytes = path.stat().st_size
    return stats


def _write(db: sqlite3.Connection, texts: Iterable[tuple[str, str, str, str]], base_iri: str, version: str) -> None:
    db.execute("ATTACH DATABASE '' AS scratch")  # a private temporary file, removed on close
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "temp_store=FILE", "cache_size=-65536",
                   "scratch.cache_size=-65536", "scratch.synchronous=OFF"):
        db.execute(f"PRAGMA {pragma}")
    db.executescript("""
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        CREATE TABLE kinds(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, resources INTEGER NOT NULL);
        CREATE TABLE predicates(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
        CREATE TABLE resources(id INTEGER PRIMARY KEY, iri TEXT NOT NULL, static_after REAL, words_after REAL);
        CREATE TABLE texts(id INTEGER PRIMARY KEY, text TEXT NOT NULL, lang TEXT NOT NULL, pred INTEGER NOT NULL,
                           norm TEXT, static REAL);
        CREATE TABLE words(word TEXT PRIMARY KEY, texts INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE grams(gram TEXT, len INTEGER, word TEXT, PRIMARY KEY (gram, len, word)) WITHOUT ROWID;
        CREATE VIRTUAL TABLE fts USING fts5(head, rest, content='', columnsize=0, detail=column,
                                            tokenize='ascii', prefix='1 2 3');
        CREATE VIRTUAL TABLE heads USING fts5(head, tid UNINDEXED, columnsize=0, detail=none, tokenize='ascii',
                                              prefix='1 2 3');
        CREATE TABLE scratch.raw(iri TEXT, kind TEXT, pred INTEGER, lang TEXT, text TEXT, norm TEXT, static REAL);
    """)
    predicates = {iri: n for n, iri in enumerate(PREFERRED_PREDICATES)}
    db.execute("BEGIN")  # one transaction for the rows (each statement would be one otherwise)
    batch: list[tuple] = []
    insert = "INSERT INTO scratch.raw VALUES (?, ?, ?, ?, ?, ?, ?)"
    for iri, text, lang, predicate in texts:
        norm = normalise(text)
        kind = kind_of(iri, base_iri)
        pred = predicates.setdefault(predicate, len(predicates))
        batch.append((iri, kind, pred, lang or "", text, norm, static_score(kind, norm, predicate) if norm else None))
        if len(batch) >= 20_000:
            db.executemany(insert, batch)
            batch.clear()
    db.executemany(insert, batch)
    db.executemany("INSERT INTO predicates(id, iri) VALUES (?, ?)", [(n, iri) for iri, n in predicates.items()])
    kinds = [row[0] for row in db.execute("SELECT DISTINCT kind FROM scratch.raw")]
    if len(kinds) >= MAX_KINDS:
        raise BuildError(f"{len(kinds)} kinds of resources (the id/<kind>/ segment of IRIs); at most {MAX_KINDS - 1}")
    # Kinds in ranking order, so a scan in rowid order meets the better kinds first.
    kinds.sort(key=lambda k: (-KIND_BONUS.get(k, DEFAULT_BONUS), k))
    db.executemany("INSERT INTO kinds(id, name, resources) VALUES (?, ?, 0)", list(enumerate(kinds)))
    db.execute("COMMIT")
    db.executescript(f"""
        -- Per resource: its best static score, and (one max() aggregate, so SQLite takes the bare columns
        -- from that row) its best static score plus one-word bonus and the text that has it.
        CREATE TABLE scratch.per AS
          SELECT iri, kind, max(wb) AS wb, norm AS wbnorm, best FROM (
            SELECT raw.iri AS iri, kinds.id AS kind, raw.norm AS norm,
                   raw.static + {WORDS_BONUS}.0 / (length(raw.norm) - length(replace(raw.norm, ' ', '')) + 1) AS wb,
                   max(raw.static) OVER (PARTITION BY raw.iri) AS best
            FROM scratch.raw JOIN kinds ON kinds.name = raw.kind)
          GROUP BY iri;
        INSERT INTO resources(id, iri, static_after, words_after)
          SELECT id, iri, max(best) OVER after, max(wb) OVER after
          FROM (SELECT (kind << 36) | (ROW_NUMBER() OVER (PARTITION BY kind ORDER BY wb DESC NULLS LAST, wbnorm, iri)
                                       - 1) AS id, kind, iri, best, wb
                FROM scratch.per)
          WINDOW after AS (PARTITION BY kind ORDER BY id DESC ROWS UNBOUNDED PRECEDING)
          ORDER BY id;
        UPDATE kinds SET resources = counted.n
          FROM (SELECT kind, count(*) AS n FROM scratch.per GROUP BY kind) AS counted WHERE counted.kind = kinds.id;
        CREATE UNIQUE INDEX resources_iri ON resources(iri);
        CREATE TABLE scratch.marked AS
          SELECT raw.rowid AS rid, raw.iri AS iri, raw.pred AS pred, raw.lang AS lang, raw.text AS text,
                 raw.norm AS norm, raw.static AS static,
                 (raw.norm != '' AND ROW_NUMBER() OVER (PARTITION BY raw.iri, raw.norm
                                                        ORDER BY raw.pred, raw.rowid) = 1) AS searched
          FROM scratch.raw;
        INSERT INTO texts(id, text, lang, pred, norm, static)
          SELECT (res << {RESOURCE_SHIFT}) | n, text, lang, pred, CASE WHEN searched THEN norm END,
                 CASE WHEN searched THEN static END
          FROM (SELECT resources.id AS res, m.text AS text, m.lang AS lang, m.pred AS pred, m.norm AS norm,
                       m.searched AS searched, m.static AS static,
                       ROW_NUMBER() OVER (PARTITION BY m.iri ORDER BY m.searched DESC, m.static DESC, m.pred, m.rid)
                         - 1 AS n
                FROM scratch.marked AS m JOIN resources ON resources.iri = m.iri)
          WHERE n < {MAX_TEXTS_PER_RESOURCE}
          ORDER BY 1;
        CREATE INDEX texts_head ON texts({HEAD_SQL}, {COMPACT_SQL}) WHERE norm IS NOT NULL;
        INSERT INTO fts(rowid, head, rest)
          SELECT id, {HEAD_SQL}, substr(norm, instr(norm || ' ', ' ') + 1) FROM texts WHERE norm IS NOT NULL;
        INSERT INTO fts(fts) VALUES ('optimize');
        -- First words per kind in static order (not resource order): the prefix tier's own order.
        INSERT INTO heads(rowid, head, tid)
          SELECT ((id >> {KIND_SHIFT}) << {KIND_SHIFT})
                   | (ROW_NUMBER() OVER (PARTITION BY id >> {KIND_SHIFT} ORDER BY static DESC, norm, id) - 1),
                 {HEAD_SQL}, id
          FROM texts WHERE norm IS NOT NULL ORDER BY 1;
        INSERT INTO heads(heads) VALUES ('optimize');
        CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, fts, row);
    """)
    db.execute("BEGIN")
    db.execute("INSERT INTO words SELECT term, doc FROM temp.vocabulary ORDER BY term")
    db.execute("DROP TABLE temp.vocabulary")
    words = [row[0] for row in db.execute("SELECT word FROM words")]
    db.executemany("INSERT INTO grams VALUES (?, ?, ?)",
                   ((gram, len(word), word) for word in words for gram in trigrams(word)))
    meta = {"schema": str(SCHEMA), "version": version, "base_iri": base_iri,
            "built": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    db.executemany("INSERT INTO meta VALUES (?, ?)", list(meta.items()))
    db.execute("COMMIT")
    db.execute("DETACH DATABASE scratch")
    db.execute("ANALYZE")


def _stats(db: sqlite3.Connection, seconds: float) -> BuildStats:
    texts, searchable = db.execute("SELECT count(*), count(norm) FROM texts").fetchone()
    resources = db.execute("SELECT count(*) FROM resources").fetchone()[0]
    words = db.execute("SELECT count(*) FROM words").fetchone()[0]
    stats = BuildStats(texts, searchable, resources, words, round(seconds, 2), 0)
    db.execute("INSERT INTO meta VALUES ('stats', ?)", (json.dumps(stats.__dict__),))
    return stats


# -- reading ----------------------------------------------------------------------------------------------

@dataclass
class _Plan:
    """A normalised query and its FTS5 expressions (``None``: nothing can match that way)."""

    norm: str
    words: list[str]
    compact: str
    #: Per query word: may it match as a prefix of a text's word?
    prefix_ok: list[bool]
    #: "Every word matches a word of the text exactly or as a prefix" (the all-words tier and better).
    strict: str | None
    #: "The text starts with the query" (a superset of the prefix tier, checked when scored); in ``heads``
    #: for a one-word query, else in ``fts``.
    starts: str | None
    #: "Every word matches a word of the text, typos allowed" (every hit matches this).
    match: str | None
    #: Per query word: the indexed words it matches exactly or as a prefix (``None``: too many to list).
    good: list[frozenset[str] | None]


#: Candidate sources of one kind, most specific first, with the best tier each can give beyond the ones
#: before it (exact matches have a source of their own).
KIND_SOURCES = (("prefix", PREFIX), ("words", WORDS), ("fuzzy", FUZZY))


@dataclass
class _Source:
    """One stream of candidates in ``texts.id`` order and how far it has been read."""

    #: ``exact`` (texts equal to the query) or, for one kind, one of :data:`KIND_SOURCES`.
    name: str
    tier: int
    limit: int
    match: str = ""
    kind: int = -1
    #: The FTS5 table ``match`` is for.
    table: str = "fts"
    read: int = 0
    capped: bool = False
    #: Highest static score, and static score plus words bonus, a text not yet read can have.
    bound_static: float = float("-inf")
    bound_words: float = float("-inf")
    #: The next ``texts.id`` to read.
    next_id: int = 0


class SearchIndex:
    """A read-only search index file; safe to share between threads (one SQLite connection per thread)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        db = self._db()
        self.meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
        if self.meta.get("schema") != str(SCHEMA):
            raise BuildError(f"search index schema {self.meta.get('schema')!r}, expected {SCHEMA}")
        self.kind_ids: dict[str, int] = {}
        self.kind_names: dict[int, str] = {}
        counts = {}
        for kid, name, count in db.execute("SELECT id, name, resources FROM kinds ORDER BY id"):
            self.kind_ids[name] = kid
            self.kind_names[kid] = name
            counts[name] = count
        #: Number of resources per kind (every resource with a label or quote).
        self.kinds: dict[str, int] = dict(sorted(counts.items()))
        self.predicates: dict[int, str] = dict(db.execute("SELECT id, iri FROM predicates").fetchall())
        self._bonus = {kid: KIND_BONUS.get(name, DEFAULT_BONUS) for kid, name in self.kind_names.items()}
        self._alternative = {pid for pid, iri in self.predicates.items() if iri.endswith("altLabel")}

    @classmethod
    def build(cls, texts: Iterable[tuple[str, str, str, str]], base_iri: str, path: Path | str | None = None
              ) -> SearchIndex:
        """Index ``(iri, text, language, predicate)`` tuples into ``path`` (a temporary file if none) and open it."""
        if path is None:
            import tempfile

            fd, name = tempfile.mkstemp(prefix="fundinggraph-search-", suffix=".sqlite")
            os.close(fd)
            try:
                build(texts, base_iri, Path(name))
                index = cls(name)
            finally:
                os.unlink(name)  # the open connection keeps the file readable; nothing is left behind
            return index
        build(texts, base_iri, Path(path))
        return cls(path)

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            uri = "file:" + urllib.parse.quote(str(self.path)) + "?mode=ro&immutable=1"
            db = sqlite3.connect(uri, uri=True, check_same_thread=False)
            db.execute("PRAGMA cache_size=-8192")  # 8 MiB per connection; the OS caches the file for all workers
            self._local.db = db
            with self._lock:
                self._connections.append(db)
        return db

    def close(self) -> None:
        """Close every connection (other threads' too); the index cannot be used afterwards."""
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()
        self._local = threading.local()

    # -- queries -----------------------------------------------------------------------------------------
    def search(self, query: str, kinds: Iterable[str] | None = None, limit: int | None = None) -> list[Hit]:
        """Every resource matching ``query`` (or the best ``limit``), best first (one hit per resource).

        Without ``limit``, as many as counted: beyond :data:`COUNT_CAP` texts of a kind, not all of them.
        """
        if limit is None:
            limit = max(self.page(query, kinds, 0, 0).total, 1)
        return self.page(query, kinds, 0, limit, count=False).hits

    def page(self, query: str, kinds: Iterable[str] | None = None, offset: int = 0, limit: int = 20,
             count: bool = True) -> Page:
        """Hits ``offset`` to ``offset + limit`` for ``query``, with facets and total when ``count``."""
        plan = self._plan(query)
        if plan is None:
            return Page([], 0, {}, True)
        if plan.match is None and len(plan.compact) < 4:
            return Page([], 0, {}, True)  # a word matches no indexed word, and the query is too short to be typed without spaces
        names = set(kinds or ())
        # Kinds this data version has none of select nothing (an empty set); no filter selects everything.
        wanted = {self.kind_ids[k] for k in names if k in self.kind_ids} if names else None
        found = self._compact_only(plan)
        exact = len(found) <= MAX_COMPACT_ONLY
        found = found[:MAX_COMPACT_ONLY]
        compact = [i for i in found if wanted is None or i >> KIND_SHIFT in wanted]
        per_kind: dict[int, int] | None = None
        capped: set[int] = set()
        if count:
            per_kind, capped = self._count(plan, found)
            exact = exact and not any(wanted is None or k in wanted for k in capped)
        segments = sorted(self.kind_names if wanted is None else wanted)
        present = set(per_kind) if per_kind is not None else self._present(plan, segments)
        segments = [k for k in segments if k in present and (per_kind is None or per_kind[k])]
        hits: list[Hit] = []
        if limit > 0 and (segments or compact):
            ranked, ordered = self._rank(plan, segments, wanted, offset + limit, compact)
            hits = self._hits(ranked[offset:offset + limit])
            exact = exact and ordered
        facets: dict[str, int] = {}
        total = 0
        if per_kind is not None:
            facets = {self.kind_names[k]: n for k, n in sorted(per_kind.items()) if n}
            total = sum(n for k, n in per_kind.items() if wanted is None or k in wanted)
        return Page(hits, total, facets, exact, {self.kind_names[k] for k in capped})

    def labels(self, iris: Iterable[str]) -> dict[str, list[tuple[str, str, str]]]:
        """Every ``(text, language, predicate)`` of each IRI (all labels and quotes, duplicates included)."""
        db = self._db()
        out: dict[str, list[tuple[str, str, str]]] = {}
        for iri in dict.fromkeys(iris):
            row = db.execute("SELECT id FROM resources WHERE iri = ?", (iri,)).fetchone()
            if row is None:
                continue
            low = row[0] << RESOURCE_SHIFT
            out[iri] = [(text, lang, self.predicates[pred]) for text, lang, pred in db.execute(
                "SELECT text, lang, pred FROM texts WHERE id BETWEEN ? AND ? ORDER BY id",
                (low, low + MAX_TEXTS_PER_RESOURCE - 1))]
        return out

    # -- query parts -------------------------------------------------------------------------------------
    def _plan(self, query: str) -> _Plan | None:
        norm = normalise(query)
        if not norm:
            return None
        words = norm.split()
        strict: list[list[str]] = []
        full: list[list[str]] = []
        prefix_ok = []
        for i, word in enumerate(words):
            # Prefixes: always for the word being typed (the last one); for others when long enough.
            ok = i == len(words) - 1 or len(word) >= 4
            prefix_ok.append(ok)
            group = self._prefixed(word) if ok else self._known(word)
            strict.append(group)
            full.append(group + [f'"{other}"' for other in self._fuzzy(word)])

        def every(groups: list[list[str]]) -> str | None:
            return None if not all(groups) else " AND ".join("(" + " OR ".join(g) + ")" for g in groups)

        starts = None
        if all(strict):
            # The first word must be the text's first word (or begin it, when it is the only word); the
            # others must be among the text's other words.
            head = strict[0] if len(words) == 1 else [t for t in strict[0] if t == f'"{words[0]}"']
            if head and len(words) == 1:
                starts = " OR ".join(head)  # in the index of first words
            elif head:
                starts = " AND ".join(["head : (" + " OR ".join(head) + ")"] +
                                      ["rest : (" + " OR ".join(g) + ")" for g in strict[1:]])
        good = [None if any(t.endswith("*") for t in g) else frozenset(t[1:-1] for t in g) for g in strict]
        return _Plan(norm, words, norm.replace(" ", ""), prefix_ok, every(strict), starts, every(full), good)

    def _known(self, word: str) -> list[str]:
        """The FTS5 term of ``word`` if it is an indexed word."""
        found = self._db().execute("SELECT 1 FROM words WHERE word = ?", (word,)).fetchone()
        return [f'"{word}"'] if found else []

    def _prefixed(self, word: str) -> list[str]:
        """FTS5 terms for the indexed words ``word`` begins (itself included)."""
        rows = self._db().execute("SELECT word FROM words WHERE word >= ? AND word < ? LIMIT ?",
                                  (word, _after(word), MAX_PREFIX_WORDS + 1)).fetchall()
        if not rows:
            return []
        # The FTS5 prefix indexes of 1-3 letters answer short prefixes directly.
        if len(word) <= 3 or len(rows) > MAX_PREFIX_WORDS:
            return [f'"{word}"*']
        return [f'"{w}"' for (w,) in rows]

    def _fuzzy(self, word: str) -> list[str]:
        """Indexed words within the allowed edit distance of ``word`` (not ``word`` itself)."""
        limit = allowed_typos(word)
        if limit == 0:
            return []
        db = self._db()
        found: list[tuple[int, str]] = []
        if limit == 1:
            # Every string one edit away is a few hundred exact lookups: cheaper and sharper than trigrams,
            # which let through thousands of candidates for a short word ("1136").
            variants = sorted(_one_edit(word))
            for start in range(0, len(variants), 900):
                chunk = variants[start:start + 900]
                found += [(1, w) for (w,) in db.execute(
                    f"SELECT word FROM words WHERE word IN ({','.join('?' * len(chunk))})", chunk)]
        else:
            # Two edits: words sharing enough trigrams. An insertion, deletion or substitution changes at
            # most three trigrams, a transposition of neighbours four; so transpositions are undone first:
            # the word itself (no transposition), each word one transposition away (one edit left), and
            # every word two transpositions away, looked up as such.
            swapped = _transpositions(word)
            probes = [(word, 3 * limit)] + [(t, 3 * (limit - 1)) for t in sorted(swapped)]
            candidates: set[str] = set()
            for probe, slack in probes:
                grams = sorted(trigrams(probe))
                candidates.update(w for (w,) in db.execute(
                    f"SELECT word FROM grams WHERE gram IN ({','.join('?' * len(grams))}) AND len BETWEEN ? AND ? "
                    "GROUP BY word HAVING count(*) >= ?",
                    (*grams, len(word) - limit, len(word) + limit, max(1, len(grams) - slack))))
            twice = sorted({t2 for t in swapped for t2 in _transpositions(t)} - {word})
            for start in range(0, len(twice), 900):
                chunk = twice[start:start + 900]
                candidates.update(w for (w,) in db.execute(
                    f"SELECT word FROM words WHERE word IN ({','.join('?' * len(chunk))})", chunk))
            for candidate in candidates - {word}:
                distance = damerau(word, candidate, limit)
                if distance <= limit:
                    found.append((distance, candidate))
        found.sort()
        return [candidate for _, candidate in found[:MAX_FUZZY_WORDS]]

    def _compact_only(self, plan: _Plan) -> list[int]:
        """Ids of texts that match only without their spaces ("kmoportefeuille": "Kmo-portefeuille").

        Such a text's first word is a proper prefix of the query without spaces (or, for a query of several
        words, starts with all of it); at most ``MAX_COMPACT_ONLY + 1`` ids.
        """
        if len(plan.compact) < 4:
            return []
        db = self._db()
        heads = [plan.compact[:n] for n in range(1, len(plan.compact)) if plan.compact[:n] != plan.words[0]]
        marks = ",".join("?" * len(heads))
        known = [w for (w,) in db.execute(f"SELECT word FROM words WHERE word IN ({marks})", heads)]
        ids: list[int] = []
        for head in known:
            ids += [row[0] for row in db.execute(
                f"SELECT id FROM texts WHERE norm IS NOT NULL AND {HEAD_SQL} = ? AND {COMPACT_SQL} >= ? "
                f"AND {COMPACT_SQL} < ? LIMIT ?", (head, plan.compact, _after(plan.compact), MAX_COMPACT_ONLY + 1))]
        if len(plan.words) > 1:
            ids += [row[0] for row in db.execute(
                f"SELECT id FROM texts WHERE norm IS NOT NULL AND {HEAD_SQL} >= ? AND {HEAD_SQL} < ? LIMIT ?",
                (plan.compact, _after(plan.compact), MAX_COMPACT_ONLY + 1))]
        return sorted(set(ids))[:MAX_COMPACT_ONLY + 1]

    def _present(self, plan: _Plan, kinds: Sequence[int]) -> set[int]:
        """Which of ``kinds`` have a text matching the words: one short read per kind that has one."""
        db = self._db()
        found: set[int] = set()
        wanted = sorted(kinds)
        start = 0
        while plan.match is not None and wanted:
            row = db.execute("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? ORDER BY rowid LIMIT 1",
                             (plan.match, max(start, wanted[0] << KIND_SHIFT))).fetchone()
            if row is None:
                break
            kind = row[0] >> KIND_SHIFT
            if kind in kinds:
                found.add(kind)
            start = (kind + 1) << KIND_SHIFT
            wanted = [k for k in wanted if k > kind]
        return found

    def _count(self, plan: _Plan, compact: list[int]) -> tuple[dict[int, int], set[int]]:
        """Matching resources per kind id, and the kinds whose count stopped at the cap (lower bounds)."""
        db = self._db()
        counts: dict[int, int] = {}
        capped: set[int] = set()
        start = 0
        while plan.match is not None:
            # The next kind with a match, then its count over at most COUNT_CAP of its texts.
            first = db.execute("SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? ORDER BY rowid LIMIT 1",
                               (plan.match, start)).fetchone()
            if first is None:
                break
            kind = first[0] >> KIND_SHIFT
            start = (kind + 1) << KIND_SHIFT
            resources, texts = db.execute(
                "SELECT count(DISTINCT rowid >> ?), count(*) FROM (SELECT rowid FROM fts WHERE fts MATCH ? "
                "AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?)",
                (RESOURCE_SHIFT, plan.match, first[0], start, COUNT_CAP)).fetchone()
            counts[kind] = resources
            if texts >= COUNT_CAP:
                capped.add(kind)
        # Resources found only without spaces: none of their texts matches the words.
        for resource in dict.fromkeys(i >> RESOURCE_SHIFT for i in compact):
            low = resource << RESOURCE_SHIFT
            if plan.match is None or db.execute(
                    "SELECT 1 FROM fts WHERE fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT 1",
                    (plan.match, low, low + MAX_TEXTS_PER_RESOURCE - 1)).fetchone() is None:
                kid = low >> KIND_SHIFT
                counts[kid] = counts.get(kid, 0) + 1
        return counts, capped

    def _rank(self, plan: _Plan, segments: Sequence[int], wanted: set[int] | None, need: int,
              compact: list[int]) -> tuple[list[tuple[float, int, int]], bool]:
        """``(-score, text id, tier)`` of the best text of every resource read, best first, and whether
        the first ``need`` are confirmed to be the best ``need`` of all.

        Sources are read a bounded number of texts at a time, each in ``texts.id`` order: the texts equal
        to the query, and per kind the texts starting with it, those matching all its words, and those
        matching with typos (the kind's resources in rank order). A source is read further
        only while a text it has not given could still outrank hit number ``need``.
        """
        first = max(FIRST_CANDIDATES, need + need // 2)
        exact = _Source("exact", EXACT, first)
        kinds: list[list[_Source]] = []
        for k in segments:
            chain = []
            for name, tier in KIND_SOURCES:
                match = {"prefix": plan.starts, "words": plan.strict, "fuzzy": plan.match}[name]
                if match and not (name == "fuzzy" and match == plan.strict):
                    table = "heads" if name == "prefix" and len(plan.words) == 1 else "fts"
                    chain.append(_Source(name, tier, first, match, k, table, next_id=k << KIND_SHIFT))
            kinds.append(chain)
        # Per resource its best text so far: (-score, text id, tier), which sorts best first.
        best: dict[int, tuple[float, int, int]] = {}
        seen: set[int] = set()

        def take(ids: Iterable[int]) -> None:
            new = [i for i in ids if i not in seen]
            seen.update(new)
            for tid, norm, pred in self._rows(new):
                tier, score = self._score(plan, tid, norm, pred)
                key = (-score, tid, tier)
                resource = tid >> RESOURCE_SHIFT
                held = best.get(resource)
                if held is None or key < held:
                    best[resource] = key

        take(compact)
        pending = [exact] + [source for chain in kinds for source in chain]
        ordered = True
        while True:
            for source in pending:
                take(self._read(plan, source, wanted))
            hits = sorted(best.values())
            threshold = hits[need - 1] if len(hits) >= need else None
            pending = []
            # Exact matches are few and may beat anything: read them all.
            open_tier = EXACT if exact.capped else 0
            if exact.capped:
                pending.append(exact)
            for chain in kinds:
                # A text of a better tier is also in the source of that tier: while that source is
                # unsettled, the texts not read from the sources after it may be of that tier too.
                carried = open_tier
                for source in chain:
                    tier = max(carried, source.tier)
                    if source.capped and not self._settled(source, tier, len(plan.words), threshold):
                        pending.append(source)
                        carried = tier
            grown = []
            for source in pending:
                if source.limit >= MAX_CANDIDATES:
                    ordered = False
                else:
                    source.limit *= 4
                    grown.append(source)
            pending = grown
            if not pending:
                return hits, ordered

    @staticmethod
    def _settled(source: _Source, tier: int, words: int, threshold: tuple[float, int, int] | None) -> bool:
        """True when no text ``source`` has not given, at best of ``tier``, can rank before ``threshold``."""
        if threshold is None:
            return False
        if tier >= PREFIX:
            bound = tier * 100 + source.bound_static
        elif words == 1:
            bound = tier * 100 + source.bound_words
        else:
            bound = tier * 100 + source.bound_static + WORDS_BONUS
        score, rank = -threshold[0], threshold[1]
        if bound != score:
            return bound < score
        # A tie of score is broken by texts.id; unread texts of a source read in texts.id order come after
        # every text read (the first words are read in another order: they must fall below).
        return source.table == "fts" and source.next_id > rank

    def _read(self, plan: _Plan, source: _Source, wanted: set[int] | None) -> list[int]:
        """The next ids of ``source`` up to its limit; notes whether more may follow and their bound."""
        db = self._db()
        want = source.limit - source.read
        if source.name == "exact":
            rows = db.execute(
                f"SELECT id FROM texts WHERE norm IS NOT NULL AND {HEAD_SQL} = ? AND {COMPACT_SQL} = ? AND id >= ? "
                "ORDER BY id LIMIT ?", (plan.words[0], plan.compact, source.next_id, want)).fetchall()
            ids = [row[0] for row in rows if wanted is None or row[0] >> KIND_SHIFT in wanted]
            source.read += len(rows)
            source.capped = len(rows) >= want
            if rows:
                source.next_id = rows[-1][0] + 1
            return ids
        if source.table == "heads":
            rows = db.execute(
                "SELECT heads.rowid, heads.tid, texts.static FROM heads JOIN texts ON texts.id = heads.tid "
                "WHERE heads MATCH ? AND heads.rowid >= ? AND heads.rowid < ? ORDER BY heads.rowid LIMIT ?",
                (source.match, source.next_id, (source.kind + 1) << KIND_SHIFT, want)).fetchall()
            source.read += len(rows)
            source.capped = len(rows) >= want
            if rows:
                source.next_id = rows[-1][0] + 1
                source.bound_static = rows[-1][2]  # static order: nothing unread scores higher
            return [row[1] for row in rows]
        rows = db.execute(
            "SELECT rowid FROM fts WHERE fts MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid LIMIT ?",
            (source.match, source.next_id, (source.kind + 1) << KIND_SHIFT, want)).fetchall()
        ids = [row[0] for row in rows]
        source.read += len(ids)
        source.capped = len(ids) >= want
        if ids:
            source.next_id = ids[-1] + 1
            # Texts after the last one read belong to it or to resources ranked after it in the kind.
            row = db.execute("SELECT static_after, words_after FROM resources WHERE id = ?",
                             (ids[-1] >> RESOURCE_SHIFT,)).fetchone()
            source.bound_static = row[0] if row and row[0] is not None else float("-inf")
            source.bound_words = row[1] if row and row[1] is not None else float("-inf")
        return ids

    def _rows(self, ids: Sequence[int]) -> list[tuple[int, str, int]]:
        """``(id, norm, pred)`` of the given texts."""
        db = self._db()
        out: list[tuple[int, str, int]] = []
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            out += db.execute(f"SELECT id, norm, pred FROM texts WHERE id IN ({','.join('?' * len(chunk))})",
                              chunk).fetchall()
        return out

    def _hits(self, ranked: Sequence[tuple[float, int, int]]) -> list[Hit]:
        """The hits of ranked texts, with their text, language, predicate and resource."""
        db = self._db()
        details = {}
        ids = [tid for _, tid, _ in ranked]
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            for row in db.execute(
                    f"SELECT t.id, t.text, t.lang, t.pred, r.iri FROM texts t JOIN resources r "
                    f"ON r.id = t.id >> {RESOURCE_SHIFT} WHERE t.id IN ({','.join('?' * len(chunk))})", chunk):
                details[row[0]] = row[1:]
        out = []
        for negative, tid, tier in ranked:
            text, lang, pred, iri = details[tid]
            out.append(Hit(iri, self.kind_names[tid >> KIND_SHIFT], text, lang, self.predicates[pred], tier,
                           -negative, tid))
        return out

    def _score(self, plan: _Plan, tid: int, norm: str, pred: int) -> tuple[int, float]:
        """Tier and score of one text (see :func:`static_score`)."""
        compact = norm.replace(" ", "")
        if compact == plan.compact:
            tier = EXACT
        elif norm.startswith(plan.norm) or (len(plan.compact) >= 3 and compact.startswith(plan.compact)):
            tier = PREFIX
        else:
            vocabulary = norm.split()
            tier = WORDS
            for word, ok, good in zip(plan.words, plan.prefix_ok, plan.good, strict=True):
                if good is not None:
                    matched = not good.isdisjoint(vocabulary)
                else:
                    matched = word in vocabulary or (ok and any(w.startswith(word) for w in vocabulary))
                if not matched:
                    tier = FUZZY
                    break
        value = _static(self._bonus[tid >> KIND_SHIFT], len(norm), pred in self._alternative)
        if tier <= WORDS:
            # Among word matches, labels with fewer other words fit better ("VLAIO" before "VLAIO Netwerk").
            words = norm.count(" ") + 1
            value += WORDS_BONUS * min(len(plan.words), words) / words
        return tier, tier * 100 + value
