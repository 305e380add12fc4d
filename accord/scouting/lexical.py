"""Word matching for scouting: BM25 over the stemmed full-text index (migration 0002).

Any query word may match (OR): a gap is written in sentences, and requiring every word would
find nothing. Name and one-liner/tags weigh more than the description.
"""

from __future__ import annotations

from django.db import connection

# bm25 weights of name, one_liner, tag_names, description (tuned on the dev set only).
SQLITE_WEIGHTS = (2.0, 1.5, 1.5, 1.0)
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


def _sqlite(terms: list[str], k: int, within: tuple[str, list] | None) -> list[tuple[int, float]]:
    match = " OR ".join(f'"{term}"' for term in terms)
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
