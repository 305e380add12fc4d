"""The stemmed word index filled in one pass for organizations inserted in bulk (SQLite)."""

from __future__ import annotations

from django.db import connection

INDEX = "scouting_organization_fts"
COLUMNS = "name, one_liner, tag_names, description"


def index_inserted(first_id: int, last_id: int) -> str:
    """Index the organizations with ids from `first_id` to `last_id`; the index's name."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {INDEX} (rowid, {COLUMNS}) SELECT id, {COLUMNS}"  # noqa: S608
            " FROM directory_organization WHERE id BETWEEN %s AND %s",
            [first_id, last_id],
        )
    return INDEX
