"""Shared fixtures: the real graph built from the real sources, in a real Oxigraph store."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Store

from fundinggraph import config
from fundinggraph.namespaces import sparql_prologue

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> config.Settings:
    """Default settings with a private data directory."""
    return config.from_env(environ={}, data_dir=str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def built(settings: config.Settings):
    """The complete graph built from sources/ (in memory), once per test session."""
    from loaders.pipeline import build

    return build(settings)


@pytest.fixture(scope="session")
def graph(built) -> Store:
    """The in-memory Oxigraph store holding the complete graph."""
    return built.store


@pytest.fixture(scope="session")
def sparql(graph: Store):
    """Run a SELECT/ASK with all our prefixes; SELECT rows come back as dicts of Python values."""

    def run(query: str, **bindings):
        from pyoxigraph import Variable

        result = graph.query(
            sparql_prologue() + query, substitutions={Variable(k): v for k, v in bindings.items()} or None
        )
        if isinstance(result, bool) or type(result).__name__ == "QueryBoolean":
            return bool(result)
        rows = []
        for solution in result:
            rows.append({v.value: (solution[v].value if solution[v] is not None else None) for v in result.variables})
        return rows

    return run
