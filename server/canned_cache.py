"""The per-process cache of canned query results: computed once per data version, query and bound values.

A canned result is computed by the store in full (every canned query orders its rows, so the engine has
to see them all whichever page is asked for), then every page, the chart and every download are cut from
it. At 5M triples one result can take seconds to compute and hold thousands of rows, so this cache is
bounded by the total size of what it keeps (the setting ``cache_total_bytes``) rather than by a size per
entry, and it computes each key once: requests that arrive while a result is being computed wait for it
instead of computing it again (on two shared cores a second computation only slows the first).

Keys start with the data version, so a reload never serves an old result: entries of the old version
age out.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")

EXTENSION = "fundinggraph.canned-results"


class _Pending:
    """A value being computed by one thread; the others wait on ``done``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


class ResultCache:
    """Thread-safe LRU bounded by entry count and total estimated bytes, computing each key once."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}
        self._lock = threading.Lock()
        self._size = 0
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], tuple[T, int]]) -> T:
        """The value of ``key``; on a miss ``compute()`` gives ``(value, estimated bytes)``, once per key."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key][0]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
                self.misses += 1
        assert pending is not None
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            value, size = compute()
        except BaseException as exc:
            pending.error = exc
            raise
        else:
            pending.value = value
            self._keep(key, value, size)
            return value
        finally:
            with self._lock:
                self._pending.pop(key, None)
            pending.done.set()

    def get(self, key: Hashable) -> Any | None:
        """The cached value of ``key``, or ``None`` (never computes)."""
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            self._data.move_to_end(key)
            return found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` (estimated ``size`` bytes) unless caching is off or it alone exceeds the budget."""
        self._keep(key, value, size)

    def _keep(self, key: Hashable, value: Any, size: int) -> None:
        if self.max_entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._size -= old[1]
            self._data[key] = (value, size)
            self._size += size
            while self._data and (len(self._data) > self.max_entries or self._size > self.max_bytes):
                _, (_, dropped) = self._data.popitem(last=False)
                self._size -= dropped

    @property
    def size(self) -> int:
        """Estimated bytes held."""
        return self._size

    def __len__(self) -> int:
        return len(self._data)


def result_cache() -> ResultCache:
    """The canned result cache of the current app (one per process)."""
    ext = current_app.extensions
    cache = ext.get(EXTENSION)
    if cache is None:
        settings = current_app.config["SETTINGS"]
        cache = ext.setdefault(EXTENSION, ResultCache(settings.cache_entries, settings.cache_total_bytes))
    return cache
