"""The structure of the Speurgids: its chapters and numbered sections, and the captions of its tables and charts.

Chapters ("Hoofdstuk N" and the title below it) become ``fg:SourceSection`` with the theme of the chapter
(``theme:`` scheme, claimed with the chapter's line in the introduction, "Clusters (hoofdstuk 3)"); the
numbered sections ("1.2. Kmo-portefeuille") and the lettered parts A-C of the introduction are sections
too. A numbered line is a heading only when it stands alone (at most two lines, then a blank line), is
short, does not end a sentence and continues the numbering of its chapter, so numbered lists in the prose
("1. Technologiegedreven bedrijven ...") are left alone. Every "Tabel N" and "Figuur N" caption becomes an
``fg:SourceTable`` / ``fg:SourceChart`` with its number, caption, unit and start line; the table loaders
(:mod:`loaders.tabel8`, :mod:`loaders.speurgids_tables`), which know where a table's rows end, add its
``fg:endLine``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import DCTERMS, FG, RDFS, concept
from loaders.graph import GraphBuilder
from loaders.registry import Registry
from loaders.sourcetext import Excerpt, SourceDocument, SourceError, SourceSet

#: The eight chapters and their theme codes (docs/MODEL.md, ``theme:`` scheme; notation = chapter number).
THEMES: dict[int, str] = {
    1: "competitiviteit",
    2: "ondernemerschap",
    3: "clusters",
    4: "omgevingsfactoren",
    5: "internationalisering",
    6: "duurzaamheid",
    7: "transversaal",
    8: "efro",
}

_CHAPTER = re.compile(r"^\s*Hoofdstuk (\d+)\s*$")
_NUMBERED = re.compile(r"^\s?(\d+)\.(?:(\d+)\.)?\s+(\S.*?)\s*$")
_LETTERED = re.compile(r"^\s?([A-Z])\. (\S.*?)\s*$")
_CAPTION = re.compile(r"^\s*(Tabel|Figuur) (\d+) (\S.*?)\s*$")
_INTRO_THEME = re.compile(r"•\s*([^•]*?\(hoofdstuk\s+(\d+)\))")
_UNIT = re.compile(r"\((?:bedragen\s+)?(?:in\s+)?(miljoen euro|1000 euro|euro)\)")
#: A number glued to the last word of a heading: "Vlaams clusterbeleid51", "(VLAIO)50" (a footnote mark),
#: but also "Overzicht projecten Flux50" (a name): see :func:`clean_title`.
_GLUED_NUMBER = re.compile(r"(?<=[^\W\d_]|\))(\d+)$")
#: A footnote: its number, a space and a capitalised text ("51 Met dank aan ...").
_FOOTNOTE = re.compile(r"^\s?(\d{1,3}) [A-Z]")
#: How far below its mark a footnote may stand (the bottom of the same page).
FOOTNOTE_REACH = 120
#: Headings are short; a longer numbered line is an item of a numbered list in the prose.
MAX_HEADING_LENGTH = 80


@dataclass(frozen=True)
class Section:
    """A chapter, a lettered part of the introduction or a numbered section, with its line span."""

    path: tuple[str, ...]  #: IRI path under ``section/<doc>/``, e.g. ``("hoofdstuk-1", "1-2")``
    number: str | None  #: as written: ``"1.2"``, ``"3"``, ``"A"``; the chapter number for a chapter
    title: str  #: without footnote marks
    heading: Excerpt  #: the heading lines
    start: int
    end: int
    chapter: int | None = None  #: set on chapters only
    theme_evidence: Excerpt | None = None  #: the introduction's line naming the chapter

    @property
    def parent_path(self) -> tuple[str, ...]:
        return self.path[:-1]


@dataclass(frozen=True)
class Caption:
    """A "Tabel N" or "Figuur N" caption."""

    kind: str  #: ``"Tabel"`` or ``"Figuur"``
    number: int
    title: str  #: the caption without "Tabel N", on one line, footnote marks removed
    excerpt: Excerpt
    unit: str | None  #: the unit the caption states: "miljoen euro", "euro", "1000 euro"

    @property
    def slug(self) -> str:
        return f"{self.kind.lower()}-{self.number}"


@dataclass(frozen=True)
class Structure:
    sections: tuple[Section, ...]
    captions: tuple[Caption, ...]

    def innermost(self, line: int) -> Section | None:
        """The deepest section whose span holds ``line``."""
        holding = [s for s in self.sections if s.start <= line <= s.end]
        return max(holding, key=lambda s: len(s.path), default=None)

    def caption(self, kind: str, number: int) -> Caption:
        for c in self.captions:
            if c.kind == kind and c.number == number:
                return c
        raise KeyError(f"{kind} {number}")


@lru_cache(maxsize=8)
def lines_of(doc: SourceDocument) -> tuple[str, ...]:
    """The document's lines, split once (``SourceDocument.line`` splits the whole text on every call)."""
    return tuple(doc.lines)


def text_line(doc: SourceDocument, number: int) -> str:
    """Line ``number`` (1-based) of ``doc``."""
    return lines_of(doc)[number - 1]


def _last_text_line(doc: SourceDocument, start: int, stop: int) -> int:
    """The last line in ``start..stop`` that is not blank (``start`` if all are)."""
    for number in range(stop, start, -1):
        if text_line(doc, number).strip():
            return number
    return start


def clean_title(doc: SourceDocument, line: int, text: str) -> str:
    """Whitespace collapsed and a glued footnote mark removed: ``"Vlaams clusterbeleid51"`` -> ``"Vlaams clusterbeleid"``.

    A glued number is a footnote mark only when footnote N follows within :data:`FOOTNOTE_REACH` lines
    (footnote 51 on line 1389 for the heading on line 1334); "Flux50" on line 1728 keeps its 50.
    """
    title = " ".join(text.split())
    glued = _GLUED_NUMBER.search(title)
    if glued:
        stop = min(doc.line_count, line + FOOTNOTE_REACH)
        marks = (_FOOTNOTE.match(text_line(doc, n)) for n in range(line + 1, stop + 1))
        if any(m and m.group(1) == glued.group(1) for m in marks):
            title = title[: glued.start()]
    return title


def _title_block(doc: SourceDocument, first: int) -> int:
    """Last line of a title that starts on ``first``: it goes on while the next line continues it."""
    end = first
    while end < doc.line_count:
        current, following = text_line(doc, end).rstrip(), text_line(doc, end + 1).strip()
        if not following or not (following[0].islower() or following[0].isdigit() or current.endswith(":")):
            break
        end += 1
    return end


def read_chapters(doc: SourceDocument) -> list[Section]:
    """Every "Hoofdstuk N" with its title, in order; chapters must be numbered 1, 2, 3 ...

    :raises SourceError: for a chapter out of sequence or without a title.
    """
    starts = [(n, int(m.group(1))) for n, line in enumerate(doc.lines, 1) if (m := _CHAPTER.match(line))]
    themes = _intro_themes(doc, starts[0][0] if starts else doc.line_count)
    chapters = []
    for i, (line, number) in enumerate(starts):
        if number != i + 1:
            raise SourceError(doc.path, line, f"chapter {number} where chapter {i + 1} was expected")
        first = next((k for k in range(line + 1, min(line + 4, doc.line_count) + 1) if text_line(doc, k).strip()), None)
        if first is None:
            raise SourceError(doc.path, line, f"chapter {number} has no title below its heading")
        last = _title_block(doc, first)
        stop = starts[i + 1][0] - 1 if i + 1 < len(starts) else doc.line_count
        chapters.append(
            Section(
                path=(f"hoofdstuk-{number}",),
                number=str(number),
                title=clean_title(doc, last, doc.span(first, last)),
                heading=doc.excerpt(line, last),
                start=line,
                end=_last_text_line(doc, line, stop),
                chapter=number,
                theme_evidence=themes.get(number),
            )
        )
    return chapters


def _intro_themes(doc: SourceDocument, before: int) -> dict[int, Excerpt]:
    """The introduction's list "• Clusters (hoofdstuk 3)": chapter number -> that item."""
    found: dict[int, Excerpt] = {}
    intro = doc.span(1, max(1, before - 1))
    for match in _INTRO_THEME.finditer(intro):
        quote = match.group(1).rstrip()
        first = intro.count("\n", 0, match.start(1)) + 1
        found[int(match.group(2))] = doc.excerpt(first, first + quote.count("\n"), quote)
    return found


def _heading_at(doc: SourceDocument, line: int, pattern: re.Pattern[str]) -> tuple[re.Match[str], int] | None:
    """The heading match on ``line`` and its last line, if the line is a heading by form."""
    match = pattern.match(text_line(doc, line))
    if not match:
        return None
    title = match.groups()[-1]
    if len(text_line(doc, line).strip()) > MAX_HEADING_LENGTH or not (title[0].isupper() or title[0] in "“‘\"'"):
        return None
    end = line
    if end < doc.line_count and text_line(doc, end + 1).strip():
        end += 1  # a title on two lines: "5. Instrumenten binnen de sociale economie: het Sociaal \nInvesteringsfonds (SIFO)"
    if end < doc.line_count and text_line(doc, end + 1).strip():
        return None  # a heading stands alone; this is a paragraph
    if text_line(doc, end).rstrip().endswith((".", ";", ",")):
        return None
    return match, end


def read_numbered_sections(doc: SourceDocument, chapter: Section) -> list[Section]:
    """The numbered sections "N." and "N.M." of one chapter that continue its numbering."""
    found: list[tuple[int, int, str, int | None, str]] = []  # line, end, number, sub, title
    top: int | None = None
    sub = 0
    for line in range(chapter.heading.end + 1, chapter.end + 1):
        heading = _heading_at(doc, line, _NUMBERED)
        if heading is None:
            continue
        match, end = heading
        n, m = int(match.group(1)), match.group(2)
        if m is None and (top is None or n == top + 1):
            top, sub = n, 0
            found.append((line, end, str(n), None, clean_title(doc, end, doc.span(line, end))))
        elif m is not None and top == n and int(m) == sub + 1:
            sub = int(m)
            found.append((line, end, f"{n}.{m}", sub, clean_title(doc, end, doc.span(line, end))))
    sections = []
    for i, (line, end, number, level_sub, text) in enumerate(found):
        is_top = level_sub is None
        later = [f[0] for f in found[i + 1 :] if (is_top and f[3] is None) or not is_top]
        stop = later[0] - 1 if later else chapter.end
        title = re.sub(r"^\d+\.(?:\d+\.)?\s+", "", text)
        parent = chapter.path if is_top else _top_path(chapter, number)
        sections.append(
            Section(
                path=(*parent, number.replace(".", "-")),
                number=number,
                title=title,
                heading=doc.excerpt(line, end),
                start=line,
                end=_last_text_line(doc, line, stop),
            )
        )
    return sections


def _top_path(chapter: Section, number: str) -> tuple[str, ...]:
    return (*chapter.path, number.split(".")[0])


def read_introduction(doc: SourceDocument, first_chapter: int) -> list[Section]:
    """The text before chapter 1 (its first line is the title) and its parts "A.", "B.", "C."."""
    first = next((n for n in range(1, first_chapter) if text_line(doc, n).strip()), None)
    if first is None:
        return []
    end = _last_text_line(doc, first, first_chapter - 1)
    intro = Section(("inleiding",), None, clean_title(doc, first, text_line(doc, first)), doc.excerpt(first), first, end)
    parts: list[tuple[int, int, str, str]] = []
    for line in range(first + 1, end + 1):
        heading = _heading_at(doc, line, _LETTERED)
        if heading and heading[0].group(1) == chr(ord("A") + len(parts)):
            parts.append((line, heading[1], heading[0].group(1), clean_title(doc, line, heading[0].group(2))))
    sections = [intro]
    for i, (line, last, letter, title) in enumerate(parts):
        stop = parts[i + 1][0] - 1 if i + 1 < len(parts) else end
        sections.append(
            Section(("inleiding", letter.lower()), letter, title, doc.excerpt(line, last), line,
                    _last_text_line(doc, line, stop))
        )
    return sections


def read_captions(doc: SourceDocument) -> list[Caption]:
    """Every "Tabel N ..." and "Figuur N ..." caption (a line starting so, the caption capitalised).

    :raises SourceError: when a number has two captions.
    """
    captions: list[Caption] = []
    seen: dict[tuple[str, int], int] = {}
    for line, text in enumerate(doc.lines, 1):
        match = _CAPTION.match(text)
        if not match or not match.group(3)[0].isupper():
            continue  # "Tabel 10 geeft een overzicht ..." is prose about a table
        kind, number = match.group(1), int(match.group(2))
        if (kind, number) in seen:
            raise SourceError(doc.path, line, f"a second caption for {kind} {number} (first on line {seen[kind, number]})")
        seen[kind, number] = line
        last = line
        while doc.span(line, last).count("(") > doc.span(line, last).count(")") and last < doc.line_count:
            last += 1  # "(in miljoen \neuro)": the caption goes on while a parenthesis is open
        excerpt = doc.excerpt(line, last)
        title = clean_title(doc, last, re.sub(rf"^\s*{kind} {number}\s+", "", doc.span(line, last)))
        unit = _UNIT.search(" ".join(excerpt.quote.split()))
        captions.append(Caption(kind, number, title, excerpt, unit.group(1) if unit else None))
    return captions


@lru_cache(maxsize=8)
def read_structure(doc: SourceDocument) -> Structure:
    """Sections and captions of one Speurgids document."""
    chapters = read_chapters(doc)
    sections: list[Section] = read_introduction(doc, chapters[0].start if chapters else doc.line_count + 1)
    for chapter in chapters:
        sections.append(chapter)
        sections.extend(read_numbered_sections(doc, chapter))
    return Structure(tuple(sections), tuple(read_captions(doc)))


def section_iri(g: GraphBuilder, doc: SourceDocument, path: tuple[str, ...]) -> NamedNode:
    return g.iri("section", doc.slug, *path)


def caption_iri(g: GraphBuilder, doc: SourceDocument, cap: Caption) -> NamedNode:
    """``<base>id/table/<doc>/tabel-8`` (charts: ``.../figuur-26``)."""
    return g.iri("table", doc.slug, cap.slug)


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Sections (with the chapters' themes), tables and charts of every Speurgids document."""
    for doc in sources.of_kind("speurgids"):
        structure = read_structure(doc)
        for section in structure.sections:
            _section(g, doc, section)
        for cap in structure.captions:
            _caption(g, doc, structure, cap)


def _section(g: GraphBuilder, doc: SourceDocument, section: Section) -> None:
    node = section_iri(g, doc, section.path)
    g.typed(node, FG.SourceSection)
    g.add(node, DCTERMS.title, Literal(section.title, language="nl"))
    if section.chapter is not None:
        g.label(node, f"Hoofdstuk {section.chapter}: {section.title}")
    else:
        g.label(node, section.title if section.number is None else f"{section.number}. {section.title}")
    if section.number is not None:
        g.add(node, FG.sectionNumber, Literal(section.number))
    g.add(node, FG.startLine, section.start)
    g.add(node, FG.endLine, section.end)
    parent = section_iri(g, doc, section.parent_path) if section.parent_path else g.document(doc)
    g.add(node, DCTERMS.isPartOf, parent)
    g.cite(node, section.heading)
    if section.chapter is not None and section.chapter in THEMES:
        evidence = [section.heading] + ([section.theme_evidence] if section.theme_evidence else [])
        g.claim(node, FG.theme, concept("theme", THEMES[section.chapter]), *evidence)


def _caption(g: GraphBuilder, doc: SourceDocument, structure: Structure, cap: Caption) -> None:
    node = caption_iri(g, doc, cap)
    g.typed(node, FG.SourceTable if cap.kind == "Tabel" else FG.SourceChart)
    g.add(node, DCTERMS.title, Literal(cap.title, language="nl"))
    g.label(node, f"{cap.kind} {cap.number}: {cap.title}")
    g.add(node, FG.tableNumber if cap.kind == "Tabel" else FG.chartNumber, cap.number)
    g.add(node, FG.startLine, cap.excerpt.start)
    if cap.kind == "Figuur":
        g.add(node, FG.endLine, cap.excerpt.end)  # the chart itself is not in the text; its caption is
    if cap.unit:
        g.add(node, FG.unitInSource, Literal(cap.unit))
    section = structure.innermost(cap.excerpt.start)
    g.add(node, DCTERMS.isPartOf, section_iri(g, doc, section.path) if section else g.document(doc))
    g.add(node, DCTERMS.source, g.document(doc))
    g.cite(node, cap.excerpt)


def add_table_extent(g: GraphBuilder, doc: SourceDocument, cap: Caption, end: int, header_unit: str | None = None,
                     note: str | None = None) -> NamedNode:
    """Called by a table loader: the table's last line, the unit of its header when the caption has none,
    and a note (nl) on how it was read; returns the table node."""
    node = caption_iri(g, doc, cap)
    g.add(node, FG.endLine, end)
    if header_unit and not cap.unit:
        g.add(node, FG.unitInSource, Literal(header_unit))
    if note:
        g.add(node, RDFS.comment, Literal(note, language="nl"))
    return node
