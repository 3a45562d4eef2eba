"""One search index file per data version, built once and read by every worker process.

The index (:mod:`server.search_index`) of version ``V`` is ``<search_dir>/V.sqlite`` (setting
``search_dir``, default ``<data_dir>/search``). Whoever needs it first builds it: ``fundinggraph load``
right after publishing (:func:`build_current`), or else the first search request, which starts a
builder process (``python -m server.search_store``) and waits up to ``search_wait`` seconds for it;
after that the request gets a 503 with ``Retry-After`` while the build goes on. Only one process
builds a version at a time (``flock`` on ``<search_dir>/.V.lock``, handed to the builder process); the
file is written under a temporary name and renamed, so readers only ever see a whole index. Files of
versions the store no longer has are removed after each build.

Workers open the file read-only (one SQLite connection per thread, pages shared through the OS file
cache), so their memory does not grow with the size of the graph.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import logging
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

from fundinggraph import config
from fundinggraph.config import Settings
from fundinggraph.store.embedded import fsync_dir, pid_alive
from server.errors import Unavailable
from server.search_index import BuildError, BuildStats, SearchIndex, build

_log = logging.getLogger(__name__)

#: Every label and quote of the served graph, for the index.
INDEX_QUERY = """
SELECT ?s ?p ?l WHERE {
  VALUES ?p { skos:prefLabel rdfs:label foaf:name dcterms:title skos:altLabel fg:quote }
  ?s ?p ?l . FILTER(isLiteral(?l) && isIRI(?s))
}
"""

#: After a failed build, requests wait this long before a new build is tried (a broken disk is not hammered).
RETRY_FAILED_AFTER = 60.0
#: Retry-After when nothing better is known (no earlier build to go by).
DEFAULT_RETRY_AFTER = 10


class IndexNotReady(Unavailable):
    """The search index of the served version is being built (or could not be built); retry later."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, retryAfter=retry_after)
        self.headers["Retry-After"] = str(retry_after)


# -- where things are ----------------------------------------------------------------------------------------

def search_dir(settings: Settings) -> Path:
    """The directory of the index files: setting ``search_dir``, else ``<data_dir>/search``."""
    return Path(settings.search_dir).expanduser().resolve() if settings.search_dir else settings.data_dir / "search"


def index_path(settings: Settings, version: str) -> Path:
    """The index file of one data version."""
    if not version or "/" in version or version.startswith("."):
        raise ValueError(f"not a data version name: {version!r}")
    return search_dir(settings) / f"{version}.sqlite"


def _lock_path(settings: Settings, version: str) -> Path:
    return search_dir(settings) / f".{version}.lock"


def _status_path(settings: Settings, version: str) -> Path:
    return search_dir(settings) / f".{version}.status"


def _read_status(settings: Settings, version: str) -> dict:
    try:
        return json.loads(_status_path(settings, version).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_status(settings: Settings, version: str, **status: object) -> None:
    path = _status_path(settings, version)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(status), encoding="utf-8")
    os.replace(tmp, path)


# -- the web side --------------------------------------------------------------------------------------------

_OPEN_LOCK = threading.Lock()


def current(wait: float | None = None) -> SearchIndex:
    """The search index of the data version being served (in a request; see the module docstring).

    :param wait: seconds to wait for a build (default: the setting ``search_wait``).
    :raises IndexNotReady: (503, Retry-After) while the index is being built.
    """
    from flask import current_app

    from server.store import backend, settings

    version = backend().version()
    ext = current_app.extensions
    held = ext.get("fundinggraph.search")
    if held is not None and held[0] == version:
        return held[1]
    index = open_index(settings(), version, settings().search_wait if wait is None else wait)
    with _OPEN_LOCK:
        held = ext.get("fundinggraph.search")
        if held is not None and held[0] == version:
            index.close()
            return held[1]
        # The index of the previous version is dropped; requests still using it keep their connections.
        ext["fundinggraph.search"] = (version, index)
    return index


def open_index(settings: Settings, version: str, wait: float) -> SearchIndex:
    """Open the index of ``version``; start its build if there is none and wait up to ``wait`` seconds.

    :raises IndexNotReady: when it is not there in time, or its build failed recently.
    """
    path = index_path(settings, version)
    deadline = time.monotonic() + wait
    started = False
    while True:
        index = _try_open(path)
        if index is not None:
            return index
        if not started:
            _start_build(settings, version)
            started = True
        if time.monotonic() >= deadline:
            break
        time.sleep(min(0.1, max(0.0, deadline - time.monotonic())))
    status = _read_status(settings, version)
    if status.get("failed"):
        raise IndexNotReady("the search index could not be built (the details are in the server log); it will be "
                            "tried again", retry_after=int(RETRY_FAILED_AFTER))
    return _not_ready(status)


def _not_ready(status: dict) -> SearchIndex:
    elapsed = time.time() - float(status.get("started", time.time()))
    expected = float(status.get("expected") or 0)
    retry = DEFAULT_RETRY_AFTER if not expected else math.ceil(min(120.0, max(1.0, expected - elapsed)))
    raise IndexNotReady(f"the search index of this data version is being built; retry in {retry} s",
                        retry_after=retry)


def _try_open(path: Path) -> SearchIndex | None:
    if not path.exists():
        return None
    try:
        return SearchIndex(path)
    except Exception as exc:  # an unreadable file (old layout, damage) is built again
        _log.warning("search index %s is unusable (%s); building it again", path.name, exc)
        with contextlib.suppress(OSError):
            path.unlink()
        return None


def _start_build(settings: Settings, version: str) -> None:
    """Start a builder process for ``version`` unless one is running (or one failed a moment ago)."""
    status = _read_status(settings, version)
    if status.get("failed") and time.time() - float(status.get("at", 0)) < RETRY_FAILED_AFTER:
        return
    directory = search_dir(settings)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle = open(_lock_path(settings, version), "a")  # noqa: SIM115 - handed to the builder process
    except OSError as exc:
        _log.error("cannot create the search index directory %s: %s", directory, exc)
        raise IndexNotReady("the search index cannot be written (the details are in the server log; setting "
                            "search_dir)", retry_after=int(RETRY_FAILED_AFTER)) from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # another process is building it
        if index_path(settings, version).exists():
            return  # built between our look and the lock
        # The builder inherits the locked file: the lock is held exactly as long as the builder runs.
        command = [sys.executable, "-m", "server.search_store", "--version", version, "--lock-fd",
                   str(handle.fileno())]
        env = {**os.environ, **settings_env(settings)}
        process = subprocess.Popen(command, env=env, pass_fds=(handle.fileno(),), stdin=subprocess.DEVNULL,
                                   cwd=str(config.PROJECT_ROOT))
        _log.info("building the search index of %s (process %d)", version, process.pid)
    # Reap the builder when it ends (no zombie), from a thread that does not hold up the request.
    threading.Thread(target=process.wait, name="search-index-builder", daemon=True).start()


def settings_env(settings: Settings) -> dict[str, str]:
    """``FUNDINGGRAPH_*`` variables that reproduce ``settings`` in another process."""
    out = {}
    for f in fields(Settings):
        if f.name == "extra":
            continue
        value = getattr(settings, f.name)
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, tuple):
            text = ",".join(value)
        else:
            text = str(value)
        out[config.ENV_PREFIX + f.name.upper()] = text
    return out


# -- building ------------------------------------------------------------------------------------------------

def texts(settings: Settings, version: str) -> Iterator[tuple[str, str, str, str]]:
    """``(iri, text, language, predicate)`` of every label and quote of ``version``, streamed.

    :raises BuildError: when ``version`` is no longer the one the store serves (remote) or is gone.
    """
    from fundinggraph.namespaces import PREFIXES

    if settings.backend == "embedded":
        from pyoxigraph import Store

        path = settings.stores_dir / version
        if not path.is_dir():
            raise BuildError(f"data version {version} is not in the store any more")
        store = Store.read_only(str(path))
        for row in store.query(INDEX_QUERY, prefixes=PREFIXES):
            subject, predicate, literal = row["s"], row["p"], row["l"]
            yield subject.value, literal.value, literal.language or "", predicate.value
        return
    from fundinggraph.store.backend import open_backend

    backend = open_backend(settings)
    try:
        if backend.version() != version:
            raise BuildError(f"data version {version} is not the one the remote store serves any more")
        rows = backend.select(INDEX_QUERY)
        if backend.version() != version:
            raise BuildError(f"data version {version} was replaced while its labels were read")
    finally:
        backend.close()
    for row in rows:
        subject, predicate, literal = row["s"], row["p"], row["l"]
        if subject is not None and literal is not None and predicate is not None:
            yield subject.value, literal.value, getattr(literal, "language", None) or "", predicate.value


@contextlib.contextmanager
def _locked(settings: Settings, version: str, fd: int | None, wait: bool) -> Iterator[bool]:
    """Hold the build lock of ``version`` (the inherited ``fd``, or a new one); yields False if busy."""
    if fd is not None:
        handle = os.fdopen(fd, "a")
    else:
        search_dir(settings).mkdir(parents=True, exist_ok=True)
        handle = open(_lock_path(settings, version), "a")  # noqa: SIM115 - closed below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            handle.close()
            yield False
            return
    try:
        yield True
    finally:
        handle.close()


def build_version(settings: Settings, version: str, *, lock_fd: int | None = None, wait: bool = True
                  ) -> BuildStats | None:
    """Build the index file of ``version`` unless it exists; ``None`` if it existed or another process has it."""
    final = index_path(settings, version)
    with _locked(settings, version, lock_fd, wait) as mine:
        if not mine or final.exists():
            return None
        _write_status(settings, version, pid=os.getpid(), started=time.time(), expected=_expected_seconds(settings))
        tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}")
        try:
            stats = build(texts(settings, version), settings.base_iri, tmp, version=version)
            os.replace(tmp, final)
            fsync_dir(final.parent)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            _write_status(settings, version, failed=f"{type(exc).__name__}: {exc}", at=time.time())
            raise
        _write_status(settings, version, done=time.time(), seconds=stats.seconds)
    remove_stale(settings, keep=version)
    return stats


def build_current(settings: Settings) -> BuildStats | None:
    """Build the index of the version being served now (``fundinggraph load`` calls this after publishing)."""
    from fundinggraph.store.backend import open_backend

    backend = open_backend(settings)
    try:
        version = backend.version()
    finally:
        backend.close()
    return build_version(settings, version)


def _expected_seconds(settings: Settings) -> float | None:
    """How long the last build took (from the newest index file), to tell clients when to come back."""
    files = sorted(search_dir(settings).glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
    for path in files[:1]:
        try:
            index = SearchIndex(path)
        except Exception:  # an estimate only
            return None
        try:
            return float(json.loads(index.meta.get("stats", "{}")).get("seconds") or 0) or None
        finally:
            index.close()
    return None


def remove_stale(settings: Settings, keep: str) -> list[str]:
    """Remove index files (and their lock and status files) of versions the store no longer has."""
    directory = search_dir(settings)
    if settings.backend == "embedded":
        from fundinggraph.store import EmbeddedStores

        alive = set(EmbeddedStores(settings).versions()) | {keep}
    else:
        # A remote store does not list its versions here: keep the newest few files.
        files = sorted(directory.glob("*.sqlite"), key=lambda p: p.stat().st_mtime, reverse=True)
        alive = {p.stem for p in files[: settings.keep_versions + 1]} | {keep}
    removed = []
    for path in directory.iterdir():
        name = path.name
        if name.endswith(".sqlite") and not name.startswith("."):
            version = name.removesuffix(".sqlite")
        elif name.startswith(".") and name.endswith((".lock", ".status")):
            version = name[1:].rsplit(".", 1)[0]
        elif name.startswith(".") and ".sqlite.tmp-" in name:
            pid = name.rsplit("-", 1)[-1]
            if pid.isdigit() and not pid_alive(int(pid)):
                path.unlink(missing_ok=True)
            continue
        else:
            continue
        if version in alive or _building(path):
            continue
        path.unlink(missing_ok=True)
        removed.append(name)
    return removed


def _building(path: Path) -> bool:
    """True for a lock file some process holds."""
    if not path.name.endswith(".lock"):
        return False
    try:
        with open(path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    return False


def main(argv: list[str] | None = None) -> int:
    """The builder process: ``python -m server.search_store --version V [--lock-fd N]`` (settings from env)."""
    parser = argparse.ArgumentParser(prog="python -m server.search_store", description=main.__doc__)
    parser.add_argument("--version", required=True, help="data version to index")
    parser.add_argument("--lock-fd", type=int, help="inherited file descriptor holding the build lock")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    settings = config.from_env()
    try:
        stats = build_version(settings, args.version, lock_fd=args.lock_fd, wait=False)
    except Exception as exc:  # reported in the status file and the log
        _log.error("search index of %s failed: %s", args.version, exc)
        return 1
    if stats is not None:
        _log.info("search index of %s: %d texts of %d resources in %.1f s, %.1f MB", args.version, stats.texts,
                  stats.resources, stats.seconds, stats.bytes / 1e6)
    return 0


if __name__ == "__main__":
    sys.exit(main())
