"""Search over every label and quote, and the autocomplete API of the search box.

``/search?q=...&kind=...&page=...`` (HTML, or JSON with ``Accept: application/json`` / ``?format=json``)
and ``/api/suggest?q=...&limit=...&kind=...`` (JSON, used by ``static/js/search.js``). Both read the
index file of the served data version (:mod:`server.search_store`, :mod:`server.search_index`), built
once per version from every ``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``, ``foaf:name``,
``dcterms:title`` and ``fg:quote``, and shared by all worker processes. While it is being built they
answer 503 with ``Retry-After``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from server import i18n
from server.errors import BadRequest
from server.labels import LabelTable
from server.pagecache import page_cache
from server.search_index import Hit, SearchIndex, normalise
from server.search_store import IndexNotReady, current
from server.store import backend, settings
from server.urls import page_url

bp = Blueprint("search", __name__)

#: Longest query accepted (characters).
MAX_QUERY = 200
PAGE_SIZE = 20
MAX_SUGGEST = 50
#: Kinds the autocomplete offers unless asked otherwise (quotes are for the full search page).
SUGGEST_EXCLUDES = ("excerpt",)

KIND_LABELS: dict[str, dict[str, str]] = {
    "organisation": {"nl": "organisatie", "en": "organisation"},
    "instrument": {"nl": "instrument", "en": "instrument"},
    "person": {"nl": "persoon", "en": "person"},
    "post": {"nl": "functie", "en": "post"},
    "place": {"nl": "plaats", "en": "place"},
    "group": {"nl": "groep ontvangers", "en": "recipient group"},
    "contract": {"nl": "opdracht", "en": "contract"},
    "budget-line": {"nl": "begrotingslijn", "en": "budget line"},
    "document": {"nl": "document", "en": "document"},
    "section": {"nl": "hoofdstuk", "en": "section"},
    "table": {"nl": "tabel of figuur", "en": "table or figure"},
    "dataset": {"nl": "dataset", "en": "data set"},
    "funding-flow": {"nl": "geldstroom", "en": "funding flow"},
    "result": {"nl": "resultaat", "en": "result"},
    "observation": {"nl": "begrotingscijfer", "en": "budget figure"},
    "total": {"nl": "totaal", "en": "total"},
    "condition": {"nl": "voorwaarde", "en": "condition"},
    "statement": {"nl": "uitspraak", "en": "statement"},
    "membership": {"nl": "lidmaatschap", "en": "membership"},
    "shareholding": {"nl": "aandeelhouderschap", "en": "shareholding"},
    "change-event": {"nl": "wijziging", "en": "change"},
    "excerpt": {"nl": "bronfragment", "en": "source excerpt"},
    "concept": {"nl": "begrip", "en": "concept"},
    "term": {"nl": "ontologieterm", "en": "ontology term"},
}

i18n.add_messages({
    "search.title": {"nl": "Zoeken", "en": "Search"},
    "search.results": {"nl": "resultaten voor", "en": "results for"},
    "search.none": {"nl": "Niets gevonden voor", "en": "Nothing found for"},
    "search.kinds": {"nl": "Soorten", "en": "Kinds"},
    "search.all_kinds": {"nl": "alle soorten", "en": "all kinds"},
    "search.matched": {"nl": "gevonden als", "en": "matched"},
    "search.previous": {"nl": "vorige", "en": "previous"},
    "search.next": {"nl": "volgende", "en": "next"},
    "search.help": {"nl": "Zoek op naam, afkorting of een woord uit een bronzin. Hoofdletters, accenten en "
                          "kleine tikfouten maken niet uit.",
                    "en": "Search by name, abbreviation or a word from a source sentence. Case, accents and "
                          "small typos do not matter."},
    "search.button": {"nl": "Zoek", "en": "Search"},
    "search.at_least": {"nl": "minstens", "en": "at least"},
})


def kind_label(kind: str) -> str:
    """The name of a kind of resource in the request's language."""
    entry = KIND_LABELS.get(kind)
    return entry.get(i18n.current(), entry["en"]) if entry else kind


def index() -> SearchIndex:
    """The search index of the data version being served (503 with Retry-After while it is built)."""
    return current()


_EXCERPT_PATH = re.compile(r"id/excerpt/(?P<doc>[^/]+)/(?P<start>\d+)-(?P<end>\d+)-")


def _source_document(hit: Hit) -> str | None:
    match = _EXCERPT_PATH.search(hit.iri) if hit.kind == "excerpt" else None
    return settings().base_iri + "id/document/" + match["doc"] if match else None


def label_table(idx: SearchIndex, hits: list[Hit]) -> LabelTable:
    """The labels of these hits and of their quotes' documents, read from the index (not the whole graph)."""
    labels = LabelTable()
    wanted = [h.iri for h in hits] + [doc for doc in map(_source_document, hits) if doc]
    for iri, rows in idx.labels(wanted).items():
        labels.labels[iri] = rows
    return labels


def describe_hit(hit: Hit, labels: LabelTable) -> dict[str, Any]:
    """A search hit as the page and the JSON API show it (``labels``: see :func:`label_table`)."""
    if hit.kind == "excerpt":
        match = _EXCERPT_PATH.search(hit.iri)
        label = hit.text
        where = None
        if match:
            doc = settings().base_iri + "id/document/" + match["doc"]
            lines = match["start"] if match["start"] == match["end"] else f"{match['start']}-{match['end']}"
            where = {"document": labels.label(doc), "iri": doc, "page": f"{page_url(doc)}#L{match['start']}",
                     "lines": lines}
        return {"label": label, "iri": hit.iri, "page": page_url(hit.iri), "kind": hit.kind,
                "kindLabel": kind_label(hit.kind), "match": hit.tier_name, "source": where}
    label = labels.label(hit.iri, fallback=hit.text)
    out = {"label": label, "iri": hit.iri, "page": page_url(hit.iri), "kind": hit.kind,
           "kindLabel": kind_label(hit.kind), "match": hit.tier_name}
    if normalise(hit.text) not in normalise(label):
        out["matched"] = hit.text
    return out


def suggestions(text: str, limit: int = 8, kinds: list[str] | None = None,
                exclude: tuple[str, ...] = SUGGEST_EXCLUDES, wait: float | None = None) -> list[dict[str, Any]]:
    """The best ``limit`` hits for ``text`` (used by 404 pages: none while the index is being built).

    :param wait: seconds to wait for the index of a new data version (default: setting ``search_wait``).
    """
    try:
        return find(text, limit, kinds, exclude, wait)
    except IndexNotReady:
        return []


def find(text: str, limit: int = 8, kinds: list[str] | None = None,
         exclude: tuple[str, ...] = SUGGEST_EXCLUDES, wait: float | None = None) -> list[dict[str, Any]]:
    """The best ``limit`` hits for ``text`` among ``kinds`` (all but ``exclude`` when none are named).

    :raises IndexNotReady: while the index of the served version is being built (after ``wait`` seconds).
    """
    idx = current(wait)
    wanted = kinds or [k for k in idx.kind_ids if k not in exclude]
    hits = idx.page(text, wanted, 0, limit, count=False).hits if wanted else []
    labels = label_table(idx, hits)
    return [describe_hit(h, labels) for h in hits]


def _query_arg() -> str:
    text = request.args.get("q", "")
    if len(text) > MAX_QUERY:
        raise BadRequest(f"parameter q is too long ({len(text)} characters; at most {MAX_QUERY})")
    return text.strip()


def _kinds_arg() -> list[str]:
    kinds = [k for value in request.args.getlist("kind") for k in value.split(",") if k]
    unknown = [k for k in kinds if k not in KIND_LABELS]
    if unknown:
        raise BadRequest(f"unknown kind {unknown[0]!r}; use one of: {', '.join(KIND_LABELS)}",
                         allowed=list(KIND_LABELS))
    return kinds


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name} must be a whole number, not {raw!r}") from None
    if not low <= value <= high:
        raise BadRequest(f"parameter {name} must be between {low} and {high}, not {value}")
    return value


def _wants_json() -> bool:
    asked = request.args.get("format")
    if asked:
        if asked not in ("json", "html"):
            raise BadRequest(f"format {asked!r} is not available here; use json or html")
        return asked == "json"
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == "application/json"


def _cached(version: str, key: tuple, make: Callable[[], bytes]) -> bytes:
    """The body for ``key`` from the per-process page cache, made (and kept) on a miss.

    Repeated searches (the popular words, the autocomplete's first letters) are answered without reading
    the index; keys carry the data version and the language, so nothing stale or in the wrong language
    is served.
    """
    cache = page_cache()
    full = ("search", version, i18n.current(), *key)
    body = cache.get(full)
    if body is None:
        body = make()
        cache.put(full, body, len(body))
    return body


@bp.get("/search")
def search() -> Response:
    """Search labels and quotes; ranked, with kind filters and paging (HTML or JSON)."""
    text = _query_arg()
    kinds = _kinds_arg()
    page = _int_arg("page", 1, 1, 10000)
    wants_json = _wants_json()
    version = backend().version()

    def make() -> bytes:
        idx = index()
        found = idx.page(text, kinds or None, (page - 1) * PAGE_SIZE, PAGE_SIZE) if text else None
        total = found.total if found else 0
        facets = found.facets if found else {}
        exact = found.exact if found else True
        at_least = sorted(found.at_least) if found else []
        labels = label_table(idx, found.hits) if found else LabelTable()
        shown = [describe_hit(h, labels) for h in found.hits] if found else []
        if wants_json:
            # A very common word: counting stops (exact=false; atLeast: the kinds whose count is a lower bound).
            return jsonify(query=text, kinds=kinds, page=page, pageSize=PAGE_SIZE, total=total, exact=exact,
                           atLeast=at_least, facets=facets, results=shown).get_data()
        facet_list = sorted(facets.items(), key=lambda kv: (-kv[1], kv[0]))
        return render_template("search.html", q=text, kinds=kinds, page=page, total=total, results=shown,
                               facets=facet_list, kind_label=kind_label, page_size=PAGE_SIZE,
                               has_next=page * PAGE_SIZE < total, exact=exact, at_least=at_least).encode()

    body = _cached(version, ("json" if wants_json else "html", text, tuple(kinds), page), make)
    response = Response(body, mimetype="application/json" if wants_json else "text/html")
    if wants_json:
        response.headers["X-Data-Version"] = version
    response.vary.add("Accept")
    return response


@bp.get("/api/suggest")
def suggest() -> Response:
    """Autocomplete: the best few resources whose names match ``q`` (JSON)."""
    text = _query_arg()
    limit = _int_arg("limit", 8, 1, MAX_SUGGEST)
    kinds = _kinds_arg() or None
    version = backend().version()

    def make() -> bytes:
        found = find(text, limit, kinds, exclude=() if kinds else SUGGEST_EXCLUDES) if text else []
        return jsonify(query=text, suggestions=found).get_data()

    response = Response(_cached(version, ("suggest", text, limit, tuple(kinds or ())), make),
                        mimetype="application/json")
    response.headers["X-Data-Version"] = version
    response.headers["Cache-Control"] = "public, max-age=60"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
