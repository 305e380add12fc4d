"""Imported organizations are found by word search as soon as the import says it is done."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection

from accord.directory import services
from accord.directory.importing import engine
from accord.directory.importing.engine import ImportOptions, import_file
from accord.directory.models import Organization
from accord.directory.search import search_organizations
from accord.directory.signals import organizations_inserted
from accord.scouting import signals as scouting_signals

HEADER = "name,kind,country,city,website,founded_year,one_liner,tags\n"
ROWS = "".join(
    f"Cell Maker {n},startup,DE,Berlin,cell{n}.example,2020,Batteries for buses,energy\n"
    for n in range(5)
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's FTS5 indexes")


def import_in_chunks(tmp_path: Path, actor, monkeypatch, text: str = HEADER + ROWS):
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "leave_room", lambda: None)
    path = tmp_path / "orgs.csv"
    path.write_text(text, encoding="utf-8")
    return import_file(path, actor=actor, options=ImportOptions())


def stemmed_matches(word: str) -> set[int]:
    """Ids the scouting (stemmed) index finds for `word`."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT rowid FROM scouting_organization_fts WHERE scouting_organization_fts"
                " MATCH %s",
                [word],
            )
        else:
            cursor.execute(
                "SELECT id FROM directory_organization"
                " WHERE scouting_document @@ plainto_tsquery('english', %s)",
                [word],
            )
        return {row[0] for row in cursor.fetchall()}


def check_sqlite_indexes() -> None:
    """FTS5's own check that each index holds exactly what its content table says."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for index in ("directory_organization_fts", "scouting_organization_fts"):
            cursor.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_an_import_is_found_by_both_word_searches_when_it_is_done(
    tmp_path, admin_user, monkeypatch
):
    result = import_in_chunks(tmp_path, admin_user, monkeypatch)
    assert (result.written, result.created) == (True, 5)
    ids = set(Organization.objects.values_list("id", flat=True))
    found = search_organizations(Organization.objects.all(), "cell maker")
    assert set(found.values_list("id", flat=True)) == ids
    assert stemmed_matches("battery") == ids  # stemmed: "Batteries" is found by "battery"
    check_sqlite_indexes()


@pytest.mark.django_db(transaction=True)
def test_an_organization_saved_after_an_import_is_indexed_as_before(
    tmp_path, admin_user, monkeypatch
):
    import_in_chunks(tmp_path, admin_user, monkeypatch)
    later = services.organization_create(
        actor=admin_user, data={"name": "Late Battery Works", "kind": "startup"}
    )
    assert later.pk in stemmed_matches("battery")
    found = search_organizations(Organization.objects.all(), "late")
    assert list(found.values_list("id", flat=True)) == [later.pk]
    check_sqlite_indexes()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_import_whose_stemmed_index_nobody_fills_writes_nothing(
    tmp_path, admin_user, monkeypatch
):
    """Search is never silently incomplete: a chunk whose index was not filled rolls back."""
    organizations_inserted.disconnect(scouting_signals._index_inserted)
    try:
        with pytest.raises(RuntimeError, match="scouting_organization_fts"):
            import_in_chunks(tmp_path, admin_user, monkeypatch)
    finally:
        organizations_inserted.connect(scouting_signals._index_inserted)
    assert not Organization.objects.exists()
    later = services.organization_create(
        actor=admin_user, data={"name": "Late Battery Works", "kind": "startup"}
    )
    assert stemmed_matches("battery") == {later.pk}
    check_sqlite_indexes()
