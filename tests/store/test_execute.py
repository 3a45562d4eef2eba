"""Untrusted endpoint queries (``Backend.execute``) behave the same on the embedded and the remote store."""

from __future__ import annotations

import json

import pytest
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from fundinggraph.store.execution import QuerySyntaxError, QueryTimeout, ResultNotAcceptable

pytestmark = pytest.mark.remote

JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


def run(backend, query: str, **overrides):
    options = {"results_format": JSON, "graph_format": TURTLE, "timeout": 20.0, "max_rows": 10_000, **overrides}
    return backend.execute(query, **options)


def test_select_in_the_requested_format(backend):
    result = run(backend, "SELECT ?org WHERE { ?org skos:prefLabel \"Agentschap Innoveren en Ondernemen\"@nl }")
    body = json.loads(result.body)
    assert result.media_type == JSON and not result.truncated and result.count == 1
    assert body["results"]["bindings"][0]["org"]["value"].endswith("/id/organisation/vlaio")
    assert result.version == backend.version()


def test_rows_are_capped_and_said_to_be(backend):
    result = run(backend, "SELECT ?s WHERE { ?s a org:Organization }", max_rows=7,
                 results_format="text/csv")
    assert result.truncated and result.count == 7
    assert len(result.body.decode().strip().splitlines()) == 8  # header + 7 rows


def test_triples_are_capped(backend):
    result = run(backend, "CONSTRUCT WHERE { ?s a org:Organization }", max_rows=5, graph_format="application/n-triples")
    assert result.truncated and result.count == 5
    assert len(list(parse(result.body, format=RdfFormat.N_TRIPLES))) == 5


def test_ask_and_construct(backend):
    assert parse_query_results(run(backend, "ASK { ?s a fg:FundingFlow }").body, format=QueryResultsFormat.JSON)
    result = run(backend, "CONSTRUCT { ?s a fg:Agency } WHERE { ?s a fg:Agency }")
    assert result.media_type == TURTLE and result.count > 3 and not result.truncated
    assert len(list(parse(result.body, format=RdfFormat.TURTLE))) == result.count


def test_no_named_graphs_are_visible(backend):
    """The remote store's other versions and its meta graph are not part of the served dataset."""
    body = json.loads(run(backend, "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5").body)
    assert body["results"]["bindings"] == []


def test_a_syntax_error_points_into_the_users_text(backend):
    with pytest.raises(QuerySyntaxError) as info:
        run(backend, "SELECT ?s WHERE {\n  ?s a org:Organization")
    assert info.value.line == 2


def test_a_result_no_accepted_format_can_carry(backend):
    with pytest.raises(ResultNotAcceptable, match="SELECT"):
        run(backend, "SELECT ?s WHERE { ?s a fg:Agency }", results_format=None)


@pytest.mark.slow
def test_the_time_limit_holds(backend):
    with pytest.raises(QueryTimeout):
        run(backend, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1.5)
