"""Canned queries: one ``queries/<name>.rq`` per question, parsed once when the app starts.

A file starts with a header of ``#+`` comment lines holding YAML (grlc's idea, with typed parameters),
followed by the SPARQL ``SELECT`` text. Parameters are written ``$name`` in the query (SPARQL's other
variable sigil), every other variable ``?name``; the declared parameters must be exactly the ``$``
variables used, and each must be in the ``SELECT`` projection (pyoxigraph binds a value by substituting
the variable, which it refuses for variables outside the projection). See docs/QUERIES.md.

Values from a request are converted to the parameter's declared type and bound as RDF terms
(:func:`bind`); they are never written into the query text. A broken header, an undeclared or unused
parameter, a syntax error or a projection that differs from the declared columns raises
:class:`QueryDefinitionError` naming the file and line, which stops the app from starting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pyoxigraph import Literal, NamedNode, Store, Variable

from fundinggraph.namespaces import PREFIXES

XSD = PREFIXES["xsd"]

#: Parameter types and what a value must look like.
PARAM_TYPES = ("iri", "concept", "year", "integer", "decimal", "string", "boolean")
#: Column types (they choose the JSON type, the OpenAPI schema and the formatting of a cell).
COLUMN_TYPES = ("iri", "string", "text", "amount", "decimal", "integer", "year", "date", "boolean")
CHART_TYPES = ("bar", "line", "pie", "sankey")
#: Request parameters that steer the answer rather than the query (never declared by a query).
CONTROL_PARAMETERS = ("_page", "_size", "_format", "lang")
#: Longest accepted string value (characters).
MAX_STRING = 200

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
YEAR_RE = re.compile(r"^[0-9]{4}$")
INTEGER_RE = re.compile(r"^[+-]?[0-9]{1,15}$")
DECIMAL_RE = re.compile(r"^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]{1,3})?$")
#: Longest decimal accepted, written out in full (digits).
MAX_DECIMAL_DIGITS = 40
BOOLEAN_VALUES = {"true": True, "false": False, "1": True, "0": False}

# Tokens of SPARQL text that may hide a "$" or "?": strings, IRIs and comments are skipped.
_TOKEN_RE = re.compile(
    r'(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<var>[?$][A-Za-z0-9_]+)",
    re.DOTALL,
)


class QueryDefinitionError(Exception):
    """A canned query file is wrong; the message names the file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else str(self.path)
        super().__init__(f"{where}: {message}")


class ParameterError(ValueError):
    """One request parameter cannot be used; ``name`` is the parameter, the message says why."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


class ParameterErrors(ValueError):
    """Every problem with the parameters of one request."""

    def __init__(self, errors: list[ParameterError], known: Iterable[str] = ()):
        self.errors = errors
        self.known = tuple(known)
        super().__init__("; ".join(e.message for e in errors))


@dataclass(frozen=True)
class Text:
    """A text in Dutch and English."""

    nl: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` (Dutch unless ``en``)."""
        return self.en if lang == "en" else self.nl


@dataclass(frozen=True)
class Parameter:
    """A declared parameter: its type, constraints and documentation."""

    name: str
    type: str
    label: Text
    description: Text
    required: bool = False
    default: str | None = None
    example: str | None = None
    classes: tuple[str, ...] = ()
    scheme: str | None = None
    values: tuple[str, ...] = ()
    value_labels: Mapping[str, Text] = field(default_factory=dict)
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    max_length: int = MAX_STRING
    line: int = 0

    @property
    def scheme_iri(self) -> str:
        return PREFIXES[self.scheme] if self.scheme else ""

    def value_label(self, value: str, lang: str) -> str:
        """The human label of an enumerated value (the value itself when none is declared)."""
        text = self.value_labels.get(value)
        return text.get(lang) if text else value


@dataclass(frozen=True)
class Column:
    """A column of the result: the variable name, its type and its heading."""

    name: str
    type: str
    label: Text
    #: Projected only because pyoxigraph binds projected variables (a filter-only parameter): not shown.
    hidden: bool = False


@dataclass(frozen=True)
class Chart:
    """Which chart suits the result and which columns feed it."""

    type: str
    label: str | None = None
    value: tuple[str, ...] = ()
    series: str | None = None
    source: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class CannedQuery:
    """One parsed ``.rq`` file."""

    name: str
    path: Path
    title: Text
    description: Text
    parameters: tuple[Parameter, ...]
    columns: tuple[Column, ...]
    chart: Chart | None
    body: str
    body_line: int
    order: int = 1000

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def parameter_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.parameters)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def visible_columns(self) -> tuple[Column, ...]:
        """The columns shown and downloaded (hidden parameter echoes left out)."""
        return tuple(c for c in self.columns if not c.hidden)


# -- parsing ------------------------------------------------------------------------------------------

HEADER_KEYS = {"title", "description", "order", "parameters", "columns", "chart"}
PARAM_KEYS = {"type", "label", "description", "required", "default", "example", "class", "scheme", "values",
              "min", "max", "maxLength"}
CHART_KEYS = {"type", "label", "value", "series", "source", "target"}


def _split(path: Path, text: str) -> tuple[list[str], int, str]:
    """The header lines (without ``#+``), the line number where the body starts, and the body."""
    lines = text.split("\n")
    header: list[str] = []
    index = 0
    while index < len(lines) and lines[index].startswith("#+"):
        line = lines[index]
        if line != "#+" and not line.startswith("#+ "):
            raise QueryDefinitionError(path, index + 1, "a header line must start with '#+ ' (hash, plus, space)")
        header.append(line[3:])
        index += 1
    if not header:
        raise QueryDefinitionError(path, 1, "no header: the file must start with '#+ ' lines (title, description, ...)")
    body = "\n".join(lines[index:])
    return header, index + 1, body


def _key_line(header: list[str], key: str, start: int = 0) -> int:
    """1-based line of the first header line that declares ``key:`` at or after ``start``."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*:")
    for offset, line in enumerate(header[start:]):
        if pattern.match(line):
            return start + offset + 1
    return start + 1


def _text(path: Path, line: int, value: Any, what: str) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) and value[k].strip() for k in ("nl", "en")):
        raise QueryDefinitionError(path, line, f"{what} must give a non-empty text in nl and en ({{nl: ..., en: ...}})")
    extra = set(value) - {"nl", "en"}
    if extra:
        raise QueryDefinitionError(path, line, f"{what}: unknown language(s) {sorted(extra)}; use nl and en")
    return Text(nl=value["nl"].strip(), en=value["en"].strip())


def _expand(path: Path, line: int, name: str) -> str:
    """A prefixed name (``org:Organization``) or ``<iri>`` as a full IRI."""
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, sep, local = name.partition(":")
    if not sep or prefix not in PREFIXES:
        raise QueryDefinitionError(path, line, f"class {name!r}: use a prefixed name with one of our prefixes or <iri>")
    return PREFIXES[prefix] + local


def _number(path: Path, line: int, value: Any, what: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise QueryDefinitionError(path, line, f"{what} must be a number, not {value!r}") from None


def _parameter(path: Path, header: list[str], params_line: int, name: str, spec: Any) -> Parameter:
    line = _key_line(header, name, params_line)
    if not isinstance(name, str) or not PARAM_NAME_RE.match(name):
        raise QueryDefinitionError(path, line, f"parameter name {name!r} must be letters and digits, starting with a letter")
    if name in CONTROL_PARAMETERS:
        raise QueryDefinitionError(path, line, f"parameter name {name!r} is reserved")
    if not isinstance(spec, dict):
        raise QueryDefinitionError(path, line, f"parameter {name}: expected a mapping (type, label, description ...)")
    unknown = set(spec) - PARAM_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise QueryDefinitionError(path, _key_line(header, key, line - 1),
                                   f"parameter {name}: unknown key {key!r}; known: {', '.join(sorted(PARAM_KEYS))}")
    kind = spec.get("type")
    if kind not in PARAM_TYPES:
        raise QueryDefinitionError(path, line, f"parameter {name}: type must be one of {', '.join(PARAM_TYPES)}, not {kind!r}")
    classes: tuple[str, ...] = ()
    if kind == "iri":
        declared = spec.get("class")
        if not declared:
            raise QueryDefinitionError(path, line, f"parameter {name}: an iri parameter needs 'class' (one or a list)")
        declared = declared if isinstance(declared, list) else [declared]
        classes = tuple(_expand(path, line, str(c)) for c in declared)
    elif "class" in spec:
        raise QueryDefinitionError(path, line, f"parameter {name}: 'class' only applies to type iri")
    scheme = spec.get("scheme")
    if kind == "concept":
        if scheme not in PREFIXES or not PREFIXES[scheme].startswith("https://fundinggraph.example.org/def/"):
            raise QueryDefinitionError(path, line, f"parameter {name}: a concept parameter needs 'scheme', the prefix of "
                                                   f"one of our vocabularies (amount, theme, phase ...), not {scheme!r}")
    elif scheme is not None:
        raise QueryDefinitionError(path, line, f"parameter {name}: 'scheme' only applies to type concept")
    raw_values = spec.get("values", [])
    value_labels: dict[str, Text] = {}
    if isinstance(raw_values, dict):
        for code, label in raw_values.items():
            value_labels[str(code)] = _text(path, line, label, f"parameter {name}: label of value {code!r}")
        values = tuple(str(v) for v in raw_values)
    elif isinstance(raw_values, list):
        values = tuple(str(v) for v in raw_values)
    else:
        raise QueryDefinitionError(path, line, f"parameter {name}: 'values' must be a list or a mapping value -> {{nl, en}}")
    if kind == "concept" and not values:
        raise QueryDefinitionError(path, line, f"parameter {name}: a concept parameter needs its 'values' (the codes)")
    if kind in ("iri", "boolean") and values:
        raise QueryDefinitionError(path, line, f"parameter {name}: 'values' does not apply to type {kind}")
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise QueryDefinitionError(path, line, f"parameter {name}: 'required' must be true or false")
    default = None if spec.get("default") is None else str(spec["default"]).lower() if isinstance(spec["default"], bool) else str(spec["default"])
    example = None if spec.get("example") is None else str(spec["example"])
    if required and default is not None:
        raise QueryDefinitionError(path, line, f"parameter {name}: a required parameter cannot have a default")
    max_length = spec.get("maxLength", MAX_STRING)
    if not isinstance(max_length, int) or not 1 <= max_length <= 10000:
        raise QueryDefinitionError(path, line, f"parameter {name}: maxLength must be an integer 1..10000")
    param = Parameter(
        name=name, type=kind,
        label=_text(path, line, spec.get("label"), f"parameter {name}: label"),
        description=_text(path, line, spec.get("description"), f"parameter {name}: description"),
        required=required, default=default, example=example, classes=classes, scheme=scheme,
        values=values, value_labels=value_labels,
        minimum=_number(path, line, spec.get("min"), f"parameter {name}: min"),
        maximum=_number(path, line, spec.get("max"), f"parameter {name}: max"),
        max_length=max_length, line=line,
    )
    for what, value in (("default", default), ("example", example)):
        if value is not None and kind != "iri":
            try:
                convert(param, value)
            except ParameterError as exc:
                raise QueryDefinitionError(path, line, f"parameter {name}: {what} {value!r} is not valid: {exc.message}") from None
    return param


def _column(path: Path, line: int, name: Any, spec: Any) -> Column:
    if isinstance(spec, str):
        spec = {"type": spec}
    if not isinstance(spec, dict) or spec.get("type") not in COLUMN_TYPES:
        raise QueryDefinitionError(path, line, f"column {name}: type must be one of {', '.join(COLUMN_TYPES)}")
    unknown = set(spec) - {"type", "label", "hidden"}
    if unknown:
        raise QueryDefinitionError(path, line, f"column {name}: unknown key(s) {sorted(unknown)}")
    if not isinstance(spec.get("hidden", False), bool):
        raise QueryDefinitionError(path, line, f"column {name}: hidden must be true or false")
    label = _text(path, line, spec["label"], f"column {name}: label") if "label" in spec else Text(str(name), str(name))
    return Column(name=str(name), type=spec["type"], label=label, hidden=spec.get("hidden", False))


def _chart(path: Path, line: int, spec: Any, columns: dict[str, Column]) -> Chart | None:
    if spec is None or spec == "none" or (isinstance(spec, dict) and spec.get("type") == "none"):
        return None
    if not isinstance(spec, dict) or spec.get("type") not in CHART_TYPES:
        raise QueryDefinitionError(path, line, f"chart: type must be one of {', '.join(CHART_TYPES)} or none")
    unknown = set(spec) - CHART_KEYS
    if unknown:
        raise QueryDefinitionError(path, line, f"chart: unknown key(s) {sorted(unknown)}; known: {', '.join(sorted(CHART_KEYS))}")
    value = spec.get("value", [])
    values = tuple(value if isinstance(value, list) else [value]) if value else ()
    chart = Chart(type=spec["type"], label=spec.get("label"), value=tuple(str(v) for v in values),
                  series=spec.get("series"), source=spec.get("source"), target=spec.get("target"))
    needed = {"sankey": ("source", "target"), "bar": ("label",), "line": ("label",), "pie": ("label",)}[chart.type]
    for key in needed:
        if not getattr(chart, key):
            raise QueryDefinitionError(path, line, f"chart: a {chart.type} chart needs '{key}' (a column)")
    if chart.type == "sankey" and len(chart.value) != 1:
        raise QueryDefinitionError(path, line, "chart: a sankey chart needs exactly one 'value' column")
    for used in (chart.label, chart.series, chart.source, chart.target, *chart.value):
        if used is not None and used not in columns:
            raise QueryDefinitionError(path, line, f"chart: {used!r} is not a declared column")
    for used in chart.value:
        if columns[used].type not in ("amount", "decimal", "integer"):
            raise QueryDefinitionError(path, line, f"chart: value column {used!r} must be numeric (amount, decimal, integer)")
    return chart


def scan_variables(body: str) -> list[tuple[str, str, int]]:
    """Every variable in SPARQL text as ``(sigil, name, line)``, skipping strings, IRIs and comments."""
    found = []
    for match in _TOKEN_RE.finditer(body):
        token = match.group("var")
        if token:
            found.append((token[0], token[1:], body.count("\n", 0, match.start()) + 1))
    return found


def dummy_term(param: Parameter) -> NamedNode | Literal:
    """A value of the parameter's type, for checking the query without data."""
    if param.type == "iri":
        return NamedNode("urn:x-fundinggraph:check")
    if param.type == "concept":
        return NamedNode(param.scheme_iri + param.values[0])
    if param.type == "string":
        return Literal(param.values[0] if param.values else "x")
    if param.type == "boolean":
        return Literal(True)
    datatype, lexical = {"year": ("gYear", "2000"), "integer": ("integer", "1"), "decimal": ("decimal", "1")}[param.type]
    return Literal(param.values[0] if param.values else lexical, datatype=NamedNode(XSD + datatype))


def _check_body(path: Path, body: str, body_line: int, params: dict[str, Parameter], columns: dict[str, Column]) -> None:
    used: dict[str, int] = {}
    for sigil, name, line in scan_variables(body):
        if sigil == "$":
            used.setdefault(name, line)
            if name not in params:
                raise QueryDefinitionError(path, body_line + line - 1,
                                           f"${name} is used but not declared under 'parameters' "
                                           f"(declared: {', '.join(params) or 'none'})")
        elif name in params:
            raise QueryDefinitionError(path, body_line + line - 1,
                                       f"?{name} is a declared parameter: write it ${name} everywhere")
    bound_test = re.search(r"\bBOUND\s*\(\s*\$([A-Za-z0-9_]+)", body, re.IGNORECASE)
    if bound_test:
        line = body_line + body.count("\n", 0, bound_test.start())
        raise QueryDefinitionError(path, line, f"BOUND(${bound_test.group(1)}) is always false under pyoxigraph's "
                                               f"substitution; test a given parameter with COALESCE(isIRI(${bound_test.group(1)}), false) "
                                               "or isLiteral")
    for name, param in params.items():
        if name not in used:
            raise QueryDefinitionError(path, param.line, f"parameter {name} is declared but ${name} is not used in the query")
    store = Store()
    bindings = {Variable(name): dummy_term(param) for name, param in params.items()}
    try:
        result = store.query(body, prefixes=PREFIXES, substitutions=bindings or None)
    except SyntaxError as exc:
        match = re.search(r"at (\d+):(\d+)", str(exc))
        last = body_line + len(body.rstrip().split("\n")) - 1  # the parser may point past the end
        line = min(body_line + int(match.group(1)) - 1, last) if match else body_line
        raise QueryDefinitionError(path, line, f"SPARQL syntax error: {exc}") from None
    except (RuntimeError, ValueError) as exc:
        raise QueryDefinitionError(path, body_line, f"the query cannot run: {exc}") from None
    variables = getattr(result, "variables", None)
    if variables is None:
        raise QueryDefinitionError(path, body_line, "a canned query must be a SELECT query")
    projected = [v.value for v in variables]
    if projected != list(columns):
        raise QueryDefinitionError(path, body_line,
                                   f"the SELECT projection {projected} differs from the declared columns {list(columns)}")


def parse_query(path: Path, text: str | None = None) -> CannedQuery:
    """Parse and check one ``.rq`` file.

    :raises QueryDefinitionError: naming the file and line of the first problem.
    """
    path = Path(path)
    name = path.stem
    if not NAME_RE.match(name):
        raise QueryDefinitionError(path, None, "the file name must be lower-case letters, digits and hyphens (it is the URL)")
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise QueryDefinitionError(path, None, f"not UTF-8 text: {exc}") from None
    header, body_line, body = _split(path, text)
    try:
        meta = yaml.safe_load("\n".join(header))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise QueryDefinitionError(path, line, f"header is not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(meta, dict):
        raise QueryDefinitionError(path, 1, "the header must be a YAML mapping (title:, description:, parameters: ...)")
    unknown = set(meta) - HEADER_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise QueryDefinitionError(path, _key_line(header, key), f"unknown header key {key!r}; known: {', '.join(sorted(HEADER_KEYS))}")
    for key in ("title", "description", "columns"):
        if key not in meta:
            raise QueryDefinitionError(path, 1, f"the header needs '{key}'")
    title = _text(path, _key_line(header, "title"), meta["title"], "title")
    description = _text(path, _key_line(header, "description"), meta["description"], "description")
    params_line = _key_line(header, "parameters") if "parameters" in meta else 0
    raw_params = meta.get("parameters") or {}
    if not isinstance(raw_params, dict):
        raise QueryDefinitionError(path, params_line, "'parameters' must be a mapping name -> {type, label, description ...}")
    params = {str(n): _parameter(path, header, params_line, n, spec) for n, spec in raw_params.items()}
    columns_line = _key_line(header, "columns")
    raw_columns = meta["columns"]
    if not isinstance(raw_columns, dict) or not raw_columns:
        raise QueryDefinitionError(path, columns_line, "'columns' must map each projected variable to its type")
    columns = {str(n): _column(path, _key_line(header, str(n), columns_line), n, spec) for n, spec in raw_columns.items()}
    chart = _chart(path, _key_line(header, "chart"), meta.get("chart"), columns)
    order = meta.get("order", 1000)
    if not isinstance(order, int):
        raise QueryDefinitionError(path, _key_line(header, "order"), "'order' must be an integer")
    if not body.strip():
        raise QueryDefinitionError(path, body_line, "no query after the header")
    _check_body(path, body, body_line, params, columns)
    return CannedQuery(name=name, path=path, title=title, description=description, parameters=tuple(params.values()),
                       columns=tuple(columns.values()), chart=chart, body=body, body_line=body_line, order=order)


def load_queries(directory: Path) -> dict[str, CannedQuery]:
    """Parse every ``*.rq`` of ``directory``, in display order.

    :raises QueryDefinitionError: for the first file that is wrong (a missing directory is one too).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise QueryDefinitionError(directory, None, "the canned-query directory does not exist (setting queries_dir)")
    queries = [parse_query(path) for path in sorted(directory.glob("*.rq"))]
    queries.sort(key=lambda q: (q.order, q.name))
    return {q.name: q for q in queries}


# -- values -------------------------------------------------------------------------------------------

Resolver = Callable[[Parameter, str], NamedNode]


def _bounded(param: Parameter, number: Decimal, text: str) -> None:
    if param.minimum is not None and number < param.minimum:
        raise ParameterError(param.name, f"parameter {param.name}: {text} is below the minimum {param.minimum}")
    if param.maximum is not None and number > param.maximum:
        raise ParameterError(param.name, f"parameter {param.name}: {text} is above the maximum {param.maximum}")


def convert(param: Parameter, raw: str, resolve: Resolver | None = None) -> NamedNode | Literal:
    """The RDF term for the text ``raw`` given for ``param``.

    :raises ParameterError: naming the parameter and the expected type or values.
    """
    name, kind = param.name, param.type
    text = raw.strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParameterError(name, f"parameter {name}: the value is not valid text") from None
    if param.values and text not in param.values:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise ParameterError(name, f"parameter {name}: {shown!r} is not one of the allowed values: {', '.join(param.values)}")
    if kind == "string":
        if len(raw) > param.max_length:
            raise ParameterError(name, f"parameter {name}: longer than {param.max_length} characters")
        return Literal(raw)
    if kind == "concept":
        return NamedNode(param.scheme_iri + text)
    if kind == "year":
        if not YEAR_RE.match(text):
            raise ParameterError(name, f"parameter {name}: expected a year (xsd:gYear, four digits such as 2023), not {_show(text)}")
        _bounded(param, Decimal(text), text)
        return Literal(text, datatype=NamedNode(XSD + "gYear"))
    if kind == "integer":
        if not INTEGER_RE.match(text):
            raise ParameterError(name, f"parameter {name}: expected an integer (xsd:integer), not {_show(text)}")
        _bounded(param, Decimal(text), text)
        return Literal(str(int(text)), datatype=NamedNode(XSD + "integer"))
    if kind == "decimal":
        lexical = format(Decimal(text), "f") if DECIMAL_RE.match(text) else ""
        if not lexical or len(lexical.lstrip("+-").replace(".", "")) > MAX_DECIMAL_DIGITS:
            raise ParameterError(name, f"parameter {name}: expected a decimal number such as 585000 or 12.5 "
                                       f"(xsd:decimal, a dot before the decimals, at most {MAX_DECIMAL_DIGITS} "
                                       f"digits), not {_show(text)}")
        _bounded(param, Decimal(lexical), text)
        return Literal(lexical, datatype=NamedNode(XSD + "decimal"))
    if kind == "boolean":
        if text.lower() not in BOOLEAN_VALUES:
            raise ParameterError(name, f"parameter {name}: expected true or false (xsd:boolean), not {_show(text)}")
        return Literal(BOOLEAN_VALUES[text.lower()])
    if kind == "iri":
        if resolve is None:
            raise ParameterError(name, f"parameter {name}: cannot check {_show(text)} without data")
        if not text:
            raise ParameterError(name, f"parameter {name}: empty")
        return resolve(param, text)
    raise AssertionError(f"unknown parameter type {kind}")  # parse_query admits no other type


def _show(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def bind(query: CannedQuery, args: Mapping[str, list[str]], resolve: Resolver | None = None,
         control: Iterable[str] = CONTROL_PARAMETERS) -> dict[str, NamedNode | Literal]:
    """Typed bindings for the request arguments ``args`` (name -> list of values).

    Empty values count as not given (an empty form field, and OpenAPI's ``allowEmptyValue``); a
    missing parameter takes its default, or stays unbound when optional.

    :raises ParameterErrors: listing every unknown, repeated, missing or invalid parameter.
    """
    errors: list[ParameterError] = []
    control = set(control)
    known = query.parameter_names
    for name in args:
        if name not in known and name not in control:
            listed = ", ".join(known) if known else "none"
            errors.append(ParameterError(name, f"unknown parameter {_show(name)}; this query takes: {listed}"))
    bindings: dict[str, NamedNode | Literal] = {}
    for param in query.parameters:
        given = [v for v in args.get(param.name, []) if v.strip() != ""]
        if len(given) > 1:
            errors.append(ParameterError(param.name, f"parameter {param.name}: given {len(given)} times; give it once"))
            continue
        raw = given[0] if given else param.default
        if raw is None:
            if param.required:
                errors.append(ParameterError(param.name, f"parameter {param.name} is required "
                                                         f"({param.type}{', e.g. ' + param.example if param.example else ''})"))
            continue
        try:
            bindings[param.name] = convert(param, raw, resolve)
        except ParameterError as exc:
            errors.append(exc)
    if errors:
        raise ParameterErrors(errors, known)
    return bindings
