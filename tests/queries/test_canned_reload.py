"""A reload with new data changes the answers at once: the caches are keyed on the data version."""

from __future__ import annotations

import requests
from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from fundinggraph import config
from fundinggraph.store import EmbeddedStores


def test_answers_follow_a_new_data_version(built, tmp_path, start_server):
    settings = config.from_env(environ={}, data_dir=str(tmp_path / "data"))
    stores = EmbeddedStores(settings)
    nquads = built.store.dump(format=RdfFormat.N_QUADS)
    with stores.lock(wait=True):
        first = stores.publish(nquads)
    server = start_server(data_dir=str(settings.data_dir))
    url = server.url + "/queries/who-funds-whom.json?recipient=dyzo"
    before = requests.get(url, timeout=30)
    assert before.headers["X-Data-Version"] == first.version and len(before.json()["rows"]) == 2
    assert requests.get(url, timeout=30).json() == before.json()  # served from the cache
    page_url = server.url + "/queries/who-funds-whom?recipient=dyzo"
    cell = '<td class="num">585.000</td>'
    assert requests.get(page_url, headers={"Accept": "text/html"}, timeout=30).text.count(cell) == 2

    # The next version lacks the 2022 flow to Dyzo.
    changed = Store()
    changed.bulk_load(nquads, format=RdfFormat.N_QUADS)
    flow = next(q.subject for q in changed.quads_for_pattern(None, NamedNode(
        "https://fundinggraph.example.org/def#recipient"), NamedNode("https://fundinggraph.example.org/id/organisation/dyzo"))
        if q.subject.value.endswith("dyzo-2022-granted"))
    for quad in list(changed.quads_for_pattern(flow, None, None)):
        changed.remove(Quad(quad.subject, quad.predicate, quad.object, quad.graph_name))
    with stores.lock(wait=True):
        second = stores.publish(changed.dump(format=RdfFormat.N_QUADS))
    assert second.version != first.version

    after = requests.get(url, timeout=30)
    assert after.headers["X-Data-Version"] == second.version
    assert [r["year"] for r in after.json()["rows"]] == ["2023"]
    assert requests.get(page_url, headers={"Accept": "text/html"}, timeout=30).text.count(cell) == 1
