"""Untrusted SPARQL in killable processes: a small pool of executor subprocesses per web process.

pyoxigraph cannot cancel a running query (an aggregate returns only when all its work is done), so the
public endpoint never runs a stranger's SPARQL inside the web process. It hands the query to an
*executor*: a child process (``python -m fundinggraph.store.executor``) that opens the current store
version read-only (following ``current`` when a load publishes a new one), runs one request at a time,
serialises the result with pyoxigraph's own writers and sends the bytes back over a pipe. When a query
outlives its limit, the web thread SIGKILLs that executor and answers 503; a spare process, started
ahead of need, takes its place, so the next query pays nothing for the replacement.

Belt and braces: before each request the executor arms ``SIGALRM`` (default action: terminate) for the
limit plus :data:`SELF_KILL_GRACE`, so even if the web process dies, a runaway query cannot outlive it
for long; an idle executor exits when its parent closes the pipe.

Network: on Linux an executor drops its network access at start (a private user and network
namespace, when the kernel allows unprivileged ones), so a query that slipped past the ``SERVICE``
check could not reach anything. Queries that call allow-listed ``SERVICE`` endpoints go to a second pool
whose executors keep the network.

Row cap: SELECT results are first written as TSV (one line per row) and CONSTRUCT/DESCRIBE results as
N-Triples (one line per triple) into a writer that stops the serialiser after ``max_rows`` lines; the
capped text is then parsed and re-serialised by pyoxigraph into the requested format (skipped when the
requested format is that line format and nothing was cut). No Python code touches individual terms.

Wire format, both directions: frames of a 4-byte big-endian length and a payload. The child first sends
a JSON ``ready`` frame; then for each JSON request frame it answers a JSON header frame and a body frame.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import ctypes
import json
import os
import re
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any, NoReturn

from fundinggraph.config import Settings
from fundinggraph.store.embedded import StoreError
from fundinggraph.store.execution import (
    Execution,
    ExecutionError,
    ExecutorsBusy,
    QuerySyntaxError,
    QueryTimeout,
    ResultNotAcceptable,
    ServiceFailed,
    UpdateConflict,
    UpdateOutcome,
)

_FRAME = struct.Struct(">I")
#: Seconds an executor keeps running past the parent's limit before it kills itself.
SELF_KILL_GRACE = 5.0
#: Seconds a fresh executor may take to start and open the store.
START_TIMEOUT = 60.0
#: Extra executors kept started and idle, so a killed one is replaced at no cost to the next query.
SPARES = 1

_POSITION = re.compile(r"error at (\d+):(\d+)")


# -- frames ------------------------------------------------------------------------------------------
class _Timeout(Exception):
    pass


class _Died(Exception):
    pass


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _send(fd: int, payload: bytes) -> None:
    if len(payload) < 65536:
        _write_all(fd, _FRAME.pack(len(payload)) + payload)  # one write: header and payload together
    else:
        _write_all(fd, _FRAME.pack(len(payload)))
        _write_all(fd, payload)


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    """``size`` bytes from ``fd``; waits at most until ``deadline`` (monotonic) when given."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    poller = None
    if deadline is not None:
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
    while got < size:
        if poller is not None:
            remaining = deadline - time.monotonic()  # type: ignore[operator]
            if remaining <= 0 or not poller.poll(remaining * 1000):
                raise _Timeout()
        chunk = os.read(fd, min(size - got, 1 << 20))
        if not chunk:
            raise _Died("the executor closed its pipe")
        view[got : got + len(chunk)] = chunk
        got += len(chunk)
    return bytes(buffer)


def _receive(fd: int, deadline: float | None) -> bytes:
    (size,) = _FRAME.unpack(_read_exact(fd, _FRAME.size, deadline))
    return _read_exact(fd, size, deadline) if size else b""


# -- the child: one executor process -------------------------------------------------------------------
def drop_network() -> bool:
    """Move this (single-threaded) process into a private user and network namespace without interfaces.

    Returns False where the kernel does not allow it; the caller then relies on the SERVICE check alone.
    """
    if not sys.platform.startswith("linux"):
        return False
    clone_newuser, clone_newnet = 0x10000000, 0x40000000
    uid, gid = os.getuid(), os.getgid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(clone_newuser | clone_newnet) != 0:
            return False
    except (OSError, AttributeError):
        return False
    # Map our own ids into the namespace so files keep their owner (reading the store is unchanged).
    for name, text in (("setgroups", "deny"), ("gid_map", f"{gid} {gid} 1"), ("uid_map", f"{uid} {uid} 1")):
        with contextlib.suppress(OSError), open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    return True


class _LineCap:
    """A binary writer that keeps the first ``limit`` lines and stops the serialiser at the next byte."""

    class Reached(Exception):
        pass

    def __init__(self, limit: int):
        self.limit = limit
        self.lines = 0
        self.chunks: list[bytes] = []
        self.cut = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        if self.lines >= self.limit:
            if chunk:
                self.cut = True
                raise self.Reached()
            return 0
        newlines = chunk.count(b"\n")
        if self.lines + newlines < self.limit:
            self.chunks.append(chunk)
            self.lines += newlines
            return len(chunk)
        end = -1
        for _ in range(self.limit - self.lines):
            end = chunk.index(b"\n", end + 1)
        self.chunks.append(chunk[: end + 1])
        self.lines = self.limit
        if end + 1 < len(chunk):
            self.cut = True
            raise self.Reached()
        return len(chunk)

    def flush(self) -> None:
        pass

    def value(self) -> bytes:
        return b"".join(self.chunks)


class _Handler:
    """Runs requests in the executor process."""

    def __init__(self, settings: Settings):
        from fundinggraph.store.embedded import EmbeddedReader

        self.settings = settings
        self.reader = EmbeddedReader(settings)

    def handle(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        try:
            if request["op"] == "query":
                return self.query(request)
            if request["op"] == "update":
                return self.update(request)
            if request["op"] == "ping":
                return {"ok": True}, b""
            return _error("failed", f"unknown operation {request['op']!r}"), b""
        except SyntaxError as exc:
            return _syntax(exc), b""
        except _UnavailableError as exc:
            return _error("unavailable", str(exc)), b""
        except OSError as exc:
            return _error("io", _oserror_text(exc)), b""
        except Exception as exc:  # the parent logs it; the executor stays usable
            return _error("failed", f"{type(exc).__name__}: {exc}"), b""

    def query(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        from pyoxigraph import NamedNode, QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

        from fundinggraph.namespaces import PREFIXES

        try:
            version, store = self.reader.store()
        except StoreError as exc:
            raise _UnavailableError(str(exc)) from None
        options: dict[str, Any] = {"prefixes": PREFIXES, "base_iri": request.get("base_iri")}
        if request.get("default_graphs") is not None:
            options["default_graph"] = [NamedNode(iri) for iri in request["default_graphs"]]
        if request.get("named_graphs") is not None:
            options["named_graphs"] = [NamedNode(iri) for iri in request["named_graphs"]]
        result = store.query(request["text"], **options)
        max_rows = int(request["max_rows"])
        if isinstance(result, QueryBoolean):
            media = request.get("results_format")
            if not media:
                return _error("not_acceptable", "an ASK query gives a boolean result, and no SPARQL results "
                              "format was accepted"), b""
            body = result.serialize(format=QueryResultsFormat.from_media_type(media))
            return _ok(version, media, False, 1), body
        if isinstance(result, QuerySolutions):
            media = request.get("results_format")
            if not media:
                return _error("not_acceptable", "a SELECT query gives a table of solutions, and no SPARQL "
                              "results format was accepted"), b""
            cap = _LineCap(max_rows + 1)  # the TSV header line, then one line per row
            with contextlib.suppress(_LineCap.Reached):
                result.serialize(cap, format=QueryResultsFormat.TSV)
            tsv = cap.value()
            target = QueryResultsFormat.from_media_type(media)
            if target != QueryResultsFormat.TSV or cap.cut:
                from pyoxigraph import parse_query_results

                body = parse_query_results(tsv, format=QueryResultsFormat.TSV).serialize(format=target)
            else:
                body = tsv
            return _ok(version, media, cap.cut, max(0, cap.lines - 1)), body
        media = request.get("graph_format")
        if not media:
            return _error("not_acceptable", "a CONSTRUCT or DESCRIBE query gives an RDF graph, and no RDF "
                          "format was accepted"), b""
        cap = _LineCap(max_rows)
        with contextlib.suppress(_LineCap.Reached):
            result.serialize(cap, format=RdfFormat.N_TRIPLES)
        ntriples = cap.value()
        target = RdfFormat.from_media_type(media)
        if target != RdfFormat.N_TRIPLES or cap.cut:
            from pyoxigraph import parse, serialize

            body = serialize(parse(ntriples, format=RdfFormat.N_TRIPLES), format=target, prefixes=PREFIXES)
        else:
            body = ntriples
        return _ok(version, media, cap.cut, cap.lines), body

    def update(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        """Apply an update to a copy of the current version and publish the copy as the next version."""
        from pyoxigraph import RdfFormat, Store

        from fundinggraph.namespaces import PREFIXES
        from fundinggraph.store.embedded import EmbeddedStores, LoadInProgress, canonical_dump

        started = time.perf_counter()
        stores = EmbeddedStores(self.settings)
        try:
            with stores.lock(wait=False):
                work = Store()
                current = stores.current_path()
                if current is not None:
                    source = Store.read_only(str(current))
                    work.bulk_load(source.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
                    del source
                work.update(request["text"], base_iri=request.get("base_iri"), prefixes=PREFIXES)
                published = stores.publish(canonical_dump(work))
        except LoadInProgress as exc:
            return _error("conflict", str(exc)), b""
        header = {"ok": True, "version": published.version, "unchanged": published.unchanged,
                  "triples": published.triples, "seconds": time.perf_counter() - started}
        return header, b""


class _UnavailableError(Exception):
    pass


def _ok(version: str, media: str, truncated: bool, count: int) -> dict[str, Any]:
    return {"ok": True, "version": version, "media_type": media, "truncated": truncated, "count": count}


def _error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"ok": False, "error": code, "message": message, **extra}


def _syntax(exc: SyntaxError) -> dict[str, Any]:
    message = str(exc)
    match = _POSITION.search(message)
    position = {"line": int(match.group(1)), "column": int(match.group(2))} if match else {}
    return _error("syntax", message, **position)


def _oserror_text(exc: OSError) -> str:
    return str(exc) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Serve requests from the parent over stdin/stdout until the parent closes the pipe."""
    parser = argparse.ArgumentParser(prog="python -m fundinggraph.store.executor")
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--keep-versions", type=int, default=2)
    parser.add_argument("--isolate", action="store_true", help="drop network access (Linux namespaces)")
    args = parser.parse_args(argv)
    # The parent stops us; Ctrl-C in a terminal must not print a traceback from every executor.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Before any thread exists (unshare refuses multi-threaded processes) and before the store opens.
    isolated = drop_network() if args.isolate else False
    # The protocol owns the original stdin/stdout; stray prints go to stderr (the server log).
    inbound, outbound = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    from fundinggraph import config

    settings = config.from_env(environ={}, data_dir=args.data_dir, keep_versions=args.keep_versions)
    handler = _Handler(settings)
    with contextlib.suppress(Exception):
        handler.reader.store()  # open the current version now: a spare should be warm
    try:
        _send(outbound, json.dumps({"ready": True, "pid": os.getpid(), "isolated": isolated}).encode())
    except BrokenPipeError:
        return 0  # the web worker exited (shutdown) before we were ready: nobody to serve
    while True:
        try:
            frame = _receive(inbound, None)
        except _Died:
            return 0
        request = json.loads(frame)
        signal.setitimer(signal.ITIMER_REAL, float(request.get("timeout", 60)) + SELF_KILL_GRACE)
        header, body = handler.handle(request)
        signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            _send(outbound, json.dumps(header).encode())
            _send(outbound, body)
        except BrokenPipeError:
            return 0


# -- the parent: processes and pools -----------------------------------------------------------------
class ExecutorProcess:
    """One executor child process and its two pipes."""

    def __init__(self, settings: Settings, isolate: bool):
        argv = [sys.executable, "-m", "fundinggraph.store.executor", "--data-dir", str(settings.data_dir),
                "--keep-versions", str(settings.keep_versions)]
        if isolate:
            argv.append("--isolate")
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
                                     bufsize=0)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.wfd = self.proc.stdin.fileno()
        self.rfd = self.proc.stdout.fileno()
        self.info: dict[str, Any] | None = None

    @property
    def pid(self) -> int:
        return self.proc.pid

    def ready(self, deadline: float) -> dict[str, Any]:
        """Wait for the ``ready`` frame (the store is open); return it."""
        if self.info is None:
            self.info = json.loads(_receive(self.rfd, deadline))
        return self.info

    def call(self, request: dict[str, Any], deadline: float) -> tuple[dict[str, Any], bytes]:
        """Send ``request``; return the header and body, or raise ``_Timeout``/``_Died``."""
        self.ready(deadline)
        try:
            _send(self.wfd, json.dumps(request).encode())
        except (BrokenPipeError, ConnectionResetError):
            raise _Died("the executor is gone") from None
        header = json.loads(_receive(self.rfd, deadline))
        body = _receive(self.rfd, deadline)
        return header, body

    def kill(self) -> None:
        """SIGKILL the process and reap it."""
        with contextlib.suppress(ProcessLookupError, OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired, OSError):
            self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()  # type: ignore[union-attr]

    def close(self) -> None:
        """Ask an idle executor to leave (EOF on its pipe), then make sure it did."""
        with contextlib.suppress(OSError):
            self.proc.stdin.close()  # type: ignore[union-attr]
        try:
            self.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self.kill()
        with contextlib.suppress(OSError):
            self.proc.stdout.close()  # type: ignore[union-attr]


class ExecutorPool:
    """At most ``size`` executors running requests at once, plus a warm spare; thread-safe."""

    def __init__(self, settings: Settings, size: int, isolate: bool):
        self.settings = settings
        self.size = size
        self.isolate = isolate
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(size)
        self._idle: list[ExecutorProcess] = []
        self._spares: list[ExecutorProcess] = []
        self._live: set[ExecutorProcess] = set()
        self._closed = False
        #: Counters for health checks and tests.
        self.started = 0
        self.killed = 0

    def _start(self) -> ExecutorProcess:
        executor = ExecutorProcess(self.settings, self.isolate)
        self._live.add(executor)
        self.started += 1
        return executor

    def _checkout(self) -> ExecutorProcess:
        with self._lock:
            if self._closed:
                raise ExecutionError("the query service is shutting down")
            if self._idle:
                return self._idle.pop()
            if self._spares:
                return self._spares.pop(0)
            return self._start()

    def _top_up(self) -> None:
        with self._lock:
            while not self._closed and len(self._spares) < SPARES and len(self._live) < self.size + SPARES:
                self._spares.append(self._start())

    def _checkin(self, executor: ExecutorProcess) -> None:
        with self._lock:
            if self._closed:
                executor.close()
                self._live.discard(executor)
            else:
                self._idle.append(executor)

    def _discard(self, executor: ExecutorProcess) -> None:
        executor.kill()
        with self._lock:
            self._live.discard(executor)
            self.killed += 1
        self._top_up()  # the replacement starts now, not when the next query needs it

    def warm(self) -> None:
        """Start the spare now (it opens the store in the background)."""
        self._top_up()

    def run(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Run ``request`` on a free executor; kill it and raise :class:`QueryTimeout` after ``timeout`` s."""
        started = time.monotonic()
        deadline = started + timeout
        if not self._slots.acquire(timeout=timeout):
            raise ExecutorsBusy(f"all {self.size} query executors of this server process stayed busy for "
                                f"{timeout:g} s", setting="query_executors")
        waited = time.monotonic() - started
        try:
            for attempt in (1, 2):
                executor = self._checkout()
                self._top_up()
                try:
                    header, body = executor.call(request, deadline)
                except _Timeout:
                    self._discard(executor)
                    if waited > timeout / 2:
                        raise ExecutorsBusy(f"the query waited {waited:.1f} s for one of the {self.size} busy "
                                            f"query executors of this server process and then ran out of its "
                                            f"{timeout:g} s", setting="query_executors") from None
                    raise QueryTimeout(f"the query ran longer than the limit of {timeout:g} s and was stopped",
                                       setting="query_timeout") from None
                except _Died as exc:
                    self._discard(executor)
                    if attempt == 1 and executor.info is not None and str(exc) == "the executor is gone":
                        continue  # it died while idle; the request never reached it
                    raise ExecutionError(f"the query executor stopped unexpectedly ({exc})") from None
                except BaseException:
                    self._discard(executor)
                    raise
                self._checkin(executor)
                return header, body
            raise AssertionError("unreachable")
        finally:
            self._slots.release()

    def pids(self) -> list[int]:
        """Process ids of the live executors (idle, busy and spare)."""
        with self._lock:
            return [executor.pid for executor in self._live]

    def close(self) -> None:
        """Stop every executor."""
        with self._lock:
            self._closed = True
            live = list(self._live)
            self._live.clear()
            self._idle.clear()
            self._spares.clear()
        for executor in live:
            executor.kill()


class EmbeddedExecutors:
    """The executor pools of one web process: network-less by default, networked for allowed SERVICE."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._pools: dict[bool, ExecutorPool] = {}
        self._pid = os.getpid()
        atexit.register(self.close)

    def pool(self, network: bool) -> ExecutorPool:
        """The pool for queries that need (``network``) or must not have network access."""
        pool = self._pools.get(network)
        if pool is None:
            with self._lock:
                pool = self._pools.get(network)
                if pool is None:
                    size = self.settings.query_executors if not network else 1
                    pool = ExecutorPool(self.settings, size, isolate=not network)
                    self._pools[network] = pool
        return pool

    def execute(self, query: str, *, results_format: str | None, graph_format: str | None,
                default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None,
                base_iri: str | None, timeout: float, max_rows: int, network: bool) -> Execution:
        """Run a query in an executor; see :meth:`fundinggraph.store.backend.Backend.execute`."""
        request = {"op": "query", "text": query, "results_format": results_format, "graph_format": graph_format,
                   "default_graphs": list(default_graphs) if default_graphs is not None else None,
                   "named_graphs": list(named_graphs) if named_graphs is not None else None,
                   "base_iri": base_iri, "timeout": timeout, "max_rows": max_rows}
        header, body = self.pool(network).run(request, timeout)
        if not header["ok"]:
            _raise(header, network)
        return Execution(header["media_type"], body, header["truncated"], header["version"], header["count"])

    def update(self, update: str, *, base_iri: str | None, timeout: float, network: bool) -> UpdateOutcome:
        """Apply an update in a one-off executor; see :meth:`fundinggraph.store.backend.Backend.update`."""
        executor = ExecutorProcess(self.settings, isolate=not network)
        deadline = time.monotonic() + timeout
        try:
            header, _ = executor.call({"op": "update", "text": update, "base_iri": base_iri, "timeout": timeout},
                                      deadline)
        except _Timeout:
            executor.kill()
            raise QueryTimeout(f"the update ran longer than the limit of {timeout:g} s and was stopped; "
                               "nothing was published", setting="update_timeout") from None
        except _Died as exc:
            executor.kill()
            raise ExecutionError(f"the update executor stopped unexpectedly ({exc}); nothing was published") from None
        executor.close()
        if not header["ok"]:
            _raise(header, network)
        return UpdateOutcome(header["version"], header["unchanged"], header["triples"], header["seconds"])

    def close(self) -> None:
        """Stop every executor of this process (not those of a parent we were forked from)."""
        if os.getpid() != self._pid:
            return
        with self._lock:
            pools = list(self._pools.values())
            self._pools.clear()
        for pool in pools:
            pool.close()


def _raise(header: dict[str, Any], network: bool) -> NoReturn:
    """Raise the error an executor reported."""
    code, message = header["error"], header["message"]
    if code == "syntax":
        raise QuerySyntaxError(message, header.get("line"), header.get("column"))
    if code == "not_acceptable":
        raise ResultNotAcceptable(message)
    if code == "conflict":
        raise UpdateConflict(message)
    if code == "unavailable":
        raise StoreError(message)
    if code == "io" and network:
        raise ServiceFailed(f"a remote endpoint failed: {message}")
    if code == "io":
        raise ExecutionError(f"the query failed: {message}")
    raise ExecutionError(message)


if __name__ == "__main__":
    sys.exit(main())
