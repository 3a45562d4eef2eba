"""The figure sections of entity pages: funding of organisations, results and budgets of instruments,
the ten phases of a Tabel 8 budget line, statements and conditions.

Each section is built in Python from the facts of :func:`server.describe.load_facts` and yields a table
for the page and, where useful, a chart specification that ``static/js/charts.js`` draws with ECharts.
Sums never include ``fg:StatedTotal`` nodes (they restate other figures) and never mix amount types
(a budgeted and a granted amount of the same year are two figures, not one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from server import i18n
from server.describe import FG, Excerpt, Fact, Value, value_of
from server.labels import LabelTable, format_amount, local_name

i18n.add_messages({
    "entity.funding": {"nl": "Financiering", "en": "Funding"},
    "entity.received": {"nl": "ontvangen", "en": "received"},
    "entity.granted": {"nl": "verleend", "en": "granted"},
    "entity.direction": {"nl": "richting", "en": "direction"},
    "entity.counterparty": {"nl": "van / aan", "en": "from / to"},
    "entity.funder": {"nl": "financier", "en": "funder"},
    "entity.recipient": {"nl": "ontvanger", "en": "recipient"},
    "entity.instrument": {"nl": "instrument", "en": "instrument"},
    "entity.year": {"nl": "jaar", "en": "year"},
    "entity.amount": {"nl": "bedrag", "en": "amount"},
    "entity.amount_type": {"nl": "soort bedrag", "en": "amount type"},
    "entity.sources": {"nl": "bronnen", "en": "sources"},
    "entity.total": {"nl": "totaal", "en": "total"},
    "entity.by_year": {"nl": "Totalen per jaar", "en": "Totals by year"},
    "entity.by_instrument": {"nl": "Totalen per instrument", "en": "Totals by instrument"},
    "entity.flows": {"nl": "Geldstromen", "en": "Funding flows"},
    "entity.results": {"nl": "Resultaten per jaar", "en": "Results per year"},
    "entity.count": {"nl": "aantal", "en": "count"},
    "entity.details": {"nl": "details", "en": "details"},
    "entity.budget": {"nl": "Begroting (Tabel 8)", "en": "Budget (Table 8)"},
    "entity.budget_line": {"nl": "begrotingslijn", "en": "budget line"},
    "entity.statements": {"nl": "Uitspraken", "en": "Statements"},
    "entity.conditions": {"nl": "Voorwaarden", "en": "Conditions"},
    "entity.stated_total": {"nl": "vermeld totaal (niet meegeteld)", "en": "stated total (not summed)"},
    "entity.no_amount_type": {"nl": "(geen soort)", "en": "(no type)"},
    "entity.million": {"nl": "miljoen euro", "en": "million euro"},
})


@dataclass
class FlowRow:
    fact: Fact
    label: str
    direction: str  # "in" (received) or "out" (granted) for an agent; "" on instrument pages
    funder: Value | None
    recipient: Value | None
    instrument: Value | None
    year: str
    amount: Decimal | None
    amount_text: str
    amount_type: Value | None
    excerpts: list[Excerpt]
    is_total: bool


@dataclass
class Totals:
    """Sums by a row key and a column key, with row and grand totals (stated totals excluded)."""

    columns: list[str]
    rows: list[tuple[str, dict[str, Decimal], Decimal]] = field(default_factory=list)

    def formatted(self, value: Decimal | None) -> str:
        return format_amount(value) if value is not None else ""


@dataclass
class Chart:
    """A chart for ``static/js/charts.js``: categories on the x axis, one bar series per name."""

    id: str
    title: str
    categories: list[str]
    series: list[dict[str, Any]]
    unit: str = "euro"
    kind: str = "bar"

    def spec(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "categories": self.categories, "series": self.series,
                "unit": self.unit, "kind": self.kind}


PHASE = "http://data.openbudgets.eu/ontology/dsd/dimension/budgetPhase"


def _quoting_first(excerpts: list[Excerpt], original: Any) -> list[Excerpt]:
    """The excerpts with the one quoting the figure as written first (the rest keep document order)."""
    text = original.value if original is not None else None
    return sorted(excerpts, key=lambda x: (not (text and text in x.quote), x.doc_label, x.start))


def _sortable_year(year: str) -> str:
    return year or "9999"


def _totals(rows: list[FlowRow], row_key, column_key) -> Totals:
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    columns: set[str] = set()
    for row in rows:
        if row.is_total or row.amount is None:
            continue
        key, column = row_key(row), column_key(row)
        sums[key][column] += row.amount
        columns.add(column)
    ordered = sorted(columns, key=_sortable_year)
    totals = Totals(ordered)
    for key in sorted(sums):
        totals.rows.append((key, dict(sums[key]), sum(sums[key].values(), Decimal(0))))
    return totals


def flow_rows(iri: str, facts: dict[str, Fact], labels: LabelTable) -> list[FlowRow]:
    """Funding flows where ``iri`` is funder, recipient or instrument."""
    rows = []
    for fact in facts.values():
        if not fact.has_type(FG + "FundingFlow"):
            continue
        funder, recipient = fact.iri_of(FG + "funder"), fact.iri_of(FG + "recipient")
        direction = "out" if funder == iri else "in" if recipient == iri else ""
        amount = fact.amount
        original = fact.one(FG + "originalText")
        rows.append(FlowRow(
            fact=fact, label=labels.label(fact.iri), direction=direction,
            funder=value_of(fact.one(FG + "funder"), labels) if funder else None,
            recipient=value_of(fact.one(FG + "recipient"), labels) if recipient else None,
            instrument=value_of(fact.one(FG + "instrument"), labels) if fact.one(FG + "instrument") else None,
            year=fact.year or "", amount=amount,
            amount_text=format_amount(amount) if amount is not None else (original.value if original else ""),
            amount_type=value_of(fact.one(FG + "amountType"), labels) if fact.one(FG + "amountType") else None,
            excerpts=_quoting_first(fact.excerpts, original), is_total=fact.is_total,
        ))
    rows.sort(key=lambda r: (_sortable_year(r.year), r.direction, r.amount_type.text if r.amount_type else "",
                             -(r.amount or 0), r.label))
    return rows


def _direction_label(direction: str) -> str:
    return i18n.t("entity.received") if direction == "in" else i18n.t("entity.granted") if direction == "out" else ""


def _type_label(row: FlowRow) -> str:
    return row.amount_type.text if row.amount_type else i18n.t("entity.no_amount_type")


def funding_section(iri: str, facts: dict[str, Fact], labels: LabelTable) -> dict[str, Any] | None:
    """Flows received and granted (or passing through an instrument) with totals and a chart."""
    rows = flow_rows(iri, facts, labels)
    if not rows:
        return None

    def series_key(row: FlowRow) -> str:
        direction = _direction_label(row.direction)
        return f"{direction}: {_type_label(row)}" if direction else _type_label(row)

    by_year = _totals(rows, series_key, lambda r: r.year)
    by_instrument = _totals(
        rows, lambda r: f"{series_key(r)} · {r.instrument.text if r.instrument else '–'}", lambda r: r.year)
    chart = Chart("chart-funding", i18n.t("entity.by_year"), by_year.columns, [
        {"name": key, "data": [float(sums.get(c, 0)) or None for c in by_year.columns]}
        for key, sums, _ in by_year.rows
    ])
    return {"rows": rows, "by_year": by_year, "by_instrument": by_instrument, "chart": chart,
            "has_direction": any(r.direction for r in rows)}


@dataclass
class ResultRow:
    fact: Fact
    label: str
    year: str
    count: str
    amount: Decimal | None
    amount_text: str
    amount_type: Value | None
    details: list[Value]
    excerpts: list[Excerpt]
    is_total: bool


def results_section(facts: dict[str, Fact], labels: LabelTable) -> dict[str, Any] | None:
    """Instrument results (``fg:InstrumentResult``) per year with a chart of the amounts."""
    rows = []
    for fact in facts.values():
        if not fact.has_type(FG + "InstrumentResult"):
            continue
        count = fact.one(FG + "count")
        unit = fact.one(FG + "countUnit")
        count_text = f"{count.value} {labels.label(unit.value) if unit else ''}".strip() if count else ""
        details = [value_of(fact.one(p), labels) for p in (FG + "partnerType", FG + "service", FG + "cluster",
                                                           FG + "category") if fact.one(p) is not None]
        amount = fact.amount
        original = fact.one(FG + "originalText")
        rows.append(ResultRow(
            fact, labels.label(fact.iri), fact.year or "", count_text, amount,
            format_amount(amount) if amount is not None else (original.value if original else ""),
            value_of(fact.one(FG + "amountType"), labels) if fact.one(FG + "amountType") else None,
            details, _quoting_first(fact.excerpts, original), fact.is_total))
    if not rows:
        return None
    rows.sort(key=lambda r: (_sortable_year(r.year), r.is_total, r.label))
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    years: set[str] = set()
    for row in rows:
        if row.amount is None or row.is_total:
            continue
        kind = row.amount_type.text if row.amount_type else i18n.t("entity.no_amount_type")
        sums[kind][row.year] += row.amount
        years.add(row.year)
    ordered = sorted(years, key=_sortable_year)
    chart = Chart("chart-results", i18n.t("entity.results"), ordered, [
        {"name": kind, "data": [float(values.get(y, 0)) or None for y in ordered]} for kind, values in sorted(sums.items())
    ]) if sums else None
    return {"rows": rows, "chart": chart}


@dataclass
class BudgetCell:
    """One figure of a budget line: the number as written (million euro) and the exact amount."""

    iri: str
    text: str
    amount: Decimal | None

    @property
    def title(self) -> str:
        return format_amount(self.amount) if self.amount is not None else ""


@dataclass
class BudgetLineRow:
    line: Value
    cells: dict[str, BudgetCell]
    excerpts: list[Excerpt]
    is_total: bool


def _phase_order(phase_iri: str) -> int:
    return {"BO": 0, "BA": 1}.get(local_name(phase_iri), 2)


def budget_section(facts: dict[str, Fact], labels: LabelTable) -> dict[str, Any] | None:
    """Budget observations (Tabel 8) of the resource's budget lines: one column per year and phase."""
    observations = [f for f in facts.values() if f.has_type(FG + "BudgetObservation")]
    if not observations:
        return None
    columns: dict[str, tuple[str, int, str]] = {}
    lines: dict[str, BudgetLineRow] = {}
    for obs in observations:
        phase = obs.iri_of(PHASE) or ""
        year = obs.year or ""
        column = f"{year} {local_name(phase)}" if phase else year
        columns[column] = (year, _phase_order(phase), labels.label(phase) if phase else "")
        line_iri = obs.iri_of(FG + "budgetLine") or ""
        row = lines.get(line_iri)
        if row is None:
            row = lines[line_iri] = BudgetLineRow(value_of(obs.one(FG + "budgetLine"), labels), {}, [],
                                                  obs.is_total)
        original = obs.one(FG + "originalText")
        amount = obs.amount
        text = original.value if original is not None else (format_amount(amount) if amount is not None else "")
        row.cells[column] = BudgetCell(obs.iri, text, amount)
        row.excerpts.extend(x for x in obs.excerpts if x.iri not in {e.iri for e in row.excerpts})
    ordered = sorted(columns, key=lambda c: (columns[c][0], columns[c][1]))
    rows = sorted(lines.values(), key=lambda r: (r.is_total, r.line.text))
    chart = Chart("chart-budget", i18n.t("entity.budget"), ordered, [
        {"name": row.line.text,
         "data": [float(row.cells[c].amount) / 1e6 if c in row.cells and row.cells[c].amount is not None
                  else None for c in ordered]}
        for row in rows
    ], unit=i18n.t("entity.million"), kind="bar")
    return {"columns": ordered, "phase_labels": {c: columns[c][2] for c in ordered}, "rows": rows, "chart": chart}



def statements_section(facts: dict[str, Fact], labels: LabelTable) -> list[dict[str, Any]]:
    """Statements (``fg:Statement``) about the resource, with their assessment and sources."""
    out = []
    for fact in facts.values():
        if fact.has_type(FG + "Statement") and not fact.has_type(FG + "InstrumentResult"):
            extra = [value_of(fact.one(p), labels) for p in (FG + "statementType", FG + "assessment", FG + "year")
                     if fact.one(p) is not None]
            out.append({"fact": fact, "label": labels.label(fact.iri), "extra": extra, "excerpts": fact.excerpts})
    out.sort(key=lambda s: s["label"])
    return out


def conditions_section(iri: str, facts: dict[str, Fact], labels: LabelTable) -> list[dict[str, Any]]:
    """Conditions of an instrument (``fg:conditionOf``)."""
    out = []
    for fact in facts.values():
        if fact.has_type(FG + "Condition") and fact.iri_of(FG + "conditionOf") == iri:
            out.append({"fact": fact, "label": labels.label(fact.iri), "excerpts": fact.excerpts})
    out.sort(key=lambda s: s["label"])
    return out

