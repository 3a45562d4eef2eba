"""The OpenAPI 3.1 description of the canned-query API (``/openapi.json``) and its human page (``/api``).

Every canned query becomes one operation ``GET /queries/<name>`` with typed parameters (schema types,
enumerations, defaults, bounds, descriptions) and response schemas per column, generated from the
parsed ``.rq`` headers, so the document cannot drift from the queries. ``/api`` renders the same
dictionary as HTML on the server (no Swagger UI, nothing from a CDN). Dutch texts travel in
``x-nl`` extension fields; the OpenAPI text itself is English.

Other blueprints may add operations: ``app.extensions["fundinggraph.openapi"]`` is a list of callables
returning ``{path: path item}`` dictionaries, merged into ``paths``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from importlib import metadata
from typing import Any

from flask import Blueprint, Flask, Response, current_app, render_template, request, url_for

from server import i18n
from server.canned import MAX_STRING, CannedQuery, Column, Parameter
from server.queries import MAX_PAGE, MEDIA_TYPES, all_queries
from server.store import settings

bp = Blueprint("api", __name__)

EXTRA_PATHS = "fundinggraph.openapi"
PathsBuilder = Callable[[], dict[str, Any]]

i18n.add_messages({
    "api.title": {"nl": "API-documentatie", "en": "API documentation"},
    "api.intro": {
        "nl": "Elke kant-en-klare vraag is een HTTP-operatie. Het machineleesbare OpenAPI-document staat op",
        "en": "Every canned query is an HTTP operation. The machine-readable OpenAPI document is at",
    },
    "api.parameters": {"nl": "Parameters", "en": "Parameters"},
    "api.responses": {"nl": "Antwoorden", "en": "Responses"},
    "api.name": {"nl": "Naam", "en": "Name"},
    "api.type": {"nl": "Type", "en": "Type"},
    "api.description": {"nl": "Beschrijving", "en": "Description"},
    "api.required": {"nl": "verplicht", "en": "required"},
    "api.default": {"nl": "standaard", "en": "default"},
    "api.values": {"nl": "waarden", "en": "values"},
    "api.example": {"nl": "Voorbeeld", "en": "Example"},
    "api.columns": {"nl": "Kolommen van een rij", "en": "Columns of a row"},
    "api.try": {"nl": "Probeer in de browser", "en": "Try it in the browser"},
    "api.common": {"nl": "Gemeenschappelijke parameters", "en": "Common parameters"},
    "api.contents": {"nl": "Operaties", "en": "Operations"},
})

#: Integers and decimals beyond this are refused (they would not fit a typical client's number types).
NUMBER_LIMIT = Decimal(10) ** 15 - 1


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTRA_PATHS, [])


def _version() -> str:
    try:
        return metadata.version("fundinggraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"


def _nl(text_nl: str) -> dict[str, str]:
    return {"x-nl": text_nl}


def _limit(value: Decimal | None, fallback: Decimal) -> int | float:
    chosen = fallback if value is None else value
    return int(chosen) if chosen == chosen.to_integral_value() else float(chosen)


def parameter_schema(param: Parameter) -> dict[str, Any]:
    """The JSON Schema of one query parameter's value (as sent in the query string)."""
    schema: dict[str, Any]
    if param.type == "iri":
        schema = {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S",
                  "x-rdf-classes": list(param.classes)}
    elif param.type == "concept":
        schema = {"type": "string", "enum": list(param.values), "x-rdf-scheme": param.scheme_iri}
    elif param.type == "year":
        schema = {"type": "integer", "minimum": _limit(param.minimum, Decimal(1000)),
                  "maximum": _limit(param.maximum, Decimal(9999))}
    elif param.type == "integer":
        schema = {"type": "integer", "minimum": _limit(param.minimum, -NUMBER_LIMIT),
                  "maximum": _limit(param.maximum, NUMBER_LIMIT)}
    elif param.type == "decimal":
        schema = {"type": "number", "minimum": _limit(param.minimum, -NUMBER_LIMIT),
                  "maximum": _limit(param.maximum, NUMBER_LIMIT)}
    elif param.type == "boolean":
        schema = {"type": "boolean"}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": param.max_length, "pattern": r"\S"}
        if param.values:
            schema = {"type": "string", "enum": list(param.values)}
    if param.values and param.type in ("year", "integer"):
        schema["enum"] = [int(v) for v in param.values]
    if param.default is not None:
        schema["default"] = _typed(param, param.default)
    return schema


def _typed(param: Parameter, text: str) -> Any:
    if param.type in ("year", "integer"):
        return int(text)
    if param.type == "decimal":
        number = Decimal(text)
        return int(number) if number == number.to_integral_value() else float(number)
    if param.type == "boolean":
        return text.lower() in ("true", "1")
    return text


def parameter_object(param: Parameter) -> dict[str, Any]:
    """The OpenAPI parameter object of a query parameter."""
    description = param.description.en
    if param.type == "iri":
        description += (" Accepts a registry id (slug), an /id/... path, the full IRI or an exact name; it must "
                        "denote an entity of the class(es) " + ", ".join(param.classes) + ".")
    if param.value_labels:
        description += " Values: " + "; ".join(f"{v} = {param.value_label(v, 'en')}" for v in param.values) + "."
    obj: dict[str, Any] = {
        "name": param.name, "in": "query", "required": param.required,
        "description": description, "schema": parameter_schema(param),
        "x-label": param.label.en, **_nl(param.description.nl), "x-label-nl": param.label.nl,
        "x-type": param.type,
    }
    if not param.required:
        # An empty value means "not given" (what an empty form field sends): the default, or no filter.
        obj["allowEmptyValue"] = True
    if param.example is not None:
        obj["example"] = _typed(param, param.example)
    return obj


def column_schema(column: Column) -> dict[str, Any]:
    """The JSON Schema of one result cell."""
    kind = {
        "iri": {"type": ["string", "null"], "format": "iri"},
        "string": {"type": ["string", "null"]},
        "text": {"type": ["string", "null"]},
        "date": {"type": ["string", "null"]},
        "year": {"type": ["string", "null"], "pattern": r"^-?[0-9]{4,}$"},
        "amount": {"type": ["number", "null"]},
        "decimal": {"type": ["number", "null"]},
        "integer": {"type": ["integer", "null"]},
        "boolean": {"type": ["boolean", "null"]},
    }[column.type]
    unit = " (euro)" if column.type == "amount" else ""
    return {**kind, "description": column.label.en + unit, **_nl(column.label.nl), "x-type": column.type}


def _schema_name(query: CannedQuery) -> str:
    return "".join(part.capitalize() for part in query.name.split("-"))


def result_schemas(query: CannedQuery) -> dict[str, Any]:
    """The component schemas of one query's JSON answer: the result and its row."""
    name = _schema_name(query)
    properties: dict[str, Any] = {}
    for column in query.visible_columns:
        properties[column.name] = column_schema(column)
        if column.type == "iri":
            properties[column.name + "Label"] = {"type": ["string", "null"],
                                                 "description": f"Label of {column.name} in the request's language"}
    row = {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}
    result = {
        "type": "object",
        "required": ["ok", "query", "title", "parameters", "columns", "rows", "page", "size", "total", "pages",
                     "truncated", "next", "prev", "version"],
        "properties": {
            "ok": {"const": True},
            "query": {"const": query.name},
            "title": {"type": "string"},
            "parameters": {"type": "object", "additionalProperties": {"type": "string"},
                           "description": "The bound values: IRIs in full, literals as their lexical form"},
            "columns": {"type": "array", "items": {"$ref": "#/components/schemas/Column"}},
            "rows": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}Row"}},
            "page": {"type": "integer", "minimum": 1},
            "size": {"type": "integer", "minimum": 1},
            "total": {"type": "integer", "minimum": 0},
            "pages": {"type": "integer", "minimum": 1},
            "truncated": {"type": "boolean"},
            "next": {"type": ["string", "null"]},
            "prev": {"type": ["string", "null"]},
            "version": {"type": "string"},
        },
        "additionalProperties": False,
    }
    return {f"{name}Result": result, f"{name}Row": row}


def _error_responses() -> dict[str, Any]:
    error = {"$ref": "#/components/schemas/Error"}
    content = {"application/json": {"schema": error}, "text/html": {"schema": {"type": "string"}},
               "text/plain": {"schema": {"type": "string"}}}
    return {
        "400": {"description": "A parameter is unknown, repeated, missing or invalid; the message names it",
                "content": content},
        "406": {"description": "The representation asked for is not available", "content": content},
        "503": {"description": "No data loaded yet, or the store is unavailable; retry later", "content": content},
    }


def _success_headers() -> dict[str, Any]:
    return {
        "X-Data-Version": {"description": "The data version that answered", "schema": {"type": "string"}},
        "Link": {"description": "first, prev, next and last pages (RFC 8288)", "schema": {"type": "string"}},
        "X-Result-Truncated": {"description": "true when the result was cut at the max_rows limit",
                               "schema": {"type": "string"}},
        "ETag": {"description": "Changes with the data version, URL and language", "schema": {"type": "string"}},
    }


def operation(query: CannedQuery) -> dict[str, Any]:
    """The OpenAPI operation of one canned query."""
    name = _schema_name(query)
    return {
        "operationId": "query" + name,
        "tags": ["queries"],
        "summary": query.title.en,
        "description": query.description.en,
        "x-summary-nl": query.title.nl,
        **_nl(query.description.nl),
        "parameters": [parameter_object(p) for p in query.parameters] + [
            {"$ref": f"#/components/parameters/{common}"} for common in ("page", "size", "format", "lang")],
        "responses": {
            "200": {
                "description": "The rows of the requested page",
                "headers": _success_headers(),
                "content": {
                    "application/json": {"schema": {"$ref": f"#/components/schemas/{name}Result"}},
                    "text/csv": {"schema": {"type": "string"},
                                 "x-description": "RFC 4180 CSV with a header; each IRI column is followed by its label"},
                    "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
                    "text/html": {"schema": {"type": "string"}},
                },
            },
            **_error_responses(),
        },
    }


def _components() -> dict[str, Any]:
    max_rows = settings().max_rows
    return {
        "parameters": {
            "page": {"name": "_page", "in": "query", "required": False,
                     "description": "Page number, from 1 (a page past the last one is empty)",
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
            "size": {"name": "_size", "in": "query", "required": False,
                     "description": f"Rows per page (default {settings().page_size}; at most {max_rows}, "
                                    "the max_rows setting; 'max' asks for that many)",
                     "schema": {"anyOf": [{"type": "integer", "minimum": 1, "maximum": max_rows},
                                          {"type": "string", "enum": ["max"]}]}},
            # html is the page for people (a form that may be shown before its required values are
            # filled in), not a representation of the API's contract: it is left out of the enum.
            "format": {"name": "_format", "in": "query", "required": False,
                       "description": "Representation, instead of the Accept header or a .json/.csv/.srj suffix "
                                      "(_format=html, not part of the API, gives the page for people)",
                       "schema": {"type": "string", "enum": [name for name in MEDIA_TYPES if name != "html"]}},
            "lang": {"name": "lang", "in": "query", "required": False,
                     "description": "Language of titles, column headings and labels (remembered in a cookie)",
                     "schema": {"type": "string", "enum": list(i18n.LANGUAGES)}},
        },
        "schemas": {
            "Error": {
                "type": "object", "required": ["ok", "status", "error"],
                "properties": {"ok": {"const": False}, "status": {"type": "integer"}, "error": {"type": "string"},
                               "parameters": {"type": "array", "items": {
                                   "type": "object", "required": ["name", "error"],
                                   "properties": {"name": {"type": "string"}, "error": {"type": "string"}}}},
                               "known": {"type": "array", "items": {"type": "string"}}},
            },
            "Column": {
                "type": "object", "required": ["name", "type", "label"],
                "properties": {"name": {"type": "string"}, "label": {"type": "string"},
                               "type": {"type": "string", "enum": ["iri", "string", "text", "amount", "decimal",
                                                                  "integer", "year", "date", "boolean"]}},
            },
            "SparqlResults": {
                "type": "object", "required": ["head", "results"],
                "properties": {
                    "head": {"type": "object", "required": ["vars"],
                             "properties": {"vars": {"type": "array", "items": {"type": "string"}}}},
                    "results": {"type": "object", "required": ["bindings"], "properties": {"bindings": {
                        "type": "array", "items": {"type": "object", "additionalProperties": {
                            "type": "object", "required": ["type", "value"],
                            "properties": {"type": {"enum": ["uri", "literal", "bnode"]}, "value": {"type": "string"},
                                           "datatype": {"type": "string"}, "xml:lang": {"type": "string"}}}}}}},
                },
            },
            "QueryList": {
                "type": "object", "required": ["ok", "queries"],
                "properties": {"ok": {"const": True}, "queries": {"type": "array", "items": {
                    "type": "object", "required": ["name", "title", "description", "url", "parameters"],
                    "properties": {"name": {"type": "string"}, "title": {"type": "string"},
                                   "description": {"type": "string"}, "url": {"type": "string"},
                                   "parameters": {"type": "array", "items": {"type": "object"}}}}}},
            },
        },
    }


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of this site's canned-query API."""
    queries = all_queries()
    components = _components()
    paths: dict[str, Any] = {
        "/queries": {"get": {
            "operationId": "listQueries", "tags": ["queries"], "summary": "List the canned queries",
            "description": "Name, title, description, URL and parameters of every canned query.",
            "parameters": [{"$ref": "#/components/parameters/lang"}],
            "responses": {"200": {"description": "The canned queries", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/QueryList"}},
                "text/html": {"schema": {"type": "string"}}}},
                "400": _error_responses()["400"], "406": _error_responses()["406"]},
        }},
    }
    for query in queries.values():
        paths[f"/queries/{query.name}"] = {"get": operation(query)}
        components["schemas"].update(result_schemas(query))
    for builder in current_app.extensions.get(EXTRA_PATHS, []):
        paths.update(builder())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Flemish economic-policy funding graph: canned queries",
            "version": _version(),
            "summary": "Who funds whom, through which instrument, how much, when, and according to which sentence.",
            "description": (
                "Canned SPARQL queries over the funding graph. Parameters are converted to their declared type "
                "and bound as typed RDF terms. Answers: JSON (application/json), CSV (text/csv), SPARQL JSON "
                "(application/sparql-results+json) or HTML, by Accept, by ?_format= or by a .json/.csv/.srj "
                "suffix. Results are paged with _page and _size, with Link headers. Errors share one JSON shape "
                "{ok: false, status, error}. See docs/QUERIES.md."
            ),
            "license": {"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        },
        "servers": [{"url": request.url_root.rstrip("/") or "/"}],
        "tags": [{"name": "queries", "description": "Canned queries"}],
        "paths": paths,
        "components": components,
    }


def _cached(key: tuple, build: Callable[[], str]) -> str:
    """Texts that depend only on the queries, the settings and the host: built once per process."""
    store = current_app.extensions.setdefault("fundinggraph.api.cache", {})
    if key not in store:
        store[key] = build()
    return store[key]


@bp.get("/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 document (JSON)."""
    text = _cached(("openapi", request.url_root), lambda: json.dumps(document(), ensure_ascii=False, indent=1) + "\n")
    response = current_app.response_class(text, mimetype="application/json")
    response.headers["Cache-Control"] = "no-cache"
    return response


def _schema_text(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_text(s) for s in schema["anyOf"])
    kind = schema.get("type", "")
    kind = " | ".join(kind) if isinstance(kind, list) else kind
    if "enum" in schema:
        return f"{kind} (enum)"
    bounds = [f"≥ {schema['minimum']}" if "minimum" in schema else "", f"≤ {schema['maximum']}" if "maximum" in schema else "",
              f"≤ {schema['maxLength']} chars" if "maxLength" in schema and schema["maxLength"] != MAX_STRING else ""]
    extra = ", ".join(b for b in bounds if b)
    return f"{kind}{' ' + extra if extra else ''}"


@bp.get("/api")
def docs() -> str:
    """The OpenAPI document rendered as a page (server-side, from the same dictionary)."""
    return _cached(("api", request.url_root, i18n.current()), _render_docs)


def _render_docs() -> str:
    doc = document()
    lang = i18n.current()
    components = doc["components"]
    operations = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = []
            for param in op.get("parameters", []):
                if "$ref" in param:
                    continue
                schema = param["schema"]
                params.append({
                    "name": param["name"], "required": param["required"], "type": param.get("x-type", schema.get("type")),
                    "schema": _schema_text(schema), "enum": schema.get("enum"), "default": schema.get("default"),
                    "description": param.get("x-nl") if lang == "nl" and param.get("x-nl") else param["description"],
                    "example": param.get("example"),
                })
            row_schema = None
            ok = op["responses"].get("200", {}).get("content", {}).get("application/json", {}).get("schema", {})
            ref = ok.get("$ref", "").rsplit("/", 1)[-1]
            if ref.endswith("Result"):
                row = components["schemas"].get(ref[:-len("Result")] + "Row", {})
                row_schema = [{"name": n, "schema": _schema_text(s),
                               "description": s.get("x-nl") if lang == "nl" and s.get("x-nl") else s.get("description", "")}
                              for n, s in row.get("properties", {}).items()]
            example_args = "&".join(f"{p['name']}={p['example']}" for p in params if p["example"] is not None and p["required"])
            name = path.rsplit("/", 1)[-1]
            operations.append({
                "anchor": name if path != "/queries" else "list", "method": method.upper(), "path": path,
                "summary": op.get("x-summary-nl") if lang == "nl" and op.get("x-summary-nl") else op.get("summary"),
                "description": op.get("x-nl") if lang == "nl" and op.get("x-nl") else op.get("description"),
                "operation_id": op.get("operationId"), "params": params, "columns": row_schema,
                "responses": [(code, r.get("description", ""), list(r.get("content", {}))) for code, r in op["responses"].items()],
                "example": path + ".json" + ("?" + example_args if example_args else "") if path != "/queries" else path + ".json",
                "page": path + ("?" + example_args if example_args else ""),
            })
    common = [components["parameters"][k] for k in ("page", "size", "format", "lang")]
    common = [{"name": c["name"], "schema": _schema_text(c["schema"]), "description": c["description"],
               "enum": c["schema"].get("enum")} for c in common]
    return render_template("api.html", doc=doc, operations=operations, common=common,
                           openapi_url=url_for("api.openapi"), root=request.url_root.rstrip("/"))
