"""`fundinggraph load`: atomic, idempotent, and loud about bad input (file and line), via the real CLI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "fundinggraph"]

pytestmark = pytest.mark.slow


def run(data_dir: Path, *args: str, sources: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(data_dir))
    if sources is not None:
        env["FUNDINGGRAPH_SOURCES_DIR"] = str(sources)
    proc = subprocess.run([*CLI, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def current(data_dir: Path) -> str:
    return os.readlink(data_dir / "current")


def nquads(data_dir: Path) -> set[bytes]:
    store = Store.read_only(str(data_dir / "current"))
    return {line for line in store.dump(format=RdfFormat.N_QUADS).split(b"\n") if line}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("data")
    run(data_dir, "load", check=True)
    return data_dir


@pytest.fixture()
def sources_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sources"
    shutil.copytree(ROOT / "sources", target)
    for path in (target / "documents").iterdir():
        path.chmod(0o644)
    return target


def test_load_prints_a_summary(loaded: Path):
    proc = run(loaded, "info", check=True)
    assert "version" in proc.stdout and "triples" in proc.stdout


def test_second_load_is_idempotent(loaded: Path):
    before, content = current(loaded), nquads(loaded)
    proc = run(loaded, "load", check=True)
    assert "unchanged" in proc.stdout
    assert current(loaded) == before and nquads(loaded) == content
    # The N-Quads dump the store is loaded from (fundinggraph.cli.publish_built) is gone, like the
    # store that was built and thrown away.
    assert not list((loaded / "stores").glob(".building-*"))


def test_forced_reload_gives_the_same_graph_in_a_new_version(loaded: Path):
    before, content = current(loaded), nquads(loaded)
    run(loaded, "load", "--force", check=True)
    assert current(loaded) != before
    assert current(loaded).rsplit("-", 1)[1] == before.rsplit("-", 1)[1]  # same content hash
    assert nquads(loaded) == content


def test_broken_encoding_names_file_and_line_and_keeps_the_served_store(loaded: Path, sources_copy: Path):
    before = current(loaded)
    doc = sources_copy / "documents" / "003_040c11a4c0563b9a.txt"
    raw = doc.read_bytes().split(b"\n")
    raw[41] = raw[41] + b" \xff\xfe broken"
    doc.write_bytes(b"\n".join(raw))
    proc = run(loaded, "load", "--force", sources=sources_copy)
    assert proc.returncode == 1
    assert "003_040c11a4c0563b9a.txt:42:" in proc.stderr and "UTF-8" in proc.stderr
    assert "unchanged" in proc.stderr
    assert current(loaded) == before


def test_truncated_source_is_refused(loaded: Path, sources_copy: Path):
    before = current(loaded)
    doc = sources_copy / "documents" / "001_c5dffb020922f721.txt"
    doc.write_text("\n".join(doc.read_text(encoding="utf-8").split("\n")[:40]), encoding="utf-8")
    proc = run(loaded, "load", "--force", sources=sources_copy)
    assert proc.returncode == 1
    assert "001_c5dffb020922f721.txt:40:" in proc.stderr and "truncated" in proc.stderr
    assert current(loaded) == before


def test_wrong_quote_in_registry_names_the_yaml_line(loaded: Path, sources_copy: Path):
    core = sources_copy / "registry" / "core.yaml"
    text = core.read_text(encoding="utf-8")
    text = text.replace('quote: "Structurele partners zoals Dyzo"}', 'quote: "Structurele partners zoals Dyzzo"}', 1)
    core.write_text(text, encoding="utf-8")
    line = next(i for i, text_line in enumerate(text.split("\n"), 1) if "Dyzzo" in text_line)
    proc = run(loaded, "load", "--force", sources=sources_copy)
    assert proc.returncode == 1
    assert f"core.yaml:{line}:" in proc.stderr and "quote not found" in proc.stderr


def test_duplicate_alias_is_refused_naming_both_entities(loaded: Path, sources_copy: Path):
    extra = sources_copy / "registry" / "zz-duplicate.yaml"
    extra.write_text("entities:\n  - id: other-vlaio\n    kind: organisation\n    label: {nl: Iets anders}\n"
                     "    aliases: [VLAIO]\n", encoding="utf-8")
    proc = run(loaded, "load", "--force", sources=sources_copy)
    assert proc.returncode == 1
    assert "zz-duplicate.yaml:2:" in proc.stderr and "'VLAIO'" in proc.stderr and "vlaio" in proc.stderr


def test_ontology_syntax_error_is_named(loaded: Path, tmp_path: Path, monkeypatch):
    from loaders.pipeline import load_ontology
    from loaders.sourcetext import SourceError

    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix fg: <https://fundinggraph.example.org/def#> .\n\nfg:A a fg:B ;\n  fg:c \"unterminated .\n")
    with pytest.raises(SourceError) as info:
        load_ontology(Store(), tmp_path)
    assert "broken.ttl" in str(info.value) and "syntax" in str(info.value)


def test_killed_load_leaves_the_served_store_and_the_next_load_works(loaded: Path):
    before, content = current(loaded), nquads(loaded)
    env = dict(os.environ, FUNDINGGRAPH_DATA_DIR=str(loaded))
    with subprocess.Popen([*CLI, "load", "--force"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "writing store" in line:
                proc.send_signal(signal.SIGKILL)
                break
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert current(loaded) == before and nquads(loaded) == content
    run(loaded, "load", "--force", check=True)
    assert nquads(loaded) == content
    assert not list((loaded / "stores").glob(".building-*")), "the half-built store of the killed load was removed"


def test_a_second_concurrent_load_is_refused(loaded: Path):
    from fundinggraph import config
    from fundinggraph.store import EmbeddedStores

    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(loaded)))
    with stores.lock():
        proc = run(loaded, "load", "--force")
    assert proc.returncode == 3 and "another load is running" in proc.stderr


def test_reconcile_and_dump_run(loaded: Path, tmp_path: Path):
    proc = run(loaded, "reconcile", "--exit-zero", check=True)
    assert proc.stdout.strip()
    out = tmp_path / "dumps"
    run(loaded, "dump", "--out", str(out), check=True)
    assert (out / "fundinggraph.nq").stat().st_size > 0
    digest = (out / "fundinggraph.ttl.sha256").read_text().split()[0]
    import hashlib

    assert hashlib.sha256((out / "fundinggraph.ttl").read_bytes()).hexdigest() == digest
    Store().load(path=str(out / "fundinggraph.ttl"), format=RdfFormat.TURTLE)


def test_serve_with_a_current_that_is_not_a_symlink_is_a_clear_error(tmp_path: Path):
    (tmp_path / "current").mkdir()
    proc = run(tmp_path, "serve", "--port", "9")
    assert proc.returncode == 1
    assert "is not a symlink" in proc.stderr and "Traceback" not in proc.stderr
