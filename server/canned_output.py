"""The representations of a canned query result: JSON, CSV, SPARQL JSON, HTML cells and chart data.

Pure functions over the result rows (lists of pyoxigraph terms in the order of the query's columns),
so every format shows the same values. IRI columns get a ``<column>Label`` companion in JSON and CSV
(in the request's language); SPARQL JSON is the plain result.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pyoxigraph import Literal, NamedNode

from server.canned import CannedQuery, Column

Term = NamedNode | Literal
Row = tuple[Term | None, ...]
Labeller = Callable[[str], str]

#: Most categories or slices a chart draws (a chart of thousands of bars helps nobody; the table has them all).
MAX_CHART_POINTS = 400
#: Most links a sankey diagram draws (each node takes a line of its own: more is unreadable).
MAX_SANKEY_LINKS = 40


@dataclass(frozen=True)
class Result:
    """The full result of one run: the visible columns and their rows (hidden columns dropped)."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    truncated: bool = False


def visible_result(query: CannedQuery, variables: Sequence[str], rows: Sequence[Sequence[Term | None]],
                   truncated: bool = False) -> Result:
    """Keep the visible columns of ``rows`` (which follow ``variables``), in the declared order."""
    index = {name: i for i, name in enumerate(variables)}
    columns = query.visible_columns
    picked = tuple(tuple(row[index[c.name]] for c in columns) for row in rows)
    return Result(columns=columns, rows=picked, truncated=truncated)


def result_json(result: Result) -> str:
    """The result as JSON text (every term kept exactly), for sharing between processes."""
    def cell(term: Term | None) -> list[str] | None:
        if term is None:
            return None
        if isinstance(term, NamedNode):
            return ["i", term.value]
        if isinstance(term, Literal):
            return ["l", term.value, term.language or "", "" if term.language else term.datatype.value]
        return ["b", str(term)]
    return json.dumps({"columns": [c.name for c in result.columns], "truncated": result.truncated,
                       "rows": [[cell(t) for t in row] for row in result.rows]}, ensure_ascii=False)


def result_from_json(query: CannedQuery, text: str) -> Result | None:
    """A result of ``query`` read back from :func:`result_json`; ``None`` when it does not fit the query."""
    try:
        data = json.loads(text)
        columns = query.visible_columns
        if data["columns"] != [c.name for c in columns]:
            return None

        def term(cell: list[str] | None) -> Term | None:
            if cell is None:
                return None
            if cell[0] == "i":
                return NamedNode(cell[1])
            if cell[0] == "l":
                if cell[2]:
                    return Literal(cell[1], language=cell[2])
                return Literal(cell[1], datatype=NamedNode(cell[3]))
            raise ValueError(f"unexpected term kind {cell[0]!r}")
        rows = tuple(tuple(term(c) for c in row) for row in data["rows"])
        if any(len(row) != len(columns) for row in rows):
            return None
        return Result(columns=columns, rows=rows, truncated=bool(data["truncated"]))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def label_column(column: Column) -> str:
    """Name of the label companion of an IRI column."""
    return column.name + "Label"


def number(term: Term | None) -> int | float | None:
    """A numeric literal as a JSON number (integral values as int), else ``None``."""
    if not isinstance(term, Literal):
        return None
    try:
        value = Decimal(term.value)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def json_value(column: Column, term: Term | None) -> Any:
    """The JSON value of a cell: numbers for numeric columns, booleans, else the term's text."""
    if term is None:
        return None
    if column.type in ("amount", "decimal", "integer"):
        found = number(term)
        return found if found is not None else term.value
    if column.type == "boolean" and isinstance(term, Literal):
        return term.value in ("true", "1")
    return term.value


def json_rows(result: Result, rows: Sequence[Row], label: Labeller) -> list[dict[str, Any]]:
    """Rows as JSON objects, each IRI column followed by its label."""
    out = []
    for row in rows:
        item: dict[str, Any] = {}
        for column, term in zip(result.columns, row, strict=True):
            item[column.name] = json_value(column, term)
            if column.type == "iri":
                item[label_column(column)] = label(term.value) if isinstance(term, NamedNode) else None
        out.append(item)
    return out


def csv_text(result: Result, rows: Sequence[Row], label: Labeller) -> str:
    """RFC 4180 CSV with a header line; IRIs in full, numbers as plain decimals (a dot, no grouping)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    header: list[str] = []
    for column in result.columns:
        header.append(column.name)
        if column.type == "iri":
            header.append(label_column(column))
    writer.writerow(header)
    for row in rows:
        cells: list[str] = []
        for column, term in zip(result.columns, row, strict=True):
            cells.append("" if term is None else term.value)
            if column.type == "iri":
                cells.append(label(term.value) if isinstance(term, NamedNode) else "")
        writer.writerow(cells)
    return buffer.getvalue()


def srj_term(term: Term) -> dict[str, str]:
    """A term in the SPARQL 1.1 Query Results JSON format."""
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def srj_text(result: Result, rows: Sequence[Row]) -> str:
    """The rows as ``application/sparql-results+json``."""
    names = [c.name for c in result.columns]
    bindings = [{name: srj_term(term) for name, term in zip(names, row, strict=True) if term is not None}
                for row in rows]
    return json.dumps({"head": {"vars": names}, "results": {"bindings": bindings}}, ensure_ascii=False)


# -- HTML cells -----------------------------------------------------------------------------------------

def format_number(value: Decimal, lang: str) -> str:
    """``4406216.84`` -> "4.406.216,84" (nl) or "4,406,216.84" (en); all decimals kept."""
    sign = "-" if value < 0 else ""
    text = format(abs(value), "f")
    whole, _, fraction = text.partition(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    thousands, point = (".", ",") if lang == "nl" else (",", ".")
    grouped = thousands.join(groups) or "0"
    fraction = fraction.rstrip("0")
    return sign + grouped + (point + fraction if fraction else "")


def cell_text(column: Column, term: Term | None, lang: str) -> str:
    """The text a reader sees in a cell (IRIs are labelled by the caller)."""
    if term is None:
        return ""
    if column.type in ("amount", "decimal", "integer") and isinstance(term, Literal):
        try:
            return format_number(Decimal(term.value), lang)
        except InvalidOperation:
            return term.value
    if column.type == "boolean" and isinstance(term, Literal):
        yes = term.value in ("true", "1")
        return {"nl": ("ja", "nee"), "en": ("yes", "no")}[lang if lang == "en" else "nl"][0 if yes else 1]
    return term.value


# -- charts ---------------------------------------------------------------------------------------------

def chart_data(query: CannedQuery, result: Result, labeller: Callable[[Iterable[str]], Labeller],
               lang: str) -> dict[str, Any] | None:
    """What the chart draws, aggregated from all rows; ``None`` when the query asks for no chart.

    Bounded whatever the number of rows: a bar or line chart shows the first :data:`MAX_CHART_POINTS`
    categories in the result's order, a pie the largest slices, a sankey the :data:`MAX_SANKEY_LINKS`
    largest links. Rows are grouped by their terms first and only what is drawn is labelled
    (``labeller(iris)`` gives a function from IRI to label), so a result of thousands of rows costs a
    few hundred label look-ups, not one per row.
    """
    chart = query.chart
    if chart is None or not result.rows:
        return None
    index = {c.name: i for i, c in enumerate(result.columns)}
    none_label = "(geen)" if lang == "nl" else "(none)"
    rows = result.rows
    headings = {c.name: c.label.get(lang) for c in result.columns}

    def value(name: str, row: Row) -> float:
        found = number(row[index[name]])
        return float(found) if found is not None else 0.0

    def namer(terms: Iterable[Term | None]) -> Callable[[Term | None], str]:
        label = labeller([t.value for t in terms if isinstance(t, NamedNode)])

        def name(term: Term | None) -> str:
            if term is None:
                return none_label
            return label(term.value) if isinstance(term, NamedNode) else term.value
        return name

    if chart.type == "sankey":
        assert chart.source and chart.target
        source, target = index[chart.source], index[chart.target]
        by_terms: dict[tuple[Term | None, Term | None], float] = {}
        for row in rows:
            if row[source] == row[target]:
                continue  # a flow to oneself cannot be drawn
            key = (row[source], row[target])
            by_terms[key] = by_terms.get(key, 0.0) + value(chart.value[0], row)
        biggest = sorted(by_terms.items(), key=lambda item: -item[1])[:MAX_SANKEY_LINKS]
        name = namer(term for (s, t), _ in biggest for term in (s, t))
        links: dict[tuple[str, str], float] = {}
        for (s, t), amount in biggest:
            pair = (name(s), name(t))
            if pair[0] != pair[1]:  # two resources with one label are one node
                links[pair] = links.get(pair, 0.0) + amount
        kept = _acyclic(sorted(links.items(), key=lambda item: -item[1]))
        nodes = sorted({n for (s, t), _ in kept for n in (s, t)})
        return {"type": "sankey", "unit": headings[chart.value[0]], "total": len(by_terms),
                "nodes": [{"name": n} for n in nodes],
                "links": [{"source": s, "target": t, "value": v} for (s, t), v in kept]}
    assert chart.label
    label_at = index[chart.label]
    if chart.type == "pie":
        by_term: dict[Term | None, float] = {}
        for row in rows:
            key = row[label_at]
            by_term[key] = by_term.get(key, 0.0) + (value(chart.value[0], row) if chart.value else 1.0)
        biggest_slices = sorted(by_term.items(), key=lambda item: -item[1])[:MAX_CHART_POINTS]
        name = namer(term for term, _ in biggest_slices)
        slices: dict[str, float] = {}
        for term, amount in biggest_slices:
            slices[name(term)] = slices.get(name(term), 0.0) + amount
        ordered = sorted(slices.items(), key=lambda item: -item[1])
        unit = headings[chart.value[0]] if chart.value else ("rijen" if lang == "nl" else "rows")
        return {"type": "pie", "unit": unit, "total": len(by_term),
                "data": [{"name": k, "value": v} for k, v in ordered]}
    series_at = index[chart.series] if chart.series else None
    categories: dict[Term | None, None] = {}
    cells: dict[tuple[Term | str | None, Term | None], float] = {}
    seen = 0
    for row in rows:
        category = row[label_at]
        if category not in categories:
            seen += 1
            if len(categories) >= MAX_CHART_POINTS:
                continue
            categories[category] = None
        for column in chart.value or ():
            key = (row[series_at] if series_at is not None else headings[column], category)
            cells[key] = cells.get(key, 0.0) + value(column, row)
    series_terms = list(dict.fromkeys(s for s, _ in cells))
    name = namer([*categories, *(s for s in series_terms if not isinstance(s, str))])
    category_names = list(dict.fromkeys(name(c) for c in categories))
    series: dict[str, dict[str, float]] = {}
    for (s, c), amount in cells.items():
        bucket = series.setdefault(s if isinstance(s, str) else name(s), {})
        bucket[name(c)] = bucket.get(name(c), 0.0) + amount
    unit = " / ".join(headings[c] for c in chart.value)
    return {"type": chart.type, "unit": unit, "total": seen, "categories": category_names,
            "series": [{"name": n, "data": [bucket.get(c) for c in category_names]} for n, bucket in series.items()]}


def _acyclic(links: list[tuple[tuple[str, str], float]]) -> list[tuple[tuple[str, str], float]]:
    """Drop the links that would close a cycle (a sankey diagram must be acyclic), biggest kept first."""
    kept: list[tuple[tuple[str, str], float]] = []
    outgoing: dict[str, set[str]] = {}

    def reaches(start: str, goal: str) -> bool:
        seen, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(outgoing.get(node, ()))
        return False

    for (source, target), amount in links:
        if reaches(target, source):
            continue
        outgoing.setdefault(source, set()).add(target)
        kept.append(((source, target), amount))
    return kept
