"""Property tests: any text for any parameter is converted or refused with a 4xx, never pasted into the query."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyoxigraph import Literal, NamedNode

from fundinggraph.store.backend import Backend
from server.canned import Parameter, ParameterError, Text, convert

T = Text("x", "x")
PARAMS = {
    "year": Parameter("year", "year", T, T, minimum=Decimal(1990), maximum=Decimal(2100)),
    "integer": Parameter("n", "integer", T, T, minimum=Decimal(1), maximum=Decimal(10)),
    "decimal": Parameter("d", "decimal", T, T, minimum=Decimal(0)),
    "string": Parameter("s", "string", T, T, max_length=100),
    "boolean": Parameter("b", "boolean", T, T),
    "enum": Parameter("phase", "string", T, T, values=("2022BA", "2023BO")),
    "concept": Parameter("a", "concept", T, T, scheme="amount", values=("granted", "budgeted")),
}
XSD = "http://www.w3.org/2001/XMLSchema#"
texts = st.text(alphabet=st.characters(codec="utf-8"), max_size=120) | st.sampled_from(
    ["", " ", "2023", "-2023", "02023", "1e5", "NaN", "Infinity", "0x10", "١٢٣٤", "true", "TRUE", "0", "1.5",
     "585000", "-0", "+7", "2022BA", "granted", '"} ; DROP ALL ; {', "<http://x>", "?x", "$x", "\x00"])


@given(kind=st.sampled_from(sorted(PARAMS)), text=texts)
def test_conversion_gives_a_term_of_the_declared_type_or_names_the_parameter(kind, text):
    param = PARAMS[kind]
    try:
        term = convert(param, text)
    except ParameterError as exc:
        assert exc.name == param.name and exc.message.startswith(f"parameter {param.name}")
        return
    if param.type == "concept":
        assert isinstance(term, NamedNode) and term.value.rsplit("/", 1)[-1] in param.values
        return
    assert isinstance(term, Literal)
    expected = {"year": "gYear", "integer": "integer", "decimal": "decimal", "string": "string", "boolean": "boolean"}
    assert term.datatype.value == XSD + expected[param.type]
    if param.type == "string":
        assert term.value == text  # kept exactly, whatever it contains
        if param.values:
            assert text.strip() in param.values
    if param.type in ("year", "integer", "decimal"):
        number = Decimal(term.value)
        assert (param.minimum is None or number >= param.minimum) and (param.maximum is None or number <= param.maximum)


class RecordingBackend(Backend):
    """The real backend of the app, noting every query text that reaches it."""

    def __init__(self, real: Backend):
        super().__init__(real.settings)
        self.real = real
        self.texts: list[str] = []

    def version(self):
        return self.real.version()

    def select(self, query, bindings=None):
        self.texts.append(query)
        return self.real.select(query, bindings)

    def ask(self, query, bindings=None):
        self.texts.append(query)
        return self.real.ask(query, bindings)

    def construct(self, query, bindings=None):
        self.texts.append(query)
        return self.real.construct(query, bindings)

    def triple_count(self):
        return self.real.triple_count()

    def execute(self, *args, **kwargs):
        return self.real.execute(*args, **kwargs)

    def update(self, *args, **kwargs):
        return self.real.update(*args, **kwargs)


@pytest.fixture(scope="module")
def recorded(published):
    from server import create_app
    from server.store import backend

    app = create_app(published, {"TESTING": True})
    with app.app_context():
        recorder = RecordingBackend(backend())
    app.extensions["fundinggraph.backend"] = recorder
    return app, recorder


def _params(recorded_app):
    queries = recorded_app.extensions["fundinggraph.queries"]
    return [(name, p.name) for name, q in queries.items() for p in q.parameters]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), text=texts)
def test_any_value_over_http_is_a_200_or_a_400_and_never_changes_the_query_text(recorded, data, text):
    app, recorder = recorded
    name, param = data.draw(st.sampled_from(_params(app)))
    client = app.test_client()
    before = len(recorder.texts)
    query = app.extensions["fundinggraph.queries"][name]
    others = {p.name: p.example for p in query.parameters if p.required and p.name != param}
    response = client.get(f"/queries/{name}.json", query_string={**others, param: text})
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if response.status_code == 400:
        assert param in response.json["error"]
    # Every text that reached the store is one of our fixed texts: a canned body (as it is, or with the
    # row limit of the settings), an index query or a label look-up.
    from server import canned_labels, labels, queries

    canned_queries = app.extensions["fundinggraph.queries"].values()
    limit = app.config["SETTINGS"].max_rows + 1
    fixed = {q.body for q in canned_queries} | {queries.limited(q, limit) for q in canned_queries}
    fixed |= {*queries.INDEX_QUERIES, canned_labels.SUBJECT_LABELS_QUERY, labels.LABELS_QUERY, labels.TYPES_QUERY,
              labels.SUBJECT_LABELS_QUERY, labels.SUBJECT_TYPES_QUERY,
              labels.past_limit_query(app.config["SETTINGS"].label_table_max_triples)}
    assert set(recorder.texts[before:]) <= fixed


def test_the_store_is_unchanged_after_hostile_values(recorded):
    app, recorder = recorded
    client = app.test_client()
    count = recorder.triple_count()
    for name, param in _params(app):
        for hostile in ('"} ; DROP ALL ; {', "> } DELETE WHERE { ?s ?p ?o } #", "' || 1=1 --"):
            assert client.get(f"/queries/{name}.json", query_string={param: hostile}).status_code in (200, 400)
    assert recorder.triple_count() == count
