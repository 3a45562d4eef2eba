"""The SHACL shapes cover every class the data instantiates, the real graph conforms, and the shapes bite."""

from __future__ import annotations

import pytest
import rdflib
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store

from fundinggraph.namespaces import FG, OBEU_MEASURE, PROV, QB, RDF, SKOS, XSD, concept, sparql_prologue
from loaders.pipeline import ONTOLOGY_DIR, load_ontology
from loaders.validate import ValidationReport, shapes_graph, validate

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


def rows(store: Store, query: str) -> list[dict[str, str]]:
    result = store.query(sparql_prologue() + query)
    return [{v.value: s[v].value if s[v] is not None else None for v in result.variables} for s in result]


def test_every_class_the_data_instantiates_has_a_shape_targeting_it_or_a_superclass(built, settings):
    shapes = shapes_graph(ONTOLOGY_DIR)
    targeted = {str(c) for c in shapes.objects(None, SH.targetClass)}
    ontology = Store()
    load_ontology(ontology, ONTOLOGY_DIR)
    used = rows(built.store, f'SELECT DISTINCT ?c WHERE {{ ?s a ?c FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/")) }}')
    assert len(used) > 40
    uncovered = []
    for row in used:
        supers = rows(ontology, f"SELECT ?super WHERE {{ <{row['c']}> rdfs:subClassOf* ?super }}")
        if not {row["c"], *(r["super"] for r in supers)} & targeted:
            uncovered.append(row["c"])
    assert not uncovered, f"classes without a shape: {sorted(uncovered)}"


def test_every_property_shape_of_a_targeted_shape_has_a_message():
    """A refused load explains itself: each property shape of a node shape with targets has an sh:message."""
    shapes = shapes_graph(ONTOLOGY_DIR)
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetNode)
    targeted = {s for t in targets for s in shapes.subjects(t, None)}
    silent = [
        str(shape)
        for shape in targeted
        for prop in shapes.objects(shape, SH.property)
        if (prop, SH.message, None) not in shapes
    ]
    assert len(targeted) > 30
    assert not silent


def test_the_real_graph_conforms(built):
    report = validate(built.store, ONTOLOGY_DIR)
    assert report.conforms, report.summary()


# -- the shapes bite: break one node per constraint in a copy of the graph -------------------------------
def first(store: Store, query: str) -> NamedNode:
    result = list(store.query(sparql_prologue() + query))
    assert result, query
    return result[0][0]


def replace(store: Store, node: NamedNode, prop: NamedNode, *values: NamedNode | Literal) -> None:
    for quad in list(store.quads_for_pattern(node, prop, None, DefaultGraph())):
        store.remove(quad)
    for value in values:
        store.add(Quad(node, prop, value, DefaultGraph()))


@pytest.fixture(scope="module")
def broken(built) -> tuple[ValidationReport, dict[str, tuple[str, str]]]:
    """A copy of the built graph with one defect per case (each on its own node), validated once."""
    store = Store()
    store.extend(built.store)
    cases: dict[str, tuple[str, str]] = {}

    flow = first(store, "SELECT ?f WHERE { ?f a fg:FundingFlow FILTER NOT EXISTS { ?t fg:hasPart ?f } } ORDER BY ?f LIMIT 1")
    replace(store, flow, FG.amount)
    cases["funding flow without amount"] = (flow.value, FG.amount.value)

    excerpt = first(store, "SELECT ?e WHERE { ?e a fg:SourceExcerpt ; fg:startLine ?l ; fg:endLine ?l } ORDER BY ?e LIMIT 1")
    end = int(next(store.quads_for_pattern(excerpt, FG.endLine, None)).object.value)
    replace(store, excerpt, FG.startLine, Literal(str(end + 1), datatype=XSD.integer))
    cases["excerpt starting after its end"] = (excerpt.value, FG.startLine.value)

    dated = first(store, "SELECT ?f WHERE { ?f a fg:FundingFlow ; fg:year ?y } ORDER BY DESC(?f) LIMIT 1")
    replace(store, dated, FG.year, Literal("2023"))
    cases["year as a plain string"] = (dated.value, FG.year.value)

    figure = first(store, "SELECT ?r WHERE { ?r a fg:InstrumentResult ; fg:amount ?a } ORDER BY ?r LIMIT 1")
    replace(store, figure, PROV.wasDerivedFrom)
    cases["figure without source"] = (figure.value, PROV.wasDerivedFrom.value)

    cell = first(store, "SELECT ?o WHERE { ?o a fg:BudgetObservation ; fg:amount ?a } ORDER BY ?o LIMIT 1")
    minus = Literal("-1", datatype=XSD.decimal)
    replace(store, cell, FG.amount, minus)
    replace(store, cell, OBEU_MEASURE.amount, minus)
    cases["negative amount"] = (cell.value, FG.amount.value)

    typed = first(store, "SELECT ?f WHERE { ?f a fg:StatedTotal ; fg:amountType ?t } ORDER BY ?f LIMIT 1")
    replace(store, typed, FG.amountType, concept("partner-type", "sme"))
    cases["amount type from another scheme"] = (typed.value, FG.amountType.value)

    organisation = first(store, "SELECT ?o WHERE { ?o a fg:Agency } ORDER BY ?o LIMIT 1")
    english = [q.object for q in store.quads_for_pattern(organisation, SKOS.prefLabel, None) if q.object.language == "en"]
    replace(store, organisation, SKOS.prefLabel, *english)
    cases["organisation without a Dutch name"] = (organisation.value, SKOS.prefLabel.value)

    dataset = first(store, "SELECT ?d WHERE { ?d qb:structure fg:resultStructure } ORDER BY ?d LIMIT 1")
    replace(store, dataset, QB.structure, FG.noSuchStructure)
    cases["data set without a declared structure"] = (dataset.value, QB.structure.value)

    # Data Cube IC-12, a SPARQL constraint on the data set: a second cell for one line, year and phase.
    line_cell = first(store, """SELECT ?o WHERE { ?o qb:dataSet/qb:structure fg:budgetStructure ;
                                   fg:budgetLine/fg:lineKind lkind:line } ORDER BY ?o LIMIT 1""")
    twin = NamedNode(line_cell.value + "-twin")
    for quad in list(store.quads_for_pattern(line_cell, None, None, DefaultGraph())):
        store.add(Quad(twin, quad.predicate, quad.object, DefaultGraph()))
    cube = next(store.quads_for_pattern(line_cell, QB.dataSet, None)).object
    cases["two budget cells for one line, year and phase"] = (cube.value, "")

    assert len({node for node, _ in cases.values()}) == len(cases), "each case breaks its own node"
    return validate(store, ONTOLOGY_DIR), cases


CASES = [
    "funding flow without amount",
    "excerpt starting after its end",
    "year as a plain string",
    "figure without source",
    "negative amount",
    "amount type from another scheme",
    "organisation without a Dutch name",
    "data set without a declared structure",
    "two budget cells for one line, year and phase",
]


@pytest.mark.parametrize("case", CASES)
def test_a_broken_node_is_a_violation_naming_it(broken, case: str):
    report, cases = broken
    node, path = cases[case]
    found = [v for v in report.violations if v["focus"] == node]
    assert found, f"{case}: no violation for {node}\n{report.summary()}"
    assert path in {v["path"] for v in found}, found
    assert all(v["message"] for v in found)
    assert not report.conforms
    assert node in report.summary(limit=100)


def test_only_the_broken_nodes_are_reported(broken):
    """The copy differs from the conforming graph only in those nodes, so nothing else is reported."""
    report, cases = broken
    assert {v["focus"] for v in report.violations} == {node for node, _ in cases.values()}
    assert set(CASES) == set(cases)


def test_the_duplicate_budget_cell_is_named_as_data_cube_ic_12(broken, built):
    report, cases = broken
    cube, _ = cases["two budget cells for one line, year and phase"]
    (found,) = [v for v in report.violations if v["focus"] == cube]
    assert "IC-12" in found["message"] and "/budget-line/tabel-8/" in found["message"]
    assert not built.store.query("ASK { ?twin ?p ?o FILTER(STRENDS(STR(?twin), '-twin')) }"), "the session graph is untouched"


@pytest.mark.parametrize(("stated", "reconciles"), [("0", True), ("5", False)])
def test_a_stated_total_without_parts_sums_to_zero(stated: str, reconciles: bool):
    """So the shape 'every stated total is reconciled' holds, and a non-zero empty total is a discrepancy."""
    from loaders import reconcile

    store = Store()
    total = NamedNode("https://fundinggraph.example.org/id/total/empty")
    for p, o in ((RDF.type, FG.StatedTotal), (FG.amount, Literal(stated, datatype=XSD.decimal))):
        store.add(Quad(total, p, o, DefaultGraph()))
    reconcile.compute(store)
    found = rows(store, "SELECT ?c ?d ?ok WHERE { ?t fg:computedAmount ?c ; fg:amountDifference ?d ; fg:reconciles ?ok }")
    assert len(found) == 1
    assert float(found[0]["c"]) == 0 and float(found[0]["d"]) == -float(stated)
    assert found[0]["ok"] == ("true" if reconciles else "false")

