"""Word search on PostgreSQL: BM25 as FTS5 computes it, over the stored `scouting_document`
tsvector (migration 0004).

ts_rank_cd() of a single word with normalization 0 is the sum of its occurrences' class
weights (A name, B one-liner and tags, C description): the weighted term frequency. A
document's length is its count of distinct stems. ts_rank_cd() over all the words alone has
no IDF, so common words outweighed rare ones; bm25.py adds it.

PostgreSQL plans a filter well, and each check of a window of best rows is a random read of
the table, so a filter its planner expects to allow few organizations (`_narrow()`) goes
into the one query when the words match many rows.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import numpy as np
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from accord.scouting.words import bm25, tuning
from accord.scouting.words.base import Word, WordIndex, WordScores
from accord.scouting.words.cache import VersionedView
from accord.scouting.words.ranking import Ranked

_CHANGES = "scouting_directory_changes"  # the change marker's sequence (migration 0005)
_MATCHES = "scouting_document @@ plainto_tsquery('english', %s)"
# ts_rank_cd()'s weights of classes D (unused), C, B, A: the column weights halved, as it
# takes at most 1; the frequency is doubled back. Class B holds the one-liner and the tags,
# which weigh the same.
_NAME, _ONE_LINER, _TAGS, _DESCRIPTION = tuning.COLUMN_WEIGHTS
_CLASS_WEIGHTS = f"'{{0.05, {_DESCRIPTION / 2}, {_ONE_LINER / 2}, {_NAME / 2}}}'"
_FREQUENCY = (
    f"2 * ts_rank_cd({_CLASS_WEIGHTS}, scouting_document, plainto_tsquery('english', %s), 0)"
)


class PostgreSQLWordIndex(WordIndex):
    def version(self) -> Hashable:
        """The change marker directory_changed() advances, with the table's row estimate,
        which ANALYZE moves with the word estimates of count_with()."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT last_value, is_called, (SELECT reltuples FROM pg_class "  # noqa: S608
                f"WHERE oid = 'directory_organization'::regclass) FROM {_CHANGES}"
            )
            return cursor.fetchone()

    def directory_changed(self) -> None:
        """A process reading the new marker then reads the new rows too."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [_CHANGES])

    def count_with(self, stem: str, text: str) -> int:
        """Counted by walking the word's postings, unless the planner's estimate (from
        ANALYZE's statistics of the commonest words) is above COUNTED_ROWS_LIMIT."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"EXPLAIN (FORMAT JSON) SELECT 1 FROM directory_organization WHERE {_MATCHES}",  # noqa: S608
                [text],
            )
            estimate = _planned_rows(cursor.fetchone()[0])
            if estimate > tuning.COUNTED_ROWS_LIMIT:
                return estimate
            sql = f"SELECT count(*) FROM directory_organization WHERE {_MATCHES}"  # noqa: S608
            cursor.execute(sql, [text])
            return cursor.fetchone()[0]

    def search_remembered(
        self, words: list[Word], k: int, within: QuerySet | None, seen: VersionedView
    ) -> Ranked:
        if within is not None and self._narrow(within, seen):
            return self.scored(words, k, within, seen)
        return super().search_remembered(words, k, within, seen)

    def _narrow(self, within: QuerySet, seen: VersionedView) -> bool:
        """Whether the planner expects `within` to allow at most NARROW_FILTER_SHARE of the
        directory: scoring the matching rows it allows in one query is then faster than
        checking the best rows of the whole ranking against it."""
        limit = tuning.NARROW_FILTER_SHARE * self.document_count(seen)
        return _planned_rows(within.explain(format="json")) <= limit

    def scored(
        self, words: list[Word], n: int, within: QuerySet | None, seen: VersionedView
    ) -> Ranked:
        rows, average = self.document_count(seen), self._average_length(seen)
        frequencies, terms, params = [], [], []
        for i, word in enumerate(words):
            idf = bm25.idf(word.documents, rows)
            sql, term_params = bm25.term_sql(f"f{i}", "size", idf, average)
            terms.append(sql)
            params += term_params
            frequencies.append(f"{_FREQUENCY} AS f{i}")
        params += [word.text for word in words]
        sql = (
            f"SELECT id, {' + '.join(terms)} AS rank FROM ("  # noqa: S608 - built from constants
            f"SELECT id, length(scouting_document) AS size, {', '.join(frequencies)} "
            "FROM directory_organization WHERE scouting_document @@ to_tsquery('english', %s)"
        )
        # Query words are letters and digits only, so no tsquery syntax.
        params.append(" | ".join(w.text for w in words))
        if within is not None:
            allowed, allowed_params = within.values("pk").query.sql_with_params()
            sql += f" AND id IN ({allowed})"
            params += list(allowed_params)
        sql += ") AS matched ORDER BY rank DESC, id LIMIT %s"
        params.append(n)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]

    def word_scores(self, word: Word, seen: VersionedView) -> WordScores:
        rows, average = self.document_count(seen), self._average_length(seen)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, length(scouting_document), {_FREQUENCY} "  # noqa: S608
                f"FROM directory_organization WHERE {_MATCHES}",
                [word.text, word.text],
            )
            found = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 3)
        idf = bm25.idf(word.documents, rows)
        # float64 holds ts_rank_cd()'s float4 exactly, and sizes stay integers as in SQL.
        scores = bm25.term(idf, found[:, 2].copy(), found[:, 1].astype(np.int64), average)
        return WordScores(ids=found[:, 0].astype(np.int64), scores=scores)

    def listed(self, ids: list[int]) -> RawSQL:
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])

    def _average_length(self, seen: VersionedView) -> int:
        """Distinct stems per organization on average."""

        def average() -> int:
            with connection.cursor() as cursor:
                cursor.execute("SELECT avg(length(scouting_document)) FROM directory_organization")
                value = cursor.fetchone()[0]
            return max(round(float(value or 1.0)), 1)

        return seen.get("average length", average)


def _planned_rows(plan: Any) -> int:
    """The rows PostgreSQL's planner expects, from its plan in JSON (text or parsed)."""
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])
