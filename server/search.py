"""Search over every label and quote, and the autocomplete API of the search box.

``/search?q=...&kind=...&page=...`` (HTML, or JSON with ``Accept: application/json`` / ``?format=json``)
and ``/api/suggest?q=...&limit=...&kind=...`` (JSON, used by ``static/js/search.js``). Both read the
in-memory index of :mod:`server.search_index`, built once per process and data version from one
SPARQL query over ``skos:prefLabel``, ``rdfs:label``, ``skos:altLabel``, ``foaf:name``,
``dcterms:title`` and ``fg:quote``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request

from server import i18n
from server.errors import BadRequest
from server.labels import table
from server.pagecache import per_version
from server.search_index import Hit, SearchIndex, normalise
from server.store import backend, settings
from server.urls import page_url

bp = Blueprint("search", __name__)

#: Longest query accepted (characters).
MAX_QUERY = 200
PAGE_SIZE = 20
MAX_SUGGEST = 50
#: Kinds the autocomplete offers unless asked otherwise (quotes are for the full search page).
SUGGEST_EXCLUDES = ("excerpt",)

INDEX_QUERY = """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel fg:quote }
  ?s ?p ?l . FILTER(isLiteral(?l) && isIRI(?s))
}
"""

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
})


def kind_label(kind: str) -> str:
    """The name of a kind of resource in the request's language."""
    entry = KIND_LABELS.get(kind)
    return entry.get(i18n.current(), entry["en"]) if entry else kind


def _build_index() -> SearchIndex:
    rows = backend().select(INDEX_QUERY)
    return SearchIndex.build(
        ((r["s"].value, r["l"].value, r["l"].language or "", r["p"].value) for r in rows if r["s"] and r["l"]),
        settings().base_iri,
    )


def index() -> SearchIndex:
    """The search index of the data version being served (built once per process and version)."""
    return per_version("search-index", backend().version(), _build_index)


_EXCERPT_PATH = re.compile(r"id/excerpt/(?P<doc>[^/]+)/(?P<start>\d+)-(?P<end>\d+)-")


def describe_hit(hit: Hit) -> dict[str, Any]:
    """A search hit as the page and the JSON API show it."""
    labels = table()
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
                exclude: tuple[str, ...] = SUGGEST_EXCLUDES) -> list[dict[str, Any]]:
    """The best ``limit`` hits for ``text`` (used by the autocomplete and by 404 pages)."""
    hits = [h for h in index().search(text, kinds) if h.kind not in exclude]
    return [describe_hit(h) for h in hits[:limit]]


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


@bp.get("/search")
def search() -> Response | str:
    """Search labels and quotes; ranked, with kind filters and paging (HTML or JSON)."""
    text = _query_arg()
    idx = index()
    kinds = _kinds_arg()
    page = _int_arg("page", 1, 1, 10000)
    hits = idx.search(text) if text else []
    facets: dict[str, int] = {}
    for hit in hits:
        facets[hit.kind] = facets.get(hit.kind, 0) + 1
    if kinds:
        hits = [h for h in hits if h.kind in kinds]
    total = len(hits)
    shown = [describe_hit(h) for h in hits[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]]
    if _wants_json():
        response = jsonify(query=text, kinds=kinds, page=page, pageSize=PAGE_SIZE, total=total,
                           facets=facets, results=shown)
        response.headers["X-Data-Version"] = backend().version()
        response.vary.add("Accept")
        return response
    facet_list = sorted(facets.items(), key=lambda kv: (-kv[1], kv[0]))
    html = render_template("search.html", q=text, kinds=kinds, page=page, total=total, results=shown,
                           facets=facet_list, kind_label=kind_label, page_size=PAGE_SIZE,
                           has_next=page * PAGE_SIZE < total)
    response = Response(html, mimetype="text/html")
    response.vary.add("Accept")
    return response


@bp.get("/api/suggest")
def suggest() -> Response:
    """Autocomplete: the best few resources whose names match ``q`` (JSON)."""
    text = _query_arg()
    limit = _int_arg("limit", 8, 1, MAX_SUGGEST)
    kinds = _kinds_arg() or None
    found = suggestions(text, limit, kinds, exclude=() if kinds else SUGGEST_EXCLUDES) if text else []
    response = jsonify(query=text, suggestions=found)
    response.headers["X-Data-Version"] = backend().version()
    response.headers["Cache-Control"] = "public, max-age=60"
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    return response
