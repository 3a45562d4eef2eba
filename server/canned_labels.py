"""Labels of the resources a canned answer shows, looked up per resource and kept per data version.

The site's label table (:mod:`server.labels`) reads every label of the graph at once: 0.3 s on the real
graph, but 48 s and 1.5 million rows per worker at 5M triples. A canned page shows a page of rows and a
bounded chart, so it looks up only the resources it shows (one small query each, by subject) and keeps
what it found for the data version. The labels are chosen exactly as the label table chooses them (the
same predicates, languages and fallbacks: :class:`server.labels.LabelTable` does the choosing).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from pyoxigraph import Literal, NamedNode

from server.labels import SUBJECT_LABELS_QUERY, LabelTable
from server.pagecache import per_version
from server.store import backend


class KnownLabels:
    """The labels of the resources looked up so far in one data version (thread-safe, grows only)."""

    def __init__(self) -> None:
        self.table = LabelTable()
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def covering(self, iris: Iterable[str]) -> LabelTable:
        """The label table, after looking up those of ``iris`` that were never looked up."""
        missing = [iri for iri in dict.fromkeys(iris) if iri not in self._seen]
        if missing:
            with self._lock:
                store = backend()
                for iri in missing:
                    if iri in self._seen:
                        continue
                    for row in store.select(SUBJECT_LABELS_QUERY, {"subject": NamedNode(iri)}):
                        literal, predicate = row["label"], row["predicate"]
                        if isinstance(literal, Literal) and predicate is not None:
                            self.table.labels[iri].append((literal.value, literal.language or "", predicate.value))
                    self._seen.add(iri)
        return self.table


def labels_for(iris: Iterable[str]) -> LabelTable:
    """A label table that knows the labels of ``iris`` in the version being served."""
    known = per_version("canned-labels", backend().version(), KnownLabels)
    return known.covering(iris)
