"""Entity pages are rendered once per machine and data version, and shared by the worker processes."""

from __future__ import annotations

from pyoxigraph import RdfFormat

from fundinggraph import config
from fundinggraph.store import EmbeddedStores
from server import create_app, entities
from server.canned_shared import SHARED_EXTENSION, SharedResults


def _published(built, tmp_path, **overrides) -> tuple[config.Settings, str]:
    """Settings of a data dir holding our graph as its current version, and that version."""
    settings = config.from_env(environ={}, data_dir=str(tmp_path / "data")).with_overrides(**overrides)
    stores = EmbeddedStores(settings)
    with stores.lock(wait=True):
        return settings, stores.publish(built.store.dump(format=RdfFormat.N_QUADS)).version


def test_a_second_worker_serves_the_page_the_first_one_rendered(built, tmp_path, monkeypatch):
    # Our pages render in milliseconds; at 5M a busy funder's takes a second: share every page here.
    monkeypatch.setattr(entities, "SHARE_SLOWER_THAN", 0.0)
    settings, version = _published(built, tmp_path)
    first, second = create_app(settings), create_app(settings)  # two workers: two processes' worth of state
    page = first.test_client().get("/id/organisation/dyzo", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Dyzo" in page.text

    shared: SharedResults = first.extensions[SHARED_EXTENSION]
    files = [f for f in (shared.store_dir / version).glob("*.json") if f.read_text() == page.text]
    assert len(files) == 1, "the rendered page is in one shared file"
    files[0].write_text(page.text.replace("Dyzo", "Dyzo (from the shared file)"))
    again = second.test_client().get("/id/organisation/dyzo", headers={"Accept": "text/html"})
    assert "Dyzo (from the shared file)" in again.text


def test_without_a_cache_nothing_is_shared(built, tmp_path):
    settings, _ = _published(built, tmp_path, cache_entries=0)
    app = create_app(settings)
    assert app.test_client().get("/id/organisation/dyzo").status_code == 200
    assert SHARED_EXTENSION not in app.extensions


def test_a_cheap_page_is_not_written_for_the_others(built, tmp_path, monkeypatch):
    """Only expensive pages become files: a crawler walking every page must not fill the disk."""
    monkeypatch.setattr(entities, "SHARE_SLOWER_THAN", 3600.0)
    settings, version = _published(built, tmp_path)
    app = create_app(settings)
    page = app.test_client().get("/id/organisation/dyzo", headers={"Accept": "text/html"})
    assert page.status_code == 200
    shared: SharedResults = app.extensions[SHARED_EXTENSION]
    assert not [f for f in (shared.store_dir / version).glob("*.json") if f.read_text() == page.text]
