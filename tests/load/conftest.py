"""Fixtures of the load test: a private data directory holding the real graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import RdfFormat


@pytest.fixture()
def load_data(built, tmp_path: Path) -> Path:
    """A data directory whose current version is the real graph (reloaded by the test, so private)."""
    from fundinggraph import config
    from fundinggraph.store import EmbeddedStores

    data_dir = tmp_path / "data"
    stores = EmbeddedStores(config.from_env(environ={}, data_dir=str(data_dir)))
    with stores.lock(wait=True):
        stores.publish(built.store.dump(format=RdfFormat.N_QUADS))
    return data_dir
