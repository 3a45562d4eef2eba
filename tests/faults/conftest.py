"""Fixtures for fault tests: private data directories, the real CLI, sources with a marker entity."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat

from fundinggraph.bench.servers import CLI, cli_env

ROOT = Path(__file__).resolve().parents[2]

#: A registry entity that only the "next version" of the sources has: tells two versions apart.
MARKER_YAML = """entities:
  - id: zz-loadtest-marker
    kind: organisation
    label: {nl: Proefmerker Laadtest, en: Load test marker}
    aliases: [Proefmerker Laadtest]
    scan: false
"""


@pytest.fixture()
def fresh_data(built, tmp_path: Path) -> Path:
    """A private data directory whose current version is the real graph (no other test touches it)."""
    from fundinggraph import config
    from fundinggraph.store import EmbeddedStores

    data_dir = tmp_path / "data"
    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(data_dir)))
    with stores.lock(wait=True):
        stores.publish(built.store.dump(format=RdfFormat.N_QUADS))
    return data_dir


@pytest.fixture()
def cli() -> Callable[..., subprocess.CompletedProcess]:
    """Run ``fundinggraph <args>`` on a data directory (and optionally other sources)."""

    def run(data_dir: Path, *args: str, sources: Path | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([*CLI, *args], cwd=ROOT, env=cli_env(data_dir, sources), capture_output=True,
                              text=True, timeout=600)

    return run


@pytest.fixture()
def sources_copy(tmp_path: Path) -> Path:
    """A writable copy of sources/ (the originals are never edited)."""
    target = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return target


@pytest.fixture()
def marked_sources(sources_copy: Path) -> Path:
    """Sources plus one marker entity: a load of these is a different, recognisable version."""
    (sources_copy / "registry" / "zz-loadtest.yaml").write_text(MARKER_YAML, encoding="utf-8")
    return sources_copy
