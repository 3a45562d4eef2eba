"""SHACL validation of the built graph against ``ontology/shapes*.ttl`` (pySHACL).

Loading refuses data that does not conform and prints the report; the served store is untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import rdflib
from pyoxigraph import DefaultGraph, RdfFormat, Store

from fundinggraph.config import PROJECT_ROOT

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
    graph = rdflib.Graph()
    for path in sorted(directory.glob("shapes*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def validate(store: Store, directory: Path = SHAPES_DIR) -> ValidationReport:
    """Validate the default graph of ``store`` (data plus ontology) against the shapes."""
    import pyshacl

    shapes = shapes_graph(directory)
    if len(shapes) == 0:
        return ValidationReport(True, "no shapes")
    data = rdflib.Graph()
    data.parse(data=store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()), format="nt")
    conforms, report_graph, text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True
    )
    violations = []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for result in report_graph.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = report_graph.value(result, sh.resultSeverity)
        if severity != sh.Violation:
            continue
        violations.append(
            {
                "focus": str(report_graph.value(result, sh.focusNode)),
                "path": str(report_graph.value(result, sh.resultPath) or ""),
                "message": str(report_graph.value(result, sh.resultMessage) or ""),
                "shape": str(report_graph.value(result, sh.sourceShape) or ""),
                "value": str(report_graph.value(result, sh.value) or ""),
            }
        )
    violations.sort(key=lambda v: (v["focus"], v["path"]))
    return ValidationReport(bool(conforms) or not violations, str(text), violations)
