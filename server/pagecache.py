"""A small per-process LRU cache for rendered pages and per-version indexes.

Keys always start with the data version, so a reload never serves stale pages: entries of the old
version simply age out. Sized by the settings ``cache_entries`` (0 disables it) and
``cache_max_bytes`` (the largest single entry kept).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import current_app

T = TypeVar("T")


class LRUCache:
    """Thread-safe least-recently-used mapping with a bound on entries and on entry size."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> Any | None:
        """The cached value, or ``None``."""
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
            self.misses += 1
            return None

    def put(self, key: Hashable, value: Any, size: int = 0) -> None:
        """Keep ``value`` unless the cache is disabled or ``size`` exceeds the entry limit."""
        if self.max_entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)

    def __len__(self) -> int:
        return len(self._data)


def page_cache() -> LRUCache:
    """The page cache of the current app (one per process)."""
    ext = current_app.extensions
    cache = ext.get("fundinggraph.pagecache")
    if cache is None:
        settings = current_app.config["SETTINGS"]
        cache = ext.setdefault("fundinggraph.pagecache", LRUCache(settings.cache_entries, settings.cache_max_bytes))
    return cache


# Re-entrant: building one structure may need another (flow sources need the label table).
_BUILD_LOCK = threading.RLock()


def per_version(name: str, version: str, build: Callable[[], T]) -> T:
    """The object ``name`` built for data ``version``, built once per process and version.

    Used for small derived structures (the label table, the search index) that every request needs;
    the previous version's object is dropped when a new version is first asked for.
    """
    ext = current_app.extensions
    slot = f"fundinggraph.version.{name}"
    held = ext.get(slot)
    if held is not None and held[0] == version:
        return held[1]
    with _BUILD_LOCK:
        held = ext.get(slot)
        if held is not None and held[0] == version:
            return held[1]
        value = build()
        ext[slot] = (version, value)
        return value
