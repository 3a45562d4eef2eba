"""A tiny published store whose labels and quotes are hostile markup, for the escaping tests.

Shared by tests/server/test_entities_security.py and tests/browser/ (imported by module name: pytest
puts tests/ on sys.path for tests/conftest.py).
"""

from __future__ import annotations

from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, Store

from fundinggraph import config
from fundinggraph.namespaces import DCTERMS, FG, ORG, PROV, RDF, RDFS, SKOS, XSD, concept
from fundinggraph.store import EmbeddedStores

BASE = config.DEFAULT_BASE_IRI
EVIL_LABEL = "<script>window.__pwned = 1</script> Evil & \"Co\""
EVIL_ALIAS = "\"><img src=x onerror=\"window.__pwned=2\">"
FUNDER_LABEL = "Funder </script><script>window.__pwned = 3</script>"
EVIL_QUOTE = "<b onmouseover=\"window.__pwned=4\">1.000 euro</b> aan Evil"
EVIL_TITLE = "<iframe src=\"javascript:window.__pwned=5\"></iframe> document"
FORMULA = "=HYPERLINK(\"http://example.com\")"

EVIL = NamedNode(BASE + "id/organisation/evil")
FUNDER = NamedNode(BASE + "id/organisation/funder")
INSTRUMENT = NamedNode(BASE + "id/instrument/evil-grant")
FLOW = NamedNode(BASE + "id/funding-flow/evil-2023")
EXCERPT = NamedNode(BASE + "id/excerpt/evil-doc/1-1-0000000000")
DOCUMENT = NamedNode(BASE + "id/document/evil-doc")


def _quads() -> list[Quad]:
    nl = "nl"
    triples = [
        (EVIL, RDF.type, ORG.Organization), (EVIL, RDF.type, FG.Company),
        (EVIL, RDFS.label, Literal(EVIL_LABEL, language=nl)), (EVIL, SKOS.prefLabel, Literal(EVIL_LABEL, language=nl)),
        (EVIL, SKOS.altLabel, Literal(EVIL_ALIAS)),
        (FUNDER, RDF.type, ORG.Organization), (FUNDER, RDFS.label, Literal(FUNDER_LABEL, language=nl)),
        (INSTRUMENT, RDF.type, FG.PolicyInstrument), (INSTRUMENT, RDFS.label, Literal("Evil grant", language=nl)),
        (INSTRUMENT, FG.theme, concept("theme", "clusters")),
        (FLOW, RDF.type, FG.FundingFlow), (FLOW, FG.funder, FUNDER), (FLOW, FG.recipient, EVIL),
        (FLOW, FG.instrument, INSTRUMENT), (FLOW, FG.amount, Literal("1000", datatype=XSD.decimal)),
        (FLOW, FG.year, Literal("2023", datatype=XSD.gYear)), (FLOW, FG.amountType, concept("amount-type", "granted")),
        (FLOW, FG.originalText, Literal(FORMULA)), (FLOW, RDFS.label, Literal(f"{FUNDER_LABEL} → {EVIL_LABEL}", language=nl)),
        (FLOW, PROV.wasDerivedFrom, EXCERPT),
        (EXCERPT, RDF.type, FG.SourceExcerpt), (EXCERPT, FG.quote, Literal(EVIL_QUOTE)),
        (EXCERPT, DCTERMS.source, DOCUMENT), (EXCERPT, FG.startLine, Literal("1", datatype=XSD.integer)),
        (EXCERPT, FG.endLine, Literal("1", datatype=XSD.integer)),
        (DOCUMENT, RDF.type, FG.SourceDocument), (DOCUMENT, DCTERMS.title, Literal(EVIL_TITLE, language=nl)),
        (DOCUMENT, FG.sourceFile, Literal("../../etc/passwd")),
    ]
    return [Quad(s, p, o) for s, p, o in triples]


def publish(data_dir: Path) -> Path:
    """Publish the hostile graph as the current version of ``data_dir``; return ``data_dir``."""
    settings = config.from_env(environ={}, data_dir=str(data_dir))
    store = Store()
    store.extend(_quads())
    stores = EmbeddedStores(settings)
    with stores.lock(wait=True):
        stores.publish(store.dump(format=RdfFormat.N_QUADS))
    return data_dir
