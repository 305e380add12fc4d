"""What word search remembers between queries, valid while the index stays at one version."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from accord.scouting.words import tuning


class WordCache:
    """Counts and each word's scores, remembered while the index's version (which every
    committed change moves) stays the same, least recently used first forgotten beyond
    `tuning.REMEMBERED_PAIRS` (a count weighs as much as one pair).

    Entries read at another version are forgotten all at once when a newer one is seen;
    changes in this process are forgotten through `clear()`, even before they commit.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: Hashable = None
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._held = 0
        os.register_at_fork(after_in_child=self._new_lock)

    def _new_lock(self) -> None:
        self._lock = threading.Lock()  # one held by another thread at a fork stays held

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._held = 0

    def at(self, version: Hashable) -> VersionedView:
        return VersionedView(self, version)

    @property
    def held(self) -> int:
        """Pairs held, counts included."""
        return self._held

    def __len__(self) -> int:
        return len(self._entries)

    def _get(self, version: Hashable, key: Hashable) -> Any:
        with self._lock:
            if version != self._version:
                return None
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
            return found[0]

    def _put(self, version: Hashable, key: Hashable, value: Any, weight: int) -> None:
        with self._lock:
            if version != self._version:
                self._entries.clear()
                self._held = 0
                self._version = version
            if key in self._entries:
                self._held -= self._entries.pop(key)[1]
            self._entries[key] = (value, weight)
            self._held += weight
            while self._held > tuning.REMEMBERED_PAIRS and len(self._entries) > 1:
                self._held -= self._entries.popitem(last=False)[1][1]


class VersionedView:
    """The cache as read at one version of the index: a value computed here is remembered
    only under that version."""

    def __init__(self, cache: WordCache, version: Hashable) -> None:
        self._cache, self.version = cache, version

    def get(self, key: Hashable, compute: Callable[[], Any], *, keep_zero: bool = True) -> Any:
        """The remembered value of `key`, else `compute()`'s, remembered (unless it is zero
        and `keep_zero` is false)."""
        value = self._cache._get(self.version, key)
        if value is None:
            value = compute()
            if keep_zero or value != 0:
                self._cache._put(self.version, key, value, _weight(value))
        return value


def _weight(value: Any) -> int:
    return int(getattr(value, "pairs", 1))


CACHE = WordCache()
