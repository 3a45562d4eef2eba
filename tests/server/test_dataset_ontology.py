"""The ontology at its own IRI (/def): RDF by Accept or extension, and a page generated from the Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Store

ROOT = Path(__file__).resolve().parents[2]
OWL_CLASS = NamedNode("http://www.w3.org/2002/07/owl#Class")
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FG = "https://fundinggraph.example.org/def#"


@pytest.fixture(scope="module")
def files() -> Store:
    """The ontology files as the ontology engineer wrote them (shapes excluded)."""
    store = Store()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if not path.name.startswith("shapes"):
            store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=DefaultGraph())
    return store


@pytest.mark.parametrize(("how", "fmt"), [
    ({"headers": {"Accept": "text/turtle"}}, RdfFormat.TURTLE),
    ({"headers": {"Accept": "application/rdf+xml"}}, RdfFormat.RDF_XML),
    ({"path": "/def.jsonld"}, RdfFormat.JSON_LD),
    ({"path": "/def.nt"}, RdfFormat.N_TRIPLES),
    ({"path": "/def.ttl"}, RdfFormat.TURTLE),
])
def test_rdf_is_the_ontology_files(live_server, files, how, fmt):
    response = requests.get(live_server + how.get("path", "/def"), headers=how.get("headers", {}), timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(fmt.media_type)
    served = Store()
    served.load(response.content, format=fmt)
    assert set(served) == set(files)


def test_the_page_documents_every_class_and_property(live_server, files):
    html = requests.get(live_server + "/def?lang=en", headers={"Accept": "text/html"}, timeout=30).text
    classes = {q.subject.value for q in files.quads_for_pattern(None, RDF_TYPE, OWL_CLASS) if q.subject.value.startswith(FG)}
    assert len(classes) > 20
    for iri in classes:
        assert f'id="{iri[len(FG):]}"' in html, iri
    assert 'id="amount"' in html and "bedrag" in html and "amount" in html  # both languages
    assert "rdfs:subClassOf" in html and "skos:closeMatch" in html
    assert 'id="scheme-amount-type"' in html and 'href="/def/amount-type/granted"' in html


def test_dutch_page(live_server):
    html = requests.get(live_server + "/def?lang=nl", headers={"Accept": "text/html"}, timeout=30).text
    assert "<h2>Klassen</h2>" in html and "adviesraad" in html


def test_unknown_extension_and_format(live_server):
    assert requests.get(live_server + "/def.xls", timeout=30).status_code == 404
    response = requests.get(live_server + "/def?format=csv", timeout=30)
    assert response.status_code == 406 and "turtle" in response.json()["error"]
