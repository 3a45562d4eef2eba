"""Run a SELECT with our prefixes on any store and get rows of plain strings (ontology tests)."""

from __future__ import annotations

from pyoxigraph import Store

from fundinggraph.namespaces import sparql_prologue


def rows(store: Store, query: str) -> list[dict[str, str]]:
    """Every solution of ``query`` as ``{variable: value or None}``."""
    result = store.query(sparql_prologue() + query)
    return [{v.value: s[v].value if s[v] is not None else None for v in result.variables} for s in result]
