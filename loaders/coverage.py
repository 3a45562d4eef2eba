"""``fundinggraph coverage``: which money figures of the sources the graph carries, and where the others are.

A figure found by :mod:`loaders.moneyscan` is *carried* when some node of the graph is
``prov:wasDerivedFrom`` an excerpt of the same document whose line span holds the figure's lines, and
one of that node's ``xsd:decimal`` money values (``fg:amount``, ``fg:minAmount``, ``fg:maxAmount`` ...) is
exactly the figure's euro value; a figure without a value (garbled text) is carried when such a node has
that ``fg:originalText``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import Store

from fundinggraph.cli import EXIT_INVALID, register, settings_from
from fundinggraph.namespaces import sparql_prologue
from loaders.moneyscan import Mention, TableNotFound, scan_sources
from loaders.sourcetext import SourceSet

#: Every decimal value and original text of every node derived from an excerpt, with the excerpt's
#: document and line span. Values computed at load time (reconciliation) and decimals that are no money
#: (percentages, durations) are left out: a stated total's fg:amountDifference 0 must not "carry" the
#: 0,00 cells of its table.
EVIDENCE_QUERY = """
SELECT ?doc ?file ?start ?end ?value ?text WHERE {
  ?node prov:wasDerivedFrom ?ex .
  ?ex dcterms:source ?doc ; fg:startLine ?start ; fg:endLine ?end .
  { ?node ?p ?value
    FILTER(isLiteral(?value) && datatype(?value) = xsd:decimal)
    FILTER(?p NOT IN (fg:computedAmount, fg:amountDifference, fg:roundingTolerance, fg:computedCount,
                      fg:countDifference, fg:percentage, fg:minPercentage, fg:maxPercentage,
                      fg:value, fg:minValue, fg:maxValue)) }
  UNION
  { ?node fg:originalText ?text }
  OPTIONAL { ?doc fg:sourceFile ?file }
}
"""


@dataclass(frozen=True)
class Checked:
    """A money mention and whether the graph carries it."""

    mention: Mention
    carried: bool


@dataclass(frozen=True)
class DocumentCount:
    file: str
    figures: int
    carried: int

    @property
    def percentage(self) -> Decimal:
        return _percent(self.carried, self.figures)


@dataclass(frozen=True)
class CoverageReport:
    """The checked mentions of all documents (chart values apart: they are not counted)."""

    checked: list[Checked]
    charts: list[Mention]
    files: tuple[str, ...]

    @property
    def figures(self) -> int:
        return len(self.checked)

    @property
    def carried(self) -> int:
        return sum(c.carried for c in self.checked)

    @property
    def percentage(self) -> Decimal:
        return _percent(self.carried, self.figures)

    def meets(self, minimum: Decimal) -> bool:
        """True when at least ``minimum`` percent of the figures are carried (exactly, no rounding)."""
        return self.carried * 100 >= minimum * self.figures

    def documents(self) -> list[DocumentCount]:
        return [
            DocumentCount(f, sum(c.mention.file == f for c in self.checked),
                          sum(c.carried for c in self.checked if c.mention.file == f))
            for f in self.files
        ]

    def missing(self) -> list[Mention]:
        return [c.mention for c in self.checked if not c.carried]

    def missing_by_area(self) -> list[tuple[str, str, int, int, int]]:
        """(file, area, count, first line, last line) of the figures not carried, largest group first."""
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for m in self.missing():
            groups[(m.file, m.area)].append(m.line)
        rows = [(f, a, len(ls), min(ls), max(ls)) for (f, a), ls in groups.items()]
        return sorted(rows, key=lambda r: (-r[2], r[0], r[3]))


def _percent(part: int, whole: int) -> Decimal:
    return Decimal(100) if whole == 0 else Decimal(part * 100) / Decimal(whole)


def graph_evidence(store: Store, sources: SourceSet) -> dict[str, list[tuple[int, int, Decimal | None, str | None]]]:
    """Per source file: (start line, end line, decimal value, original text) of every node with provenance."""
    by_slug = {doc.slug: doc.path.name for doc in sources.documents}
    evidence: dict[str, list[tuple[int, int, Decimal | None, str | None]]] = defaultdict(list)
    for row in store.query(sparql_prologue() + EVIDENCE_QUERY):
        file = row["file"].value if row["file"] is not None else by_slug.get(row["doc"].value.rsplit("/", 1)[-1])
        if file is None:
            continue
        value = None
        if row["value"] is not None:
            try:
                value = Decimal(row["value"].value)
            except InvalidOperation:
                continue  # an ill-typed literal carries no figure
        text = " ".join(row["text"].value.split()) if row["text"] is not None else None
        evidence[file].append((int(row["start"].value), int(row["end"].value), value, text))
    return evidence


def check(store: Store, sources: SourceSet, mentions: list[Mention] | None = None) -> CoverageReport:
    """Check every money mention of ``sources`` (or the given ones) against the graph in ``store``."""
    mentions = sorted(scan_sources(sources) if mentions is None else mentions, key=lambda m: (m.file, m.line, m.column))
    evidence = graph_evidence(store, sources)
    checked = [Checked(m, is_carried(m, evidence.get(m.file, []))) for m in mentions if m.counted]
    files = tuple(dict.fromkeys([*(doc.path.name for doc in sources.documents), *(m.file for m in mentions)]))
    return CoverageReport(checked, [m for m in mentions if not m.counted], files)


def is_carried(mention: Mention, evidence: list[tuple[int, int, Decimal | None, str | None]]) -> bool:
    """True when a node's excerpt spans the mention's lines and holds its exact value (or its text)."""
    for start, end, value, text in evidence:
        if not start <= mention.line <= mention.end_line <= end:
            continue
        if mention.value is not None and value is not None and value == mention.value:
            return True
        if mention.value is None and text is not None and text == mention.text:
            return True
    return False


# -- command line ---------------------------------------------------------------------------------------
DESCRIPTION = """\
List every monetary figure in the source documents and whether the graph carries it.

A figure is a number with a money unit in the text (1.440.000,00 euro, 20,7 miljoen euro, € 8.473.038,00,
16.230€, 500 k€/j, 343 kEUR, 5,5 MEUR, 6,750 mln euro, 1,8 M euro, drie miljard euro, both ends of
"50.000 tot 600.000 euro"), or a money cell of a table stated in euro or million euro (Tabel 8-13, 16-25
and 27 of the Speurgids, the subsidy tables of question 407, whose amounts have no unit and count as
euro, and the VAK/VEK table). Years, counts, percentages and the values of the Figuur 26 chart are not
figures. A figure is carried when a node of the graph is derived from an excerpt of the same document
whose lines contain it and has exactly its euro value (fg:amount, fg:minAmount, fg:maxAmount or another
decimal money value, not one computed at load time); a garbled figure without a value is carried by a
node with the same fg:originalText.

Prints the count per document, the overall percentage, then every figure not carried as
`path:line: text (euro value)`, sorted by file and line. Exits 1 when fewer than --min percent are
carried."""

EPILOG = """\
examples:
  fundinggraph coverage                      build the graph in memory and check it (bar 95 %)
  fundinggraph coverage --from-store         check the published store instead
  fundinggraph coverage --format json --list-all > coverage.json"""


@register("coverage", "list the money figures of the sources and whether the graph carries each")
def cmd_coverage(args: argparse.Namespace) -> int:
    """List every money figure of the sources and whether the graph carries it."""
    settings = settings_from(args)
    if args.from_store:
        from fundinggraph.store import EmbeddedReader, StoreError
        from loaders.sourcetext import read_sources

        try:
            version, store = EmbeddedReader(settings).store()
        except StoreError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INVALID
        sources, graph = read_sources(settings.sources_dir), f"published store {version}"
    else:
        from loaders.pipeline import BuildError, build

        try:
            result = build(settings)
        except BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_INVALID
        store, sources, graph = result.store, result.sources, "graph built in memory from the sources"
    try:
        report = check(store, sources)
    except TableNotFound as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    paths = {doc.path.name: _display_path(doc.path) for doc in sources.documents}
    if args.format == "json":
        print(json.dumps(report_json(report, paths, graph, args.min, args.list_all), indent=2, ensure_ascii=False))
    else:
        print(report_text(report, paths, graph, args.min, args.list_all))
    return 0 if report.meets(args.min) else EXIT_INVALID


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.description = DESCRIPTION
    parser.epilog = EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--from-store", action="store_true",
                        help="check the published store (`fundinggraph load`) instead of building the graph in memory")
    parser.add_argument("--min", type=_percentage, default=Decimal(95), metavar="PERCENT",
                        help="the bar: exit 1 when fewer than PERCENT of the figures are carried (default 95)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default text)")
    parser.add_argument("--list-all", action="store_true", help="list the carried figures too, not only the others")


cmd_coverage.configure = _configure  # type: ignore[attr-defined]


def _percentage(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"a percentage from 0 to 100, not {text!r}")
    return value


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _value(mention: Mention) -> str:
    return "unparsed" if mention.value is None else format(mention.value, "f")


def _fmt_percent(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}"


def format_mention(mention: Mention, paths: dict[str, str]) -> str:
    """``path:line: text (value)``."""
    return f"{paths.get(mention.file, mention.file)}:{mention.line}: {mention.text} ({_value(mention)})"


def report_text(report: CoverageReport, paths: dict[str, str], graph: str, minimum: Decimal, list_all: bool) -> str:
    """The human-readable report."""
    width = max([len(f) for f in report.files] + [13])
    out = [f"Money figures in the sources carried by the {graph}:", ""]
    out.append(f"  {'document':<{width}}  figures  carried  not carried       %")
    for doc in report.documents():
        out.append(f"  {doc.file:<{width}}  {doc.figures:7}  {doc.carried:7}  {doc.figures - doc.carried:11}"
                   f"  {_fmt_percent(doc.percentage):>6}")
    out.append(f"  {'all documents':<{width}}  {report.figures:7}  {report.carried:7}"
               f"  {report.figures - report.carried:11}  {_fmt_percent(report.percentage):>6}")
    kinds = Counter(c.mention.kind for c in report.checked)
    out.append(f"  ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))}; "
               f"{len(report.charts)} chart values of Figuur 26 listed apart, not counted)")
    missing = report.missing()
    if missing:
        out += ["", f"Not carried ({len(missing)}), by area:"]
        for file, area, count, first, last in report.missing_by_area():
            out.append(f"  {count:5}  {paths.get(file, file)}:{first}-{last}  {area}")
        out += ["", f"Not carried ({len(missing)}):"]
        out += [format_mention(m, paths) for m in missing]
    if list_all:
        carried = [c.mention for c in report.checked if c.carried]
        out += ["", f"Carried ({len(carried)}):"]
        out += [format_mention(m, paths) for m in carried]
    verdict = "meets" if report.meets(minimum) else "is BELOW"
    out += ["", f"coverage {_fmt_percent(report.percentage)} % {verdict} the required {minimum} %"]
    return "\n".join(out)


def _mention_json(checked: Checked, paths: dict[str, str]) -> dict[str, object]:
    m = checked.mention
    return {
        "file": m.file, "path": paths.get(m.file, m.file), "line": m.line, "end_line": m.end_line,
        "text": m.text, "value": None if m.value is None else format(m.value, "f"), "kind": m.kind,
        "table": m.table, "area": m.area, "note": m.note, "carried": checked.carried,
    }


def report_json(report: CoverageReport, paths: dict[str, str], graph: str, minimum: Decimal,
                list_all: bool) -> dict[str, object]:
    """The report for machines; euro values are strings, so they stay exact."""
    return {
        "graph": graph,
        "required_percentage": str(minimum),
        "percentage": str(report.percentage.quantize(Decimal("0.01"))),
        "passed": report.meets(minimum),
        "figures": report.figures,
        "carried": report.carried,
        "documents": [
            {"file": d.file, "path": paths.get(d.file, d.file), "figures": d.figures, "carried": d.carried,
             "percentage": str(d.percentage.quantize(Decimal("0.01")))}
            for d in report.documents()
        ],
        "not_carried_by_area": [
            {"file": f, "area": a, "count": n, "first_line": first, "last_line": last}
            for f, a, n, first, last in report.missing_by_area()
        ],
        "mentions": [_mention_json(c, paths) for c in report.checked if list_all or not c.carried],
        "chart_values_not_counted": len(report.charts),
    }
