"""Tabel 8 of the Speurgids, the budget lines of the economic policy 2018BA-2023BO, as a W3C Data Cube.

The PDF extraction flattened the table: a row's label may run over several lines, its numbers follow on
the label's last line or alone on a later line, and the page header "Maatregel 2018BA ..." repeats at page
breaks. Cells are separated by one space and every further space stands for an empty cell (after the one
trailing space most lines end with): ``"Project ondernemingsvriendelijke gemeente       0,00 1,22 1,22 0,00"``
fills the last four columns. A row with all its values needs no spacing, and a label followed by two
spaces ("hogescholen  0,32 ...") does not shift the values: empty cells that would overflow the row are
dropped from its start. A row that does not fit the columns stops the load with file and line.

Rows "1." to "10." are chapter subtotals (theme from "(zie hoofdstuk N)"), :data:`GROUPS` are the two
unnumbered group subtotals, "TOTAAL" is the sum of chapters and groups. Every cell is a ``qb:Observation``
in euro citing its row; subtotal cells are also ``fg:StatedTotal`` of the cells of their lines in the same
column, so the load-time reconciliation shows where the source does not add up. Which lines fund which
instrument is the table :data:`INSTRUMENTS` in this module: keyed by the row label exactly as written,
claimed with that label as quote, and a label that no longer occurs stops the load.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import (
    DCTERMS,
    FG,
    INTERVAL_YEAR,
    OBEU_DIM,
    OBEU_MEASURE,
    QB,
    concept,
    slugify,
)
from loaders.graph import GraphBuilder, short_hash, year_literal
from loaders.numbers import Amount, amount, scan_amounts
from loaders.registry import Registry
from loaders.sourcetext import Excerpt, SourceDocument, SourceError, SourceSet
from loaders.speurgids_structure import (
    THEMES,
    Caption,
    add_table_extent,
    caption_iri,
    read_structure,
    text_line,
)

TABLE_NUMBER = 8
DATASET = "tabel-8"
UNIT = "miljoen euro"
#: Half a unit of the last written digit (0,005 miljoen euro), per part of a subtotal, in euro.
TOLERANCE_PER_PART = Decimal(5000)

#: Unnumbered group subtotals: each totals the rows after it up to the next group or TOTAAL.
GROUPS = ("Vlaamse Veerkracht", "Tijdelijk crisiskader")
TOTAL_LABEL = "TOTAAL"

#: Row label as written (whitespace collapsed) -> the registry instruments that row funds. Only rows that
#: clearly are the instrument (or its fee or cost line that the prose counts in its budget).
INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "Kmo-portefeuille": ("kmo-portefeuille",),
    "Strategische Transformatiesteun (STS)": ("strategische-transformatiesteun",),
    "Kmo-groeisubsidie": ("kmo-groeisubsidie",),
    "Screen Flanders (steun aan audiovisuele sector)": ("screen-flanders",),
    # 002:582-583: the 3,75 miljoen euro budget of Screen Flanders includes 250.000 euro for the VAF.
    "Vergoeding aan het Vlaams Audiovisueel Fonds voor taken i.k.v. Screen Flanders": ("screen-flanders",),
    # "Ondernemerschapsbevordering: 81 miljoen euro" (002:155) is this chapter (80,95 in 2023BO).
    "2. Het ondernemerschap bevorderen (zie hoofdstuk 2)": ("ondernemerschapsbevordering",),
    "Initiatieven ter bevordering van het ondernemerschap (financiering partnerorganisaties)": (
        "initiatieven-ondernemerschap",
    ),
    "Project ondernemingsvriendelijke gemeente": ("project-ondernemingsvriendelijke-gemeente",),
    "Innovatieve starterssteun": ("innovatieve-starterssteun",),
    "Ondernemerschapstrajecten Syntra": ("ondernemersvorming-syntra",),
    "Uitgaven voor de aanleg van bedrijventerreinen en voor de heringebruikname van industriële sites": (
        "subsidies-bedrijventerreinen",
    ),
    "Sanering en herontwikkeling Ford-site (via steun aan De Scheepvaart)": ("herontwikkeling-ford-site",),
    "Steun aan De Scheepvaart in kader van sanering en herontwikkeling Ford-site": ("herontwikkeling-ford-site",),
    "Beheer researchpark Zellik": ("beheer-researchpark-zellik",),
    "Werkingskredieten Flanders Investment and Trade (FIT)": ("fit-werkingsmiddelen",),
    "Subsidies ter bevordering van internationaal ondernemen": ("fit-subsidies-internationaal-ondernemen",),
    "Compensatie voor indirecte emissiekosten (carbon leakage) van energie-intensieve bedrijfstakken": (
        "compensatie-indirecte-emissiekosten",
    ),
    # The umbrella "Ecologiesteun" of the 2023 list (002:157) covers Ecologiepremie Plus and strategische
    # ecologiesteun (chapter 6, A).
    "Ecologiesteun (-20% beschouwd als O&O; opgenomen in deel 2)": (
        "ecologiesteun",
        "ecologiepremie-plus",
        "strategische-ecologiesteun",
    ),
    "OVAM – Vlaanderen Circulair": ("vlaanderen-circulair",),
    "Hinderpremie (vanaf juli 2017)": ("hinderpremie",),
    "Rentetoelagen als gevolg van hinder door openbare werken (uitdovend, nieuwe Hinderpremie in voege per juli 2017)": (
        "rentetoelage-hinder",
    ),
    "Inkomenscompensatie als gevolg van hinder door openbare werken": ("inkomenscompensatie-hinder",),
    "Uitgaven voor de verliesfinanciering waarborgregeling van PMV": ("waarborgregeling",),
    "Subsidie aan Limburg Sterk Merk (LSM) vanuit winstuitkering LRM": ("subsidie-limburg-sterk-merk",),
    "Fiscale minderinkomsten federale overheid in het kader van de winwinlening (artikel 132 decreet)": (
        "winwinlening",
    ),
    "Beheervergoeding Waarborgregeling": ("waarborgregeling",),
    "European Fund for Strategic Investments (EFSI)": ("efsi",),
    "Beheersvergoeding voor PMV voor Win-Win lening": ("winwinlening",),
    "Handelshuurlening en heropstartlening": ("handelshuurlening",),
    "Vlaamse Veerkracht": ("vlaamse-veerkracht",),
    "Energiesteun": ("energiesteun",),
}

_HEADER = re.compile(r"^\s*Maatregel((?: [0-9]{4}B[AO])+)\s*$")
_CELL = re.compile(r"[0-9]+,[0-9]+|[0-9]+\.[0-9]+")
_CHAPTER = re.compile(r"^(\d+)\.\s+(.*?)\s*$")
_SEE_CHAPTER = re.compile(r"\s*\(zie\s+hoofdstuk\s+(\d+)\)\s*$")


@dataclass(frozen=True)
class Column:
    year: int
    phase: str  #: ``BO`` (begrotingsopmaak) or ``BA`` (begrotingsaanpassing)

    @property
    def code(self) -> str:
        return f"{self.year}{self.phase}"


@dataclass(frozen=True)
class Row:
    """One row of Tabel 8: its label, its cells (``None`` for empty) and where it stands."""

    order: int  #: 1-based position in the table
    label: str  #: whitespace collapsed
    cells: tuple[str | None, ...]
    excerpt: Excerpt  #: the whole row, label and numbers
    label_excerpt: Excerpt  #: the label as written (its lines)
    header: Excerpt  #: the column header in force (it repeats on every page)
    kind: str = "line"  #: ``line``, ``chapter``, ``group`` or ``total``
    chapter: int | None = None  #: the "N." of a chapter row (and of the lines under it)
    theme_chapter: int | None = None  #: the N of "(zie hoofdstuk N)"
    parent: int | None = None  #: ``order`` of the chapter, group or total row this row adds up to

    @property
    def values(self) -> list[tuple[int, str]]:
        return [(i, c) for i, c in enumerate(self.cells) if c is not None]


@dataclass(frozen=True)
class Table:
    caption: Caption
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    @property
    def end(self) -> int:
        return self.rows[-1].excerpt.end


def parse_header(text: str) -> tuple[Column, ...] | None:
    """The columns of a header line ``"Maatregel 2018BA 2019BO ..."``, or None if it is no header."""
    match = _HEADER.match(text)
    if not match:
        return None
    return tuple(Column(int(code[:4]), code[4:]) for code in match.group(1).split())


def is_cell(token: str) -> bool:
    """A Tabel 8 value: a decimal number, with a comma or (in the EFSI row) a point."""
    return bool(_CELL.fullmatch(token))


def split_cells(text: str, columns: int, value: Callable[[str], bool] = is_cell) -> tuple[str, tuple[str | None, ...] | None]:
    """Split one line into its label part and its ``columns`` cells (None when the line has no numbers).

    ``value`` tells a cell from a label word (default: a decimal number, as in Tabel 8).

    :raises ValueError: when the numbers do not fit the columns.
    """
    line = text[:-1] if text.endswith(" ") else text
    tokens = line.split(" ")
    k = len(tokens)
    while k > 0 and (tokens[k - 1] == "" or value(tokens[k - 1])):
        k -= 1
    label, cells = " ".join(tokens[:k]), tokens[k:]
    values = [c for c in cells if c]
    if not values:
        return text.strip(), None
    if len(values) == columns:
        return label.strip(), tuple(values)  # a full row: spacing does not matter
    while len(cells) > columns and cells[0] == "":
        cells = cells[1:]  # "hogescholen  0,32": a label followed by two spaces, not an empty first column
    if len(cells) != columns:
        raise ValueError(
            f"{len(values)} value(s) in {len(cells)} cell positions where the table has {columns} columns: "
            f"cannot tell which columns they are in"
        )
    return label.strip(), tuple(c or None for c in cells)


def read_table(doc: SourceDocument) -> Table:
    """Tabel 8 of ``doc``: its columns and rows, each row's role, chapter and parent.

    :raises SourceError: naming the file and line of a row that does not parse, or if the table is missing.
    """
    structure = read_structure(doc)
    try:
        cap = structure.caption("Tabel", TABLE_NUMBER)
    except KeyError:
        raise SourceError(doc.path, None, f"no caption 'Tabel {TABLE_NUMBER}' found") from None
    rows, columns = _read_rows(doc, cap)
    return Table(cap, columns, tuple(_roles(doc, rows)))


def _read_rows(doc: SourceDocument, cap: Caption) -> tuple[list[Row], tuple[Column, ...]]:
    columns: tuple[Column, ...] | None = None
    header: Excerpt | None = None
    pending: list[tuple[int, str]] = []  # label lines waiting for their numbers
    rows: list[Row] = []
    for number in range(cap.excerpt.end + 1, doc.line_count + 1):
        text = text_line(doc, number)
        if not text.strip():
            continue
        found = parse_header(text)
        if found is not None:
            if columns is not None and found != columns:
                raise SourceError(doc.path, number, "the repeated column header differs from the first one")
            columns, header = found, doc.excerpt(number)
            continue
        if columns is None or header is None:
            raise SourceError(doc.path, number, "a row before the column header 'Maatregel 2018BA ...'")
        try:
            label, cells = split_cells(text, len(columns))
        except ValueError as exc:
            raise SourceError(doc.path, number, f"Tabel {TABLE_NUMBER} row: {exc}: {text.strip()!r}") from None
        if cells is None:
            if label.isdigit():
                raise SourceError(doc.path, number, f"a stray number {label!r} inside Tabel {TABLE_NUMBER}")
            pending.append((number, label))
            continue
        if label:
            pending.append((number, label))
        if not pending:
            raise SourceError(doc.path, number, f"numbers without a row label: {text.strip()!r}")
        rows.append(_row(doc, len(rows) + 1, pending, number, cells, header))
        pending = []
        if rows[-1].label == TOTAL_LABEL:
            return rows, columns
    raise SourceError(doc.path, cap.excerpt.start, f"Tabel {TABLE_NUMBER} has no '{TOTAL_LABEL}' row")


def _row(doc: SourceDocument, order: int, label_lines: list[tuple[int, str]], last: int,
         cells: tuple[str | None, ...], header: Excerpt) -> Row:
    first, label_end = label_lines[0][0], label_lines[-1][0]
    lines = doc.lines[first - 1 : label_end]
    # The label as written: its lines up to where the last one's label part ends.
    quote_lines = [*lines[:-1], label_lines[-1][1]]
    quote = "\n".join(quote_lines).strip()
    label = " ".join(" ".join(text for _, text in label_lines).split())
    return Row(
        order=order,
        label=label,
        cells=cells,
        excerpt=doc.excerpt(first, last),
        label_excerpt=doc.excerpt(first, label_end, quote),
        header=header,
    )


def _roles(doc: SourceDocument, rows: list[Row]) -> list[Row]:
    """Mark chapters, groups and the total, and give every row the subtotal it adds up to."""
    out: list[Row] = []
    chapter: Row | None = None
    group: Row | None = None
    total_order = rows[-1].order
    for row in rows:
        if row.label == TOTAL_LABEL:
            out.append(_replace(row, kind="total"))
            continue
        match = _CHAPTER.match(row.label)
        if match:
            see = _SEE_CHAPTER.search(match.group(2))
            chapter = _replace(row, kind="chapter", chapter=int(match.group(1)),
                               theme_chapter=int(see.group(1)) if see else None, parent=total_order)
            group = None
            out.append(chapter)
        elif row.label in GROUPS:
            group, chapter = _replace(row, kind="group", parent=total_order), None
            out.append(group)
        elif group is not None:
            out.append(_replace(row, parent=group.order))
        elif chapter is not None:
            out.append(_replace(row, parent=chapter.order, chapter=chapter.chapter, theme_chapter=chapter.theme_chapter))
        else:
            raise SourceError(doc.path, row.excerpt.start, f"row {row.label!r} comes before the first chapter")
    return out


def _replace(row: Row, **changes: object) -> Row:
    return replace(row, **changes)  # type: ignore[arg-type]


# -- graph ------------------------------------------------------------------------------------------------
def line_slug(row: Row, seen: dict[str, int]) -> str:
    """Readable slug of a row; a label seen before gets ``-2``, ``-3`` (two rows share one label)."""
    if row.kind == "total":
        base = "totaal"
    else:
        label = _SEE_CHAPTER.sub("", row.label)
        words = slugify(label).split("-")
        base = "-".join(words[:10])
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}-{seen[base]}"


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Tabel 8 as the data set ``<base>id/dataset/tabel-8``: budget lines, observations, stated totals."""
    for doc in sources.of_kind("speurgids"):
        table = read_table(doc)
        _check_mapping(doc, table)
        add_table_extent(g, doc, table.caption, table.end)
        _cube(g, doc, table, registry)


def _check_mapping(doc: SourceDocument, table: Table) -> None:
    labels = {r.label for r in table.rows}
    missing = [label for label in INSTRUMENTS if label not in labels]
    if missing:
        raise SourceError(doc.path, table.caption.excerpt.start,
                          f"loaders/tabel8.py INSTRUMENTS names rows that Tabel {TABLE_NUMBER} lacks: {missing}")


def _cube(g: GraphBuilder, doc: SourceDocument, table: Table, registry: Registry) -> None:
    dataset = g.iri("dataset", DATASET)
    g.typed(dataset, QB.DataSet)
    g.add(dataset, QB.structure, FG.budgetStructure)
    g.add(dataset, DCTERMS.title, Literal(table.caption.title, language="nl"))
    g.add(dataset, DCTERMS.source, g.document(doc))
    g.add(dataset, FG.sourceTable, caption_iri(g, doc, table.caption))
    g.label(dataset, f"Tabel {TABLE_NUMBER}: budgettaire maatregelen voor het economisch beleid 2018-2023")
    g.cite(dataset, table.caption.excerpt)
    seen: dict[str, int] = {}
    lines: dict[int, NamedNode] = {}
    observations: dict[tuple[int, int], NamedNode] = {}
    for row in table.rows:
        lines[row.order] = g.iri("budget-line", DATASET, line_slug(row, seen))
    for row in table.rows:
        line = lines[row.order]
        _line(g, row, line, lines, registry)
        for index, text in row.values:
            observations[row.order, index] = _observation(g, dataset, row, line, table.columns[index], text)
    for row in table.rows:
        if row.kind == "line":
            continue
        parts = [r for r in table.rows if r.parent == row.order]
        for index, _ in row.values:
            node = observations[row.order, index]
            found = [observations[p.order, index] for p in parts if (p.order, index) in observations]
            g.typed(node, FG.StatedTotal)
            for part in found:
                g.add(node, FG.hasPart, part)
            g.add(node, FG.roundingTolerance, TOLERANCE_PER_PART * len(found))
    for row in table.rows:
        if row.theme_chapter in THEMES:
            chapter = next(r for r in table.rows if r.chapter == row.chapter and r.kind == "chapter")
            g.claim(lines[row.order], FG.theme, concept("theme", THEMES[row.theme_chapter]), chapter.label_excerpt)


def _line(g: GraphBuilder, row: Row, line: NamedNode, lines: dict[int, NamedNode], registry: Registry) -> None:
    g.typed(line, FG.BudgetLine)
    label = _CHAPTER.sub(r"\2", row.label) if row.kind == "chapter" else row.label
    g.label(line, _SEE_CHAPTER.sub("", label))
    g.add(line, FG.lineKind, concept("line-kind", row.kind))
    g.add(line, FG.rowOrder, row.order)
    if row.chapter is not None:
        g.add(line, FG.chapterNumber, row.chapter)
    if row.parent is not None:
        g.add(line, FG.partOfLine, lines[row.parent])
    g.cite(line, row.label_excerpt)
    for ident in INSTRUMENTS.get(row.label, ()):
        instrument = registry.get("instrument", ident).iri(g.data)
        g.claim(line, FG.fundsInstrument, instrument, row.label_excerpt)
        g.add(instrument, FG.budgetLine, line)
    for _, _, stated in scan_amounts(row.label):
        _label_amount(g, row, line, stated)


def _label_amount(g: GraphBuilder, row: Row, line: NamedNode, stated: Amount) -> None:
    """A money figure inside a label ("recurrente opstap van 195 miljoen euro in 2017") as a statement."""
    node = g.iri("statement", DATASET, f"{line.value.rsplit('/', 1)[-1]}-{short_hash(stated.text)}")
    g.typed(node, FG.Statement)
    g.add(node, FG.about, line)
    g.add(node, FG.statementType, concept("statement-type", "explanation"))
    g.money(node, stated)
    years = re.findall(r"\b(20[0-9]{2})\b", row.label)
    if years:
        g.add(node, FG.year, year_literal(years[-1]))
    g.label(node, f"{row.label}: {stated.text}")
    g.cite(node, row.label_excerpt)


def _observation(g: GraphBuilder, dataset: NamedNode, row: Row, line: NamedNode, column: Column, text: str) -> NamedNode:
    node = g.iri("observation", DATASET, line.value.rsplit("/", 1)[-1], column.code.lower())
    g.typed(node, QB.Observation, FG.BudgetObservation)
    g.add(node, QB.dataSet, dataset)
    g.add(node, FG.budgetLine, line)
    g.add(node, OBEU_DIM.fiscalYear, INTERVAL_YEAR[str(column.year)])
    g.add(node, FG.year, year_literal(column.year))
    g.add(node, OBEU_DIM.budgetPhase, concept("budget-phase", column.phase))
    value = amount(text, UNIT, text)
    g.money(node, value)
    g.add(node, OBEU_MEASURE.amount, value.value)
    g.add(node, FG.amountType, concept("amount-type", "budgeted"))
    g.label(node, f"{_SEE_CHAPTER.sub('', row.label)} {column.code}: {text} {UNIT}")
    g.cite(node, row.excerpt, row.header)
    return node
