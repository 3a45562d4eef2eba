"""Facts read by a person from prose, kept as curated YAML in ``sources/curated/*.yaml``.

Each fact names its document (``doc``, default: the file's ``document``), its line span (``line``,
``end``) and the **exact quote**; the loader refuses a quote that is not in those lines, and a money
text (``amount: "585.000,00 euro"``) that is not inside the quote. Entities are named by registry id
or alias. See ``docs/MODEL.md`` for every fact kind and its keys; handlers are registered with
:func:`handler`, one per kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import (
    DCTERMS,
    FG,
    ORG,
    PREFIXES,
    RDF,
    RDFS,
    XSD,
    concept,
    slugify,
)
from loaders.graph import GraphBuilder, short_hash, year_literal
from loaders.numbers import Amount, amount, parse_amount, parse_number, parse_percentage
from loaders.registry import Registry, resolve_class
from loaders.sourcetext import Excerpt, SourceError, SourceSet
from loaders.yamlsource import clean, line_of, read_yaml


@dataclass
class FactContext:
    """What a handler needs: the builder, sources, registry and where the fact is written down."""

    g: GraphBuilder
    sources: SourceSet
    registry: Registry
    path: Path
    fact: dict[str, Any]
    default_doc: str | None
    ids: dict[str, NamedNode] = field(default_factory=dict)

    @property
    def line(self) -> int | None:
        return line_of(self.fact)

    def error(self, message: str) -> SourceError:
        return SourceError(self.path, self.line, message)

    def require(self, *keys: str) -> None:
        missing = [k for k in keys if k not in self.fact]
        if missing:
            raise self.error(f"{self.fact.get('kind')} fact lacks {', '.join(missing)}")

    def doc_key(self) -> str:
        key = self.fact.get("doc", self.default_doc)
        if key is None:
            raise self.error("no 'doc' given and the file has no 'document'")
        return str(key)

    def excerpt(self) -> Excerpt:
        """The fact's own excerpt (``line``/``end``/``quote``)."""
        self.require("line", "quote")
        return self._excerpt(self.fact)

    def excerpts(self) -> list[Excerpt]:
        """The fact's excerpt plus any in ``also`` (a list of ``{line, end, quote, doc}``)."""
        out = [self.excerpt()]
        for extra in self.fact.get("also") or []:
            if not isinstance(extra, dict):
                raise self.error("'also' entries need line and quote")
            out.append(self._excerpt(extra))
        return out

    def _excerpt(self, spec: dict[str, Any]) -> Excerpt:
        key = str(spec.get("doc", self.doc_key()))
        try:
            doc = self.sources.by_key(key)
        except KeyError:
            raise SourceError(self.path, line_of(spec) or self.line, f"unknown document key {key!r}") from None
        start = int(spec["line"])
        end = int(spec.get("end", start))
        try:
            return doc.excerpt(start, end, str(spec["quote"]))
        except SourceError as exc:
            raise SourceError(self.path, line_of(spec) or self.line, str(exc)) from None

    def entity(self, key: str, kind: str | None = None) -> NamedNode:
        """IRI of the registry entity named by ``fact[key]``."""
        name = self.fact.get(key)
        if name is None:
            raise self.error(f"lacks '{key}'")
        return self.entity_named(str(name), kind)

    def entity_named(self, name: str, kind: str | None = None) -> NamedNode:
        try:
            return self.registry.resolve(name, kind).iri(self.g.data)
        except KeyError as exc:
            raise self.error(f"{exc.args[0]}; add it to sources/registry") from None

    def label_of(self, name: str) -> str:
        return self.registry.resolve(name).label["nl"]

    def money(self, key: str = "amount", quote: str | None = None) -> Amount:
        """The money text in ``fact[key]``; must occur in the quote. ``unit`` applies when the text has none."""
        text = str(self.fact[key])
        quote = quote if quote is not None else str(self.fact.get("quote", ""))
        if text not in quote:
            raise self.error(f"{key} {text!r} does not occur in the quote")
        try:
            return parse_amount(text)
        except ValueError:
            unit = self.fact.get("unit")
            if not unit:
                raise self.error(f"{key} {text!r} has no unit; add 'unit' (euro, miljoen euro, ...)") from None
            try:
                return amount(text, str(unit), text)
            except ValueError as exc:
                raise self.error(str(exc)) from None

    def number(self, key: str) -> Decimal:
        text = str(self.fact[key])
        if text not in str(self.fact.get("quote", "")):
            raise self.error(f"{key} {text!r} does not occur in the quote")
        try:
            return parse_number(text)
        except ValueError as exc:
            raise self.error(str(exc)) from None

    def percentage(self, key: str) -> Decimal:
        text = str(self.fact[key])
        if text not in str(self.fact.get("quote", "")):
            raise self.error(f"{key} {text!r} does not occur in the quote")
        try:
            return parse_percentage(text)
        except ValueError as exc:
            raise self.error(str(exc)) from None

    def concept(self, key: str, scheme: str) -> NamedNode | None:
        code = self.fact.get(key)
        return None if code is None else concept(scheme, str(code))

    def node(self, kind: str, *readable: str) -> NamedNode:
        """Deterministic IRI for this fact: readable slugs plus a hash of document, lines and quote."""
        slugs = [slugify(str(r)) for r in readable if r not in (None, "")]
        digest = short_hash(kind, self.doc_key(), self.fact.get("line"), self.fact.get("quote"), *readable)
        node = self.g.iri(kind, "-".join([*slugs, digest]))
        local = self.fact.get("id")
        if local is not None:
            if local in self.ids:
                raise self.error(f"duplicate fact id {local!r} in this file")
            self.ids[str(local)] = node
        return node

    def year(self, node: NamedNode) -> None:
        if "year" in self.fact:
            self.g.add(node, FG.year, year_literal(self.fact["year"]))
        period = self.fact.get("period")
        if isinstance(period, dict):
            if "start" in period:
                self.g.add(node, FG.periodStart, year_literal(period["start"]))
            if "end" in period:
                self.g.add(node, FG.periodEnd, year_literal(period["end"]))


Handler = Callable[[FactContext], NamedNode | None]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the handler of one fact kind."""

    def register(fn: Handler) -> Handler:
        if kind in HANDLERS:
            raise RuntimeError(f"two handlers for fact kind {kind!r}")
        HANDLERS[kind] = fn
        return fn

    return register


def _common(ctx: FactContext, node: NamedNode, *classes: NamedNode) -> None:
    ctx.g.typed(node, *classes)
    ctx.g.cite(node, *ctx.excerpts())
    note = ctx.fact.get("note")
    if isinstance(note, dict):
        for lang, text in clean(note).items():
            ctx.g.add(node, RDFS.comment, Literal(str(text), language=lang))
    elif note:
        ctx.g.add(node, RDFS.comment, Literal(str(note), language="nl"))


AMOUNT_TYPE_LABELS = {
    "granted": "toegekend",
    "budgeted": "begroot",
    "expected-payment": "verwachte betaling",
    "paid": "uitbetaald",
    "committed": "vastgelegd",
    "exceptional-top-up": "uitzonderlijk bijkomend",
    "available-budget": "beschikbaar budget",
    "invested": "geïnvesteerd",
    "guaranteed": "gewaarborgd",
    "financed": "gefinancierd",
    "stated-total": "totaal",
}


@handler("funding-flow")
def funding_flow(ctx: FactContext) -> NamedNode:
    """funder -> recipient, amount, year/period, amountType, instrument, contract, durationMonths."""
    ctx.require("funder", "recipient", "amount", "amountType")
    funder = ctx.entity("funder")
    recipient = ctx.entity("recipient")
    amt = ctx.money()
    year = ctx.fact.get("year") or (ctx.fact.get("period") or {}).get("start", "")
    node = ctx.node("funding-flow", ctx.fact["funder"], ctx.fact["recipient"], str(year), ctx.fact["amountType"])
    _common(ctx, node, FG.FundingFlow)
    g = ctx.g
    g.add(node, FG.funder, funder)
    g.add(node, FG.recipient, recipient)
    g.money(node, amt)
    g.add(node, FG.amountType, concept("amount-type", str(ctx.fact["amountType"])))
    ctx.year(node)
    if "instrument" in ctx.fact:
        g.add(node, FG.instrument, ctx.entity("instrument", "instrument"))
    if "contract" in ctx.fact:
        g.add(node, FG.contract, ctx.entity("contract", "contract"))
    if "durationMonths" in ctx.fact:
        g.add(node, FG.durationMonths, int(ctx.fact["durationMonths"]))
    if "vatIncluded" in ctx.fact:
        g.add(node, FG.vatIncluded, bool(ctx.fact["vatIncluded"]))
    if "purpose" in ctx.fact:
        g.add(node, FG.purpose, Literal(str(ctx.fact["purpose"]), language="nl"))
    kind = AMOUNT_TYPE_LABELS.get(str(ctx.fact["amountType"]), str(ctx.fact["amountType"]))
    when = f"{year}" if year else "zonder jaar"
    g.label(
        node,
        f"{ctx.label_of(str(ctx.fact['funder']))} → {ctx.label_of(str(ctx.fact['recipient']))}: "
        f"{amt.text} ({when}, {kind})",
    )
    return node


DIMENSIONS = {
    # key in YAML -> (property, concept scheme or None for an entity/literal)
    "partnerType": (FG.partnerType, "partner-type"),
    "service": (FG.service, None),
    "cluster": (FG.cluster, "entity"),
    "organisation": (FG.organisation, "entity"),
    "category": (FG.category, None),
}


@handler("result")
def result(ctx: FactContext) -> NamedNode:
    """A result of an instrument in a year (or period): count (+ countUnit), amount (+ amountType),
    quantity (+ quantityUnit) and/or percentage, optional creditType (VAK/VEK) and breakdown
    dimensions (partnerType, service, cluster, organisation, category)."""
    if "year" not in ctx.fact and not isinstance(ctx.fact.get("period"), dict):
        raise ctx.error("result fact needs 'year' or 'period' {start, end}")
    if "instrument" not in ctx.fact and "organisation" not in ctx.fact:
        raise ctx.error("result fact needs 'instrument' or 'organisation'")
    subject = ctx.fact.get("instrument") or ctx.fact.get("organisation")
    when = str(ctx.fact.get("year") or ctx.fact["period"].get("start", ""))
    node = ctx.node("result", str(subject), when)
    _common(ctx, node, FG.InstrumentResult)
    g = ctx.g
    if "instrument" in ctx.fact:
        g.add(node, FG.instrument, ctx.entity("instrument", "instrument"))
    ctx.year(node)
    if "count" in ctx.fact:
        g.add(node, FG.count, int(ctx.number("count")))
        if "countUnit" in ctx.fact:
            g.add(node, FG.countUnit, concept("count-unit", str(ctx.fact["countUnit"])))
    if "amount" in ctx.fact:
        g.money(node, ctx.money())
        g.add(node, FG.amountType, concept("amount-type", str(ctx.fact.get("amountType", "granted"))))
    if "quantity" in ctx.fact:
        g.add(node, FG.quantity, ctx.number("quantity"))
        g.add(node, FG.quantityUnit, Literal(str(ctx.fact.get("quantityUnit", ""))))
    if "percentage" in ctx.fact:
        g.add(node, FG.percentage, ctx.percentage("percentage"))
    if "creditType" in ctx.fact:
        g.add(node, FG.creditType, concept("credit-type", str(ctx.fact["creditType"])))
    if not any(k in ctx.fact for k in ("count", "amount", "quantity", "percentage")):
        raise ctx.error("result fact needs count, amount, quantity or percentage")
    for key, (prop, scheme) in DIMENSIONS.items():
        if key in ctx.fact:
            if scheme == "entity":
                g.add(node, prop, ctx.entity(key))
            elif scheme:
                g.add(node, prop, concept(scheme, str(ctx.fact[key])))
            else:
                g.add(node, prop, Literal(str(ctx.fact[key]), language="nl"))
    if "dataset" in ctx.fact:
        from fundinggraph.namespaces import QB

        g.add(node, RDF.type, QB.Observation)
        g.add(node, QB.dataSet, g.iri("dataset", slugify(str(ctx.fact["dataset"]))))
    label = str(ctx.fact.get("label") or f"{ctx.label_of(str(subject))} {when}")
    g.label(node, label)
    return node


def _object_term(ctx: FactContext) -> NamedNode | Literal:
    obj = ctx.fact["object"]
    kind = ctx.fact.get("objectType", "entity")
    if kind == "entity":
        return ctx.entity_named(str(obj), ctx.fact.get("objectKind"))
    if kind == "concept":
        scheme, code = str(obj).split("/", 1)
        return concept(scheme, code)
    if kind == "class":
        return resolve_class(str(obj))
    if kind == "iri":
        return NamedNode(str(obj))
    if kind == "date":
        return Literal(str(obj), datatype=XSD.date)
    if kind == "year":
        return year_literal(obj)
    if kind == "text":
        return Literal(str(obj), language=str(ctx.fact.get("lang", "nl")))
    raise ctx.error(f"unknown objectType {kind!r}")


def _predicate(ctx: FactContext, name: str) -> NamedNode:
    if ":" not in name:
        return FG.term(name)
    prefix, local = name.split(":", 1)
    if prefix not in PREFIXES:
        raise ctx.error(f"unknown prefix in predicate {name!r}")
    return NamedNode(PREFIXES[prefix] + local)


@handler("relation")
def relation(ctx: FactContext) -> NamedNode:
    """``subject predicate object`` between entities (or an entity and a value), with provenance."""
    ctx.require("subject", "predicate", "object")
    subject = ctx.entity("subject", ctx.fact.get("subjectKind"))
    return ctx.g.claim(subject, _predicate(ctx, str(ctx.fact["predicate"])), _object_term(ctx), *ctx.excerpts())


@handler("condition")
def condition(ctx: FactContext) -> NamedNode:
    """A stated condition of an instrument: ceilings, floors, percentages, rates, durations."""
    ctx.require("instrument", "conditionType")
    node = ctx.node("condition", ctx.fact["instrument"], ctx.fact["conditionType"])
    _common(ctx, node, FG.Condition)
    g = ctx.g
    instrument = ctx.entity("instrument", "instrument")
    g.add(node, FG.conditionOf, instrument)
    g.add(instrument, FG.condition, node)
    g.add(node, FG.conditionType, concept("condition-type", str(ctx.fact["conditionType"])))
    found = False
    for key, prop in (("amount", FG.amount), ("minAmount", FG.minAmount), ("maxAmount", FG.maxAmount)):
        if key in ctx.fact:
            g.money(node, ctx.money(key), prop)
            found = True
    for key, prop in (
        ("percentage", FG.percentage),
        ("minPercentage", FG.minPercentage),
        ("maxPercentage", FG.maxPercentage),
    ):
        if key in ctx.fact:
            g.add(node, prop, ctx.percentage(key))
            found = True
    for key, prop in (("minValue", FG.minValue), ("maxValue", FG.maxValue), ("value", FG.value)):
        if key in ctx.fact:
            g.add(node, prop, ctx.number(key))
            found = True
    if not found:
        raise ctx.error("condition needs an amount, percentage or value")
    if "valueUnit" in ctx.fact:
        g.add(node, FG.valueUnit, Literal(str(ctx.fact["valueUnit"]), language="nl"))
    if "appliesTo" in ctx.fact:
        g.add(node, FG.appliesTo, Literal(str(ctx.fact["appliesTo"]), language="nl"))
    if "per" in ctx.fact:
        g.add(node, FG.per, Literal(str(ctx.fact["per"]), language="nl"))
    for key, prop in (("validFrom", FG.validFrom), ("validUntil", FG.validUntil)):
        if key in ctx.fact:
            g.add(node, prop, Literal(str(ctx.fact[key]), datatype=XSD.date))
    g.label(node, str(ctx.fact.get("label") or f"{ctx.label_of(str(ctx.fact['instrument']))}: {ctx.excerpt().quote}"))
    return node


@handler("statement")
def statement(ctx: FactContext) -> NamedNode:
    """A qualitative fact (a target reached or missed, a plan, an evaluation) about entities."""
    ctx.require("about", "statementType", "summary")
    about = ctx.fact["about"] if isinstance(ctx.fact["about"], list) else [ctx.fact["about"]]
    node = ctx.node("statement", str(ctx.fact["statementType"]), *[str(a) for a in about[:2]])
    _common(ctx, node, FG.Statement)
    g = ctx.g
    for name in about:
        g.add(node, FG.about, ctx.entity_named(str(name)))
    g.add(node, FG.statementType, concept("statement-type", str(ctx.fact["statementType"])))
    if "assessment" in ctx.fact:
        g.add(node, FG.assessment, concept("assessment", str(ctx.fact["assessment"])))
    ctx.year(node)
    summary = ctx.fact["summary"]
    if isinstance(summary, dict):
        for lang, text in clean(summary).items():
            g.add(node, RDFS.label, Literal(str(text), language=lang))
    else:
        g.add(node, RDFS.label, Literal(str(summary), language="nl"))
    return node


@handler("stated-total")
def stated_total(ctx: FactContext) -> NamedNode:
    """A total stated in the source, with the facts it totals (``parts``: fact ids in this file).

    The sum of the parts is computed at load time (``fg:computedAmount``), so the graph holds both.
    """
    ctx.require("parts")
    parts = ctx.fact["parts"]
    if not isinstance(parts, list) or not parts:
        raise ctx.error("'parts' must be a non-empty list of fact ids")
    node = ctx.node("total", *[str(p) for p in parts[:1]])
    _common(ctx, node, FG.StatedTotal)
    g = ctx.g
    for part in parts:
        if str(part) not in ctx.ids:
            raise ctx.error(f"part {part!r} is not the id of an earlier fact in this file")
        g.add(node, FG.hasPart, ctx.ids[str(part)])
    if "amount" in ctx.fact:
        g.money(node, ctx.money())
    if "count" in ctx.fact:
        g.add(node, FG.count, int(ctx.number("count")))
    if "amount" not in ctx.fact and "count" not in ctx.fact:
        raise ctx.error("stated-total needs amount or count")
    if "tolerance" in ctx.fact:
        g.add(node, FG.roundingTolerance, Decimal(str(ctx.fact["tolerance"])))
    ctx.year(node)
    g.label(node, str(ctx.fact.get("label") or f"Totaal: {ctx.fact.get('amount', ctx.fact.get('count'))}"))
    return node


@handler("change-event")
def change_event(ctx: FactContext) -> NamedNode:
    """An ``org:ChangeEvent``: ``original`` organisations became ``resulting`` ones on ``date``."""
    ctx.require("original", "resulting")
    node = ctx.node("change-event", *[str(r) for r in _listed(ctx.fact["resulting"])])
    _common(ctx, node, ORG.ChangeEvent)
    g = ctx.g
    for name in _listed(ctx.fact["original"]):
        g.add(node, ORG.originalOrganization, ctx.entity_named(name, "organisation"))
    for name in _listed(ctx.fact["resulting"]):
        g.add(node, ORG.resultingOrganization, ctx.entity_named(name, "organisation"))
        g.add(ctx.entity_named(name, "organisation"), ORG.resultedFrom, node)
    if "date" in ctx.fact:
        g.add(node, DCTERMS.date, Literal(str(ctx.fact["date"]), datatype=XSD.date))
    if "year" in ctx.fact:
        g.add(node, FG.year, year_literal(ctx.fact["year"]))
    g.label(node, str(ctx.fact.get("label") or ctx.excerpt().quote))
    return node


@handler("shareholding")
def shareholding(ctx: FactContext) -> NamedNode:
    """``shareholder`` holds ``percentage`` of ``company`` (optionally ``onBehalfOf`` another party)."""
    ctx.require("shareholder", "company")
    node = ctx.node("shareholding", ctx.fact["shareholder"], ctx.fact["company"])
    _common(ctx, node, FG.Shareholding)
    g = ctx.g
    holder = ctx.entity("shareholder", "organisation")
    company = ctx.entity("company", "organisation")
    g.add(node, FG.shareholder, holder)
    g.add(node, FG.company, company)
    g.add(holder, FG.holdsSharesIn, company)
    if "percentage" in ctx.fact:
        g.add(node, FG.percentage, ctx.percentage("percentage"))
    if "onBehalfOf" in ctx.fact:
        g.add(node, FG.onBehalfOf, ctx.entity("onBehalfOf", "organisation"))
    g.label(node, str(ctx.fact.get("label") or f"{ctx.label_of(str(ctx.fact['shareholder']))} → {ctx.label_of(str(ctx.fact['company']))}"))
    return node


@handler("membership")
def membership(ctx: FactContext) -> NamedNode:
    """``member`` is a member of ``organisation`` (``org:Membership``; optional ``role`` text)."""
    ctx.require("member", "organisation")
    node = ctx.node("membership", ctx.fact["member"], ctx.fact["organisation"])
    _common(ctx, node, ORG.Membership)
    g = ctx.g
    member = ctx.entity("member")
    organisation = ctx.entity("organisation", "organisation")
    g.add(node, ORG.member, member)
    g.add(node, ORG.organization, organisation)
    g.add(member, ORG.memberOf, organisation)
    g.add(organisation, ORG.hasMember, member)
    if "role" in ctx.fact:
        g.add(node, FG.roleText, Literal(str(ctx.fact["role"]), language="nl"))
    g.label(node, str(ctx.fact.get("label") or f"{ctx.label_of(str(ctx.fact['member']))} ∈ {ctx.label_of(str(ctx.fact['organisation']))}"))
    return node


def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def load_file(g: GraphBuilder, sources: SourceSet, registry: Registry, path: Path) -> int:
    """Load one curated file; returns the number of facts.

    :raises SourceError: naming this YAML file and the line of the offending fact.
    """
    data = read_yaml(path)
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise SourceError(path, 1, "expected a mapping with a 'facts' list")
    default_doc = data.get("document")
    ids: dict[str, NamedNode] = {}
    for fact in data["facts"]:
        if not isinstance(fact, dict) or "kind" not in fact:
            raise SourceError(path, line_of(fact), "each fact needs a 'kind'")
        kind = str(fact["kind"])
        if kind not in HANDLERS:
            raise SourceError(path, line_of(fact), f"unknown fact kind {kind!r}; known: {sorted(HANDLERS)}")
        ctx = FactContext(g, sources, registry, path, fact, None if default_doc is None else str(default_doc), ids)
        HANDLERS[kind](ctx)
    return len(data["facts"])


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> int:
    """Load every ``sources/curated/*.yaml``; returns the number of facts."""
    total = 0
    for path in sorted((sources.root / "curated").glob("*.yaml")):
        total += load_file(g, sources, registry, path)
    return total

