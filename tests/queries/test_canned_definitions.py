"""Every .rq file parses, is documented in nl and en, and broken definitions stop the start."""

from __future__ import annotations

from pathlib import Path

import pytest
from canned_samples import GOOD_BODY, GOOD_HEADER

from fundinggraph import config
from server.canned import PARAM_TYPES, QueryDefinitionError, load_queries, parse_query, scan_variables

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def test_there_are_the_queries_the_issue_asks_for(canned):
    wanted = {"who-funds-whom", "organisation-over-years", "budget-line-phases", "largest-changes",
              "instruments-per-organisation", "cluster-project-support", "stated-totals", "sources-mentioning",
              "top-recipients", "instrument-results", "document-figures"}
    assert wanted <= set(canned)
    assert len(canned) == len(QUERY_FILES)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_each_query_is_documented_in_dutch_and_english(path: Path):
    query = parse_query(path)
    assert query.title.nl and query.title.en and query.title.nl != query.title.en
    assert len(query.description.nl) > 40 and len(query.description.en) > 40
    for param in query.parameters:
        assert param.label.nl and param.label.en and param.description.nl and param.description.en, param.name
        for value in param.values:
            if param.type == "concept":
                assert value in param.value_labels, f"{param.name}: value {value} has no label"
    for column in query.columns:
        assert column.label.nl != column.name and column.label.en != column.name, f"column {column.name} has no heading"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_declared_parameters_are_exactly_the_dollar_variables(path: Path):
    query = parse_query(path)
    dollars = {name for sigil, name, _ in scan_variables(query.body) if sigil == "$"}
    assert dollars == set(query.parameter_names)


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_no_query_hard_codes_a_data_iri(path: Path):
    # Data IRIs depend on the base_iri setting: a query must reach data through properties.
    assert "fundinggraph.example.org/id/" not in parse_query(path).body


def test_every_parameter_type_is_used_by_some_query(canned):
    used = {p.type for q in canned.values() for p in q.parameters}
    assert used == set(PARAM_TYPES)


def test_a_good_definition_parses(write_query):
    query = parse_query(write_query(GOOD_HEADER + GOOD_BODY))
    assert query.name == "test-query" and query.parameter_names == ("year",)
    assert query.body_line == 11


def _fails(write_query, text: str) -> QueryDefinitionError:
    path = write_query(text)
    with pytest.raises(QueryDefinitionError) as caught:
        parse_query(path)
    assert str(path) in str(caught.value)
    return caught.value


def test_an_undeclared_parameter_is_refused_with_its_line(write_query):
    error = _fails(write_query, GOOD_HEADER + "SELECT ?flow $year\nWHERE { ?flow fg:funder $funder ; fg:year $year }\n")
    assert error.line == 12 and "$funder is used but not declared" in error.message


def test_an_unused_parameter_is_refused_with_its_line(write_query):
    error = _fails(write_query, GOOD_HEADER + "SELECT ?flow ?year WHERE { ?flow a fg:FundingFlow ; fg:year ?year }\n")
    assert "?year is a declared parameter" in error.message
    header = GOOD_HEADER.replace("#+   flow: iri\n#+   year: year\n", "#+   flow: iri\n")
    error = _fails(write_query, header + "SELECT ?flow WHERE { ?flow a fg:FundingFlow }\n")
    assert error.line == 4 and "parameter year is declared but $year is not used" in error.message


def test_a_parameter_outside_the_projection_is_refused(write_query):
    header = GOOD_HEADER.replace("#+   year: year\n", "")
    error = _fails(write_query, header + "SELECT ?flow WHERE { ?flow a fg:FundingFlow ; fg:year $year }\n")
    assert "SELECT projection" in error.message


def test_columns_must_match_the_projection(write_query):
    error = _fails(write_query, GOOD_HEADER + "SELECT $year ?flow WHERE { ?flow fg:year $year }\n")
    assert "differs from the declared columns" in error.message


def test_bound_on_a_parameter_is_refused(write_query):
    error = _fails(write_query, GOOD_HEADER + "SELECT ?flow $year WHERE {\n ?flow a fg:FundingFlow\n"
                                              " FILTER(!BOUND($year)) }\n")
    assert error.line == 13 and "BOUND($year)" in error.message


def test_a_yaml_error_names_the_header_line(write_query):
    error = _fails(write_query, GOOD_HEADER.replace("#+     type: year", "#+     type: [year") + GOOD_BODY)
    assert error.line in (5, 6, 7) and "YAML" in error.message


def test_a_sparql_syntax_error_names_the_file_line(write_query):
    error = _fails(write_query, GOOD_HEADER + "SELECT ?flow $year WHERE {\n  ?flow fg:year $year .\n  FILTER(?flow = )\n}\n")
    assert error.line is not None and 11 <= error.line <= 14 and "syntax" in error.message


@pytest.mark.parametrize("change, message", [
    (("#+     type: year", "#+     type: color"), "type must be one of"),
    (("#+ description: {nl: Een test., en: A test.}\n", "#+ description: {nl: Een test.}\n"), "nl and en"),
    (("#+     label: {nl: Jaar, en: Year}\n", "#+     label: {nl: Jaar, en: Year}\n#+     colour: red\n"), "unknown key 'colour'"),
    (("#+     type: year", "#+     type: year\n#+     default: 20x3"), "default '20x3' is not valid"),
    (("#+ columns:", "#+ chart: {type: bar, label: nowhere, value: year}\n#+ columns:"), "chart"),
])
def test_header_mistakes_are_named(write_query, change, message):
    error = _fails(write_query, GOOD_HEADER.replace(*change) + GOOD_BODY)
    assert message in error.message and error.line is not None


def test_no_header_is_refused(write_query):
    assert "no header" in _fails(write_query, GOOD_BODY).message


def test_a_missing_query_directory_stops_the_start(tmp_path):
    with pytest.raises(QueryDefinitionError, match="does not exist"):
        load_queries(config.from_env(environ={}, queries_dir=str(tmp_path / "nowhere")).queries_dir)
