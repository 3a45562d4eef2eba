"""Known figures of the real graph, asked over HTTP: the answers a server must give under load or faults.

Each :class:`SpotCheck` is a request (``/sparql`` GET or a page) and a function that says what is wrong
with an answer (``None`` when it is right). They come from the sources, not from the graph: Dyzo got
585.000 euro from VLAIO in 2022 and in 2023 (written questions 307 and 407), the structural partners'
stated total of 2023 is 4.035.000 euro (407), and Kmo-portefeuille has ten Tabel 8 cells (Speurgids).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote, urlencode

SELECT_JSON = "application/sparql-results+json"

DYZO = """SELECT DISTINCT ?year ?amount WHERE {
  ?flow a fg:FundingFlow ; fg:funder <%(ids)sorganisation/vlaio> ; fg:recipient <%(ids)sorganisation/dyzo> ;
        fg:amountType amount:granted ; fg:year ?year ; fg:amount ?amount .
} ORDER BY ?year"""

STATED_TOTAL_2023 = """SELECT DISTINCT ?amount WHERE {
  ?total a fg:StatedTotal ; fg:year "2023"^^xsd:gYear ; fg:amount ?amount ;
         prov:wasDerivedFrom/fg:quote ?quote .
  FILTER(CONTAINS(?quote, "4.035.000"))
}"""

KMO_CELLS = """SELECT (COUNT(DISTINCT ?obs) AS ?cells) WHERE {
  ?line a fg:BudgetLine ; rdfs:label ?label .
  FILTER(STR(?label) = "Kmo-portefeuille")
  ?obs a fg:BudgetObservation ; fg:budgetLine ?line ; obeu-dimension:budgetPhase ?phase .
}"""

#: Every triple, and whether the load-test marker entity is there: one answer per complete version.
SIZE_AND_MARKER = """SELECT (COUNT(*) AS ?triples) (SUM(IF(?s = <%(ids)sorganisation/zz-loadtest-marker>, 1, 0)) AS ?marker)
WHERE { ?s ?p ?o }"""


def sparql_path(query: str) -> str:
    """``/sparql?query=...`` for a GET."""
    return "/sparql?" + urlencode({"query": query}, quote_via=quote)


def rows(body: bytes) -> list[dict[str, str]]:
    """SPARQL JSON results as a list of ``{variable: value}``."""
    data = json.loads(body)
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


@dataclass(frozen=True)
class SpotCheck:
    """A request with a known answer."""

    name: str
    path: str
    accept: str
    check: Callable[[int, bytes], str | None]


def _expect_rows(expected: list[dict[str, str]], numeric: tuple[str, ...]) -> Callable[[int, bytes], str | None]:
    def normal(row: dict[str, str]) -> dict[str, object]:
        return {k: Decimal(v) if k in numeric else v for k, v in row.items()}

    want = [normal(r) for r in expected]

    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        try:
            got = [normal(r) for r in rows(body)]
        except (ValueError, KeyError, ArithmeticError) as exc:
            return f"unparsable answer: {exc}"
        return None if got == want else f"expected {want}, got {got}"

    return check


def contains(*needles: str) -> Callable[[int, bytes], str | None]:
    """A check that the answer is a 200 whose body holds every needle (pages, JSON, SPARQL results)."""

    def check(status: int, body: bytes) -> str | None:
        if status != 200:
            return f"HTTP {status}"
        text = body.decode("utf-8", errors="replace")
        missing = [n for n in needles if n not in text]
        return f"lacks {missing}" if missing else None

    return check


def spot_checks(base_iri: str) -> list[SpotCheck]:
    """The known figures, as SPARQL queries and pages of a server for data under ``base_iri``."""
    ids = base_iri + "id/"
    return [
        SpotCheck("sparql: Dyzo 585.000 from VLAIO in 2022 and 2023", sparql_path(DYZO % {"ids": ids}), SELECT_JSON,
                  _expect_rows([{"year": "2022", "amount": "585000"}, {"year": "2023", "amount": "585000"}],
                               ("amount",))),
        SpotCheck("sparql: stated total 4.035.000 of 2023", sparql_path(STATED_TOTAL_2023), SELECT_JSON,
                  _expect_rows([{"amount": "4035000"}], ("amount",))),
        SpotCheck("sparql: Kmo-portefeuille has ten Tabel 8 cells", sparql_path(KMO_CELLS), SELECT_JSON,
                  _expect_rows([{"cells": "10"}], ("cells",))),
        SpotCheck("page: Dyzo", "/id/organisation/dyzo", "text/html", contains("Dyzo", "585.000")),
        SpotCheck("page: Kmo-portefeuille budget line", "/id/budget-line/tabel-8/kmo-portefeuille", "text/html",
                  contains("Kmo-portefeuille")),
        SpotCheck("search: dyzo", "/search?q=dyzo", "text/html", contains("/id/organisation/dyzo")),
    ]
