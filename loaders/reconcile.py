"""Reconciliation: for every total stated in a source, the graph also holds the sum of its parts.

Stated totals are nodes of class ``fg:StatedTotal`` with ``fg:hasPart`` links to the facts they
total and the stated ``fg:amount`` / ``fg:count``. :func:`compute` adds, by SPARQL Update,
``fg:computedAmount`` / ``fg:computedCount``, the differences and ``fg:reconciles`` (true when the
difference is within ``fg:roundingTolerance``, default 0); a total without parts sums to 0, so it is
checked too. :data:`DISCREPANCIES` lists the others.
"""

from __future__ import annotations

from pyoxigraph import Store

from fundinggraph.namespaces import sparql_prologue

COMPUTE = """
INSERT { ?total fg:computedAmount ?sum ; fg:amountDifference ?diff }
WHERE {
  { SELECT ?total (SUM(?a) AS ?sum) WHERE {
      ?total a fg:StatedTotal ; fg:hasPart ?part . ?part fg:amount ?a .
    } GROUP BY ?total }
  ?total fg:amount ?stated .
  BIND(?sum - ?stated AS ?diff)
} ;
INSERT { ?total fg:computedCount ?sum ; fg:countDifference ?diff }
WHERE {
  { SELECT ?total (SUM(?c) AS ?sum) WHERE {
      ?total a fg:StatedTotal ; fg:hasPart ?part . ?part fg:count ?c .
    } GROUP BY ?total }
  ?total fg:count ?stated .
  BIND(?sum - ?stated AS ?diff)
} ;
INSERT { ?total fg:computedAmount 0.0 ; fg:amountDifference ?diff }
WHERE {
  # A total with no parts (a group row whose lines are all empty in that column) sums to 0.
  ?total a fg:StatedTotal ; fg:amount ?stated .
  FILTER NOT EXISTS { ?total fg:hasPart ?part }
  BIND(0.0 - ?stated AS ?diff)
} ;
INSERT { ?total fg:reconciles ?ok }
WHERE {
  ?total a fg:StatedTotal .
  OPTIONAL { ?total fg:roundingTolerance ?tol }
  OPTIONAL { ?total fg:amountDifference ?da }
  OPTIONAL { ?total fg:countDifference ?dc }
  FILTER(BOUND(?da) || BOUND(?dc))
  BIND(COALESCE(?tol, 0) AS ?t)
  BIND((!BOUND(?da) || ABS(?da) <= ?t) && (!BOUND(?dc) || ABS(?dc) = 0) AS ?ok)
}
"""

#: Every stated total that does not match the sum of its parts, with both sources.
DISCREPANCIES = """
SELECT ?total ?label ?stated ?computed ?difference ?countStated ?countComputed ?tolerance ?document ?startLine ?quote
WHERE {
  ?total a fg:StatedTotal ; fg:reconciles false .
  OPTIONAL { ?total rdfs:label ?label FILTER(LANG(?label) = "nl" || LANG(?label) = "") }
  OPTIONAL { ?total fg:amount ?stated ; fg:computedAmount ?computed ; fg:amountDifference ?difference }
  OPTIONAL { ?total fg:count ?countStated ; fg:computedCount ?countComputed }
  OPTIONAL { ?total fg:roundingTolerance ?tolerance }
  OPTIONAL { ?total prov:wasDerivedFrom ?ex . ?ex dcterms:source ?document ; fg:startLine ?startLine ; fg:quote ?quote }
}
ORDER BY ?document ?startLine
"""


def compute(store: Store) -> None:
    """Add computed sums, differences and ``fg:reconciles`` to every stated total in ``store``."""
    store.update(sparql_prologue() + COMPUTE)


def discrepancies_query() -> str:
    return sparql_prologue() + DISCREPANCIES
