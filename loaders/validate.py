"""SHACL validation of the built graph against ``ontology/shapes*.ttl`` (pySHACL).

Loading refuses data that does not conform and prints the report; the served store is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import DefaultGraph, RdfFormat, Store

from fundinggraph.config import PROJECT_ROOT
from loaders.sourcetext import SourceError

#: Default shapes directory; ``fundinggraph load`` passes ``Settings.ontology_dir``.
SHAPES_DIR = PROJECT_ROOT / "ontology"


@dataclass
class ValidationReport:
    conforms: bool
    text: str
    violations: list[dict[str, str]] = field(default_factory=list)

    def summary(self, limit: int = 20) -> str:
        if self.conforms:
            return "SHACL: the graph conforms to every shape"
        lines = [f"SHACL: {len(self.violations)} violation(s)"]
        for v in self.violations[:limit]:
            lines.append(f"  - {v.get('focus')} {v.get('path', '')}: {v.get('message')} [{v.get('shape')}]")
        if len(self.violations) > limit:
            lines.append(f"  ... and {len(self.violations) - limit} more (see the full report)")
        return "\n".join(lines)


def shapes_graph(directory: Path = SHAPES_DIR) -> rdflib.Graph:
    """Parse every ``shapes*.ttl`` of ``directory`` into one graph.

    :raises SourceError: naming the file and line of a Turtle syntax error.
    """
    graph = rdflib.Graph()
    for path in sorted(directory.glob("shapes*.ttl")):
        try:
            graph.parse(path, format="turtle")
        except SyntaxError as exc:  # rdflib's BadSyntax; ``lines`` counts from 0
            lines = getattr(exc, "lines", None)
            raise SourceError(path, None if lines is None else lines + 1, f"Turtle syntax error: {exc}") from None
    return graph


def validate(store: Store, directory: Path = SHAPES_DIR) -> ValidationReport:
    """Validate the default graph of ``store`` (data plus ontology) against the shapes in ``directory``.

    The ontology is in the data graph, so ``sh:class`` and ``sh:targetClass`` follow its ``rdfs:subClassOf``
    without inference. The throw-away rdflib copy is validated in place (no second copy). Only top-level
    results are listed: the nested ``sh:detail`` results of ``sh:node`` name the value, not the focus node.

    :raises SourceError: for a syntax error in a shapes file.
    """
    import pyshacl

    shapes = shapes_graph(directory)
    if len(shapes) == 0:
        return ValidationReport(True, "no shapes")
    data = rdflib.Graph()
    data.parse(data=store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()), format="nt")
    conforms, report_graph, text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        inplace=True,
    )
    violations = []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for result in report_graph.objects(None, sh.result):
        severity = report_graph.value(result, sh.resultSeverity)
        if severity != sh.Violation:
            continue
        violations.append(
            {
                "focus": str(report_graph.value(result, sh.focusNode)),
                "path": str(report_graph.value(result, sh.resultPath) or ""),
                "message": str(report_graph.value(result, sh.resultMessage) or ""),
                "shape": _named_shape(shapes, report_graph.value(result, sh.sourceShape)),
                "value": str(report_graph.value(result, sh.value) or ""),
            }
        )
    violations.sort(key=lambda v: (v["focus"], v["path"]))
    return ValidationReport(bool(conforms) or not violations, str(text), violations)


def _named_shape(shapes: rdflib.Graph, shape: rdflib.term.Node | None) -> str:
    """The IRI of the node shape a blank property shape (or sh:or member) belongs to, for a readable report."""
    for _ in range(20):  # walk up sh:property / rdf:first / rdf:rest links to the named shape
        if not isinstance(shape, rdflib.BNode):
            break
        shape = next(iter(shapes.subjects(None, shape)), None)
    return "" if shape is None else str(shape)
