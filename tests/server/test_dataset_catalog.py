"""The DCAT-AP record at /catalog: conforms to the DCAT-AP mandatory properties, and its facts are true."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import rdflib
import requests
from pyshacl import validate

SHAPES = Path(__file__).resolve().parents[1] / "data" / "dcat" / "dcat-ap-3-subset.shapes.ttl"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
DATASET = rdflib.URIRef("https://fundinggraph.example.org/id/dataset/fundinggraph")


@pytest.fixture(scope="module")
def record(live_server) -> rdflib.Graph:
    response = requests.get(live_server + "/catalog", headers={"Accept": "text/turtle"}, timeout=60)
    assert response.status_code == 200
    return rdflib.Graph().parse(data=response.text, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES, format="turtle")


def test_the_record_conforms_to_the_dcat_ap_subset(record, shapes):
    conforms, _, text = validate(record, shacl_graph=shapes, inference="none")
    assert conforms, text


def test_the_shapes_can_fail(record, shapes):
    broken = rdflib.Graph()
    for triple in record:
        broken.add(triple)
    broken.remove((DATASET, DCT.title, None))
    broken.remove((None, DCAT.accessURL, None))
    conforms, _, text = validate(broken, shacl_graph=shapes, inference="none")
    assert not conforms and "Dataset: title is mandatory" in text and "access URL is mandatory" in text


def test_each_dump_distribution_tells_the_truth(record, live_server):
    rows = list(record.query("""SELECT ?url ?media ?size ?sum WHERE { ?d a dcat:Distribution ; dcat:downloadURL ?url ;
        dcat:mediaType ?media ; dcat:byteSize ?size ; spdx:checksum [ spdx:checksumValue ?sum ;
        spdx:algorithm spdx:checksumAlgorithm_sha256 ] }""", initNs={"dcat": DCAT, "spdx": SPDX}))
    assert {str(r.url).rsplit("/", 1)[1] for r in rows} == {"fundinggraph.nq", "fundinggraph.ttl"}
    for row in rows:
        body = requests.get(str(row.url), timeout=120).content
        assert len(body) == int(row.size)
        assert hashlib.sha256(body).hexdigest() == str(row.sum)
        assert str(row.media).endswith(("application/n-quads", "text/turtle"))


def test_theme_spatial_temporal_and_service(record, live_server, sparql):
    assert (DATASET, DCAT.theme, rdflib.URIRef("http://publications.europa.eu/resource/authority/data-theme/ECON")) in record
    assert (DATASET, DCT.spatial, rdflib.URIRef("http://data.europa.eu/nuts/code/BE2")) in record
    years = sparql("""SELECT (MIN(?y) AS ?first) (MAX(?y) AS ?last) WHERE { ?x fg:year|fg:periodStart|fg:periodEnd ?v
                      BIND(STR(?v) AS ?y) FILTER(REGEX(?y, "^[0-9]{4}$")) }""")[0]
    period = record.value(DATASET, DCT.temporal)
    assert str(record.value(period, DCAT.startDate)) == years["first"]
    assert str(record.value(period, DCAT.endDate)) == years["last"]
    endpoints = list(record.objects(None, DCAT.endpointURL))
    assert endpoints == [rdflib.URIRef(live_server + "/sparql")]
    assert requests.get(str(endpoints[0]), params={"query": "ASK {}"}, timeout=30).status_code == 200
    titles = {t.language for t in record.objects(DATASET, DCT.title)}
    assert titles == {"nl", "en"}


def test_json_ld_and_html(live_server):
    jsonld = requests.get(live_server + "/catalog", headers={"Accept": "application/ld+json"}, timeout=60)
    graph = rdflib.Graph().parse(data=jsonld.text, format="json-ld")
    assert (DATASET, rdflib.RDF.type, DCAT.Dataset) in graph
    html = requests.get(live_server + "/catalog?lang=nl", headers={"Accept": "text/html"}, timeout=60)
    assert "Financieringsgraaf van het Vlaams economisch beleid" in html.text and "fundinggraph.nq" in html.text
