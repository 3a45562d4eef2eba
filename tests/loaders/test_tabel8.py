"""Tabel 8 (budget lines 2018BA-2023BO): the row parser on the tricky rows, and analyst questions over the cube."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal

from loaders.moneyscan import scan_sources
from loaders.sourcetext import SourceDocument, SourceError, SourceSet, read_sources
from loaders.tabel8 import Row, Table, read_table, split_cells

ROOT = Path(__file__).resolve().parents[2]
PHASES = ["2018BA", "2019BO", "2019BA", "2020BO", "2020BA", "2021BO", "2021BA", "2022BO", "2022BA", "2023BO"]


@pytest.fixture(scope="module")
def sources() -> SourceSet:
    return read_sources(ROOT / "sources")


@pytest.fixture(scope="module")
def doc(sources: SourceSet) -> SourceDocument:
    return sources.by_key("002")


@pytest.fixture(scope="module")
def table(doc: SourceDocument) -> Table:
    return read_table(doc)


def row(table: Table, label: str, nth: int = 0) -> Row:
    return [r for r in table.rows if r.label.startswith(label)][nth]


def by_phase(r: Row) -> dict[str, str]:
    return {PHASES[i]: text for i, text in r.values}


def altered(doc: SourceDocument, line: int, text: str) -> SourceDocument:
    """The real document with one line replaced, under another file name."""
    lines = doc.lines
    lines[line - 1] = text
    return SourceDocument(Path("altered") / doc.path.name, doc.key, doc.slug, doc.kind, "\n".join(lines), "")


# -- the row parser -----------------------------------------------------------------------------------------
def test_the_header_gives_the_ten_columns_and_repeats_on_every_page(table: Table, doc: SourceDocument):
    assert [c.code for c in table.columns] == PHASES
    assert sorted({r.header.start for r in table.rows}) == [181, 229, 296, 358]
    assert all(doc.line(n).startswith("Maatregel 2018BA") for n in (181, 229, 296, 358))


def test_each_extra_space_is_an_empty_cell(table: Table, doc: SourceDocument):
    assert doc.line(199) == "Project ondernemingsvriendelijke gemeente       0,00 1,22 1,22 0,00 "
    assert by_phase(row(table, "Project ondernemingsvriendelijke gemeente")) == {
        "2021BA": "0,00", "2022BO": "1,22", "2022BA": "1,22", "2023BO": "0,00"}
    assert by_phase(row(table, "Ondernemerschapstrajecten Syntra")) == {
        "2020BA": "0,00", "2021BO": "32,66", "2021BA": "55,25", "2022BO": "43,49", "2022BA": "45,30", "2023BO": "46,44"}
    assert by_phase(row(table, "Tijdelijk crisiskader")) == {"2023BO": "250,00"}


def test_a_double_space_inside_the_numbers_leaves_that_column_empty(table: Table):
    ford = by_phase(row(table, "Sanering en herontwikkeling Ford-site"))
    assert "2022BA" not in ford and ford["2022BO"] == "0,00" and ford["2023BO"] == "1,00"
    assert len(ford) == 9


def test_numbers_alone_after_a_blank_line_belong_to_the_label_above(table: Table):
    studies = row(table, "Onderzoeken ter ondersteuning van het beleid")
    assert (studies.excerpt.start, studies.excerpt.end) == (208, 212)
    assert studies.label == ("Onderzoeken ter ondersteuning van het beleid inzake toegang tot financiering en/of "
                             "ondernemerschapsbevordering (studies, …)")
    assert by_phase(studies) == {"2018BA": "0,50", "2019BO": "0,30", "2019BA": "0,00", "2020BO": "0,00"}
    efro = row(table, "Vlaamse cofinanciering voor EFRO-projecten (Technische")
    assert by_phase(efro) == {"2021BO": "18,20"}


def test_a_label_followed_by_two_spaces_does_not_shift_its_values(table: Table):
    assert by_phase(row(table, "Studiebeurzen universiteiten en hogescholen")) == {
        "2018BA": "0,32", "2019BO": "0,00", "2019BA": "0,00", "2020BO": "0,00"}
    assert list(by_phase(row(table, "Beheer researchpark Zellik"))) == PHASES


def test_efsi_values_with_a_decimal_point(table: Table, doc: SourceDocument):
    efsi = row(table, "European Fund for Strategic Investments (EFSI)")
    assert by_phase(efsi) == {"2018BA": "0,00", "2019BO": "0.200", "2019BA": "0.200", "2020BO": "0.250",
                              "2020BA": "0,25", "2021BO": "0,25", "2021BA": "0,25", "2022BO": "0,26"}
    assert efsi.excerpt.start == 360 and efsi.parent == row(table, "10. Financieringsinstrumenten").order


def test_rows_after_a_page_break_stay_in_their_chapter(table: Table):
    chapter6 = row(table, "6. Investeringen in Vlaanderen")
    storting = row(table, "Storting aan FIT ter uitvoering van EFRO-project")
    assert storting.header.start == 296 and storting.parent == chapter6.order and storting.chapter == 6
    assert [r.label for r in table.rows if r.parent == chapter6.order] == [
        "Vlaamse cofinanciering voor EFRO-projecten",
        "Vlaamse cofinanciering voor EFRO-projecten (Technische bijstand EFRO – Vl en EFRO - INTEREG) - eenmalig",
        "Storting aan FIT ter uitvoering van EFRO-project",
    ]


def test_chapters_groups_and_total(table: Table):
    kinds = [(r.kind, r.chapter, r.theme_chapter) for r in table.rows if r.kind != "line"]
    assert kinds == [("chapter", 1, 1), ("chapter", 2, 2), ("chapter", 3, 4), ("chapter", 4, 5), ("chapter", 5, 6),
                     ("chapter", 6, 8), ("chapter", 7, None), ("chapter", 8, None), ("chapter", 9, None),
                     ("chapter", 10, None), ("group", None, None), ("group", None, None), ("total", None, None)]
    veerkracht = row(table, "Vlaamse Veerkracht")
    assert [r.label for r in table.rows if r.parent == veerkracht.order] == [
        "Blue Deal - Economie", "Circulair bouwen", "Circulaire economie",
        "Investeren in kernversterking via projectoproepen", "Ondersteuning bedrijven", "Smart Cities", "Spending reviews"]
    assert row(table, "Handelshuurlening").parent == row(table, "10. Financieringsinstrumenten").order
    assert [r.label for r in table.rows if r.parent == row(table, "Tijdelijk crisiskader").order] == ["Energiesteun"]
    assert len(table.rows) == 71 and table.end == 386


@pytest.mark.parametrize(
    ("text", "label", "cells"),
    [
        ("Kmo-groeisubsidie 11,00 11,00 11,00 12,50 12,50 12,50 12,50 12,50 12,50 12,50 ",
         "Kmo-groeisubsidie", ["11,00", "11,00", "11,00", "12,50", "12,50", "12,50", "12,50", "12,50", "12,50", "12,50"]),
        ("CCS/CCU projecten         7,50 7,50 ", "CCS/CCU projecten", [None] * 8 + ["7,50", "7,50"]),
        ("      1,60 2,00 2,00 2,00 ", "", [None] * 6 + ["1,60", "2,00", "2,00", "2,00"]),
        ("Herlocatiesteun 0,000 0,00 0,50 0,00       ", "Herlocatiesteun", ["0,000", "0,00", "0,50", "0,00"] + [None] * 6),
        ("van 195 miljoen euro in 2017) 2,60 2,60 0,00 0,00 0,00 0,00     ", "van 195 miljoen euro in 2017)",
         ["2,60", "2,60", "0,00", "0,00", "0,00", "0,00", None, None, None, None]),
    ],
)
def test_split_cells(text: str, label: str, cells: list[str | None]):
    assert split_cells(text, 10) == (label, tuple(cells))


def test_a_label_line_has_no_cells():
    assert split_cells("1.     Competitiviteit van ondernemingen stimuleren (zie ", 10) == (
        "1.     Competitiviteit van ondernemingen stimuleren (zie", None)


@pytest.mark.parametrize(
    "text",
    [
        "Project ondernemingsvriendelijke gemeente       0,00 1,22 1,22 0,00 9,99 9,99 9,99 9,99 9,99 9,99 9,99 ",
        "Innovatieve starterssteun 2,00 2,00 ",
        "Kmo-portefeuille 53,00 38,82 62,00 40,00 40,00 40,00 40,00 40,00 40,00",  # a value lost, no spaces for it
    ],
)
def test_a_row_that_does_not_fit_the_columns_stops_the_load_with_file_and_line(doc: SourceDocument, text: str):
    with pytest.raises(ValueError, match="cannot tell which columns"):
        split_cells(text, 10)
    with pytest.raises(SourceError) as caught:
        read_table(altered(doc, 199, text))
    assert caught.value.line == 199 and caught.value.path == Path("altered") / doc.path.name
    assert str(caught.value).startswith(f"altered/{doc.path.name}:199: Tabel 8 row:")


def test_a_changed_header_on_a_later_page_is_an_error(doc: SourceDocument):
    with pytest.raises(SourceError) as caught:
        read_table(altered(doc, 296, "Maatregel 2018BA 2019BO 2019BA 2020BO 2020BA 2021BO 2021BA 2022BO 2022BA 2024BO "))
    assert caught.value.line == 296


# -- analyst questions over the built graph -------------------------------------------------------------------
def test_kmo_portefeuille_over_all_ten_phases_with_its_row_quote(sparql):
    rows = sparql(
        """SELECT ?year ?phase ?amount ?text ?unit ?quote WHERE {
             ?line a fg:BudgetLine ; fg:fundsInstrument ?kmo .
             ?kmo skos:prefLabel "Kmo-portefeuille"@nl .
             ?obs fg:budgetLine ?line ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-8> ;
                  fg:year ?year ; obeu-dimension:budgetPhase ?p ; obeu-measure:amount ?amount ;
                  fg:originalText ?text ; fg:unitInSource ?unit ; fg:amountType amount:budgeted ;
                  prov:wasDerivedFrom/fg:quote ?quote FILTER(STRSTARTS(?quote, "Kmo"))
             BIND(STRAFTER(STR(?p), "budget-phase/") AS ?phase)
           } ORDER BY ?year DESC(?phase)"""
    )
    assert [f"{r['year']}{r['phase']}" for r in rows] == PHASES
    assert [r["text"] for r in rows] == ["53,00", "38,82", "62,00"] + ["40,00"] * 7
    assert [Decimal(r["amount"]) for r in rows][:2] == [Decimal(53000000), Decimal(38820000)]
    assert {r["unit"] for r in rows} == {"miljoen euro"}
    assert {r["quote"] for r in rows} == {"Kmo-portefeuille 53,00 38,82 62,00 40,00 40,00 40,00 40,00 40,00 40,00 40,00"}


def test_largest_changes_between_2022ba_and_2023bo(sparql):
    rows = sparql(
        """SELECT ?label ?before ?after (?after - ?before AS ?change) WHERE {
             ?line a fg:BudgetLine ; fg:lineKind lkind:line ; rdfs:label ?label .
             ?a fg:budgetLine ?line ; fg:year "2022"^^xsd:gYear ; obeu-dimension:budgetPhase phase:BA ; fg:amount ?before .
             ?b fg:budgetLine ?line ; fg:year "2023"^^xsd:gYear ; obeu-dimension:budgetPhase phase:BO ; fg:amount ?after .
           } ORDER BY DESC(ABS(?after - ?before)) LIMIT 4"""
    )
    assert [(r["label"][:40], Decimal(r["change"]) / 1000000) for r in rows] == [
        ("Compensatie voor indirecte emissiekosten", Decimal("91.65")),  # "stijging van indirect Carbon Leakage met 91"
        ("Ecologiesteun (-20% beschouwd als O&O; o", Decimal("15.82")),
        ("Werkingskredieten Flanders Investment an", Decimal("12.34")),
        ("Vlaamse cofinanciering voor EFRO-project", Decimal("11.81")),
    ]
    new = sparql(
        """SELECT ?label ?after WHERE {
             ?line a fg:BudgetLine ; fg:lineKind lkind:line ; rdfs:label ?label .
             ?b fg:budgetLine ?line ; fg:year "2023"^^xsd:gYear ; obeu-dimension:budgetPhase phase:BO ; fg:amount ?after .
             FILTER NOT EXISTS { ?a fg:budgetLine ?line ; fg:year "2022"^^xsd:gYear ; obeu-dimension:budgetPhase phase:BA }
           } ORDER BY DESC(?after) ?label"""
    )
    assert [(r["label"][:30], Decimal(r["after"])) for r in new] == [
        ("Energiesteun", Decimal(250000000)),
        ("Sanering en herontwikkeling Fo", Decimal(1000000)),  # 2022BA left empty: "0,00  1,00"
        ("Steun aan De Scheepvaart in ka", Decimal(1000000)),
    ]


def test_chapter_subtotals_that_do_not_reconcile_are_findings_of_the_source(sparql):
    rows = sparql(
        """SELECT ?chapter ?year ?phase ?stated ?computed WHERE {
             ?obs a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-8> ;
                  fg:reconciles false ; fg:amount ?stated ; fg:computedAmount ?computed ; fg:year ?year ;
                  obeu-dimension:budgetPhase ?p ; fg:budgetLine/fg:chapterNumber ?chapter .
             BIND(STRAFTER(STR(?p), "budget-phase/") AS ?phase)
           } ORDER BY ?chapter ?year DESC(?phase)"""
    )
    found = [(int(r["chapter"]), f"{r['year']}{r['phase']}", Decimal(r["stated"]) / 10**6, Decimal(r["computed"]) / 10**6)
             for r in rows]
    assert found == [
        (1, "2021BO", Decimal("93.9"), Decimal("84.25")),  # 9,65 (Innovatie en projecten Syntra) counted in chapter 1 ...
        (2, "2018BA", Decimal("31.87"), Decimal("27.15")),
        (2, "2019BO", Decimal("28.36"), Decimal("23.49")),
        (2, "2021BO", Decimal("65.15"), Decimal("74.8")),  # ... and missing from chapter 2: TOTAAL still adds up
        (5, "2019BA", Decimal("65.43"), Decimal("56.28")),
        (5, "2020BO", Decimal("123.11"), Decimal("118.08")),
    ]
    totals = sparql(
        """SELECT ?ok (COUNT(*) AS ?n) WHERE {
             ?obs fg:budgetLine/fg:lineKind lkind:total ; fg:reconciles ?ok ; fg:hasPart ?part } GROUP BY ?ok"""
    )
    # 10 chapters per column (chapter 7 is empty in 2021BA-2022BA) and the groups where they have a value
    assert [(r["ok"], int(r["n"])) for r in totals] == [("true", 10 * 10 - 3 + 4 + 1)]


def test_vlaamse_veerkracht_is_the_sum_of_its_lines_in_2021ba(sparql):
    rows = sparql(
        """SELECT ?stated ?computed ?tolerance ?ok (COUNT(?part) AS ?n) WHERE {
             ?line rdfs:label "Vlaamse Veerkracht"@nl ; fg:lineKind lkind:group ; fg:fundsInstrument ?i .
             ?obs fg:budgetLine ?line ; obeu-dimension:budgetPhase phase:BA ; fg:year "2021"^^xsd:gYear ;
                  fg:amount ?stated ; fg:computedAmount ?computed ; fg:roundingTolerance ?tolerance ;
                  fg:reconciles ?ok ; fg:hasPart ?part } GROUP BY ?stated ?computed ?tolerance ?ok"""
    )
    assert [(Decimal(r["stated"]), Decimal(r["computed"]), Decimal(r["tolerance"]), r["ok"], int(r["n"])) for r in rows] == [
        (Decimal(12990000), Decimal(12980000), Decimal(35000), "true", 7)]


def test_two_rows_with_one_label_are_two_lines(sparql):
    rows = sparql(
        """SELECT ?line ?order (COUNT(?obs) AS ?n) WHERE {
             ?line rdfs:label "Projecten in het kader van gebiedsgerichte partnerschappen en/of het Vlaams ruimtelijk-economisch beleid"@nl ;
                   fg:rowOrder ?order . ?obs fg:budgetLine ?line } GROUP BY ?line ?order ORDER BY ?order"""
    )
    assert [(int(r["order"]), int(r["n"])) for r in rows] == [(19, 10), (22, 4)]
    assert rows[0]["line"] != rows[1]["line"]


@pytest.mark.parametrize(
    ("label", "instruments"),
    [
        ("Strategische Transformatiesteun (STS)", {"strategische-transformatiesteun"}),
        ("Ecologiesteun (-20% beschouwd als O&O; opgenomen in deel 2)",
         {"ecologiesteun", "ecologiepremie-plus", "strategische-ecologiesteun"}),
        ("Steun aan De Scheepvaart in kader van sanering en herontwikkeling Ford-site", {"herontwikkeling-ford-site"}),
        ("European Fund for Strategic Investments (EFSI)", {"efsi"}),
        ("Energiesteun", {"energiesteun"}),
        ("Netto verliesfinanciering van de NV Waarborgbeheer", set()),
    ],
)
def test_lines_fund_the_instrument_they_are_claimed_with_the_row_label(sparql, label: str, instruments: set[str]):
    rows = sparql(
        """SELECT ?label ?instrument ?quote WHERE {
             ?line a fg:BudgetLine ; rdfs:label ?label ; fg:fundsInstrument ?i . ?i fg:budgetLine ?line .
             ?claim rdf:subject ?line ; rdf:predicate fg:fundsInstrument ; rdf:object ?i ; prov:wasDerivedFrom/fg:quote ?quote .
             BIND(STRAFTER(STR(?i), "instrument/") AS ?instrument) }""",
        label=Literal(label, language="nl"),
    )
    assert {r["instrument"] for r in rows} == instruments
    assert all(" ".join(r["quote"].split()) == label for r in rows)


def test_lines_carry_the_theme_of_the_chapter_they_refer_to(sparql):
    rows = sparql(
        """SELECT ?chapter ?theme WHERE {
             ?line fg:lineKind lkind:chapter ; fg:chapterNumber ?chapter ; fg:theme ?t .
             BIND(STRAFTER(STR(?t), "theme/") AS ?theme) } ORDER BY ?chapter"""
    )
    assert [(int(r["chapter"]), r["theme"]) for r in rows] == [
        (1, "competitiviteit"), (2, "ondernemerschap"), (3, "omgevingsfactoren"), (4, "internationalisering"),
        (5, "duurzaamheid"), (6, "efro")]
    assert sparql("""ASK { ?l rdfs:label "Kmo-portefeuille"@nl ; fg:theme theme:competitiviteit ; fg:chapterNumber 1 }""")


def test_the_figure_in_a_label_is_kept_with_its_quote(sparql):
    rows = sparql(
        """SELECT ?amount ?year ?quote WHERE {
             ?s a fg:Statement ; fg:about/fg:lineKind lkind:line ; fg:amount ?amount ; fg:year ?year ;
                prov:wasDerivedFrom/fg:quote ?quote }"""
    )
    assert [(Decimal(r["amount"]), r["year"]) for r in rows] == [(Decimal(195000000), "2017")]
    assert "van 195 miljoen euro in 2017)" in rows[0]["quote"]


def test_every_cell_is_one_observation_that_cites_its_row(sparql, table: Table, doc: SourceDocument):
    rows = sparql(
        """SELECT ?obs ?text ?start ?end ?quote WHERE {
             ?obs qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-8> ; fg:originalText ?text ;
                  prov:wasDerivedFrom ?ex . ?ex fg:startLine ?start ; fg:endLine ?end ; fg:quote ?quote
             FILTER(CONTAINS(?quote, ?text)) }"""
    )
    cells = sum(len(r.values) for r in table.rows)
    decimals = [m for m in scan_sources(SourceSet(ROOT / "sources", (doc,))) if m.table == "Tabel 8"]
    assert cells == len(decimals) == 516 and len({r["obs"] for r in rows}) == cells
    for r in rows:
        span = doc.span(int(r["start"]), int(r["end"]))
        assert r["quote"] in span and r["text"] in r["quote"].split()
