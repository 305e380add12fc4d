"""Django's SQLite backend, plus a note a writer leaves before it asks for the write lock.

SQLite lets one connection at a time write. A long import writes in chunks and gives way
between them to the connections waiting for the lock; sleeping between chunks when nobody
waited cost it a sixth of its time. So every connection, before it starts to write, appends a
byte to a file beside the database (`<database>-writers`) unless one is already there, and
the import gives way only when it finds the file non-empty (`LockRequests`). A connection
marked `quiet_writer` (the import's own) leaves no note. An in-memory database has no file:
`LockRequests.of` answers None and the import gives way at every turn, as it always did.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3 import base

# Statements that take the write lock when run outside a transaction (BEGIN IMMEDIATE too).
_WRITES = ("BEGIN", "INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


def _leave_note(marker: Path) -> None:
    try:
        if os.stat(marker).st_size:
            return  # a note is already waiting to be read
    except FileNotFoundError:
        pass
    try:
        handle = os.open(marker, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return  # a read-only data directory: the import then sees no note, only the lock
    try:
        os.write(handle, b"w")
    finally:
        os.close(handle)


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    marker: Path | None = None

    def _before(self, query: str) -> None:
        if (
            self.marker is not None
            and not self.connection.in_transaction
            and query.lstrip()[:7].upper().startswith(_WRITES)
        ):
            _leave_note(self.marker)

    def execute(self, query: str, params: Any = None) -> Any:
        self._before(query)
        return super().execute(query, params)

    def executemany(self, query: str, param_list: Any) -> Any:
        self._before(query)
        return super().executemany(query, param_list)


class DatabaseWrapper(base.DatabaseWrapper):
    quiet_writer = False  # set by a writer that reads the notes instead of leaving them

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=SQLiteCursorWrapper)
        if not self.quiet_writer:
            cursor.marker = self.writers_marker()
        return cursor

    def writers_marker(self) -> Path | None:
        if self.is_in_memory_db():
            return None
        return Path(f"{self.settings_dict['NAME']}-writers")


def _wrapper(connection: BaseDatabaseWrapper) -> BaseDatabaseWrapper:
    """The connection itself where given `django.db.connection`, a proxy to it."""
    return connection if isinstance(connection, DatabaseWrapper) else connections[connection.alias]


class LockRequests:
    """Whether another connection asked to write since the last look."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker
        self.came()  # notes left before the first look belong to writers long done

    @classmethod
    def of(cls, connection: BaseDatabaseWrapper) -> LockRequests | None:
        """The requests to `connection`'s database, None where they cannot be seen."""
        wrapper = _wrapper(connection)
        marker = wrapper.writers_marker() if isinstance(wrapper, DatabaseWrapper) else None
        return cls(marker) if marker is not None else None

    def came(self) -> bool:
        try:
            if not os.stat(self.marker).st_size:
                return False
            os.truncate(self.marker, 0)
        except FileNotFoundError:
            return False
        return True


@contextmanager
def watching_lock_requests(connection: BaseDatabaseWrapper) -> Iterator[LockRequests | None]:
    """Inside, `connection` leaves no note and is given the notes the others leave."""
    requests = LockRequests.of(connection)
    wrapper = _wrapper(connection)
    if requests is None or not isinstance(wrapper, DatabaseWrapper):
        yield None
        return
    wrapper.quiet_writer = True
    try:
        yield requests
    finally:
        wrapper.quiet_writer = False
