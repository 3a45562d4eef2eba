"""Canned query results (and rendered entity pages) shared by the worker processes of one machine, as
files per data version.

Each web worker has its own memory (:mod:`server.canned_cache`); without sharing, every worker computes
every result once more after a start or a reload. At 5M triples that is seconds per result and worker,
spent while the other worker serves (on two shared cores the second computation took 10 s instead of 2).
So the first worker to compute a result writes it here, and a worker that misses in memory reads it
(about 50 ms for 3,800 rows). A lock file per result makes the other workers wait for the one that
computes instead of computing the same result beside it.

The files live under the system's temporary directory, in a directory of this user that nobody else may
write (``<tmp>/fundinggraph-<uid>/canned/<store>/<version>/``): the data directory itself may be
read-only. Results are JSON (never pickle). Directories of other versions older than
:data:`KEEP_OLD_SECONDS`, and of stores not used for :data:`KEEP_STORE_SECONDS`, are removed when a new
version directory is made. Any problem with the directory (not ours, not writable, full) turns the
sharing off for that call: results are then computed as if it did not exist.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Hashable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

#: Seconds a directory of an older data version is kept (workers may still be answering from it).
KEEP_OLD_SECONDS = 600
#: Seconds the results of a store nobody asked about are kept (test runs make many short-lived stores).
KEEP_STORE_SECONDS = 86400

_SAFE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _private_dir(path: Path) -> bool:
    """Make ``path`` (mode 700) if needed; true when it is a directory of this user that only it can write."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


class SharedResults:
    """The result files of one store (a data directory or a remote endpoint) on this machine."""

    def __init__(self, store_id: str, root: Path | None = None):
        base = root or Path(tempfile.gettempdir()) / f"fundinggraph-{os.getuid()}"
        self.root = base / "canned"
        self.store_dir = self.root / hashlib.sha256(store_id.encode()).hexdigest()[:20]

    def _version_dir(self, version: str) -> Path | None:
        name = version if _SAFE.match(version) else hashlib.sha256(version.encode()).hexdigest()[:32]
        for path in (self.root.parent, self.root, self.store_dir):
            if not _private_dir(path):
                return None
        target = self.store_dir / name
        if not target.is_dir():
            if not _private_dir(target):
                return None
            self._tidy(target)
        return target

    def _tidy(self, keep: Path) -> None:
        """Remove other versions' directories older than KEEP_OLD_SECONDS, and long-unused stores."""
        now = time.time()
        with contextlib.suppress(OSError):
            for old in self.store_dir.iterdir():
                if old != keep and old.is_dir() and now - old.stat().st_mtime > KEEP_OLD_SECONDS:
                    shutil.rmtree(old, ignore_errors=True)
            for store in self.root.iterdir():
                if store != self.store_dir and store.is_dir() and now - store.stat().st_mtime > KEEP_STORE_SECONDS:
                    shutil.rmtree(store, ignore_errors=True)
            os.utime(self.store_dir)

    @staticmethod
    def _name(key: Hashable) -> str:
        return hashlib.sha256(repr(key).encode()).hexdigest()[:40]

    @contextlib.contextmanager
    def claim(self, version: str, key: Hashable) -> Iterator[Path | None]:
        """Hold the lock of ``key``'s result file and give its path (``None``: sharing is off).

        While one process holds it, the others wait here; then they find the file written.
        """
        directory = self._version_dir(version)
        if directory is None:
            yield None
            return
        name = self._name(key)
        try:
            handle = os.open(directory / f"{name}.lock", os.O_CREAT | os.O_RDWR | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError as exc:
            log.warning("canned results are not shared: %s", exc.strerror)
            yield None
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield directory / f"{name}.json"
        finally:
            with contextlib.suppress(OSError):
                fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)

    @staticmethod
    def read(path: Path) -> str | None:
        """The text of a result file, or ``None`` when there is none (yet)."""
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    @staticmethod
    def write(path: Path, text: str) -> None:
        """Write a result file atomically (a reader never sees half of it); failures only cost sharing."""
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, path)
        except OSError as exc:
            log.warning("canned result not shared: %s", exc.strerror)
            with contextlib.suppress(OSError):
                temporary.unlink()


SHARED_EXTENSION = "fundinggraph.canned-shared"


def shared_results() -> SharedResults | None:
    """The result files shared by this machine's workers for this store (``None`` when caching is off)."""
    from flask import current_app

    from server.store import settings

    config = settings()
    if config.cache_entries <= 0:
        return None
    shared = current_app.extensions.get(SHARED_EXTENSION)
    if shared is None:
        where = config.remote_query_url if config.backend == "remote" else str(Path(config.data_dir).resolve())
        shared = current_app.extensions.setdefault(SHARED_EXTENSION, SharedResults(f"{config.backend}|{where}"))
    return shared
