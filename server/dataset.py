"""The dataset described and delivered: VoID, the DCAT-AP catalog record, dump files and the ontology.

* ``/.well-known/void`` — VoID description (sizes, class and property partitions, links to other
  publishers, sources, endpoint, dumps);
* ``/catalog`` — DCAT-AP 3 record (catalog, dataset, one distribution per dump file with size and
  SHA-256, the SPARQL data service);
* ``/dumps/fundinggraph.nq`` and ``/dumps/fundinggraph.ttl`` (+ ``.sha256``) — the whole current version,
  written on first request into ``<data_dir>/dumps/<version>/`` (or beforehand by ``fundinggraph dump``);
  ``/dumps/`` lists them (JSON);
* ``/def`` — the ontology at its own IRI: Turtle, JSON-LD, RDF/XML or N-Triples by ``Accept`` (or
  ``/def.ttl``, ``/def.jsonld``, ``/def.rdf``, ``/def.nt``), and an HTML page for browsers.

Descriptions come in Turtle, JSON-LD, RDF/XML and N-Triples by content negotiation (``?format=``
wins), and as an HTML summary for browsers.
"""

from __future__ import annotations

import base64
import threading
from collections import OrderedDict

from flask import Blueprint, Response, jsonify, render_template, request, send_file
from pyoxigraph import RdfFormat, serialize

from fundinggraph.config import VOCAB_BASE
from fundinggraph.dumps import FILES, DumpFile, ensure_dumps
from server import descriptions, ontology_doc
from server.errors import NotAcceptable, NotFound, Unavailable
from server.formats import Format, by_name
from server.i18n import add_messages, pick
from server.store import backend, settings

bp = Blueprint("dataset", __name__)

add_messages({
    "dataset.void": {"nl": "Datasetbeschrijving (VoID)", "en": "Dataset description (VoID)"},
    "dataset.catalog": {"nl": "Catalogusrecord (DCAT-AP)", "en": "Catalogue record (DCAT-AP)"},
    "dataset.ontology": {"nl": "Ontologie", "en": "Ontology"},
    "dataset.dumps": {"nl": "Downloads", "en": "Downloads"},
    "dataset.formats": {"nl": "Ook als", "en": "Also as"},
    "dataset.classes": {"nl": "Klassen", "en": "Classes"},
    "dataset.properties": {"nl": "Eigenschappen", "en": "Properties"},
    "dataset.schemes": {"nl": "Begrippenlijsten", "en": "Concept schemes"},
    "dataset.sources": {"nl": "Bronnen", "en": "Sources"},
    "dataset.links": {"nl": "Koppelingen naar andere uitgevers", "en": "Links to other publishers"},
    "dataset.entities": {"nl": "entiteiten", "en": "entities"},
    "dataset.triples": {"nl": "triples", "en": "triples"},
    "dataset.version": {"nl": "Dataversie", "en": "Data version"},
    "dataset.domain": {"nl": "domein", "en": "domain"},
    "dataset.range": {"nl": "bereik", "en": "range"},
    "dataset.alignment": {"nl": "aansluiting", "en": "alignment"},
    "dataset.period": {"nl": "Periode", "en": "Period"},
    "dataset.licence": {"nl": "Licentie", "en": "Licence"},
    "dataset.endpoint": {"nl": "SPARQL-endpoint", "en": "SPARQL endpoint"},
})

#: Formats the descriptions and the ontology come in (N-Quads/TriG add nothing to one graph).
OFFERED = ("turtle", "jsonld", "rdfxml", "ntriples", "html")

_LOCK = threading.Lock()
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_SIZE = 8


def _cached(key: tuple, make):
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    value = make()
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def _format() -> Format:
    """The representation asked for (``?format=``, else ``Accept``): one of :data:`OFFERED`.

    :raise 406: naming the formats offered here.
    """
    offered = [by_name(name) for name in OFFERED]
    names = ", ".join(OFFERED)
    asked = request.args.get("format")
    if asked:
        found = by_name(asked)
        if found is None or found.name not in OFFERED:
            raise NotAcceptable(f"format {asked!r} is not offered here; use one of: {names}")
        return found
    accept = request.accept_mimetypes
    if not accept or accept.to_header() in ("*/*", ""):
        return offered[0]  # type: ignore[return-value]
    media: dict[str, Format] = {}
    for fmt in offered:
        for mt in (fmt.media_type, *(a for a in fmt.aliases if "/" in a)):  # type: ignore[union-attr]
            media.setdefault(mt, fmt)  # type: ignore[arg-type]
    best = accept.best_match(list(media))
    if best is None:
        raise NotAcceptable(f"cannot produce any of {accept.to_header()!r} here; available: "
                            + ", ".join(f.media_type for f in offered))  # type: ignore[union-attr]
    return media[best]


def _urls() -> descriptions.Urls:
    return descriptions.Urls(request.url_root)


def _dumps() -> list[DumpFile]:
    s = settings()
    try:
        _, files = ensure_dumps(backend(), s.data_dir / "dumps", keep=s.keep_versions)
    except OSError as exc:
        raise Unavailable(f"cannot write the dump files under {s.data_dir / 'dumps'}: {exc.strerror}") from None
    return files


def _statistics(version: str) -> descriptions.Statistics:
    return _cached(("stats", version), lambda: descriptions.statistics(backend(), settings()))  # type: ignore[return-value]


def _rdf_response(triples, fmt: Format, version: str | None = None) -> Response:
    body = serialize(triples, format=fmt.rdf, prefixes=descriptions.DESCRIPTION_PREFIXES) \
        if fmt.rdf in (RdfFormat.TURTLE, RdfFormat.RDF_XML, RdfFormat.JSON_LD) else serialize(triples, format=fmt.rdf)
    response = Response(body, content_type=fmt.content_type)
    return _headers(response, version)


def _headers(response: Response, version: str | None) -> Response:
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=60"
    if version:
        response.headers["X-Data-Version"] = version
    return response


def _alternates(path: str) -> list[tuple[str, str]]:
    return [(name, f"{path}?format={name}") for name in OFFERED if name != "html"]


# -- VoID ---------------------------------------------------------------------------------------------
@bp.get("/.well-known/void")
def void() -> Response:
    """The VoID description of the dataset (RDF by ``Accept``, HTML for browsers)."""
    fmt = _format()
    version = backend().version()
    stats = _statistics(version)
    urls = _urls()
    dumps = _dumps()
    if fmt.kind == "html":
        html = render_template("dataset_void.html", stats=stats, urls=urls, dumps=dumps,
                               compact=descriptions.compact, targets=descriptions.LINK_TARGETS, pick=pick,
                               license=settings().dataset_license, alternates=_alternates(request.path))
        return _headers(Response(html, content_type="text/html; charset=utf-8"), version)
    triples = _cached(("void", version, urls.root), lambda: descriptions.void_triples(stats, settings(), urls, dumps))
    return _rdf_response(triples, fmt, version)


# -- DCAT-AP ------------------------------------------------------------------------------------------
@bp.get("/catalog")
def catalog() -> Response:
    """The DCAT-AP catalog record of the dataset (RDF by ``Accept``, HTML for browsers)."""
    fmt = _format()
    version = backend().version()
    stats = _statistics(version)
    urls = _urls()
    dumps = _dumps()
    if fmt.kind == "html":
        html = render_template("dataset_catalog.html", stats=stats, urls=urls, dumps=dumps,
                               title=descriptions.TITLE, description=descriptions.DESCRIPTION,
                               license=settings().dataset_license, alternates=_alternates(request.path))
        return _headers(Response(html, content_type="text/html; charset=utf-8"), version)
    triples = _cached(("catalog", version, urls.root),
                      lambda: descriptions.catalog_triples(stats, settings(), urls, dumps))
    return _rdf_response(triples, fmt, version)


# -- dumps --------------------------------------------------------------------------------------------
@bp.get("/dumps/")
def dumps_index() -> Response:
    """The dump files of the current version: name, URL, media type, size and SHA-256 (JSON)."""
    files = _dumps()
    urls = _urls()
    listing = [{"name": f.name, "url": urls.dump(f.name), "media_type": f.media_type, "bytes": f.size,
                "sha256": f.sha256, "version": f.version} for f in files]
    return _headers(jsonify(ok=True, version=files[0].version if files else None, files=listing), None)


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump file (``fundinggraph.nq``, ``fundinggraph.ttl``) or its checksum (``<name>.sha256``).

    :raise 404: for any other name (the message lists the files).
    """
    checksum = name.endswith(".sha256")
    base_name = name[: -len(".sha256")] if checksum else name
    if base_name not in FILES:
        available = ", ".join(n + suffix for n in FILES for suffix in ("", ".sha256"))
        raise NotFound(f"no dump file {name!r}; available: {available}")
    s = settings()
    directory, files = ensure_dumps(backend(), s.data_dir / "dumps", keep=s.keep_versions)
    entry = next(f for f in files if f.name == base_name)
    if checksum:
        response = send_file(directory / name, mimetype="text/plain", conditional=True, max_age=60)
    else:
        response = send_file(directory / name, mimetype=entry.media_type, conditional=True, max_age=60,
                             etag=entry.sha256)
        response.headers["Digest"] = "sha-256=" + base64.b64encode(bytes.fromhex(entry.sha256)).decode()
    response.headers["X-Data-Version"] = entry.version
    return response


# -- the ontology -------------------------------------------------------------------------------------
def _ontology() -> ontology_doc.OntologyDoc:
    directory = getattr(settings(), "ontology_dir", None)
    if directory is None:
        from loaders.pipeline import ONTOLOGY_DIR

        directory = ONTOLOGY_DIR
    try:
        return ontology_doc.ontology(directory)
    except FileNotFoundError as exc:
        raise Unavailable(str(exc)) from None


def _ontology_response(fmt: Format) -> Response:
    doc = _ontology()
    if fmt.kind == "html":
        html = render_template("ontology.html", doc=doc, compact=ontology_doc.compact, vocab=VOCAB_BASE,
                               alternates=[(n, f"/def.{by_name(n).extension}") for n in OFFERED if n != "html"])
        response = Response(html, content_type="text/html; charset=utf-8")
    else:
        response = Response(ontology_doc.serialized(doc, fmt.rdf), content_type=fmt.content_type)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Link"] = f'<{VOCAB_BASE}>; rel="canonical"'
    return response


@bp.get("/def")
def ontology() -> Response:
    """The ontology (classes, properties, concept schemes): RDF by ``Accept``, documentation for browsers."""
    return _ontology_response(_format())


@bp.get("/def.<extension>")
def ontology_file(extension: str) -> Response:
    """The ontology in the format of the extension (``ttl``, ``jsonld``, ``rdf``, ``nt``, ``html``).

    :raise 404: for another extension (the message lists them).
    """
    fmt = by_name(extension)
    if fmt is None or fmt.name not in OFFERED:
        offered = ", ".join(f"/def.{by_name(n).extension}" for n in OFFERED)  # type: ignore[union-attr]
        raise NotFound(f"no ontology file /def.{extension}; available: {offered}")
    return _ontology_response(fmt)
