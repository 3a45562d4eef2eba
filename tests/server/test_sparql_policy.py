"""The SERVICE/LOAD check: every target a parser could see is found; only listed http(s) IRIs pass."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.algebra import traverse

from server.sparql_policy import Refused, check, targets

OK = "http://ok.example/sparql"
ALLOW = (OK,)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT ?service WHERE { ?service ?p ?o }",
    "SELECT $service WHERE { $service ?p ?o }",
    "SELECT * WHERE { ?s ?p ex:selfservice }",
    "SELECT * WHERE { ?s ?p ex:service }",
    'SELECT * WHERE { ?s ?p "customer service desk" }',
    "SELECT * WHERE { ?s ?p <http://x.example/service?id=1> }",
    "SELECT * WHERE { ?s ?p <http://x.example/a#service?x> }",
    "# the service is down\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://ok.example/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://ok.example/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE\n#c\n<http://ok.example/sparql> { ?s ?p ?o } }",
])
def test_allowed(query: str):
    check(query, ALLOW)


@pytest.mark.parametrize(("query", "reason"), [
    ("SELECT * WHERE { SERVICE <http://evil.example/> { ?s ?p ?o } }", "not in the setting service_allowlist"),
    ("SELECT * WHERE { SeRvIcE <http://evil.example/> { ?s ?p ?o } }", "not in the setting"),
    ("SELECT * WHERE { SERVICE SILENT<http://evil.example/> {} }", "not in the setting"),
    ("SELECT * WHERE { SERVICE ?endpoint { ?s ?p ?o } }", "variable"),
    ("SELECT * WHERE { SERVICE $endpoint { ?s ?p ?o } }", "variable"),
    ("PREFIX ok: <http://ok.example/> SELECT * WHERE { SERVICE ok:sparql { } }", "full IRI"),
    ("SELECT * WHERE { SERVICEok:sparql { } }", "full IRI"),
    ("SELECT * WHERE { SERVICE <file:///etc/passwd> { } }", "http(s)"),
    ("SELECT * WHERE { SERVICE <http://ok.example/sparql?x> { } }", "not in the setting"),
    # Oxigraph decodes \u escapes in IRIs: so do we (this is <http://evil.example/>).
    ("SELECT * WHERE { SERVICE <http://\\u0065vil.example/> { } }", "http://evil.example/"),
    # A lexer reading "<?y)SERVICE?v#>" as an IRI would miss this one.
    ("SELECT * WHERE { ?x ?y ?z FILTER(?x<?y)SERVICE?v#>\n{ } }", "variable"),
    # "ex:" then "." then the keyword: the local part of a prefixed name may not start with a dot.
    ("SELECT * WHERE { ?s ?p ex:.SERVICE <http://evil.example/> {} }", "not in the setting"),
    ("SELECT * WHERE { ?s ?p 1SERVICE<http://evil.example/> {} }", "not in the setting"),
    ("SELECT * WHERE { ?s ?p ?o .SERVICE <http://evil.example/> {} }", "not in the setting"),
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?x { 1 }\n# SERVICE <http://evil.example/>", "not in the setting"),
])
def test_refused(query: str, reason: str):
    with pytest.raises(Refused) as refused:
        check(query, ALLOW)
    assert reason in refused.value.message
    assert "line" in refused.value.message


def test_load_is_checked_in_updates_only():
    check("SELECT * WHERE { ?s <http://x.example/load> ?o }", ())
    with pytest.raises(Refused, match="LOAD <file:///etc/passwd>"):
        check("LOAD <file:///etc/passwd>", (), update=True)
    with pytest.raises(Refused, match=r"LOAD <http://evil\.example/data\.ttl>"):
        check("load silent <http://evil.example/data.ttl> into graph <http://g.example/>", ALLOW, update=True)
    allowed = check(f"LOAD <{OK}>", ALLOW, update=True)
    assert [t.iri for t in allowed] == [OK]


def test_positions_point_at_the_keyword():
    found = targets("SELECT *\nWHERE {\n  SERVICE <http://a.example/> {} }")
    assert [(t.iri, t.line, t.column) for t in found] == [("http://a.example/", 3, 3)]


def _rdflib_services(query: str) -> set[str]:
    found: set[str] = set()

    def visit(node):
        if getattr(node, "name", None) == "ServiceGraphPattern":
            found.add(str(node.term))

    traverse(prepareQuery(query).algebra, visitPre=visit)
    return found


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://a.example/s> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://a.example/s> { ?s ?q ?r } } }",
    "SELECT * WHERE { { SERVICE <http://a.example/s> { ?s ?p ?o } } UNION { SERVICE <http://b.example/t> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE SILENT <http://a.example/s> { ?s ?p ?o } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://a.example/s> { ?s ?p ?o } } } }",
    "SELECT * WHERE { SERVICE <http://a.example/s> { ?s ?p ?o } MINUS { SERVICE <http://b.example/t> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?x ?y ?z FILTER(?x<?y) SERVICE <http://a.example/s> { ?s ?p ?o } }",
])
def test_every_service_a_real_parser_sees_is_found(query: str):
    ours = {t.iri for t in targets(query)}
    assert _rdflib_services(query) <= ours
