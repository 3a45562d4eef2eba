"""Accumulate the triples of the funding graph, with provenance helpers every loader shares.

A loader never writes a figure without :meth:`GraphBuilder.cite`: the figure node points
(``prov:wasDerivedFrom``) to a :class:`~loaders.sourcetext.Excerpt` node that carries the document, the
line span and the exact quote. Relations between entities are asserted with :meth:`GraphBuilder.claim`,
which adds the triple and a reified ``rdf:Statement`` that carries the provenance. No blank nodes: every
node has a deterministic IRI, so loading twice gives the same graph.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from fundinggraph.namespaces import (
    CURRENCY,
    DCTERMS,
    FG,
    PROV,
    RDF,
    RDFS,
    XSD,
    DataNamespace,
    concept,
)
from loaders.numbers import Amount
from loaders.sourcetext import Excerpt, SourceDocument

Term = NamedNode | Literal
EUR = CURRENCY.EUR


def lit(value: object, lang: str | None = None, datatype: NamedNode | None = None) -> Literal:
    """A typed literal: ``Decimal`` -> xsd:decimal, ``int`` -> xsd:integer, ``bool`` -> xsd:boolean."""
    if isinstance(value, Literal):
        return value
    if lang is not None:
        return Literal(str(value), language=lang)
    if datatype is not None:
        return Literal(str(value), datatype=datatype)
    if isinstance(value, bool):
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if isinstance(value, int):
        return Literal(str(value), datatype=XSD.integer)
    if isinstance(value, Decimal):
        return Literal(decimal_lexical(value), datatype=XSD.decimal)
    if isinstance(value, float):
        raise TypeError("use Decimal for amounts, never float")
    return Literal(str(value))


def decimal_lexical(value: Decimal) -> str:
    """Canonical-ish xsd:decimal lexical form without exponent: ``Decimal('2.07E+7')`` -> ``20700000``."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def year_literal(year: int | str) -> Literal:
    return Literal(str(int(year)), datatype=XSD.gYear)


def short_hash(*parts: object) -> str:
    """Eight hex digits identifying ``parts``; used to keep fact IRIs unique and stable."""
    data = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return hashlib.sha256(data).hexdigest()[:8]


class GraphBuilder:
    """An ordered set of triples plus the IRI scheme of one base IRI."""

    def __init__(self, data: DataNamespace):
        self.data = data
        self._triples: dict[Triple, None] = {}
        self._excerpts: set[str] = set()

    # -- raw triples -------------------------------------------------------------------------------
    def add(self, s: NamedNode, p: NamedNode, o: Term | object) -> None:
        """Add one triple; Python values become typed literals (see :func:`lit`)."""
        if isinstance(s, BlankNode) or isinstance(o, BlankNode):
            raise TypeError("blank nodes are not used in this graph: give the node an IRI")
        obj = o if isinstance(o, (NamedNode, Literal)) else lit(o)
        self._triples[Triple(s, p, obj)] = None

    def add_all(self, triples: Iterable[Triple]) -> None:
        for t in triples:
            self._triples[t] = None

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def objects(self, s: NamedNode, p: NamedNode) -> list[Term]:
        return [t.object for t in self._triples if t.subject == s and t.predicate == p]

    def subjects(self, p: NamedNode, o: Term) -> list[NamedNode]:
        return [t.subject for t in self._triples if t.predicate == p and t.object == o]

    # -- IRIs ----------------------------------------------------------------------------------------
    def iri(self, kind: str, *parts: str) -> NamedNode:
        """``<base>id/<kind>/<parts...>``; parts must already be slugs."""
        return self.data.id(kind, *parts)

    def document(self, doc: SourceDocument) -> NamedNode:
        return self.data.id("document", doc.slug)

    # -- provenance ----------------------------------------------------------------------------------
    def excerpt(self, ex: Excerpt) -> NamedNode:
        """The node of an excerpt: document, line span and exact quote."""
        node = self.data.id("excerpt", ex.document.slug, ex.key)
        if node.value not in self._excerpts:
            self._excerpts.add(node.value)
            self.add(node, RDF.type, FG.SourceExcerpt)
            self.add(node, DCTERMS.source, self.document(ex.document))
            self.add(node, FG.startLine, ex.start)
            self.add(node, FG.endLine, ex.end)
            self.add(node, FG.quote, Literal(ex.quote))
        return node

    def cite(self, node: NamedNode, *excerpts: Excerpt) -> None:
        """``node prov:wasDerivedFrom <excerpt>`` for each excerpt (at least one)."""
        if not excerpts:
            raise ValueError(f"{node.value}: a fact needs at least one source excerpt")
        for ex in excerpts:
            self.add(node, PROV.wasDerivedFrom, self.excerpt(ex))

    def claim(self, s: NamedNode, p: NamedNode, o: Term | object, *excerpts: Excerpt) -> NamedNode:
        """Assert ``s p o`` and record where it came from in a reified statement; returns that node."""
        obj = o if isinstance(o, (NamedNode, Literal)) else lit(o)
        self.add(s, p, obj)
        node = self.data.id("assertion", short_hash(s.value, p.value, str(obj)))
        self.add(node, RDF.type, RDF.Statement)
        self.add(node, RDF.type, FG.Assertion)
        self.add(node, RDF.subject, s)
        self.add(node, RDF.predicate, p)
        self.add(node, RDF.object, obj)
        self.cite(node, *excerpts)
        return node

    # -- values --------------------------------------------------------------------------------------
    def money(self, node: NamedNode, amount: Amount, prop: NamedNode = FG.amount) -> None:
        """An exact euro amount with the text it was read from and the currency."""
        self.add(node, prop, amount.value)
        self.add(node, FG.currency, EUR)
        self.add(node, FG.originalText, Literal(amount.text))
        if prop == FG.amount and amount.unit.strip() not in ("euro", "EUR", "€"):
            self.add(node, FG.unitInSource, Literal(amount.unit))

    def label(self, node: NamedNode, text: str, lang: str = "nl") -> None:
        self.add(node, RDFS.label, Literal(text, language=lang))

    def typed(self, node: NamedNode, *classes: NamedNode) -> None:
        for cls in classes:
            self.add(node, RDF.type, cls)


def concept_iri(scheme: str, code: str) -> NamedNode:
    """Shorthand for :func:`fundinggraph.namespaces.concept`."""
    return concept(scheme, code)
