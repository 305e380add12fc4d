"""Word search on SQLite: FTS5's bm25() over the stemmed index of migration 0002.

A filter is always checked on the best rows of the ranking (`ranking.first_allowed()`):
inside the word query, SQLite would evaluate it over the whole directory first.
"""

from __future__ import annotations

import json
from collections.abc import Hashable

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from accord.scouting.words import tuning
from accord.scouting.words.base import Word, WordIndex, WordScores
from accord.scouting.words.cache import VersionedView
from accord.scouting.words.ranking import Ranked

FTS = "scouting_organization_fts"
_VOCABULARY = "scouting_organization_vocab"  # fts5vocab over FTS (migration 0003)


def bm25_call() -> str:
    return f"bm25({FTS}, {', '.join(str(w) for w in tuning.COLUMN_WEIGHTS)})"


class SQLiteWordIndex(WordIndex):
    def version(self) -> Hashable:
        """FTS5's structure record, which every committed change to the index rewrites."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT block FROM {FTS}_data WHERE id = 10")  # noqa: S608
            row = cursor.fetchone()
        return bytes(row[0]) if row else b""

    def count_with(self, stem: str, text: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT doc FROM {_VOCABULARY} WHERE term = %s", [stem])  # noqa: S608
            row = cursor.fetchone()
        return row[0] if row else 0

    def scored(
        self, words: list[Word], n: int, within: QuerySet | None, seen: VersionedView
    ) -> Ranked:
        if within is not None:
            raise ValueError("SQLite checks a filter on the ranking's best rows")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {bm25_call()} AS rank "  # noqa: S608 - constants
                f"FROM {FTS} WHERE {FTS} MATCH %s ORDER BY rank LIMIT %s",
                [" OR ".join(w.phrase for w in words), n],
            )
            return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]

    def word_scores(self, word: Word, seen: VersionedView) -> WordScores:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, -{bm25_call()} FROM {FTS} WHERE {FTS} MATCH %s",  # noqa: S608
                [word.phrase],
            )
            rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
        return WordScores(ids=rows[:, 0].astype(np.int64), scores=rows[:, 1].copy())

    def directory_changed(self) -> None:
        """Nothing to do: FTS5 rewrites its structure record in the same commit."""

    def listed(self, ids: list[int]) -> RawSQL:
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
