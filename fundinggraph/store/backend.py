"""The store as the web tier sees it: one small interface over the embedded or a remote store.

Pages, canned queries and search run *trusted* queries (our own text, parameters bound as typed RDF
terms) through :meth:`Backend.select`, :meth:`Backend.ask` and :meth:`Backend.construct`. Untrusted
SPARQL from the public endpoint (``server/sparql.py``) goes through :meth:`Backend.execute` and
:meth:`Backend.update`, which enforce the time limit and row cap (the embedded store runs them in killable
executor processes: ``fundinggraph.store.executor``).

Every query gets our prefixes declared (``fg:``, ``org:``, ``skos:`` ...; see
:data:`fundinggraph.namespaces.PREFIXES`), so query text may use them without ``PREFIX`` lines.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple, Variable

from fundinggraph.config import Settings
from fundinggraph.namespaces import PREFIXES
from fundinggraph.store.embedded import EmbeddedReader, StoreError
from fundinggraph.store.execution import Execution, Unsupported, UpdateOutcome

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

    # -- untrusted SPARQL from the public endpoint (server/sparql.py) -------------------------------------
    def execute(self, query: str, *, results_format: str | None, graph_format: str | None,
                default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
                base_iri: str | None = None, timeout: float, max_rows: int, network: bool = False) -> Execution:
        """Run an untrusted query under a time limit and a row cap; return the serialised result.

        The endpoint has already checked the request (size, ``SERVICE`` allow-list); the backend must
        still never let the query run past ``timeout`` seconds nor return more than ``max_rows`` rows
        (SELECT) or triples (CONSTRUCT/DESCRIBE), and say so with ``Execution.truncated``.

        :param results_format: media type for SELECT/ASK results (a SPARQL results format), or ``None``
            when the client accepts none (then such a query raises :class:`ResultNotAcceptable`).
        :param graph_format: media type for CONSTRUCT/DESCRIBE results (an RDF format), or ``None``.
        :param default_graphs: the protocol's ``default-graph-uri`` IRIs (``None``: the served default
            graph; an empty list: an empty default graph).
        :param named_graphs: the protocol's ``named-graph-uri`` IRIs (``None``: all named graphs).
        :param base_iri: IRI that relative IRIs in the query resolve against.
        :param network: the query calls allow-listed ``SERVICE`` endpoints (executors with network).
        :raises QuerySyntaxError: (400) with line and column when known.
        :raises QueryTimeout: (503) the limit was hit and the query stopped.
        :raises ExecutorsBusy: (503) no capacity within the limit.
        :raises ServiceFailed: (502) a remote endpoint failed.
        :raises StoreError: (503) no data loaded.
        """
        raise Unsupported(f"the {self.settings.backend} backend cannot run endpoint queries")

    def update(self, update: str, *, base_iri: str | None = None, timeout: float,
               network: bool = False) -> UpdateOutcome:
        """Apply an authorised SPARQL Update atomically and publish the result as the next data version.

        :raises QuerySyntaxError: (400) the update does not parse.
        :raises UpdateConflict: (409) a load or another update is running.
        :raises QueryTimeout: (503) the limit was hit; nothing was published.
        """
        raise Unsupported(f"the {self.settings.backend} backend cannot apply updates")

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
        self._executors = None
        self._executors_lock = threading.Lock()

    def executors(self):
        """The executor pools of this process (started on first use); see ``fundinggraph.store.executor``."""
        if self._executors is None:
            with self._executors_lock:
                if self._executors is None:
                    from fundinggraph.store.executor import EmbeddedExecutors

                    self._executors = EmbeddedExecutors(self.settings)
        return self._executors

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

    def execute(self, query: str, *, results_format: str | None, graph_format: str | None,
                default_graphs: Sequence[str] | None = None, named_graphs: Sequence[str] | None = None,
                base_iri: str | None = None, timeout: float, max_rows: int, network: bool = False) -> Execution:
        """Run the query in a killable executor process (never in this one)."""
        return self.executors().execute(
            query, results_format=results_format, graph_format=graph_format, default_graphs=default_graphs,
            named_graphs=named_graphs, base_iri=base_iri, timeout=timeout, max_rows=max_rows, network=network)

    def update(self, update: str, *, base_iri: str | None = None, timeout: float,
               network: bool = False) -> UpdateOutcome:
        """Copy the current version, apply the update in an executor process, publish the copy."""
        return self.executors().update(update, base_iri=base_iri, timeout=timeout, network=network)

    def close(self) -> None:
        if self._executors is not None:
            self._executors.close()


def open_backend(settings: Settings) -> Backend:
    """The backend the settings ask for (``embedded`` by default, ``remote`` for a SPARQL endpoint)."""
    if settings.backend == "remote":
        from fundinggraph.store.remote import RemoteBackend  # type: ignore[import-not-found]

        return RemoteBackend(settings)
    return EmbeddedBackend(settings)


__all__ = ["Backend", "Bindings", "EmbeddedBackend", "Execution", "Row", "StoreError", "Term", "UpdateOutcome",
           "open_backend"]
