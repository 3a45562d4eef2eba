"""The SPARQL 1.1 endpoint at ``/sparql``: protocol, formats, limits, service description, editor.

* Queries: ``GET ?query=``, ``POST`` form-encoded ``query=``, ``POST application/sparql-query``; dataset
  by ``default-graph-uri`` / ``named-graph-uri``. Results in the format ``Accept`` (or ``format=``)
  asks for; 406 when none fits. They run through :meth:`Backend.execute` (killable executor processes
  for the embedded store), never in this process.
* Limits: ``query_timeout`` (503 + ``Retry-After``), ``max_rows`` (``X-Result-Truncated``),
  ``max_request_bytes`` (413/414), ``SERVICE``/``LOAD`` only to ``service_allowlist`` (403, checked
  before anything runs: :mod:`server.sparql_policy`).
* Updates: ``POST update=`` / ``application/sparql-update``: 403 unless ``admin_token`` is set and sent
  as ``Authorization: Bearer``; applied as a small atomic reload (:meth:`Backend.update`).
* ``GET /sparql`` without a query: the YASGUI editor for browsers, the Service Description otherwise.
* Repeated queries come from a per-process cache keyed on the data version (:mod:`server.sparql_cache`).

See docs/SPARQL.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from pyoxigraph import NamedNode

from fundinggraph.namespaces import PREFIXES
from fundinggraph.store.embedded import StoreError
from fundinggraph.store.execution import (
    ExecutionError,
    QuerySyntaxError,
    QueryTimeout,
)
from server import sparql_policy
from server.errors import APIError, BadRequest, Forbidden, NotAcceptable, wants_html
from server.formats import FORMATS, negotiate
from server.i18n import add_messages, current
from server.sparql_cache import Entry, ResultCache
from server.sparql_sd import description, serialized
from server.store import backend, settings

bp = Blueprint("sparql", __name__)

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
#: Parameters whose value is an IRI of the dataset.
GRAPH_PARAMS = ("default-graph-uri", "named-graph-uri")
USING_PARAMS = ("using-graph-uri", "using-named-graph-uri")
#: Browser caches may reuse an answer this long; after that they revalidate with the ETag.
CACHE_CONTROL = "public, max-age=60"

add_messages({
    "sparql.title": {"nl": "SPARQL-editor", "en": "SPARQL editor"},
    "sparql.intro": {
        "nl": "Stel je eigen vragen aan de graaf in SPARQL. De voorbeelden staan in tabbladen; de prefixen "
              "hieronder zijn altijd gedeclareerd.",
        "en": "Ask the graph your own questions in SPARQL. The examples are in tabs; the prefixes below are "
              "always declared."},
    "sparql.limits": {
        "nl": "Grenzen: {timeout} s per vraag, {rows} rijen per antwoord. Alleen lezen.",
        "en": "Limits: {timeout} s per query, {rows} rows per answer. Read-only."},
    "sparql.machine": {
        "nl": "Voor programma's: dezelfde URL spreekt het SPARQL 1.1-protocol; zonder vraag geeft hij de "
              "servicebeschrijving.",
        "en": "For programs: the same URL speaks the SPARQL 1.1 Protocol; without a query it returns the "
              "service description."},
    "sparql.prefixes": {"nl": "Prefixen", "en": "Prefixes"},
    "sparql.noscript": {"nl": "De editor heeft JavaScript nodig.", "en": "The editor needs JavaScript."},
})


@dataclass(frozen=True)
class Operation:
    """One protocol request: a query or an update, and the dataset it names."""

    kind: str  # "query" or "update"
    text: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    using_graphs: tuple[str, ...] = ()


class URITooLong(APIError):
    status = 414


class UnsupportedMediaType(APIError):
    status = 415


class Unauthorized(APIError):
    status = 401


def init_app(app) -> None:
    s = app.config["SETTINGS"]
    app.extensions["fundinggraph.sparql_cache"] = ResultCache(s.cache_entries, s.cache_max_bytes,
                                                             s.cache_total_bytes)
    app.extensions["fundinggraph.sparql_accept"] = {}
    app.wsgi_app = FastPath(app, app.wsgi_app)  # type: ignore[method-assign]

    @app.before_request
    def _warm_executors() -> None:
        # Start the executor spare on this process's first request, so the first query does not wait.
        if not app.extensions.get("fundinggraph.sparql_warm"):
            app.extensions["fundinggraph.sparql_warm"] = True
            store = backend()
            if hasattr(store, "executors"):
                store.executors().pool(False).warm()


#: WSGI environ key the view sets when a response may be replayed by :class:`FastPath`.
REPLAYABLE = "fundinggraph.sparql.replayable"


class FastPath:
    """Answer a repeated ``GET /sparql?query=...`` before Flask routing, when the data is unchanged.

    The first time Flask answers a query GET with 200, the exact response (status, every header as the
    whole app set it, body) is kept under the raw query string and ``Accept`` header, with the data
    version. A later identical request on the same version gets those bytes back without routing,
    negotiation or parsing. Anything else (other paths, POST, conditional requests, a new version, a
    response that sets a cookie) goes through Flask as usual.
    """

    def __init__(self, app, wsgi_app):
        self.app = app
        self.wsgi_app = wsgi_app
        s = app.config["SETTINGS"]
        self.replays = ResultCache(s.cache_entries, s.cache_max_bytes, s.cache_total_bytes)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") != "/sparql" or environ.get("REQUEST_METHOD") != "GET" \
                or not environ.get("QUERY_STRING") or "HTTP_IF_NONE_MATCH" in environ:
            return self.wsgi_app(environ, start_response)
        key = (environ["QUERY_STRING"], environ.get("HTTP_ACCEPT", ""))
        store = self.app.extensions.get("fundinggraph.backend")
        if store is not None:
            try:
                version = store.version()
            except StoreError:
                version = None
            if version is not None:
                entry = self.replays.get(version, key)
                if entry is not None:
                    start_response("200 OK", [*entry.headers, ("X-Cache", "hit")])
                    return [entry.body]
        captured: dict[str, object] = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.wsgi_app(environ, capture)
        version = environ.get(REPLAYABLE)
        headers = captured.get("headers") or []
        if version and captured.get("status") == "200 OK" \
                and not any(name.lower() == "set-cookie" for name, _ in headers):  # type: ignore[union-attr]
            try:
                data = b"".join(body)  # a query result: bytes already in memory, bounded by max_rows
            finally:
                close = getattr(body, "close", None)
                if close is not None:
                    close()
            kept = tuple((name, value) for name, value in headers if name != "X-Cache")  # type: ignore[union-attr]
            self.replays.put(version, key, Entry(data, "", "", kept))
            return [data]
        return body


def _cache() -> ResultCache:
    return current_app.extensions["fundinggraph.sparql_cache"]


# -- reading the request -------------------------------------------------------------------------------
def _decode_params(raw: bytes, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise BadRequest(f"the {where} is not valid UTF-8 (percent-encode UTF-8 bytes only)") from None


def _url_params() -> list[tuple[str, str]]:
    raw = request.query_string
    limit = settings().max_request_bytes
    if len(raw) > limit:
        raise URITooLong(f"the query string has {len(raw)} bytes, more than the limit of {limit} "
                         "(setting max_request_bytes); send long queries with POST")
    return _decode_params(raw, "query string")


def _charset_is_utf8() -> None:
    charset = request.mimetype_params.get("charset")
    if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8"):
        raise UnsupportedMediaType(f"charset {charset} is not supported; send the request body as UTF-8")


def _body_text(what: str) -> str:
    _charset_is_utf8()
    try:
        return request.get_data().decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(f"the {what} in the request body is not valid UTF-8") from None


def _values(params: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in params if key == name]


def _graphs(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    graphs = tuple(_values(params, name))
    for iri in graphs:
        try:
            NamedNode(iri)
        except ValueError as exc:
            raise BadRequest(f"{name} {iri!r} is not an absolute IRI: {exc}") from None
        if ":" not in iri:
            raise BadRequest(f"{name} {iri!r} is not an absolute IRI")
    return graphs


def read_operation() -> Operation | None:
    """The query or update of this request (``None`` for a GET without one).

    :raise 400: both or several queries/updates, an empty one, an update by GET, bad UTF-8, a bad IRI.
    :raise 414: a query string over ``max_request_bytes``.
    :raise 415: a POST body of another media type.
    """
    params = _url_params()
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == FORM:
            _charset_is_utf8()
            params = params + _decode_params(request.get_data(), "form body")
            queries, updates = _values(params, "query"), _values(params, "update")
        elif mimetype == QUERY_TYPE:
            queries, updates = [_body_text("query"), *_values(params, "query")], _values(params, "update")
        elif mimetype == UPDATE_TYPE:
            queries, updates = _values(params, "query"), [_body_text("update"), *_values(params, "update")]
        else:
            got = f"Content-Type {mimetype}" if mimetype else "no Content-Type"
            raise UnsupportedMediaType(f"a POST to the SPARQL endpoint needs Content-Type {FORM}, {QUERY_TYPE} "
                                       f"or {UPDATE_TYPE}; the request has {got}")
    else:
        queries, updates = _values(params, "query"), _values(params, "update")
        if updates:
            raise BadRequest("a SPARQL Update must be sent with POST (application/sparql-update or a form "
                             "with update=), never with GET")
    if queries and updates:
        raise BadRequest("the request has both a query and an update; send one operation per request")
    if len(queries) > 1 or len(updates) > 1:
        raise BadRequest("the request has more than one query or update; send exactly one")
    if not queries and not updates:
        if request.method == "POST":
            raise BadRequest("the request has no query (query=, or a body of type application/sparql-query) "
                             "and no update")
        return None
    kind, text = ("query", queries[0]) if queries else ("update", updates[0])
    if not text.strip():
        raise BadRequest(f"the {kind} is empty")
    if kind == "query":
        defaults, named = _graphs(params, "default-graph-uri"), _graphs(params, "named-graph-uri")
        if defaults or named:
            # A protocol dataset replaces the service's: what is not named is not in it.
            return Operation(kind, text, defaults, named)
        return Operation(kind, text, None, None)
    using = tuple(iri for name in USING_PARAMS for iri in _graphs(params, name))
    return Operation(kind, text, None, None, using)


# -- formats -------------------------------------------------------------------------------------------
#: ``format=`` values per result kind, beside our short names and media types. Clients such as
#: SPARQLWrapper send ``format=xml`` or ``format=json`` whatever the query form, meaning the XML or JSON
#: flavour of whatever the result is.
FORMAT_WORDS: dict[str, dict[str, str]] = {
    "results": {"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv", "tsv": "tsv"},
    "rdf": {"json": "jsonld", "json-ld": "jsonld", "jsonld": "jsonld", "xml": "rdfxml", "rdf+xml": "rdfxml",
            "rdf": "rdfxml", "rdfxml": "rdfxml", "owl": "rdfxml", "turtle": "turtle", "ttl": "turtle",
            "n3": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples", "nq": "nquads",
            "nquads": "nquads", "n-quads": "nquads", "trig": "trig"},
}


def _format_named(value: str, kind: str) -> str | None:
    """The media type of the ``kind`` format that a ``format=`` value names, if any."""
    value = value.strip().lower()
    for fmt in FORMATS:
        if fmt.kind == kind and (value == fmt.media_type or value in fmt.aliases):
            return fmt.media_type
    name = FORMAT_WORDS[kind].get(value)
    return next(f.media_type for f in FORMATS if f.name == name) if name else None


def _formats() -> tuple[str | None, str | None]:
    """Media types for a SELECT/ASK result and for a graph result that this request accepts.

    ``format=`` (one or more values; the first that names a format of each kind wins) overrides
    ``Accept``. Memoised per (format, Accept).
    """
    asked = request.args.getlist("format")
    if request.mimetype == FORM:
        asked += request.form.getlist("format")
    key = (tuple(asked), request.headers.get("Accept", ""))
    memo = current_app.extensions["fundinggraph.sparql_accept"]
    found = memo.get(key)
    if found is None:
        if asked:
            chosen = [next((m for m in (_format_named(v, kind) for v in asked) if m), None)
                      for kind in ("results", "rdf")]
        else:
            chosen = []
            for kind in ("results", "rdf"):
                try:
                    chosen.append(negotiate((kind,)).media_type)
                except NotAcceptable:
                    chosen.append(None)
            if chosen[1] is None and request.accept_mimetypes["application/json"]:
                chosen[1] = "application/ld+json"  # plain JSON for a graph: JSON-LD
        if chosen == [None, None]:
            offered = ", ".join(f.media_type for f in FORMATS if f.kind in ("results", "rdf"))
            what = f"format {asked[0]!r}" if asked else f"Accept {key[1]!r}"
            raise NotAcceptable(f"cannot answer a SPARQL query in {what}; available: {offered} (or format=json, "
                                "xml, csv, tsv, turtle, ntriples, jsonld, rdfxml, nquads, trig)")
        found = (chosen[0], chosen[1])
        if len(memo) < 256:
            memo[key] = found
    return found


def _content_type(media_type: str) -> str:
    for fmt in FORMATS:
        if fmt.media_type == media_type:
            return fmt.content_type
    return media_type


# -- responses -----------------------------------------------------------------------------------------
def _respond(entry: Entry, version: str, hit: bool) -> Response:
    if request.if_none_match and request.if_none_match.contains(entry.etag.strip('"')):
        response = Response(status=304)
    else:
        response = Response(entry.body, content_type=entry.content_type)
        request.environ[REPLAYABLE] = version
    headers = response.headers
    headers["ETag"] = entry.etag
    headers["X-Data-Version"] = version
    headers["Cache-Control"] = CACHE_CONTROL
    headers["Vary"] = "Accept"
    headers["X-Cache"] = "hit" if hit else "miss"
    for name, value in entry.headers:
        headers[name] = value
    return response


def _api_error(exc: ExecutionError) -> APIError:
    details: dict[str, object] = {}
    message = exc.message
    if isinstance(exc, QuerySyntaxError):
        if exc.line is not None:
            details = {"line": exc.line, "column": exc.column}
            message = f"syntax error at line {exc.line}, column {exc.column}: " + re.sub(r"^error at \d+:\d+: ", "", message)
        else:
            message = f"syntax error: {message}"
    error = APIError(message, exc.status, **details)
    if exc.setting:
        limit = getattr(settings(), exc.setting)
        error.message = f"{message} (setting {exc.setting} = {limit:g}{' s' if 'timeout' in exc.setting else ''})"
        error.details = {"setting": exc.setting, "limit": limit}
    if exc.status == 503:
        error.headers["Retry-After"] = str(max(1, int(settings().query_timeout)))
    if exc.status >= 500 and not isinstance(exc, QueryTimeout):
        current_app.logger.error("SPARQL %s: %s", type(exc).__name__, exc.message)
    return error


def run_query(op: Operation) -> Response:
    """Answer a query: from the cache, else checked by the SERVICE policy and run by the backend."""
    s = settings()
    results_format, graph_format = _formats()
    store = backend()
    version = store.version()
    key = (op.text, op.default_graphs, op.named_graphs, results_format, graph_format)
    cache = _cache()
    entry = cache.get(version, key)
    if entry is not None:
        return _respond(entry, version, hit=True)
    _check_depth(op.text)
    try:
        allowed = sparql_policy.check(op.text, s.service_allowlist)
    except sparql_policy.Refused as exc:
        raise Forbidden(exc.message, line=exc.target.line, column=exc.target.column) from None
    try:
        result = store.execute(op.text, results_format=results_format, graph_format=graph_format,
                               default_graphs=op.default_graphs, named_graphs=op.named_graphs,
                               base_iri=s.base_iri, timeout=s.query_timeout, max_rows=s.max_rows,
                               network=bool(allowed))
    except ExecutionError as exc:
        raise _api_error(exc) from None
    headers: list[tuple[str, str]] = [("X-Result-Count", str(result.count))]
    if result.truncated:
        headers += [
            ("X-Result-Truncated", "true"),
            ("X-Result-Limit", str(s.max_rows)),
            ("Warning", f'199 - "result truncated to {s.max_rows} rows or triples (setting max_rows)"'),
        ]
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=12).hexdigest()
    entry = Entry(result.body, _content_type(result.media_type), f'"{result.version}-{digest}"', tuple(headers))
    cache.put(result.version, key, entry)
    return _respond(entry, result.version, hit=False)


def _check_depth(text: str) -> None:
    """Refuse (400) a text nested deeper than the parser can take, before it reaches an executor."""
    try:
        sparql_policy.check_depth(text, settings().max_query_depth)
    except sparql_policy.TooDeep as exc:
        raise BadRequest(exc.message, line=exc.line, column=exc.column) from None


def run_update(op: Operation) -> Response:
    """Apply an authorised update as a new data version.

    :raise 403: no admin token configured, a wrong token, or a LOAD/SERVICE target not allowed.
    :raise 401: the token is configured but the request sends none.
    """
    s = settings()
    if not s.admin_token:
        raise Forbidden("this SPARQL endpoint is read-only: updates are switched off (setting admin_token is "
                        "not configured)")
    auth = request.headers.get("Authorization", "")
    if not auth.lower().startswith("bearer "):
        error = Unauthorized("a SPARQL Update needs the admin token: send Authorization: Bearer <token>")
        error.headers["WWW-Authenticate"] = 'Bearer realm="fundinggraph SPARQL Update"'
        raise error
    if not hmac.compare_digest(auth[7:].strip().encode("utf-8"), s.admin_token.encode("utf-8")):
        raise Forbidden("the bearer token is not the admin token; the update was not applied")
    if op.using_graphs:
        raise BadRequest("using-graph-uri and using-named-graph-uri are not supported; write USING <...> or "
                         "USING NAMED <...> in the update itself")
    _check_depth(op.text)
    try:
        allowed = sparql_policy.check(op.text, s.service_allowlist, update=True)
    except sparql_policy.Refused as exc:
        raise Forbidden(exc.message, line=exc.target.line, column=exc.target.column) from None
    try:
        outcome = backend().update(op.text, base_iri=s.base_iri, timeout=s.update_timeout, network=bool(allowed))
    except ExecutionError as exc:
        raise _api_error(exc) from None
    current_app.logger.warning("SPARQL Update applied: version %s (unchanged: %s)", outcome.version,
                               outcome.unchanged)
    response = jsonify(ok=True, version=outcome.version, unchanged=outcome.unchanged, triples=outcome.triples,
                       seconds=round(outcome.seconds, 3))
    response.headers["X-Data-Version"] = outcome.version
    response.headers["Cache-Control"] = "no-store"
    return response


def service_description() -> Response:
    """The Service Description in the RDF format asked for (Turtle by default)."""
    asked = request.args.get("format")
    try:
        fmt = negotiate(("rdf",), default="turtle")
    except NotAcceptable:
        if asked is None and request.accept_mimetypes.best_match([f.media_type for f in FORMATS if f.kind == "results"]):
            raise BadRequest("the request has no query: add query=... (without one, GET /sparql returns the "
                             "service description in an RDF format)") from None
        raise
    s = settings()
    store = backend()
    try:
        triples = store.triple_count()
    except StoreError:  # the description stays useful before the first load
        triples = None
    root = request.url_root
    body = serialized(description(s, root + "sparql", triples, root), fmt.rdf)  # type: ignore[arg-type]
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def editor(query: str | None = None) -> str:
    """The YASGUI editor page (optionally opening ``query``)."""
    s = settings()
    return render_template("sparql.html", query=query or "", prefixes=PREFIXES, settings_base_iri=s.base_iri,
                           timeout=f"{s.query_timeout:g}", max_rows=s.max_rows,
                           examples_url=url_for("sparql.examples", lang=current()),
                           endpoint_url=url_for("sparql.endpoint"))


def _vary_accept(html: str) -> Response:
    response = Response(html, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    """The SPARQL 1.1 Protocol endpoint (see the module docstring and docs/SPARQL.md)."""
    op = read_operation()
    if op is None:
        if not request.args.get("format") and wants_html():
            return _vary_accept(editor())
        return service_description()
    if op.kind == "update":
        return run_update(op)
    if op.kind == "query" and request.method == "GET" and not request.args.get("format") and wants_html():
        return _vary_accept(editor(op.text))  # a browser following a query link gets the editor with it
    return run_query(op)


# -- examples for the editor -----------------------------------------------------------------------------
#: Shown when no canned queries are configured (queries_dir missing or empty).
FALLBACK_EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("Wie financiert wie", "Who funds whom", """SELECT ?funderLabel ?recipientLabel (SUM(?amount) AS ?total)
WHERE {
  ?flow a fg:FundingFlow ; fg:funder ?funder ; fg:recipient ?recipient ; fg:amount ?amount .
  ?funder rdfs:label ?funderLabel . ?recipient rdfs:label ?recipientLabel .
}
GROUP BY ?funderLabel ?recipientLabel
ORDER BY DESC(?total)
LIMIT 20"""),
    ("Klassen", "Classes", """SELECT ?class (COUNT(?s) AS ?n)
WHERE { ?s a ?class }
GROUP BY ?class
ORDER BY DESC(?n)"""),
    ("Bronnen", "Sources", """SELECT ?doc ?title ?file
WHERE {
  ?doc a fg:SourceDocument ; fg:sourceFile ?file .
  OPTIONAL { ?doc dcterms:title ?title }
}
ORDER BY ?file"""),
)

_PREFIX_USE = re.compile(r"(?<![\w?$<:#/.-])([A-Za-z][\w-]*):(?!//)")


def with_prologue(body: str) -> str:
    """``body`` with PREFIX lines for the prefixes it uses (the server declares them anyway)."""
    stripped = re.sub(r'"[^"\n]*"|<[^>\s]*>|#[^\n]*', " ", body)
    used = [p for p in PREFIXES if p in set(_PREFIX_USE.findall(stripped))]
    declared = {m.lower() for m in re.findall(r"(?im)^\s*PREFIX\s+([\w-]*):", body)}
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in used if p.lower() not in declared]
    return ("\n".join(lines) + "\n\n" + body.lstrip("\n")) if lines else body


def _canned_examples(lang: str) -> list[dict[str, object]]:
    # The queries blueprint parsed them once at start; read the directory only without it.
    queries = current_app.extensions.get("fundinggraph.queries")
    if queries is None:
        directory: Path = settings().queries_dir
        if not directory.is_dir() or not any(directory.glob("*.rq")):
            return []
        from server.canned import load_queries

        queries = load_queries(directory)
    out = []
    for query in queries.values():
        chart = None
        if query.chart is not None:
            chart = {"type": query.chart.type, "label": query.chart.label, "value": list(query.chart.value)}
        out.append({"name": query.title.get(lang), "query": with_prologue(query.body.strip()) + "\n",
                    "description": query.description.get(lang), "chart": chart})
    return out


@bp.get("/sparql/examples.json")
def examples() -> Response:
    """Example queries for the editor's tabs: the canned queries (else a few built-in ones)."""
    lang = current()
    items = _canned_examples(lang)
    if not items:
        items = [{"name": en if lang == "en" else nl, "query": with_prologue(text) + "\n", "description": "",
                  "chart": None} for nl, en, text in FALLBACK_EXAMPLES]
    response = jsonify(examples=items, prefixes=PREFIXES)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


__all__ = ["Operation", "bp", "read_operation", "run_query", "run_update"]
