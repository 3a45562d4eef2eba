"""The result tables of the Speurgids (Tabel 9-27, Figuur 26): analyst questions over the graph, and the readers."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import Literal

from fundinggraph.namespaces import DataNamespace
from loaders import speurgids_tables
from loaders.coverage import check
from loaders.graph import GraphBuilder
from loaders.moneyscan import TABLE, scan_sources
from loaders.numbers import amount
from loaders.registry import Registry, load_registry
from loaders.sourcetext import SourceDocument, SourceError, SourceSet, read_sources

ROOT = Path(__file__).resolve().parents[2]
M = Decimal(1_000_000)


@pytest.fixture(scope="module")
def sources() -> SourceSet:
    return read_sources(ROOT / "sources")


@pytest.fixture(scope="module")
def doc(sources: SourceSet) -> SourceDocument:
    return sources.by_key("002")


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load_registry(ROOT / "sources" / "registry")


def altered(doc: SourceDocument, changes: dict[int, str]) -> SourceSet:
    lines = doc.lines
    for number, text in changes.items():
        lines[number - 1] = text
    changed = SourceDocument(Path("altered") / doc.path.name, doc.key, doc.slug, doc.kind, "\n".join(lines), "")
    return SourceSet(ROOT / "sources", (changed,))


def load(sources: SourceSet, registry: Registry) -> GraphBuilder:
    g = GraphBuilder(DataNamespace("https://fundinggraph.example.org/"))
    speurgids_tables.contribute(g, sources, registry)
    return g


# -- analyst questions ----------------------------------------------------------------------------------------
def test_sts_2022_by_company_size_and_its_total(sparql):
    rows = sparql(
        """SELECT ?size ?dossiers ?amount ?quote WHERE {
             ?r a fg:InstrumentResult ; fg:instrument/skos:prefLabel "Strategische Transformatiesteun"@nl ;
                fg:year "2022"^^xsd:gYear ; fg:partnerType ?p ; fg:count ?dossiers ; fg:countUnit unit:dossiers ;
                fg:amount ?amount ; prov:wasDerivedFrom/fg:quote ?quote FILTER(STRLEN(?quote) < 20)
             BIND(STRAFTER(STR(?p), "partner-type/") AS ?size) } ORDER BY DESC(?amount)"""
    )
    assert [(r["size"], int(r["dossiers"]), Decimal(r["amount"]), r["quote"]) for r in rows] == [
        ("large-enterprise", 10, Decimal(14763113), "GO 10 14.763.113"),
        ("small-enterprise", 6, Decimal(3645118), "KO 6 3.645.118"),
        ("medium-enterprise", 4, Decimal(2301962), "MO 4 2.301.962"),
    ]
    total = sparql(
        """SELECT ?count ?amount ?computed ?ok WHERE {
             ?t a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-9> ;
                fg:count ?count ; fg:amount ?amount ; fg:computedAmount ?computed ; fg:reconciles ?ok }"""
    )
    assert [(int(r["count"]), Decimal(r["amount"]), Decimal(r["computed"]), r["ok"]) for r in total] == [
        (20, Decimal(20710193), Decimal(20710193), "true")]


def test_clusters_ranked_by_earmarked_project_support_decided_in_2022(sparql):
    rows = sparql(
        """SELECT ?cluster ?projects ?amount WHERE {
             ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-16> ; a fg:InstrumentResult ;
                fg:cluster ?c ; fg:count ?projects ; fg:amount ?amount ; fg:year "2022"^^xsd:gYear ;
                fg:instrument/skos:prefLabel "Geoormerkte middelen voor clusterprojecten"@nl .
             ?c a org:Organization ; skos:prefLabel ?cluster FILTER(LANG(?cluster) = "nl")
             FILTER NOT EXISTS { ?r a fg:StatedTotal } } ORDER BY DESC(?amount) ?cluster"""
    )
    assert [(r["cluster"], int(r["projects"]), Decimal(r["amount"]) / M) for r in rows] == [
        ("Flanders’ FOOD", 6, Decimal("8.3")),
        ("Catalisti", 4, Decimal("7.5")),
        ("De Blauwe Cluster", 8, Decimal("7.5")),
        ("VIL", 9, Decimal("6.2")),
        ("Flux50", 4, Decimal("5.5")),
        ("Medvia", 5, Decimal("2.9")),
        ("Flanders Space", 5, Decimal("2.5")),
        ("SIM", 1, Decimal("0.132")),
    ]
    total = sparql(
        """SELECT ?count ?amount ?computed ?ok (COUNT(?part) AS ?parts) WHERE {
             ?t a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-16> ; fg:count ?count ;
                fg:amount ?amount ; fg:computedAmount ?computed ; fg:reconciles ?ok ; fg:hasPart ?part }
           GROUP BY ?count ?amount ?computed ?ok"""
    )
    assert [(int(r["count"]), Decimal(r["amount"]) / M, Decimal(r["computed"]) / M, r["ok"], int(r["parts"]))
            for r in total] == [(49, Decimal("49.5"), Decimal("49.532"), "true", 9)]  # 8 clusters + Intercluster


def test_cluster_project_support_per_cluster_and_year(sparql):
    rows = sparql(
        """SELECT ?cluster ?year ?projects ?amount WHERE {
             ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-17> ; fg:cluster ?c ; fg:year ?year ;
                fg:count ?projects ; fg:amount ?amount .
             ?c skos:prefLabel ?cluster FILTER(LANG(?cluster) = "nl") } ORDER BY ?cluster ?year"""
    )
    table: dict[str, dict[int, tuple[int, Decimal]]] = {}
    for r in rows:
        table.setdefault(r["cluster"], {})[int(r["year"])] = (int(r["projects"]), Decimal(r["amount"]) / M)
    assert table["Catalisti"] == {2017: (11, Decimal("12.7")), 2018: (7, Decimal("10.1")), 2019: (5, Decimal(11)),
                                  2020: (7, Decimal("10.4")), 2021: (3, Decimal("5.2")), 2022: (4, Decimal("7.5"))}
    assert sorted(table["De Blauwe Cluster"]) == [2019, 2020, 2021, 2022]  # empty cells before it existed
    assert table["Medvia"] == {2021: (14, Decimal("4.7")), 2022: (5, Decimal("2.9"))}
    assert table["Flanders Space"] == {2022: (5, Decimal("2.5"))}  # the row without a label, matched to Tabel 16
    assert len(rows) == 6 + 4 + 6 + 6 + 2 + 6 + 6 + 1 + 6
    totals = sparql(
        """SELECT ?year ?count ?amount ?computed ?ok WHERE {
             ?t a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-17> ; fg:year ?year ;
                fg:count ?count ; fg:computedCount ?count ; fg:amount ?amount ; fg:computedAmount ?computed ;
                fg:reconciles ?ok } ORDER BY ?year"""
    )
    assert [(int(r["year"]), int(r["count"]), Decimal(r["amount"]) / M, Decimal(r["computed"]) / M, r["ok"])
            for r in totals] == [
        (2017, 85, Decimal("47.7"), Decimal("47.7"), "true"),
        (2018, 41, Decimal("45.8"), Decimal("45.8"), "true"),
        (2019, 67, Decimal("85.3"), Decimal("85.3"), "true"),
        (2020, 51, Decimal(55), Decimal("54.7"), "true"),  # "55" rounds 54,7 within the written precision
        (2021, 60, Decimal(58), Decimal("58.1"), "true"),
        (2022, 49, Decimal("49.5"), Decimal("49.5"), "true"),
    ]


def test_the_unlabeled_row_of_tabel_17_says_why_it_is_flanders_space(sparql):
    rows = sparql(
        """SELECT ?comment ?quote WHERE {
             ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-17> ; fg:cluster/skos:prefLabel "Flanders Space"@nl ;
                rdfs:comment ?comment ; prov:wasDerivedFrom ?ex . ?ex fg:quote ?quote ; fg:startLine ?line
             FILTER(?line IN (1475, 1520)) } ORDER BY ?quote"""
    )
    assert {r["quote"] for r in rows} == {"5 2,5", "Flanders Space 5 2,5"}
    assert "Tabel 16" in rows[0]["comment"]


def test_tabel_16_against_the_detail_tables(sparql):
    rows = sparql(
        """SELECT ?label ?ok WHERE { ?t fg:checks ?r ; rdfs:label ?label ; fg:reconciles ?ok } ORDER BY ?label"""
    )
    failing = sorted(r["label"] for r in rows if r["ok"] == "false")
    assert failing == [
        "Tabel 16 (Catalisti, 7,5 MEUR) tegen het totaal van Tabel 18",  # 7.553.599 rounds to 7,6, not 7,5
        "Tabel 16 (De Blauwe Cluster, 7,5 MEUR) tegen het totaal van Tabel 19",  # 7.553.600
        "Tabel 16 (SIM, 0,132 MEUR) tegen het totaal van Tabel 23",  # 132.900 truncated, not rounded
    ]
    assert len(rows) == 9 + 8  # every row of Tabel 16 against Tabel 17 (2022), each cluster with a Tabel 18-25


def test_partner_tables_whose_total_is_not_the_sum_of_their_rows(sparql):
    rows = sparql(
        """SELECT ?n ?stated ?computed WHERE {
             ?t a fg:StatedTotal ; qb:dataSet ?d ; fg:reconciles false ; fg:amount ?stated ; fg:computedAmount ?computed ;
                fg:count ?c ; fg:computedCount ?c .
             ?d fg:sourceTable/fg:tableNumber ?n } ORDER BY ?n"""
    )
    assert [(int(r["n"]), Decimal(r["stated"]), Decimal(r["computed"])) for r in rows] == [
        (19, Decimal(7553600), Decimal(7574168)),  # one euro more than the Catalisti total of Tabel 18
        (20, Decimal(8318503), Decimal(7365944)),
        (24, Decimal(6203041), Decimal(5127558)),
        (25, Decimal(9007893), Decimal(8926058)),
    ]


def test_partners_per_type_with_none_as_zero(sparql):
    rows = sparql(
        """SELECT ?type ?count ?amount ?text WHERE {
             ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-23> ; fg:partnerType ?p ; fg:count ?count ;
                fg:countUnit unit:partners ; fg:amount ?amount ; fg:originalText ?text .
             BIND(STRAFTER(STR(?p), "partner-type/") AS ?type) } ORDER BY ?type"""
    )
    assert [(r["type"], int(r["count"]), Decimal(r["amount"]), r["text"]) for r in rows] == [
        ("knowledge-institution", 0, Decimal(0), "/"),
        ("large-enterprise", 0, Decimal(0), "/"),
        ("medium-enterprise", 0, Decimal(0), "/"),
        ("small-enterprise", 3, Decimal(132900), "132.900 €"),
    ]


def test_premiums_count_companies_and_grants_apart_and_both_add_up(sparql):
    rows = sparql(
        """SELECT ?unit ?count ?ok ?amount WHERE {
             ?t a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-13> ; fg:count ?count ;
                fg:countUnit ?u ; fg:reconciles ?ok . OPTIONAL { ?t fg:amount ?amount }
             BIND(STRAFTER(STR(?u), "count-unit/") AS ?unit) } ORDER BY ?unit"""
    )
    assert [(r["unit"], int(r["count"]), r["ok"], r["amount"]) for r in rows] == [
        ("awards", 5329, "true", "10663840"), ("companies", 4935, "true", None)]
    average = sparql(
        """SELECT ?average ?amount WHERE { ?r fg:instrument/skos:prefLabel ?i ; fg:averageAmount ?average ; fg:amount ?amount ;
             qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-13> FILTER(STR(?i) = "Hinderpremie") }"""
    )
    assert [(Decimal(r["average"]), Decimal(r["amount"])) for r in average] == [(Decimal(2000), Decimal(9548000))]


def test_conditions_of_the_cluster_instruments_from_tabel_14(sparql):
    rows = sparql(
        """SELECT ?instrument ?type ?max ?value ?percentage WHERE {
             ?c a fg:Condition ; fg:conditionOf ?i ; fg:conditionType ?t ; prov:wasDerivedFrom/fg:startLine 1349 .
             OPTIONAL { ?c fg:maxAmount ?max } OPTIONAL { ?c fg:maxValue ?value } OPTIONAL { ?c fg:percentage ?percentage }
             FILTER(BOUND(?max) || BOUND(?value) || BOUND(?percentage))
             BIND(STRAFTER(STR(?i), "instrument/") AS ?instrument) BIND(STRAFTER(STR(?t), "condition-type/") AS ?type)
           } ORDER BY ?instrument ?type"""
    )
    assert [(r["instrument"], r["type"], r["max"] or r["value"] or r["percentage"]) for r in rows] == [
        ("steun-innovatieve-bedrijfsnetwerken", "duration", "3"),
        ("steun-innovatieve-bedrijfsnetwerken", "max-amount", "150000"),
        ("steun-innovatieve-bedrijfsnetwerken", "percentage", "50"),
        ("steun-speerpuntclusters", "duration", "10"),
        ("steun-speerpuntclusters", "max-amount", "500000"),
        ("steun-speerpuntclusters", "percentage", "50"),
    ]


def test_kmo_groeisubsidie_ceilings_per_type_of_support(sparql):
    rows = sparql(
        """SELECT ?applies ?max ?text WHERE {
             ?c fg:conditionOf/skos:prefLabel "Kmo-groeisubsidie"@nl ; fg:conditionType ctype:max-amount ;
                fg:appliesTo ?applies ; fg:maxAmount ?max ; fg:originalText ?text ;
                prov:wasDerivedFrom/fg:quote "Subsidieplafond 25.000 euro 25.000 euro" } ORDER BY ?applies"""
    )
    assert [(r["applies"], Decimal(r["max"]), r["text"]) for r in rows] == [
        ("aanwerving", Decimal(25000), "25.000 euro"), ("externe dienstverlening", Decimal(25000), "25.000 euro")]


def test_innovative_business_networks_their_executors_and_end_year(sparql):
    rows = sparql(
        """SELECT ?network ?year (GROUP_CONCAT(?org; separator=", ") AS ?orgs) WHERE {
             ?n a fg:InnovativeBusinessNetwork ; fg:supportEndYear ?year ; fg:executedBy ?o ; skos:prefLabel ?network .
             ?o fg:executes ?n ; skos:prefLabel ?org FILTER(LANG(?network) = "nl" && LANG(?org) = "nl")
           } GROUP BY ?network ?year ORDER BY ?year ?network"""
    )
    years = [r["year"] for r in rows]
    assert (years.count("2019"), years.count("2020"), years.count("2021")) == (9, 4, 6)
    found = {r["network"]: sorted(r["orgs"].split(", ")) for r in rows}
    assert found["Flanders.Health"] == ["DSP Valley", "Flanders.bio", "Medtech"]
    assert found["IoT4Society – Smart Cities Vlaanderen"] == ["Citylab", "DSP Valley"]
    assert found["FLAG"] == ["FLAG"]
    claim = sparql(
        """SELECT ?quote WHERE { ?s rdf:predicate fg:executedBy ; rdf:object/skos:prefLabel "Citylab"@nl ;
             prov:wasDerivedFrom/fg:quote ?quote FILTER(STRSTARTS(?quote, "IoT")) }"""
    )
    assert [r["quote"] for r in claim] == ["IoT4Society – Smart Cities Vlaanderen DSP Valley- Citlylab"]


def test_spearhead_portfolio_domains_and_history(sparql):
    rows = sparql(
        """SELECT ?cluster ?domain ?history WHERE {
             ?c fg:clusterDomain ?domain ; fg:clusterHistory ?history ; skos:prefLabel ?cluster FILTER(LANG(?cluster) = "nl") }
           ORDER BY ?cluster"""
    )
    assert len(rows) == 7
    assert {r["cluster"]: r["domain"] for r in rows}["VIL"] == "Logistiek"
    assert sparql("""ASK { ?m skos:prefLabel "Medvia"@nl ; fg:successorOf ?f . ?f skos:prefLabel "Flanders.Health"@nl .
                           ?s rdf:subject ?m ; rdf:predicate fg:successorOf ; prov:wasDerivedFrom/fg:startLine 1446 }""")


def test_moonshot_2022_table_key_figures_and_the_sentence_agree(sparql):
    rows = sparql(
        """SELECT ?label ?count ?amount ?computed ?ok WHERE {
             ?t a fg:StatedTotal ; qb:dataSet <https://fundinggraph.example.org/id/dataset/tabel-27> ; rdfs:label ?label ;
                fg:amount ?amount ; fg:computedAmount ?computed ; fg:reconciles ?ok . OPTIONAL { ?t fg:count ?count } }
           ORDER BY ?amount"""
    )
    assert [(r["count"], Decimal(r["amount"]), Decimal(r["computed"]) / M, r["ok"]) for r in rows] == [
        ("12", Decimal(17569150), Decimal("17.6"), "true"),  # Kerncijfers: 17.569.150 €
        (None, Decimal(17600000), Decimal("17.6"), "true"),  # "ca. 17.6 miljoen euro" (a decimal point)
        ("12", Decimal(17600000), Decimal("17.6"), "true"),  # Totaal 12 17,6
    ]


def test_gigarant_chart_2022_increments_match_the_text(sparql, doc: SourceDocument):
    rows = sparql(
        """SELECT ?year ?type ?value WHERE {
             ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/figuur-26> ; fg:year ?year ; fg:periodStart "2009"^^xsd:gYear .
             { ?r fg:amountType ?t ; fg:amount ?value BIND(STRAFTER(STR(?t), "amount-type/") AS ?type) }
             UNION { ?r fg:count ?value BIND("commitments" AS ?type) }
             FILTER(?year IN ("2021"^^xsd:gYear, "2022"^^xsd:gYear)) }"""
    )
    value = {(r["type"], r["year"]): Decimal(r["value"]) for r in rows}
    increments = {t: value[t, "2022"] - value[t, "2021"] for t in ("guaranteed", "financed", "commitments")}
    assert increments == {"guaranteed": 52 * M, "financed": 119 * M, "commitments": 16}
    assert ("In 2022 werden vanuit Gigarant 16 \nwaarborgen toegekend, goed voor een totaal waarborgbedrag van 52 miljoen "
            "euro en een \nfinancieringsbedrag van 119 miljoen euro") in doc.span(670, 672)
    assert len(value) == 6 and sparql("""SELECT (COUNT(*) AS ?n) WHERE {
        ?r qb:dataSet <https://fundinggraph.example.org/id/dataset/figuur-26> }""")[0]["n"] == "42"


def test_every_money_cell_of_the_speurgids_tables_is_carried(built):
    mentions = [m for m in scan_sources(built.sources) if m.file.startswith("002") and m.kind == TABLE]
    report = check(built.store, built.sources, mentions)
    assert report.figures == len(mentions) == 516 + 119  # Tabel 8, then Tabel 9-13, 16-25 and 27
    assert report.missing() == []


def test_every_result_cites_a_quote_from_its_lines(sparql, doc: SourceDocument):
    rows = sparql(
        """SELECT DISTINCT ?start ?end ?quote WHERE {
             ?r a fg:InstrumentResult ; qb:dataSet ?d ; prov:wasDerivedFrom ?ex .
             ?ex fg:startLine ?start ; fg:endLine ?end ; fg:quote ?quote ; dcterms:source ?doc .
             ?doc fg:sourceFile ?f FILTER(STRSTARTS(?f, "002")) }"""
    )
    assert len(rows) > 150
    for r in rows:
        assert r["quote"] in doc.span(int(r["start"]), int(r["end"]))


def test_each_result_row_states_its_value_in_its_own_quote(sparql):
    rows = sparql(
        """SELECT ?r ?text WHERE {
             ?r a fg:InstrumentResult ; fg:originalText ?text ; qb:dataSet ?d .
             FILTER NOT EXISTS { ?r prov:wasDerivedFrom/fg:quote ?q FILTER(CONTAINS(?q, ?text)) } }"""
    )
    assert rows == []


def test_amounts_in_million_euro_keep_their_written_unit(sparql):
    rows = sparql(
        """SELECT ?unit (COUNT(*) AS ?n) WHERE { ?r qb:dataSet ?d ; a fg:InstrumentResult ; fg:unitInSource ?unit }
           GROUP BY ?unit ORDER BY ?unit"""
    )
    assert {r["unit"] for r in rows} == {"MEUR", "miljoen euro"}
    assert amount("0,132", "MEUR").value == Decimal(132000)


# -- the readers refuse what they cannot read -------------------------------------------------------------------
def test_a_malformed_row_names_file_and_line(doc: SourceDocument, registry: Registry):
    with pytest.raises(SourceError) as caught:
        load(altered(doc, {415: "MO vier 2.301.962 "}), registry)
    assert caught.value.line == 415 and str(caught.value).startswith("altered/")


def test_an_unlabeled_row_that_matches_no_cluster_of_tabel_16_is_an_error(doc: SourceDocument, registry: Registry):
    with pytest.raises(SourceError) as caught:
        load(altered(doc, {1475: "Flanders Space 5 2,6 "}), registry)
    assert caught.value.line == 1520 and "row without a label" in str(caught.value)


def test_a_partial_year_in_tabel_17_is_an_error(doc: SourceDocument, registry: Registry):
    with pytest.raises(SourceError) as caught:
        load(altered(doc, {1514: "Medvia         14 4,7 5  "}), registry)
    assert caught.value.line == 1514


def test_a_network_whose_executor_is_unknown_is_an_error(doc: SourceDocument, registry: Registry):
    with pytest.raises(SourceError) as caught:
        load(altered(doc, {1877: "MAAS Onbekende vzw "}), registry)
    assert caught.value.line == 1877 and "not in sources/registry" in str(caught.value)


def test_the_tables_load_from_the_sources_alone(sources: SourceSet, registry: Registry):
    g = load(SourceSet(sources.root, (sources.by_key("002"),)), registry)
    labels = {t.object.value for t in g if t.predicate.value.endswith("#label") and isinstance(t.object, Literal)}
    assert "Strategische Transformatiesteun 2022, Totaal: 20 dossiers, 20.710.193 euro" in labels
