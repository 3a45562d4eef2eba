"""Every IRI of ours dereferences: ``/id/<path>`` for data, ``/def/<path>`` for vocabulary concepts.

One URL per resource, with direct content negotiation (no 303 redirect): browsers get the HTML page,
RDF clients get Turtle, JSON-LD, N-Triples or RDF/XML by ``Accept`` (``Vary: Accept``). People can
ask for one representation with ``?format=turtle`` or an extension (``/id/organisation/dyzo.ttl``).
Unknown resources answer 404 with search suggestions; bad paths (dot segments, overlong) 400/414.
``/source/<document-slug>.txt`` serves the text of a source document exactly as it was loaded.
See docs/PAGES.md.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, render_template, request
from pyoxigraph import NamedNode, serialize

from fundinggraph.config import VOCAB_BASE
from server import i18n
from server.canned_shared import shared_results
from server.describe import (
    DESCRIPTION_PREDICATES,
    DOCUMENT_FACTS,
    EXCERPT_SUPPORTS,
    EXTERNAL_PREDICATES,
    FG,
    INCOMING_PREVIEW,
    PAGE_SIZE,
    RDF,
    Value,
    document_lines,
    document_text_by_slug,
    excerpt_from,
    incoming_counts,
    incoming_groups,
    incoming_page,
    load_facts,
    outgoing,
    property_rows,
    provenance,
    rdf_description,
    used_prefixes,
    value_of,
)
from server.entity_sections import (
    budget_section,
    conditions_section,
    funding_section,
    results_section,
    statements_section,
)
from server.errors import APIError, BadRequest, NotAcceptable, NotFound
from server.formats import FORMATS, Format, by_name, negotiate
from server.labels import format_amount, table
from server.pagecache import page_cache
from server.store import backend, settings
from server.urls import page_url

bp = Blueprint("entities", __name__)

#: Longest resource path accepted (our IRIs are far shorter; gunicorn refuses request lines over 8190).
MAX_PATH = 1024
#: Representations of a resource and their extensions.
RESOURCE_KINDS = ("html", "rdf")
RDF_FORMATS = [f for f in FORMATS if f.name in ("turtle", "jsonld", "ntriples", "rdfxml")]
EXTENSIONS = {f.extension: f for f in FORMATS if f.name in ("turtle", "jsonld", "ntriples", "rdfxml", "html")}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")

i18n.add_messages({
    "entity.kinds": {"nl": "Soort", "en": "Kind"},
    "entity.also_known_as": {"nl": "Ook bekend als", "en": "Also known as"},
    "entity.properties": {"nl": "Eigenschappen", "en": "Properties"},
    "entity.incoming": {"nl": "Verwijzingen naar deze pagina", "en": "Links to this resource"},
    "entity.all": {"nl": "alle", "en": "all"},
    "entity.external": {"nl": "Externe links", "en": "External links"},
    "entity.provenance": {"nl": "Bronnen", "en": "Sources"},
    "entity.this": {"nl": "dit gegeven zelf", "en": "this resource itself"},
    "entity.lines": {"nl": "r.", "en": "l."},
    "entity.download": {"nl": "Gegevens", "en": "Data"},
    "entity.document_facts": {"nl": "Gegevens uit dit document", "en": "Facts taken from this document"},
    "entity.supports": {"nl": "onderbouwt", "en": "supports"},
    "entity.source_text": {"nl": "Brontekst", "en": "Source text"},
    "entity.raw_text": {"nl": "ruwe tekst", "en": "raw text"},
    "entity.no_text": {"nl": "De brontekst is hier niet beschikbaar.", "en": "The source text is not available here."},
    "entity.context": {"nl": "In de brontekst", "en": "In the source text"},
    "entity.label_fallback": {"nl": "Geen Nederlandse naam; getoond in een andere taal.",
                              "en": "No English name; shown in another language."},
    "entity.page": {"nl": "pagina", "en": "page"},
    "entity.of": {"nl": "van", "en": "of"},
    "entity.not_found": {"nl": "Onbekende pagina", "en": "Unknown resource"},
})


class URITooLong(APIError):
    status = 414


@bp.app_template_filter("amount")
def _amount_filter(value: Any) -> str:
    return format_amount(value) if value is not None and value != "" else ""


@bp.app_template_filter("page")
def _page_filter(iri: str) -> str:
    return page_url(iri)


# -- routing ----------------------------------------------------------------------------------------
@bp.route("/id/<path:path>", methods=["GET", "HEAD"])
def resource(path: str) -> Response:
    """The page or RDF description of the data resource ``<base>id/<path>``."""
    return _serve("id/", path, lambda rest: settings().base_iri + "id/" + rest)


@bp.route("/def/<path:path>", methods=["GET", "HEAD"])
def concept(path: str) -> Response:
    """The page or RDF description of the vocabulary concept ``<vocab>/<path>`` (``/def/theme/clusters``)."""
    return _serve("def/", path, lambda rest: VOCAB_BASE + "/" + rest)


@bp.route("/source/<name>", methods=["GET", "HEAD"])
def source_text(name: str) -> Response:
    """The text of a source document exactly as loaded (``/source/<document-slug>.txt``)."""
    if not name.endswith(".txt") or not _SLUG.match(name[:-4]):
        raise NotFound(f"no source text {name!r}; names look like /source/<document-slug>.txt")
    found = document_text_by_slug(name[:-4])
    if found is None:
        raise NotFound(f"no source text for document {name[:-4]!r} here")
    file_name, text = found
    response = Response(text, mimetype="text/plain")
    response.headers["Content-Disposition"] = f'inline; filename="{file_name}"'
    response.headers["X-Data-Version"] = backend().version()
    response.add_etag()
    return response.make_conditional(request)


def _check_path(path: str) -> None:
    if len(path) > MAX_PATH:
        raise URITooLong(f"the resource path is {len(path)} characters long; at most {MAX_PATH} are accepted")
    segments = path.split("/")
    if any(s in (".", "..") for s in segments) or "\\" in path or "\x00" in path:
        raise BadRequest("dot segments ('.', '..'), backslashes and NUL are not allowed in resource paths")
    if any(s == "" for s in segments):
        raise BadRequest("empty path segments are not allowed in resource paths")


def _named(iri: str) -> NamedNode:
    try:
        return NamedNode(iri)
    except ValueError:
        raise BadRequest(f"not a valid IRI: {iri!r}") from None


def _serve(prefix: str, path: str, to_iri) -> Response:
    _check_path(path)
    store = backend()
    fixed: Format | None = None
    rest = path
    stem, dot, extension = path.rpartition(".")
    # Our slugs have no dots, so a known extension names a representation; a resource whose own
    # path ends like that (none today) still wins.
    if dot and "/" not in extension and extension in EXTENSIONS and stem and not _exists(_named(to_iri(path))):
        fixed, rest = EXTENSIONS[extension], stem
    iri = _named(to_iri(rest))
    if fixed is not None and request.args.get("format"):
        raise BadRequest("give either a file extension or ?format=, not both")
    fmt = fixed or _negotiate()
    negotiated = fixed is None and not request.args.get("format")
    incoming, page = _page_args()  # checked for every representation: bad input is a 400 everywhere
    if fmt.kind == "html":
        response = _html_response(iri, prefix + rest, incoming, page)
    else:
        response = _rdf_response(iri, fmt)
    if negotiated:
        response.vary.add("Accept")
    response.headers["X-Data-Version"] = store.version()
    base = page_url(iri.value)
    response.headers["Link"] = ", ".join(
        f'<{base}.{f.extension}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS
    )
    response.add_etag()
    return response.make_conditional(request)


def _negotiate() -> Format:
    """HTML for browsers (and ``*/*``), RDF by ``Accept``; plain ``application/json`` gets JSON-LD."""
    try:
        return negotiate(RESOURCE_KINDS, default="html")
    except NotAcceptable:
        if request.accept_mimetypes.accept_json and not request.args.get("format"):
            return by_name("jsonld")  # type: ignore[return-value]
        raise


def _exists(iri: NamedNode) -> bool:
    store = backend()
    return store.ask("ASK { ?e ?p ?o }", {"e": iri}) or store.ask("ASK { ?s ?p ?e }", {"e": iri})


def _not_found(iri: NamedNode, path: str) -> NotFound:
    from server.search import suggestions

    words = path.rsplit("/", 1)[-1].replace("-", " ")
    found = suggestions(words, limit=8)
    return NotFound(f"{iri.value} is not in the graph", iri=iri.value,
                    suggestions=[{"label": s["label"], "iri": s["iri"], "page": s["page"], "kind": s["kind"]}
                                 for s in found])


# -- RDF ------------------------------------------------------------------------------------------
def _rdf_response(iri: NamedNode, fmt: Format) -> Response:
    cache = page_cache()
    key = ("rdf", backend().version(), iri.value, fmt.name)
    body = cache.get(key)
    if body is None:
        triples = rdf_description(iri)
        if not triples:
            raise _not_found(iri, iri.value)
        body = serialize(triples, format=fmt.rdf, prefixes=used_prefixes(triples))
        cache.put(key, body, len(body))
    return Response(body, content_type=fmt.content_type)


# -- HTML -----------------------------------------------------------------------------------------
def _page_args() -> tuple[str | None, int]:
    incoming = request.args.get("in") or None
    raw = request.args.get("page", "1")
    try:
        page = int(raw)
    except ValueError:
        raise BadRequest(f"parameter page must be a whole number, not {raw!r}") from None
    if not 1 <= page <= 100000:
        raise BadRequest(f"parameter page must be between 1 and 100000, not {page}")
    if incoming is not None:
        _named(incoming)
    return incoming, page


def _html_response(iri: NamedNode, path: str, incoming: str | None, page: int) -> Response:
    cache = page_cache()
    key = ("html", backend().version(), iri.value, i18n.current(), incoming, page)
    html = cache.get(key)
    if html is None:
        html = _shared_page(key, lambda: render_template("entity.html", **entity_context(iri, path, incoming, page)))
        cache.put(key, html, len(html))
    return Response(html, mimetype="text/html")


#: Seconds a page must take to render before it is shared with the other workers as a file: cheap pages
#: are rendered again instead, so the files stay few (the expensive pages) rather than one per page seen.
SHARE_SLOWER_THAN = 0.05


def _shared_page(key: tuple, render: Callable[[], str]) -> bytes:
    """A page rendered once per machine and data version when it is expensive: the first worker renders
    it, the others wait for it and read its file (at 5M triples a busy funder's page takes ~1 s to render;
    without sharing each worker pays that while the others serve)."""
    shared = shared_results()
    if shared is None:
        return render().encode("utf-8")
    with shared.claim(key[1], ("entity-page", *key)) as path:
        text = shared.read(path) if path is not None else None
        if text is None:
            started = time.perf_counter()
            text = render()
            if path is not None and time.perf_counter() - started > SHARE_SLOWER_THAN:
                shared.write(path, text)
    return text.encode("utf-8")


def entity_context(iri: NamedNode, path: str, incoming: str | None, page: int) -> dict[str, Any]:
    """Everything the entity page shows (a few queries; labels from the label table)."""
    labels = table()
    triples = outgoing(iri)
    counts = incoming_counts(iri)
    if not triples and not counts:
        raise _not_found(iri, path)
    types = [o for p, o in triples if p == RDF + "type" and isinstance(o, NamedNode)]
    type_iris = {t.value for t in types}
    title = labels.label(iri.value)
    lang = i18n.current()
    own = labels.all_labels(iri.value)
    title_in_lang = any(text == title and tag == lang for text, tag, _ in own)
    also = sorted({text for text, _, _ in own if text != title})
    description = _description(triples)
    context: dict[str, Any] = {
        "iri": iri.value, "title": title, "label_fallback": bool(own) and not title_in_lang,
        "types": [value_of(t, labels) for t in types], "also": also, "description": description,
        "properties": property_rows(triples), "external": _external(triples),
        "formats": [(f.name, f.media_type, f"{page_url(iri.value)}.{f.extension}") for f in RDF_FORMATS],
        "page_url": page_url(iri.value), "charts": [], "incoming_param": incoming, "page": page,
        "page_size": PAGE_SIZE, "preview": INCOMING_PREVIEW,
    }
    if incoming:
        context["incoming_list"] = incoming_page(iri, incoming, page)
        context["incoming_label"] = labels.label(incoming)
        context["incoming_total"] = counts.get(incoming, 0)
        return context
    facts = load_facts(iri)
    funding = funding_section(iri.value, facts, labels)
    results = results_section(facts, labels)
    budget = budget_section(facts, labels)
    context.update(funding=funding, results=results, budget=budget,
                   statements=statements_section(facts, labels),
                   conditions=conditions_section(iri.value, facts, labels),
                   provenance=provenance(iri), incoming=incoming_groups(iri, counts))
    for section in (funding, results, budget):
        if section and section.get("chart") is not None:
            context["charts"].append(section["chart"].spec())
    if FG + "SourceDocument" in type_iris:
        context["document"] = _document(iri, triples, page)
    if FG + "SourceExcerpt" in type_iris:
        context["excerpt"] = _excerpt(iri, triples)
    return context


def _description(triples: list[tuple[str, Any]]) -> str | None:
    for predicate in DESCRIPTION_PREDICATES:
        texts = [(o.value, o.language or "") for p, o in triples if p == predicate and hasattr(o, "language")]
        if texts:
            return i18n.pick(texts)
    return None


def _external(triples: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    labels = table()
    out = []
    for predicate, obj in triples:
        if predicate in EXTERNAL_PREDICATES and isinstance(obj, NamedNode):
            href = page_url(obj.value)
            out.append({"predicate": labels.label(predicate), "href": href, "text": obj.value,
                        "host": obj.value.split("/")[2] if obj.value.count("/") >= 2 else obj.value})
    return sorted(out, key=lambda e: (e["predicate"], e["text"]))


def _document(iri: NamedNode, triples: list[tuple[str, Any]], page: int) -> dict[str, Any]:
    """Every excerpt of a document with what it supports, and the text with line anchors."""
    labels = table()
    excerpts: dict[str, dict[str, Any]] = {}
    for row in backend().select(DOCUMENT_FACTS, {"e": iri}):
        row = dict(row, doc=iri)
        item = excerpts.get(row["x"].value)
        if item is None:
            item = excerpts[row["x"].value] = {"excerpt": excerpt_from(row, labels), "supports": []}
        if row["f"] is not None and row["f"].value not in {v.iri for v in item["supports"]}:
            item["supports"].append(value_of(row["f"], labels))
    ordered = sorted(excerpts.values(), key=lambda i: (i["excerpt"].start, i["excerpt"].end, i["excerpt"].iri))
    lines = document_lines(iri, triples)
    quoted: set[int] = set()
    for item in ordered:
        quoted.update(range(item["excerpt"].start, item["excerpt"].end + 1))
    slug = iri.value.rsplit("/", 1)[-1]
    return {
        "items": ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "total": len(ordered),
        "pages": max(1, -(-len(ordered) // PAGE_SIZE)), "lines": lines, "quoted": quoted,
        "raw_href": f"/source/{slug}.txt" if lines is not None else None,
    }


def _excerpt(iri: NamedNode, triples: list[tuple[str, Any]]) -> dict[str, Any]:
    """The excerpt in its context (three lines around it) and what it supports."""
    labels = table()
    get = {p: o for p, o in triples}
    doc = get.get(PREFIX_DCTERMS + "source")
    start = int(get[FG + "startLine"].value) if FG + "startLine" in get else 0
    end = int(get[FG + "endLine"].value) if FG + "endLine" in get else start
    context_lines: list[tuple[int, str]] = []
    if isinstance(doc, NamedNode):
        lines = document_lines(doc)
        if lines is not None:
            low, high = max(1, start - 3), min(len(lines), end + 3)
            context_lines = [(n, lines[n - 1]) for n in range(low, high + 1)]
    supports = [value_of(row["f"], labels) for row in backend().select(EXCERPT_SUPPORTS, {"e": iri})]
    supports.sort(key=lambda v: v.text.casefold())
    return {"doc": value_of(doc, labels) if doc is not None else None,
            "doc_href": f"{page_url(doc.value)}#L{start}" if isinstance(doc, NamedNode) else None,
            "start": start, "end": end, "context": context_lines, "supports": supports,
            "quote": get[FG + "quote"].value if FG + "quote" in get else ""}


PREFIX_DCTERMS = "http://purl.org/dc/terms/"


__all__ = ["Value", "bp", "entity_context"]
