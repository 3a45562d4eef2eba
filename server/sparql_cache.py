"""The endpoint's result cache: serialised responses of one data version, in this process's memory.

Keyed on the normalised request (query text, dataset IRIs, chosen formats); the data version is part
of the key too, and the whole cache empties the first time a request sees a new version, so an answer
is never served from older data. Bounded by entry count, entry size and total size (least recently used
entries go first). Thread-safe.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """A response as sent: body, content type and the headers that depend on the result."""

    body: bytes
    content_type: str
    etag: str
    headers: tuple[tuple[str, str], ...]


class ResultCache:
    """LRU of :class:`Entry` for the current data version."""

    def __init__(self, entries: int, max_bytes: int, total_bytes: int):
        self.max_entries = entries
        self.max_bytes = max_bytes
        self.total_bytes = total_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, Entry] = OrderedDict()
        self._version: str | None = None
        self._size = 0
        self.hits = 0
        self.misses = 0

    def _switch(self, version: str) -> None:
        if version != self._version:
            self._entries.clear()
            self._size = 0
            self._version = version

    def get(self, version: str, key: Hashable) -> Entry | None:
        """The cached response for ``key`` on ``version``, or ``None``."""
        with self._lock:
            self._switch(version)
            entry = self._entries.get(key)
            if entry is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry

    def put(self, version: str, key: Hashable, entry: Entry) -> bool:
        """Keep ``entry`` unless caching is off or it is too large; True when kept."""
        size = len(entry.body)
        if self.max_entries <= 0 or size > self.max_bytes or size > self.total_bytes:
            return False
        with self._lock:
            self._switch(version)
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old.body)
            self._entries[key] = entry
            self._size += size
            while len(self._entries) > self.max_entries or self._size > self.total_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)
            return True

    def __len__(self) -> int:
        return len(self._entries)
