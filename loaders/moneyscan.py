"""Find every money figure in a source text: amounts with a unit in prose, and the cells of money tables.

This is the reference list that ``fundinggraph coverage`` holds the graph against, so it shares nothing
with the loaders but the Dutch number notation of :mod:`loaders.numbers`. Prose is scanned a paragraph
at a time, so "58 \\nmiljoen euro" across a line break is found. Tables are found from their own captions
or header lines (:data:`TABLES`) with their own column rules: which cells hold money and in which unit.
Numbers that are no money figure (years, counts, percentages, page numbers, the "Aantal" columns) are
not listed; the values of the Figuur 26 chart are listed apart as :data:`CHART` and are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from decimal import Decimal

from loaders.numbers import scan_amounts, to_euro
from loaders.sourcetext import SourceSet

PROSE = "prose"
TABLE = "table"
CHART = "chart"

#: Above ten thousand billion euro a "figure" is two numbers the PDF extraction ran together
#: ("bijna 392470 miljard euro" is the old 392 and the new 470 of a tracked change): no value.
IMPLAUSIBLE = Decimal(10) ** 13

UNITLESS_EURO = "no unit in the source: a table of subsidy amounts, counted as euro"


@dataclass(frozen=True)
class Mention:
    """One money figure of a source document: where it is, the text as written and its euro value."""

    file: str  #: file name, e.g. ``002_10242594fcc9f4a0.txt``
    line: int  #: 1-based line where the text starts
    end_line: int  #: line where it ends (a figure may run across a line break)
    column: int  #: 0-based column on ``line`` where the text starts
    text: str  #: as written, whitespace collapsed to single spaces
    value: Decimal | None  #: exact euro value; None when garbled or unparseable
    kind: str  #: :data:`PROSE`, :data:`TABLE` or :data:`CHART` (charts are not counted)
    table: str | None = None  #: the table or chart it is a cell of
    area: str = ""  #: where in the document (table, chapter): to route uncovered figures
    note: str = ""  #: how it was read when that is not obvious

    @property
    def counted(self) -> bool:
        return self.kind != CHART


@dataclass(frozen=True)
class TableSpec:
    """Where a money table is and which of its cells are money, in which unit."""

    name: str
    document: str  #: document key (file name prefix)
    start: str  #: regex of the caption or header line; the rows follow it
    end: str  #: regex of the last row (or, with ``inclusive=False``, of the line after the table)
    unit: str  #: unit of a cell that shows none
    columns: str  #: "last", "all", "decimal", "odd", "after-first" or column indices such as "2,3"
    min_numbers: int = 1  #: rows with fewer numbers are headers ("Beslist in 2022"), not data
    inclusive: bool = True
    kind: str = TABLE
    note: str = ""


_PER_PARTNER = r"^\s*Totaal "
TABLES: tuple[TableSpec, ...] = (
    # 002: the Speurgids. Tabel 8 spans page breaks; only its decimal cells are figures, the label
    # "(artikel 132 decreet)" is not, and "195 miljoen euro" in a label is a prose figure.
    TableSpec("Tabel 8", "002", r"^Tabel 8 Overzicht", r"^TOTAAL ", "miljoen euro", "decimal"),
    TableSpec("Tabel 9", "002", r"^Tabel 9 Strategische", _PER_PARTNER, "euro", "last", 2),
    TableSpec("Tabel 10", "002", r"^Tabel 10 Kmo-portefeuille", _PER_PARTNER, "euro", "last", 2),
    TableSpec("Tabel 11", "002", r"^\s*Tabel 11 Kmo-groeisubsidie", r"^Subsidieplafond ", "euro", "all"),
    TableSpec("Tabel 12", "002", r"^Tabel 12 Kmo-groeisubsidie", _PER_PARTNER, "euro", "last", 2),
    TableSpec(
        "Tabel 13", "002", r"^Tabel 13 Aantal", _PER_PARTNER, "euro", "2,3", 3,
        note="the caption says miljoen euro, but the columns Steunbedrag and Gemiddeld steunbedrag hold euro",
    ),
    TableSpec("Tabel 16", "002", r"^Tabel 16 Benutting", r"^Naast de projectgeneratie", "MEUR", "last", 2,
              inclusive=False),
    TableSpec("Tabel 17", "002", r"^Tabel 17 Evolutie", r"^TOTAAL ", "MEUR", "odd", 2),
    *(TableSpec(f"Tabel {n}", "002", rf"^Tabel {n} Overzicht", _PER_PARTNER, "euro", "last", 2) for n in range(18, 26)),
    TableSpec("Tabel 27", "002", r"^Tabel 27 Aantal", _PER_PARTNER, "miljoen euro", "last", 2),
    TableSpec("Figuur 26", "002", r"^Figuur 26 Gigarant", r"^cumulatief waarborgbedrag", "miljoen euro", "all",
              inclusive=False, kind=CHART, note="chart value, not a table cell: not counted"),
    # 001: three tables of subsidies without a unit; each ends with its total on a line of its own.
    TableSpec("Toegekende Steun 2023", "001", r"^Jaar Naam Toegekende Steun", r"^\s*[0-9.]+\s*$", "euro", "last",
              note=UNITLESS_EURO),
    TableSpec("Betaalde Steun Verwacht 2024", "001", r"^Jaar Naam Betaalde Steun Verwacht", r"^\s*[0-9.]+\s*$",
              "euro", "last", note=UNITLESS_EURO),
    TableSpec("Totaal toegekende Steun (meerjarig)", "001", r"^toegekende Steun\s*$", r"^\s*[0-9.]+\s*$", "euro",
              "last", note=UNITLESS_EURO),
    # 004: VAK/VEK credits per year; "(2)" and "(3)" are footnote marks, "n.v.t." is no figure.
    TableSpec("VAK/VEK", "004", r"^VAK budget VEK budget", r"^2018 ", "euro", "after-first"),
)

_NUM = r"[0-9]{1,3}(?:\.[0-9]{3})+(?:,[0-9]+)?|[0-9]+,[0-9]+|[0-9]+\.[0-9]+|[0-9]+"
#: A cell: a number standing alone, with a unit of its own before ("€ 8.473.038,00") or after
#: ("1.197.922 €", "25.000 euro"); a "€" followed by a number belongs to that number.
CELL_RE = re.compile(
    rf"(?<!\S)(?:(?P<pre>€)\s?(?P<num1>{_NUM})|(?P<num2>{_NUM})(?P<post>\s?€(?!\s?[0-9])|\s(?:euro|EUR))?)(?!\S)"
)
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")
_DECIMAL_CELL = re.compile(r"[0-9]+,[0-9]+|0\.[0-9]+")
# "in 2016 en 2017 resp. 145,585 mln euro": the years are no figures, so only the written-out word counts.
_RESPECTIVELY = re.compile(rf"(?<![0-9])(?<![0-9][.,])(?P<num>{_NUM})\s+respectievelijk\s+$")
_WORDS = {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8,
          "negen": 9, "tien": 10, "honderd": 100}
_WORD_AMOUNT = re.compile(rf"(?<!\w)(?P<word>{'|'.join(_WORDS)})\s+(?P<unit>miljoen|miljard)\s+(?:euro|EUR)(?!\w)",
                          re.IGNORECASE)
_UNIT_STATEMENT = re.compile(r"\(\s*in\s+$")  # "(in 1000 euro)" states a unit, it is no figure
_CHAPTER = re.compile(r"^\s*(Hoofdstuk [0-9]+)\s*$")


class TableNotFound(ValueError):
    """A table of :data:`TABLES` is not where its caption says: the source or the spec changed."""


def scan_sources(sources: SourceSet) -> list[Mention]:
    """Every money mention (and chart value) of every document, sorted by file, line and column."""
    found: list[Mention] = []
    for doc in sources.documents:
        found.extend(scan_text(doc.path.name, doc.text, doc.key))
    return found


def scan_text(file: str, text: str, key: str | None = None) -> list[Mention]:
    """Every money mention of one document; ``key`` (default: the file name prefix) selects its tables."""
    key = key if key is not None else file.split("_", 1)[0]
    lines = text.split("\n")
    cells = [c for spec in TABLES if spec.document == key for c in _table_cells(file, lines, spec)]
    prose = [m for m in _prose(file, lines) if not any(_overlaps(m, c) for c in cells)]
    areas = _chapters(lines)
    found = [m if m.area else replace(m, area=areas[m.line - 1]) for m in [*prose, *cells]]
    return sorted(found, key=lambda m: (m.file, m.line, m.column))


# -- prose --------------------------------------------------------------------------------------------
def _paragraphs(lines: list[str]) -> Iterator[tuple[str, list[tuple[int, int]]]]:
    """Each run of non-blank lines as one string with whitespace collapsed, and the (line, column) of each
    character, so a figure broken over two lines is read whole."""
    flat: list[str] = []
    where: list[tuple[int, int]] = []
    for number, line in enumerate([*lines, ""], start=1):
        if not line.strip():
            if flat:
                yield "".join(flat), where
            flat, where = [], []
            continue
        for column, char in enumerate(line + "\n"):
            if char.isspace():
                if flat and flat[-1] != " ":
                    flat.append(" ")
                    where.append((number, column))
            else:
                flat.append(char)
                where.append((number, column))


def _prose(file: str, lines: list[str]) -> Iterator[Mention]:
    for flat, where in _paragraphs(lines):
        spans: list[tuple[int, int]] = []
        for start, end, amount in scan_amounts(flat):
            if _UNIT_STATEMENT.search(flat[:start]) and flat[end:].lstrip().startswith(")"):
                continue
            note = "the lower end of a range, in the unit of the upper end" if amount.text == amount.number else ""
            spans.append((start, end))
            yield _prose_mention(file, flat, where, start, end, amount.value, note)
            # "4,7 respectievelijk 1,5 miljoen euro": the first number takes the unit of the second.
            head = _RESPECTIVELY.search(flat[:start])
            if head and amount.text != amount.number and not amount.text.startswith("€"):
                s, e = head.span("num")
                if not any(a <= s < b for a, b in spans):
                    spans.append((s, e))
                    value = to_euro(head.group("num"), amount.unit)
                    yield _prose_mention(file, flat, where, s, e, value, "respectievelijk: in the unit of the next figure")
        for match in _WORD_AMOUNT.finditer(flat):
            scale = Decimal(1_000_000 if match.group("unit").lower() == "miljoen" else 1_000_000_000)
            value = _WORDS[match.group("word").lower()] * scale
            yield _prose_mention(file, flat, where, match.start(), match.end(), value, "number written in words")


def _prose_mention(file: str, flat: str, where: list[tuple[int, int]], start: int, end: int,
                   value: Decimal | None, note: str) -> Mention:
    if value is not None and value >= IMPLAUSIBLE:
        value, note = None, "garbled: two numbers run together by the PDF extraction"
    (line, column), (end_line, _) = where[start], where[end - 1]
    return Mention(file, line, end_line, column, flat[start:end].strip(), value, PROSE, note=note)


# -- tables -------------------------------------------------------------------------------------------
def _table_cells(file: str, lines: list[str], spec: TableSpec) -> Iterator[Mention]:
    first, last = _table_rows(file, lines, spec)
    for number in range(first, last + 1):
        cells = list(CELL_RE.finditer(lines[number - 1]))
        numbers = [c.group("num1") or c.group("num2") for c in cells]
        if len(numbers) < spec.min_numbers or (len(numbers) > 1 and all(_YEAR.fullmatch(n) for n in numbers)):
            continue  # a header: "Beslist in 2022", "2017 2018 2019 ..."
        for cell in _select(cells, spec.columns):
            num = cell.group("num1") or cell.group("num2")
            own = "€" if cell.group("pre") or (cell.group("post") or "").strip() == "€" else (cell.group("post") or "")
            value = None if spec.kind == CHART else to_euro(num, own.strip() or spec.unit)
            yield Mention(file, number, number, cell.start(), cell.group(0), value, spec.kind, spec.name,
                          area=spec.name, note=spec.note)


def _table_rows(file: str, lines: list[str], spec: TableSpec) -> tuple[int, int]:
    """First and last line (1-based) of the rows of ``spec``."""
    start = next((i for i, line in enumerate(lines, start=1) if re.search(spec.start, line)), None)
    if start is None:
        raise TableNotFound(f"{file}: {spec.name}: no line matches {spec.start!r}")
    end = next((i for i in range(start + 1, len(lines) + 1) if re.search(spec.end, lines[i - 1])), None)
    if end is None:
        raise TableNotFound(f"{file}:{start}: {spec.name}: no line after the caption matches {spec.end!r}")
    return start + 1, end if spec.inclusive else end - 1


def _select(cells: list[re.Match[str]], columns: str) -> list[re.Match[str]]:
    if columns == "all":
        return cells
    if columns == "last":
        return cells[-1:]
    if columns == "odd":  # count, amount, count, amount ...
        return cells[1::2]
    if columns == "after-first":  # the first number is the year
        return cells[1:]
    if columns == "decimal":
        return [c for c in cells if _DECIMAL_CELL.fullmatch(c.group("num1") or c.group("num2"))]
    wanted = [int(i) for i in columns.split(",")]
    return [cells[i] for i in wanted if i < len(cells)]


def _overlaps(prose: Mention, cell: Mention) -> bool:
    """True when a prose amount is really a table cell with its unit ("€ 8.473.038,00", "25.000 euro")."""
    if prose.line != cell.line:
        return False
    return cell.column <= prose.column < cell.column + len(cell.text) or prose.column <= cell.column < prose.column + len(prose.text)


def _chapters(lines: list[str]) -> list[str]:
    """For each line, the chapter it is in ("Hoofdstuk 3"), or "prose" in a document without chapters."""
    current, areas = "prose", []
    if any(_CHAPTER.match(line) for line in lines):
        current = "Inleiding"
    for line in lines:
        match = _CHAPTER.match(line)
        if match:
            current = match.group(1)
        areas.append(current)
    return areas
