"""Where the graph lives: the embedded Oxigraph store (default) or a remote SPARQL endpoint."""

from fundinggraph.store.embedded import (
    EmbeddedReader,
    EmbeddedStores,
    LoadInProgress,
    PublishResult,
    StoreError,
)

__all__ = ["EmbeddedReader", "EmbeddedStores", "LoadInProgress", "PublishResult", "StoreError"]
