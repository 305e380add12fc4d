"""Word search for scouting: BM25 over the directory's stemmed full-text index.

`search()` is what matching calls. Each database has its own `WordIndex` (sqlite.py,
postgresql.py; the interface and the search they share in base.py), remembering counts and
word scores in one versioned cache (cache.py). Tuning constants: tuning.py. How it works and
what it costs: docs/word-search.md.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from accord.scouting.words.base import Word, WordIndex, fts5_stem
from accord.scouting.words.cache import CACHE
from accord.scouting.words.postgresql import PostgreSQLWordIndex
from accord.scouting.words.ranking import Ranked
from accord.scouting.words.sqlite import SQLiteWordIndex

__all__ = [
    "Word",
    "WordIndex",
    "current",
    "directory_changed",
    "document_count",
    "forget",
    "fts5_stem",
    "informative",
    "informative_terms",
    "search",
    "vocabulary",
]

_INDEXES: dict[str, WordIndex] = {
    "sqlite": SQLiteWordIndex(),
    "postgresql": PostgreSQLWordIndex(),
}


def current() -> WordIndex:
    """The word index of the database Django is connected to."""
    return _INDEXES[connection.vendor]


def search(terms: list[str], k: int, *, within: QuerySet | None = None) -> Ranked:
    """The `k` best (organization id, score) for any of `terms`, best first; higher is better.
    `within` holds the organizations allowed (a filter), unordered."""
    return current().search(terms, k, within)


def vocabulary(terms: list[str]) -> list[Word]:
    """The distinct words of `terms` (one per stem, first kept) with their document counts."""
    index = current()
    return index.vocabulary(terms, index.seen())


def informative(words: list[Word]) -> list[Word]:
    """`words` without the common ones, unless nothing rarer would remain."""
    index = current()
    return index.informative(words, index.seen())


def informative_terms(terms: list[str]) -> list[str]:
    index = current()
    seen = index.seen()
    return [w.text for w in index.informative(index.vocabulary(terms, seen), seen)]


def document_count() -> int:
    """Organizations in the directory, counted again after a change."""
    index = current()
    return index.document_count(index.seen())


def directory_changed() -> None:
    """Tell every process that organizations changed, once the change is committed: on
    SQLite FTS5 rewrites its structure record in the same commit; PostgreSQL advances a
    change marker."""
    current().directory_changed()


def forget() -> None:
    """Forget every remembered count and score: the directory changed in this process."""
    CACHE.clear()
