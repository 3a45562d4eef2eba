"""What running an untrusted SPARQL request returns, and the ways it can fail.

Shared by every backend's :meth:`~fundinggraph.store.backend.Backend.execute` and
:meth:`~fundinggraph.store.backend.Backend.update`, so the public endpoint maps failures to HTTP the
same way whatever store answers: each error carries the HTTP ``status`` it stands for and, where a
limit was hit, the ``setting`` that sets it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Execution:
    """A serialised query result."""

    #: Media type of ``body`` (one of the formats the request allowed).
    media_type: str
    body: bytes
    #: True when ``max_rows`` cut the result short.
    truncated: bool
    #: Data version the query ran on (the cache key of the result).
    version: str
    #: Rows (SELECT), triples (CONSTRUCT/DESCRIBE) or 1 (ASK) in ``body``.
    count: int


@dataclass(frozen=True)
class UpdateOutcome:
    """What an authorised SPARQL Update did."""

    #: The version now served (a new one unless ``unchanged``).
    version: str
    #: True when the update changed nothing, so no version was published.
    unchanged: bool
    triples: int
    seconds: float


class ExecutionError(Exception):
    """A user query or update could not be answered; ``status`` is the HTTP status it stands for."""

    status = 500

    def __init__(self, message: str, *, setting: str | None = None):
        super().__init__(message)
        self.message = message
        self.setting = setting


class QuerySyntaxError(ExecutionError):
    """The parser refused the text; ``line`` and ``column`` (1-based) point at the error when known."""

    status = 400

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column


class ResultNotAcceptable(ExecutionError):
    """The result is of a kind (boolean, solutions, graph) none of the accepted formats can carry."""

    status = 406


class QueryTimeout(ExecutionError):
    """The query ran longer than its time limit and was stopped."""

    status = 503


class ExecutorsBusy(ExecutionError):
    """Every query executor was busy for the whole time limit."""

    status = 503


class ServiceFailed(ExecutionError):
    """A remote endpoint the query called (``SERVICE``) or the remote store failed."""

    status = 502


class UpdateConflict(ExecutionError):
    """Another load or update holds the load lock."""

    status = 409


class Unsupported(ExecutionError):
    """The backend cannot do this (e.g. updates on a backend without a writer)."""

    status = 501


__all__ = [
    "Execution",
    "ExecutionError",
    "ExecutorsBusy",
    "QuerySyntaxError",
    "QueryTimeout",
    "ResultNotAcceptable",
    "ServiceFailed",
    "Unsupported",
    "UpdateConflict",
    "UpdateOutcome",
]
