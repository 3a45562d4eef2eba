"""The result tables of the Speurgids (Tabel 9-27) and the Gigarant chart (Figuur 26), with their rows' quotes.

Every row with figures becomes an ``fg:InstrumentResult`` that is also a ``qb:Observation`` of the data set
``<base>id/dataset/tabel-N``; a *Totaal* row is also an ``fg:StatedTotal`` of its rows, so the load-time
reconciliation lists the totals that do not add up. Tables that state conditions (Tabel 11 and 14) become
``fg:Condition`` nodes, the portfolios (Tabel 15 and 26) claims about the clusters with the row as quote.

How the flattened text is read, and what was decided where the source is ambiguous:

* Amounts in euro ("14.763.113", "€ 8.473.038,00", "1.197.922 €") are exact, so their totals must match
  to the cent (tolerance 0); amounts in miljoen euro or MEUR are rounded, so a total may differ from the
  sum of its parts by half a unit of the last written digit of each part and of the total.
* Tabel 9 is captioned "volgens provinciale verdeling" but its rows are company sizes (GO/MO/KO);
  Tabel 13 is captioned "bedragen in miljoen euro" but its columns say "in euro" and hold euro. Both are
  read as the rows and columns say, with a note on the table.
* "/" in Tabel 18-25 means no partners of that type: a result with count 0 and amount 0 and the "/" as
  original text.
* Tabel 17 has a row without a label ("5 2,5" in 2022 only). Tabel 16 lists, in the same place, Flanders
  Space with 5 projects and 2,5 MEUR in 2022; the unlabeled row is read as Flanders Space, which is the
  only cluster of Tabel 16 missing from Tabel 17 with exactly those figures (anything else stops the load).
* Tabel 16 states per cluster what Tabel 17 (2022 column) and the *Totaal* of Tabel 18-25 state again:
  each pair is a cross-check ``fg:StatedTotal`` (``fg:checks`` the Tabel 16 row, ``fg:hasPart`` the other
  table's figure), so differences show up in ``fundinggraph reconcile``.
* The Moonshot "Kerncijfers" under Tabel 27 and the sentence "In totaal werd in 2022 voor ca. 17.6 miljoen
  euro steun toegekend" both total the rows of Tabel 27.
* Figuur 26 is three cumulative series 2009-2022 flattened into numbers, followed by the two axes' tick
  labels and the years; the series are read in the order of the legend and must not decrease.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import DCTERMS, FG, QB, RDF, RDFS, concept, slugify
from loaders.graph import GraphBuilder, year_literal
from loaders.numbers import Amount, amount, parse_amount, parse_number, parse_percentage
from loaders.registry import Entity, Registry
from loaders.sourcetext import Excerpt, SourceDocument, SourceError, SourceSet
from loaders.speurgids_structure import Caption, Structure, add_table_extent, read_structure, text_line
from loaders.tabel8 import split_cells

YEAR = 2022
EXACT_UNITS = ("euro", "€")

_COUNT = r"[0-9]{1,3}(?:\.[0-9]{3})*"
_EURO = r"[0-9]{1,3}(?:\.[0-9]{3})*(?:,[0-9]{2})?"
_MEUR = r"[0-9]+(?:,[0-9]+)?"
#: "GO 10 14.763.113", "Advies 4.207 7.753.744,80", "Kleine Onderneming 257 € 8.473.038,00", "Kleine onderneming 4 1.197.922 €"
_COUNT_EURO = re.compile(rf"^(?P<label>\S.*?)\s+(?P<count>{_COUNT})\s+(?P<amount>€\s?{_EURO}|{_EURO}(?:\s?€)?)\s*$")
#: "Catalisti 4 7,5", " 49 49,5" (the total of Tabel 16 has no label)
_COUNT_MEUR = re.compile(rf"^\s*(?P<label>.*?)\s*(?P<count>[0-9]+)\s+(?P<amount>{_MEUR})\s*$")
_NONE = re.compile(r"^(?P<label>\S.*?)\s+/\s+/\s*$")

PARTNER_TYPES = {
    "GO": "large-enterprise",
    "MO": "medium-enterprise",
    "KO": "small-enterprise",
    "kleine onderneming": "small-enterprise",
    "middelgrote onderneming": "medium-enterprise",
    "grote onderneming": "large-enterprise",
    "kennisinstelling": "knowledge-institution",
}

#: Tabel 18-25: the cluster each table is about (its name must occur in the caption).
PARTNER_TABLES: dict[int, str] = {
    18: "catalisti",
    19: "de-blauwe-cluster",
    20: "flanders-food",
    21: "medvia",
    22: "flux50",
    23: "sim",
    24: "vil",
    25: "interclusterprojecten",
}

#: Tabel 13 row label -> (instrument, category). "Bijkomende" lost its second word in the extraction: the
#: prose (002:542-543) gives 158 companies and 1.039.200 euro for the sluitingspremie.
PREMIUM_TYPES: dict[str, tuple[str, str | None]] = {
    "Hinderpremie": ("hinderpremie", None),
    "Bijkomende": ("sluitingspremie", "bijkomende sluitingspremie"),
    "Afzonderlijke sluitingspremie (groep 1)": ("afzonderlijke-sluitingspremie", "groep 1"),
    "Afzonderlijke sluitingspremie (groep 2)": ("afzonderlijke-sluitingspremie", "groep 2"),
}

#: Where the year of a table is stated when its caption does not say it.
YEAR_EVIDENCE: dict[int, str] = {
    12: "Tabel 12 geeft een overzicht van de verleende steun in 2022",
    13: "In 2022 werd aan 4.768 verschillende ondernemingen een hinderpremie uitbetaald.",
    25: "In totaal werden in 2022 7 interclusterprojecten gesteund",
}

#: Tabel 14: the column headings and the instruments they are the conditions of.
CLUSTER_KINDS = (("A) Speerpuntclusters", "steun-speerpuntclusters"),
                 ("B) Innovatieve bedrijfsnetwerken", "steun-innovatieve-bedrijfsnetwerken"))
#: Tabel 14 rows whose two cells are text (split as written; each must occur in the table).
CONDITION_TEXTS: tuple[tuple[str, str], ...] = (
    ("Aansluiting bij strategische domeinen / 5-tal", "Bottom up / 15-tal"),
    ("Ambitieus, grootschalig, LT visie", "Beperktere ambitie / KT actieplan"),
    ("Triple Helix constellatie vereist", "Alle relevante actoren, focus op bedrijven"),
    ("Overeenkomst uitvoering comp progr. + \nclusterpact", "Overeenkomst uitvoering actieplan"),
)
_LIMITS = re.compile(r"Max (?P<years>\d+)j, (?P<pct>\d+%) private bijdr\.?, \n(?P<max>max (?P<amount>\d+ k€/j)) steun")

#: Count units (``unit:`` scheme) as the labels say them.
COUNT_WORDS = {"dossiers": "dossiers", "applications": "steunaanvragen", "projects": "projecten",
               "partners": "projectpartners", "companies": "ondernemingen", "awards": "toekenningen",
               "institutions": "kennisinstellingen", "commitments": "verbintenissen"}

#: Figuur 26: the legend's series, in order: (slug, label, amount type or count unit, unit).
GIGARANT_SERIES = (
    ("waarborgbedrag", "cumulatief waarborgbedrag", "guaranteed", "miljoen euro"),
    ("kredietbedrag", "cumulatief kredietbedrag", "financed", "miljoen euro"),
    ("verbintenissen", "cumulatief aantal verbintenissen", "commitments", None),
)


@dataclass
class Fact:
    """What one row states, before it becomes a node."""

    slug: str
    label: str
    excerpts: list[Excerpt]
    count: int | None = None
    count_unit: str | None = None
    amount: Amount | None = None
    amount_type: str = "granted"
    partner: str | None = None
    service: str | None = None
    cluster: NamedNode | None = None
    category: str | None = None
    average: Amount | None = None
    original: str | None = None  #: the cell as written when it is no number ("/")
    note: str | None = None
    period: tuple[int, int] | None = None  #: cumulative figures: (first year, year)
    year: int = YEAR


@dataclass
class _Builder:
    g: GraphBuilder
    doc: SourceDocument
    registry: Registry
    structure: Structure
    results: dict[str, NamedNode] = field(default_factory=dict)  #: "tabel-16/catalisti" -> node
    facts: dict[str, Fact] = field(default_factory=dict)

    def caption(self, number: int, kind: str = "Tabel") -> Caption:
        try:
            return self.structure.caption(kind, number)
        except KeyError:
            raise SourceError(self.doc.path, None, f"no caption '{kind} {number}' found") from None

    def body(self, cap: Caption) -> Iterator[tuple[int, str]]:
        """The non-blank lines after a caption, to the end of the document."""
        for number in range(cap.excerpt.end + 1, self.doc.line_count + 1):
            text = text_line(self.doc, number)
            if text.strip():
                yield number, text

    def line(self, number: int) -> Excerpt:
        return self.doc.excerpt(number)

    def header(self, lines: list[int]) -> list[Excerpt]:
        """The header lines of a table as one excerpt (none if there are none)."""
        return [self.doc.excerpt(lines[0], lines[-1])] if lines else []

    def entity(self, name: str, line: int) -> Entity:
        try:
            return self.registry.resolve(name)
        except KeyError:
            raise SourceError(self.doc.path, line, f"{name!r} is not in sources/registry (add it there)") from None

    def node(self, entity: Entity) -> NamedNode:
        return entity.iri(self.g.data)

    def instrument(self, ident: str) -> NamedNode:
        return self.registry.get("instrument", ident).iri(self.g.data)

    def dataset(self, name: str, cap: Caption, title: str | None = None) -> NamedNode:
        node = self.g.iri("dataset", name)
        self.g.typed(node, QB.DataSet)
        self.g.add(node, QB.structure, FG.resultStructure)
        self.g.add(node, DCTERMS.title, Literal(title or cap.title, language="nl"))
        self.g.add(node, DCTERMS.source, self.g.document(self.doc))
        self.g.add(node, FG.sourceTable, self.g.iri("table", self.doc.slug, cap.slug))
        self.g.label(node, f"{cap.kind} {cap.number}: {cap.title}")
        self.g.cite(node, cap.excerpt)
        return node

    def year_evidence(self, number: int, cap: Caption) -> list[Excerpt]:
        if number not in YEAR_EVIDENCE:
            return []
        quote = YEAR_EVIDENCE[number]
        return [self.doc.find(quote, after=max(1, cap.excerpt.start - 150))]


# -- nodes ------------------------------------------------------------------------------------------------
def result(b: _Builder, dataset: NamedNode, name: str, instrument: NamedNode | None, fact: Fact) -> NamedNode:
    """An ``fg:InstrumentResult`` and ``qb:Observation`` of ``dataset`` from one row."""
    g = b.g
    node = g.iri("result", name, fact.slug)
    g.typed(node, FG.InstrumentResult, QB.Observation)
    g.add(node, QB.dataSet, dataset)
    if instrument is not None:
        g.add(node, FG.instrument, instrument)
    if fact.period:
        g.add(node, FG.periodStart, year_literal(fact.period[0]))
        g.add(node, FG.periodEnd, year_literal(fact.period[1]))
    g.add(node, FG.year, year_literal(fact.year))
    if fact.count is not None:
        g.add(node, FG.count, fact.count)
        if fact.count_unit:
            g.add(node, FG.countUnit, concept("count-unit", fact.count_unit))
    if fact.amount is not None:
        g.money(node, fact.amount)
        g.add(node, FG.amountType, concept("amount-type", fact.amount_type))
    if fact.average is not None:
        g.add(node, FG.averageAmount, fact.average.value)  # the row's fg:originalText stays its amount
    if fact.original is not None:
        g.add(node, FG.originalText, Literal(fact.original))
    if fact.partner:
        g.add(node, FG.partnerType, concept("partner-type", fact.partner))
    if fact.service:
        g.add(node, FG.service, Literal(fact.service, language="nl"))
    if fact.cluster is not None:
        g.add(node, FG.cluster, fact.cluster)
    if fact.category:
        g.add(node, FG.category, Literal(fact.category, language="nl"))
    if fact.note:
        g.add(node, RDFS.comment, Literal(fact.note, language="nl"))
    g.label(node, fact.label)
    g.cite(node, *fact.excerpts)
    b.results[f"{name}/{fact.slug}"] = node
    b.facts[f"{name}/{fact.slug}"] = fact
    return node


def half_unit(value: Amount) -> Decimal:
    """Half a unit of the last written digit, in euro: ``7,5`` MEUR -> 50000; 0 for exact euro amounts."""
    if value.unit.strip().lower() in EXACT_UNITS:
        return Decimal(0)
    exponent = parse_number(value.number).as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal(5) * Decimal(10) ** (exponent - 1) * value.scale


def stated_total(b: _Builder, node: NamedNode, parts: list[str]) -> None:
    """Make ``node`` an ``fg:StatedTotal`` of the results ``parts`` (keys of ``b.results``)."""
    g = b.g
    g.typed(node, FG.StatedTotal)
    tolerance = Decimal(0)
    for key in parts:
        g.add(node, FG.hasPart, b.results[key])
        part = b.facts[key]
        if part.amount is not None:
            tolerance += half_unit(part.amount)
    own = next((f for k, f in b.facts.items() if b.results[k] == node), None)  # the total's own rounding
    if own is not None and own.amount is not None:
        tolerance += half_unit(own.amount)
    g.add(node, FG.roundingTolerance, tolerance)


def cross_check(b: _Builder, slug: str, label: str, stated: str, parts: list[str], excerpts: list[Excerpt]) -> NamedNode:
    """A total stated in one table (``stated``, a key of ``b.results``) for the rows of another."""
    g = b.g
    fact = b.facts[stated]
    node = g.iri("total", "cross-check", slug)
    g.typed(node, FG.StatedTotal)
    if fact.amount is not None:
        g.money(node, fact.amount)
        g.add(node, FG.amountType, concept("amount-type", fact.amount_type))
    parts_have_count = all(b.facts[p].count is not None and b.facts[p].count_unit == fact.count_unit for p in parts)
    if fact.count is not None and parts_have_count:
        g.add(node, FG.count, fact.count)
    g.add(node, FG.year, year_literal(fact.year))
    amounts = [fact.amount, *(b.facts[key].amount for key in parts)]
    for key in parts:
        g.add(node, FG.hasPart, b.results[key])
    g.add(node, FG.roundingTolerance, sum((half_unit(a) for a in amounts if a is not None), Decimal(0)))
    g.add(node, FG.checks, b.results[stated])
    g.label(node, label)
    g.cite(node, *fact.excerpts, *excerpts)
    return node


# -- Tabel 9, 10, 12: count and euro amount per row ------------------------------------------------------
@dataclass(frozen=True)
class SimpleRow:
    line: int
    label: str
    count: str | None
    amount: str | None  #: as written, with its € if any
    excerpt: Excerpt


def read_simple_rows(b: _Builder, cap: Caption, pattern: re.Pattern[str], total: str = "Totaal",
                     allow_none: bool = False) -> tuple[list[Excerpt], list[SimpleRow]]:
    """The column header (as one excerpt), then rows matching ``pattern`` up to the row labelled ``total``.

    :raises SourceError: for a line between the first row and the total that is no row.
    """
    header: list[int] = []
    rows: list[SimpleRow] = []
    for number, text in b.body(cap):
        match = pattern.match(text)
        none = _NONE.match(text) if allow_none else None
        if match is None and none is None:
            if rows:
                raise SourceError(b.doc.path, number, f"{cap.kind} {cap.number}: not a row: {text.strip()!r}")
            header.append(number)
            if len(header) > 12:
                raise SourceError(b.doc.path, cap.excerpt.start, f"{cap.kind} {cap.number}: no rows found")
            continue
        if match is not None:
            row = SimpleRow(number, match.group("label").strip(), match.group("count"), match.group("amount"), b.line(number))
        else:
            assert none is not None
            row = SimpleRow(number, none.group("label").strip(), None, None, b.line(number))
        rows.append(row)
        if row.label == total:
            return b.header(header), rows
    raise SourceError(b.doc.path, cap.excerpt.start, f"{cap.kind} {cap.number}: no '{total}' row")


def shown(value: Amount) -> str:
    """The amount as written, with "euro" added when the source leaves the unit to the column."""
    return value.text if value.text != value.number else f"{value.text} euro"


def _euro(text: str) -> Amount:
    try:
        return parse_amount(text)
    except ValueError:
        return amount(text.strip(), "euro", text.strip())


def _count(text: str) -> int:
    return int(parse_number(text))


def count_amount_table(b: _Builder, number: int, instrument: str, count_unit: str, dimension: str,
                       what: str, note: str | None = None) -> None:
    """Tabel 9, 10, 12: one dimension (company size or service), a count and a euro amount per row."""
    cap = b.caption(number)
    header, rows = read_simple_rows(b, cap, _COUNT_EURO)
    name = f"tabel-{number}"
    dataset = b.dataset(name, cap)
    context = [cap.excerpt, *header, *b.year_evidence(number, cap)]
    parts = []
    for row in rows:
        assert row.count is not None and row.amount is not None
        value = _euro(row.amount)
        fact = Fact(slugify(row.label), f"{what} {YEAR}, {row.label}: {row.count} {COUNT_WORDS[count_unit]}, {shown(value)}",
                    [row.excerpt, *context], count=_count(row.count), count_unit=count_unit, amount=value)
        if row.label != "Totaal":
            if dimension == "partner":
                fact.partner = _partner(b, row)
            else:
                fact.service = row.label
            parts.append(f"{name}/{fact.slug}")
        node = result(b, dataset, name, b.instrument(instrument), fact)
        if row.label == "Totaal":
            stated_total(b, node, parts)
    add_table_extent(b.g, b.doc, cap, rows[-1].line, _header_unit(header, rows), note)


def _partner(b: _Builder, row: SimpleRow) -> str:
    key = row.label if row.label in PARTNER_TYPES else row.label.lower()
    if key not in PARTNER_TYPES:
        raise SourceError(b.doc.path, row.line, f"unknown company size or partner type {row.label!r}")
    return PARTNER_TYPES[key]


def _header_unit(header: list[Excerpt], rows: list[SimpleRow]) -> str | None:
    text = " ".join(e.quote for e in header)
    if "MEUR" in text:
        return "MEUR"
    if "in euro" in text or any(r.amount and "€" in r.amount for r in rows):
        return "euro"
    return None


# -- Tabel 11 and 14: conditions ---------------------------------------------------------------------------
def conditions_tabel_11(b: _Builder) -> None:
    """Tabel 11: ceiling and percentage of the kmo-groeisubsidie per type of support."""
    cap = b.caption(11)
    lines = list(b.body(cap))[:3]
    (h_line, header), (c_line, ceilings), (p_line, percentages) = lines
    types = ("Externe dienstverlening", "Aanwerving")
    if header.split() != " ".join(types).split():
        raise SourceError(b.doc.path, h_line, f"Tabel 11: expected the columns {types}, found {header.strip()!r}")
    ceiling = re.fullmatch(r"\s*Subsidieplafond (\S+ euro) (\S+ euro)\s*", ceilings)
    percentage = re.fullmatch(r"\s*Subsidiepercentage (\S+%) (\S+%)\s*", percentages)
    if not ceiling or not percentage:
        raise SourceError(b.doc.path, c_line, "Tabel 11: expected 'Subsidieplafond X euro Y euro' and 'Subsidiepercentage X% Y%'")
    instrument = b.instrument("kmo-groeisubsidie")
    for i, kind in enumerate(types, start=1):
        applies = kind.lower()
        node = _condition(b, "tabel-11", f"{slugify(kind)}-plafond", instrument, "max-amount",
                          [b.line(c_line), b.line(h_line), cap.excerpt], f"Kmo-groeisubsidie, {applies}: subsidieplafond {ceiling.group(i)}")
        b.g.money(node, parse_amount(ceiling.group(i)), FG.maxAmount)
        b.g.add(node, FG.appliesTo, Literal(applies, language="nl"))
        node = _condition(b, "tabel-11", f"{slugify(kind)}-percentage", instrument, "percentage",
                          [b.line(p_line), b.line(h_line), cap.excerpt], f"Kmo-groeisubsidie, {applies}: subsidiepercentage {percentage.group(i)}")
        b.g.add(node, FG.percentage, parse_percentage(percentage.group(i)))
        b.g.add(node, FG.appliesTo, Literal(applies, language="nl"))
    add_table_extent(b.g, b.doc, cap, p_line, "euro")


def _condition(b: _Builder, table: str, slug: str, instrument: NamedNode, kind: str, excerpts: list[Excerpt],
               label: str) -> NamedNode:
    g = b.g
    node = g.iri("condition", table, slug)
    g.typed(node, FG.Condition)
    g.add(node, FG.conditionOf, instrument)
    g.add(instrument, FG.condition, node)
    g.add(node, FG.conditionType, concept("condition-type", kind))
    g.label(node, label)
    g.cite(node, *excerpts)
    return node


def conditions_tabel_14(b: _Builder) -> None:
    """Tabel 14: the conditions of spearhead clusters and innovative business networks."""
    cap = b.caption(14)
    lines = [(n, t) for n, t in b.body(cap) if n <= cap.excerpt.end + 60]
    header_line, header = lines[0]
    if not all(h in header for h, _ in CLUSTER_KINDS):
        raise SourceError(b.doc.path, header_line, f"Tabel 14: expected the columns {[h for h, _ in CLUSTER_KINDS]}")
    limits = list(_LIMITS.finditer(b.doc.span(cap.excerpt.end + 1, lines[-1][0])))
    if len(limits) != 2:
        raise SourceError(b.doc.path, cap.excerpt.start, f"Tabel 14: expected 2 cells 'Max Nj, N% private bijdr., max N k€/j steun', found {len(limits)}")
    first = cap.excerpt.end + 1
    end = first
    heading = b.line(header_line)
    for (column, ident), match in zip(CLUSTER_KINDS, limits, strict=True):
        instrument = b.instrument(ident)
        cell = b.doc.find(match.group(0), after=first)
        end = max(end, cell.end)
        what = column.split(") ", 1)[1]
        context = [cell, heading, cap.excerpt]
        slug = slugify(what)
        node = _condition(b, "tabel-14", f"{slug}-looptijd", instrument, "duration", context,
                          f"{what}: looptijd maximaal {match.group('years')} jaar")
        b.g.add(node, FG.maxValue, Decimal(match.group("years")))
        b.g.add(node, FG.valueUnit, Literal("jaar", language="nl"))
        node = _condition(b, "tabel-14", f"{slug}-private-bijdrage", instrument, "percentage", context,
                          f"{what}: {match.group('pct')} private bijdrage")
        b.g.add(node, FG.percentage, parse_percentage(match.group("pct")))
        b.g.add(node, FG.appliesTo, Literal("private bijdrage", language="nl"))
        b.g.add(node, RDFS.comment, Literal("Het aandeel dat de bedrijven zelf inbrengen; de steun dekt de rest.", language="nl"))
        node = _condition(b, "tabel-14", f"{slug}-max-steun", instrument, "max-amount", context,
                          f"{what}: steun {match.group('max')}")
        b.g.money(node, parse_amount(match.group("amount")), FG.maxAmount)
        b.g.add(node, FG.per, Literal("jaar", language="nl"))
    for texts in CONDITION_TEXTS:
        for (column, ident), text in zip(CLUSTER_KINDS, texts, strict=True):
            cell = b.doc.find(text, after=first, before=end)
            what = column.split(") ", 1)[1]
            clean = " ".join(text.split())
            _condition(b, "tabel-14", f"{slugify(what)}-{slugify(clean)[:40].strip('-')}", b.instrument(ident), "other",
                       [cell, heading, cap.excerpt], f"{what}: {clean}")
    both = [b.line(n) for n, text in lines if n <= end and text.strip().startswith("Voorwaarden voor zowel")]
    for number, text in lines:
        if number > end:
            break
        if text.strip().startswith("•"):
            bullet = b.line(number)
            clean = text.strip().lstrip("•").strip()
            for column, ident in CLUSTER_KINDS:
                what = column.split(") ", 1)[1]
                _condition(b, "tabel-14", f"{slugify(what)}-{slugify(clean)[:40].strip('-')}", b.instrument(ident), "other",
                           [bullet, *both, cap.excerpt], f"{what}: {clean}")
    add_table_extent(b.g, b.doc, cap, end, "k€/j")


# -- Tabel 13: premiums ------------------------------------------------------------------------------------
_PREMIUM_ROW = re.compile(rf"^(?P<label>.*?)\s*(?P<companies>{_COUNT}) (?P<grants>{_COUNT}) (?P<amount>{_EURO})(?: (?P<average>{_EURO}))?\s*$")


def premiums_tabel_13(b: _Builder) -> None:
    """Tabel 13: per premium type the companies, the grants, the amount and the average amount (euro)."""
    cap = b.caption(13)
    header: list[int] = []
    label: list[int] = []
    rows: list[tuple[str, int, int, re.Match[str]]] = []  # label, first line, last line, match
    for number, text in b.body(cap):
        match = _PREMIUM_ROW.match(text)
        if match is None:
            if rows:
                label.append(number)  # "Bijkomende", "Afzonderlijke": the label of the next numbers
            else:
                header.append(number)
            continue
        first = label[0] if label else number
        text_label = " ".join([*(text_line(b.doc, n).strip() for n in label), match.group("label")]).strip()
        rows.append((" ".join(text_label.split()), first, number, match))
        label = []
        if text_label == "Totaal":
            break
    else:
        raise SourceError(b.doc.path, cap.excerpt.start, "Tabel 13: no 'Totaal' row")
    name = "tabel-13"
    dataset = b.dataset(name, cap)
    context = [cap.excerpt, *b.header(header), *b.year_evidence(13, cap)]
    grants, companies = [], []
    for text_label, first, last, match in rows:
        excerpt = b.doc.excerpt(first, last)
        value = amount(match.group("amount"), "euro", match.group("amount"))
        if text_label == "Totaal":
            instrument = None
            category = None
        elif text_label in PREMIUM_TYPES:
            ident, category = PREMIUM_TYPES[text_label]
            instrument = b.instrument(ident)
        else:
            raise SourceError(b.doc.path, first, f"Tabel 13: unknown premium type {text_label!r}")
        slug = slugify(text_label)
        name_nl = text_label if text_label != "Bijkomende" else "Bijkomende (sluitingspremie)"
        average = match.group("average")
        grant = Fact(f"{slug}-toekenningen", f"{name_nl} {YEAR}: {match.group('grants')} toekenningen, {value.text} euro",
                     [excerpt, *context], count=_count(match.group("grants")), count_unit="awards", amount=value,
                     category=category,
                     average=amount(average, "euro", average) if average else None)
        company = Fact(f"{slug}-ondernemingen", f"{name_nl} {YEAR}: {match.group('companies')} ondernemingen",
                       [excerpt, *context], count=_count(match.group("companies")), count_unit="companies",
                       category=category)
        if text_label == "Bijkomende":
            grant.note = company.note = "In de tekst staat enkel 'Bijkomende'; de toelichting (regel 542-543) noemt de sluitingspremie."
        if text_label == "Totaal":
            grant_node = result(b, dataset, name, instrument, grant)
            company_node = result(b, dataset, name, instrument, company)
            stated_total(b, grant_node, grants)
            stated_total(b, company_node, companies)
        else:
            result(b, dataset, name, instrument, grant)
            result(b, dataset, name, instrument, company)
            grants.append(f"{name}/{grant.slug}")
            companies.append(f"{name}/{company.slug}")
    note = ("Het opschrift zegt 'bedragen in miljoen euro', maar de kolommen 'Steunbedrag in euro' en 'Gemiddeld "
            "steunbedrag' geven bedragen in euro (9.548.000 euro voor 4.774 toekenningen, gemiddeld 2.000 euro).")
    add_table_extent(b.g, b.doc, cap, rows[-1][2], None, note)


# -- Tabel 15 and 26: portfolios ----------------------------------------------------------------------------
_HISTORY = re.compile(r"\b(Gestart|Nieuw|Voortbouwend)\b")
_SUCCESSOR = re.compile(r"Voortbouwend op IBN (?P<name>\S+)")


def _longest_prefix(b: _Builder, words: list[str], kinds: tuple[str, ...]) -> tuple[Entity, int] | None:
    """The entity named by the most leading ``words`` whose types include one of ``kinds``."""
    for n in range(len(words), 0, -1):
        try:
            entity = b.registry.resolve(" ".join(words[:n]))
        except KeyError:
            continue
        if entity.kind == "organisation" and (not kinds or set(entity.types) & set(kinds)):
            return entity, n
    return None


def portfolio_tabel_15(b: _Builder) -> None:
    """Tabel 15: each spearhead cluster with its domain and history (claims with the row as quote)."""
    cap = b.caption(15)
    lines = list(b.body(cap))
    header_line, header = lines[0]
    if header.split() != ["Domein", "Historiek"]:
        raise SourceError(b.doc.path, header_line, f"Tabel 15: expected the header 'Domein Historiek', found {header.strip()!r}")
    rows: list[tuple[int, int]] = []
    for number, text in lines[1:]:
        if rows and text[:1].islower():
            rows[-1] = (rows[-1][0], number)  # "erkend september 2021" continues the Medvia row
        elif _longest_prefix(b, text.split(), ("SpearheadCluster",)):
            rows.append((number, number))
        else:
            break
    if not rows:
        raise SourceError(b.doc.path, cap.excerpt.start, "Tabel 15: no rows")
    g = b.g
    for first, last in rows:
        excerpt = b.doc.excerpt(first, last)
        words = " ".join(excerpt.quote.split()).split(" ")
        found = _longest_prefix(b, words, ("SpearheadCluster",))
        assert found is not None
        entity, n = found
        rest = " ".join(words[n:])
        split = _HISTORY.search(rest)
        if split is None:
            raise SourceError(b.doc.path, first, f"Tabel 15: no history ('Gestart ...', 'Nieuw ...') in {excerpt.quote!r}")
        domain, history = rest[: split.start()].strip(), rest[split.start():].strip()
        cluster = b.node(entity)
        g.claim(cluster, RDF.type, FG.SpearheadCluster, excerpt, cap.excerpt)
        g.claim(cluster, FG.clusterDomain, Literal(domain, language="nl"), excerpt, b.line(header_line))
        g.claim(cluster, FG.clusterHistory, Literal(" ".join(history.split()), language="nl"), excerpt, b.line(header_line))
        successor = _SUCCESSOR.search(history)
        if successor:
            previous = b.entity(successor.group("name"), first)
            g.claim(cluster, FG.successorOf, b.node(previous), excerpt)
    add_table_extent(g, b.doc, cap, rows[-1][1])


_ENDED = re.compile(r"^\s*Afgelopen (\d{4})\s*$")
_EXECUTORS = re.compile(r"\s*[–-]\s+|\s+[–-]\s*")


def portfolio_tabel_26(b: _Builder) -> None:
    """Tabel 26: which organisations executed each innovative business network, and when its support ended."""
    cap = b.caption(26)
    g = b.g
    ended: tuple[int, Excerpt] | None = None
    last = cap.excerpt.end
    header: Excerpt | None = None
    for number, text in b.body(cap):
        group = _ENDED.match(text)
        if group:
            ended = (int(group.group(1)), b.line(number))
            last = number
            continue
        if ended is None:
            if header is not None:
                raise SourceError(b.doc.path, number, f"Tabel 26: a row before 'Afgelopen <year>': {text.strip()!r}")
            header = b.line(number)
            continue
        row = _network_row(b, number, text)
        if row is None:
            break
        network, executors = row
        excerpt = b.line(number)
        for executor in executors:
            g.claim(b.node(network), FG.executedBy, b.node(executor), excerpt, *([header] if header else []))
            g.claim(b.node(executor), FG.executes, b.node(network), excerpt, *([header] if header else []))
        g.claim(b.node(network), FG.supportEndYear, year_literal(ended[0]), excerpt, ended[1], cap.excerpt)
        last = number
    add_table_extent(g, b.doc, cap, last)


def _network_row(b: _Builder, number: int, text: str) -> tuple[Entity, list[Entity]] | None:
    """"IoT4Society – Smart Cities Vlaanderen DSP Valley- Citlylab": the network and its executors, or None."""
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        try:
            network = b.registry.resolve(" ".join(words[:n]))
        except KeyError:
            continue
        if "InnovativeBusinessNetwork" not in network.types:
            continue
        names = [p for p in _EXECUTORS.split(" ".join(words[n:])) if p]
        try:
            executors = [b.registry.resolve(name) for name in names]
        except KeyError:
            continue
        return network, executors
    if _longest_prefix(b, words, ("InnovativeBusinessNetwork",)):
        raise SourceError(b.doc.path, number, f"Tabel 26: executing organisation(s) not in sources/registry: {text.strip()!r}")
    return None


# -- Tabel 16, 17: earmarked funds per cluster -------------------------------------------------------------
def earmarked_tabel_16(b: _Builder) -> list[SimpleRow]:
    """Tabel 16: projects and support (MEUR) per cluster, decided in 2022; the unlabeled last row is the total."""
    cap = b.caption(16)
    header, rows = read_simple_rows(b, cap, _COUNT_MEUR, total="")
    name = "tabel-16"
    dataset = b.dataset(name, cap)
    instrument = b.instrument("geoormerkte-middelen-clusterprojecten")
    context = [cap.excerpt, *header]
    parts = []
    for row in rows:
        assert row.count is not None and row.amount is not None
        value = amount(row.amount, "MEUR", row.amount)
        if row.label:
            entity = b.entity(row.label, row.line)
            fact = Fact(entity.id, f"Geoormerkte middelen {YEAR}, {entity.label['nl']}: {row.count} projecten, {row.amount} MEUR",
                        [row.excerpt, *context], count=int(row.count), count_unit="projects", amount=value,
                        cluster=b.node(entity))
            parts.append(f"{name}/{fact.slug}")
            result(b, dataset, name, instrument, fact)
        else:
            fact = Fact("totaal", f"Geoormerkte middelen {YEAR}, totaal: {row.count} projecten, {row.amount} MEUR",
                        [row.excerpt, *context], count=int(row.count), count_unit="projects", amount=value)
            stated_total(b, result(b, dataset, name, instrument, fact), parts)
    add_table_extent(b.g, b.doc, cap, rows[-1].line, "MEUR")
    return rows


def _is_t17_cell(token: str) -> bool:
    return bool(re.fullmatch(r"[0-9]+(?:,[0-9]+)?", token))


def earmarked_tabel_17(b: _Builder) -> None:
    """Tabel 17: projects and support (MEUR) per cluster and year 2017-2022, with a TOTAAL per year."""
    cap = b.caption(17)
    years: list[int] = []
    lines: list[int] = []
    rows: list[tuple[int, str, tuple[str | None, ...]]] = []
    for number, text in b.body(cap):
        if not years:
            if not re.fullmatch(r"\s*(?:20[0-9]{2}\s+)*20[0-9]{2}\s*", text):
                raise SourceError(b.doc.path, number, f"Tabel 17: expected the years, found {text.strip()!r}")
            years = [int(y) for y in text.split()]
            lines.append(number)
            continue
        try:
            label, cells = split_cells(text, 2 * len(years), _is_t17_cell)
        except ValueError as exc:
            raise SourceError(b.doc.path, number, f"Tabel 17 row: {exc}: {text.strip()!r}") from None
        if cells is None:
            if rows:
                raise SourceError(b.doc.path, number, f"Tabel 17: not a row: {text.strip()!r}")
            lines.append(number)
            continue
        rows.append((number, label, cells))
        if label == "TOTAAL":
            break
    else:
        raise SourceError(b.doc.path, cap.excerpt.start, "Tabel 17: no TOTAAL row")
    name = "tabel-17"
    dataset = b.dataset(name, cap)
    instrument = b.instrument("geoormerkte-middelen-clusterprojecten")
    header = b.header(lines)
    notes = _t17_notes(b, rows[-1][0])
    parts: dict[int, list[str]] = {y: [] for y in years}
    labelled = {b.entity(label, number).id for number, label, _ in rows if label and label != "TOTAAL"}
    for number, label, cells in rows:
        excerpt = b.line(number)
        entity, note, extra = _t17_cluster(b, number, label, cells, years, labelled)
        for i, year in enumerate(years):
            count, value = cells[2 * i], cells[2 * i + 1]
            if count is None and value is None:
                continue
            if count is None or value is None:
                raise SourceError(b.doc.path, number, f"Tabel 17: {year} has a project count or an amount, not both")
            money = amount(value, "MEUR", value)
            year_notes = [e for key, e in notes if key in (str(year), label)]
            evidence = [excerpt, *extra, cap.excerpt, *header, *year_notes]
            if label == "TOTAAL":
                fact = Fact(f"totaal-{year}", f"Clusterprojecten {year}, totaal: {count} projecten, {value} MEUR", evidence,
                            count=int(count), count_unit="projects", amount=money, year=year)
                stated_total(b, result(b, dataset, name, instrument, fact), parts[year])
                continue
            assert entity is not None
            fact = Fact(f"{entity.id}-{year}", f"Clusterprojecten {year}, {entity.label['nl']}: {count} projecten, {value} MEUR",
                        evidence, count=int(count), count_unit="projects", amount=money, year=year,
                        cluster=b.node(entity), note=note)
            result(b, dataset, name, instrument, fact)
            parts[year].append(f"{name}/{fact.slug}")
    last = notes[-1][1].end if notes else rows[-1][0]
    add_table_extent(b.g, b.doc, cap, last, "MEUR",
                     "De rij zonder naam ('5 2,5', enkel in 2022) is Flanders Space: Tabel 16 geeft Flanders Space "
                     "5 projecten en 2,5 MEUR in 2022, op dezelfde plaats tussen VIL en Intercluster.")


def _t17_cluster(b: _Builder, number: int, label: str, cells: tuple[str | None, ...], years: list[int],
                 labelled: set[str]) -> tuple[Entity | None, str | None, list[Excerpt]]:
    """The cluster of a Tabel 17 row; the row without a label is matched to Tabel 16 by its 2022 figures."""
    if label == "TOTAAL":
        return None, None, []
    if label:
        return b.entity(label, number), None, []
    if YEAR not in years:
        raise SourceError(b.doc.path, number, "Tabel 17: a row without a label and no 2022 column to match it")
    i = years.index(YEAR)
    count, value = cells[2 * i], cells[2 * i + 1]
    candidates = [
        (key, fact) for key, fact in b.facts.items()
        if key.startswith("tabel-16/") and fact.cluster is not None and key.split("/")[1] not in labelled
        and count is not None and fact.count == int(count) and fact.amount is not None and fact.amount.number == value
    ]
    if len(candidates) != 1:
        raise SourceError(b.doc.path, number, f"Tabel 17: cannot tell which cluster the row without a label is "
                          f"({len(candidates)} candidates in Tabel 16)")
    key, fact = candidates[0]
    entity = b.registry.get("organisation", key.split("/")[1])
    note = (f"Rij zonder naam in Tabel 17; gelezen als {entity.label['nl']}, want Tabel 16 geeft "
            f"{entity.label['nl']} in {YEAR} {count} projecten en {value} MEUR.")
    return entity, note, [fact.excerpts[0]]


def _t17_notes(b: _Builder, total_line: int) -> list[tuple[str, Excerpt]]:
    """The source line and notes under Tabel 17 ("Bron: ...", "2017: ...", "Intercluster: ...")."""
    notes = []
    for number in range(total_line + 1, min(total_line + 10, b.doc.line_count) + 1):
        text = text_line(b.doc, number)
        match = re.match(r"^\s*(Bron|\d{4}|[A-Z][a-z]+):\s", text)
        if match:
            notes.append((match.group(1), b.line(number)))
        elif text.strip():
            break
    return notes


# -- Tabel 18-25: cluster projects per partner type ---------------------------------------------------------
def partner_tables(b: _Builder) -> None:
    """Tabel 18-25: project partners and granted support per partner type for one cluster (2022)."""
    t16 = b.caption(16)
    for number, ident in PARTNER_TABLES.items():
        cap = b.caption(number)
        entity = b.registry.get(_kind_of(b, ident), ident)
        if not any(n.lower() in cap.title.lower() for n in entity.names):
            raise SourceError(b.doc.path, cap.excerpt.start, f"Tabel {number} is not about {entity.label['nl']}: {cap.title!r}")
        header, rows = read_simple_rows(b, cap, _COUNT_EURO, allow_none=True)
        name = f"tabel-{number}"
        dataset = b.dataset(name, cap)
        instrument = b.instrument("geoormerkte-middelen-clusterprojecten")
        context = [cap.excerpt, *header, *b.year_evidence(number, cap)]
        note = None
        if str(YEAR) not in cap.title and number not in YEAR_EVIDENCE:
            t16_row = b.facts.get(f"tabel-16/{ident}")
            context += [t16.excerpt, *(t16_row.excerpts[:1] if t16_row else [])]
            note = (f"Het jaar staat niet bij de tabel; Tabel 16 ({YEAR}) geeft {entity.label['nl']} hetzelfde bedrag "
                    "op één decimaal in MEUR.")
        parts = []
        for row in rows:
            fact = Fact(slugify(row.label), "", [row.excerpt, *context], count_unit="partners",
                        cluster=b.node(entity), note=note)
            if row.count is None:
                fact.count, fact.amount, fact.original = 0, amount("0", "euro", "/"), "/"
                fact.note = "'/' in de bron: geen projectpartners van dit type."
                what = "geen (/)"
            else:
                assert row.amount is not None
                fact.count, fact.amount = _count(row.count), _euro(row.amount)
                what = f"{row.count} projectpartners, {shown(fact.amount)}"
            fact.label = f"Clusterprojecten {entity.label['nl']} {YEAR}, {row.label.lower()}: {what}"
            if row.label != "Totaal":
                fact.partner = _partner(b, row)
                parts.append(f"{name}/{fact.slug}")
            node = result(b, dataset, name, instrument, fact)
            if row.label == "Totaal":
                stated_total(b, node, parts)
        add_table_extent(b.g, b.doc, cap, rows[-1].line, "euro")
        t16_key = f"tabel-16/{ident}"
        if t16_key in b.facts:
            stated = b.facts[t16_key].amount
            cross_check(b, f"tabel-16-{ident}-tabel-{number}",
                        f"Tabel 16 ({entity.label['nl']}, {stated.text if stated else '?'} MEUR) tegen het totaal van Tabel {number}",
                        t16_key, [f"{name}/totaal"], [cap.excerpt])


def _kind_of(b: _Builder, ident: str) -> str:
    for kind in ("organisation", "group"):
        if (kind, ident) in b.registry.entities:
            return kind
    raise KeyError(ident)


def cross_check_16_17(b: _Builder) -> None:
    """Each cluster's row of Tabel 16 against its 2022 cell in Tabel 17."""
    for key, fact in list(b.facts.items()):
        if not key.startswith("tabel-16/") or fact.cluster is None:
            continue
        ident = key.split("/")[1]
        part = f"tabel-17/{ident}-{YEAR}"
        if part not in b.results:
            raise SourceError(b.doc.path, fact.excerpts[0].start, f"Tabel 17 has no {YEAR} figures for {ident}")
        cross_check(b, f"tabel-16-{ident}-tabel-17", f"Tabel 16 ({ident}) tegen Tabel 17, kolom {YEAR}", key, [part],
                    [b.caption(17).excerpt])


# -- Tabel 27, the Moonshot Kerncijfers and the total in the prose ------------------------------------------
_KEY_FIGURE = re.compile(r"^\s*o (?P<label>[^:]+): (?P<value>.+?)\s*$")
_MOONSHOT_TOTAL = re.compile(r"In totaal werd in (?P<year>\d{4}) voor ca\. (?P<amount>[0-9.,]+ miljoen euro) steun toegekend")


def moonshot_tabel_27(b: _Builder) -> None:
    """Tabel 27 (projects and support in miljoen euro) and the two other totals of the same projects."""
    cap = b.caption(27)
    header, rows = read_simple_rows(b, cap, _COUNT_MEUR)
    name = "tabel-27"
    dataset = b.dataset(name, cap)
    instrument = b.instrument("moonshot")
    context = [cap.excerpt, *header]
    parts = []
    for row in rows:
        assert row.count is not None and row.amount is not None
        value = amount(row.amount, cap.unit or "miljoen euro", row.amount)
        fact = Fact(slugify(row.label), f"Moonshot {YEAR}, {row.label}: {row.count} projecten, {row.amount} miljoen euro",
                    [row.excerpt, *context], count=int(row.count), count_unit="projects", amount=value)
        if row.label != "Totaal":
            fact.category = row.label
            parts.append(f"{name}/{fact.slug}")
            result(b, dataset, name, instrument, fact)
        else:
            stated_total(b, result(b, dataset, name, instrument, fact), parts)
    add_table_extent(b.g, b.doc, cap, rows[-1].line)
    _key_figures(b, dataset, name, instrument, rows[-1].line, parts)
    _prose_total(b, dataset, name, instrument, cap, parts)


def _key_figures(b: _Builder, dataset: NamedNode, name: str, instrument: NamedNode, after: int, parts: list[str]) -> None:
    """"Kerncijfers:" under Tabel 27: counts and euro amounts; the project count and the total amount total Tabel 27."""
    lines = [(n, t) for n, t in ((n, text_line(b.doc, n)) for n in range(after + 1, min(after + 12, b.doc.line_count) + 1)) if t.strip()]
    if not lines or lines[0][1].strip() != "Kerncijfers:":
        raise SourceError(b.doc.path, after, "no 'Kerncijfers:' list under Tabel 27")
    intro = b.line(lines[0][0])
    figures: dict[str, tuple[int, str]] = {}
    for number, text in lines[1:]:
        match = _KEY_FIGURE.match(text)
        if not match:
            break
        figures[match.group("label")] = (number, match.group("value"))
    expected = ("Aantal gesteunde kennisinstellingen", "Steun aan kennisinstellingen", "Aantal gesteunde projecten",
                "Totaal steunbedrag")
    if tuple(figures) != expected:
        raise SourceError(b.doc.path, intro.start, f"Kerncijfers: expected {expected}, found {tuple(figures)}")
    line, text = figures["Aantal gesteunde kennisinstellingen"]
    result(b, dataset, name, instrument, Fact("kerncijfers-kennisinstellingen", f"Moonshot {YEAR}: {text} gesteunde kennisinstellingen",
                                            [b.line(line), intro], count=int(text), count_unit="institutions",
                                            partner="knowledge-institution"))
    line, text = figures["Steun aan kennisinstellingen"]
    result(b, dataset, name, instrument, Fact("kerncijfers-steun-kennisinstellingen", f"Moonshot {YEAR}: steun aan kennisinstellingen {text}",
                                            [b.line(line), intro], amount=parse_amount(text), partner="knowledge-institution"))
    p_line, p_text = figures["Aantal gesteunde projecten"]
    a_line, a_text = figures["Totaal steunbedrag"]
    fact = Fact("kerncijfers-totaal", f"Moonshot {YEAR}: {p_text} gesteunde projecten, totaal steunbedrag {a_text}",
                [b.line(p_line), b.line(a_line), intro], count=int(p_text), count_unit="projects", amount=parse_amount(a_text))
    stated_total(b, result(b, dataset, name, instrument, fact), parts)


def _prose_total(b: _Builder, dataset: NamedNode, name: str, instrument: NamedNode, cap: Caption, parts: list[str]) -> None:
    """"In totaal werd in 2022 voor ca. 17.6 miljoen euro steun toegekend" (above Tabel 27)."""
    section = b.structure.innermost(cap.excerpt.start)
    start = section.start if section else 1
    for number in range(start, cap.excerpt.start):
        match = _MOONSHOT_TOTAL.search(text_line(b.doc, number))
        if match:
            fact = Fact("tekst-totaal", f"Moonshot {match.group('year')}: ca. {match.group('amount')} steun toegekend",
                        [b.doc.excerpt(number, number, match.group(0))], amount=parse_amount(match.group("amount")),
                        year=int(match.group("year")), note="'ca.' in de bron: een afgerond bedrag.")
            stated_total(b, result(b, dataset, name, instrument, fact), parts)
            return
    raise SourceError(b.doc.path, cap.excerpt.start, "no sentence 'In totaal werd in ... voor ca. ... miljoen euro steun toegekend' before Tabel 27")


# -- Figuur 26: Gigarant ---------------------------------------------------------------------------------
def gigarant_figuur_26(b: _Builder) -> None:
    """Figuur 26: the three cumulative series 2009-2022 of Gigarant, read from the flattened chart."""
    cap = b.caption(26, "Figuur")
    legend = " ".join(s[1] for s in GIGARANT_SERIES)
    numbers: list[tuple[int, str]] = []
    years: list[int] = []
    years_line = legend_line = 0
    for number, text in b.body(cap):
        if " ".join(text.split()) == legend:
            legend_line = number
            break
        tokens = text.split()
        if not all(t.isdigit() for t in tokens):
            raise SourceError(b.doc.path, number, f"Figuur 26: unexpected text in the chart: {text.strip()!r}")
        if len(tokens) > 1 and all(2000 <= int(t) <= 2100 for t in tokens):
            years, years_line = [int(t) for t in tokens], number
            continue
        numbers.extend((number, t) for t in tokens)
    if not legend_line or not years:
        raise SourceError(b.doc.path, cap.excerpt.start, "Figuur 26: no years line or no legend")
    size = len(years) * len(GIGARANT_SERIES)
    series, ticks = numbers[:size], [int(t) for _, t in numbers[size:]]
    if not _two_axes(ticks):
        raise SourceError(b.doc.path, numbers[size][0] if size < len(numbers) else cap.excerpt.start,
                          f"Figuur 26: after {size} values expected the two axes' tick labels, found {ticks}")
    dataset = b.dataset("figuur-26", cap, "Gigarant: cumulatieve waarborgbedragen, kredietbedragen en verbintenissen 2009-2022")
    instrument = b.instrument("gigarant")
    context = [b.line(years_line), b.line(legend_line), cap.excerpt]
    for s, (slug, label, measure, unit) in enumerate(GIGARANT_SERIES):
        values = series[s * len(years):(s + 1) * len(years)]
        if any(int(a[1]) > int(c[1]) for a, c in pairwise(values)):
            raise SourceError(b.doc.path, values[0][0], f"Figuur 26: the series '{label}' decreases: it is not cumulative")
        for year, (line, text) in zip(years, values, strict=True):
            fact = Fact(f"{slug}-{year}", f"Gigarant, {label} {years[0]}-{year}: {text}{' ' + unit if unit else ''}",
                        [b.doc.excerpt(line, line, text), *context], year=year, period=(years[0], year))
            if unit:
                fact.amount, fact.amount_type = amount(text, unit, text), measure
            else:
                fact.count, fact.count_unit = int(text), measure
            result(b, dataset, "figuur-26", instrument, fact)


def _two_axes(ticks: list[int]) -> bool:
    """Two runs of evenly spaced tick labels, each starting at 0."""
    starts = [i for i, t in enumerate(ticks) if t == 0]
    if len(starts) != 2 or starts[0] != 0:
        return False
    for run in (ticks[: starts[1]], ticks[starts[1]:]):
        steps = {b - a for a, b in pairwise(run)}
        if len(run) < 2 or len(steps) != 1:
            return False
    return True


# -- entry point --------------------------------------------------------------------------------------------
def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Tabel 9-27 and Figuur 26 of every Speurgids document."""
    for doc in sources.of_kind("speurgids"):
        b = _Builder(g, doc, registry, read_structure(doc))
        count_amount_table(b, 9, "strategische-transformatiesteun", "dossiers", "partner",
                           "Strategische Transformatiesteun",
                           "Het opschrift zegt 'volgens provinciale verdeling', maar de rijen zijn ondernemingsgroottes "
                           "(GO grote, MO middelgrote, KO kleine onderneming).")
        count_amount_table(b, 10, "kmo-portefeuille", "applications", "service", "Kmo-portefeuille",
                           "De kolom heet 'Aantal projecten'; het opschrift en de tekst (regel 441-442) spreken van steunaanvragen.")
        conditions_tabel_11(b)
        count_amount_table(b, 12, "kmo-groeisubsidie", "projects", "partner", "Kmo-groeisubsidie")
        premiums_tabel_13(b)
        conditions_tabel_14(b)
        portfolio_tabel_15(b)
        earmarked_tabel_16(b)
        earmarked_tabel_17(b)
        cross_check_16_17(b)
        partner_tables(b)
        portfolio_tabel_26(b)
        moonshot_tabel_27(b)
        gigarant_figuur_26(b)

