"""The source documents themselves: one resource per file with its checksum and size.

Facts about the file (name, checksum, line count) need no quote; everything read *from* the text
(titles, numbers, dates, people) is added by the loader of that kind of document, with quotes.
"""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode

from fundinggraph.namespaces import DCTERMS, FG, RDF
from loaders.graph import GraphBuilder
from loaders.registry import Registry
from loaders.sourcetext import SourceSet

KIND_CLASSES: dict[str, NamedNode] = {
    "written-question": FG.WrittenQuestion,
    "speurgids": FG.Report,
}


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Add every document with its class, file name, checksum and line count."""
    for doc in sources.documents:
        node = g.document(doc)
        g.add(node, RDF.type, FG.SourceDocument)
        g.add(node, RDF.type, KIND_CLASSES[doc.kind])
        g.add(node, FG.sourceFile, Literal(doc.path.name))
        g.add(node, FG.sha256, Literal(doc.sha256))
        g.add(node, FG.lineCount, doc.line_count)
        g.add(node, DCTERMS.format, Literal("text/plain; charset=utf-8"))
        g.add(node, DCTERMS.language, Literal("nl"))
