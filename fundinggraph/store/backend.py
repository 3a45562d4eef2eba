"""The store as the web tier sees it: one small interface over the embedded or a remote store.

Pages, canned queries and search run *trusted* queries (our own text, parameters bound as typed RDF
terms) through :meth:`Backend.select`, :meth:`Backend.ask` and :meth:`Backend.construct`. Untrusted
SPARQL from the public endpoint goes through the endpoint's executor (``server/sparql``), which adds
timeouts and limits on top of the same backend.

Every query gets our prefixes declared (``fg:``, ``org:``, ``skos:`` ...; see
:data:`fundinggraph.namespaces.PREFIXES`), so query text may use them without ``PREFIX`` lines.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple, Variable

from fundinggraph.config import Settings
from fundinggraph.namespaces import PREFIXES
from fundinggraph.store.embedded import EmbeddedReader, StoreError

Term = NamedNode | BlankNode | Literal
Row = dict[str, Term | None]
Bindings = Mapping[str, Term]


class Backend(ABC):
    """Read access to the current version of the graph."""

    def __init__(self, settings: Settings):
        self.settings = settings

    @abstractmethod
    def version(self) -> str:
        """Name of the data version being served; changes on every reload (a cache key).

        :raises StoreError: when no data has been loaded yet.
        """

    @abstractmethod
    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        """Run a trusted SELECT; each row maps variable names (no ``?``) to terms or ``None``."""

    @abstractmethod
    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        """Run a trusted ASK."""

    @abstractmethod
    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        """Run a trusted CONSTRUCT or DESCRIBE."""

    @abstractmethod
    def triple_count(self) -> int:
        """Number of triples in the served graph."""

    def close(self) -> None:  # noqa: B027 - optional hook, most backends hold nothing
        """Release what the backend holds (nothing by default)."""


class EmbeddedBackend(Backend):
    """The embedded Oxigraph store: the read-only current version under ``settings.data_dir``.

    Safe to share between threads; each process opens its own read-only handle, and follows
    ``current`` when a load publishes a new version.
    """

    def __init__(self, settings: Settings):
        super().__init__(settings)
        self.reader = EmbeddedReader(settings)

    def store(self) -> tuple[str, Store]:
        """The current version and its open read-only store."""
        return self.reader.store()

    def version(self) -> str:
        return self.reader.store()[0]

    def _query(self, query: str, bindings: Bindings | None):
        _, store = self.reader.store()
        substitutions = {Variable(k): v for k, v in bindings.items()} if bindings else None
        return store.query(query, prefixes=PREFIXES, substitutions=substitutions)

    def select(self, query: str, bindings: Bindings | None = None) -> list[Row]:
        solutions = self._query(query, bindings)
        names = [v.value for v in solutions.variables]
        return [{name: solution[name] for name in names} for solution in solutions]

    def ask(self, query: str, bindings: Bindings | None = None) -> bool:
        return bool(self._query(query, bindings))

    def construct(self, query: str, bindings: Bindings | None = None) -> list[Triple]:
        return list(self._query(query, bindings))

    def triple_count(self) -> int:
        return len(self.reader.store()[1])


def open_backend(settings: Settings) -> Backend:
    """The backend the settings ask for (``embedded`` by default, ``remote`` for a SPARQL endpoint)."""
    if settings.backend == "remote":
        from fundinggraph.store.remote import RemoteBackend  # type: ignore[import-not-found]

        return RemoteBackend(settings)
    return EmbeddedBackend(settings)


__all__ = ["Backend", "Bindings", "EmbeddedBackend", "Row", "StoreError", "Term", "open_backend"]
