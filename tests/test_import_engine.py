"""The import engine: every bad input is reported by row and column, and nothing is written."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from accord.core.models import AuditEvent
from accord.directory import services
from accord.directory.exporting import ORGANIZATION_COLUMNS, export_rows
from accord.directory.importing.engine import ImportOptions, import_file
from accord.directory.importing.errors import ImportUsageError
from accord.directory.models import ExternalId, Organization, Person, Tag
from accord.directory.selectors import organization_list

pytestmark = pytest.mark.django_db
HEADER = "name,kind,country,city,website,founded_year,tags\n"


def write(tmp_path: Path, text: str, name: str = "orgs.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def run(path: Path, actor, **options):
    return import_file(path, actor=actor, options=ImportOptions(**options))


def only_error(result):
    assert len(result.errors) == 1, result.errors
    return result.errors[0]


def assert_nothing_written(before: int = 0) -> None:
    assert Organization.objects.count() == before
    assert not AuditEvent.objects.filter(channel="import").exists()


def test_valid_rows_are_created_with_tags_normalized_fields_and_one_audit_event_each(
    tmp_path, admin_user
):
    path = write(
        tmp_path,
        HEADER + "Acme Robotics GmbH,startup,Germany,Berlin,acme.example,2019,robotics|ai\n"
        "Beta Labs,Corporate,FR,Paris,https://www.beta.example/about,1990,ai\n",
    )
    result = run(path, admin_user)
    assert (result.created, result.updated, result.errors) == (2, 0, [])
    acme = Organization.objects.get(name="Acme Robotics GmbH")
    assert (acme.country, acme.normalized_name, acme.domain) == (
        "DE",
        "acme robotics",
        "acme.example",
    )
    assert acme.website == "https://acme.example"
    assert acme.tag_names == "ai robotics"
    assert sorted(t.name for t in acme.tags.all()) == ["ai", "robotics"]
    assert Organization.objects.get(name="Beta Labs").kind == "corporate"
    assert Tag.objects.count() == 2
    event = AuditEvent.objects.get(model="directory.organization", object_id=str(acme.pk))
    assert (event.channel, event.actor, event.action) == ("import", admin_user, "create")
    assert event.changes["name"] == [None, "Acme Robotics GmbH"]
    assert event.changes["tags"] == [None, ["ai", "robotics"]]


def test_every_bad_row_is_reported_by_row_and_column_and_nothing_is_written(tmp_path, admin_user):
    path = write(
        tmp_path,
        HEADER + "Good One,startup,DE,,,,\n"
        "Bad Year,startup,DE,,,abc,\n"
        "Old,startup,DE,,,999,\n"
        "Nowhere,startup,Atlantis,,,,\n"
        ",startup,DE,,,,\n"
        f"{'x' * 201},startup,DE,,,,\n"
        "Bad Site,startup,DE,,not a url,,\n"
        "Bad Kind,spaceship,DE,,,,\n",
    )
    result = run(path, admin_user)
    found = {(e.row, e.column): e.message for e in result.errors}
    assert found.keys() == {
        (3, "founded_year"),
        (4, "founded_year"),
        (5, "country"),
        (6, "name"),
        (7, "name"),
        (8, "website"),
        (9, "kind"),
    }
    assert "not a year" in found[(3, "founded_year")]
    assert "out of range" in found[(4, "founded_year")]
    assert "Atlantis" in found[(5, "country")]
    assert "required" in found[(6, "name")]
    assert "too long" in found[(7, "name")]
    assert found[(9, "kind")].startswith("“spaceship” is not a kind (startup, scale-up, corporate")
    assert "scaleup" not in found[(9, "kind")]  # choices by their labels, not stored codes
    assert "row 3" in str(result.errors[0]) and "founded_year" in str(result.errors[0])
    assert not result.written
    assert_nothing_written()


def test_skip_invalid_writes_the_valid_rows_only(tmp_path, admin_user):
    path = write(tmp_path, HEADER + "Good One,startup,DE,,,,\nBad Year,startup,DE,,,abc,\n")
    result = run(path, admin_user, skip_invalid=True)
    assert result.written and result.created == 1 and result.refused_rows == 1
    assert list(Organization.objects.values_list("name", flat=True)) == ["Good One"]


def test_dry_run_counts_but_writes_nothing(tmp_path, admin_user):
    result = run(write(tmp_path, HEADER + "Good One,startup,DE,,,,\n"), admin_user, dry_run=True)
    assert result.created == 1 and not result.written
    assert_nothing_written()


def test_kind_labels_and_values_are_accepted_case_insensitively(tmp_path, admin_user):
    path = write(tmp_path, "name,kind\nA,Research Institute\nB,SCALE-UP\nC,government\n")
    run(path, admin_user)
    kinds = dict(Organization.objects.values_list("name", "kind"))
    assert kinds == {"A": "research", "B": "scaleup", "C": "government"}


def test_csv_with_an_unterminated_quote_is_refused_naming_the_row(tmp_path, admin_user):
    path = write(tmp_path, HEADER + 'Good,startup,DE,,,,\n"Broken,startup,DE,,,,\n')
    error = only_error(run(path, admin_user))
    assert error.row == 3 and "not well-formed CSV" in error.message
    assert_nothing_written()


def test_truncated_row_names_the_first_missing_column(tmp_path, admin_user):
    path = write(tmp_path, HEADER + "Good,startup,DE,,,,\nCut,startup")
    error = only_error(run(path, admin_user))
    assert (error.row, error.column) == (3, "country")
    assert "truncated" in error.message
    assert_nothing_written()


def test_xlsx_that_is_not_a_zip_is_refused(tmp_path, admin_user):
    error = only_error(run(write(tmp_path, "name\nAcme\n", "fake.xlsx"), admin_user))
    assert "not a zip" in error.message
    assert_nothing_written()


def test_xlsx_is_read_with_numbers_as_text(tmp_path, admin_user):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Company", "Country", "Founded"])
    sheet.append(["Gamma Sensors", "Italy", 2011])
    workbook.save(tmp_path / "orgs.xlsx")
    result = run(tmp_path / "orgs.xlsx", admin_user, columns={"Founded": "founded_year"})
    assert result.created == 1, result.errors
    gamma = Organization.objects.get()
    assert (gamma.name, gamma.country, gamma.founded_year) == ("Gamma Sensors", "IT", 2011)


def test_invalid_json_on_a_jsonl_line_is_reported_by_line(tmp_path, admin_user):
    lines = [json.dumps({"name": "Good", "country": "DE"}), '{"name": "Bad', "[1, 2]"]
    result = run(write(tmp_path, "\n".join(lines), "orgs.jsonl"), admin_user)
    assert [(e.row, "JSON" in e.message or "object" in e.message) for e in result.errors] == [
        (2, True),
        (3, True),
    ]
    assert_nothing_written()


def test_jsonl_lists_become_tags(tmp_path, admin_user):
    line = json.dumps({"name": "Delta", "tags": ["space", "energy"], "founded_year": 2001})
    assert run(write(tmp_path, line + "\n", "orgs.jsonl"), admin_user).created == 1
    assert Organization.objects.get().tag_names == "energy space"


def test_latin1_csv_is_detected_and_decoded(tmp_path, admin_user):
    text = "name;city;country\nSociété Générale Études;Zürich;CH\nÉcole Supérieure;Genève;CH\n"
    result = run(write(tmp_path, text, encoding="latin-1"), admin_user)
    assert result.created == 2, result.errors
    assert Organization.objects.filter(name="Société Générale Études", city="Zürich").exists()


def test_given_encoding_that_does_not_fit_is_refused(tmp_path, admin_user):
    path = write(tmp_path, "name\n\u4e2d\u6587\n", encoding="utf-8")
    error = only_error(run(path, admin_user, encoding="ascii"))
    assert "not valid ascii" in error.message
    assert_nothing_written()


def test_binary_garbage_is_refused_clearly(tmp_path, admin_user):
    path = tmp_path / "orgs.csv"
    path.write_bytes(bytes(range(256)) * 40)
    result = run(path, admin_user)
    assert result.errors and not result.written
    assert_nothing_written()


@override_settings(UPLOAD_LIMIT_BYTES=100)
def test_file_over_the_upload_limit_is_refused(tmp_path, admin_user):
    path = write(tmp_path, HEADER + "Acme,startup,DE,,,,\n" * 20)
    error = only_error(run(path, admin_user))
    assert "over the limit" in error.message
    assert_nothing_written()


def test_same_external_id_twice_in_one_file_is_refused(tmp_path, admin_user):
    path = write(tmp_path, "id,name\n7,Acme\n7,Acme Two\n")
    error = only_error(run(path, admin_user, source="crm"))
    assert (error.row, error.column) == (3, "id") and "row 2" in error.message
    assert_nothing_written()


def test_same_name_and_domain_twice_in_one_file_is_refused(tmp_path, admin_user):
    path = write(tmp_path, "name,website\nAcme Inc,acme.example\nACME,https://www.acme.example\n")
    error = only_error(run(path, admin_user))
    assert (error.row, error.column) == (3, "name") and "row 2" in error.message
    assert_nothing_written()


def test_formula_payload_is_stored_as_text_and_exported_escaped(tmp_path, admin_user):
    payload = '=HYPERLINK("http://evil.example","click")'
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["name"])
    csv.writer(buffer).writerow([payload])
    assert run(write(tmp_path, buffer.getvalue()), admin_user).created == 1
    stored = organization_list(admin_user).qs.get()
    assert stored.name == payload
    exported = list(export_rows([stored], ORGANIZATION_COLUMNS))
    out = io.StringIO()
    csv.writer(out).writerows(exported)
    assert "'=HYPERLINK(" in out.getvalue()


def test_script_payload_is_stored_as_text_and_shown_escaped(tmp_path, admin_user, admin_client):
    path = write(tmp_path, "name\n<script>alert(1)</script>\n")
    assert run(path, admin_user).created == 1
    stored = Organization.objects.get()
    assert stored.name == "<script>alert(1)</script>"
    page = admin_client.get(stored.get_absolute_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_reimport_with_a_source_updates_instead_of_duplicating(tmp_path, admin_user):
    first = write(tmp_path, "id,name,city\n1,Acme,Berlin\n2,Beta,Paris\n")
    assert run(first, admin_user, source="crm").created == 2
    again = run(first, admin_user, source="crm")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = write(tmp_path, "id,name,city\n1,Acme,Munich\n2,Beta,Paris\n", "changed.csv")
    result = run(changed, admin_user, source="crm")
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Organization.objects.count() == 2
    acme = Organization.objects.get(name="Acme")
    assert acme.city == "Munich"
    # A new version only where something changed: an edit loaded before it is refused.
    assert (acme.version, Organization.objects.get(name="Beta").version) == (1, 0)
    assert ExternalId.objects.get(organization=acme).value == "1"
    update = AuditEvent.objects.get(object_id=str(acme.pk), action="update")
    assert update.changes == {"city": ["Berlin", "Munich"]}


def test_reimport_without_a_source_matches_by_name_and_domain(tmp_path, admin_user):
    path = write(tmp_path, "name,website\nAcme,acme.example\n")
    run(path, admin_user)
    again = run(path, admin_user)
    assert (again.created, again.unchanged) == (0, 1)
    assert Organization.objects.count() == 1


def test_possible_duplicates_name_the_row_the_existing_organization_and_why(
    tmp_path, admin_user, org_a
):
    services.organization_create(
        actor=admin_user, data={"name": "Other Co", "website": "https://other.example"}
    )
    path = write(
        tmp_path,
        "name,website\nAlpha Robotics Inc.,alpha-new.example\nNew Name,other.example\n"
        "Alpha Robotic,\n",
    )
    result = run(path, admin_user, dry_run=True)
    found = {(d.row, d.reason.split(" (")[0], d.existing_name, d.other_row) for d in
             result.possible_duplicates}  # fmt: skip
    assert (2, "same normalized name", "Alpha Robotics", None) in found
    assert (3, "same web domain", "Other Co", None) in found
    assert (4, "similar name", "Alpha Robotics", None) in found
    assert (4, "similar name", None, 2) in found
    assert next(d for d in result.possible_duplicates if d.row == 2).existing_id == org_a.pk


def test_unknown_mapped_field_is_a_usage_error_listing_valid_fields(tmp_path, admin_user):
    with pytest.raises(ImportUsageError, match=r"unknown field 'colour'.*name.*country"):
        run(write(tmp_path, "name\nAcme\n"), admin_user, columns={"name": "colour"})
    assert_nothing_written()


def test_people_are_linked_to_organizations_by_name_id_or_external_id(
    tmp_path, admin_user, org_a, org_b
):
    services.external_id_set(organization=org_b, source="crm", value="B-1")
    path = write(
        tmp_path,
        "first_name,last_name,email,organization,relation,is_internal,title\n"
        f"Ada,Lovelace,ADA@alpha.example,alpha robotics,board member,no,Chair\n"
        f"Bob,Builder,bob@beta.example,crm:B-1,employee,yes,CTO\n"
        f"Cy,Clone,cy@alpha.example,{org_a.pk},advisor,,\n",
        "people.csv",
    )
    result = run(path, admin_user, kind="people")
    assert result.created == 3, result.errors
    ada = Person.objects.get(full_name="Ada Lovelace")
    assert (ada.organization, ada.email, ada.relation) == (org_a, "ada@alpha.example", "board")
    bob = Person.objects.get(email="bob@beta.example")
    assert bob.organization == org_b and bob.is_internal
    assert Person.objects.get(full_name="Cy Clone").organization == org_a


def test_people_errors_name_row_and_column_and_nothing_is_written(tmp_path, admin_user, org_a):
    path = write(
        tmp_path,
        "full_name,email,organization,is_internal\n"
        "Ok Person,ok@example.com,Alpha Robotics,no\n"
        "Bad Mail,not-an-email,,\n"
        "No Org,no@example.com,Nonexistent Ltd,\n"
        "Twice,ok@example.com,,\n"
        ",x@example.com,,maybe\n",
        "people.csv",
    )
    result = run(path, admin_user, kind="people")
    assert {(e.row, e.column) for e in result.errors} == {
        (3, "email"),
        (4, "organization"),
        (5, "email"),
        (6, "full_name"),
        (6, "is_internal"),
    }
    assert not Person.objects.exists()


def test_people_reimport_matches_by_email_and_flags_similar_names(tmp_path, admin_user):
    path = write(tmp_path, "full_name,email,title\nAda Lovelace,ada@example.com,Chair\n", "p.csv")
    run(path, admin_user, kind="people")
    again = write(tmp_path, "full_name,email,title\nAda Lovelace,ada@example.com,CEO\n", "p2.csv")
    result = run(again, admin_user, kind="people")
    assert (result.created, result.updated) == (0, 1)
    assert Person.objects.get().title == "CEO"
    other = write(tmp_path, "full_name,email\nAda Lovelace,ada@other.example\n", "p3.csv")
    dups = run(other, admin_user, kind="people", dry_run=True).possible_duplicates
    assert [d.reason for d in dups] == ["same normalized name"]


# Chunked writes are SQLite's: PostgreSQL writes an import in one transaction, its readers and
# other writers never waiting on it.
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="imports are written in chunks on SQLite only"
)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_long_import_commits_in_chunks_and_holds_no_lock_between_them(
    tmp_path, admin_user, monkeypatch
):
    """On SQLite one writer at a time holds the whole database: every other save waits for an
    import written in one transaction, and fails once the wait passes the busy timeout."""
    from django.db import connection

    from accord.directory.importing import engine

    between: list[tuple[bool, int]] = []
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2, raising=False)
    monkeypatch.setattr(engine, "HOLD_SECONDS", 0)
    monkeypatch.setattr(
        engine,
        "leave_room",
        lambda: between.append((connection.in_atomic_block, Organization.objects.count())),
        raising=False,
    )
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,,2020,robotics\n" for n in range(5))
    result = run(write(tmp_path, HEADER + rows), admin_user)
    assert result.written and result.created == 5
    assert between == [(False, 2), (False, 4)]
    assert Organization.objects.count() == 5
    assert AuditEvent.objects.filter(channel="import", action="create").count() == 6  # + tag
    assert Tag.objects.filter(name="robotics").count() == 1


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_chunks_written_faster_than_the_hold_time_are_not_paused_between(
    tmp_path, admin_user, monkeypatch
):
    """A pause after every chunk of a fast import cost it half its time; others wait at most
    the hold time for the lock."""
    from accord.directory.importing import engine

    pauses: list[int] = []
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "HOLD_SECONDS", 60)
    monkeypatch.setattr(engine, "leave_room", lambda: pauses.append(1))
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,,2020,robotics\n" for n in range(5))
    result = run(write(tmp_path, HEADER + rows), admin_user)
    assert (result.written, result.created, pauses) == (True, 5, [])


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_import_gives_way_between_chunks_only_after_another_writer_asked(
    tmp_path, admin_user, monkeypatch
):
    """Pauses when nobody waited cost a large import a sixth of its time."""
    from accord.core.sqlite.base import LockRequests
    from accord.directory.importing import engine

    marker = tmp_path / "accord.sqlite3-writers"
    monkeypatch.setattr(LockRequests, "of", classmethod(lambda cls, _: LockRequests(marker)))
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "HOLD_SECONDS", 0)
    pauses: list[int] = []
    monkeypatch.setattr(engine, "leave_room", lambda: pauses.append(Organization.objects.count()))
    real_apply, chunks = engine.apply_plan, []

    def apply_then_someone_asks(plan, **kwargs):
        real_apply(plan, **kwargs)
        chunks.append(1)
        if len(chunks) == 2:
            marker.write_bytes(b"w")  # the note a writer leaves before it waits for the lock

    monkeypatch.setattr(engine, "apply_plan", apply_then_someone_asks)
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,,2020,\n" for n in range(7))
    result = run(write(tmp_path, HEADER + rows), admin_user)
    assert (result.written, result.created) == (True, 7)
    assert pauses == [4]  # after the second chunk only


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_checkpoint_interval_is_restored_after_an_import_even_a_failed_one(
    tmp_path, admin_user, monkeypatch
):
    """The import checkpoints less often; the connection (a web process's) gets its own back."""
    from django.db import connection

    from accord.directory.importing import engine

    def checkpoint_pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_autocheckpoint")
            return cursor.fetchone()[0]

    seen: list[int] = []

    def stop() -> None:
        seen.append(checkpoint_pages())
        raise KeyboardInterrupt

    before = checkpoint_pages()
    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "HOLD_SECONDS", 0)
    monkeypatch.setattr(engine, "leave_room", stop)
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,,2020,\n" for n in range(3))
    with pytest.raises(KeyboardInterrupt):
        run(write(tmp_path, HEADER + rows), admin_user)
    assert (seen, checkpoint_pages()) == ([engine.CHECKPOINT_PAGES], before)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_an_import_interrupted_between_chunks_completes_when_run_again(
    tmp_path, admin_user, monkeypatch
):
    from accord.directory.importing import engine

    class Interrupted(Exception):
        pass

    def interrupt() -> None:
        raise Interrupted

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "HOLD_SECONDS", 0)
    monkeypatch.setattr(engine, "leave_room", interrupt)
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,chunk{n}.example,2020,\n" for n in range(5))
    path = write(tmp_path, HEADER + rows)
    with pytest.raises(Interrupted):
        run(path, admin_user)
    assert Organization.objects.count() == 2  # the first chunk, whole
    monkeypatch.setattr(engine, "leave_room", lambda: None)
    result = run(path, admin_user)
    assert (result.created, result.unchanged, result.errors) == (3, 2, [])
    assert Organization.objects.count() == 5
    assert AuditEvent.objects.filter(channel="import", action="create").count() == 5


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_chunk_that_cannot_get_the_lock_is_written_again_whole(tmp_path, admin_user, monkeypatch):
    """The import is the one that waits: web saves keep taking the lock between its chunks."""
    from django.db import OperationalError

    from accord.directory.importing import engine

    monkeypatch.setattr(engine, "CHUNK_ROWS", 2)
    monkeypatch.setattr(engine, "leave_room", lambda: None)
    rows = "".join(f"Chunk Org {n},startup,DE,Berlin,chunk{n}.example,2020,\n" for n in range(3))
    run(write(tmp_path, HEADER + rows), admin_user)
    real, calls = engine.apply_plan, []

    def locked_once(plan, **kwargs):
        real(plan, **kwargs)  # written, then the lock is lost: the chunk rolls back
        calls.append(plan)
        if len(calls) == 1:
            raise OperationalError("database is locked")

    monkeypatch.setattr(engine, "apply_plan", locked_once, raising=False)
    moved = HEADER + rows.replace("Berlin", "Paris")
    result = run(write(tmp_path, moved, name="moved.csv"), admin_user)
    assert (result.written, result.updated, result.errors) == (True, 3, [])
    assert len(calls) == 3  # the first chunk twice, then the second
    assert set(Organization.objects.values_list("city", flat=True)) == {"Paris"}
    updates = AuditEvent.objects.filter(channel="import", action="update")
    assert [e.changes["city"] for e in updates] == [["Berlin", "Paris"]] * 3
