"""Written parliamentary questions: analyst questions over the built graph, and the parsers line by line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal

from fundinggraph.namespaces import XSD, DataNamespace
from loaders import parliament
from loaders.graph import GraphBuilder
from loaders.numbers import scan_amounts
from loaders.parliament import (
    Cell,
    parse_credit_cells,
    parse_dutch_date,
    parse_item,
    read_credit_tables,
    read_header,
    read_lists,
    read_support_tables,
)
from loaders.registry import load_registry
from loaders.sourcetext import SourceDocument, SourceError, SourceSet, read_sources
from loaders.yamlsource import clean, read_yaml

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"


@pytest.fixture(scope="module")
def sources() -> SourceSet:
    return read_sources(SOURCES)


# -- analyst questions ----------------------------------------------------------------------------------
def test_vlaio_granted_dyzo_585000_in_2022_and_2023_with_the_documents_that_say_so(sparql):
    rows = sparql(
        """SELECT ?year ?amount ?file ?quote WHERE {
             ?flow a fg:FundingFlow ; fg:funder ?vlaio ; fg:recipient ?dyzo ; fg:amountType amount:granted ;
                   fg:year ?year ; fg:amount ?amount ; prov:wasDerivedFrom ?ex .
             ?vlaio skos:altLabel "VLAIO" . ?dyzo skos:prefLabel "Dyzo"@nl .
             ?ex dcterms:source ?doc ; fg:quote ?quote FILTER(CONTAINS(?quote, "Dyzo"))
             ?doc fg:sourceFile ?file } ORDER BY ?year"""
    )
    assert [(r["year"], Decimal(r["amount"]), r["file"][:3], r["quote"]) for r in rows] == [
        ("2022", Decimal(585000), "000", "- Dyzo: 585.000,00 euro"),
        ("2023", Decimal(585000), "001", "2023 Dyzo 585.000"),
    ]


def test_2023_partners_add_up_to_the_stated_total(sparql):
    rows = sparql(
        """SELECT ?partner ?amount ?stated ?computed ?ok WHERE {
             ?total a fg:StatedTotal ; fg:amount ?stated ; fg:computedAmount ?computed ; fg:reconciles ?ok ;
                    fg:year "2023"^^xsd:gYear ; fg:amountType amount:granted ; fg:hasPart ?flow .
             ?flow fg:recipient ?r ; fg:amount ?amount . ?r skos:prefLabel ?partner FILTER(LANG(?partner) = "nl")
           } ORDER BY ?partner"""
    )
    assert {r["partner"]: int(Decimal(r["amount"])) for r in rows} == {
        "BAN Vlaanderen": 2300000,
        "Dyzo": 585000,
        "Federatie Vrije Beroepen": 250000,
        "Hefboom": 250000,
        "Sociale Innovatiefabriek": 450000,
        "microStart Support": 200000,
    }
    assert {(Decimal(r["stated"]), Decimal(r["computed"]), r["ok"]) for r in rows} == {
        (Decimal(4035000), Decimal(4035000), "true")
    }


@pytest.mark.parametrize(
    ("amount_type", "stated", "parts"),
    [("expected-payment", 1962500, 5), ("committed", 2550000, 2)],
)
def test_the_other_tables_of_question_407_reconcile(sparql, amount_type: str, stated: int, parts: int):
    rows = sparql(
        """SELECT ?type ?stated ?ok (COUNT(?part) AS ?n) WHERE {
             ?total a fg:StatedTotal ; fg:amountType ?type ; fg:amount ?stated ; fg:reconciles ?ok ; fg:hasPart ?part .
             ?part a fg:FundingFlow } GROUP BY ?type ?stated ?ok""",
        type=parliament.concept("amount-type", amount_type),
    )
    assert [(Decimal(r["stated"]), r["ok"], int(r["n"])) for r in rows] == [(Decimal(stated), "true", parts)]


def test_multi_year_commitments_carry_their_duration_in_months(sparql):
    rows = sparql(
        """SELECT ?partner ?months ?amount WHERE {
             ?flow fg:amountType amount:committed ; fg:durationMonths ?months ; fg:amount ?amount ; fg:recipient ?r .
             ?r skos:prefLabel ?partner FILTER(LANG(?partner) = "nl") } ORDER BY ?months"""
    )
    assert [(r["partner"], int(r["months"]), Decimal(r["amount"])) for r in rows] == [
        ("Federatie Vrije Beroepen", 15, Decimal(250000)),
        ("BAN Vlaanderen", 48, Decimal(2300000)),
    ]


def test_question_407_was_asked_by_bothuyne_and_answered_by_brouns_in_his_post(sparql):
    rows = sparql(
        """SELECT ?date ?asker ?answerer ?post ?holder ?askQuote WHERE {
             ?doc fg:questionNumber "407" ; dcterms:date ?date ; fg:askedBy ?a ; fg:answeredBy ?m ;
                  fg:addressedTo ?m ; fg:addressedToPost ?p ; dcterms:publisher ?vp .
             ?vp a fg:Parliament . ?a foaf:name|skos:prefLabel ?asker . ?m skos:prefLabel ?answerer .
             ?p rdfs:label ?post ; org:heldBy ?m . ?m org:holds ?p ; skos:prefLabel ?holder .
             ?s rdf:subject ?doc ; rdf:predicate fg:askedBy ; prov:wasDerivedFrom/fg:quote ?askQuote .
             FILTER(LANG(?asker) = "nl" && LANG(?answerer) = "nl" && LANG(?post) = "nl" && LANG(?holder) = "nl") }"""
    )
    assert {r["askQuote"] for r in rows} == {"van ROBRECHT BOTHUYNE"}
    row = rows[0]
    assert (row["date"], row["asker"], row["answerer"]) == ("2024-04-29", "Robrecht Bothuyne", "Jo Brouns")
    assert row["post"] == "Vlaams minister van Economie, Innovatie, Werk, Sociale Economie en Landbouw"


@pytest.mark.parametrize(
    ("file", "title", "number", "day", "asker", "minister"),
    [
        ("000", "Ondernemerschapsbeleid VLAIO - Werkingsmiddelen structurele partners", "307", "2023-01-20",
         "Robrecht Bothuyne", "Jo Brouns"),
        ("001", "Agentschap Innoveren en Ondernemen (VLAIO) - Werkingsmiddelen structurele partners", "407",
         "2024-04-29", "Robrecht Bothuyne", "Jo Brouns"),
        ("003", "Startende ondernemers - Lokale ondersteuning", "77", "2018-11-27", "Mercedes Van Volcem",
         "Philippe Muyters"),
        ("004", "Bedrijfsclusters - Subsidies", None, None, None, None),
    ],
)
def test_each_question_records_only_the_metadata_it_states(sparql, file, title, number, day, asker, minister):
    rows = sparql(
        """SELECT ?prefix ?title ?number ?date ?asker ?minister WHERE {
             ?doc fg:sourceFile ?f ; dcterms:title ?title FILTER(STRSTARTS(?f, ?prefix))
             OPTIONAL { ?doc fg:questionNumber ?number } OPTIONAL { ?doc dcterms:date ?date }
             OPTIONAL { ?doc fg:askedBy/skos:prefLabel ?asker FILTER(LANG(?asker) = "nl") }
             OPTIONAL { ?doc fg:answeredBy/skos:prefLabel ?minister FILTER(LANG(?minister) = "nl") } }""",
        prefix=Literal(file + "_"),
    )
    assert [(r["title"], r["number"], r["date"], r["asker"], r["minister"]) for r in rows] == [
        (title, number, day, asker, minister)
    ]


def test_question_407_has_its_themes_and_links_with_quotes(sparql):
    rows = sparql(
        """SELECT ?subject ?pdf ?page WHERE {
             ?doc fg:questionNumber "407" ; dcterms:subject ?subject ; fg:pdf ?pdf ; foaf:page ?page .
             ?s rdf:subject ?doc ; rdf:predicate fg:pdf ; prov:wasDerivedFrom/fg:quote ?q
             FILTER(CONTAINS(?q, "pfile")) } ORDER BY ?subject"""
    )
    assert [r["subject"] for r in rows] == ["Economie", "Wetenschap en Innovatie"]
    assert rows[0]["pdf"] == "https://docs.vlaamsparlement.be/pfile?id=2064561"


def test_brexit_top_ups_of_2022_and_their_total(sparql):
    rows = sparql(
        """SELECT ?partner ?amount ?vat ?contract WHERE {
             ?flow fg:amountType amount:exceptional-top-up ; fg:year "2022"^^xsd:gYear ; fg:amount ?amount ;
                   fg:purpose ?purpose ; fg:contract/skos:prefLabel ?contract ; fg:recipient/skos:prefLabel ?partner .
             OPTIONAL { ?flow fg:vatIncluded ?vat }
             FILTER(CONTAINS(?purpose, "Brexit") && LANG(?partner) = "nl" && LANG(?contract) = "nl") }
           ORDER BY DESC(?amount)"""
    )
    assert [(r["partner"], Decimal(r["amount"]), r["vat"]) for r in rows] == [
        ("Consortium rond Unizo vzw", Decimal("1079287.5"), "true"),
        ("Consortium rond Voka Shared Services cvba", Decimal("585301.5"), "true"),
        ("Consortium rond Sirris en Agoria", Decimal("486172.92"), "true"),
        ("Netwerk Ondernemen en Startit@kbc", Decimal("112486.95"), None),  # no "inclusief btw" for this one
    ]
    assert {r["contract"] for r in rows} == {"Overheidsopdracht ondernemerschap en innovatieversnelling"}
    assert sum(Decimal(r["amount"]) for r in rows) == Decimal("2263248.87")


def test_same_amounts_are_budgeted_in_2023_citing_that_sentence(sparql):
    rows = sparql(
        """SELECT (COUNT(DISTINCT ?flow) AS ?n) (SUM(?amount) AS ?sum) WHERE {
             ?flow fg:amountType amount:budgeted ; fg:year "2023"^^xsd:gYear ; fg:amount ?amount ;
                   prov:wasDerivedFrom/fg:quote "Dezelfde bedragen worden voorzien in 2023." }"""
    )
    assert int(rows[0]["n"]) == 21  # 10 structural items + 11 contract partners, without Brexit top-ups
    dyzo = sparql(
        """ASK { ?flow fg:amountType amount:budgeted ; fg:year "2023"^^xsd:gYear ; fg:amount 585000.0 ;
                       fg:recipient/skos:prefLabel "Dyzo"@nl ;
                       fg:instrument/skos:prefLabel "Werkingssubsidies structurele partners"@nl }"""
    )
    assert dyzo is True


def test_student_ecosystem_budget_was_distributed_among_nine_ecosystems(sparql):
    rows = sparql(
        """SELECT ?member ?amount WHERE {
             ?flow fg:recipient ?group ; fg:amountType amount:available-budget ; fg:amount ?amount ;
                   fg:instrument/skos:prefLabel "Ecosystemen studentenondernemerschap"@nl .
             ?group a fg:RecipientGroup ; fg:distributedAmong/skos:prefLabel ?member FILTER(LANG(?member) = "nl") }
           ORDER BY ?member"""
    )
    assert len(rows) == 9 and {Decimal(r["amount"]) for r in rows} == {Decimal(2000000)}
    assert rows[0]["member"] == "Broeikas Aalst" and "Take Off Antwerp" in {r["member"] for r in rows}


def test_public_contract_partners_are_consortia_with_their_leads(sparql):
    rows = sparql(
        """SELECT ?consortium ?lead WHERE {
             ?c a fg:Consortium ; fg:consortiumLead/skos:prefLabel ?lead ; skos:prefLabel ?consortium .
             FILTER(LANG(?lead) = "nl" && LANG(?consortium) = "nl") } ORDER BY ?consortium ?lead"""
    )
    assert ("Consortium rond Sirris en Agoria", "Agoria") in {(r["consortium"], r["lead"]) for r in rows}
    assert ("Consortium rond Voka Shared Services cvba", "Voka Shared Services cvba") in {
        (r["consortium"], r["lead"]) for r in rows
    }


def test_vak_and_vek_credits_per_year(sparql):
    rows = sparql(
        """SELECT ?year ?credit ?amount ?na WHERE {
             ?obs qb:dataSet ?ds ; fg:year ?year ; fg:creditType ?c ; fg:instrument/skos:prefLabel "Vlaams clusterbeleid"@nl .
             ?ds a qb:DataSet . BIND(STRAFTER(STR(?c), "credit-type/") AS ?credit)
             OPTIONAL { ?obs fg:amount ?amount } OPTIONAL { ?obs fg:notApplicable ?na } } ORDER BY ?year ?credit"""
    )
    table = {(r["year"], r["credit"]): (Decimal(r["amount"]) if r["amount"] else r["na"]) for r in rows}
    assert table == {
        ("2014", "VAK"): "true", ("2014", "VEK"): "true",
        ("2015", "VAK"): "true", ("2015", "VEK"): "true",
        ("2016", "VAK"): Decimal(14250000), ("2016", "VEK"): "true",
        ("2017", "VAK"): Decimal(58000000), ("2017", "VEK"): "true",
        ("2018", "VAK"): Decimal(58000000), ("2018", "VEK"): Decimal(45800000),
    }


def test_not_applicable_credits_carry_their_footnote(sparql):
    rows = sparql(
        """SELECT ?comment WHERE { ?obs fg:year "2016"^^xsd:gYear ; fg:notApplicable true ; rdfs:comment ?comment ;
             fg:creditType credit:VEK }"""
    )
    assert len(rows) == 1 and "De VEK werd niet apart gebudgetteerd." in rows[0]["comment"]


def test_2016_cluster_commitment_splits_into_networks_and_spearhead_clusters(sparql):
    rows = sparql(
        """SELECT ?stated ?computed ?ok WHERE { ?t a fg:StatedTotal ; fg:year "2016"^^xsd:gYear ; fg:amount ?stated ;
             fg:computedAmount ?computed ; fg:reconciles ?ok }"""
    )
    assert [(Decimal(r["stated"]), Decimal(r["computed"]), r["ok"]) for r in rows] == [
        (Decimal(14250000), Decimal(14250000), "true")
    ]


def test_microstart_did_not_reach_all_targets_in_2023(sparql):
    rows = sparql(
        """SELECT ?label ?quote WHERE {
             ?st a fg:Statement ; fg:about/skos:prefLabel "microStart Support"@nl ; fg:assessment assess:targets-not-met ;
                 fg:year "2023"^^xsd:gYear ; rdfs:label ?label ; prov:wasDerivedFrom/fg:quote ?quote
             FILTER(LANG(?label) = "nl") } ORDER BY ?quote"""
    )
    assert {r["label"] for r in rows} == {"microStart Support behaalde niet alle streefcijfers in 2023"}
    assert "microStart Support behaalde niet alle streefcijfers" in {r["quote"] for r in rows}


def test_structural_partners_of_vlaio_include_both_answers(sparql):
    rows = sparql(
        """SELECT DISTINCT ?partner WHERE { ?p fg:structuralPartnerOf ?vlaio ; skos:prefLabel ?partner .
             ?vlaio skos:altLabel "VLAIO" FILTER(LANG(?partner) = "nl") }"""
    )
    partners = {r["partner"] for r in rows}
    assert {"Vlajo", "UNIZO ondernemend onderwijs", "MyMachine", "Vlhora", "BAN Vlaanderen", "Dyzo"} <= partners
    assert "Consortium rond Unizo vzw" not in partners  # public-contract partners are not structural partners


# -- every money figure is carried ----------------------------------------------------------------------
def _money_mentions(doc: SourceDocument) -> list[tuple[int, str, Decimal]]:
    """Money in the text (also across a line break) and the cells of the tables the parser reads."""
    found = []
    for number, line in enumerate(doc.lines, start=1):
        found += [(number, a.number, a.value) for _, _, a in scan_amounts(line)]
        if number < doc.line_count:  # "58 \nmiljoen euro": a figure broken over two lines
            head = line.rstrip()
            joined = head + " " + doc.lines[number].lstrip()
            found += [(number, a.number, a.value) for s, e, a in scan_amounts(joined) if s < len(head) < e]
    for table in read_support_tables(doc):
        found += [(r.excerpt.start, r.amount.number, r.amount.value) for r in (*table.rows, table.total)]
    for credit in read_credit_tables(doc):
        found += [(r.excerpt.start, c.value, Decimal(c.value.replace(".", "")))
                  for r in credit.rows for c in r.cells if c.value and c.value[0].isdigit()]
    return found


def test_every_money_figure_of_the_questions_is_in_the_graph_with_its_quote(sparql, sources):
    missing, total = [], 0
    for doc in sources.of_kind("written-question"):
        mentions = _money_mentions(doc)
        total += len(mentions)
        for line, text, value in mentions:
            carried = sparql(
                """SELECT ?value ?file ?line ?text ?fact WHERE { ?fact fg:amount ?a ; prov:wasDerivedFrom ?ex .
                         ?ex dcterms:source/fg:sourceFile ?file ; fg:startLine ?s ; fg:endLine ?e ; fg:quote ?q
                         FILTER(?a = ?value && ?s <= ?line && ?line <= ?e && CONTAINS(?q, ?text)) } LIMIT 1""",
                value=Literal(str(value), datatype=XSD.decimal),
                file=Literal(doc.path.name),
                line=Literal(str(line), datatype=XSD.integer),
                text=Literal(text),
            )
            if not carried:
                missing.append((doc.key, line, text))
    assert total >= 55
    assert missing == []


# -- curated quotes -------------------------------------------------------------------------------------
def _quoted(path: Path):
    """Every (fact, document key, line/end/quote spec) of a curated file, ``also`` entries included."""
    data = read_yaml(path)
    for fact in data["facts"]:
        for spec in [fact, *(fact.get("also") or [])]:
            yield clean(fact), str(spec.get("doc", fact.get("doc", data["document"]))), clean(spec)


CURATED = sorted((SOURCES / "curated").glob("parliament-*.yaml"))


@pytest.mark.parametrize("path", CURATED, ids=[p.name for p in CURATED])
def test_every_curated_quote_occurs_in_its_lines(path: Path, sources):
    checked = 0
    for fact, key, spec in _quoted(path):
        start = int(spec["line"])
        span = sources.by_key(key).span(start, int(spec.get("end", start)))
        assert spec["quote"] in span, f"{path.name}: quote not in {key}:{start}: {spec['quote']!r}"
        if spec == fact and "amount" in fact:
            assert str(fact["amount"]) in spec["quote"]
        checked += 1
    assert checked > 5


# -- parsers, line by line --------------------------------------------------------------------------------
def test_dutch_dates():
    assert parse_dutch_date("29 april 2024").isoformat() == "2024-04-29"
    assert parse_dutch_date("1 juli 2015").isoformat() == "2015-07-01"
    with pytest.raises(ValueError):
        parse_dutch_date("29 aprilis 2024")


def test_list_item_with_amount_only():
    item = parse_item("Dyzo: 585.000,00 euro")
    assert (item.name, item.amount.value, item.amount.text, item.vat, item.extra) == (
        "Dyzo", Decimal(585000), "585.000,00 euro", False, None)


def test_list_item_with_purpose():
    item = parse_item("Vlhora: kennisdiffusie hogescholen via Blikopener: 5.150.000,00 euro")
    assert (item.name, item.purpose, item.amount.value) == (
        "Vlhora", "kennisdiffusie hogescholen via Blikopener", Decimal(5150000))


@pytest.mark.parametrize(
    ("text", "extra_vat"),
    [
        ("Het consortium rond Unizo vzw: 9.275.232,85 euro inclusief btw, en uitzonderlijk bijkomend "
         "1.079.287,50 euro, inclusief btw in het kader van Brexit", True),
        ("Netwerk Ondernemen en Startit@kbc: 9.275.232,85 euro, inclusief btw en uitzonderlijk bijkomend "
         "1.079.287,50 euro in het kader van Brexit", False),
    ],
)
def test_list_item_with_brexit_top_up(text: str, extra_vat: bool):
    item = parse_item(text)
    assert (item.amount.value, item.vat, item.extra.value, item.extra_vat, item.occasion) == (
        Decimal("9275232.85"), True, Decimal("1079287.50"), extra_vat, "Brexit")


def test_list_item_with_an_available_budget_and_recipients():
    item = parse_item("Voor de Ecosystemen studentensteden was er een beschikbaar budget van 2.000.000,00 euro, "
                      "dat werd verdeeld onder Startup 2440 Geel, Gentrepreneur en Leon Leuven")
    assert item.budget and item.name == "Ecosystemen studentensteden"
    assert item.members == ("Startup 2440 Geel", "Gentrepreneur", "Leon Leuven")


@pytest.mark.parametrize("text", ["Dyzo 585.000,00 euro", "Dyzo: 585.000,00 dollar", "Dyzo: ongeveer een half miljoen"])
def test_list_items_that_do_not_parse(text: str):
    with pytest.raises(ValueError):
        parse_item(text)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("n.v.t. (1) n.v.t. (1)", [Cell("n.v.t.", 1), Cell("n.v.t.", 1)]),
        ("14.250.000 (2) (3)", [Cell("14.250.000", 2), Cell(None, 3)]),
        ("58.000.000 (3)", [Cell("58.000.000", None), Cell(None, 3)]),
        ("58.000.000 45.800.000", [Cell("58.000.000", None), Cell("45.800.000", None)]),
    ],
)
def test_credit_cells(cells: str, expected: list[Cell]):
    assert parse_credit_cells(cells) == expected


@pytest.mark.parametrize("cells", ["58.000.000", "58.000.000 45.800.000 1.000.000", "58.000.000 ongeveer"])
def test_credit_cells_that_do_not_parse(cells: str):
    with pytest.raises(ValueError):
        parse_credit_cells(cells)


def test_the_real_documents_parse_into_the_expected_structures(sources):
    lists = read_lists(sources.by_key("000"))
    assert [len(a.items) for a in lists] == [10, 11]
    ecosystems = lists[0].items[7]
    assert (ecosystems.excerpt.start, ecosystems.excerpt.end) == (63, 67)
    assert "Take Off Antwerp" in ecosystems.text
    tables = read_support_tables(sources.by_key("001"))
    assert [(t.amount_type, len(t.rows), t.total.amount.value) for t in tables] == [
        ("granted", 6, Decimal(4035000)), ("expected-payment", 5, Decimal(1962500)), ("committed", 2, Decimal(2550000)),
    ]
    header = read_header(sources.by_key("004"))
    assert header.title and not header.numbers and not header.askers and header.answerer is None


# -- bad input stops the load with file and line ---------------------------------------------------------
def _broken(tmp_path: Path, sources: SourceSet, key: str, old: str, new: str) -> SourceSet:
    original = sources.by_key(key)
    assert old in original.text
    path = tmp_path / original.path.name
    text = original.text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")
    doc = SourceDocument(path, original.key, original.slug, original.kind, text, "")
    return SourceSet(tmp_path, (doc,))


@pytest.mark.parametrize(
    ("key", "old", "new", "line", "message"),
    [
        ("000", "- Dyzo: 585.000,00 euro", "- Dyzo: 585.000,00 dollar", 59, "cannot read list item"),
        ("000", "- Verso: 250.000 euro", "- Acme: 250.000 euro", 91, "no entity named 'Acme'"),
        ("001", "2023 Dyzo 585.000", "2023 Dyzo 585.000 euro", 43, "cannot read table row"),
        ("001", "  4.035.000\n", "", 48, "cannot read table row"),
        ("001", "Jaar Naam Betaalde Steun Verwacht", "Jaar Naam Betaald", 51, "unknown table header"),
        ("004", "2017 58.000.000 (3)", "2017 58.000.000 zeven", 45, "unexpected text"),
        ("004", "2017 58.000.000 (3)", "2017 58.000.000 (4)", 45, "footnote (4)"),
        ("003", "op vraag nr. 77 van 27 november 2018", "op vraag nr. 77 van 27 novembre 2018", 30, "not a Dutch date"),
        ("001", "nr. 407", "nr. 408", 36, "question number differs"),
    ],
)
def test_bad_rows_and_items_name_file_and_line(tmp_path: Path, sources, key, old, new, line, message):
    broken = _broken(tmp_path, sources, key, old, new)
    g = GraphBuilder(DataNamespace("https://example.org/"))
    with pytest.raises(SourceError) as info:
        parliament.contribute(g, broken, load_registry(SOURCES / "registry"))
    assert info.value.line == line and message in str(info.value)
    assert f"{broken.documents[0].path.name}:{line}:" in str(info.value)
