"""What the serving benchmark asks: three SPARQL queries, pages and canned queries, and their answers.

The same query text goes to our endpoint (``/sparql``) and to ``oxigraph serve-read-only`` (``/query``),
with full IRIs (no prefixes) so that neither side depends on declared prefixes. The expected answer of
each query is computed in process on the very store both servers read, so a benchmark run also checks
that both servers answer correctly.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from pyoxigraph import QueryResultsFormat, RdfFormat, Store, parse

from fundinggraph.config import VOCAB_BASE

FG = VOCAB_BASE + "#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SELECT_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


@dataclass(frozen=True)
class Query:
    """One SPARQL query of the benchmark."""

    key: str
    title: str
    text: str
    accept: str
    #: ``trivial`` (target >= 0.3x oxigraph) or ``work`` (target >= 0.9x).
    kind: str

    def path(self, endpoint: str) -> str:
        return f"{endpoint}?{urlencode({'query': self.text}, quote_via=quote)}"


def queries(base_iri: str, label_iri: str, year: int, construct_org: str) -> list[Query]:
    """The three benchmark queries for one dataset."""
    lookup = f"SELECT ?label WHERE {{ <{label_iri}> <{RDFS_LABEL}> ?label }}"
    aggregation = (
        f"SELECT ?funder ?recipient (SUM(?amount) AS ?total) (COUNT(?flow) AS ?flows) WHERE {{\n"
        f"  ?flow a <{FG}FundingFlow> ; <{FG}funder> ?funder ; <{FG}recipient> ?recipient ;\n"
        f"        <{FG}amount> ?amount ; <{FG}year> \"{year}\"^^<{XSD}gYear> .\n"
        f"}} GROUP BY ?funder ?recipient ORDER BY DESC(?total) ?funder ?recipient LIMIT 100"
    )
    construct = (
        f"CONSTRUCT {{ ?flow ?p ?o }} WHERE {{ ?flow a <{FG}FundingFlow> ; <{FG}funder> <{construct_org}> ; ?p ?o }}"
    )
    return [
        Query("lookup", "label of one IRI", lookup, SELECT_JSON, "trivial"),
        Query("aggregation", f"who funds whom in {year} (sum by funder and recipient, top 100)", aggregation,
              SELECT_JSON, "work"),
        Query("construct", "CONSTRUCT every triple of one funder's flows", construct, NTRIPLES, "work"),
    ]


def _select_rows(body: bytes) -> Counter:
    data = json.loads(body)
    rows = Counter()
    for binding in data["results"]["bindings"]:
        rows[tuple(sorted((k, v["value"]) for k, v in binding.items()))] += 1
    return rows


def _triples(body: bytes) -> Counter:
    return Counter(str(t) for t in parse(body, format=RdfFormat.N_TRIPLES))


def expected_checker(store: Store, query: Query) -> tuple[Callable[[int, bytes], str | None], int]:
    """A check of an HTTP answer against the in-process answer of ``store``, and the answer's size."""
    result = store.query(query.text)
    if query.accept == SELECT_JSON:
        want = _select_rows(result.serialize(format=QueryResultsFormat.JSON))
        parse_body = _select_rows
    else:
        want = Counter(str(t) for t in result)
        parse_body = _triples

    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        try:
            got = parse_body(body)
        except (ValueError, SyntaxError, KeyError) as exc:
            return f"unparsable answer: {exc}"
        if got != want:
            return f"wrong answer: {sum(got.values())} results, expected {sum(want.values())}"
        return None

    return check, sum(want.values())
