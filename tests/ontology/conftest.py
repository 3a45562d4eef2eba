"""The ontology and concept schemes alone, loaded once for the ontology tests."""

from __future__ import annotations

import pytest
from pyoxigraph import Store

from loaders.pipeline import ONTOLOGY_DIR, load_ontology


@pytest.fixture(scope="module")
def ontology() -> Store:
    """The ontology and concept schemes alone, as the pipeline loads them (no data, no shapes)."""
    store = Store()
    load_ontology(store, ONTOLOGY_DIR)
    return store


@pytest.fixture(scope="module")
def schemes(ontology: Store) -> Store:
    """The same store under the name the scheme tests read best with."""
    return ontology
