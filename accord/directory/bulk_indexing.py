"""Organizations inserted in bulk, indexed for word search in one pass (SQLite).

The FTS5 indexes over organizations are kept by triggers, one index insert per new row, and
that cost an import most of its write time; filling an index with one INSERT ... SELECT over
the new rows costs a fraction of it. Inside `deferred_indexing()` the insert triggers stand
aside (their WHEN clause sees the row of the `directory_bulk_insert` marker table), and on the
way out the rows inserted meanwhile are indexed: the directory's own index here, the others by
the receivers of `organizations_inserted`, then the marker row is deleted. All of it happens in
the caller's transaction, which on SQLite is the only writer, so nobody else ever sees the
marker and search is complete at every commit. An index whose trigger stood aside and that no
receiver filled fails the transaction rather than leaving search silently incomplete.

PostgreSQL keeps its indexes in the INSERT itself; there this does nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from accord.directory.signals import organizations_inserted

MARKER = "directory_bulk_insert"
INDEX = "directory_organization_fts"
COLUMNS = "name, one_liner, tag_names, city, description"


class Inserted:
    """The ids of the organizations inserted while the triggers stand aside."""

    def __init__(self) -> None:
        self.first: int | None = None
        self.last: int | None = None

    def add(self, ids: Iterable[int]) -> None:
        ids = list(ids)
        if ids:
            low, high = min(ids), max(ids)
            self.first = low if self.first is None else min(self.first, low)
            self.last = high if self.last is None else max(self.last, high)


def _deferred_indexes() -> set[str]:
    """The FTS tables whose insert trigger stands aside for the marker."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
            " AND tbl_name = 'directory_organization' AND sql LIKE %s",
            [f"%{MARKER}%"],
        )
        return {name.removesuffix("_insert") for (name,) in cursor.fetchall()}


@contextmanager
def deferred_indexing() -> Iterator[Inserted]:
    """Organizations inserted inside are indexed in one pass at the end (SQLite)."""
    inserted = Inserted()
    if connection.vendor != "sqlite":
        yield inserted
        return
    # No savepoint: one makes SQLite journal every page the inserts touch, which tripled their
    # cost; an error inside still rolls the marker back, with the caller's whole transaction.
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {MARKER} (marker) VALUES (1)")  # noqa: S608 - constant
        yield inserted
        if inserted.first is not None:
            bounds = [inserted.first, inserted.last]
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {INDEX} (rowid, {COLUMNS}) SELECT id, {COLUMNS}"  # noqa: S608
                    " FROM directory_organization WHERE id BETWEEN %s AND %s",
                    bounds,
                )
            filled = {INDEX}
            for _, index in organizations_inserted.send(
                sender=None, first_id=inserted.first, last_id=inserted.last
            ):
                if index:
                    filled.add(index)
            missing = _deferred_indexes() - filled
            if missing:
                raise RuntimeError(f"no one filled the index {', '.join(sorted(missing))}")
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {MARKER}")  # noqa: S608 - constant
