"""The embedded store writer: publishing from bytes or from a file, and what a dead load leaves behind."""

from __future__ import annotations

import subprocess
import sys

from pyoxigraph import NamedNode, RdfFormat, Store

from fundinggraph import config
from fundinggraph.store import EmbeddedStores
from fundinggraph.store.embedded import BUILDING_PREFIX, canonical_dump, content_hash, file_hash


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


def test_equal_content_gives_equal_canonical_bytes_whatever_the_history(built):
    """The version hash is of the bytes as given, so publishers give :func:`canonical_dump`: a store
    filled in another order, or changed by an update and changed back, gives the same bytes."""
    original = built.store.dump(format=RdfFormat.N_QUADS)
    lines = original.splitlines()
    lines.reverse()
    other = Store()
    other.bulk_load(input=b"\n".join(lines) + b"\n", format=RdfFormat.N_QUADS)
    other.update("DELETE WHERE { <https://fundinggraph.example.org/id/organisation/dyzo> rdfs:label ?l }",
                 prefixes={"rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    assert canonical_dump(other) != canonical_dump(built.store)
    for quad in built.store.quads_for_pattern(NamedNode("https://fundinggraph.example.org/id/organisation/dyzo"),
                                              NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None):
        other.add(quad)
    assert canonical_dump(other) == canonical_dump(built.store)
    assert sorted(canonical_dump(built.store).splitlines()) == sorted(original.splitlines())


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


def test_the_triple_count_is_right_for_comments_and_blank_lines(built, tmp_path):
    """A dump's lines are its statements; a file with comments, blank or indented lines is counted by the store."""
    lines = canonical_dump(built.store).splitlines()
    messy = b"# a comment first\n" + b"\n".join(lines[:10]) + b"\n\n  " + b"\n\t".join(lines[10:]) + b"\n# end"
    path = tmp_path / "messy.nq"
    path.write_bytes(messy)
    stores = _stores(tmp_path)
    with stores.lock():
        result = stores.publish(path)
    assert result.triples == len(lines) == len(Store.read_only(str(result.path)))
    with stores.lock():
        again = stores.publish(canonical_dump(built.store), force=True)
    assert again.triples == len(lines)
