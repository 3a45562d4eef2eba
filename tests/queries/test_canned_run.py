"""Every canned query runs on the real graph and returns rows, with the embedded and the remote binding."""

from __future__ import annotations

from collections import Counter

import pytest
from canned_samples import GOOD_HEADER
from pyoxigraph import Store

from fundinggraph.namespaces import PREFIXES
from fundinggraph.store.remote import inject_values
from server.canned import CannedQuery, QueryDefinitionError, bind
from server.queries import get_query, resolve, run

NAMES = sorted(p.stem for p in __import__("pathlib").Path(__file__).resolve().parents[2].joinpath("queries").glob("*.rq"))


def _arg_sets(query: CannedQuery) -> list[dict[str, list[str]]]:
    """Defaults (with the examples of required parameters), each example alone, and all examples."""
    required = {p.name: [p.example] for p in query.parameters if p.required}
    sets = [dict(required)]
    for param in query.parameters:
        if param.example is not None and not param.required:
            sets.append({**required, param.name: [param.example]})
    every = {p.name: [p.example] for p in query.parameters if p.example is not None}
    if every not in sets:
        sets.append(every)
    return sets


def _bindings(app, query: CannedQuery, args: dict[str, list[str]]):
    with app.test_request_context("/"):
        return bind(query, args, resolve)


def _rows(store: Store, text: str, bindings=None) -> Counter:
    from pyoxigraph import Variable

    solutions = store.query(text, prefixes=PREFIXES,
                            substitutions={Variable(k): v for k, v in (bindings or {}).items()} or None)
    names = [v.value for v in solutions.variables]
    return Counter(tuple(str(s[n]) if s[n] is not None else None for n in names) for s in solutions)


@pytest.mark.parametrize("name", NAMES)
def test_query_returns_rows_with_its_defaults_and_documented_examples(app, name):
    with app.test_request_context("/"):
        query = get_query(name)
        for args in _arg_sets(query):
            _version, result = run(query, bind(query, args, resolve))
            assert result.rows, f"{name} with {args} returned no rows"
            assert not result.truncated


@pytest.mark.parametrize("name", NAMES)
def test_remote_values_binding_gives_the_same_rows_as_substitution(app, graph, name):
    """The remote backend binds by a VALUES block opening the WHERE group: the .rq must not care."""
    query = app.extensions["fundinggraph.queries"][name]
    for args in _arg_sets(query):
        bindings = _bindings(app, query, args)
        substituted = _rows(graph, query.body, bindings)
        injected = _rows(graph, inject_values(query.body, bindings))
        assert substituted == injected, f"{name} with {args}"
        assert substituted, f"{name} with {args} returned no rows on the built graph"


@pytest.mark.parametrize("name", NAMES)
def test_an_optional_filter_left_out_matches_more_than_one_given(app, graph, name):
    """An optional parameter that is not given leaves its variable free: never fewer rows than with it."""
    query = app.extensions["fundinggraph.queries"][name]
    base = {p.name: [p.example] for p in query.parameters if p.required}
    free = sum(_rows(graph, query.body, _bindings(app, query, base)).values())
    for param in query.parameters:
        if param.example is not None and not param.required and param.default is None:
            given = sum(_rows(graph, query.body, _bindings(app, query, {**base, param.name: [param.example]})).values())
            assert 0 < given <= free, f"{name}: {param.name}={param.example} gave {given} rows, without it {free}"


def test_a_broken_query_stops_the_app_from_starting(tmp_path, write_query, published):
    write_query(GOOD_HEADER + "SELECT ?flow $year WHERE { ?flow fg:funder $funder ; fg:year $year }\n", name="broken")
    from server import create_app

    with pytest.raises(QueryDefinitionError) as caught:
        create_app(published.with_overrides(queries_dir=str(tmp_path)), {"TESTING": True})
    assert "broken.rq:11" in str(caught.value) and "$funder" in str(caught.value)


def test_a_broken_query_stops_fundinggraph_serve_with_file_and_line(tmp_path, write_query, published):
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    path = write_query(GOOD_HEADER + "SELECT ?flow $year WHERE { ?flow fg:funder $funder ; fg:year $year }\n",
                       name="broken")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, FUNDINGGRAPH_QUERIES_DIR=str(tmp_path), FUNDINGGRAPH_PORT=str(port),
               FUNDINGGRAPH_DATA_DIR=str(published.data_dir), FUNDINGGRAPH_WORKERS="1")
    proc = subprocess.run([sys.executable, "-m", "fundinggraph", "serve"], cwd=Path(__file__).resolve().parents[2],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert f"{path}:11: $funder is used but not declared" in proc.stdout + proc.stderr
