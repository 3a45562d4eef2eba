"""Both store backends on the same graph: the embedded Oxigraph store and a real ``oxigraph serve``."""

from __future__ import annotations

import pytest
from pyoxigraph import DefaultGraph, RdfFormat

from fundinggraph import config
from fundinggraph.store.backend import Backend, EmbeddedBackend


def remote_settings(server, data_dir, **overrides) -> config.Settings:
    """Settings for the remote backend on ``server`` (an ``OxigraphProcess``)."""
    values = {"backend": "remote", "remote_query_url": server.query_url, "remote_store_url": server.store_url,
              "data_dir": str(data_dir), "remote_pointer_ttl": 0, **overrides}
    return config.from_env(environ={}, **values)


def publish(settings: config.Settings, store, force: bool = False):
    """Publish the default graph of ``store`` to the remote store of ``settings`` (lock held)."""
    from fundinggraph.store.remote import RemoteStores

    stores = RemoteStores(settings)
    with stores.lock():
        return stores.publish(store.dump(format=RdfFormat.N_TRIPLES, from_graph=DefaultGraph()), force=force)


@pytest.fixture(scope="session")
def remote_settings_for():
    """``remote_settings_for(server, data_dir, **overrides)``: remote-backend settings on an oxigraph server."""
    return remote_settings


@pytest.fixture(scope="session")
def publish_remote():
    """``publish_remote(settings, store, force=False)``: publish a store's default graph as the new version."""
    return publish


@pytest.fixture(scope="session")
def remote_published(built, start_oxigraph, tmp_path_factory) -> config.Settings:
    """Remote-backend settings on an ``oxigraph serve`` holding the built graph as its current version."""
    server = start_oxigraph("--timeout-s", "5")  # the store stops runaway queries itself, too
    settings = remote_settings(server, tmp_path_factory.mktemp("remote-data"))
    publish(settings, built.store)
    return settings


@pytest.fixture(params=["embedded", "remote"])
def backend(request, published, remote_published) -> Backend:
    """The same graph behind each backend."""
    from fundinggraph.store.backend import open_backend

    handle = EmbeddedBackend(published) if request.param == "embedded" else open_backend(remote_published)
    yield handle
    handle.close()
