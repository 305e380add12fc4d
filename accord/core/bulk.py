"""Many rows into one table with one `executemany`, returning their new ids in order.

`bulk_create` compiles its INSERT in Python for every batch of a few hundred rows and prepares
every value field by field, which cost an import more than the database's own work. Here the
caller gives the values in database form already (`db_value` converts the few field types
that need it), the statement is prepared once, and the ids are known without RETURNING.
Call it inside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

# Fields whose Python values the database driver does not take as they are.
_CONVERTED = (
    models.DateField,  # and DateTimeField
    models.TimeField,
    models.DecimalField,
    models.JSONField,
    models.UUIDField,
    models.DurationField,
)


def needs_conversion(field: models.Field[Any, Any]) -> bool:
    return isinstance(field, _CONVERTED)


def db_value(field: models.Field[Any, Any]) -> Callable[[Any], Any]:
    """The converter of a value of `field` to what the database driver takes."""
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert `rows` (values of the `columns` attnames, in database form); their ids, in order."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table = model._meta.db_table
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})",  # noqa: S608
                rows,
            )
            # The caller's transaction holds SQLite's one write lock, so the new ids follow
            # each other and end at the last one inserted.
            cursor.execute("SELECT last_insert_rowid()")
            last = cursor.fetchone()[0]
            return list(range(last - len(rows) + 1, last + 1))
        pk_column = model._meta.pk.column
        assert pk_column is not None  # a concrete primary key has its column
        pk = quote(pk_column)
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, pk_column, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        cursor.executemany(
            f"INSERT INTO {quote(table)} ({pk}, {names})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * (len(columns) + 1))})",
            [(pk_value, *row) for pk_value, row in zip(ids, rows, strict=True)],
        )
        return ids
