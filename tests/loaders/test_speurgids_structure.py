"""The Speurgids's chapters, numbered sections, tables and charts: how they are found, and what the graph says."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.sourcetext import SourceDocument, SourceError, read_sources
from loaders.speurgids_structure import clean_title, read_captions, read_structure

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def doc() -> SourceDocument:
    return read_sources(ROOT / "sources").by_key("002")


def altered(doc: SourceDocument, line: int, text: str) -> SourceDocument:
    lines = doc.lines
    lines[line - 1] = text
    return SourceDocument(Path("altered") / doc.path.name, doc.key, doc.slug, doc.kind, "\n".join(lines), "")


# -- reading --------------------------------------------------------------------------------------------------
def test_eight_chapters_with_their_titles_spans_and_intro_line(doc: SourceDocument):
    chapters = [s for s in read_structure(doc).sections if s.chapter is not None]
    assert [(s.chapter, s.title, s.start, s.end) for s in chapters] == [
        (1, "Competitiviteit van ondernemingen ondersteunen", 387, 1076),
        (2, "Ondernemerschap bevorderen", 1077, 1331),
        (3, "Vlaams clusterbeleid", 1332, 1979),  # "clusterbeleid51": footnote 51 removed
        (4, "Omgevingsfactoren faciliteren", 1980, 2052),
        (5, "Internationalisering van de Vlaamse economie stimuleren", 2053, 2384),
        (6, "Duurzaamheid van de Vlaamse economie versterken", 2385, 2491),
        (7, "Transversaal economisch en innovatiebeleid: Vlaanderen Circulair, Industrie 4.0, Klimaatvisie 2050, "
            "Klimaatsprong en Flanders Care", 2492, 2985),
        (8, "Investeringen in Vlaanderen via het Europees Fonds voor Regionale Ontwikkeling (EFRO)", 2986, 3217),
    ]
    assert chapters[2].theme_evidence is not None and chapters[2].theme_evidence.quote == "Clusters (hoofdstuk 3)"
    assert chapters[6].theme_evidence is not None and chapters[6].theme_evidence.end == 18  # "(hoofdstuk \n\n7)"


def test_numbered_sections_follow_the_numbering_of_their_chapter(doc: SourceDocument):
    sections = {s.path: s for s in read_structure(doc).sections}
    kmo = sections[("hoofdstuk-1", "1", "1-2")]
    assert (kmo.number, kmo.title, kmo.start, kmo.end) == ("1.2", "Kmo-portefeuille", 426, 457)
    assert sections[("hoofdstuk-1", "1")].title == "Instrumenten binnen het Agentschap Innoveren en Ondernemen (VLAIO)"
    # chapter 4 starts its numbering at 5
    assert [s.number for p, s in sections.items() if p[0] == "hoofdstuk-4" and len(p) > 1] == ["5", "6", "7", "7.1", "7.2"]
    # the numbered list "1. Technologiegedreven bedrijven ..." (2266-2278) is prose, not sections
    chapter5 = [s.number for p, s in sections.items() if p[0] == "hoofdstuk-5" and len(p) > 1]
    assert chapter5 == ["1", "1.1", "1.2", "1.3", "2", "2.1", "2.2", "3", "3.1", "3.2", "3.3"]
    assert not [p for p in sections if p[0] == "hoofdstuk-6" and len(p) > 1]
    assert len(sections) == 4 + 8 + 77  # the introduction and its parts A-C, the chapters, their numbered sections


def test_the_introduction_and_its_parts(doc: SourceDocument):
    intro = [s for s in read_structure(doc).sections if s.path[0] == "inleiding"]
    assert [(s.number, s.title, s.start, s.end) for s in intro] == [
        (None, "Inleiding: actoren en budgetten in het Vlaams economisch beleid", 1, 386),
        ("A", "Actoren in het Vlaams economische beleid", 23, 63),
        ("B", "Wie vervult nu welke rol binnen het beleidsdomein EWI?", 64, 139),
        ("C", "Budgetten binnen het Vlaams economisch beleid", 143, 386),
    ]


def test_every_table_and_chart_caption_once(doc: SourceDocument):
    captions = read_captions(doc)
    assert [c.number for c in captions if c.kind == "Tabel"] == list(range(8, 28))
    assert [c.number for c in captions if c.kind == "Figuur"] == list(range(25, 36))
    units = {c.number: c.unit for c in captions if c.kind == "Tabel" and c.unit}
    assert units == {8: "miljoen euro", 10: "euro", 13: "miljoen euro", 27: "miljoen euro"}
    t8 = next(c for c in captions if c.number == 8)
    assert (t8.excerpt.start, t8.excerpt.end) == (178, 179) and t8.title.endswith("2023 (in miljoen euro)")


def test_prose_about_a_table_is_no_caption_and_a_caption_does_not_swallow_the_next_line(doc: SourceDocument):
    captions = {(c.kind, c.number): c for c in read_captions(doc)}
    assert captions["Tabel", 10].excerpt.start == 445  # not "Tabel 10 geeft een overzicht ..." on line 441
    assert captions["Figuur", 32].excerpt.start == 2130  # not "Figuur 32 geeft dit weer" on line 2623
    assert captions["Figuur", 29].title == "Winwinlening: bedragen (in miljoen euro) versus aantal verbintenissen"
    assert captions["Tabel", 22].title == "Overzicht projecten Flux50"  # a name ending in digits keeps them


def test_a_glued_number_is_a_footnote_mark_only_when_its_footnote_follows(doc: SourceDocument):
    assert clean_title(doc, 1334, "Vlaams clusterbeleid51 ") == "Vlaams clusterbeleid"
    assert clean_title(doc, 1728, "Overzicht projecten Flux50 ") == "Overzicht projecten Flux50"


def test_a_second_caption_with_the_same_number_is_an_error(doc: SourceDocument):
    with pytest.raises(SourceError) as caught:
        read_captions(altered(doc, 1600, "Tabel 18 Overzicht projecten Blauwe cluster in 2022 "))
    assert caught.value.line == 1600 and "first on line 1558" in str(caught.value)


def test_chapters_out_of_sequence_are_an_error(doc: SourceDocument):
    with pytest.raises(SourceError) as caught:
        read_structure(altered(doc, 1332, " Hoofdstuk 4  "))
    assert caught.value.line == 1332


# -- the graph --------------------------------------------------------------------------------------------------
def test_chapters_have_their_theme_claimed_with_the_introduction(sparql):
    rows = sparql(
        """SELECT ?number ?title ?theme ?notation ?quote WHERE {
             ?s a fg:SourceSection ; fg:sectionNumber ?number ; dcterms:title ?title ; fg:theme ?t ;
                dcterms:isPartOf ?doc . ?doc a fg:Report .
             BIND(STRAFTER(STR(?t), "theme/") AS ?theme)
             ?c rdf:subject ?s ; rdf:predicate fg:theme ; prov:wasDerivedFrom/fg:quote ?quote
             FILTER(CONTAINS(?quote, "(hoofdstuk")) } ORDER BY ?number"""
    )
    assert [(r["number"], r["theme"]) for r in rows] == [
        ("1", "competitiviteit"), ("2", "ondernemerschap"), ("3", "clusters"), ("4", "omgevingsfactoren"),
        ("5", "internationalisering"), ("6", "duurzaamheid"), ("7", "transversaal"), ("8", "efro")]
    assert rows[2]["quote"] == "Clusters (hoofdstuk 3)"


def test_tables_with_number_caption_span_unit_and_section(sparql):
    rows = sparql(
        """SELECT ?n ?start ?end ?unit ?section WHERE {
             ?t a fg:SourceTable ; fg:tableNumber ?n ; fg:startLine ?start ; fg:endLine ?end ;
                dcterms:isPartOf/dcterms:title ?section ; prov:wasDerivedFrom/fg:quote ?q .
             OPTIONAL { ?t fg:unitInSource ?unit } FILTER(STRSTARTS(?q, "Tabel")) } ORDER BY ?n"""
    )
    found = {int(r["n"]): (int(r["start"]), int(r["end"]), r["unit"], r["section"]) for r in rows}
    assert sorted(found) == list(range(8, 28))
    assert found[8] == (178, 386, "miljoen euro", "Budgetten binnen het Vlaams economisch beleid")
    assert found[9] == (409, 419, "euro", "Strategische Transformatiesteun")
    assert found[16] == (1461, 1478, "MEUR", "Geoormerkte middelen voor clusterprojecten")
    assert found[17] == (1488, 1530, "MEUR", "Historiek benutting geoormerkte middelen voor speerpuntclusters")
    assert found[26] == (1858, 1882, None, "Innovatieve BedrijfsNetwerken")
    assert found[27] == (1918, 1927, "miljoen euro", "Moonshot")
    assert all(start < end for start, end, _, _ in found.values())


def test_captions_and_headers_that_disagree_with_the_rows_are_noted(sparql):
    rows = sparql(
        """SELECT ?n ?comment WHERE { ?t a fg:SourceTable ; fg:tableNumber ?n ; rdfs:comment ?comment } ORDER BY ?n"""
    )
    notes = {int(r["n"]): r["comment"] for r in rows}
    assert "provinciale verdeling" in notes[9] and "ondernemingsgroottes" in notes[9]
    assert "miljoen euro" in notes[13] and "in euro" in notes[13]
    assert "Flanders Space" in notes[17]


def test_charts_are_there_with_their_captions(sparql):
    rows = sparql(
        """SELECT ?n ?title WHERE { ?c a fg:SourceChart ; fg:chartNumber ?n ; dcterms:title ?title } ORDER BY ?n"""
    )
    assert [int(r["n"]) for r in rows] == list(range(25, 36))
    assert rows[1]["title"] == "Gigarant: waarborgbedragen (miljoen euro) versus aantal verbintenissen (cumulatief)."
