"""Canned queries over HTTP: ``/queries`` lists them, ``/queries/<name>`` answers one.

``/queries/<name>`` shows a form, the result table, a chart and the SPARQL text to a browser, and
answers JSON (``application/json``), CSV (``text/csv``) or SPARQL JSON
(``application/sparql-results+json``) by ``Accept``, by ``?_format=json|csv|srj|html`` or by a
``.json``/``.csv``/``.srj`` suffix. Results are paged with ``_page`` (from 1) and ``_size`` (rows per
page, up to the ``max_rows`` setting, or ``max``), with ``Link`` headers and next/prev links.

Parameter values are converted to their declared type and bound as RDF terms (see
:mod:`server.canned`); IRI parameters accept a full IRI, an ``/id/...`` path, a registry id such as
``vlaio`` or an exact name, and must denote an entity of the declared class. Results are cached per
process, keyed on the data version, the query and the bound values.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for
from pyoxigraph import Literal, NamedNode

from fundinggraph.store.remote import inject_values
from server import i18n
from server.canned import (
    CONTROL_PARAMETERS,
    CannedQuery,
    Parameter,
    ParameterError,
    ParameterErrors,
    bind,
    load_queries,
)
from server.canned_cache import result_cache
from server.canned_labels import labels_for
from server.canned_output import (
    Result,
    cell_text,
    chart_data,
    csv_text,
    format_number,
    json_rows,
    result_from_json,
    result_json,
    srj_text,
    visible_result,
)
from server.canned_shared import shared_results
from server.errors import BadRequest, NotAcceptable, NotFound
from server.labels import ALT_LABEL, LABEL_PREDICATES, QUOTE, LabelTable
from server.pagecache import page_cache, per_version
from server.store import backend, settings
from server.urls import page_url

bp = Blueprint("queries", __name__)

EXTENSION = "fundinggraph.queries"

#: Representations by short name (``?_format=`` and URL suffix) and media type.
MEDIA_TYPES = {
    "json": "application/json",
    "html": "text/html",
    "srj": "application/sparql-results+json",
    "csv": "text/csv",
}
#: Largest page number accepted (far beyond any result; keeps the arithmetic small).
MAX_PAGE = 1_000_000

i18n.add_messages({
    "queries.title": {"nl": "Vragen aan de graaf", "en": "Questions for the graph"},
    "queries.intro": {
        "nl": "Kant-en-klare vragen met parameters. Elke vraag is ook een API: voeg .json of .csv toe aan "
              "de URL, of zie de API-documentatie.",
        "en": "Ready-made questions with parameters. Every question is an API too: add .json or .csv to the "
              "URL, or see the API documentation.",
    },
    "queries.parameters": {"nl": "Parameters", "en": "Parameters"},
    "queries.run": {"nl": "Toon", "en": "Show"},
    "queries.any": {"nl": "— alle —", "en": "— any —"},
    "queries.choose": {"nl": "— kies —", "en": "— choose —"},
    "queries.required": {"nl": "verplicht", "en": "required"},
    "queries.results": {"nl": "Resultaat", "en": "Result"},
    "queries.rows": {"nl": "rijen", "en": "rows"},
    "queries.page": {"nl": "pagina", "en": "page"},
    "queries.of": {"nl": "van", "en": "of"},
    "queries.next": {"nl": "Volgende", "en": "Next"},
    "queries.prev": {"nl": "Vorige", "en": "Previous"},
    "queries.first": {"nl": "Eerste", "en": "First"},
    "queries.last": {"nl": "Laatste", "en": "Last"},
    "queries.shown": {"nl": "rijen {first}–{last} van {total}", "en": "rows {first}–{last} of {total}"},
    "queries.chart-links": {"nl": "De {shown} grootste van {total} stromen.", "en": "The {shown} largest of {total} flows."},
    "queries.chart-slices": {"nl": "De {shown} grootste van {total} delen.", "en": "The {shown} largest of {total} slices."},
    "queries.chart-categories": {"nl": "De eerste {shown} van {total} waarden, in de volgorde van de tabel.",
                                 "en": "The first {shown} of {total} values, in the order of the table."},
    "queries.none": {"nl": "Geen resultaten voor deze parameters.", "en": "No results for these parameters."},
    "queries.download": {"nl": "Download", "en": "Download"},
    "queries.sparql": {"nl": "De SPARQL-vraag", "en": "The SPARQL query"},
    "queries.bound": {
        "nl": "Parameters worden als getypeerde RDF-termen aan de variabelen gebonden, nooit in de tekst geplakt:",
        "en": "Parameters are bound to the variables as typed RDF terms, never pasted into the text:",
    },
    "queries.editor": {"nl": "Open in de query-editor", "en": "Open in the query editor"},
    "queries.chart": {"nl": "Grafiek", "en": "Chart"},
    "queries.missing": {"nl": "Kies eerst een waarde voor", "en": "First choose a value for"},
    "queries.truncated": {
        "nl": "Het resultaat is afgekapt op de limiet van de server (max_rows).",
        "en": "The result was cut off at the server's limit (max_rows).",
    },
    "queries.api": {"nl": "API-documentatie", "en": "API documentation"},
    "queries.example": {"nl": "bijvoorbeeld", "en": "for example"},
})


def init_app(app: Flask) -> None:
    """Parse every canned query once; a broken one stops the app from starting."""
    app.extensions[EXTENSION] = load_queries(app.config["SETTINGS"].queries_dir)
    # Compiled now, before a server forks its workers, rather than on each worker's first page (0.1 s).
    app.jinja_env.get_template("queries/query.html")


def all_queries() -> dict[str, CannedQuery]:
    """The parsed canned queries of this app, in display order."""
    return current_app.extensions[EXTENSION]


def get_query(name: str) -> CannedQuery:
    """The canned query ``name``.

    :raises NotFound: naming the known queries.
    """
    found = all_queries().get(name)
    if found is None:
        known = list(all_queries())
        raise NotFound(f"no canned query {name[:60]!r}; known: {', '.join(known)}", queries=known)
    return found


# -- IRI parameters: the entities of the declared classes --------------------------------------------------

# The entities of one class with their labels (the label predicates are our own constants; the class is
# bound as an RDF term). One query per class, not the site's label table of the whole graph.
ENTITIES_QUERY = (
    "SELECT ?entity ?predicate ?label ?class WHERE { ?entity a ?class . FILTER(isIRI(?entity)) "
    "OPTIONAL { ?entity ?predicate ?label . FILTER(isLiteral(?label) && ?predicate IN ("
    + ", ".join(f"<{p}>" for p in (*LABEL_PREDICATES, ALT_LABEL, QUOTE)) + ")) } }"
)
ENTITY_COUNT_QUERY = "SELECT ?class (COUNT(DISTINCT ?entity) AS ?count) WHERE { ?entity a ?class } GROUP BY ?class"
ENTITY_TYPES_QUERY = "SELECT ?class ?entity WHERE { ?entity a ?class }"
#: The fixed texts this module sends to the store besides the canned queries themselves.
INDEX_QUERIES = (ENTITIES_QUERY, ENTITY_COUNT_QUERY, ENTITY_TYPES_QUERY)

#: Most entities a form offers in a drop-down list; above it (45,000 organisations at 5M triples) the form
#: asks for a registry id, name, path or IRI in a text field.
MAX_OPTIONS = 500


@dataclass(frozen=True)
class Entity:
    """An entity a parameter may name: its IRI and the short identifier forms use."""

    iri: str
    ident: str


@dataclass
class EntityIndex:
    """The entities of some classes in one data version, their labels, and the names that resolve to them."""

    entities: dict[str, Entity] = field(default_factory=dict)
    by_slug: dict[str, list[str]] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=dict)
    labels: LabelTable = field(default_factory=LabelTable)


def _normal(text: str) -> str:
    return " ".join(text.casefold().split())


def _build_index(classes: tuple[str, ...]) -> EntityIndex:
    store = backend()
    base = settings().base_iri
    index = EntityIndex()
    found: dict[str, set[tuple[str, str, str]]] = {}
    for cls in classes:
        for row in store.select(ENTITIES_QUERY, {"class": NamedNode(cls)}):
            entity, predicate, label = row["entity"], row["predicate"], row["label"]
            if not isinstance(entity, NamedNode):
                continue
            texts = found.setdefault(entity.value, set())
            if isinstance(label, Literal) and predicate is not None:
                texts.add((label.value, label.language or "", predicate.value))
    for iri in sorted(found):
        slug = iri.rstrip("/").rsplit("/", 1)[-1]
        index.by_slug.setdefault(slug, []).append(iri)
        for entry in sorted(found[iri]):
            index.labels.labels[iri].append(entry)
            if entry[2] != QUOTE:
                names = index.by_name.setdefault(_normal(entry[0]), [])
                if iri not in names:
                    names.append(iri)
    for iri in sorted(found):
        slug = iri.rstrip("/").rsplit("/", 1)[-1]
        local = iri[len(base) - 1:] if iri.startswith(base) else iri
        index.entities[iri] = Entity(iri=iri, ident=slug if len(index.by_slug[slug]) == 1 else local)
    return index


def entity_index(classes: tuple[str, ...]) -> EntityIndex:
    """The entities of ``classes`` in the version being served (built once per process and version)."""
    return per_version("canned-entities " + " ".join(classes), backend().version(), lambda: _build_index(classes))


def entity_count(classes: tuple[str, ...]) -> int:
    """How many entities ``classes`` have in the version being served (an entity of two classes counts twice)."""
    def count() -> int:
        total = 0
        for cls in classes:
            for row in backend().select(ENTITY_COUNT_QUERY, {"class": NamedNode(cls)}):
                total += int(row["count"].value) if row["count"] is not None else 0
        return total
    return per_version("canned-entity-count " + " ".join(classes), backend().version(), count)


def _of_class(iri: str, classes: tuple[str, ...]) -> bool:
    """True when ``iri`` is an entity of one of ``classes`` (one small query, no index needed)."""
    try:
        entity = NamedNode(iri)
    except ValueError:  # not an IRI at all (a space, a quote, a '<'): names nothing
        return False
    rows = backend().select(ENTITY_TYPES_QUERY, {"entity": entity})
    return any(isinstance(row["class"], NamedNode) and row["class"].value in classes for row in rows)


def _class_names(param: Parameter) -> str:
    labels = labels_for(param.classes)
    return " / ".join(labels.label(c, "en") for c in param.classes)


def resolve(param: Parameter, text: str) -> NamedNode:
    """The entity a parameter value names (full IRI, ``/id/...`` path, registry id or exact name).

    A full IRI or a path is checked with one query; an id or a name is looked up in the entity index.

    :raises ParameterError: when it names nothing of the declared classes, or several things.
    """
    base = settings().base_iri
    candidates: list[str] = []
    host = request.host_url if request else ""
    iri = None
    if host and text.startswith(host + "id/"):
        iri = base + text[len(host):]
    elif text.startswith(("/id/", "id/")):
        iri = base + text.lstrip("/")
    elif text.startswith(("http://", "https://")):
        iri = text
    hint = ""
    if iri is not None:
        if _of_class(iri, param.classes):
            return NamedNode(iri)
    else:
        index = entity_index(param.classes)
        candidates = index.by_slug.get(text, []) or index.by_slug.get(text.lower(), []) \
            or index.by_name.get(_normal(text), [])
        if len(candidates) == 1:
            return NamedNode(candidates[0])
        close = difflib.get_close_matches(text.lower(), list(index.by_slug), n=3, cutoff=0.75)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
    what = _class_names(param)
    shown = text if len(text) <= 60 else text[:60] + "…"
    if len(candidates) > 1:
        index = entity_index(param.classes)
        options = ", ".join(index.entities[c].ident for c in candidates[:8])
        raise ParameterError(param.name, f"parameter {param.name}: {shown!r} names several things ({what}); "
                                         f"use one of: {options}")
    raise ParameterError(param.name, f"parameter {param.name}: no {what} {shown!r} in the data (give a registry "
                                     f"id such as {param.example or 'vlaio'}, an /id/... path or a full IRI){hint}")


# -- running ---------------------------------------------------------------------------------------------

_LIMIT_RE = re.compile(r"\b(LIMIT|OFFSET)\s+[0-9]+\s*$", re.IGNORECASE)


def limited(query: CannedQuery, limit: int) -> str:
    """The query text asking for at most ``limit`` rows (unless the query sets its own LIMIT or OFFSET).

    The limit is a number from the settings, never from a request. The engine still has to see every
    row of an ordered or grouped query; the limit saves turning the rows past it into Python objects.
    """
    body = query.body.rstrip()
    lines = [line.split("#", 1)[0] for line in body.split("\n")]
    if _LIMIT_RE.search("\n".join(lines).rstrip()):
        return query.body
    return body + f"\nLIMIT {int(limit)}\n"


def _result_bytes(result: Result) -> int:
    """A rough size of a result in memory (text of every term plus the objects around it)."""
    return sum(len(t.value) + 120 for row in result.rows for t in row if t is not None) + 80 * len(result.rows) + 1000


def run(query: CannedQuery, bindings: dict[str, NamedNode | Literal]) -> tuple[str, Result]:
    """The data version and the full result of ``query`` with ``bindings`` (up to ``max_rows`` rows).

    Computed once per process, data version and bound values (see :mod:`server.canned_cache`).
    """
    store = backend()
    version = store.version()
    key = ("canned", version, query.name, tuple(sorted((k, str(v)) for k, v in bindings.items())))

    def from_store() -> Result:
        limit = settings().max_rows
        rows = store.select(limited(query, limit + 1), bindings)
        truncated = len(rows) > limit
        names = [c.name for c in query.columns]
        return visible_result(query, names, [[row.get(n) for n in names] for row in rows[:limit]], truncated)

    def compute() -> tuple[Result, int]:
        shared = shared_results()
        if shared is None:
            result = from_store()
            return result, _result_bytes(result)
        # The text and the row limit are part of the file's key: a changed .rq file is another query.
        file_key = (key, hashlib.sha256(query.body.encode()).hexdigest(), settings().max_rows)
        with shared.claim(version, file_key) as path:
            text = shared.read(path) if path is not None else None
            result = result_from_json(query, text) if text is not None else None
            if result is None:
                result = from_store()
                if path is not None:
                    shared.write(path, result_json(result))
        return result, _result_bytes(result)

    return version, result_cache().get_or_compute(key, compute)


def chart_for(query: CannedQuery, bindings: dict[str, NamedNode | Literal], version: str, result: Result,
              lang: str) -> dict[str, Any] | None:
    """The chart of a result in ``lang`` (computed once per process, like the result)."""
    if query.chart is None:
        return None
    key = ("canned-chart", version, query.name, tuple(sorted((k, str(v)) for k, v in bindings.items())), lang)

    def compute() -> tuple[dict[str, Any] | None, int]:
        def labeller(iris: Iterable[str]):
            labels = labels_for(iris)
            return lambda iri: labels.label(iri, lang)
        chart = chart_data(query, result, labeller, lang)
        return chart, len(json.dumps(chart)) + 200

    return result_cache().get_or_compute(key, compute)


def _labeller(rows: Iterable[Sequence[Any]], lang: str):
    """A function from IRI to label in ``lang`` that knows every IRI of ``rows``."""
    labels = labels_for(term.value for row in rows for term in row if isinstance(term, NamedNode))
    return lambda iri: labels.label(iri, lang)


# -- the request ------------------------------------------------------------------------------------------

def _choose_format(suffix: str | None) -> str:
    if suffix:
        if suffix not in MEDIA_TYPES:
            raise NotFound(f"unknown format suffix .{suffix[:20]}; use .json, .csv or .srj")
        return suffix
    asked = request.args.get("_format")
    if asked is not None:
        if asked not in MEDIA_TYPES:
            raise NotAcceptable(f"_format {asked[:40]!r} is not available; use one of: {', '.join(MEDIA_TYPES)}")
        return asked
    accept = request.accept_mimetypes
    if not accept or accept.to_header() in ("", "*/*"):
        return "json"
    # JSON first: */* (curl, scripts) gets JSON; a browser ranks text/html higher.
    best = accept.best_match(["application/json", "text/html", "application/sparql-results+json", "text/csv"])
    if best is None:
        raise NotAcceptable(f"cannot produce {accept.to_header()[:100]!r}; available: {', '.join(MEDIA_TYPES.values())}")
    return next(name for name, media in MEDIA_TYPES.items() if media == best)


def _one(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise BadRequest(f"parameter {name}: given {len(values)} times; give it once", parameter=name)
    return values[0] if values else None


def _paging() -> tuple[int, int]:
    page_text, size_text = _one("_page"), _one("_size")
    limit = settings().max_rows
    page, size = 1, settings().page_size
    if page_text is not None:
        if not re.fullmatch(r"[0-9]{1,7}", page_text) or not 1 <= int(page_text) <= MAX_PAGE:
            raise BadRequest(f"_page must be a page number from 1 to {MAX_PAGE}, not {page_text[:20]!r}",
                             parameter="_page")
        page = int(page_text)
    if size_text is not None:
        if size_text == "max":
            size = limit
        elif not re.fullmatch(r"[0-9]{1,7}", size_text) or not 1 <= int(size_text) <= limit:
            raise BadRequest(f"_size must be a number of rows from 1 to {limit} (setting max_rows) or max, "
                             f"not {size_text[:20]!r}", parameter="_size")
        else:
            size = int(size_text)
    _check_lang()
    return page, size


def _check_lang() -> None:
    lang = _one("lang")
    if lang is not None and lang not in i18n.LANGUAGES:
        raise BadRequest(f"lang must be one of {', '.join(i18n.LANGUAGES)}, not {lang[:20]!r}", parameter="lang")


def _url(name: str, suffix: str | None, **changes: Any) -> str:
    """This request's URL with some arguments changed (``None`` removes one)."""
    args = {k: [v for v in values if v.strip()] for k, values in request.args.to_dict(flat=False).items()}
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = [str(value)]
    path = url_for("queries.answer", name=name + (f".{suffix}" if suffix else ""))
    query = urlencode([(k, v) for k, values in args.items() for v in values])
    return path + ("?" + query if query else "")


def _links(name: str, suffix: str | None, page: int, pages: int) -> dict[str, str]:
    links = {"first": _url(name, suffix, _page=None)}
    if page > 1:
        links["prev"] = _url(name, suffix, _page=page - 1 if page > 2 else None)
    if page < pages:
        links["next"] = _url(name, suffix, _page=page + 1)
    links["last"] = _url(name, suffix, _page=pages if pages > 1 else None)
    return links


def _bound_values(bindings: dict[str, NamedNode | Literal]) -> dict[str, str]:
    return {name: term.value for name, term in bindings.items()}


def _finish(response: Response, version: str, result: Result | None, links: dict[str, str] | None) -> Response:
    response.headers["X-Data-Version"] = version
    response.vary.add("Accept")
    response.vary.add("Accept-Language")
    response.vary.add("Cookie")
    if result is not None and result.truncated:
        response.headers["X-Result-Truncated"] = "true"
    if links:
        response.headers["Link"] = ", ".join(f'<{url}>; rel="{rel}"' for rel, url in links.items())
    response.headers["Cache-Control"] = "no-cache"
    tag = hashlib.blake2b(repr((version, request.full_path, i18n.current(), request.headers.get("Accept"))).encode(),
                          digest_size=12).hexdigest()
    response.set_etag(tag)
    return response


@bp.get("/queries")
@bp.get("/queries.<suffix>")
def index(suffix: str | None = None) -> Response | str:
    """List the canned queries (title and description in the request's language)."""
    fmt = _choose_format(suffix)
    _check_lang()
    if fmt in ("csv", "srj"):
        raise NotAcceptable("the list of queries is available as HTML or JSON")
    lang = i18n.current()
    items = [{
        "name": q.name,
        "title": q.title.get(lang),
        "description": q.description.get(lang),
        "url": url_for("queries.answer", name=q.name),
        "parameters": [{"name": p.name, "type": p.type, "required": p.required, "default": p.default,
                        "label": p.label.get(lang)} for p in q.parameters],
    } for q in all_queries().values()]
    if fmt == "json":
        response = current_app.response_class(json.dumps({"ok": True, "queries": items}, ensure_ascii=False) + "\n",
                                              mimetype="application/json")
        response.vary.add("Accept")
        return response
    html = render_template("queries/index.html", items=items, api_url=_api_url())
    response = Response(html, mimetype="text/html")
    response.vary.add("Accept")
    return response


def _api_url() -> str | None:
    return url_for("api.docs") if "api.docs" in current_app.view_functions else None


@bp.get("/queries/<path:name>")
def answer(name: str) -> Response:
    """Answer one canned query in the representation asked for (see the module docstring).

    A whole answer (page, JSON, CSV) is cached per data version, URL, format and language: the data
    only changes on reload, so a repeated request costs a dictionary lookup.
    """
    suffix = None
    if "." in name:
        name, _, suffix = name.partition(".")
    query = get_query(name)
    fmt = _choose_format(suffix)
    key = ("canned-answer", backend().version(), name, suffix, fmt, i18n.current(),
           tuple(sorted(request.args.items(multi=True))))
    cache = page_cache()
    hit = cache.get(key)
    if hit is not None:
        data, status, headers = hit
        return Response(data, status=status, headers=headers).make_conditional(request)
    response = _answer(query, fmt, suffix)
    if response.status_code == 200:
        data = response.get_data()
        cache.put(key, (data, 200, list(response.headers.items())), len(data))
    return response.make_conditional(request)


def _answer(query: CannedQuery, fmt: str, suffix: str | None) -> Response:
    name = query.name
    args = request.args.to_dict(flat=False)
    if fmt == "html":
        return _html(query, args, suffix)
    page, size = _paging()
    try:
        bindings = bind(query, args, resolve, CONTROL_PARAMETERS)
    except ParameterErrors as exc:
        raise BadRequest(str(exc), parameters=[{"name": e.name, "error": e.message} for e in exc.errors],
                         known=list(exc.known)) from None
    version, result = run(query, bindings)
    total = len(result.rows)
    pages = max(1, -(-total // size))
    rows = result.rows[(page - 1) * size: page * size]
    links = _links(name, suffix, page, pages)
    lang = i18n.current()
    label = _labeller(rows, lang)

    if fmt == "csv":
        body = csv_text(result, rows, label)
        response = Response(body, content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{name}.csv"'
    elif fmt == "srj":
        response = Response(srj_text(result, rows) + "\n", content_type="application/sparql-results+json; charset=utf-8")
    else:
        body = {
            "ok": True,
            "query": name,
            "title": query.title.get(lang),
            "parameters": _bound_values(bindings),
            "columns": [{"name": c.name, "type": c.type, "label": c.label.get(lang)} for c in result.columns],
            "rows": json_rows(result, rows, label),
            "page": page,
            "size": size,
            "total": total,
            "pages": pages,
            "truncated": result.truncated,
            "next": links.get("next"),
            "prev": links.get("prev"),
            "version": version,
        }
        response = Response(json.dumps(body, ensure_ascii=False) + "\n", content_type="application/json")
    return _finish(response, version, result, links)


# -- the HTML page ----------------------------------------------------------------------------------------

def _field(param: Parameter, raw: str | None, bound: NamedNode | Literal | None, lang: str) -> dict[str, Any]:
    """What the form shows for one parameter."""
    value = bound.value if bound is not None else (raw or "")
    widget: dict[str, Any] = {"name": param.name, "label": param.label.get(lang),
                              "description": param.description.get(lang), "required": param.required,
                              "type": param.type, "example": param.example}
    if param.type == "iri" and entity_count(param.classes) > MAX_OPTIONS:
        # Too many for a drop-down list: a text field that takes what resolve() takes.
        widget.update(widget="input", input_type="text", value=raw or param.default or "", min=None, max=None,
                      maxlength=None, step=None, inputmode=None)
    elif param.type == "iri":
        index = entity_index(param.classes)
        labels = index.labels
        options = sorted(((e.ident, labels.label(e.iri, lang), e.iri == value) for e in index.entities.values()),
                         key=lambda o: o[1].casefold())
        widget.update(widget="select", options=options, blank=not param.required or bound is None)
    elif param.values:
        current = raw if raw is not None else (param.default or "")
        if param.type == "concept" and bound is not None:
            current = bound.value.rsplit("/", 1)[-1]
        options = [(v, param.value_label(v, lang), v == current) for v in param.values]
        widget.update(widget="select", options=options, blank=param.default is None)
    elif param.type == "boolean":
        current = (raw or param.default or "").lower()
        yes, no = ("ja", "nee") if lang == "nl" else ("yes", "no")
        widget.update(widget="select", options=[("true", yes, current == "true"), ("false", no, current == "false")],
                      blank=param.default is None)
    else:
        kind = {"year": "number", "integer": "number", "decimal": "text", "string": "text"}[param.type]
        widget.update(widget="input", input_type=kind, value=raw if raw is not None else (param.default or ""),
                      min=param.minimum, max=param.maximum, maxlength=param.max_length if param.type == "string" else None,
                      step="1" if param.type in ("year", "integer") else None,
                      inputmode="decimal" if param.type == "decimal" else None)
    return widget


def _editor_url(query: CannedQuery, bindings: dict[str, NamedNode | Literal]) -> str:
    """A link that opens the bound query in the SPARQL editor (YASGUI reads ``#query=`` from the URL)."""
    from server.sparql import with_prologue

    text = with_prologue(inject_values(query.body.strip(), bindings)) + "\n"
    base = url_for("sparql.endpoint") if "sparql.endpoint" in current_app.view_functions else "/sparql"
    return base + "#query=" + quote(text, safe="")


def _html(query: CannedQuery, args: dict[str, list[str]], suffix: str | None) -> Response:
    lang = i18n.current()
    errors: list[ParameterError] = []
    missing: list[Parameter] = []
    bindings: dict[str, NamedNode | Literal] = {}
    status = 200
    try:
        page, size = _paging()
    except BadRequest as exc:
        errors.append(ParameterError(exc.details.get("parameter", "_page"), exc.message))
        page, size = 1, settings().page_size
    try:
        bindings = bind(query, args, resolve, CONTROL_PARAMETERS)
    except ParameterErrors as exc:
        for error in exc.errors:
            param = query.parameter(error.name)
            given = [v for v in args.get(error.name, []) if v.strip()]
            if param is not None and param.required and not given:
                missing.append(param)
            else:
                errors.append(error)
        if not errors:  # only required values missing: a form to fill in, not an error
            bindings = {}
    if errors:
        status = 400
    fields = []
    for param in query.parameters:
        raw_values = [v for v in args.get(param.name, []) if v.strip()]
        raw = raw_values[0] if raw_values else None
        bound = bindings.get(param.name)
        try:
            fields.append(_field(param, raw, bound, lang))
        except ParameterError:  # pragma: no cover - the index exists whenever resolve worked
            fields.append({"name": param.name, "widget": "input", "input_type": "text", "value": raw or ""})
    context: dict[str, Any] = {
        "query": query, "lang": lang, "fields": fields, "errors": errors, "missing": missing,
        "result": None, "api_url": _api_url(), "editor_url": None, "bound": [], "chart": None,
    }
    version = backend().version()
    links = None
    if not errors and not missing:
        version, result = run(query, bindings)
        total = len(result.rows)
        pages = max(1, -(-total // size))
        rows = result.rows[(page - 1) * size: page * size]
        links = _links(query.name, suffix, page, pages)
        label = _labeller(rows, lang)
        table = []
        for row in rows:
            cells = []
            for column, term in zip(result.columns, row, strict=True):
                if column.type == "iri" and isinstance(term, NamedNode):
                    cells.append({"text": label(term.value), "href": page_url(term.value),
                                  "title": term.value, "cls": ""})
                else:
                    numeric = column.type in ("amount", "decimal", "integer")
                    long_text = column.type in ("string", "text") and term is not None and len(term.value) > 60
                    cells.append({"text": cell_text(column, term, lang), "href": None, "title": None,
                                  "cls": "num" if numeric else ("quote-cell" if long_text else "")})
            table.append(cells)
        chart = chart_for(query, bindings, version, result, lang)
        chart_note = None
        if chart is not None:
            shown = len(chart.get("links") or chart.get("data") or chart.get("categories") or ())
            if chart["total"] > shown:
                key = {"sankey": "queries.chart-links", "pie": "queries.chart-slices"}.get(chart["type"],
                                                                                         "queries.chart-categories")
                chart_note = i18n.t(key).format(shown=_count(shown, lang), total=_count(chart["total"], lang))
        downloads = [(fmt, _url(query.name, fmt, _page=None, _size="max", _format=None))
                     for fmt in ("csv", "json", "srj")]
        context.update(
            result=result, table=table, total=total, page=page, pages=pages, size=size, links=links,
            shown=i18n.t("queries.shown").format(first=_count(min(total, (page - 1) * size + 1), lang),
                                                 last=_count(min(total, page * size), lang), total=_count(total, lang)),
            chart=chart, chart_note=chart_note, downloads=downloads,
            editor_url=_editor_url(query, bindings),
            bound=[(name, str(term)) for name, term in bindings.items()],
            headings=[c.label.get(lang) for c in result.columns],
            numeric=[c.type in ("amount", "decimal", "integer") for c in result.columns],
        )
    html = render_template("queries/query.html", **context)
    response = Response(html, status=status, mimetype="text/html")
    if status != 200:
        return response
    return _finish(response, version, context["result"], links)


def _count(number: int, lang: str) -> str:
    """A count as a reader writes it: 3.822 (nl), 3,822 (en)."""
    return format_number(Decimal(number), lang)


def query_names() -> Iterable[str]:
    """Names of the canned queries (for other blueprints, e.g. the OpenAPI document)."""
    return list(all_queries())
