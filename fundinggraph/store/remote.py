"""A remote SPARQL 1.1 store as the backend: any endpoint speaking the SPARQL 1.1 Protocol.

Layout in the remote store (``<base>`` is the base IRI)::

    GRAPH <base>graph/<version>   one complete version of the dataset per successful load
    GRAPH <base>graph/meta        <base>id/dataset/fundinggraph fg:currentGraph <base>graph/<version> ;
                                      dcat:hasVersion <base>graph/<version> ...
                                  <base>graph/<version> dcterms:created ... ; void:triples 42234 .

A load (:func:`publish_remote`) writes a *new* named graph, checks that every triple arrived, and only
then moves the ``fg:currentGraph`` pointer with one SPARQL Update ``DELETE/INSERT`` (applied atomically
by the store), then drops versions beyond ``keep_versions``. Readers (:class:`RemoteBackend`, one per web
process) read the pointer, cache it for ``remote_pointer_ttl`` seconds, and send every query with
``default-graph-uri=<current graph>``: they see one complete version or the next, never half of one.

Trusted queries bind their parameters as typed terms: :func:`inject_values` adds a ``VALUES`` block
built from the terms' N-Triples form (pyoxigraph escapes it) at the start of the outermost ``WHERE``
group, so a value is always data, never query text.
"""

from __future__ import annotations

import calendar
import contextlib
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests
from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Triple,
    parse,
    parse_query_results,
    serialize,
)
from requests.adapters import HTTPAdapter

from fundinggraph.config import Settings
from fundinggraph.namespaces import PREFIXES, XSD, sparql_prologue
from fundinggraph.store.backend import Backend, Bindings, Row
from fundinggraph.store.embedded import StoreError, canonical_dump, content_hash
from fundinggraph.store.execution import (
    Execution,
    QuerySyntaxError,
    QueryTimeout,
    ResultNotAcceptable,
    ServiceFailed,
    Unsupported,
    UpdateConflict,
    UpdateOutcome,
)

#: Reading and writing a whole version may take much longer than one interactive query.
LOAD_TIMEOUT = 600.0
#: Seconds to wait for a TCP connection to the store before calling it unreachable.
CONNECT_TIMEOUT = 5.0
#: A load lock older than this is considered abandoned (a killed loader) and may be taken over.
STALE_LOCK_SECONDS = 3600.0
#: Triples per ``INSERT DATA`` request when loading through SPARQL Update (no Graph Store endpoint).
UPDATE_CHUNK = 5000
#: Request bodies larger than this are uploads: sending them may take as long as the whole time limit.
UPLOAD_BYTES = 64 * 1024

USER_AGENT = "fundinggraph (remote store backend)"


class RemoteError(StoreError):
    """The remote store cannot be used now (unreachable, timed out, refused): the web tier answers 503."""


class RemoteTimeout(RemoteError):
    """The remote store did not answer within the time limit."""


# -- binding parameters: a VALUES block at the start of the outermost WHERE group ----------------------
_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<word>[A-Za-z_][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: Query and update forms whose first brace group is a template, not the pattern.
_TEMPLATE_FORMS = {"CONSTRUCT", "INSERT", "DELETE"}


def term_text(term: object) -> str:
    """The SPARQL text of a typed RDF term (its N-Triples form, escaped by pyoxigraph).

    :raises ValueError: for anything but an IRI or a literal (blank nodes cannot be bound).
    """
    if isinstance(term, (NamedNode, Literal)):
        return str(term)
    if isinstance(term, BlankNode):
        raise ValueError("a blank node cannot be bound as a query parameter")
    raise ValueError(f"query parameters must be pyoxigraph NamedNode or Literal terms, not {type(term).__name__}")


def values_block(bindings: Mapping[str, object]) -> str:
    """``VALUES (?a ?b) { (<iri> "text"@nl) }`` for ``bindings``.

    :raises ValueError: for a variable name that is not a plain SPARQL variable name, or a bad term.
    """
    names = list(bindings)
    for name in names:
        if not _VARNAME.fullmatch(name):
            raise ValueError(f"not a SPARQL variable name: {name!r}")
    terms = " ".join(term_text(bindings[name]) for name in names)
    return "VALUES (" + " ".join("?" + n for n in names) + ") { (" + terms + ") }"


def _tokens(text: str) -> Iterator[tuple[str, str, int, int]]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            yield kind, match.group(), match.start(), match.end()


def where_group(query: str) -> tuple[int, int]:
    """Offsets of the opening and closing brace of the outermost WHERE group of ``query``.

    Template groups (``CONSTRUCT { }``, ``DELETE { } INSERT { }``) are skipped; strings, IRIs and
    comments are never mistaken for braces.

    :raises ValueError: when the query has no WHERE group.
    """
    form = None
    seen_where = False
    depth = 0
    start = None
    for kind, text, begin, _ in _tokens(query):
        if kind == "word" and depth == 0:
            upper = text.upper()
            if form is None and upper in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "INSERT", "DELETE", "WITH"}:
                form = "DELETE" if upper == "WITH" else upper
            elif upper == "WHERE":
                seen_where = True
            elif upper == "DATA" and form in ("INSERT", "DELETE"):
                raise ValueError(f"{form} DATA has no WHERE group to bind parameters in")
        elif kind == "open":
            if depth == 0 and start is None and (seen_where or form not in _TEMPLATE_FORMS):
                start = begin
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth < 0:
                raise ValueError("unbalanced '}' in the query")
            if depth == 0 and start is not None:
                return start, begin
    raise ValueError("the query has no WHERE group to bind parameters in")


def inject_values(query: str, bindings: Bindings | None) -> str:
    """``query`` with ``bindings`` (name -> typed term) as a VALUES block at the start of its WHERE group.

    A sub-select that is the whole group is wrapped (``{ VALUES ... { SELECT ... } }``) because the
    grammar allows nothing beside it.
    """
    if not bindings:
        return query
    open_at, close_at = where_group(query)
    if _short_construct(query, open_at):
        raise ValueError("CONSTRUCT WHERE (short form) cannot take parameters; write the template")
    block = values_block(bindings)
    inner = query[open_at + 1 : close_at]
    first = next(_tokens(inner), None)
    if first is not None and first[0] == "word" and first[1].upper() == "SELECT":
        return query[: open_at + 1] + " " + block + " {" + inner + "} " + query[close_at:]
    return query[: open_at + 1] + " " + block + " " + query[open_at + 1 :]


def _short_construct(query: str, open_at: int) -> bool:
    """True for ``CONSTRUCT WHERE { }``: a CONSTRUCT whose first group is its pattern (no template)."""
    before = list(_tokens(query[:open_at]))
    is_construct = any(kind == "word" and text.upper() == "CONSTRUCT" for kind, text, _, _ in before)
    return is_construct and not any(kind == "open" for kind, _, _, _ in before)


# -- the HTTP side ------------------------------------------------------------------------------------
def redact(url: str) -> str:
    """``url`` without the password of ``user:password@`` (credentials are sent, never shown)."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)([^/@:]*):[^/@]*@", r"\1\2:***@", url, flags=re.IGNORECASE)


def default_update_url(query_url: str) -> str:
    """Oxigraph's layout: ``.../query`` answers queries and ``.../update`` updates."""
    if query_url.rstrip("/").endswith("/query"):
        return query_url.rstrip("/")[: -len("query")] + "update"
    return query_url


class SparqlClient:
    """SPARQL 1.1 Protocol and Graph Store Protocol over one pooled HTTP session."""

    def __init__(self, settings: Settings):
        self.query_url = settings.remote_query_url
        self.update_url = settings.remote_update_url or default_update_url(settings.remote_query_url)
        self.store_url = settings.remote_store_url
        self.timeout = settings.query_timeout
        self.session = requests.Session()
        # One connection per web thread, reused (keep-alive) across requests.
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=max(4, settings.threads * 2), max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, url: str, timeout: float, what: str, *, upload: bool = False,
                **kwargs) -> requests.Response:
        """Send one request; any HTTP status comes back, network failures raise :class:`RemoteError`."""
        # urllib3 sends the request body under the connect timeout: a large upload to a busy store
        # needs the whole limit for that, not the few seconds a connection takes.
        connect = timeout if upload else min(CONNECT_TIMEOUT, timeout)
        try:
            return self.session.request(method, url, timeout=(connect, timeout), **kwargs)
        except requests.Timeout as exc:
            if isinstance(exc, requests.ConnectTimeout):
                raise RemoteError(f"remote store {redact(url)} unreachable ({what}): connection timed out") from None
            raise RemoteTimeout(f"remote store {redact(url)} did not answer {what} within {timeout:g} s") from None
        except requests.ConnectionError as exc:
            state = "dropped the connection" if "aborted" in str(exc).lower() else "unreachable"
            raise RemoteError(f"remote store {redact(url)} {state} ({what}): {_reason(exc)}") from None

    def _send(self, method: str, url: str, timeout: float, what: str, **kwargs) -> requests.Response:
        response = self.request(method, url, timeout, what, **kwargs)
        if response.status_code == 400:
            raise SyntaxError(f"remote store {redact(url)} refused {what}: {_excerpt(response)}")
        if response.status_code >= 300:
            raise RemoteError(f"remote store {redact(url)} answered {response.status_code} to {what}: {_excerpt(response)}")
        return response

    def query(self, query: str, accept: str, default_graph: str | None = None, timeout: float | None = None,
              stream: bool = False) -> requests.Response:
        """POST ``query`` (form-encoded, SPARQL 1.1 Protocol) with an optional ``default-graph-uri``."""
        form = {"query": query}
        if default_graph:
            form["default-graph-uri"] = default_graph
        return self._send("POST", self.query_url, timeout or self.timeout, "a query", data=form,
                          headers={"Accept": accept}, stream=stream)

    def update(self, update: str, timeout: float = LOAD_TIMEOUT) -> None:
        """POST a SPARQL Update (form-encoded)."""
        self._send("POST", self.update_url, timeout, "an update", data={"update": update},
                   upload=len(update) > UPLOAD_BYTES).close()

    def put_graph(self, graph: str, data: bytes, timeout: float = LOAD_TIMEOUT) -> None:
        """Replace ``graph`` with ``data`` (N-Triples) through the Graph Store Protocol."""
        self._send("PUT", self.store_url, timeout, "a graph upload", params={"graph": graph}, data=data, upload=True,
                   headers={"Content-Type": "application/n-triples"}).close()

    def get_graph(self, graph: str, accept: str, timeout: float = LOAD_TIMEOUT) -> requests.Response:
        """GET ``graph`` through the Graph Store Protocol (streamed)."""
        return self._send("GET", self.store_url, timeout, "a graph download", params={"graph": graph},
                          headers={"Accept": accept}, stream=True)


#: What the endpoint asks the remote store for: line formats, so rows can be counted and cut.
LINE_FORMATS = "text/tab-separated-values, application/n-triples;q=0.9"
#: Older names some stores answer with for the same two formats (Virtuoso writes N-Triples as text/plain).
MEDIA_ALIASES = {"text/tsv": "text/tab-separated-values", "text/plain": "application/n-triples",
                 "text/ntriples": "application/n-triples", "text/x-nt": "application/n-triples"}


def _read_lines(response: requests.Response, limit: int, deadline: float, timeout: float) -> tuple[bytes, bool, int]:
    """Read complete lines up to ``limit`` before ``deadline``; (text, cut short, lines)."""
    parts: list[bytes] = []
    lines = 0
    pending = b""
    chunks = response.iter_content(1 << 16)
    try:
        for chunk in chunks:
            if time.monotonic() > deadline:
                raise QueryTimeout(f"the query did not finish within {timeout:g} s", setting="query_timeout")
            pending += chunk
            *complete, pending = pending.split(b"\n")
            if lines + len(complete) >= limit:
                parts += [line + b"\n" for line in complete[: limit - lines]]
                more = len(complete) > limit - lines or pending or next(chunks, b"")
                return b"".join(parts), bool(more), limit
            parts += [line + b"\n" for line in complete]
            lines += len(complete)
    except requests.exceptions.ConnectionError as exc:
        if "timed out" in str(exc).lower():
            raise QueryTimeout(f"the query did not finish within {timeout:g} s", setting="query_timeout") from None
        raise ServiceFailed(f"the remote store broke off its answer: {_reason(exc)}") from None
    if pending.strip():
        parts.append(pending + b"\n")
        lines += 1
    return b"".join(parts), False, lines


def _syntax_error(message: str, prologue_lines: int) -> QuerySyntaxError:
    """A syntax error with its position in the user's text (our prologue lines taken off)."""
    match = re.search(r"(?:error )?at (\d+):(\d+)", message)
    if not match or int(match.group(1)) <= prologue_lines:
        return QuerySyntaxError(message)
    line, column = int(match.group(1)) - prologue_lines, int(match.group(2))
    text = message[: match.start()] + f"error at {line}:{column}" + message[match.end():]
    return QuerySyntaxError(text.strip(), line, column)


def _execution_error(response: requests.Response, prologue_lines: int) -> Exception:
    text = response.text.strip()
    if response.status_code == 400:
        return _syntax_error(text.split("\n", 1)[0][:1000], prologue_lines)
    if response.status_code == 406:
        return ResultNotAcceptable(f"the remote store cannot answer in {LINE_FORMATS}: {text[:300]}")
    return ServiceFailed(f"the remote store answered {response.status_code}: {text[:500] or response.reason}")


def _reason(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"\[Errno [-\d]+\] [^')\]\"]+|Connection refused|Name or service not known", text)
    return match.group() if match else text[:200]


def _excerpt(response: requests.Response) -> str:
    text = response.text.strip().replace("\n", " ")
    return text[:400] or response.reason


# -- the reader: the Backend of a web process ----------------------------------------------------------
def dataset_iri(settings: Settings) -> NamedNode:
    return NamedNode(settings.base_iri + "id/dataset/fundinggraph")


def meta_graph(settings: Settings) -> NamedNode:
    return NamedNode(settings.base_iri + "graph/meta")


def version_graph(settings: Settings, version: str) -> NamedNode:
    return NamedNode(settings.base_iri + "graph/" + version)


POINTER_QUERY = """SELECT ?graph ?triples WHERE {
  GRAPH ?meta { ?dataset fg:currentGraph ?graph OPTIONAL { ?graph void:triples ?triples } } }"""


@dataclass(frozen=True)
class Pointer:
    version: str
    graph: str
    triples: int | None
    read_at: float


class RemoteBackend(Backend):
    """The current version in a remote SPARQL store; one per process, safe to share between threads."""

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.client = SparqlClient(settings)
        self._lock = threading.Lock()
        self._pointer: Pointer | None = None

    # -- the pointer ----------------------------------------------------------------------------------
    def pointer(self) -> Pointer:
        """The current version, re-read from the meta graph at most every ``remote_pointer_ttl`` seconds.

        :raises StoreError: before the first load, or when the store cannot be reached.
        """
        cached = self._pointer
        ttl = self.settings.remote_pointer_ttl
        if cached is not None and time.monotonic() - cached.read_at < ttl:
            return cached
        with self._lock:
            cached = self._pointer
            if cached is not None and time.monotonic() - cached.read_at < ttl:
                return cached
            rows = self._select(POINTER_QUERY, {"meta": meta_graph(self.settings),
                                                "dataset": dataset_iri(self.settings)}, None)
            if not rows or rows[0]["graph"] is None:
                raise StoreError(f"no data loaded yet into the remote store {redact(self.client.query_url)}: run "
                                 "`fundinggraph load --backend remote` with the same remote settings")
            graph = rows[0]["graph"].value
            prefix = self.settings.base_iri + "graph/"
            version = graph[len(prefix):] if graph.startswith(prefix) else graph
            triples = rows[0]["triples"]
            self._pointer = Pointer(version, graph, int(triples.value) if triples is not None else None,
                                    time.monotonic())
            return self._pointer

    def version(self) -> str:
        return self.pointer().version

    def current_graph(self) -> str:
        """IRI of the named graph holding the version being served."""
        return self.pointer().graph

    # -- trusted queries ------------------------------------------------------------------------------
    def _select(self, query: str, bindings: Bindings | None, graph: str | None) -> list[Row]:
        text = sparql_prologue() + inject_values(query, bindings)
        response = self.client.query(text, QueryResultsFormat.JSON.media_type, graph)
        solutions = parse_query_results(response.content, format=QueryResultsFormat.JSON)
        if isinstance(solutions, QueryBoolean):
            raise TypeError("select() was given an ASK query; use ask()")
        names = [v.value for v in solutions.variables]
        return [{name: solution[name] for name in names} for solution in solutions]

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        return self._select(query, bindings, self.current_graph())

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        text = sparql_prologue() + inject_values(query, bindings)
        response = self.client.query(text, QueryResultsFormat.JSON.media_type, self.current_graph())
        result = parse_query_results(response.content, format=QueryResultsFormat.JSON)
        if not isinstance(result, QueryBoolean):
            raise TypeError("ask() was given a SELECT query; use select()")
        return bool(result)

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        text = sparql_prologue() + inject_values(query, bindings)
        response = self.client.query(text, RdfFormat.N_TRIPLES.media_type, self.current_graph())
        return [quad.triple for quad in parse(response.content, format=RdfFormat.N_TRIPLES)]

    def triple_count(self) -> int:
        pointer = self.pointer()
        if pointer.triples is not None:
            return pointer.triples
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"].value)

    # -- untrusted SPARQL from the public endpoint ----------------------------------------------------
    def execute(self, query: str, *, results_format: str | None, graph_format: str | None,
                default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
                base_iri: str | None = None, timeout: float, max_rows: int, network: bool = False) -> Execution:
        """Forward the query to the remote store on the current version's graph, capped in time and rows.

        The store answers in line formats (TSV for solutions and booleans, N-Triples for graphs), read
        only up to ``max_rows`` lines and within ``timeout`` seconds in all; pyoxigraph then writes the
        requested format. ``SERVICE`` calls are made by the remote store itself (the endpoint has
        already checked them against the allow-list).
        """
        pointer = self.pointer()
        prologue = (f"BASE {NamedNode(base_iri)}\n" if base_iri else "") + sparql_prologue()
        form: list[tuple[str, str]] = [("query", prologue + query)]
        if default_graphs is None:
            # The served version is the default graph; with no named-graph-uri the dataset has no named
            # graphs, as in the embedded store (the store's other versions and meta graph stay out of sight).
            form.append(("default-graph-uri", pointer.graph))
        else:
            graphs = list(default_graphs) or [self.settings.base_iri + "graph/empty"]
            form += [("default-graph-uri", iri) for iri in graphs]
        form += [("named-graph-uri", iri) for iri in named_graphs or ()]
        deadline = time.monotonic() + timeout
        try:
            response = self.client.request("POST", self.client.query_url, timeout, "a query", data=form,
                                           headers={"Accept": LINE_FORMATS}, stream=True)
        except RemoteTimeout:
            raise QueryTimeout(f"the query did not finish within {timeout:g} s", setting="query_timeout") from None
        with response:
            if response.status_code != 200:
                raise _execution_error(response, prologue.count("\n"))
            media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            media = MEDIA_ALIASES.get(media, media)
            limit = max_rows + 1 if media == "text/tab-separated-values" else max_rows
            text, cut, lines = _read_lines(response, limit, deadline, timeout)
        if media == "text/tab-separated-values":
            result = parse_query_results(text, format=QueryResultsFormat.TSV)
            kind = "an ASK query gives a boolean result" if isinstance(result, QueryBoolean) else \
                "a SELECT query gives a table of solutions"
            if not results_format:
                raise ResultNotAcceptable(f"{kind}, and no SPARQL results format was accepted")
            target = QueryResultsFormat.from_media_type(results_format)
            if isinstance(result, QueryBoolean):
                return Execution(results_format, result.serialize(format=target), False, pointer.version, 1)
            body = text if target == QueryResultsFormat.TSV and not cut else result.serialize(format=target)
            return Execution(results_format, body, cut, pointer.version, max(0, lines - 1))
        if media == "application/n-triples":
            if not graph_format:
                raise ResultNotAcceptable("a CONSTRUCT or DESCRIBE query gives an RDF graph, and no RDF format "
                                          "was accepted")
            target_rdf = RdfFormat.from_media_type(graph_format)
            body = text if target_rdf == RdfFormat.N_TRIPLES and not cut else serialize(
                parse(text, format=RdfFormat.N_TRIPLES), format=target_rdf, prefixes=PREFIXES)
            return Execution(graph_format, body, cut, pointer.version, lines)
        raise ServiceFailed(f"the remote store answered in {media or 'no media type'}, not {LINE_FORMATS}")

    def update(self, update: str, *, base_iri: str | None = None, timeout: float,
               network: bool = False) -> UpdateOutcome:
        """Apply an authorised update to a copy of the current version and publish the copy as the next one.

        The copy is updated in this process by pyoxigraph, which cannot be interrupted: the time limit
        is checked when it returns, and an update that took too long is not published.
        """
        from pyoxigraph import Store

        started = time.monotonic()
        stores = RemoteStores(self.settings, self.client)
        try:
            with stores.lock(wait=False):
                work = Store()
                work.load(self._export(RdfFormat.N_TRIPLES), format=RdfFormat.N_TRIPLES)
                try:
                    work.update(update, base_iri=base_iri, prefixes=PREFIXES)
                except SyntaxError as exc:
                    raise _syntax_error(str(exc), 0) from None
                if time.monotonic() - started > timeout:
                    raise QueryTimeout(f"the update took longer than {timeout:g} s; nothing was published",
                                       setting="update_timeout")
                if any(True for _ in work.named_graphs()):
                    raise Unsupported("the remote backend serves the default graph only; an update that "
                                      "writes named graphs is not published")
                published = stores.publish(canonical_dump(work, RdfFormat.N_TRIPLES, from_graph=DefaultGraph()))
        except RemoteLoadInProgress as exc:
            raise UpdateConflict(str(exc)) from None
        self._pointer = None
        return UpdateOutcome(published.version, published.unchanged, published.triples, time.monotonic() - started)

    # -- whole-graph export (dumps, admin updates) ----------------------------------------------------
    def _graph_response(self, fmt: RdfFormat) -> tuple[Pointer, requests.Response]:
        """The current version in ``fmt``, streamed (Graph Store ``GET`` when configured, else CONSTRUCT)."""
        pointer = self.pointer()
        if self.client.store_url:
            return pointer, self.client.get_graph(pointer.graph, fmt.media_type)
        return pointer, self.client.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", fmt.media_type,
                                          pointer.graph, timeout=LOAD_TIMEOUT, stream=True)

    def _export(self, fmt: RdfFormat) -> bytes:
        _, response = self._graph_response(fmt)
        with response:
            return response.content

    def download(self, path: Path, fmt: RdfFormat) -> str:
        """Write the current version to ``path`` in ``fmt`` (N-Triples or Turtle); return the version."""
        pointer, response = self._graph_response(fmt)
        with response, open(path, "wb") as out:
            for chunk in response.iter_content(1 << 16):
                out.write(chunk)
        return pointer.version

    def close(self) -> None:
        self.client.close()


# -- the writer: atomic publishing of a new version ----------------------------------------------------
@dataclass(frozen=True)
class RemotePublishResult:
    version: str
    path: str
    triples: int
    unchanged: bool
    seconds: float


class RemoteLoadInProgress(RemoteError):
    pass


LOCK_READ = """SELECT ?lock ?created ?holder WHERE { GRAPH ?meta { ?dataset fg:loadLock ?lock .
  OPTIONAL { ?lock dcterms:created ?created } OPTIONAL { ?lock rdfs:label ?holder } } }"""

LOCK_TAKE = """INSERT { GRAPH ?meta { ?dataset fg:loadLock ?lock . ?lock dcterms:created ?now ; rdfs:label ?holder } }
WHERE { FILTER NOT EXISTS { GRAPH ?meta { ?dataset fg:loadLock ?other } } }"""

LOCK_STEAL = """DELETE { GRAPH ?meta { ?dataset fg:loadLock ?old . ?old ?p ?o } }
INSERT { GRAPH ?meta { ?dataset fg:loadLock ?lock . ?lock dcterms:created ?now ; rdfs:label ?holder } }
WHERE { GRAPH ?meta { ?dataset fg:loadLock ?old . ?old ?p ?o } }"""

LOCK_RELEASE = """DELETE { GRAPH ?meta { ?dataset fg:loadLock ?lock . ?lock ?p ?o } }
WHERE { GRAPH ?meta { ?dataset fg:loadLock ?lock . ?lock ?p ?o } }"""

REGISTER = """INSERT { GRAPH ?meta { ?dataset dcat:hasVersion ?graph . ?graph dcterms:created ?now } }
WHERE { }"""

COMPLETE = """INSERT { GRAPH ?meta { ?graph void:triples ?triples } } WHERE { }"""

# The one write that publishes: the pointer moves from the old graph to the new in a single update.
SWITCH = """DELETE { GRAPH ?meta { ?dataset fg:currentGraph ?old } }
INSERT { GRAPH ?meta { ?dataset fg:currentGraph ?graph } }
WHERE { OPTIONAL { GRAPH ?meta { ?dataset fg:currentGraph ?old } } }"""

DEREGISTER = """DELETE { GRAPH ?meta { ?dataset dcat:hasVersion ?graph . ?graph ?p ?o } }
WHERE { GRAPH ?meta { ?dataset dcat:hasVersion ?graph . OPTIONAL { ?graph ?p ?o } } }"""

VERSIONS = """SELECT ?graph ?triples WHERE { GRAPH ?meta { ?dataset dcat:hasVersion ?graph
  OPTIONAL { ?graph void:triples ?triples } } } ORDER BY ?graph"""

COUNT_GRAPH = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?graph { ?s ?p ?o } }"


def _now() -> Literal:
    return Literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), datatype=XSD.dateTime)


class RemoteStores:
    """Versioned named graphs of one remote store, and the pointer to the current one (the writer side)."""

    def __init__(self, settings: Settings, client: SparqlClient | None = None):
        self.settings = settings
        self.client = client or SparqlClient(settings)
        self.reader = RemoteBackend(settings)
        self.reader.client = self.client
        self.meta = meta_graph(settings)
        self.dataset = dataset_iri(settings)

    def _update(self, update: str, **bindings: object) -> None:
        binds = {"meta": self.meta, "dataset": self.dataset, **bindings}
        self.client.update(sparql_prologue() + inject_values(update, binds))  # type: ignore[arg-type]

    def _rows(self, query: str, **bindings: object) -> list[Row]:
        binds = {"meta": self.meta, "dataset": self.dataset, **bindings}
        return self.reader._select(query, binds, None)  # type: ignore[arg-type]

    # -- reading --------------------------------------------------------------------------------------
    def current_version(self) -> str | None:
        """The version the pointer names, or ``None`` before the first load."""
        self.reader._pointer = None
        try:
            return self.reader.pointer().version
        except RemoteError:
            raise
        except StoreError:
            return None

    def versions(self) -> list[tuple[str, int | None]]:
        """Every registered version (oldest first) and its triple count (``None``: never completed)."""
        prefix = self.settings.base_iri + "graph/"
        out = []
        for row in self._rows(VERSIONS):
            graph = row["graph"].value
            triples = row["triples"]
            out.append((graph[len(prefix):] if graph.startswith(prefix) else graph,
                        int(triples.value) if triples is not None else None))
        return out

    def graph_size(self, version: str) -> int:
        rows = self._rows(COUNT_GRAPH, graph=version_graph(self.settings, version))
        return int(rows[0]["n"].value)

    # -- the load lock --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, wait: bool = False) -> Iterator[None]:
        """Hold the load lock kept in the meta graph (one loader at a time per remote store).

        :raises RemoteLoadInProgress: when another loader holds it and ``wait`` is false.
        """
        token = NamedNode(f"{self.settings.base_iri}graph/meta#lock-{uuid.uuid4().hex}")
        holder = Literal(f"{socket.gethostname()} pid {os.getpid()}")
        while True:
            self._update(LOCK_TAKE, lock=token, now=_now(), holder=holder)
            held = self._rows(LOCK_READ)
            if held and held[0]["lock"] == token:
                break
            if held and _stale(held[0]["created"]):
                self._update(LOCK_STEAL, old=held[0]["lock"], lock=token, now=_now(), holder=holder)
                continue
            if not wait:
                who = held[0]["holder"].value if held and held[0]["holder"] is not None else "another loader"
                since = held[0]["created"].value if held and held[0]["created"] is not None else "?"
                raise RemoteLoadInProgress(f"another load into {redact(self.client.query_url)} is running "
                                           f"({who}, since {since}); try again or use --wait")
            time.sleep(1.0)
        try:
            yield
        finally:
            self._update(LOCK_RELEASE, lock=token)

    # -- writing --------------------------------------------------------------------------------------
    def publish(self, ntriples: bytes, *, force: bool = False, progress: Callable[[str], None] = lambda _m: None,
                ) -> RemotePublishResult:
        """Load ``ntriples`` as a new named graph and switch the pointer to it. Call with :meth:`lock` held.

        Identical content to the current version publishes nothing unless ``force``. On any failure
        before the switch the new graph is dropped and the pointer is unchanged.
        """
        started = time.perf_counter()
        digest = content_hash(ntriples)
        expected = sum(1 for line in ntriples.split(b"\n") if line.strip())
        current = self.current_version()
        where = f"{self.settings.base_iri}graph/<version> at {redact(self.client.query_url)}"
        if current and current.endswith("-" + digest) and not force:
            return RemotePublishResult(current, where.replace("<version>", current), expected, True, 0.0)
        version = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time_ns() % 1_000_000:06d}-{digest}"
        graph = version_graph(self.settings, version)
        self._update(REGISTER, graph=graph, now=_now())
        try:
            progress(f"writing graph {graph.value}")
            self._write(graph, ntriples)
            arrived = self.graph_size(version)
            if arrived != expected:
                raise RemoteError(f"the remote store holds {arrived} triples of the {expected} sent to "
                                  f"{graph.value}; not publishing it")
            self._update(COMPLETE, graph=graph, triples=Literal(str(expected), datatype=XSD.integer))
            progress(f"switching {self.dataset.value} fg:currentGraph to {graph.value}")
            self._update(SWITCH, graph=graph)
        except BaseException:
            with contextlib.suppress(Exception):
                self.drop(version)
            raise
        self.reader._pointer = None
        dropped = self.prune()
        if dropped:
            progress(f"dropped old versions: {', '.join(dropped)}")
        return RemotePublishResult(version, where.replace("<version>", version), expected, False,
                                   time.perf_counter() - started)

    def _write(self, graph: NamedNode, ntriples: bytes) -> None:
        if self.client.store_url:
            self.client.put_graph(graph.value, ntriples)
            return
        lines = [line for line in ntriples.split(b"\n") if line.strip()]
        # Blank-node labels are scoped to one request: a graph with blank nodes must go in one piece.
        size = len(lines) if any(b"_:" in line for line in lines) else UPDATE_CHUNK
        self.client.update(f"DROP SILENT GRAPH {graph}")
        for begin in range(0, len(lines), max(size, 1)):
            chunk = b"\n".join(lines[begin : begin + size]).decode("utf-8")
            self.client.update(f"INSERT DATA {{ GRAPH {graph} {{\n{chunk}\n}} }}")

    def drop(self, version: str) -> None:
        """Remove a version's graph and its registration (never the current one)."""
        if version == self.current_version():
            raise StoreError(f"version {version} is current; publish another before dropping it")
        graph = version_graph(self.settings, version)
        self.client.update(f"DROP SILENT GRAPH {graph}")
        self._update(DEREGISTER, graph=graph)

    def prune(self) -> list[str]:
        """Drop unfinished versions and completed ones beyond ``keep_versions`` older than the current.

        At least one previous version is always kept: a web process may still read it for up to
        ``remote_pointer_ttl`` seconds after the switch.
        """
        current = self.current_version()
        known = self.versions()
        doomed = [v for v, triples in known if triples is None and v != current]
        older = [v for v, triples in known if triples is not None and current is not None and v < current]
        keep = max(1, self.settings.keep_versions)
        doomed += older[: max(0, len(older) - keep)]
        for version in doomed:
            self.drop(version)
        return doomed


def _stale(created: object) -> bool:
    if not isinstance(created, Literal):
        return True
    try:
        then = calendar.timegm(time.strptime(created.value, "%Y-%m-%dT%H:%M:%SZ"))
    except ValueError:
        return True
    return time.time() - then > STALE_LOCK_SECONDS


def publish_remote(settings: Settings, result, progress: Callable[[str], None], *, validate: bool = True,
                   force: bool = False, wait: bool = False) -> int:
    """Validate the built graph, then publish it to the remote store atomically; the CLI exit code."""
    from fundinggraph.cli import EXIT_BUSY, EXIT_INVALID, _eprint, _summary, check_shapes

    started = time.perf_counter()
    store = result.store
    if any(True for _ in store.named_graphs()):
        _eprint("error: the built graph has named graphs; the remote store takes the default graph only")
        return EXIT_INVALID
    report = None
    if validate:
        # Before anything is written: a graph that does not conform never reaches the remote store.
        report = check_shapes(result, progress)
        if not report.conforms:
            return EXIT_INVALID
    ntriples = canonical_dump(store, RdfFormat.N_TRIPLES, from_graph=DefaultGraph())
    stores = RemoteStores(settings)
    try:
        with stores.lock(wait=wait):
            published = stores.publish(ntriples, force=force, progress=progress)
    except RemoteLoadInProgress as exc:
        _eprint(f"error: {exc}")
        return EXIT_BUSY
    except (StoreError, SyntaxError) as exc:
        _eprint(f"error: {exc}")
        _eprint("nothing was published; the served data is unchanged")
        return EXIT_INVALID
    finally:
        stores.client.close()
    print(_summary(store, settings, published, report, time.perf_counter() - started))
    return 0


__all__ = [
    "RemoteBackend",
    "RemoteError",
    "RemoteStores",
    "RemoteTimeout",
    "SparqlClient",
    "inject_values",
    "publish_remote",
    "values_block",
]
