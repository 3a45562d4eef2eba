"""The embedded Oxigraph store: immutable versions on disk and an atomic switch between them.

Layout under ``data_dir``::

    stores/<version>/      one complete RocksDB store per successful load (never written again)
    current -> stores/<version>   symlink, replaced atomically with rename(2)
    .load.lock             flock held by the one process that loads

A load builds a new store in ``stores/.building-<version>-<pid>``, optimises it, renames it into
place and then switches ``current``. Readers (web workers) open ``Store.read_only`` on the target of
``current`` and follow the link when it changes, so a failed or killed load leaves the served data
untouched, and readers never share a store with a writer (RocksDB forbids a second writer and makes
readers beside a writer undefined behaviour).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat, Store

from fundinggraph.config import Settings

BUILDING_PREFIX = ".building-"

_log = logging.getLogger(__name__)


class StoreError(Exception):
    """The store cannot be used; the message says what to do."""


class LoadInProgress(StoreError):
    pass


@dataclass(frozen=True)
class PublishResult:
    version: str
    path: Path
    triples: int
    unchanged: bool
    seconds: float


def content_hash(nquads: bytes) -> str:
    """SHA-256 of an N-Quads document as given, first 12 hex digits.

    Equal content gives an equal hash only when it is serialised the same way: callers publish
    :func:`canonical_dump` of a store (sorted lines), not text in arbitrary order. Hashing the
    bytes as given costs ~0.5 s per GB with the GIL released; sorting the lines of a 5M-triple
    document to make the hash order-independent cost ~3 s of GIL-held CPU beside the bulk load
    (BENCHMARKS.md, finding 1).
    """
    return hashlib.sha256(nquads).hexdigest()[:12]


def canonical_dump(store: Store, format: RdfFormat = RdfFormat.N_QUADS, **options) -> bytes:
    """The store's content as sorted lines: equal content gives equal bytes, so an equal version hash.

    A dump's order can depend on how the store was filled (an in-memory store after an update dumps
    differently from one bulk-loaded with the same quads), so whoever publishes a store's content
    publishes this. Sorting costs ~20 ms for our 45k triples.
    """
    lines = [line for line in store.dump(format=format, **options).split(b"\n") if line.strip()]
    lines.sort()
    return b"\n".join(lines) + b"\n" if lines else b""


def file_hash(path: Path) -> str:
    """:func:`content_hash` of a file, read in chunks (so a large file is never held in memory)."""
    return _Digest.of(path).hexdigest


#: Bytes hashed per call: hashlib releases the GIL on large buffers, so the bulk load is not held up.
HASH_CHUNK = 4 * 2**20

#: Byte pairs that mean a line that is not one statement (blank, a comment, or leading white space).
_IRREGULAR = (b"\n\n", b"\n#", b"\n ", b"\n\t", b"\n\r")


class _Digest:
    """The hash of an N-Quads document and, when it is one statement per line, its statement count."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._newlines = 0
        self._regular = True
        self._last = b"\n"  # as if a line had just ended: a leading blank or comment line is irregular

    @classmethod
    def of(cls, source: bytes | Path) -> _Digest:
        digest = cls()
        if isinstance(source, Path):
            with open(source, "rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    digest.update(chunk)
        else:
            view = memoryview(source)
            for start in range(0, len(source), HASH_CHUNK):
                digest.update(bytes(view[start : start + HASH_CHUNK]))
        return digest

    def update(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        self._newlines += chunk.count(b"\n")
        if self._regular:
            joined = self._last + chunk[:1] + b"|" + chunk  # the pair across the chunk boundary, then the chunk
            self._regular = not any(pair in joined for pair in _IRREGULAR)
        self._last = chunk[-1:]

    @property
    def hexdigest(self) -> str:
        return self._sha.hexdigest()[:12]

    @property
    def statements(self) -> int | None:
        """Lines, when every line is one statement ending in a newline (as in a dump); else ``None``."""
        return self._newlines if self._regular and self._last == b"\n" else None


class _Hasher(threading.Thread):
    """Hash the published content beside the bulk load (both release the GIL), counting its statements."""

    def __init__(self, source: bytes | Path):
        super().__init__(name="content-hash", daemon=True)
        self.source = source
        self.digest: _Digest | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        # Lowest CPU priority for this thread (Linux schedules threads as tasks): Oxigraph's bulk loader
        # keeps every core busy, so the hash runs in the gaps and during the single-threaded optimise.
        with contextlib.suppress(AttributeError, OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), 19)
        try:
            self.digest = _Digest.of(self.source)
        except BaseException as exc:  # handed to the caller of result()
            self.error = exc

    def result(self) -> _Digest:
        self.join()
        if self.error is not None:
            raise self.error
        assert self.digest is not None
        return self.digest


class EmbeddedStores:
    """Versioned on-disk stores of one ``data_dir``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.data_dir
        self.stores_dir = settings.stores_dir
        self.current_link = settings.current_link

    # -- reading ------------------------------------------------------------------------------------
    def current_version(self) -> str | None:
        """Name of the version ``current`` points to, or ``None`` before the first load."""
        try:
            return Path(os.readlink(self.current_link)).name
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.EINVAL:
                # No absolute path in the message: web clients see it (the 503 body).
                _log.error("%s is not a symlink", self.current_link)
                raise StoreError("'current' in the data directory is not a symlink; remove it and load again") from None
            raise

    def current_path(self) -> Path | None:
        version = self.current_version()
        return None if version is None else self.stores_dir / version

    def versions(self) -> list[str]:
        if not self.stores_dir.is_dir():
            return []
        return sorted(p.name for p in self.stores_dir.iterdir() if p.is_dir() and not p.name.startswith("."))

    # -- writing ------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, wait: bool = False) -> Iterator[None]:
        """Hold the load lock; only one process loads at a time.

        :raises LoadInProgress: if another process holds it and ``wait`` is false.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with open(self.data_dir / ".load.lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            except BlockingIOError:
                raise LoadInProgress("another load is running (data_dir/.load.lock is held)") from None
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def publish(self, nquads: bytes | Path, *, force: bool = False, progress=lambda _msg: None) -> PublishResult:
        """Write ``nquads`` (N-Quads bytes, or the path of an N-Quads file) as a new version and switch
        ``current`` to it, atomically.

        If the content equals the current version's content (same bytes, see :func:`content_hash`),
        nothing is published (idempotent load) unless ``force``. Must be called with :meth:`lock` held.
        A path is bulk-loaded by Oxigraph from the file (faster than from bytes, and the document is
        never held in memory).
        """
        started = time.perf_counter()
        self.stores_dir.mkdir(parents=True, exist_ok=True)
        self._remove_stale_builds()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + f"{time.time_ns() % 1_000_000:06d}"
        building = self.stores_dir / f"{BUILDING_PREFIX}{stamp}-{os.getpid()}"
        # The content hash runs on a thread while the store is written: before the write it cost ~12% of a
        # load (see BENCHMARKS.md). The price: a load whose content is unchanged writes a store it then
        # throws away.
        hasher = _Hasher(nquads)
        hasher.start()
        progress(f"writing store {stamp}")
        store: Store | None = Store(str(building))
        try:
            if isinstance(nquads, Path):
                store.bulk_load(path=str(nquads), format=RdfFormat.N_QUADS)
            else:
                store.bulk_load(input=nquads, format=RdfFormat.N_QUADS)
            hashed = hasher.result()
            digest = hashed.hexdigest
            current = self.current_version()
            if current and current.endswith("-" + digest) and not force and (self.stores_dir / current).is_dir():
                triples = len(store)
                store = None
                shutil.rmtree(building, ignore_errors=True)
                return PublishResult(current, self.stores_dir / current, triples, True, 0.0)
            version = f"{stamp}-{digest}"
            progress(f"optimising store {version}")
            store.optimize()
            store.flush()
            # Counting the store is a scan (~1 s at 5M triples): a dump's lines are its statements.
            triples = hashed.statements if hashed.statements is not None else len(store)
            store = None
        except BaseException:
            store = None
            hasher.join()
            shutil.rmtree(building, ignore_errors=True)
            raise
        final = self.stores_dir / version
        os.rename(building, final)
        fsync_dir(self.stores_dir)
        self.switch(version)
        self.prune()
        return PublishResult(version, final, triples, False, time.perf_counter() - started)

    def switch(self, version: str) -> None:
        """Point ``current`` at ``version`` with one atomic rename."""
        target = Path("stores") / version
        if not (self.data_dir / target).is_dir():
            raise StoreError(f"no such store version: {version}")
        tmp = self.data_dir / f".current-{os.getpid()}-{threading.get_ident()}"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, self.current_link)
        fsync_dir(self.data_dir)

    def prune(self) -> list[str]:
        """Remove versions older than the current one beyond ``keep_versions``."""
        current = self.current_version()
        older = [v for v in self.versions() if v != current and (current is None or v < current)]
        doomed = older[: max(0, len(older) - self.settings.keep_versions)]
        for version in doomed:
            shutil.rmtree(self.stores_dir / version, ignore_errors=True)
        return doomed

    def _remove_stale_builds(self) -> None:
        """Remove half-built stores and N-Quads dumps left by loads that died (their pid is gone)."""
        for path in self.stores_dir.glob(BUILDING_PREFIX + "*"):
            pid = path.name.removesuffix(".nq").rsplit("-", 1)[-1]
            if pid.isdigit() and not pid_alive(int(pid)):
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


class EmbeddedReader:
    """A read-only view of ``current`` that follows the link when a new version is published.

    One per process; safe to share between threads.
    """

    def __init__(self, settings: Settings):
        self.stores = EmbeddedStores(settings)
        self._lock = threading.Lock()
        self._version: str | None = None
        self._store: Store | None = None

    def store(self) -> tuple[str, Store]:
        """The current version name and an open read-only store for it.

        :raises StoreError: before the first load.
        """
        version = self.stores.current_version()
        if version is None:
            raise StoreError("no data loaded yet: run `fundinggraph load` (or `make run`)")
        if version != self._version or self._store is None:
            with self._lock:
                if version != self._version or self._store is None:
                    path = self.stores.stores_dir / version
                    try:
                        self._store = Store.read_only(str(path))
                    except (OSError, RuntimeError) as exc:
                        # RocksDB reports a missing store as OSError and a corrupt one as RuntimeError, with
                        # absolute paths in the text: the details go to the log, web clients get the kind.
                        _log.error("cannot open store %s: %s", path, exc)
                        kind = str(exc).split(":", 1)[0].strip() or type(exc).__name__
                        raise StoreError(f"cannot open store version {version} ({kind}); the details are "
                                         "in the log") from None
                    self._version = version
        assert self._store is not None
        return self._version, self._store

    def version(self) -> str | None:
        return self.stores.current_version()


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (a dead loader's leftovers may be removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
