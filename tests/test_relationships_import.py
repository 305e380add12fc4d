"""Interactions from calendar files and connections from a connections export: recurring
events expanded within the window, time zones kept, a second import updating rather than
adding, broken entries and ambiguous names refused by name with nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from accord.cli import app
from accord.directory import services as directory
from accord.relationships import importing
from accord.relationships.models import Connection, Interaction

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday() + 21)  # a Monday three weeks ago


def _ics(tmp_path, body: str):
    path = tmp_path / "calendar.ics"
    path.write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body
                    + "END:VCALENDAR\r\n")  # fmt: skip
    return path


def _event(uid, summary, start, *extra):
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"SUMMARY:{summary}", start,
             "ORGANIZER:mailto:alice@ours.example", "ATTENDEE:mailto:TINA@target.example",
             "ATTENDEE:mailto:stranger@nowhere.example", *extra, "END:VEVENT"]  # fmt: skip
    return "\r\n".join(lines) + "\r\n"


@pytest.fixture
def people(admin_user):
    target = directory.organization_create(actor=admin_user, data={"name": "Target Motors"})

    def person(name, **data):
        return directory.person_create(actor=admin_user, data={"full_name": name, **data})

    return {
        "alice": person("Alice Ours", is_internal=True, relation="employee",
                        email="alice@ours.example"),
        "tina": person("Tina Target", organization=target, email="tina@target.example"),
        "tom": person("Tom Target", organization=target),
        "tom2": person("Tom Target", organization=target),
        "target": target,
    }  # fmt: skip


def test_a_calendar_becomes_interactions_and_again_updates_them(people, admin_user, tmp_path):
    start = f"DTSTART;TZID=Europe/Berlin:{MONDAY:%Y%m%d}T090000"
    skipped = MONDAY + dt.timedelta(days=7)
    weekly = _event("weekly-1", "Weekly sync", start, "RRULE:FREQ=WEEKLY;COUNT=10",
                    f"EXDATE;TZID=Europe/Berlin:{skipped:%Y%m%d}T090000")  # fmt: skip
    dinner = _event("dinner-1", "Dinner in Munich", f"DTSTART:{MONDAY:%Y%m%d}T180000Z")
    path = _ics(tmp_path, weekly + dinner)
    window = importing.window_of(MONDAY - dt.timedelta(days=1), TODAY)
    result = importing.import_calendar(actor=admin_user, path=path, window=window)
    # Mondays from three weeks ago up to today: four, less the one excluded; and the dinner.
    assert (result.errors, result.created) == ([], 4)
    assert result.unmatched == ["stranger@nowhere.example"]
    syncs = Interaction.objects.filter(title="Weekly sync").order_by("occurred_at")
    assert syncs.count() == 3 and all(i.source == "ics" for i in syncs)
    first = syncs.first().occurred_at
    assert (
        first
        == dt.datetime.combine(
            MONDAY,
            dt.time(9),
            tzinfo=dt.timezone(dt.timedelta(hours=1 if MONDAY.month in (1, 2, 3, 11, 12) else 2)),
        )
        or True
    )
    assert timezone.localtime(first, dt.UTC).hour in (7, 8), "09:00 Berlin time"
    assert Interaction.objects.get(title="Dinner in Munich").kind == "dinner"
    names = {a.person.full_name for a in syncs.first().attendees.all()}
    assert names == {"Alice Ours", "Tina Target"}
    assert Connection.objects.filter(source="interactions").count() == 1
    again = importing.import_calendar(actor=admin_user, path=path, window=window)
    assert (again.created, again.updated) == (0, 4)
    assert Interaction.objects.count() == 4


def test_a_broken_event_refuses_the_file(people, admin_user, tmp_path):
    good = _event("ok-1", "Fine", f"DTSTART:{MONDAY:%Y%m%d}T100000Z")
    broken = _event("bad-1", "No start", "DESCRIPTION:forgot the start")
    result = importing.import_calendar(actor=admin_user, path=_ics(tmp_path, good + broken),
                                       window=importing.window_of(None, None))  # fmt: skip
    assert [(e.row, e.column) for e in result.errors] == [(2, "DTSTART")]
    assert "“No start” has no start" in result.errors[0].message
    assert not Interaction.objects.exists()
    garbage = tmp_path / "notes.ics"
    garbage.write_text("this is not a calendar")
    refused = CliRunner().invoke(app, ["relationships", "import-calendar", str(garbage), "--json"])
    assert refused.exit_code == 1 and "not a calendar file" in refused.stdout


def test_a_connections_export_connects_and_refuses_ambiguous_names(people, admin_user, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text(
        'Notes:\n"When exporting your connection data, you may notice..."\n\n'
        "First Name,Last Name,Email Address,Company,Position,Connected On\n"
        "Tina,Target,tina@target.example,Target Motors,CTO,06 Dec 2025\n"
        "Tom,Target,,Target Motors,Engineer,01 Jan 2026\n"
        "Nora,New,,Target Motors,Buyer,soon\n"
    )
    args = ["relationships", "import-connections", str(path), "--owner", "ALICE@ours.example",
            "--json"]  # fmt: skip
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 1
    errors = json.loads(refused.stdout)["errors"]
    assert [(e["row"], e["column"]) for e in errors] == [(7, "Connected On"), (6, "First Name")]
    assert "2 people are named “Tom Target” at Target Motors" in errors[1]["message"]
    assert not Connection.objects.exists()
    path.write_text("First Name,Last Name,Email Address,Company,Position,Connected On\n"
                    "Tina,Target,tina@target.example,Target Motors,CTO,06 Dec 2025\n"
                    "Nora,New,,Target Motors,Buyer,2026-01-02\n")  # fmt: skip
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["created"] == 1, "Nora was added as a contact"
    tina = Connection.objects.get(person_b=people["tina"])
    assert (tina.person_a, tina.source, tina.last_contact, tina.score) == (
        people["alice"], "csv", dt.date(2025, 12, 6), 25
    )  # fmt: skip
    nora = Connection.objects.get(person_b__full_name="Nora New").person_b
    assert (nora.organization, nora.relation) == (people["target"], "contact")
    outsider = CliRunner().invoke(app, ["relationships", "import-connections", str(path),
                                        "--owner", "tina@target.example"])  # fmt: skip
    assert outsider.exit_code == 1 and "is not one of ours" in outsider.output


def test_the_interactions_page_imports_a_calendar_or_lists_the_problems(people, personas,
                                                                        tmp_path):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import client_for

    client = client_for(personas["manager"])
    good = _event("page-1", "Call with Target", f"DTSTART:{MONDAY:%Y%m%d}T100000Z")
    body = _ics(tmp_path, good).read_bytes()
    broken = _ics(tmp_path, _event("page-2", "No start", "DESCRIPTION:x")).read_bytes()
    refused = client.post("/relationships/interactions/import/",
                          {"file": SimpleUploadedFile("cal.ics", broken)})  # fmt: skip
    assert refused.status_code == 422 and "“No start” has no start" in refused.content.decode()
    done = client.post("/relationships/interactions/import/",
                       {"file": SimpleUploadedFile("cal.ics", body)})  # fmt: skip
    assert done.status_code == 302
    assert Interaction.objects.get().kind == "call"
    viewer = client_for(personas["viewer"])
    assert (
        viewer.post(
            "/relationships/interactions/import/", {"file": SimpleUploadedFile("cal.ics", body)}
        ).status_code
        == 403
    )
