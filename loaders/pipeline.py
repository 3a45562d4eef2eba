"""Build the whole graph from the sources: loaders, ontology, reconciliation, validation.

The result is an in-memory :class:`pyoxigraph.Store`; writing it to disk (atomically) is a separate
step in :mod:`fundinggraph.store`. Every loader is a function ``contribute(g, sources, registry)``
listed in :data:`STEPS`, in order.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import DefaultGraph, Quad, RdfFormat, Store

from fundinggraph.config import PROJECT_ROOT, Settings
from fundinggraph.namespaces import DataNamespace
from loaders.graph import GraphBuilder
from loaders.registry import Registry, load_registry
from loaders.sourcetext import SourceError, SourceSet, read_sources

#: (module, human name) of every loader, in order. Each module has ``contribute(g, sources, registry)``.
STEPS: list[tuple[str, str]] = [
    ("loaders.documents", "documents"),
    ("loaders.registry", "entities and mentions"),
    ("loaders.parliament", "parliamentary questions and answers"),
    ("loaders.speurgids_structure", "Speurgids sections and tables"),
    ("loaders.tabel8", "Tabel 8 budget lines"),
    ("loaders.speurgids_tables", "Speurgids result tables"),
    ("loaders.curated", "curated facts"),
    ("loaders.links", "links to other publishers"),
]

#: Default ontology directory; a build reads ``Settings.ontology_dir``.
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


@dataclass
class BuildResult:
    store: Store
    registry: Registry
    sources: SourceSet
    timings: list[tuple[str, float, int]] = field(default_factory=list)
    validation: object | None = None
    #: Where the ontology came from; its ``shapes*.ttl`` validate this build.
    ontology_dir: Path = ONTOLOGY_DIR

    def __len__(self) -> int:
        return len(self.store)


class BuildError(Exception):
    """The graph could not be built; the message says why (file and line where known)."""


def ontology_files(directory: Path = ONTOLOGY_DIR) -> list[Path]:
    """Turtle files of the ontology and vocabularies (SHACL shapes are kept out of the data)."""
    return sorted(p for p in directory.glob("*.ttl") if not p.name.startswith("shapes"))


def load_ontology(store: Store, directory: Path = ONTOLOGY_DIR) -> None:
    """Parse the ontology Turtle files into ``store``.

    :raises SourceError: naming the file and line of a Turtle syntax error, or a missing directory.
    """
    if not directory.is_dir():
        raise SourceError(directory, None, "ontology directory not found (setting ontology_dir)")
    for path in ontology_files(directory):
        try:
            store.load(path=str(path), format=RdfFormat.TURTLE, to_graph=DefaultGraph())
        except SyntaxError as exc:
            line = getattr(exc, "lineno", None)
            raise SourceError(path, line, f"Turtle syntax error: {exc}") from None


def build(settings: Settings, progress: Progress = _quiet, steps: list[tuple[str, str]] | None = None) -> BuildResult:
    """Run every loader and return the complete, reconciled graph in memory.

    :raises SourceError: for bad source input (file and line).
    :raises BuildError: for anything else that stops the build.
    """
    started = time.perf_counter()
    store = Store()
    # The ontology first: a syntax error in it stops the build before the loaders run.
    load_ontology(store, settings.ontology_dir)
    progress(f"ontology: {len(store)} triples")
    sources = read_sources(settings.sources_dir)
    progress(f"read {len(sources.documents)} source documents")
    registry = load_registry(settings.sources_dir / "registry")
    progress(f"registry: {len(registry)} entities")
    g = GraphBuilder(DataNamespace(settings.base_iri))
    timings: list[tuple[str, float, int]] = []
    for module_name, title in steps or STEPS:
        t0 = time.perf_counter()
        before = len(g)
        module = importlib.import_module(module_name)
        module.contribute(g, sources, registry)
        took = time.perf_counter() - t0
        timings.append((title, took, len(g) - before))
        progress(f"{title}: +{len(g) - before} triples ({took:.2f} s)")
    store.extend(Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in g)
    from loaders import reconcile

    reconcile.compute(store)
    progress(f"reconciled stated totals ({time.perf_counter() - started:.2f} s so far)")
    return BuildResult(
        store=store, registry=registry, sources=sources, timings=timings, ontology_dir=settings.ontology_dir
    )
