"""Entity pages over real HTTP: one URL per resource, HTML for people and RDF for machines."""

from __future__ import annotations

import json
import re

import pytest
import requests
from pyoxigraph import Literal, NamedNode, RdfFormat, parse
from rdflib import Graph

BASE = "https://fundinggraph.example.org/"
DYZO = BASE + "id/organisation/dyzo"
VLAIO = BASE + "id/organisation/vlaio"
FG = "https://fundinggraph.example.org/def#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

RDF_TYPES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/ld+json": RdfFormat.JSON_LD,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
}
EXTENSIONS = {"ttl": "text/turtle", "jsonld": "application/ld+json", "nt": "application/n-triples",
              "rdf": "application/rdf+xml"}
FORMAT_NAMES = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples",
                "rdfxml": "application/rdf+xml"}


def get(base: str, path: str, accept: str | None = BROWSER, **kwargs) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(base + path, headers=headers, timeout=30, **kwargs)


def triples_of(response: requests.Response, fmt: RdfFormat) -> list:
    return list(parse(response.content, format=fmt, base_iri=BASE))


# -- content negotiation --------------------------------------------------------------------------
def test_a_browser_gets_the_html_page(live_server: str):
    page = get(live_server, "/id/organisation/dyzo")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in page.headers["Vary"]
    assert '<h1 id="entity-title">Dyzo</h1>' in page.text


@pytest.mark.parametrize("media_type", sorted(RDF_TYPES))
def test_rdf_clients_get_the_description_by_accept(live_server: str, media_type: str):
    response = get(live_server, "/id/organisation/dyzo", accept=media_type)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == media_type
    assert "Accept" in response.headers["Vary"]
    triples = triples_of(response, RDF_TYPES[media_type])
    dyzo = NamedNode(DYZO)
    assert any(t.subject == dyzo and t.object == NamedNode(FG + "StructuralPartner") for t in triples)
    assert any(t.subject == dyzo and t.predicate.value == RDFS_LABEL and t.object == Literal("Dyzo", language="nl")
               for t in triples)


def test_rdf_parses_with_a_second_parser(live_server: str):
    """rdflib reads every representation too (not only the library that wrote it)."""
    for media_type, name in (("text/turtle", "turtle"), ("application/rdf+xml", "xml"), ("application/ld+json", "json-ld"),
                             ("application/n-triples", "nt")):
        graph = Graph().parse(data=get(live_server, "/id/organisation/dyzo", accept=media_type).text, format=name)
        assert len(graph) > 20, media_type


def test_the_description_carries_provenance_and_labels_of_linked_resources(live_server: str):
    triples = triples_of(get(live_server, "/id/organisation/dyzo", accept="text/turtle"), RdfFormat.TURTLE)
    by_subject: dict[str, set[tuple[str, str]]] = {}
    for t in triples:
        by_subject.setdefault(t.subject.value, set()).add((t.predicate.value, t.object.value))
    # A reified claim about Dyzo, and the excerpt it was derived from with its exact quote.
    claims = [s for s, pos in by_subject.items() if ("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject", DYZO) in pos]
    assert claims
    excerpts = {o for s in claims for p, o in by_subject[s] if p == "http://www.w3.org/ns/prov#wasDerivedFrom"}
    assert any((FG + "quote", "Dyzo") in by_subject.get(x, set()) for x in excerpts)
    # Incoming links (the flows that pay Dyzo) with their labels.
    flow = BASE + "id/funding-flow/schriftelijke-vraag-407-2024/dyzo-2023-granted"
    assert (FG + "recipient", DYZO) in by_subject[flow]
    assert any(p == RDFS_LABEL for p, _ in by_subject[flow])
    # The label of a linked resource (VLAIO, partner of Dyzo).
    assert any(p == RDFS_LABEL for p, _ in by_subject[VLAIO])


@pytest.mark.parametrize("extension", sorted(EXTENSIONS))
def test_a_file_extension_names_the_representation(live_server: str, extension: str):
    response = get(live_server, f"/id/organisation/dyzo.{extension}", accept=BROWSER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == EXTENSIONS[extension]
    assert "Accept" not in response.headers.get("Vary", "")
    assert triples_of(response, RDF_TYPES[EXTENSIONS[extension]])


def test_html_extension_and_format_parameter(live_server: str):
    assert get(live_server, "/id/organisation/dyzo.html", accept="text/turtle").headers["Content-Type"].startswith("text/html")
    for name, media_type in FORMAT_NAMES.items():
        response = get(live_server, f"/id/organisation/dyzo?format={name}", accept=BROWSER)
        assert response.status_code == 200 and response.headers["Content-Type"].split(";")[0] == media_type


def test_unknown_representations_are_406_naming_what_is_available(live_server: str):
    response = get(live_server, "/id/organisation/dyzo", accept="image/png")
    assert response.status_code == 406
    assert "text/turtle" in response.text
    by_format = get(live_server, "/id/organisation/dyzo?format=xlsx", accept="application/json")
    assert by_format.status_code == 406 and "turtle" in by_format.json()["error"]
    both = get(live_server, "/id/organisation/dyzo.ttl?format=jsonld")
    assert both.status_code == 400


def test_plain_json_gets_json_ld(live_server: str):
    response = get(live_server, "/id/organisation/dyzo", accept="application/json")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/ld+json")
    assert isinstance(response.json(), list | dict)


def test_curl_default_accept_gets_html(live_server: str):
    response = get(live_server, "/id/organisation/dyzo", accept="*/*")
    assert response.headers["Content-Type"].startswith("text/html")


def test_head_answers_like_get_without_a_body(live_server: str):
    for accept in (BROWSER, "text/turtle"):
        head = requests.head(live_server + "/id/organisation/dyzo", headers={"Accept": accept}, timeout=10)
        full = get(live_server, "/id/organisation/dyzo", accept=accept)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["Content-Type"] == full.headers["Content-Type"]
        assert head.headers["ETag"] == full.headers["ETag"]


def test_alternates_are_announced_and_etags_revalidate(live_server: str):
    page = get(live_server, "/id/organisation/dyzo")
    assert '</id/organisation/dyzo.ttl>; rel="alternate"; type="text/turtle"' in page.headers["Link"]
    assert '<link rel="alternate" type="text/turtle" href="/id/organisation/dyzo.ttl">' in page.text
    again = requests.get(live_server + "/id/organisation/dyzo", timeout=10,
                         headers={"Accept": BROWSER, "If-None-Match": page.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_vocabulary_concepts_dereference(live_server: str):
    page = get(live_server, "/def/theme/clusters")
    assert page.status_code == 200
    assert "/id/instrument/" in page.text  # the instruments of the theme link to it
    turtle = get(live_server, "/def/theme/clusters", accept="text/turtle")
    assert turtle.status_code == 200
    assert any(t.object == NamedNode(BASE.rstrip("/") + "/def/theme/clusters") for t in triples_of(turtle, RdfFormat.TURTLE))


# -- unknown resources ----------------------------------------------------------------------------
def test_an_unknown_resource_is_404_with_suggestions(live_server: str):
    page = get(live_server, "/id/organisation/dyzoo")
    assert page.status_code == 404
    assert 'href="/id/organisation/dyzo"' in page.text
    body = get(live_server, "/id/organisation/dyzoo", accept="application/json").json()
    assert body["status"] == 404 and body["iri"] == DYZO + "o"
    assert body["suggestions"][0]["iri"] == DYZO
    turtle = get(live_server, "/id/organisation/dyzoo", accept="text/turtle")
    assert turtle.status_code == 404


# -- what the HTML page shows ---------------------------------------------------------------------
def test_dyzo_shows_its_funding_with_both_parliamentary_answers_as_sources(live_server: str):
    page = get(live_server, "/id/organisation/dyzo?lang=nl").text
    rows = re.findall(r'<tr class="flow[^"]*" data-year="(\d{4})">(.*?)</tr>\s*<tr class="sources-row[^"]*">(.*?)</tr>',
                      page, re.S)
    years = {year for year, _, _ in rows}
    assert years == {"2022", "2023"}
    assert all("585.000 euro" in row for _, row, _ in rows)
    all_sources = " ".join(sources for _, _, sources in rows)
    assert "/id/document/schriftelijke-vraag-307-2023#L59" in all_sources
    assert "/id/document/schriftelijke-vraag-407-2024#L43" in all_sources
    assert "- Dyzo: 585.000,00 euro" in all_sources and "2023 Dyzo 585.000" in all_sources
    assert 'id="chart-funding"' in page and 'id="chart-data"' in page


def test_property_labels_kinds_and_language_switch(live_server: str):
    dutch = get(live_server, "/id/instrument/kmo-portefeuille?lang=nl").text
    english = get(live_server, "/id/instrument/kmo-portefeuille?lang=en").text
    assert '<h1 id="entity-title">Kmo-portefeuille</h1>' in dutch
    assert '<h1 id="entity-title">SME portfolio</h1>' in english
    assert "Ook bekend als" in dutch and "KMO-portefeuille" in dutch
    assert 'class="kind"' in dutch
    # Every property row has a label and links to its term.
    assert 'href="/def#operatedBy"' in dutch


def test_chart_data_is_json_that_cannot_close_the_script_element(live_server: str):
    page = get(live_server, "/id/budget-line/tabel-8/kmo-portefeuille").text
    block = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S).group(1)
    charts = json.loads(block)
    budget = next(c for c in charts if c["id"] == "chart-budget")
    # The ten columns of Tabel 8: 2018 BA, then BO and BA of 2019-2022, then 2023 BO.
    assert budget["categories"] == ["2018 BA", "2019 BO", "2019 BA", "2020 BO", "2020 BA", "2021 BO", "2021 BA",
                                    "2022 BO", "2022 BA", "2023 BO"]
    assert budget["series"][0]["data"][7] == 40.0  # 40,00 miljoen euro begroot voor 2022
    assert "</" not in block


def test_instrument_page_shows_results_and_budget_history(live_server: str):
    page = get(live_server, "/id/instrument/kmo-portefeuille?lang=nl").text
    assert 'id="results"' in page and 'id="budget"' in page
    assert "2022 BO" in page and "40,00" in page
    assert "/id/budget-line/tabel-8/kmo-portefeuille" in page


def test_document_page_lists_its_facts_and_shows_the_text_with_line_anchors(live_server: str):
    page = get(live_server, "/id/document/schriftelijke-vraag-407-2024").text
    assert 'id="L43"' in page and 'href="#L43"' in page
    assert "2023 Dyzo 585.000" in page
    assert "/id/funding-flow/schriftelijke-vraag-407-2024/dyzo-2023-granted" in page
    assert 'href="/source/schriftelijke-vraag-407-2024.txt"' in page
    quoted = re.search(r'<div class="line quoted" id="L43">', page)
    assert quoted


def test_large_document_pages_its_facts(live_server: str):
    first = get(live_server, "/id/document/speurgids-actoren-en-budgetten").text
    second = get(live_server, "/id/document/speurgids-actoren-en-budgetten?page=2").text
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert 'id="L3223"' in first  # the whole text with anchors on every page


def test_source_text_is_served_exactly_as_loaded(live_server: str):
    from pathlib import Path

    response = get(live_server, "/source/schriftelijke-vraag-407-2024.txt", accept=None)
    assert response.status_code == 200 and response.headers["Content-Type"] == "text/plain; charset=utf-8"
    original = (Path(__file__).resolve().parents[2] / "sources/documents/001_c5dffb020922f721.txt").read_bytes()
    assert response.content == original
    assert get(live_server, "/source/no-such-document.txt").status_code == 404
    assert get(live_server, "/source/schriftelijke-vraag-407-2024.pdf").status_code == 404


def test_excerpt_page_shows_the_quote_in_context_and_what_it_supports(live_server: str):
    page = get(live_server, "/id/excerpt/schriftelijke-vraag-407-2024/43-43-6570fbb4b1").text
    assert '<blockquote class="quote big">2023 Dyzo 585.000</blockquote>' in page
    assert 'class="line quoted"' in page and "#L43" in page
    assert "/id/funding-flow/schriftelijke-vraag-407-2024/dyzo-2023-granted" in page


def test_incoming_links_are_counted_and_paged(live_server: str):
    page = get(live_server, "/id/organisation/vlaio").text
    match = re.search(r'href="\?in=https%3A//fundinggraph.example.org/def%23funder">[^<]*?(\d+)', page)
    assert match, "VLAIO funds more flows than the preview shows"
    total = int(match.group(1))
    seen: set[str] = set()
    page_number = 1
    while True:
        listing = get(live_server, f"/id/organisation/vlaio?in={FG}funder&page={page_number}".replace("#", "%23"))
        assert listing.status_code == 200
        items = re.findall(r'<li><a href="(/id/funding-flow/[^"]+)"', listing.text.split('id="incoming-list"')[1])
        seen.update(items)
        if 'rel="next"' not in listing.text:
            break
        page_number += 1
    assert len(seen) == total


@pytest.mark.parametrize("query", ["page=0", "page=abc", "in=not%20an%20iri"])
def test_bad_page_parameters_are_400(live_server: str, query: str):
    response = get(live_server, f"/id/organisation/vlaio?{query}", accept="application/json")
    assert response.status_code == 400 and response.json()["error"]


def test_external_links_are_listed(live_server: str):
    page = get(live_server, "/id/organisation/vlaio").text
    assert 'href="https://data.vlaanderen.be/id/organisatie/OVO000039"' in page
    document = get(live_server, "/id/document/schriftelijke-vraag-407-2024").text
    assert "https://www.vlaamsparlement.be/parlementaire-documenten/schriftelijke-vragen/1824236" in document
