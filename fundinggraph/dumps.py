"""Dump files of one data version: N-Quads and Turtle with SHA-256 checksums, for portals to harvest.

``write_dumps(backend, directory)`` writes ``fundinggraph.nq`` and ``fundinggraph.ttl`` (plus
``<name>.sha256`` in ``sha256sum`` format and a ``manifest.json``) for the version the backend serves,
from either backend. Files are written beside their final name and renamed into place, so a reader
never sees half a file; :func:`ensure_dumps` does it once per version under ``<data_dir>/dumps/<version>/``
(a lock file keeps two web processes from doing the same work).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from pyoxigraph import DefaultGraph, RdfFormat, parse, serialize

from fundinggraph.namespaces import PREFIXES

#: name -> (format, media type)
FILES: dict[str, tuple[RdfFormat, str]] = {
    "fundinggraph.nq": (RdfFormat.N_QUADS, "application/n-quads"),
    "fundinggraph.ttl": (RdfFormat.TURTLE, "text/turtle"),
}
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DumpFile:
    name: str
    media_type: str
    size: int
    sha256: str
    version: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_dumps(backend, directory: Path) -> list[DumpFile]:
    """Write every dump file of the version ``backend`` serves into ``directory``; return what was written."""
    from fundinggraph.store.backend import EmbeddedBackend

    directory.mkdir(parents=True, exist_ok=True)
    tmp = {name: directory / f".{name}.{os.getpid()}.tmp" for name in FILES}
    try:
        if isinstance(backend, EmbeddedBackend):
            version, store = backend.store()
            store.dump(str(tmp["fundinggraph.nq"]), RdfFormat.N_QUADS)
            store.dump(str(tmp["fundinggraph.ttl"]), RdfFormat.TURTLE, from_graph=DefaultGraph(),
                       prefixes=PREFIXES)
        else:
            # The remote store holds one version per named graph: fetch it as N-Triples (also valid
            # N-Quads, all in the default graph), then write Turtle with our prefixes, streaming.
            version = backend.download(tmp["fundinggraph.nq"], RdfFormat.N_TRIPLES)
            serialize(parse(path=str(tmp["fundinggraph.nq"]), format=RdfFormat.N_TRIPLES),
                      str(tmp["fundinggraph.ttl"]), RdfFormat.TURTLE, prefixes=PREFIXES)
        written = []
        for name, (_, media) in FILES.items():
            final = directory / name
            tmp[name].replace(final)
            digest = _sha256(final)
            (directory / (name + ".sha256")).write_text(f"{digest}  {name}\n")
            written.append(DumpFile(name, media, final.stat().st_size, digest, version))
        manifest = directory / MANIFEST
        manifest_tmp = directory / f".{MANIFEST}.{os.getpid()}.tmp"
        manifest_tmp.write_text(json.dumps([asdict(f) for f in written], indent=1))
        manifest_tmp.replace(manifest)
        return written
    finally:
        for path in tmp.values():
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def read_manifest(directory: Path) -> list[DumpFile] | None:
    """The dump files recorded in ``directory`` (``None`` when they are not complete)."""
    try:
        entries = [DumpFile(**entry) for entry in json.loads((directory / MANIFEST).read_text())]
    except (FileNotFoundError, ValueError, TypeError):
        return None
    if not all((directory / e.name).is_file() for e in entries):
        return None
    return entries


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure_dumps(backend, dumps_dir: Path, keep: int = 2) -> tuple[Path, list[DumpFile]]:
    """The dump files of the version ``backend`` serves, written under ``dumps_dir/<version>/`` if missing.

    Directories of older versions beyond ``keep`` are removed.
    """
    version = backend.version()
    directory = dumps_dir / version
    found = read_manifest(directory)
    if found is not None:
        return directory, found
    with _locked(dumps_dir / ".lock"):
        found = read_manifest(directory)
        if found is not None:
            return directory, found
        for stale in dumps_dir.glob(".*.building"):  # left by a process that died while writing
            shutil.rmtree(stale, ignore_errors=True)
        building = dumps_dir / f".{version}.building"
        written = write_dumps(backend, building)
        # A new version may have been published meanwhile: file the dumps under the version they hold.
        version = written[0].version
        directory = dumps_dir / version
        if directory.exists():
            shutil.rmtree(directory)
        building.rename(directory)
        _prune(dumps_dir, keep=max(1, keep), current=version)
    return directory, written


def _prune(dumps_dir: Path, keep: int, current: str) -> None:
    versions = sorted(p.name for p in dumps_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    older = [v for v in versions if v < current]
    for version in older[: max(0, len(older) - keep)]:
        shutil.rmtree(dumps_dir / version, ignore_errors=True)
