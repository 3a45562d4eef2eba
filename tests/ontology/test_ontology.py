"""The ontology declares every fg: term the loaders emit, in Dutch and English, and parses cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from pyoxigraph import DefaultGraph, RdfFormat, Store
from vocab_rows import rows

from fundinggraph.namespaces import FG, sparql_prologue
from loaders.pipeline import ONTOLOGY_DIR, ontology_files

ONTOLOGY_IRI = "https://fundinggraph.example.org/def"


def data_terms(built, settings) -> set[str]:
    """Every fg: IRI in a triple whose subject is a data resource (``<base>id/...``)."""
    found = rows(
        built.store,
        """SELECT DISTINCT ?t WHERE {
             ?s ?p ?o FILTER(STRSTARTS(STR(?s), ?data))
             VALUES ?pos { 1 2 } BIND(IF(?pos = 1, ?p, ?o) AS ?t)
             FILTER(isIRI(?t) && STRSTARTS(STR(?t), STR(fg:)))
           }""".replace("?data", f'"{settings.base_iri}id/"'),
    )
    return {r["t"] for r in found}


def test_the_data_uses_fg_terms(built, settings):
    terms = data_terms(built, settings)
    assert {FG.FundingFlow.value, FG.amount.value, FG.budgetStructure.value} <= terms
    assert len(terms) > 100


def test_every_fg_term_in_the_data_is_declared_with_labels_and_comments_in_dutch_and_english(built, settings, ontology):
    declared = {
        r["t"]: r
        for r in rows(
            ontology,
            """SELECT ?t (SAMPLE(?kind) AS ?k) (SAMPLE(?lnl) AS ?label_nl) (SAMPLE(?len) AS ?label_en)
                      (SAMPLE(?cnl) AS ?comment_nl) (SAMPLE(?cen) AS ?comment_en) WHERE {
                 ?t a ?kind FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty,
                                            qb:DataStructureDefinition, qb:ComponentSpecification))
                 OPTIONAL { ?t rdfs:label ?lnl FILTER(LANG(?lnl) = "nl") }
                 OPTIONAL { ?t rdfs:label ?len FILTER(LANG(?len) = "en") }
                 OPTIONAL { ?t rdfs:comment ?cnl FILTER(LANG(?cnl) = "nl") }
                 OPTIONAL { ?t rdfs:comment ?cen FILTER(LANG(?cen) = "en") }
               } GROUP BY ?t""",
        )
    }
    missing = sorted(t for t in data_terms(built, settings) if t not in declared)
    assert not missing, f"fg: terms used in the data but not declared in ontology/fundinggraph.ttl: {missing}"
    unlabelled = sorted(
        t for t, r in declared.items() if not all(r[k] for k in ("label_nl", "label_en", "comment_nl", "comment_en"))
    )
    assert not unlabelled, f"declared without rdfs:label and rdfs:comment in nl and en: {unlabelled}"


def test_properties_are_declared_as_properties_and_classes_as_classes(built, settings, ontology):
    used = rows(
        built.store,
        f"""SELECT DISTINCT ?p ?c WHERE {{
              {{ ?s ?p ?o FILTER(STRSTARTS(STR(?p), STR(fg:))) }} UNION {{ ?s a ?c FILTER(STRSTARTS(STR(?c), STR(fg:))) }}
              FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/")) }}""",
    )
    kinds = {r["t"]: r["k"] for r in rows(ontology, "SELECT ?t ?k WHERE { ?t a ?k }")}
    owl = "http://www.w3.org/2002/07/owl#"
    wrong = [r["p"] for r in used if r["p"] and kinds.get(r["p"]) not in (owl + "ObjectProperty", owl + "DatatypeProperty")]
    wrong += [r["c"] for r in used if r["c"] and kinds.get(r["c"]) != owl + "Class"]
    literal_valued_objects = rows(
        built.store,
        """SELECT DISTINCT ?p WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?p), STR(fg:)) && isLiteral(?o)) }""",
    )
    object_props = {t for t, k in kinds.items() if k == owl + "ObjectProperty"}
    wrong += [f"{r['p']} has literal values" for r in literal_valued_objects if r["p"] in object_props]
    assert not wrong


def test_declared_domains_and_ranges_hold_in_the_data(built):
    """rdfs:domain / rdfs:range of our properties entail types; the data must already have them."""
    broken = rows(
        built.store,
        """SELECT ?p ?kind ?class (SAMPLE(?x) AS ?example) (COUNT(DISTINCT ?x) AS ?n) WHERE {
             { ?p rdfs:domain ?class . ?x ?p ?o . BIND("domain" AS ?kind) }
             UNION
             { ?p rdfs:range ?class . ?s ?p ?x . FILTER(isIRI(?x) && ?class != skos:Concept) BIND("range" AS ?kind) }
             FILTER(STRSTARTS(STR(?p), STR(fg:)))
             FILTER NOT EXISTS { ?x a/rdfs:subClassOf* ?class }
           } GROUP BY ?p ?kind ?class""",
    )
    assert not broken
    wrong_datatypes = rows(
        built.store,
        """SELECT ?p ?range (SAMPLE(STR(?o)) AS ?example) WHERE {
             ?p rdfs:range ?range FILTER(STRSTARTS(STR(?range), STR(xsd:)) || ?range = rdf:langString)
             ?s ?p ?o FILTER(!isLiteral(?o) || DATATYPE(?o) != ?range)
           } GROUP BY ?p ?range""",
    )
    assert not wrong_datatypes


def test_concept_valued_properties_point_to_concepts(built):
    """Properties with range skos:Concept only have concept values (our schemes or the EU currency table)."""
    bad = rows(
        built.store,
        """SELECT DISTINCT ?p ?o WHERE {
             ?p rdfs:range skos:Concept . ?s ?p ?o .
             FILTER NOT EXISTS { ?o a skos:Concept }
             FILTER(!STRSTARTS(STR(?o), "http://publications.europa.eu/resource/authority/currency/"))
           }""",
    )
    assert not bad


def test_the_ontology_header_describes_it(ontology):
    header = rows(
        ontology,
        f"""SELECT ?p ?o WHERE {{ <{ONTOLOGY_IRI}> a owl:Ontology ; ?p ?o }}""",
    )
    props = {r["p"] for r in header}
    for needed in ("title", "description", "license", "created"):
        assert f"http://purl.org/dc/terms/{needed}" in props, needed
    assert "http://www.w3.org/2002/07/owl#versionInfo" in props
    assert {"fg"} == {r["o"] for r in header if r["p"] == "http://purl.org/vocab/vann/preferredNamespacePrefix"}
    titles = rows(ontology, f'SELECT (LANG(?t) AS ?l) WHERE {{ <{ONTOLOGY_IRI}> dcterms:title ?t }}')
    assert {r["l"] for r in titles} == {"nl", "en"}


def test_alignments_to_reused_vocabularies(ontology):
    """Spot checks of the alignments docs/ONTOLOGY.md promises."""
    expected = [
        ("fg:GovernmentBody", "rdfs:subClassOf", "m8g:PublicOrganisation"),
        ("fg:Consortium", "rdfs:subClassOf", "org:OrganizationalCollaboration"),
        ("fg:SourceExcerpt", "rdfs:subClassOf", "prov:Entity"),
        ("fg:BudgetObservation", "rdfs:subClassOf", "qb:Observation"),
        ("fg:FundingFlow", "skos:closeMatch", "schema:MonetaryGrant"),
        ("fg:FundingFlow", "skos:closeMatch", "<http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelConsumptie>"),
        ("fg:PolicyInstrument", "skos:closeMatch", "<http://data.vlaanderen.be/ns/subsidie#SubsidiemaatregelAanbod>"),
        ("fg:Company", "skos:closeMatch", "<http://www.w3.org/ns/regorg#RegisteredOrganization>"),
        ("fg:amount", "skos:closeMatch", "obeu-measure:amount"),
        ("fg:StructuralPartner", "skos:relatedMatch", "<https://data.vlaanderen.be/ns/organisatie#Hoedanigheid>"),
        ("fg:budgetStructure", "a", "qb:DataStructureDefinition"),
    ]
    for s, p, o in expected:
        assert ontology.query(sparql_prologue() + f"ASK {{ {s} {p} {o} }}"), f"{s} {p} {o}"


def test_every_class_of_ours_is_a_subclass_or_mapping_of_a_reused_vocabulary(ontology):
    """No class floats free: each one has a superclass or a SKOS mapping (except the public contract)."""
    loose = rows(
        ontology,
        """SELECT ?c WHERE { ?c a owl:Class FILTER(STRSTARTS(STR(?c), STR(fg:)))
             FILTER NOT EXISTS { ?c rdfs:subClassOf|skos:closeMatch|skos:relatedMatch ?other } }""",
    )
    assert {r["c"] for r in loose} <= {FG.PublicContract.value}


@pytest.mark.parametrize("path", ontology_files(ONTOLOGY_DIR), ids=lambda p: p.name)
def test_each_ontology_file_parses_and_has_no_blank_nodes(path: Path):
    """Blank nodes would get new labels on every load, so two loads would not give the same graph."""
    store = Store()
    store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=DefaultGraph())
    assert len(store) > 100
    blank = [q for q in store if any(type(t).__name__ == "BlankNode" for t in (q.subject, q.object))]
    assert not blank
    rdflib.Graph().parse(path, format="turtle")  # the validator's parser reads it too


def test_shapes_are_not_loaded_into_the_graph(built):
    assert not built.store.query("ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }")
    names = [p.name for p in ontology_files(ONTOLOGY_DIR)]
    assert {"fundinggraph.ttl", "schemes.ttl"} <= set(names)
    assert not [n for n in names if n.startswith("shapes")]
    assert (ONTOLOGY_DIR / "shapes.ttl").is_file()
