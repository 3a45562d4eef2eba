"""Placeholder: this loader is being written (see docs/MODEL.md)."""

from loaders.graph import GraphBuilder
from loaders.registry import Registry
from loaders.sourcetext import SourceSet


def contribute(g: GraphBuilder, sources: SourceSet, registry: Registry) -> None:
    """Not implemented yet."""
