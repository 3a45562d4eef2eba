"""The embedded store writer: publishing from bytes or from a file, and what a dead load leaves behind."""

from __future__ import annotations

import subprocess
import sys

from pyoxigraph import RdfFormat, Store

from fundinggraph import config
from fundinggraph.store import EmbeddedStores
from fundinggraph.store.embedded import BUILDING_PREFIX, content_hash, file_hash


def _stores(tmp_path) -> EmbeddedStores:
    return EmbeddedStores(config.from_env(environ={}, data_dir=str(tmp_path / "data")))


def test_a_file_and_its_bytes_publish_the_same_version(built, tmp_path):
    nquads = built.store.dump(format=RdfFormat.N_QUADS)
    path = tmp_path / "graph.nq"
    path.write_bytes(nquads)
    assert file_hash(path) == content_hash(nquads)
    stores = _stores(tmp_path)
    with stores.lock():
        first = stores.publish(path)
        again = stores.publish(nquads)
    assert not first.unchanged and again.unchanged and again.version == first.version
    assert first.version.endswith("-" + content_hash(nquads))
    assert len(Store.read_only(str(first.path))) == first.triples == len(built.store)


def test_a_store_dump_is_the_same_bytes_in_another_process(built):
    """The version hash is of the bytes as given: it recognises unchanged content only because a dump of a
    store is deterministic, also across processes (another hash seed, another insertion history)."""
    script = (
        "import sys; from pyoxigraph import Store, RdfFormat\n"
        "s = Store(); data = sys.stdin.buffer.read()\n"
        "lines = data.splitlines(); lines.reverse()\n"
        "s.bulk_load(input=b'\\n'.join(lines) + b'\\n', format=RdfFormat.N_QUADS)\n"
        "sys.stdout.buffer.write(s.dump(format=RdfFormat.N_QUADS))\n"
    )
    mine = built.store.dump(format=RdfFormat.N_QUADS)
    theirs = subprocess.run([sys.executable, "-c", script], input=mine, capture_output=True, check=True,
                            env={"PYTHONHASHSEED": "12345"}).stdout
    assert content_hash(theirs) == content_hash(mine)


def test_leftovers_of_a_dead_load_are_removed_and_a_live_ones_kept(built, tmp_path):
    stores = _stores(tmp_path)
    stores.stores_dir.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    dead_dump = stores.stores_dir / f"{BUILDING_PREFIX}dump-{dead}.nq"
    dead_build = stores.stores_dir / f"{BUILDING_PREFIX}20260101T000000000000-{dead}"
    live_dump = stores.stores_dir / f"{BUILDING_PREFIX}dump-1.nq"  # pid 1 is always alive
    dead_dump.write_bytes(b"half a dump")
    dead_build.mkdir()
    live_dump.write_bytes(b"someone else's")
    with stores.lock():
        stores.publish(built.store.dump(format=RdfFormat.N_QUADS))
    assert not dead_dump.exists() and not dead_build.exists()
    assert live_dump.exists()
