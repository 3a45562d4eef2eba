"""Bad loader input that tests/test_load_cli.py does not cover yet: named with file and line, store untouched.

(Truncation, wrong encoding, a wrong quote and a duplicate alias are covered there.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from fundinggraph.bench.servers import current_version

pytestmark = pytest.mark.slow

DOC = "000_3b319597539220f9.txt"


def test_an_amount_that_does_not_parse_is_named_and_publishes_nothing(fresh_data: Path, sources_copy: Path, cli):
    before = current_version(fresh_data)
    doc = sources_copy / "documents" / DOC
    lines = doc.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line == "- Dyzo: 585.000,00 euro")
    lines[number] = "- Dyzo: 585.0O0,00 euro"  # a letter O among the digits
    doc.write_text("\n".join(lines), encoding="utf-8")
    # Record the edited file's checksum, so the load reaches the number (and not the checksum check).
    assert cli(fresh_data, "sources", "--update", sources=sources_copy).returncode == 0
    proc = cli(fresh_data, "load", "--force", "--no-validate", sources=sources_copy)
    assert proc.returncode == 1
    assert f"{DOC}:{number + 1}:" in proc.stderr and "585.0O0,00" in proc.stderr
    assert "nothing was published" in proc.stderr
    assert current_version(fresh_data) == before
    assert len(list((fresh_data / "stores").iterdir())) == 1, "no new version or half-built store was left"


def test_a_changed_source_without_a_new_checksum_is_refused(fresh_data: Path, sources_copy: Path, cli):
    before = current_version(fresh_data)
    doc = sources_copy / "documents" / DOC
    doc.write_text(doc.read_text(encoding="utf-8").replace("585.000,00", "585.001,00", 1), encoding="utf-8")
    proc = cli(fresh_data, "load", "--force", "--no-validate", sources=sources_copy)
    assert proc.returncode == 1
    assert DOC in proc.stderr and "content differs from sources.yaml" in proc.stderr
    assert current_version(fresh_data) == before


def test_an_ontology_syntax_error_names_file_and_line(tmp_path: Path):
    from loaders.pipeline import load_ontology
    from loaders.sourcetext import SourceError

    bad = tmp_path / "broken.ttl"
    bad.write_text("@prefix fg: <https://fundinggraph.example.org/def#> .\n\nfg:A a fg:Class .\n"
                   "fg:B a fg:Class ;\n  fg:label \"unterminated .\n")
    store = Store()
    with pytest.raises(SourceError) as info:
        load_ontology(store, tmp_path)
    assert info.value.path.name == "broken.ttl"
    assert info.value.line in (4, 5), str(info.value)
    assert f"broken.ttl:{info.value.line}:" in str(info.value)
