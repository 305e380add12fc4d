"""A writer leaves a note before it asks for SQLite's write lock, so that a long import gives
way between its chunks only when someone waits (accord/core/sqlite)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, connections

from accord.core.sqlite.base import DatabaseWrapper, LockRequests

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's single write lock only"
)


@pytest.fixture
def database(tmp_path: Path, django_db_blocker):
    """Two connections to one SQLite file of its own: the import's and another user's."""
    settings = {**connections["default"].settings_dict, "NAME": str(tmp_path / "shared.sqlite3")}
    importer, other = DatabaseWrapper(settings, alias="importer"), DatabaseWrapper(settings)
    with django_db_blocker.unblock():
        with other.cursor() as cursor:
            cursor.execute("CREATE TABLE item (name TEXT)")
        yield importer, other
        importer.close()
        other.close()


def test_a_write_by_another_connection_is_seen_once(database):
    importer, other = database
    requests = LockRequests.of(importer)
    assert requests is not None and not requests.came()
    with other.cursor() as cursor:
        cursor.execute("INSERT INTO item (name) VALUES (%s)", ["Quillvolt"])
    assert requests.came()
    assert not requests.came()


def test_a_transaction_leaves_its_note_when_it_begins(database):
    importer, other = database
    requests = LockRequests.of(importer)
    assert requests is not None
    other.set_autocommit(True)
    with other.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        assert requests.came()  # while it holds (or waits for) the lock
        cursor.execute("INSERT INTO item (name) VALUES (%s)", ["Quillvolt"])
        cursor.execute("COMMIT")
    assert not requests.came()  # its later statements inside the transaction add nothing


def test_reads_and_the_quiet_writer_leave_no_note(database):
    importer, other = database
    requests = LockRequests.of(importer)
    assert requests is not None
    with other.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM item")
    importer.quiet_writer = True
    with importer.cursor() as cursor:
        cursor.execute("INSERT INTO item (name) VALUES (%s)", ["Quillvolt"])
    assert not requests.came()


def test_an_in_memory_database_cannot_tell():
    settings = {**connections["default"].settings_dict, "NAME": ":memory:"}
    assert LockRequests.of(DatabaseWrapper(settings)) is None
