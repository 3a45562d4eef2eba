"""The home page, the health check and the static front-end assets."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from server.i18n import add_messages
from server.store import backend, settings

bp = Blueprint("ui", __name__)

STATS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { org:Organization fg:PolicyInstrument fg:FundingFlow fg:BudgetObservation
                  fg:InstrumentResult fg:SourceDocument fg:SourceExcerpt }
  ?s a ?class } GROUP BY ?class
"""

SOURCES = """
SELECT ?doc ?title ?file WHERE { ?doc a fg:SourceDocument ; fg:sourceFile ?file .
  OPTIONAL { ?doc dcterms:title ?title } } ORDER BY ?file
"""


@bp.get("/")
def home() -> str:
    """Say what the dataset is, how large, from which sources, and offer the entry points."""
    store = backend()
    counts = {row["class"].value.rsplit("#", 1)[-1]: int(row["n"].value) for row in store.select(STATS)}
    sources = [
        {"iri": row["doc"].value, "title": row["title"].value if row["title"] else row["file"].value,
         "file": row["file"].value}
        for row in store.select(SOURCES)
    ]
    return render_template(
        "home.html", counts=counts, sources=sources, triples=store.triple_count(), version=store.version()
    )


@bp.get("/healthz")
def health() -> Response:
    """Machine-readable liveness: the data version and size being served (503 before the first load)."""
    store = backend()
    return jsonify(ok=True, version=store.version(), triples=store.triple_count(), backend=settings().backend)


#: Navigation entries (endpoint, message key) shown when their blueprint is registered.
NAV = (
    ("search.search", "nav.search"),
    ("sparql.endpoint", "nav.sparql"),
    ("queries.index", "nav.queries"),
    ("flows.view", "nav.flows"),
    ("api.docs", "nav.api"),
    ("ui.about", "nav.about"),
)


#: Footer entries: the machine-readable descriptions other publishers and portals look for.
FOOTER = (
    ("dataset.catalog", "footer.catalog"),
    ("dataset.void", "footer.void"),
    ("dataset.ontology", "footer.ontology"),
    ("dataset.dumps_index", "footer.dumps"),
    ("api.docs", "nav.api"),
)

add_messages({
    "footer.catalog": {"nl": "DCAT-AP-catalogus", "en": "DCAT-AP catalog"},
    "footer.void": {"nl": "VoID-beschrijving", "en": "VoID description"},
    "footer.ontology": {"nl": "Ontologie", "en": "Ontology"},
    "footer.dumps": {"nl": "Downloads (N-Quads, Turtle)", "en": "Downloads (N-Quads, Turtle)"},
})


def init_app(app) -> None:
    def present(entries: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
        return [(endpoint, key) for endpoint, key in entries if endpoint in app.view_functions]

    app.jinja_env.globals["nav_links"] = lambda: present(NAV)
    app.jinja_env.globals["footer_links"] = lambda: present(FOOTER)
