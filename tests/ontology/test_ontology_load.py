"""`fundinggraph load` with a broken ontology or shapes file: an error naming file and line, nothing published."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

from fundinggraph.cli import EXIT_INVALID, main

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

BROKEN = 'fg:Broken rdfs:label "a string literal that never ends .\n'


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with one published version (validation skipped: other tests cover it)."""
    data_dir = tmp_path_factory.mktemp("data")
    assert main(["load", "--data-dir", str(data_dir), "--no-validate", "--quiet"]) == 0
    return data_dir


def snapshot(data_dir: Path) -> tuple[str, set[bytes]]:
    store = Store.read_only(str(data_dir / "current"))
    return os.readlink(data_dir / "current"), set(store.dump(format=RdfFormat.N_QUADS).split(b"\n"))


def broken_copy(tmp_path: Path, name: str) -> tuple[Path, int]:
    """A copy of ontology/ whose ``name`` has an unterminated string on a new line after the prefixes."""
    target = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", target)
    lines = (target / name).read_text(encoding="utf-8").splitlines(keepends=True)
    after_prefixes = max(i for i, line in enumerate(lines) if line.startswith("@prefix")) + 1
    lines.insert(after_prefixes, BROKEN)
    (target / name).write_text("".join(lines), encoding="utf-8")
    return target, after_prefixes + 1


@pytest.mark.parametrize("name", ["fundinggraph.ttl", "schemes.ttl", "shapes.ttl"])
def test_a_turtle_syntax_error_names_file_and_line_and_publishes_nothing(
    published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
):
    before = snapshot(published)
    capsys.readouterr()
    ontology, line = broken_copy(tmp_path, name)
    code = main(["load", "--data-dir", str(published), "--ontology-dir", str(ontology), "--force", "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_INVALID
    assert f"{name}:{line}:" in err and "syntax error" in err, err
    assert "nothing was published" in err
    assert snapshot(published) == before


def test_a_missing_ontology_directory_is_named(published: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    before = snapshot(published)
    capsys.readouterr()
    code = main(["load", "--data-dir", str(published), "--ontology-dir", str(tmp_path / "nowhere"), "--force", "--quiet"])
    err = capsys.readouterr().err
    assert code == EXIT_INVALID
    assert "nowhere" in err and "ontology directory not found" in err
    assert snapshot(published) == before


def test_the_ontology_directory_setting_comes_from_the_environment(tmp_path: Path):
    from fundinggraph import config

    settings = config.from_env(environ={"FUNDINGGRAPH_ONTOLOGY_DIR": str(tmp_path)})
    assert settings.ontology_dir == tmp_path.resolve()
    assert config.from_env(environ={}).ontology_dir == ROOT / "ontology"
