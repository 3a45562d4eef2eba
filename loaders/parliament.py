"""Written parliamentary questions: metadata, amount lists, support tables and the cluster-credit cube.

Every document of kind ``written-question`` is read with code; prose that needs a human reader is in
``sources/curated/parliament-*.yaml``. The structures read here:

* the **header**, in one of two layouts: ``title:`` / ``thema:`` / ``pdf link:`` / ``thema link:`` lines
  followed by ``SCHRIFTELIJKE VRAAG`` / ``nr. N`` / ``van ASKER`` / ``datum: D`` / ``aan MINISTER`` /
  post; or the title first (optionally after ``aan MINISTER`` / post). Either may carry the answer block
  ``MINISTER`` / post / ``ANTWOORD`` / ``op vraag nr. N van D`` / ``van ASKER``. Only what is there is
  recorded, every triple claimed with its quote;
* **amount lists** (``- Dyzo: 585.000,00 euro``; an item may run over several lines with blank lines in
  between), introduced by a sentence saying whether they are structural partners or partners of the
  public contract; ``uitzonderlijk bijkomend ... in het kader van Brexit`` is a second flow;
* **support tables** (``Jaar Naam Toegekende Steun`` ...) with their stated totals;
* the **credit table** ``VAK budget VEK budget`` with footnotes, as a small W3C Data Cube.

A line inside any of these structures that cannot be read raises :class:`SourceError` naming file and
line; nothing is skipped silently.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import (
    DCTERMS,
    FG,
    FOAF,
    INTERVAL_YEAR,
    OBEU_DIM,
    OBEU_MEASURE,
    ORG,
    QB,
    RDFS,
    XSD,
    concept,
    slugify,
)
from loaders.curated import AMOUNT_TYPE_LABELS
from loaders.graph import GraphBuilder, year_literal
from loaders.numbers import Amount, amount, parse_amount
from loaders.registry import Entity, Registry
from loaders.sourcetext import Excerpt, SourceDocument, SourceError, SourceSet

# -- registry ids this loader relies on ---------------------------------------------------------------
FUNDER = "vlaio"
PARLIAMENT = "vlaams-parlement"
GOVERNMENT = "vlaamse-overheid"
OPERATING_GRANTS = "werkingssubsidies-structurele-partners"
CONTRACT = "overheidsopdracht-ondernemerschap-innovatieversnelling"
CLUSTER_POLICY = "clusterbeleid"
CREDIT_DATASET = "clusterkredieten"

# -- dates --------------------------------------------------------------------------------------------
MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
DATE = r"\d{1,2} [a-z]+ \d{4}"


def parse_dutch_date(text: str) -> date:
    """``"29 april 2024"`` -> ``date(2024, 4, 29)``.

    :raises ValueError: if it is not a Dutch date.
    """
    match = re.fullmatch(r"(\d{1,2}) ([a-z]+) (\d{4})", text.strip())
    if not match or match.group(2) not in MONTHS:
        raise ValueError(f"not a Dutch date: {text!r}")
    return date(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))


# -- header -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """A value read from the text with the excerpts it was read from."""

    value: str
    excerpts: tuple[Excerpt, ...]


@dataclass
class Header:
    """What the header and the answer block of one written question state."""

    title: Found | None = None
    subjects: list[Found] = field(default_factory=list)
    pdf: Found | None = None
    page: Found | None = None
    numbers: list[Found] = field(default_factory=list)
    dates: list[Found] = field(default_factory=list)  #: ISO dates
    askers: list[Found] = field(default_factory=list)
    addressee: Found | None = None
    addressee_post: Found | None = None
    answerer: Found | None = None
    answerer_post: Found | None = None
    answer_line: int | None = None  #: line of ``ANTWOORD``
    publisher: list[Excerpt] = field(default_factory=list)


KEY_LINE = re.compile(r"^(title|thema|pdf link|thema link):\s*(.*?)\s*$")
POST_LINE = r"VLAAMS MINISTER VAN \S.*"
NAME_LINE = re.compile(r"[A-Z][A-Z'’ .-]+[A-Z]")
ANSWER_OF = rf"op vraag nr\. (?P<nr>\d+) van (?P<date>{DATE})"


def _stripped(doc: SourceDocument, number: int) -> Excerpt:
    return doc.excerpt(number, number, doc.line(number).strip())


def _expect(doc: SourceDocument, number: int, pattern: str) -> re.Match[str]:
    if number > doc.line_count:
        raise SourceError(doc.path, doc.line_count, f"header ends early: expected {pattern!r}")
    match = re.fullmatch(pattern, doc.line(number).strip())
    if not match:
        raise SourceError(doc.path, number, f"header: expected {pattern!r}, found {doc.line(number).strip()!r}")
    return match


def _date_found(doc: SourceDocument, number: int, text: str) -> Found:
    try:
        iso = parse_dutch_date(text).isoformat()
    except ValueError as exc:
        raise SourceError(doc.path, number, str(exc)) from None
    return Found(iso, (doc.excerpt(number, number, text),))


def _minister(doc: SourceDocument, name_line: int) -> tuple[Found, Found]:
    """The minister's name on ``name_line`` (after an optional ``aan``) and the post on the next line."""
    name = re.sub(r"^aan\s+", "", doc.line(name_line).strip())
    if not NAME_LINE.fullmatch(name):
        raise SourceError(doc.path, name_line, f"expected a minister's name in capitals, found {name!r}")
    post = _expect(doc, name_line + 1, POST_LINE).group(0)
    return (
        Found(name, (doc.excerpt(name_line, name_line, name),)),
        Found(post, (doc.excerpt(name_line + 1, name_line + 1, post),)),
    )


def read_header(doc: SourceDocument) -> Header:
    """Read the header and the answer block of a written question.

    :raises SourceError: naming the line that does not fit the layout.
    """
    header = Header()
    lines = doc.lines
    if KEY_LINE.match(lines[0]):
        number = _read_key_lines(doc, header)
        _expect(doc, number, "SCHRIFTELIJKE VRAAG")
        header.publisher.append(_stripped(doc, number))
        nr = _expect(doc, number + 1, r"nr\. (\d+)")
        header.numbers.append(Found(nr.group(1), (_stripped(doc, number + 1),)))
        asker = _expect(doc, number + 2, r"van (.+)")
        header.askers.append(Found(asker.group(1), (_stripped(doc, number + 2),)))
        when = _expect(doc, number + 3, rf"datum: ({DATE})")
        header.dates.append(_date_found(doc, number + 3, when.group(1)))
        _expect(doc, number + 4, r"aan .+")
        header.addressee, header.addressee_post = _minister(doc, number + 4)
    else:
        _read_title_first(doc, header)
    _read_answer_block(doc, header)
    return header


def _read_key_lines(doc: SourceDocument, header: Header) -> int:
    """Read ``title:``/``thema:``/... lines; returns the number of the first line after them."""
    last_key = None
    for number, line in enumerate(doc.lines, start=1):
        match = KEY_LINE.match(line)
        if match:
            last_key, value = match.group(1), match.group(2)
        elif last_key == "thema" and line.strip() and line.strip() != "SCHRIFTELIJKE VRAAG":
            value = line.strip()  # a second theme on its own line
        else:
            return number
        if not value:
            raise SourceError(doc.path, number, f"header line {last_key!r} has no value")
        found = Found(value, (doc.excerpt(number, number, value),))
        if last_key == "title":
            header.title = found
        elif last_key == "thema":
            header.subjects.append(found)
        elif last_key == "pdf link":
            header.pdf = found
        else:
            header.page = found
            if "vlaamsparlement.be" in value:
                header.publisher.append(found.excerpts[0])
    return doc.line_count + 1


def _read_title_first(doc: SourceDocument, header: Header) -> None:
    number = 1
    while number <= doc.line_count:
        text = doc.line(number).strip()
        if not text:
            number += 1
        elif text.startswith("aan "):
            header.addressee, header.addressee_post = _minister(doc, number)
            number += 2
        else:
            header.title = Found(" ".join(text.split()), (doc.excerpt(number, number, text),))
            return
    raise SourceError(doc.path, 1, "no title line found")


def _read_answer_block(doc: SourceDocument, header: Header) -> None:
    marks = [n for n, line in enumerate(doc.lines, start=1) if line.strip() == "ANTWOORD"]
    if not marks:
        return
    if len(marks) > 1:
        raise SourceError(doc.path, marks[1], f"second ANTWOORD line (first at line {marks[0]})")
    mark = header.answer_line = marks[0]
    of = _expect(doc, mark + 1, ANSWER_OF)
    header.numbers.append(Found(of.group("nr"), (_stripped(doc, mark + 1),)))
    header.dates.append(_date_found(doc, mark + 1, of.group("date")))
    asker = _expect(doc, mark + 2, r"van (.+)")
    header.askers.append(Found(asker.group(1), (_stripped(doc, mark + 2),)))
    header.publisher.extend((_stripped(doc, mark), _stripped(doc, mark + 1)))
    above = [n for n in range(mark - 1, 0, -1) if doc.line(n).strip()][:2]
    if len(above) < 2 or above[0] != above[1] + 1:
        raise SourceError(doc.path, mark, "ANTWOORD without the minister's name and post above it")
    header.answerer, header.answerer_post = _minister(doc, above[1])


# -- amount lists ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ListItem:
    """One ``- ...`` item: its exact excerpt and its text with the lines joined by single spaces."""

    excerpt: Excerpt
    text: str


@dataclass(frozen=True)
class AmountList:
    """A run of items and the paragraph that introduces it."""

    intro: Excerpt
    items: tuple[ListItem, ...]


ITEM_LINE = re.compile(r"^\s*- (\S.*)$")
NUMBERED = re.compile(r"^(\d+)\.\s")


def _continues(text: str) -> bool:
    """After a blank line, only a lowercase word or a number (not a point ``2. ``) continues an item."""
    return (text[0].islower() or text[0].isdigit()) and not NUMBERED.match(text)


def read_lists(doc: SourceDocument) -> list[AmountList]:
    """Every amount list of ``doc`` with its introducing paragraph.

    :raises SourceError: for a list that no paragraph introduces.
    """
    runs: list[list[tuple[int, int, list[str]]]] = []  # lists of items (start, end, text parts)
    run: list[tuple[int, int, list[str]]] = []
    blank = False
    for number, line in enumerate(doc.lines, start=1):
        text = line.strip()
        match = ITEM_LINE.match(line)
        if match:
            run.append((number, number, [match.group(1).strip()]))
        elif not run:
            continue
        elif not text:
            blank = True
            continue
        elif NUMBERED.match(text) or (blank and not _continues(text)):
            runs.append(run)
            run = []
        else:
            start, _, parts = run[-1]
            run[-1] = (start, number, [*parts, text])
        blank = False
    if run:
        runs.append(run)
    return [
        AmountList(
            _intro(doc, items[0][0]),
            tuple(ListItem(doc.excerpt(start, end), " ".join(parts)) for start, end, parts in items),
        )
        for items in runs
    ]


def _intro(doc: SourceDocument, first_item: int) -> Excerpt:
    """The paragraph right above line ``first_item`` (blank lines in between are skipped)."""
    number = first_item - 1
    while number >= 1 and not doc.line(number).strip():
        number -= 1
    end = number
    while number >= 1 and doc.line(number).strip() and not ITEM_LINE.match(doc.line(number)):
        number -= 1
    if end < 1 or number == end:
        raise SourceError(doc.path, first_item, "amount list without an introducing paragraph")
    return doc.excerpt(number + 1, end)


AMT = r"\d{1,3}(?:\.\d{3})*(?:,\d{2})? euro"
NAMED_ITEM = re.compile(
    rf"(?P<name>[^:]+?):\s+(?:(?P<purpose>[^:]+?):\s+)?(?P<amount>{AMT})(?P<vat>,? inclusief btw)?"
    rf"(?:,? en uitzonderlijk bijkomend (?P<extra>{AMT})(?P<extra_vat>,? inclusief btw)?"
    rf" in het kader van (?P<occasion>Brexit))?\.?"
)
BUDGET_ITEM = re.compile(
    rf"Voor de (?P<name>.+?) was er (?:een beschikbaar budget van )?(?P<amount>{AMT})"
    rf"(?:, dat werd verdeeld onder (?P<members>.+?))?\.?"
)


@dataclass(frozen=True)
class ParsedItem:
    """The parts of one list item."""

    name: str
    amount: Amount
    budget: bool = False  #: a ``Voor de X was er ...`` item: an available budget for a group
    purpose: str | None = None
    vat: bool = False
    extra: Amount | None = None  #: exceptional top-up
    extra_vat: bool = False
    occasion: str | None = None
    members: tuple[str, ...] = ()


def parse_item(text: str) -> ParsedItem:
    """Read one list item such as ``"Dyzo: 585.000,00 euro"``.

    :raises ValueError: if the item has none of the known forms.
    """
    match = BUDGET_ITEM.fullmatch(text)
    if match:
        members = match.group("members")
        names = tuple(n.strip() for n in re.split(r",\s*|\s+en\s+", members)) if members else ()
        if any(not n for n in names):
            raise ValueError(f"empty name in the list of recipients: {members!r}")
        return ParsedItem(match.group("name"), parse_amount(match.group("amount")), budget=True, members=names)
    match = NAMED_ITEM.fullmatch(text)
    if not match:
        raise ValueError(f"cannot read list item {text!r}")
    extra = match.group("extra")
    return ParsedItem(
        name=match.group("name").strip(),
        amount=parse_amount(match.group("amount")),
        purpose=match.group("purpose"),
        vat=bool(match.group("vat")),
        extra=parse_amount(extra) if extra else None,
        extra_vat=bool(match.group("extra_vat")),
        occasion=match.group("occasion"),
    )


# -- support tables -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    """One table row: year or duration in months, name, amount."""

    excerpt: Excerpt
    key: int
    name: str
    amount: Amount


@dataclass(frozen=True)
class SupportTable:
    """A ``Jaar Naam ...`` or ``Projectduur ...`` table with its caption and stated total."""

    amount_type: str
    key: str  #: ``year`` or ``months``
    caption: Excerpt
    header: Excerpt
    rows: tuple[Row, ...]
    total: Row


#: First header line -> (amount type, what the first column holds).
SUPPORT_HEADERS: dict[str, tuple[str, str]] = {
    "Jaar Naam Toegekende Steun": ("granted", "year"),
    "Jaar Naam Betaalde Steun Verwacht": ("expected-payment", "year"),
    "Projectduur in": ("committed", "months"),
}
NUMBER = r"\d{1,3}(?:\.\d{3})+|\d+"
ROW = {
    "year": re.compile(rf"(?P<key>\d{{4}}) (?P<name>\S.*?) (?P<amount>{NUMBER})"),
    "months": re.compile(rf"(?P<key>\d{{1,3}}) (?P<name>\S.*?) (?P<amount>{NUMBER})"),
}
TOTAL = re.compile(rf"(?P<amount>{NUMBER})")


def read_support_tables(doc: SourceDocument) -> list[SupportTable]:
    """Every support table of ``doc``.

    :raises SourceError: for an unknown table header, a row that does not parse or a missing total.
    """
    tables = []
    number = 1
    while number <= doc.line_count:
        text = doc.line(number).strip()
        if text.startswith(("Jaar Naam", "Projectduur")):
            table, number = _read_table(doc, number)
            tables.append(table)
        number += 1
    return tables


def _read_table(doc: SourceDocument, start: int) -> tuple[SupportTable, int]:
    first = doc.line(start).strip()
    if first not in SUPPORT_HEADERS:
        raise SourceError(doc.path, start, f"unknown table header {first!r}")
    amount_type, key = SUPPORT_HEADERS[first]
    number = start + 1
    while number <= doc.line_count and not doc.line(number).strip()[:1].isdigit():
        number += 1  # header cells that wrap over several lines
    header = doc.excerpt(start, number - 1)
    rows: list[Row] = []
    while number <= doc.line_count:
        text = doc.line(number).strip()
        if TOTAL.fullmatch(text):
            total = Row(_stripped(doc, number), 0, "", amount(text, "euro", text))
            return SupportTable(amount_type, key, _caption(doc, start), header, tuple(rows), total), number
        match = ROW[key].fullmatch(text)
        if not match:
            raise SourceError(doc.path, number, f"cannot read table row {text!r} (expected {key}, name, amount)")
        rows.append(Row(_stripped(doc, number), int(match.group("key")), match.group("name"),
                        amount(match.group("amount"), "euro", match.group("amount"))))
        number += 1
    raise SourceError(doc.path, doc.line_count, f"table of line {start} ends without a stated total")


def _caption(doc: SourceDocument, header_line: int) -> Excerpt:
    """From the numbered answer line above a table down to the line before its header."""
    number = header_line - 1
    while number >= 1 and not NUMBERED.match(doc.line(number).strip()):
        number -= 1
    if number < 1:
        raise SourceError(doc.path, header_line, "table without a numbered answer above it")
    return doc.excerpt(number, header_line - 1)


# -- credit table (VAK/VEK) ---------------------------------------------------------------------------
CREDIT_HEADER = "VAK budget VEK budget"
CREDIT_TYPES = ("VAK", "VEK")
CREDIT_ROW = re.compile(r"(?P<year>\d{4})\s+(?P<cells>\S.*)")
ATOM = re.compile(r"n\.v\.t\.|\d{1,3}(?:\.\d{3})+|\(\d+\)")
FOOTNOTE = re.compile(r"^\((?P<n>\d+)\)\s+\S")


@dataclass(frozen=True)
class Cell:
    """A value (a number or ``n.v.t.``) and/or a footnote number."""

    value: str | None
    footnote: int | None

    @property
    def text(self) -> str:
        return " ".join(p for p in (self.value, f"({self.footnote})" if self.footnote else None) if p)


def _cell_parses(atoms: list[str]) -> Iterator[list[Cell]]:
    if not atoms:
        yield []
        return
    head, rest = atoms[0], atoms[1:]
    if head.startswith("("):
        for tail in _cell_parses(rest):
            yield [Cell(None, int(head[1:-1])), *tail]
        return
    if rest and rest[0].startswith("("):
        for tail in _cell_parses(rest[1:]):
            yield [Cell(head, int(rest[0][1:-1])), *tail]
    for tail in _cell_parses(rest):
        yield [Cell(head, None), *tail]


def parse_credit_cells(text: str, columns: int = 2) -> list[Cell]:
    """Split ``"14.250.000 (2) (3)"`` into one cell per column; a footnote mark may fill a cell alone.

    :raises ValueError: if the text has other tokens or does not give exactly one reading.
    """
    atoms = ATOM.findall(text)
    if "".join(atoms) != "".join(text.split()):
        raise ValueError(f"unexpected text in table cells {text!r}")
    readings = [cells for cells in _cell_parses(atoms) if len(cells) == columns]
    if len(readings) != 1:
        raise ValueError(f"{len(readings)} ways to read {text!r} as {columns} cells")
    return readings[0]


@dataclass(frozen=True)
class CreditRow:
    excerpt: Excerpt
    year: int
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class CreditTable:
    """The credit table with its introduction, header and footnotes (number -> text, excerpt)."""

    intro: Excerpt
    header: Excerpt
    rows: tuple[CreditRow, ...]
    footnotes: dict[int, tuple[str, Excerpt]]


def read_credit_tables(doc: SourceDocument) -> list[CreditTable]:
    """Every ``VAK budget VEK budget`` table of ``doc``.

    :raises SourceError: for a row that does not parse or a footnote that is not given.
    """
    tables = []
    for start, line in enumerate(doc.lines, start=1):
        if line.strip() != CREDIT_HEADER:
            continue
        rows: list[CreditRow] = []
        number = start + 1
        while number <= doc.line_count:
            text = doc.line(number).strip()
            match = CREDIT_ROW.fullmatch(text)
            if match:
                try:
                    cells = parse_credit_cells(match.group("cells"), len(CREDIT_TYPES))
                except ValueError as exc:
                    raise SourceError(doc.path, number, str(exc)) from None
                rows.append(CreditRow(_stripped(doc, number), int(match.group("year")), tuple(cells)))
            elif text:
                break
            number += 1
        if not rows:
            raise SourceError(doc.path, start, "credit table without rows")
        footnotes = _footnotes(doc, number)
        for row in rows:
            for cell in row.cells:
                if cell.footnote and cell.footnote not in footnotes:
                    raise SourceError(doc.path, row.excerpt.start, f"footnote ({cell.footnote}) is not given below the table")
        tables.append(CreditTable(_intro(doc, start), doc.excerpt(start), tuple(rows), footnotes))
    return tables


def _footnotes(doc: SourceDocument, after: int) -> dict[int, tuple[str, Excerpt]]:
    notes: dict[int, tuple[str, Excerpt]] = {}
    number = after
    while number <= doc.line_count:
        match = FOOTNOTE.match(doc.line(number).strip())
        if not match:
            number += 1
            continue
        end = number
        while end + 1 <= doc.line_count and doc.line(end + 1).strip() and not FOOTNOTE.match(doc.line(end + 1).strip()):
            end += 1
        excerpt = doc.excerpt(number, end)
        text = " ".join(excerpt.quote.split())
        notes[int(match.group("n"))] = (re.sub(r"^\(\d+\)\s*", "", text), excerpt)
        number = end + 1
    return notes


# -- building the graph ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class FlowDetails:
    """What a flow may add to funder, recipient, amount, year and type."""

    instrument: Entity | None = None
    contract: Entity | None = None
    vat: bool = False  #: the source says "inclusief btw"
    purpose: str | None = None
    months: int | None = None


@dataclass
class _Builder:
    """Adds the facts of one document; knows its funder evidence and the flows made so far."""

    g: GraphBuilder
    doc: SourceDocument
    registry: Registry
    header: Header
    flows: set[str] = field(default_factory=set)

    def entity(self, name: str, line: int, kind: str | None = None) -> Entity:
        try:
            return self.registry.resolve(name, kind)
        except KeyError as exc:
            raise SourceError(self.doc.path, line, f"{exc.args[0]}; add it to sources/registry") from None

    def node(self, entity: Entity) -> NamedNode:
        return entity.iri(self.g.data)

    def funder_evidence(self, line: int) -> Excerpt:
        """The sentence that says VLAIO works with (and funds) the structural partners."""
        match = re.search(r"Het Agentschap Innoveren en Ondernemen (?:\(VLAIO\) )?werkt samen met structurele(?:\s+partners)?",
                          self.doc.text)
        if not match:
            raise SourceError(self.doc.path, line, "amounts without the sentence naming VLAIO as the partner of the structural partners")
        return self.doc.find(match.group(0))

    def question_year(self, answer: int, line: int) -> tuple[int, Excerpt]:
        """The year that question ``answer`` asks about, and the line that says so."""
        limit = self.header.answer_line or self.doc.line_count
        start = next((n for n in range(1, limit) if self.doc.line(n).strip().startswith(f"{answer}. ")), None)
        number = start
        while number is not None and number < limit and self.doc.line(number).strip():
            year = re.search(r"\b(20\d\d)\b", self.doc.line(number))
            if year:
                return int(year.group(1)), _stripped(self.doc, number)
            number += 1
        raise SourceError(self.doc.path, line, f"question {answer} names no year for these amounts")

    def answer_number(self, line: int) -> int:
        """The number of the answer paragraph that ``line`` belongs to."""
        first = self.header.answer_line or 1
        for number in range(line, first - 1, -1):
            match = NUMBERED.match(self.doc.line(number).strip())
            if match:
                return int(match.group(1))
        raise SourceError(self.doc.path, line, "amounts outside a numbered answer")

    def flow(self, recipient: Entity, value: Amount, year: int, amount_type: str, excerpts: list[Excerpt],
             details: FlowDetails) -> NamedNode:
        """Add one funding flow from VLAIO to ``recipient``."""
        g = self.g
        local = f"{recipient.id}-{year}-{amount_type}"
        if local in self.flows:
            raise SourceError(self.doc.path, excerpts[0].start, f"a second {amount_type} flow to {recipient.id} in {year}")
        self.flows.add(local)
        node = g.iri("funding-flow", self.doc.slug, local)
        funder = self.registry.get("organisation", FUNDER)
        g.typed(node, FG.FundingFlow)
        g.add(node, FG.funder, self.node(funder))
        g.add(node, FG.recipient, self.node(recipient))
        g.money(node, value)
        g.add(node, FG.year, year_literal(year))
        g.add(node, FG.amountType, concept("amount-type", amount_type))
        if details.instrument:
            g.add(node, FG.instrument, self.node(details.instrument))
        if details.contract:
            g.add(node, FG.contract, self.node(details.contract))
        if details.vat:
            g.add(node, FG.vatIncluded, True)
        if details.purpose:
            g.add(node, FG.purpose, Literal(details.purpose, language="nl"))
        if details.months:
            g.add(node, FG.durationMonths, details.months)
        kind = AMOUNT_TYPE_LABELS.get(amount_type, amount_type)
        shown = value.text if value.text != value.number else f"{value.text} euro"
        g.label(node, f"{funder.label['nl']} → {recipient.label['nl']}: {shown} ({year}, {kind})")
        g.label(node, f"{funder.label.get('en', funder.label['nl'])} → {recipient.label.get('en', recipient.label['nl'])}: "
                      f"{shown} ({year}, {amount_type.replace('-', ' ')})", "en")
        g.cite(node, *excerpts)
        return node


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Add metadata, funding flows, stated totals and credit observations of every written question."""
    datasets = 0
    for doc in sources.of_kind("written-question"):
        builder = _Builder(g, doc, registry, read_header(doc))
        _metadata(builder)
        _lists(builder)
        _support_tables(builder)
        for table in read_credit_tables(doc):
            datasets += 1
            if datasets > 1:
                raise SourceError(doc.path, table.header.start, "a second credit table: give it its own dataset slug")
            _credit_cube(builder, table)


def _metadata(b: _Builder) -> None:
    g, h = b.g, b.header
    doc_node = g.document(b.doc)
    if h.title:
        g.claim(doc_node, DCTERMS.title, Literal(h.title.value, language="nl"), *h.title.excerpts)
    for subject in h.subjects:
        g.claim(doc_node, DCTERMS.subject, Literal(subject.value, language="nl"), *subject.excerpts)
    if h.pdf:
        g.claim(doc_node, FG.pdf, NamedNode(h.pdf.value), *h.pdf.excerpts)
    if h.page:
        g.claim(doc_node, FOAF.page, NamedNode(h.page.value), *h.page.excerpts)
    number = _same(b, h.numbers, "question number")
    if number:
        g.claim(doc_node, FG.questionNumber, Literal(number.value), *number.excerpts)
    when = _same(b, h.dates, "date")
    if when:
        g.claim(doc_node, DCTERMS.date, Literal(when.value, datatype=XSD.date), *when.excerpts)
    asker = _same(b, [Found(b.entity(f.value, f.excerpts[0].start, "person").id, f.excerpts) for f in h.askers], "asker")
    if asker:
        g.claim(doc_node, FG.askedBy, b.node(b.registry.get("person", asker.value)), *asker.excerpts)
    posts: list[tuple[Found, Found]] = []
    if h.addressee and h.addressee_post:
        posts.append((h.addressee, h.addressee_post))
    if h.answerer and h.answerer_post:
        person = b.node(b.entity(h.answerer.value, h.answerer.excerpts[0].start, "person"))
        g.claim(doc_node, FG.answeredBy, person, *h.answerer.excerpts)
        posts.append((h.answerer, h.answerer_post))
    if posts:
        # Addressed to the minister under "aan"; without that line, to the minister who signs the
        # answer ("ANTWOORD op vraag nr. N"): a written question goes to the minister who answers it.
        minister, post = posts[0]
        person = b.node(b.entity(minister.value, minister.excerpts[0].start, "person"))
        g.claim(doc_node, FG.addressedTo, person, *minister.excerpts)
        g.claim(doc_node, FG.addressedToPost, b.node(b.entity(post.value, post.excerpts[0].start, "post")), *post.excerpts)
    for person_found, post_found in posts:
        person = b.node(b.entity(person_found.value, person_found.excerpts[0].start, "person"))
        post = b.node(b.entity(post_found.value, post_found.excerpts[0].start, "post"))
        evidence = (*person_found.excerpts, *post_found.excerpts)
        g.claim(post, ORG.heldBy, person, *evidence)
        g.claim(person, ORG.holds, post, *evidence)
        g.claim(post, ORG.postIn, b.node(b.registry.get("organisation", GOVERNMENT)), *post_found.excerpts)
    if h.publisher:
        g.claim(doc_node, DCTERMS.publisher, b.node(b.registry.get("organisation", PARLIAMENT)), *h.publisher)


def _same(b: _Builder, found: list[Found], what: str) -> Found | None:
    """One value stated (possibly several times) in the header; all its excerpts."""
    if not found:
        return None
    values = {f.value for f in found}
    if len(values) > 1:
        raise SourceError(b.doc.path, found[-1].excerpts[0].start, f"the {what} differs within the document: {sorted(values)}")
    return Found(found[0].value, tuple(ex for f in found for ex in f.excerpts))


#: Introducing sentence -> kind of list.
LIST_KINDS = (
    (re.compile(r"structurele partners kregen volgende middelen toegezegd"), "structural"),
    (re.compile(r"partners via de overheidsopdracht"), "contract"),
)
SAME_AMOUNTS = re.compile(r"Dezelfde bedragen worden voorzien in (\d{4})\.")


@dataclass(frozen=True)
class _Granted:
    """A flow of a list that a later "the same amounts" sentence repeats for another year."""

    recipient: Entity
    amount: Amount
    excerpts: tuple[Excerpt, ...]
    details: FlowDetails


def _lists(b: _Builder) -> None:
    repeatable: list[_Granted] = []
    for amount_list in read_lists(b.doc):
        intro = " ".join(amount_list.intro.quote.split())
        kind = next((k for pattern, k in LIST_KINDS if pattern.search(intro)), None)
        first = amount_list.items[0].excerpt.start
        if kind is None:
            raise SourceError(b.doc.path, first, f"amount list introduced by an unknown sentence: {intro[:80]!r}")
        year, year_excerpt = b.question_year(b.answer_number(first), first)
        funder = b.funder_evidence(first)
        for item in amount_list.items:
            try:
                parsed = parse_item(item.text)
            except ValueError as exc:
                raise SourceError(b.doc.path, item.excerpt.start, str(exc)) from None
            granted = _item_flows(b, kind, parsed, item, (item.excerpt, amount_list.intro, funder), year, year_excerpt)
            repeatable.append(granted)
    same = SAME_AMOUNTS.search(b.doc.text)
    if same and repeatable:
        sentence = b.doc.find(same.group(0))
        for granted in repeatable:
            item, *context = granted.excerpts
            b.flow(granted.recipient, granted.amount, int(same.group(1)), "budgeted", [item, sentence, *context],
                   granted.details)


def _item_flows(b: _Builder, kind: str, parsed: ParsedItem, item: ListItem, excerpts: tuple[Excerpt, ...],
                year: int, year_excerpt: Excerpt) -> _Granted:
    """The flow(s) of one item; returns the main one (without an exceptional top-up)."""
    line = item.excerpt.start
    g = b.g
    cited = [*excerpts, year_excerpt]
    if parsed.budget:
        if kind != "structural":
            raise SourceError(b.doc.path, line, "an available budget among the public-contract partners")
        try:
            recipient = b.registry.get("group", slugify(parsed.name))
        except KeyError:
            raise SourceError(b.doc.path, line, f"no group with id {slugify(parsed.name)!r} for {parsed.name!r}; "
                                                "add it to sources/registry") from None
        details = FlowDetails(instrument=b.entity(parsed.name, line, "instrument"))
        b.flow(recipient, parsed.amount, year, "available-budget", cited, details)
        for name in parsed.members:
            g.claim(b.node(recipient), FG.distributedAmong, b.node(b.entity(name, line, "organisation")), item.excerpt)
        return _Granted(recipient, parsed.amount, excerpts, details)
    recipient = b.entity(parsed.name, line)
    if recipient.kind not in ("organisation", "group"):
        raise SourceError(b.doc.path, line, f"{parsed.name!r} is a {recipient.kind}, not a recipient")
    if kind == "structural":
        if parsed.extra or parsed.vat:
            raise SourceError(b.doc.path, line, "VAT or a top-up in the list of structural partners")
        details = FlowDetails(instrument=b.registry.get("instrument", OPERATING_GRANTS), purpose=parsed.purpose)
        b.flow(recipient, parsed.amount, year, "granted", cited, details)
        funder = b.node(b.registry.get("organisation", FUNDER))
        g.claim(b.node(recipient), FG.structuralPartnerOf, funder, item.excerpt, excerpts[1])
        return _Granted(recipient, parsed.amount, excerpts, details)
    contract = b.registry.get("contract", CONTRACT)
    details = FlowDetails(contract=contract, vat=parsed.vat, purpose=parsed.purpose)
    b.flow(recipient, parsed.amount, year, "granted", cited, details)
    if parsed.extra:
        top_up = FlowDetails(contract=contract, vat=parsed.extra_vat, purpose=f"in het kader van {parsed.occasion}")
        b.flow(recipient, parsed.extra, year, "exceptional-top-up", cited, top_up)
    return _Granted(recipient, parsed.amount, excerpts, details)


def _support_tables(b: _Builder) -> None:
    g = b.g
    funder = b.node(b.registry.get("organisation", FUNDER))
    instrument = b.registry.get("instrument", OPERATING_GRANTS)
    for table in read_support_tables(b.doc):
        context = [table.caption, table.header, b.funder_evidence(table.header.start)]
        overview_year = 0
        if table.key == "months":  # durations, no years: the year is the one the question asks about
            overview_year, year_excerpt = b.question_year(b.answer_number(table.header.start), table.header.start)
            context.append(year_excerpt)
        parts = []
        for row in table.rows:
            recipient = b.entity(row.name, row.excerpt.start)
            year = row.key if table.key == "year" else overview_year
            details = FlowDetails(instrument=instrument, months=row.key if table.key == "months" else None)
            parts.append(b.flow(recipient, row.amount, year, table.amount_type, [row.excerpt, *context], details))
            g.claim(b.node(recipient), FG.structuralPartnerOf, funder, row.excerpt, table.caption)
        years = sorted({int(y.value) for part in parts for y in g.objects(part, FG.year)})
        shown = ", ".join(str(y) for y in years)
        total = g.iri("total", b.doc.slug, f"{table.amount_type}-{'-'.join(str(y) for y in years)}")
        g.typed(total, FG.StatedTotal)
        g.money(total, table.total.amount)
        for part in parts:
            g.add(total, FG.hasPart, part)
        for y in years:
            g.add(total, FG.year, year_literal(y))
        g.add(total, FG.amountType, concept("amount-type", table.amount_type))
        g.add(total, FG.instrument, b.node(instrument))
        kind = AMOUNT_TYPE_LABELS.get(table.amount_type, table.amount_type)
        g.label(total, f"Totaal structurele partners ({kind}, {shown}): {table.total.amount.text} euro")
        g.cite(total, table.total.excerpt, *context)


def _credit_cube(b: _Builder, table: CreditTable) -> None:
    g = b.g
    dataset = g.iri("dataset", CREDIT_DATASET)
    g.typed(dataset, QB.DataSet)
    g.add(dataset, QB.structure, FG.creditStructure)
    g.add(dataset, DCTERMS.title, Literal("Vastleggings- en vereffeningskredieten voor subsidies aan bedrijfsclusters", language="nl"))
    g.add(dataset, DCTERMS.title, Literal("Commitment and payment credits for subsidies to business clusters", language="en"))
    g.add(dataset, DCTERMS.source, g.document(b.doc))
    g.cite(dataset, table.intro, table.header)
    instrument = b.node(b.registry.get("instrument", CLUSTER_POLICY))
    for row in table.rows:
        for credit, cell in zip(CREDIT_TYPES, row.cells, strict=True):
            node = g.iri("observation", CREDIT_DATASET, f"{row.year}-{credit.lower()}")
            g.typed(node, QB.Observation, FG.BudgetObservation)
            g.add(node, QB.dataSet, dataset)
            g.add(node, FG.year, year_literal(row.year))
            g.add(node, OBEU_DIM.fiscalYear, INTERVAL_YEAR[str(row.year)])
            g.add(node, FG.creditType, concept("credit-type", credit))
            g.add(node, FG.instrument, instrument)
            g.add(node, FG.amountType, concept("amount-type", "budgeted"))
            excerpts = [row.excerpt, table.header]
            if cell.value and cell.value != "n.v.t.":
                value = amount(cell.value, "euro", cell.value)
                g.money(node, value)
                g.add(node, OBEU_MEASURE.amount, value.value)
                shown = value.text
            else:
                g.add(node, FG.notApplicable, True)
                g.add(node, FG.originalText, Literal(cell.text))
                shown = cell.text
            if cell.footnote:
                note, note_excerpt = table.footnotes[cell.footnote]
                g.add(node, RDFS.comment, Literal(note, language="nl"))
                excerpts.append(note_excerpt)
            g.label(node, f"Clusterbeleid {row.year} {credit}: {shown}")
            g.cite(node, *excerpts)
