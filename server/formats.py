"""One table from media types to result and RDF formats, used by every route that negotiates.

``negotiate(kinds)`` picks the representation for this request from ``?format=`` (a short name, for
browsers and links), else the ``Accept`` header; it raises 406 naming what we can produce.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from pyoxigraph import QueryResultsFormat, RdfFormat

from server.errors import NotAcceptable


@dataclass(frozen=True)
class Format:
    """A representation: its short name (``?format=``), media type, file extension and kind."""

    name: str
    media_type: str
    extension: str
    kind: str  # "results" (SELECT/ASK), "rdf" (graphs), "html", "json" (our own JSON), "csv" (tables)
    results: QueryResultsFormat | None = None
    rdf: RdfFormat | None = None
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "/json", "+xml", "/xml"))
        return f"{self.media_type}; charset=utf-8" if text and "charset" not in self.media_type else self.media_type


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", "results", results=QueryResultsFormat.JSON,
           aliases=("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", "srx", "results", results=QueryResultsFormat.XML,
           aliases=("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv", "csv", "results", results=QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", "results", results=QueryResultsFormat.TSV),
    Format("turtle", "text/turtle", "ttl", "rdf", rdf=RdfFormat.TURTLE, aliases=("application/x-turtle", "ttl")),
    Format("ntriples", "application/n-triples", "nt", "rdf", rdf=RdfFormat.N_TRIPLES, aliases=("text/plain", "nt")),
    Format("jsonld", "application/ld+json", "jsonld", "rdf", rdf=RdfFormat.JSON_LD),
    Format("rdfxml", "application/rdf+xml", "rdf", "rdf", rdf=RdfFormat.RDF_XML, aliases=("rdf", "owl")),
    Format("nquads", "application/n-quads", "nq", "rdf", rdf=RdfFormat.N_QUADS, aliases=("nq",)),
    Format("trig", "application/trig", "trig", "rdf", rdf=RdfFormat.TRIG),
    Format("html", "text/html", "html", "html", aliases=("application/xhtml+xml",)),
)

BY_NAME = {f.name: f for f in FORMATS} | {a: f for f in FORMATS for a in f.aliases if "/" not in a}
BY_EXTENSION = {f.extension: f for f in FORMATS} | {a: f for f in FORMATS for a in f.aliases if "/" not in a}


def by_name(name: str) -> Format | None:
    """The format with this short name, alias or extension (``ttl``, ``turtle``, ``jsonld``)."""
    return BY_NAME.get(name.lower()) or BY_EXTENSION.get(name.lower())


def negotiate(kinds: tuple[str, ...], default: str | None = None, param: str = "format") -> Format:
    """The best format of the given kinds for this request.

    ``?format=`` wins over ``Accept``; with no preference the first format of the first kind (or
    ``default``) is used.

    :raises NotAcceptable: when neither names a format of these kinds.
    """
    candidates = [f for f in FORMATS if f.kind in kinds]
    offered = ", ".join(f.media_type for f in candidates)
    asked = request.args.get(param) or (request.form.get(param) if request.method == "POST" else None)
    if asked:
        found = by_name(asked) or next((f for f in candidates if asked in (f.media_type, *f.aliases)), None)
        if found is None or found.kind not in kinds:
            names = ", ".join(sorted({f.name for f in candidates}))
            raise NotAcceptable(f"format {asked!r} is not available here; use one of: {names}")
        return found
    accept = request.accept_mimetypes
    if not accept or accept.to_header() in ("*/*", ""):
        return by_name(default) if default else candidates[0]  # type: ignore[return-value]
    media: dict[str, Format] = {}
    for f in candidates:
        media.setdefault(f.media_type, f)
        for alias in f.aliases:
            if "/" in alias:
                media.setdefault(alias, f)
    preferred = [by_name(default)] if default else []
    order = [m for m in media if media[m] in preferred] + [m for m in media if media[m] not in preferred]
    best = accept.best_match(order)
    if best is None:
        raise NotAcceptable(f"cannot produce any of {accept.to_header()!r} here; available: {offered}")
    return media[best]
