"""Every code the loaders emit is a SKOS concept of the right scheme, named in Dutch and English."""

from __future__ import annotations

from vocab_rows import rows

from fundinggraph.config import VOCAB_BASE
from fundinggraph.namespaces import SCHEME_PREFIXES, concept


def concepts_in_data(built, settings) -> set[str]:
    found = rows(
        built.store,
        f"""SELECT DISTINCT ?o WHERE {{ ?s ?p ?o
              FILTER(STRSTARTS(STR(?s), "{settings.base_iri}id/") && isIRI(?o) && STRSTARTS(STR(?o), "{VOCAB_BASE}/")) }}""",
    )
    return {r["o"] for r in found}


def test_the_data_uses_codes_of_every_scheme_but_none_other(built, settings):
    used = concepts_in_data(built, settings)
    schemes_used = {iri[len(VOCAB_BASE) + 1 :].split("/")[0] for iri in used}
    assert schemes_used == set(SCHEME_PREFIXES.values())


def test_every_code_in_the_data_is_a_concept_of_its_scheme_with_dutch_and_english_labels(built, settings, schemes):
    info = {
        r["c"]: r
        for r in rows(
            schemes,
            """SELECT ?c ?scheme ?top (SAMPLE(?nl) AS ?label_nl) (SAMPLE(?en) AS ?label_en) (SAMPLE(?n) AS ?notation) WHERE {
                 ?c a skos:Concept ; skos:inScheme ?scheme .
                 OPTIONAL { ?c skos:topConceptOf ?top }
                 OPTIONAL { ?c skos:prefLabel ?nl FILTER(LANG(?nl) = "nl") }
                 OPTIONAL { ?c skos:prefLabel ?en FILTER(LANG(?en) = "en") }
                 OPTIONAL { ?c skos:notation ?n }
               } GROUP BY ?c ?scheme ?top""",
        )
    }
    problems = []
    for iri in sorted(concepts_in_data(built, settings)):
        row = info.get(iri)
        scheme = iri.rsplit("/", 1)[0]
        if row is None:
            problems.append(f"{iri}: not a skos:Concept in ontology/schemes.ttl")
        elif row["scheme"] != scheme or row["top"] != scheme:
            problems.append(f"{iri}: in scheme {row['scheme']} (top concept of {row['top']}), expected {scheme}")
        elif not (row["label_nl"] and row["label_en"] and row["notation"]):
            problems.append(f"{iri}: lacks skos:prefLabel @nl/@en or skos:notation")
    assert not problems, "\n".join(problems)


def test_every_scheme_of_the_namespaces_module_is_a_concept_scheme(schemes):
    for scheme in SCHEME_PREFIXES.values():
        iri = f"{VOCAB_BASE}/{scheme}"
        labels = rows(schemes, f"SELECT (LANG(?l) AS ?lang) WHERE {{ <{iri}> a skos:ConceptScheme ; skos:prefLabel ?l }}")
        assert {r["lang"] for r in labels} == {"nl", "en"}, scheme


def test_every_concept_sits_under_its_scheme_iri_and_is_listed_as_top_concept(schemes):
    stray = rows(
        schemes,
        """SELECT ?c ?scheme WHERE { ?c a skos:Concept ; skos:inScheme ?scheme .
             FILTER(!STRSTARTS(STR(?c), CONCAT(STR(?scheme), "/")) || NOT EXISTS { ?scheme skos:hasTopConcept ?c }) }""",
    )
    assert not stray


def test_notations_are_the_codes(schemes):
    """skos:notation is the code in the IRI, except for themes where it is the chapter number."""
    wrong = rows(
        schemes,
        f"""SELECT ?c ?n WHERE {{ ?c a skos:Concept ; skos:notation ?n ; skos:inScheme ?s
              FILTER(?s != <{VOCAB_BASE}/theme> && STR(?n) != REPLACE(STR(?c), "^.*/", "")) }}""",
    )
    assert not wrong


def test_theme_notations_are_the_chapter_numbers_the_loaders_use(schemes):
    from loaders.speurgids_structure import THEMES

    found = rows(schemes, f"SELECT ?c ?n WHERE {{ ?c skos:inScheme <{VOCAB_BASE}/theme> ; skos:notation ?n }}")
    notation = {r["c"]: r["n"] for r in found}
    assert len(notation) == 8
    for chapter, code in THEMES.items():
        assert notation[concept("theme", code).value] == str(chapter)


def test_budget_phases_map_to_the_openbudgets_code_list(schemes):
    phase = "http://data.openbudgets.eu/resource/codelist/budget-phase/"
    found = rows(schemes, f"SELECT ?c ?p ?o WHERE {{ ?c skos:inScheme <{VOCAB_BASE}/budget-phase> ; ?p ?o FILTER(STRSTARTS(STR(?o), \"{phase}\")) }}")
    mapping = {(r["c"].rsplit("/", 1)[1], r["p"].rsplit("#", 1)[1], r["o"][len(phase):]) for r in found}
    assert mapping == {("BO", "closeMatch", "approved"), ("BA", "exactMatch", "revised")}


def test_amount_type_labels_agree_with_the_labels_the_loaders_write(schemes):
    """Funding-flow labels spell the amount type in Dutch; the concept's Dutch label is the same word."""
    from loaders.curated import AMOUNT_TYPE_LABELS

    labels = {
        r["c"].rsplit("/", 1)[1]: r["l"]
        for r in rows(schemes, f'SELECT ?c ?l WHERE {{ ?c skos:inScheme <{VOCAB_BASE}/amount-type> ; skos:prefLabel ?l FILTER(LANG(?l) = "nl") }}')
    }
    for code, word in AMOUNT_TYPE_LABELS.items():
        if code in labels:
            assert labels[code] == word, code


def test_loaders_do_not_label_concepts_themselves(built, schemes):
    """Concept labels live in ontology/schemes.ttl only: the built graph has exactly the file's labels."""
    query = f"""SELECT ?c ?p ?l WHERE {{ ?c ?p ?l FILTER(?p IN (skos:prefLabel, skos:altLabel, rdfs:label, skos:definition))
                  FILTER(STRSTARTS(STR(?c), "{VOCAB_BASE}/")) }}"""
    in_graph = {tuple(r.values()) for r in rows(built.store, query)}
    in_file = {tuple(r.values()) for r in rows(schemes, query)}
    assert in_file and in_graph == in_file
