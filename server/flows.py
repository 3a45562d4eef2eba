"""Who funds whom: a sankey diagram from funders through instruments to recipients, with its table.

``/flows`` (HTML), ``/flows.json`` and ``/flows.csv`` take the same filters: ``year`` (a year; a flow
over a period counts under its first year), ``theme`` (a code of the theme scheme, matched on the
flow or its instrument) and ``amountType`` (a code of the amount-type scheme, default ``granted``).
Amounts of different types never add up (a budgeted and a granted 585.000 euro are one subsidy), so
one type is shown at a time; ``fg:StatedTotal`` nodes are left out (they restate other flows).
Every edge of the diagram lists its flows with their source quotes.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import PREFIXES, concept
from server import i18n
from server.describe import Excerpt, excerpt_from
from server.errors import BadRequest
from server.labels import format_amount, local_name, table
from server.pagecache import page_cache, per_version
from server.store import backend
from server.urls import page_url

bp = Blueprint("flows", __name__)

FG = PREFIXES["fg"]
XSD = PREFIXES["xsd"]
DEFAULT_AMOUNT_TYPE = "granted"
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_YEAR = re.compile(r"^\d{4}$")

#: Every flow with its year, amount type and themes (for the filter choices; once per data version).
FACETS = """
SELECT ?f ?year ?start ?type ?theme WHERE {
  ?f a fg:FundingFlow ; fg:amount ?amount .
  FILTER NOT EXISTS { ?f a fg:StatedTotal }
  OPTIONAL { ?f fg:year ?year } OPTIONAL { ?f fg:periodStart ?start } OPTIONAL { ?f fg:amountType ?type }
  OPTIONAL { { ?f fg:theme ?theme } UNION { ?f fg:instrument/fg:theme ?theme } }
}
"""

#: The sources of every flow (once per data version).
SOURCES = """
SELECT ?f ?x ?quote ?doc ?start ?end WHERE {
  ?f a fg:FundingFlow ; prov:wasDerivedFrom ?x .
  ?x fg:quote ?quote ; dcterms:source ?doc ; fg:startLine ?start ; fg:endLine ?end .
}
"""

# The flows query is assembled from these fixed fragments; the filter values are bound as typed terms
# (?year xsd:gYear, ?type and ?theme IRIs), never written into the text.
_SELECT = "SELECT ?f ?funder ?recipient ?instrument ?amount ?original ?flowYear ?start ?end ?type{extra} WHERE {{"
_BODY = """
  ?f a fg:FundingFlow ; fg:amount ?amount ; fg:amountType ?type .
  FILTER NOT EXISTS { ?f a fg:StatedTotal }
  OPTIONAL { ?f fg:funder ?funder } OPTIONAL { ?f fg:recipient ?recipient }
  OPTIONAL { ?f fg:instrument ?instrument } OPTIONAL { ?f fg:originalText ?original }
  OPTIONAL { ?f fg:year ?flowYear } OPTIONAL { ?f fg:periodStart ?start } OPTIONAL { ?f fg:periodEnd ?end }
"""
_YEAR_FILTER = "  { ?f fg:year ?year } UNION { ?f fg:periodStart ?year FILTER NOT EXISTS { ?f fg:year ?anyYear } }\n"
_THEME_FILTER = "  { ?f fg:theme ?theme } UNION { ?f fg:instrument/fg:theme ?theme }\n"

i18n.add_messages({
    "flows.title": {"nl": "Wie financiert wie", "en": "Who funds whom"},
    "flows.intro": {"nl": "Geldstromen van financiers via instrumenten naar ontvangers. Klik op een stroom in de "
                          "figuur voor de bedragen en de bronzinnen.",
                    "en": "Money flowing from funders through instruments to recipients. Click a band in the "
                          "diagram for its amounts and source quotes."},
    "flows.year": {"nl": "Jaar", "en": "Year"},
    "flows.all_years": {"nl": "alle jaren", "en": "all years"},
    "flows.theme": {"nl": "Thema", "en": "Theme"},
    "flows.all_themes": {"nl": "alle thema's", "en": "all themes"},
    "flows.amount_type": {"nl": "Soort bedrag", "en": "Kind of amount"},
    "flows.apply": {"nl": "Toon", "en": "Show"},
    "flows.types_note": {"nl": "Bedragen van verschillende soorten (begroot, toegekend, betaald ...) tellen niet op: "
                               "kies er één. Vermelde totalen tellen niet mee.",
                         "en": "Amounts of different kinds (budgeted, granted, paid ...) do not add up: pick one. "
                               "Stated totals are not counted."},
    "flows.none": {"nl": "Geen geldstromen voor deze keuze.", "en": "No funding flows for this choice."},
    "flows.csv": {"nl": "Download CSV", "en": "Download CSV"},
    "flows.json": {"nl": "JSON", "en": "JSON"},
    "flows.details": {"nl": "Klik op een stroom of een knoop in de figuur.", "en": "Click a band or a node in the diagram."},
    "flows.count": {"nl": "geldstromen", "en": "funding flows"},
    "flows.no_instrument": {"nl": "(geen instrument vermeld)", "en": "(no instrument stated)"},
})


@dataclass
class Flow:
    """One funding flow as the view shows it."""

    iri: str
    funder: str | None
    recipient: str | None
    instrument: str | None
    amount: Decimal
    original: str
    year: str
    amount_type: str
    excerpts: list[Excerpt] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    year: str | None
    theme: str | None
    amount_type: str

    def query_string(self) -> str:
        parts = [f"year={self.year}"] if self.year else []
        parts += [f"theme={self.theme}"] if self.theme else []
        parts.append(f"amountType={self.amount_type}")
        return "&".join(parts)


def _facets() -> dict[str, Any]:
    years: set[str] = set()
    types: dict[str, set[str]] = defaultdict(set)
    themes: set[str] = set()
    for row in backend().select(FACETS):
        year = row["year"] or row["start"]
        if year is not None:
            years.add(year.value)
        if row["type"] is not None:
            types[local_name(row["type"].value)].add(row["f"].value)
        if row["theme"] is not None:
            themes.add(local_name(row["theme"].value))
    return {"years": sorted(years), "types": {k: len(v) for k, v in sorted(types.items())}, "themes": sorted(themes)}


def facets() -> dict[str, Any]:
    """Years, amount types (with flow counts) and themes that occur in the flows of this data version."""
    return per_version("flow-facets", backend().version(), _facets)


def _sources() -> dict[str, list[Excerpt]]:
    labels = table()
    out: dict[str, list[Excerpt]] = defaultdict(list)
    for row in backend().select(SOURCES):
        out[row["f"].value].append(excerpt_from(row, labels))
    return out


def flow_sources() -> dict[str, list[Excerpt]]:
    """The excerpts of every flow of this data version."""
    return per_version("flow-sources", backend().version(), _sources)


def parse_filters() -> Filters:
    """The filters of this request, checked against what occurs in the data.

    :raises BadRequest: naming the parameter and the values it accepts.
    """
    available = facets()
    year = request.args.get("year", "").strip() or None
    if year is not None and not _YEAR.match(year):
        raise BadRequest(f"parameter year must be a year like 2023, not {year!r}")
    theme = request.args.get("theme", "").strip() or None
    if theme is not None and (not _CODE.match(theme) or theme not in available["themes"]):
        raise BadRequest(f"unknown theme {theme!r}; use one of: {', '.join(available['themes'])}",
                         allowed=available["themes"])
    amount_type = request.args.get("amountType", "").strip() or DEFAULT_AMOUNT_TYPE
    if not _CODE.match(amount_type) or (amount_type not in available["types"] and amount_type != DEFAULT_AMOUNT_TYPE):
        raise BadRequest(f"unknown amountType {amount_type!r}; use one of: {', '.join(available['types'])}",
                         allowed=list(available["types"]))
    return Filters(year, theme, amount_type)


def load_flows(filters: Filters) -> list[Flow]:
    """The flows matching ``filters``, largest first, with their sources."""
    bindings: dict[str, Any] = {"type": concept("amount-type", filters.amount_type)}
    extra = ""
    body = _BODY
    if filters.year:
        bindings["year"] = Literal(filters.year, datatype=NamedNode(XSD + "gYear"))
        extra += " ?year"
        body += _YEAR_FILTER
    if filters.theme:
        bindings["theme"] = concept("theme", filters.theme)
        extra += " ?theme"
        body += _THEME_FILTER
    query = _SELECT.format(extra=extra) + body + "}"
    sources = flow_sources()
    flows: dict[str, Flow] = {}
    for row in backend().select(query, bindings):
        iri = row["f"].value
        if iri in flows:
            continue  # a flow with two themes matches twice
        year = row["flowYear"] or row["start"]
        period = ""
        if row["flowYear"] is None and (row["start"] is not None or row["end"] is not None):
            period = f"{row['start'].value if row['start'] else ''}–{row['end'].value if row['end'] else ''}"
        flows[iri] = Flow(
            iri=iri,
            funder=row["funder"].value if row["funder"] else None,
            recipient=row["recipient"].value if row["recipient"] else None,
            instrument=row["instrument"].value if row["instrument"] else None,
            amount=Decimal(row["amount"].value),
            original=row["original"].value if row["original"] else "",
            year=period or (year.value if year is not None else ""),
            amount_type=row["type"].value,
            excerpts=sorted(sources.get(iri, ()), key=lambda x: (
                not (row["original"] is not None and row["original"].value in x.quote), x.doc_label, x.start)),
        )
    return sorted(flows.values(), key=lambda f: (-f.amount, f.year, f.iri))


def sankey(flows: list[Flow]) -> dict[str, Any]:
    """Nodes (funders, instruments, recipients) and links with their summed amounts and flows."""
    labels = table()
    nodes: dict[str, dict[str, Any]] = {}
    links: dict[tuple[str, str], dict[str, Any]] = {}

    def node(prefix: str, iri: str | None, column: int, flow: Flow) -> str:
        # One node per role: an organisation that funds and receives appears in both columns (no cycles).
        key = f"{prefix}:{iri or '-'}"
        if key not in nodes:
            label = labels.label(iri) if iri else "?"
            nodes[key] = {"name": key, "label": label, "column": column, "href": page_url(iri) if iri else None,
                          "flows": []}
        nodes[key]["flows"].append(flow_ids[flow.iri])
        return key

    def link(source: str, target: str, flow: Flow) -> None:
        entry = links.setdefault((source, target), {"source": source, "target": target, "value": Decimal(0),
                                                    "flows": []})
        entry["value"] += flow.amount
        entry["flows"].append(flow_ids[flow.iri])

    flow_ids = {f.iri: i for i, f in enumerate(flows)}
    for flow in flows:
        funder = node("f", flow.funder, 0, flow)
        recipient = node("r", flow.recipient, 2, flow)
        if flow.instrument:
            instrument = node("i", flow.instrument, 1, flow)
            link(funder, instrument, flow)
            link(instrument, recipient, flow)
        else:
            link(funder, recipient, flow)
    return {
        "nodes": list(nodes.values()),
        "links": [dict(v, value=float(v["value"]), amount=format_amount(v["value"])) for v in links.values()],
    }


def flow_json(flow: Flow) -> dict[str, Any]:
    """A flow for the page's script, the JSON API and the table."""
    labels = table()

    def entity(iri: str | None) -> dict[str, Any] | None:
        return {"iri": iri, "label": labels.label(iri), "page": page_url(iri)} if iri else None

    return {
        "iri": flow.iri, "page": page_url(flow.iri), "label": labels.label(flow.iri),
        "funder": entity(flow.funder), "instrument": entity(flow.instrument), "recipient": entity(flow.recipient),
        "year": flow.year, "amount": float(flow.amount), "amountExact": str(flow.amount),
        "amountText": format_amount(flow.amount), "originalText": flow.original,
        "amountType": entity(flow.amount_type),
        "sources": [{"quote": x.quote, "document": x.doc_label, "documentIri": x.doc, "lines": x.lines,
                     "page": x.doc_href, "excerpt": x.href} for x in flow.excerpts],
    }


def _view_data(filters: Filters) -> dict[str, Any]:
    cache = page_cache()
    key = ("flows", backend().version(), i18n.current(), filters)
    data = cache.get(key)
    if data is None:
        flows = load_flows(filters)
        data = {"flows": [flow_json(f) for f in flows], "sankey": sankey(flows),
                "total": sum((f.amount for f in flows), Decimal(0)), "count": len(flows)}
        cache.put(key, data, 0)
    return data


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str | None) -> str:
    """A text cell that a spreadsheet will not run as a formula."""
    text = text or ""
    return "'" + text if text.startswith(_FORMULA) else text


def _csv(data: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["year", "funder", "funder_iri", "instrument", "instrument_iri", "recipient", "recipient_iri",
                     "amount_eur", "amount_type", "original_text", "flow_iri", "documents", "quote"])
    def part(flow: dict[str, Any], name: str, field_name: str) -> str:
        return flow[name].get(field_name, "") if flow[name] else ""

    for f in data["flows"]:
        documents = sorted({f"{s['documentIri']}#L{s['lines'].split('-')[0]}" for s in f["sources"]})
        quote = f["sources"][0]["quote"] if f["sources"] else ""
        writer.writerow([f["year"], _cell(part(f, "funder", "label")), part(f, "funder", "iri"),
                         _cell(part(f, "instrument", "label")), part(f, "instrument", "iri"),
                         _cell(part(f, "recipient", "label")), part(f, "recipient", "iri"), f["amountExact"],
                         local_name(f["amountType"]["iri"]), _cell(f["originalText"]), f["iri"],
                         " ".join(documents), _cell(quote)])
    return out.getvalue()


def _format(default: str) -> str:
    asked = request.args.get("format", default)
    if asked not in ("html", "json", "csv"):
        raise BadRequest(f"format {asked!r} is not available here; use html, json or csv")
    return asked


@bp.get("/flows")
def view() -> Response | str:
    """The who-funds-whom diagram and table for the chosen year, theme and amount type."""
    return _respond(_format("html"))


@bp.get("/flows.json")
def as_json() -> Response:
    """The flows and the diagram's nodes and links as JSON."""
    return _respond("json")


@bp.get("/flows.csv")
def as_csv() -> Response:
    """The flows of the view as CSV (one row per flow, with its sources)."""
    return _respond("csv")


def _respond(fmt: str) -> Response:
    filters = parse_filters()
    data = _view_data(filters)
    version = backend().version()
    if fmt == "json":
        response = jsonify(filters={"year": filters.year, "theme": filters.theme, "amountType": filters.amount_type},
                           count=data["count"], total=str(data["total"]), flows=data["flows"], sankey=data["sankey"])
    elif fmt == "csv":
        name = "-".join(["flows", filters.year or "all-years", filters.theme or "all-themes", filters.amount_type])
        response = Response(_csv(data), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        labels = table()
        available = facets()
        html = render_template(
            "flows.html", filters=filters, data=data, total_text=format_amount(data["total"]),
            years=available["years"], themes=[(code, labels.label(concept("theme", code).value)) for code in available["themes"]],
            types=[(code, labels.label(concept("amount-type", code).value), n) for code, n in available["types"].items()],
            chart={"nodes": data["sankey"]["nodes"], "links": data["sankey"]["links"], "flows": data["flows"]},
        )
        response = Response(html, mimetype="text/html")
    response.headers["X-Data-Version"] = version
    return response
