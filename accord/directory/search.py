"""Full-text search over organizations: SQLite FTS5 or PostgreSQL text search, same contract.

Both index name, one-liner, tags, city and description (see migration 0002). Each word of the
query must match, as a word prefix, so "robot insp" finds "Robotic inspection".
"""

from __future__ import annotations

import re

from django.db import connection, models
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_WORDS = 12

PG_DOCUMENT = (
    "to_tsvector('simple', coalesce(directory_organization.name, '') || ' ' || "
    "coalesce(directory_organization.one_liner, '') || ' ' || "
    "coalesce(directory_organization.tag_names, '') || ' ' || "
    "coalesce(directory_organization.city, '') || ' ' || "
    "coalesce(directory_organization.description, ''))"
)


def query_words(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:MAX_WORDS]


def search_organizations(qs: models.QuerySet, text: str, *, rank: bool = False) -> models.QuerySet:
    """Organizations of `qs` matching every word of `text`; ranked best first when `rank`."""
    words = query_words(text)
    if not words:
        return qs
    if connection.vendor == "postgresql":
        tsquery = " & ".join(f"{w}:*" for w in words)
        matches = RawSQL(  # noqa: S611 - constant SQL, the query is a parameter
            f"{PG_DOCUMENT} @@ to_tsquery('simple', %s)", [tsquery], output_field=BooleanField()
        )
        qs = qs.filter(matches)
        if rank:
            qs = qs.annotate(
                search_rank=RawSQL(  # noqa: S611 - constant SQL, the query is a parameter
                    f"ts_rank({PG_DOCUMENT}, to_tsquery('simple', %s))", [tsquery]
                )
            ).order_by("-search_rank", "name")
        return qs
    match = " ".join(f'"{w}"*' for w in words)
    hits = RawSQL(
        "SELECT rowid FROM directory_organization_fts WHERE directory_organization_fts MATCH %s",
        [match],
    )
    qs = qs.filter(pk__in=hits)
    if rank:
        qs = qs.annotate(
            search_rank=RawSQL(
                "(SELECT bm25(directory_organization_fts) FROM directory_organization_fts"
                " WHERE directory_organization_fts MATCH %s"
                " AND directory_organization_fts.rowid = directory_organization.id)",
                [match],
            )
        ).order_by("search_rank", "name")
    return qs
