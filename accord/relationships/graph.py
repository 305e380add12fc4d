"""Who knows whom, held in memory for path search: every connection both ways in compressed
sparse rows indexed by person id (numpy arrays), read once per process and again only when a
connection was added or changed since (the newest `updated_at` and the highest id tell, one
query reading each off its index).

Reading the links from the database hop by hop cost hundreds of milliseconds a search at two
hundred thousand people (benchmarks/network.py); from these arrays a search reads only the
rows of the people it walks through.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import connection as database

from accord.relationships.models import Connection


@dataclass(frozen=True)
class Graph:
    key: tuple[Any, ...]
    starts: np.ndarray  # person id p's links are neighbours[starts[p]:starts[p + 1]]
    neighbours: np.ndarray  # person ids
    scores: np.ndarray

    def _span(self, person: int) -> tuple[int, int]:
        if not 0 <= person < len(self.starts) - 1:
            return 0, 0
        return int(self.starts[person]), int(self.starts[person + 1])

    def links_of(self, person: int) -> list[tuple[int, int]]:
        """(neighbour, strength) of every link of `person`."""
        first, last = self._span(person)
        return list(zip(self.neighbours[first:last].tolist(), self.scores[first:last].tolist(),
                        strict=True))  # fmt: skip

    def degree(self, person: int) -> int:
        first, last = self._span(person)
        return last - first


_cache: dict[str, Graph] = {}
_lock = threading.Lock()


def _key() -> tuple[Any, ...]:
    # Two subqueries, so that each maximum is read off the end of its index, not scanned for.
    table = Connection._meta.db_table
    with database.cursor() as cursor:
        cursor.execute(f"SELECT (SELECT MAX(updated_at) FROM {table}),"  # noqa: S608
                       f" (SELECT MAX(id) FROM {table})")  # fmt: skip
        changed, last = cursor.fetchone()
    return (database.alias, changed, last)


def _load(key: tuple[Any, ...]) -> Graph:
    if key[2] is None:  # no connection at all
        nothing = np.zeros(0, dtype=np.int64)
        return Graph(key, np.zeros(1, dtype=np.int64), nothing, nothing)
    table = Connection._meta.db_table
    with database.cursor() as cursor:
        cursor.execute(f"SELECT person_a_id, person_b_id, score FROM {table}")  # noqa: S608
        rows = np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 3)
    a, b, score = rows[:, 0], rows[:, 1], rows[:, 2]
    sources = np.concatenate([a, b])
    targets = np.concatenate([b, a])
    scores = np.concatenate([score, score]).astype(np.int16)
    targets = targets.astype(np.int32)
    order = np.argsort(sources, kind="stable")
    sources, targets, scores = sources[order], targets[order], scores[order]
    # Indexed by person id (ids are dense enough): a person's row is found without a search.
    counts = np.bincount(sources, minlength=int(sources.max()) + 1)
    starts = np.concatenate([[0], np.cumsum(counts)])
    return Graph(key, starts, targets, scores)


def current(*, again: bool = False) -> Graph:
    """The graph as the database holds it now, read again only after a change, or when asked
    `again`: a person's links are deleted with them, which leaves the key as it was."""
    key = _key()
    cached = _cache.get(database.alias)
    if not again and cached is not None and cached.key == key:
        return cached
    with _lock:
        cached = _cache.get(database.alias)
        if again or cached is None or cached.key != key:
            cached = _cache[database.alias] = _load(key)
    return cached
