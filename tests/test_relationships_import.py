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
from accord.directory.models import Person
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


# Address books (vCard) -------------------------------------------------------------------------


def _vcf(tmp_path, *cards: str, name: str = "contacts.vcf"):
    path = tmp_path / name
    path.write_text("".join(cards), encoding="utf-8")
    return path


def _card(version: str, *lines: str) -> str:
    return "\r\n".join(["BEGIN:VCARD", f"VERSION:{version}", *lines, "END:VCARD"]) + "\r\n"


def test_an_address_book_connects_by_any_email_or_by_name_at_the_company(people, admin_user,
                                                                         tmp_path):  # fmt: skip
    path = _vcf(
        tmp_path,
        _card("3.0", "N:Target;Tina;;;", "FN:Tina Target", "ORG:Target Motors;R&D",
              "EMAIL;TYPE=HOME:tina@home.example", "EMAIL;TYPE=WORK:TINA@target.example"),
        _card("4.0", "FN:Tom Target", "ORG:Target Motors", "TITLE:Engineer"),
        _card("4.0", "N:New;Nora;;;", "ORG:Target Motors", "TITLE:Buyer",
              "EMAIL:nora@target.example", "EMAIL:nora@home.example"),
        _card("2.1", "N:Old;Otto", "EMAIL;INTERNET:otto@nowhere.example"),
    )  # fmt: skip
    people["tom2"].delete()  # one Tom Target only: found by his name at the card's ORG
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    assert (result.errors, result.entries, result.created, result.updated) == ([], 4, 2, 4)
    alice = people["alice"]
    connected = {c.person_b.full_name: c for c in Connection.objects.filter(person_a=alice)}
    assert set(connected) == {"Tina Target", "Tom Target", "Nora New", "Otto Old"}
    assert {c.source for c in connected.values()} == {"vcard"}
    nora = connected["Nora New"].person_b
    assert (nora.email, nora.title, nora.organization, nora.relation) == (
        "nora@target.example", "Buyer", people["target"], "contact"
    )  # fmt: skip
    assert connected["Otto Old"].person_b.organization is None


def test_a_dry_run_of_an_address_book_writes_nothing(people, admin_user, tmp_path):
    path = _vcf(tmp_path, _card("3.0", "FN:Nora New", "EMAIL:nora@target.example"))
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"],
                                     dry_run=True)  # fmt: skip
    assert (result.errors, result.entries, result.created) == ([], 1, 0)
    assert not Connection.objects.exists()
    assert not Person.objects.filter(full_name="Nora New").exists()


@pytest.mark.parametrize(
    ("card", "column", "message"),
    [
        (_card("3.0", "ORG:Target Motors"), "FN", "card 2 has no name (FN or N)"),
        (_card("4.0", "FN:Two People", "EMAIL:tina@target.example", "EMAIL:alice@ours.example"),
         "EMAIL", "card 2 (“Two People”): its e-mails are those of different people"),
        (_card("3.0", "FN:Tom Target", "ORG:Target Motors"),
         "FN", "card 2 (“Tom Target”): 2 people are named “Tom Target” at Target Motors"),
        (_card("3.0", "FN:Bad Address", "EMAIL:not-an-address"),
         "EMAIL", "card 2 (“Bad Address”): “not-an-address” is not an e-mail address"),
    ],
    ids=["no name", "ambiguous e-mails", "ambiguous name", "bad e-mail"],
)  # fmt: skip
def test_a_broken_card_refuses_the_address_book_naming_the_card(people, admin_user, tmp_path,
                                                                card, column, message):  # fmt: skip
    before = Person.objects.count()
    path = _vcf(tmp_path, _card("3.0", "FN:Nora New", "EMAIL:nora@target.example"), card)
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert message in result.errors[0].message
    assert not Connection.objects.exists() and Person.objects.count() == before


@pytest.mark.parametrize(
    "body",
    ["this is not an address book", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Never Closed\r\n",
     "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", ""],
    ids=["text", "unclosed", "a calendar", "empty"],
)  # fmt: skip
def test_a_file_that_is_no_address_book_is_refused_in_one_message(people, admin_user, tmp_path,
                                                                  body):  # fmt: skip
    path = _vcf(tmp_path, body)
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    assert [(e.row, e.column) for e in result.errors] == [(None, None)]
    assert result.errors[0].message.startswith("not a vCard file (.vcf)")
    assert not Connection.objects.exists()


def test_an_address_book_of_someone_not_ours_is_refused(people, admin_user, tmp_path):
    path = _vcf(tmp_path, _card("3.0", "FN:Nora New"))
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["tina"])
    assert "is not one of ours" in result.errors[0].message
    assert not Person.objects.filter(full_name="Nora New").exists()


def test_a_role_that_may_not_add_people_connects_only_those_known(people, personas, tmp_path):
    path = _vcf(tmp_path, _card("3.0", "FN:Tina Target", "EMAIL:tina@target.example"),
                _card("3.0", "FN:Nora New", "EMAIL:nora@target.example"))  # fmt: skip
    result = importing.import_vcards(actor=personas["executive"], path=path,
                                     owner=people["alice"])  # fmt: skip
    assert (result.errors, result.created, result.updated) == ([], 0, 1)
    assert result.skipped == ["card 2: Nora New is not in the directory, and your role may not "
                              "add people."]  # fmt: skip
    assert Connection.objects.get().person_b == people["tina"]


# The same person twice -------------------------------------------------------------------------


def test_a_person_named_twice_in_a_file_is_added_once(people, admin_user, tmp_path):
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,Email Address,Company,Position,Connected On\n"
                    "Nora,New,nora@target.example,Target Motors,Buyer,\n"
                    "Nora,New,NORA@target.example,Target Motors,Head of buying,\n"
                    "Nick,Nobody,,Unknown Labs,Founder,\n"
                    "Nick,Nobody,,Unknown Labs,,\n")  # fmt: skip
    result = importing.import_connections(actor=admin_user, path=path, owner=people["alice"])
    assert (result.errors, result.created, result.updated) == ([], 2, 2)
    assert result.skipped == [
        "row 3: Nora New, the same person as row 2; taken once.",
        "row 5: Nick Nobody, the same person as row 4; taken once.",
    ]
    assert Person.objects.filter(full_name="Nora New").count() == 1
    assert Person.objects.filter(full_name="Nick Nobody").count() == 1


def test_a_card_sharing_an_email_with_an_earlier_card_is_the_same_person(people, admin_user,
                                                                          tmp_path):  # fmt: skip
    path = _vcf(
        tmp_path,
        _card("3.0", "FN:Nora New", "EMAIL:nora@home.example"),
        _card("4.0", "FN:Nora N.", "EMAIL:nora@target.example", "EMAIL:nora@home.example"),
        _card("3.0", "FN:Nora New"),
    )  # fmt: skip
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    assert (result.errors, result.created) == ([], 1)
    assert [line.split(",")[0] for line in result.skipped] == ["card 2: Nora N.",
                                                               "card 3: Nora New"]  # fmt: skip


@pytest.mark.parametrize("kind", ["csv", "vcard"])
def test_importing_the_same_file_again_adds_no_one(people, admin_user, tmp_path, kind):
    if kind == "csv":
        path = tmp_path / "Connections.csv"
        path.write_text("First Name,Last Name,Email Address,Company,Position,Connected On\n"
                        "Nora,New,nora@target.example,Target Motors,Buyer,\n"
                        "Ned,New,,Target Motors,Driver,\n"
                        "Nick,Nobody,,Unknown Labs,Founder,\n"
                        "Nell,Nowhere,,,,\n")  # fmt: skip
        run = importing.import_connections
    else:
        path = _vcf(tmp_path,
                    _card("3.0", "FN:Nora New", "ORG:Target Motors", "EMAIL:nora@target.example",
                          "EMAIL:nora@home.example"),
                    _card("4.0", "N:New;Ned;;;", "ORG:Target Motors"),
                    _card("3.0", "FN:Nick Nobody", "ORG:Unknown Labs"),
                    _card("2.1", "FN:Nell Nowhere"))  # fmt: skip
        run = importing.import_vcards
    first = run(actor=admin_user, path=path, owner=people["alice"])
    assert (first.errors, first.created, first.updated) == ([], 4, 4)
    before = Person.objects.count()
    again = run(actor=admin_user, path=path, owner=people["alice"])
    assert (again.errors, again.created, again.updated) == ([], 0, 4)
    assert Person.objects.count() == before
    assert Connection.objects.filter(person_a=people["alice"]).count() == 4


def test_a_namesake_at_another_company_is_not_taken_for_the_contact(people, admin_user, tmp_path):
    other = directory.organization_create(actor=admin_user, data={"name": "Other Works"})
    directory.person_create(actor=admin_user, data={"full_name": "Nora New", "organization": other})
    path = _vcf(tmp_path, _card("3.0", "FN:Nora New", "ORG:Target Motors"))
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    assert (result.errors, result.created) == ([], 1)
    assert Person.objects.filter(full_name="Nora New").count() == 2


def test_a_company_two_organizations_share_is_refused_for_review(people, admin_user, tmp_path):
    directory.organization_create(actor=admin_user, data={"name": "TARGET MOTORS"})
    path = _vcf(tmp_path, _card("3.0", "FN:Nora New", "ORG:Target Motors"))
    result = importing.import_vcards(actor=admin_user, path=path, owner=people["alice"])
    [error] = result.errors
    assert error.column == "ORG" and "several organizations are named “Target Motors”" in (
        error.message
    )  # fmt: skip
    assert not Person.objects.filter(full_name="Nora New").exists()
    known = _vcf(tmp_path, _card("3.0", "FN:Tina Target", "EMAIL:tina@target.example",
                                 "ORG:Target Motors"))  # fmt: skip
    found = importing.import_vcards(actor=admin_user, path=known, owner=people["alice"])
    assert (found.errors, found.created, found.updated) == ([], 0, 1), "known by e-mail: fine"


# Interactions from a spreadsheet ---------------------------------------------------------------

INTERACTIONS_HEADER = ("date,TITLE,Kind,Attendees,Organizations,Partnership,Summary,Sentiment,"
                       "Follow ups,Executive,Private,External ID\n")  # fmt: skip


def _interactions(tmp_path, *rows: str, header: str = INTERACTIONS_HEADER):
    path = tmp_path / "interactions.csv"
    path.write_text(header + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_a_spreadsheet_of_interactions_is_recorded_and_again_updated(
    people, admin_user, partnership, tmp_path
):
    rows = [
        f"2026-01-05,Kick-off,Site visit,alice@ours.example;TINA@target.example,Target Motors;"
        f"{partnership.organizations.get().pk},vision alliance,Went well,Positive,Send the deck,"
        "yes,no,crm-1",
        '2026-01-06 14:30,Call with Tina,e-mail,tina@target.example,,,"Two lines,\nof notes",,,'
        ",,crm-2",
        "2026-01-07T09:00+01:00,Nobody we know,,stranger@nowhere.example,,,,,,,,",
    ]
    path = _interactions(tmp_path, *rows)
    result = importing.import_interactions(actor=admin_user, path=path)
    assert (result.errors, result.entries, result.created, result.updated) == ([], 3, 2, 0)
    # Lines as the file numbers them: the summary of the second row takes two.
    assert result.skipped == ["line 5: “Nobody we know”: no one in the directory attended."]
    assert result.unmatched == ["stranger@nowhere.example"]
    kick_off = Interaction.objects.get(title="Kick-off")
    assert (kick_off.kind, kick_off.source, kick_off.sentiment, kick_off.follow_ups) == (
        "site_visit", "csv", "positive", "Send the deck"
    )  # fmt: skip
    assert (kick_off.is_executive, kick_off.is_private, kick_off.partnership) == (
        True, False, partnership
    )  # fmt: skip
    assert {o.name for o in kick_off.organizations.all()} == {"Target Motors", "Alpha Robotics"}
    assert timezone.localdate(kick_off.occurred_at) == dt.date(2026, 1, 5)
    call = Interaction.objects.get(title="Call with Tina")
    assert (call.kind, call.summary) == ("email", "Two lines,\nof notes")
    assert {o.name for o in call.organizations.all()} == {"Target Motors"}, "the attendees' own"
    rows[0] = rows[0].replace("Kick-off", "Kick-off meeting").replace("Positive", "neutral")
    again = importing.import_interactions(actor=admin_user, path=_interactions(tmp_path, *rows))
    assert (again.errors, again.created, again.updated) == ([], 0, 2)
    assert Interaction.objects.count() == 2
    assert Interaction.objects.get(external_uid="csv:crm-1").sentiment == "neutral"


def test_a_dry_run_of_interactions_writes_nothing(people, admin_user, tmp_path):
    path = _interactions(tmp_path, "2026-01-05,Kick-off,,tina@target.example,,,,,,,,")
    result = importing.import_interactions(actor=admin_user, path=path, dry_run=True)
    assert (result.errors, result.entries, result.created) == ([], 1, 0)
    assert not Interaction.objects.exists()


def test_broken_rows_refuse_the_spreadsheet_naming_line_and_column(people, admin_user, tmp_path):
    path = _interactions(
        tmp_path,
        "2026-01-05,Fine,,tina@target.example,,,,,,,,",
        "31/01/2026,Bad date,,tina@target.example,,,,,,,,",
        "2026-01-05,Unknown organization,,tina@target.example,Nowhere Inc,,,,,,,",
        "2026-01-05,Bad yes,,tina@target.example,,,,,,perhaps,,",
        "2026-01-05,Unknown kind,brunch,tina@target.example,,,,,,,,",
        "2026-01-05,Unknown partnership,,tina@target.example,,Moon base,,,,,,",
        ",,,tina@target.example,,,,,,,,",
        "2026-01-05,Twice,,tina@target.example,,,,,,,,crm-9",
        "2026-01-06,Twice again,,tina@target.example,,,,,,,,crm-9",
    )  # fmt: skip
    result = importing.import_interactions(actor=admin_user, path=path)
    assert sorted((e.row, e.column) for e in result.errors) == [
        (3, "Date"), (4, "Organizations"), (5, "Executive"), (6, "Kind"), (7, "Partnership"),
        (8, "Date"), (8, "Title"), (10, "External ID"),
    ]  # fmt: skip
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "“31/01/2026” is not a day (2026-01-31)" in messages[(3, "Date")]
    assert messages[(4, "Organizations")] == "no organization “Nowhere Inc” (by its id or name)."
    assert "“perhaps” is not yes or no" in messages[(5, "Executive")]
    assert messages[(6, "Kind")].startswith("“brunch” is not a kind (meeting, call, e-mail")
    assert messages[(10, "External ID")] == "the same External ID as line 9."
    assert not Interaction.objects.exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Date,Title,Atendees\n", [(1, "Atendees"), (1, "Attendees")]),
        ("", [(1, None)]),
    ],
    ids=["misspelt column", "empty file"],
)  # fmt: skip
def test_a_spreadsheet_without_the_columns_is_refused(people, admin_user, tmp_path, header,
                                                      expected):  # fmt: skip
    path = _interactions(tmp_path, header=header)
    result = importing.import_interactions(actor=admin_user, path=path)
    assert [(e.row, e.column) for e in result.errors] == expected


# The command and the page ----------------------------------------------------------------------


def test_the_commands_import_an_address_book_and_interactions(people, admin_user, tmp_path):
    runner = CliRunner()
    cards = _vcf(tmp_path, _card("3.0", "FN:Nora New", "ORG:Target Motors",
                                 "EMAIL:nora@target.example"))  # fmt: skip
    args = ["relationships", "import-vcards", str(cards), "--owner", "alice@ours.example"]
    checked = runner.invoke(app, [*args, "--dry-run", "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["entries"] == 1 and not Connection.objects.exists()
    done = runner.invoke(app, [*args, "--json"])
    assert (done.exit_code, json.loads(done.stdout)["created"]) == (0, 1)
    assert Connection.objects.get().source == "vcard"
    no_one = runner.invoke(app, [*args[:3], "--owner", "nobody@ours.example"])
    assert no_one.exit_code == 2 and "no one in the directory" in no_one.output
    gone = str(tmp_path / "gone.vcf")
    missing = runner.invoke(app, ["relationships", "import-vcards", gone, *args[3:]])
    assert missing.exit_code == 2 and "no file" in missing.output
    missing = runner.invoke(app, ["relationships", "import-interactions", gone])
    assert missing.exit_code == 2 and "no file" in missing.output
    rows = _interactions(tmp_path, "2026-01-05,Kick-off,call,tina@target.example,,,,,,,,crm-1",
                         "2026-01-06,Lunch,dinner,tina@target.example,,,,,,maybe,,")  # fmt: skip
    refused = runner.invoke(app, ["relationships", "import-interactions", str(rows), "--json"])
    assert refused.exit_code == 1
    assert [(e["row"], e["column"]) for e in json.loads(refused.stdout)["errors"]] == [
        (3, "Executive")
    ]
    rows = _interactions(tmp_path, "2026-01-05,Kick-off,call,tina@target.example,,,,,,,,crm-1")
    imported = runner.invoke(app, ["relationships", "import-interactions", str(rows)])
    assert imported.exit_code == 0, imported.output
    assert "1 row(s): 1 added" in imported.output
    assert Interaction.objects.get().external_uid == "csv:crm-1"


def test_the_interactions_page_imports_address_books_and_spreadsheets(people, personas,
                                                                      tmp_path):  # fmt: skip
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import client_for

    client = client_for(personas["manager"])
    page = client.get("/relationships/interactions/").content.decode()
    assert 'data-testid="vcards-form"' in page and 'data-testid="interactions-form"' in page
    card = _card("3.0", "FN:Nora New", "EMAIL:nora@target.example").encode()
    nameless = _card("3.0", "ORG:Target Motors").encode()
    owner = {"owner": "alice@ours.example"}
    refused = client.post("/relationships/connections/import/vcards/",
                          {"file": SimpleUploadedFile("c.vcf", nameless), **owner})  # fmt: skip
    assert refused.status_code == 422 and "card 1 has no name" in refused.content.decode()
    unknown_owner = client.post("/relationships/connections/import/vcards/",
                                {"file": SimpleUploadedFile("c.vcf", card),
                                 "owner": "nobody@ours.example"})  # fmt: skip
    assert unknown_owner.status_code == 422
    done = client.post("/relationships/connections/import/vcards/",
                       {"file": SimpleUploadedFile("c.vcf", card), **owner})  # fmt: skip
    assert done.status_code == 302 and Connection.objects.get().source == "vcard"
    bad = INTERACTIONS_HEADER + "2026-01-05,Kick-off,brunch,tina@target.example,,,,,,,,\n"
    refused = client.post("/relationships/interactions/import/csv/",
                          {"file": SimpleUploadedFile("i.csv", bad.encode())})  # fmt: skip
    assert refused.status_code == 422 and "“brunch” is not a kind" in refused.content.decode()
    good = bad.replace("brunch", "call")
    done = client.post("/relationships/interactions/import/csv/",
                       {"file": SimpleUploadedFile("i.csv", good.encode())})  # fmt: skip
    assert done.status_code == 302 and Interaction.objects.get().source == "csv"
    viewer = client_for(personas["viewer"])
    page = viewer.get("/relationships/interactions/").content.decode()
    assert 'data-testid="vcards-form"' not in page
    upload = {"file": SimpleUploadedFile("i.csv", good.encode())}
    assert viewer.post("/relationships/interactions/import/csv/", upload).status_code == 403
