"""Fixtures of the canned-query tests: the parsed queries and ways to write broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from fundinggraph import config
from server.canned import CannedQuery, load_queries


@pytest.fixture(scope="session")
def canned(settings: config.Settings) -> dict[str, CannedQuery]:
    """Every canned query of queries/, parsed."""
    return load_queries(settings.queries_dir)




@pytest.fixture()
def write_query(tmp_path: Path):
    """Write ``<name>.rq`` with the given text into a fresh directory; returns its path."""

    def write(text: str, name: str = "test-query") -> Path:
        path = tmp_path / f"{name}.rq"
        path.write_text(text, encoding="utf-8")
        return path

    return write
