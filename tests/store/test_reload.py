"""A reload switches readers to the new version on both backends, and a remote load is all-or-nothing."""

from __future__ import annotations

import socket

import pytest
from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store

from fundinggraph.store import EmbeddedStores
from fundinggraph.store.backend import EmbeddedBackend
from fundinggraph.store.remote import (
    REGISTER,
    RemoteBackend,
    RemoteError,
    RemoteLoadInProgress,
    RemoteStores,
    _now,
    version_graph,
)

pytestmark = pytest.mark.remote

MARK = NamedNode("https://fundinggraph.example.org/id/test/reload")
LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def _copy_with(store: Store, text: str) -> Store:
    """A copy of ``store`` plus one marker triple (a new version's content)."""
    copy = Store()
    copy.bulk_load(input=store.dump(format=RdfFormat.N_QUADS), format=RdfFormat.N_QUADS)
    copy.add(Quad(MARK, LABEL, Literal(text), DefaultGraph()))
    return copy


@pytest.fixture(params=["embedded", "remote"])
def fresh(request, start_oxigraph, tmp_path, remote_settings_for, publish_remote):
    """(reader backend, publish(store)) on an empty store of each kind."""
    if request.param == "embedded":
        from fundinggraph import config

        settings = config.from_env(environ={}, data_dir=str(tmp_path))
        stores = EmbeddedStores(settings)

        def publish_embedded(store: Store) -> None:
            with stores.lock():
                stores.publish(store.dump(format=RdfFormat.N_QUADS))

        yield None, settings, publish_embedded
        return
    settings = remote_settings_for(start_oxigraph(), tmp_path)
    yield RemoteStores(settings), settings, lambda store: publish_remote(settings, store)


def _reader(settings):
    return RemoteBackend(settings) if settings.backend == "remote" else EmbeddedBackend(settings)


def test_readers_switch_to_the_new_version(fresh, graph):
    _, settings, publish_version = fresh
    reader = _reader(settings)
    publish_version(_copy_with(graph, "first"))
    first = reader.version()
    question = "SELECT ?mark ?label WHERE { ?mark rdfs:label ?label }"
    assert [r["label"].value for r in reader.select(question, {"mark": MARK})] == ["first"]
    publish_version(_copy_with(graph, "second"))
    assert reader.version() != first
    assert [r["label"].value for r in reader.select(question, {"mark": MARK})] == ["second"]
    assert reader.triple_count() == len(graph) + 1


def test_reading_before_the_first_load_says_what_to_do(fresh):
    _, settings, _ = fresh
    from fundinggraph.store import StoreError

    with pytest.raises(StoreError, match="fundinggraph load"):
        _reader(settings).version()


# -- remote only -------------------------------------------------------------------------------------
@pytest.fixture()
def remote(start_oxigraph, tmp_path, remote_settings_for, publish_remote):
    settings = remote_settings_for(start_oxigraph(), tmp_path, keep_versions="1")
    return settings, RemoteStores(settings), lambda store: publish_remote(settings, store)


def _graphs(stores: RemoteStores) -> set[str]:
    rows = stores.reader._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", None, None)
    return {r["g"].value for r in rows}


def test_the_pointer_is_one_triple_and_the_version_one_graph(remote, graph):
    settings, stores, publish = remote
    published = publish(graph)
    meta = settings.base_iri + "graph/meta"
    assert _graphs(stores) == {meta, version_graph(settings, published.version).value}
    rows = stores.reader._select("SELECT ?g WHERE { GRAPH ?meta { ?d fg:currentGraph ?g } }",
                                 {"meta": NamedNode(meta)}, None)
    assert [r["g"].value for r in rows] == [version_graph(settings, published.version).value]
    # Someone querying the store directly sees an empty default graph: the data is in named graphs.
    assert stores.reader._select("SELECT * WHERE { ?s ?p ?o } LIMIT 1", None, None) == []


def test_same_content_publishes_nothing(remote, graph):
    _settings, stores, publish = remote
    first = publish(graph)
    again = publish(graph)
    assert again.unchanged and again.version == first.version
    assert [v for v, _ in stores.versions()] == [first.version]


def test_old_versions_are_dropped_beyond_keep_versions(remote, graph):
    settings, stores, publish = remote
    versions = [publish(_copy_with(graph, str(n))).version for n in range(3)]
    assert [v for v, _ in stores.versions()] == versions[1:]
    assert version_graph(settings, versions[0]).value not in _graphs(stores)


def test_a_refused_upload_leaves_the_served_version_alone(remote, graph):
    settings, stores, publish = remote
    good = publish(graph).version
    with stores.lock(), pytest.raises(SyntaxError, match="refused"):
        stores.publish(b'<http://a> <http://b> "unterminated .\n')
    assert stores.current_version() == good
    assert [v for v, _ in stores.versions()] == [good]
    assert RemoteBackend(settings).triple_count() == len(graph)


def test_a_version_left_by_a_killed_load_is_removed_by_the_next(remote, graph):
    settings, stores, publish = remote
    good = publish(graph).version
    # What a loader killed mid-upload leaves: a registered, never completed, half-written graph.
    half = version_graph(settings, "20000101T000000000000-deadbeef0000")
    stores._update(REGISTER, graph=half, now=_now())
    stores.client.update(f"INSERT DATA {{ GRAPH {half} {{ {MARK} {LABEL} \"half\" }} }}")
    assert RemoteBackend(settings).version() == good
    publish(_copy_with(graph, "next"))
    assert half.value not in _graphs(stores)
    assert "20000101T000000000000-deadbeef0000" not in [v for v, _ in stores.versions()]


def test_one_loader_at_a_time(remote):
    settings, stores, _publish = remote
    other = RemoteStores(settings)
    with stores.lock(), pytest.raises(RemoteLoadInProgress, match="pid"), other.lock():
        pass
    with other.lock():
        pass


def test_an_abandoned_lock_is_taken_over(remote):
    settings, stores, _publish = remote
    stores._update(
        "INSERT { GRAPH ?meta { ?dataset fg:loadLock ?lock . ?lock dcterms:created ?then } } WHERE { }",
        lock=NamedNode(settings.base_iri + "graph/meta#lock-dead"),
        then=Literal("2001-01-01T00:00:00Z", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")),
    )
    with stores.lock():
        held = stores._rows("SELECT ?lock WHERE { GRAPH ?meta { ?dataset fg:loadLock ?lock } }")
        assert len(held) == 1 and not held[0]["lock"].value.endswith("lock-dead")


def test_an_unreachable_store_is_named(tmp_path, remote_settings_for):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/query"
    settings = remote_settings_for(type("Nobody", (), {"query_url": url, "store_url": ""})(), tmp_path)
    with pytest.raises(RemoteError, match=f"{url} unreachable"):
        RemoteBackend(settings).version()
    with pytest.raises(RemoteError, match="unreachable"):
        RemoteStores(settings).current_version()


def test_a_graph_that_breaks_the_shapes_never_reaches_the_store(built, start_oxigraph, tmp_path,
                                                                remote_settings_for, capsys):
    from fundinggraph.namespaces import DCTERMS, FG, RDF
    from fundinggraph.store.remote import publish_remote

    settings = remote_settings_for(start_oxigraph(), tmp_path)
    bad = _copy_with(built.store, "bad")
    excerpt = NamedNode(settings.base_iri + "id/excerpt/test/0-0-bad")
    document = next(iter(bad.quads_for_pattern(None, RDF.type, FG.SourceDocument))).subject
    for p, o in ((RDF.type, FG.SourceExcerpt), (DCTERMS.source, document), (FG.quote, Literal("x")),
                 (FG.startLine, Literal(0)), (FG.endLine, Literal(0))):  # lines are 1-based
        bad.add(Quad(excerpt, p, o, DefaultGraph()))
    result = type(built)(bad, built.registry, built.sources)
    assert publish_remote(settings, result, lambda _m: None, validate=True) == 1
    assert "does not conform" in capsys.readouterr().err
    stores = RemoteStores(settings)
    assert stores.reader._select("SELECT * WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } LIMIT 1",
                                 None, None) == []


def test_an_update_is_published_as_the_next_version(remote, graph):
    from fundinggraph.store.execution import QuerySyntaxError, UpdateConflict

    settings, stores, publish = remote
    before = publish(graph).version
    reader = RemoteBackend(settings)
    outcome = reader.update(f'INSERT DATA {{ {MARK} rdfs:label "updated" }}', timeout=60)
    assert not outcome.unchanged and outcome.version != before and outcome.triples == len(graph) + 1
    assert reader.version() == outcome.version
    assert reader.select("SELECT ?m ?l WHERE { ?m rdfs:label ?l }", {"m": MARK})[0]["l"].value == "updated"
    with pytest.raises(QuerySyntaxError):
        reader.update("INSERT DATA { oops", timeout=60)
    with stores.lock(), pytest.raises(UpdateConflict, match="another load"):
        reader.update(f'INSERT DATA {{ {MARK} rdfs:label "blocked" }}', timeout=60)
    assert reader.version() == outcome.version


def test_credentials_in_the_url_are_sent_but_never_shown(tmp_path, remote_settings_for):
    """A real HTTP peer on loopback records the request; the error message hides the password."""
    import base64
    import http.server
    import threading

    seen: list[str] = []

    class Peer(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            seen.append(self.headers.get("Authorization", ""))
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(503)
            self.end_headers()
            self.wfile.write(b"busy")

        def log_message(self, *args):
            pass

    peer = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Peer)
    threading.Thread(target=peer.serve_forever, daemon=True).start()
    try:
        url = f"http://loader:s3cret@127.0.0.1:{peer.server_address[1]}/query"
        settings = remote_settings_for(type("Peer", (), {"query_url": url, "store_url": ""})(), tmp_path)
        with pytest.raises(RemoteError) as info:
            RemoteBackend(settings).version()
    finally:
        peer.shutdown()
        peer.server_close()
    assert seen == ["Basic " + base64.b64encode(b"loader:s3cret").decode()]
    assert "s3cret" not in str(info.value) and "loader:***@127.0.0.1" in str(info.value)
