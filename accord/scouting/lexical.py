"""Word matching for scouting: BM25 over the stemmed full-text index (migration 0002).

Any query word may match (OR): a gap is written in sentences, and requiring every word would
find nothing. Name and one-liner/tags weigh more than the description. On SQLite, words found
in more than `COMMON_SHARE` of the organizations are left out of the query when rarer ones
remain: BM25 gives them little weight, yet scoring their postings is most of the query's cost
(measured: benchmarks/scouting.py).
"""

from __future__ import annotations

import time
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection

# bm25 weights of name, one_liner, tag_names, description (tuned on the dev set only).
SQLITE_WEIGHTS = (2.0, 1.5, 1.5, 1.0)
COMMON_SHARE = 0.05
COMMON_FLOOR = 5_000  # below this many organizations a word is never "common": all is cheap
_COUNT_TTL_SECONDS = 300.0
_document_count: dict[str, tuple[float, int]] = {}
# Must stay identical to migration 0002's expression for the GIN index to be used.
PG_DOCUMENT = (
    "(setweight(to_tsvector('english', coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(one_liner, '') || ' ' || "
    "coalesce(tag_names, '')), 'B') || "
    "setweight(to_tsvector('english', coalesce(description, '')), 'C'))"
)


def search(
    terms: list[str], k: int, *, within: tuple[str, list] | None = None
) -> list[tuple[int, float]]:
    """The `k` best (organization id, score) for any of `terms`, best first; higher is better.

    `within` is an SQL subquery (with its parameters) selecting the organization ids allowed.
    """
    if not terms or k <= 0:
        return []
    if connection.vendor == "postgresql":
        return _postgres(terms, k, within)
    return _sqlite(terms, k, within)


@lru_cache(maxsize=1)
def _porter() -> Any:
    return snowballstemmer.stemmer("porter")  # the algorithm of FTS5's porter tokenizer


def informative_terms(terms: list[str]) -> list[str]:
    """`terms` without those in more than COMMON_SHARE of the organizations (and more than
    COMMON_FLOOR), unless nothing rarer would remain."""
    stems = {term: _porter().stemWord(term) for term in terms}
    distinct = sorted(set(stems.values()))
    with connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(distinct))
        cursor.execute(
            f"SELECT term, doc FROM scouting_organization_vocab WHERE term IN ({marks})",  # noqa: S608
            distinct,
        )
        frequency = dict(cursor.fetchall())
    limit = max(COMMON_SHARE * document_count(), COMMON_FLOOR)
    kept = [t for t in terms if frequency.get(stems[t], 0) <= limit]
    return kept or terms


def document_count() -> int:
    """Organizations in the directory, counted again after a change or every few minutes
    (a count scans the table: ~10 ms at a million)."""
    key = connection.settings_dict["NAME"]
    counted_at, count = _document_count.get(key, (0.0, 0))
    if time.monotonic() - counted_at > _COUNT_TTL_SECONDS or count == 0:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM directory_organization")
            count = cursor.fetchone()[0]
        _document_count[key] = (time.monotonic(), count)
    return count


def forget_document_count() -> None:
    _document_count.clear()


def _sqlite(terms: list[str], k: int, within: tuple[str, list] | None) -> list[tuple[int, float]]:
    match = " OR ".join(f'"{term}"' for term in informative_terms(terms))
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    sql = (
        f"SELECT rowid, bm25(scouting_organization_fts, {weights}) AS rank "  # noqa: S608 - constants
        "FROM scouting_organization_fts WHERE scouting_organization_fts MATCH %s"
    )
    params: list = [match]
    if within is not None:
        sql += f" AND rowid IN ({within[0]})"
        params += list(within[1])
    sql += " ORDER BY rank LIMIT %s"
    params.append(k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]


def _postgres(terms: list[str], k: int, within: tuple[str, list] | None) -> list[tuple[int, float]]:
    query = " | ".join(terms)  # terms are letters and digits only, so no tsquery syntax
    sql = (
        f"SELECT id, ts_rank_cd({PG_DOCUMENT}, q) AS rank "  # noqa: S608 - constants
        "FROM directory_organization, to_tsquery('english', %s) q "
        f"WHERE {PG_DOCUMENT} @@ q"
    )
    params: list = [query]
    if within is not None:
        sql += f" AND id IN ({within[0]})"
        params += list(within[1])
    sql += " ORDER BY rank DESC, id LIMIT %s"
    params.append(k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]
