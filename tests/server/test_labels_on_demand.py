"""Labels read per resource (graphs above ``label_table_max_triples``) name everything as the whole table does."""

from __future__ import annotations

import pytest
import requests

#: Pages that name many resources: organisations, flows, budget lines, excerpts, terms of the ontology.
PAGES = [
    "/id/organisation/vlaio",
    "/id/organisation/dyzo",
    "/id/organisation/vlaio?lang=en",
    "/id/organisation/dyzo.ttl",
    "/flows?year=2023",
    "/def",
]


@pytest.fixture(scope="module")
def on_demand(start_server) -> str:
    """A server that looks labels up per resource even for our small graph."""
    return start_server({"FUNDINGGRAPH_LABEL_TABLE_MAX_TRIPLES": "0"}).url


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_the_same_with_labels_read_per_resource(live_server, on_demand, path):
    whole = requests.get(live_server + path, timeout=60)
    per_resource = requests.get(on_demand + path, timeout=60)
    assert whole.status_code == per_resource.status_code == 200
    assert whole.text == per_resource.text


def test_a_funding_flow_page_names_its_funder_and_recipient(live_server, on_demand):
    """A page reached from another: the flow's own page, labels and types read on demand."""
    listing = requests.get(on_demand + "/id/organisation/dyzo", timeout=60).text
    start = listing.index('href="/id/funding-flow/')
    path = listing[start + 6: listing.index('"', start + 6)]
    whole = requests.get(live_server + path, timeout=60)
    per_resource = requests.get(on_demand + path, timeout=60)
    assert per_resource.status_code == 200 and "Dyzo" in per_resource.text
    assert whole.text == per_resource.text
