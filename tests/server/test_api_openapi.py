"""/openapi.json is a valid OpenAPI 3.1 document describing every canned query; /api renders it."""

from __future__ import annotations

import json

import pytest
import requests
from openapi_spec_validator import validate

from server.canned import load_queries


@pytest.fixture(scope="module")
def spec(live_server: str) -> dict:
    response = requests.get(live_server + "/openapi.json", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    return response.json()


def test_the_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    validate(spec)  # raises on any schema violation


def test_every_canned_query_is_an_operation_with_typed_parameters(spec, settings):
    queries = load_queries(settings.queries_dir)
    for name, query in queries.items():
        op = spec["paths"][f"/queries/{name}"]["get"]
        assert op["summary"] == query.title.en and op["x-summary-nl"] == query.title.nl
        declared = {p["name"]: p for p in op["parameters"] if "name" in p}
        assert set(declared) == set(query.parameter_names)
        for param in query.parameters:
            obj = declared[param.name]
            assert obj["required"] == param.required and obj["description"].startswith(param.description.en)
            schema = obj["schema"]
            expected = {"iri": "string", "concept": "string", "string": "string", "year": "integer",
                        "integer": "integer", "decimal": "number", "boolean": "boolean"}[param.type]
            assert schema["type"] == expected
            if param.values:
                assert len(schema["enum"]) == len(param.values)
            if param.default is not None:
                assert str(schema["default"]).lower() == param.default.lower()
        refs = {p["$ref"].rsplit("/", 1)[-1] for p in op["parameters"] if "$ref" in p}
        assert refs == {"page", "size", "format", "lang"}
        content = op["responses"]["200"]["content"]
        assert set(content) == {"application/json", "text/csv", "application/sparql-results+json", "text/html"}
        row = spec["components"]["schemas"][content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
        rows = spec["components"]["schemas"][row["properties"]["rows"]["items"]["$ref"].rsplit("/", 1)[-1]]
        visible = [c.name for c in query.visible_columns]
        assert [k for k in rows["properties"] if not k.endswith("Label") or k[:-5] not in visible] == visible
        assert set(op["responses"]) >= {"200", "400", "406", "503"}


def test_the_answers_match_their_response_schemas(spec, live_server):
    from jsonschema import Draft202012Validator

    def resolved(name: str) -> dict:
        """The component schema with the other components as $defs (JSON Schema 2020-12 references)."""
        schema = {**spec["components"]["schemas"][name], "$defs": spec["components"]["schemas"]}
        return json.loads(json.dumps(schema).replace("#/components/schemas/", "#/$defs/"))
    for path, item in spec["paths"].items():
        if not path.startswith("/queries/"):
            continue
        op = item["get"]
        args = {p["name"]: p["example"] for p in op["parameters"] if p.get("required")}
        body = requests.get(live_server + path + ".json", params=args, timeout=30).json()
        ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        Draft202012Validator(resolved(ref)).validate(body)
        assert body["rows"], path


def test_the_api_page_documents_every_operation(live_server, spec):
    page = requests.get(live_server + "/api", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    for path in spec["paths"]:
        assert f"<code>GET {path}</code>" in page.text
    assert 'href="/openapi.json"' in page.text and "cdn" not in page.text.lower()
    english = requests.get(live_server + "/api?lang=en", headers={"Accept": "text/html"}, timeout=30).text
    dutch = requests.get(live_server + "/api?lang=nl", headers={"Accept": "text/html"}, timeout=30).text
    assert "Who funds whom" in english and "Wie financiert wie" in dutch
