"""Binding parameters for a remote store: a VALUES block of typed terms at the start of the WHERE group."""

from __future__ import annotations

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Store

from fundinggraph.namespaces import XSD, sparql_prologue
from fundinggraph.store.remote import inject_values, values_block, where_group

EX = NamedNode("http://example.org/a")


@pytest.fixture(scope="module")
def store() -> Store:
    data = Store()
    data.update('INSERT DATA { <http://example.org/a> <http://example.org/p> "x {y}" , "z"@nl . '
                '<http://example.org/b> <http://example.org/p> "w" }')
    return data


@pytest.mark.parametrize(
    ("query", "bindings", "expected"),
    [
        ("SELECT ?o WHERE { ?s <http://example.org/p> ?o }", {"s": EX}, {'"x {y}"', '"z"@nl'}),
        # Braces in strings, IRIs and comments are not groups.
        ('SELECT ?o # { not a group\n WHERE { ?s <http://example.org/p> ?o FILTER(?o != "}") }', {"s": EX},
         {'"x {y}"', '"z"@nl'}),
        # No WHERE keyword.
        ("SELECT ?o { ?s <http://example.org/p> ?o }", {"s": EX}, {'"x {y}"', '"z"@nl'}),
        # A sub-select alone in the group is wrapped.
        ("SELECT ?o WHERE { SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } }", {"s": EX},
         {'"x {y}"', '"z"@nl'}),
        # Two variables at once.
        ("SELECT ?s WHERE { ?s <http://example.org/p> ?o }", {"o": Literal("z", language="nl"), "s": EX},
         {"<http://example.org/a>"}),
    ],
)
def test_bound_select_runs_on_a_real_parser(store, query, bindings, expected):
    solutions = store.query(inject_values(query, bindings))
    name = solutions.variables[0].value
    assert {str(s[name]) for s in solutions} == expected


def test_construct_template_is_skipped(store):
    query = "CONSTRUCT { ?s <http://example.org/q> ?o } WHERE { ?s <http://example.org/p> ?o }"
    text = inject_values(query, {"s": EX})
    assert text.index("VALUES") > text.index("WHERE")
    assert len(list(store.query(text))) == 2


def test_update_template_is_skipped():
    data = Store()
    data.update('INSERT DATA { <http://example.org/a> <http://example.org/p> "old" }')
    update = 'DELETE { ?s <http://example.org/p> ?o } INSERT { ?s <http://example.org/p> ?new } WHERE { ?s <http://example.org/p> ?o }'
    data.update(inject_values(update, {"s": EX, "new": Literal("new")}))
    assert [str(q.object) for q in data] == ['"new"']


@pytest.mark.parametrize(
    "value",
    ['} ; DROP ALL ; {', '"; DELETE WHERE { ?s ?p ?o } #', "'''", "\\", "line\nbreak", "<http://evil>", "ü € 🙂"],
)
def test_hostile_values_stay_literals(store, value):
    before = len(store)
    text = inject_values("SELECT ?v WHERE { BIND(1 AS ?one) }", {"v": Literal(value)})
    rows = list(store.query(text))
    assert rows[0]["v"] == Literal(value)
    assert len(store) == before


def test_typed_literals_keep_their_datatype(store):
    year = Literal("2023", datatype=XSD.gYear)
    rows = list(store.query(inject_values("SELECT ?y (DATATYPE(?y) AS ?t) WHERE { }", {"y": year})))
    assert rows[0]["y"] == year and rows[0]["t"] == XSD.gYear


def test_prologue_and_prefixed_names_are_not_keywords():
    query = sparql_prologue() + "SELECT ?where WHERE { ?where fg:where ?x }"
    start, end = where_group(query)
    assert query[start:end + 1] == "{ ?where fg:where ?x }"


@pytest.mark.parametrize(
    ("query", "bindings", "message"),
    [
        ("SELECT ?o WHERE { ?s ?p ?o }", {"s": BlankNode()}, "blank node"),
        ("SELECT ?o WHERE { ?s ?p ?o }", {"s": "http://example.org/a"}, "NamedNode or Literal"),
        ("SELECT ?o WHERE { ?s ?p ?o }", {"s} ?x": EX}, "variable name"),
        ("INSERT DATA { <http://a> <http://b> <http://c> }", {"s": EX}, "INSERT DATA"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", {"s": EX}, "short form"),
        ("SELECT ?o", {"s": EX}, "no WHERE group"),
    ],
)
def test_refused(query, bindings, message):
    with pytest.raises(ValueError, match=message):
        inject_values(query, bindings)


def test_values_block_form():
    assert values_block({"a": EX, "b": Literal("x", language="nl")}) == 'VALUES (?a ?b) { (<http://example.org/a> "x"@nl) }'
