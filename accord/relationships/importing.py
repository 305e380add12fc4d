"""Interactions from a calendar (.ics, as calendar tools export it) or a spreadsheet (CSV, one
a row: see INTERACTION_COLUMNS), and connections from a connections export (CSV: First Name,
Last Name, Email Address, Company, Position, Connected On) or an address book (vCard: .vcf).
Every entry is checked first; a file with a broken one writes nothing, and each problem names
the event, line or card. People are matched to the directory by e-mail (connections also by
name at the same company, both kinds of file through one path); an unknown address is
reported and left out, a name that matches several people is refused for review, and nothing
is merged silently.

Recurring events are expanded (RRULE, RDATE, EXDATE, moved occurrences) within a window; each
occurrence is kept with its UID and start, so importing the same calendar again updates the
interactions instead of adding them twice.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import vobject
import vobject.vcard
from dateutil.rrule import rruleset, rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar

from accord.accounts.models import User
from accord.core import policy
from accord.core.policy import visible_to
from accord.directory.importing.errors import RowError
from accord.directory.models import Organization, Person
from accord.partnerships.models import Partnership
from accord.relationships import services
from accord.relationships.models import Connection, Interaction

# Occurrences of a recurring event further than this from the window are never generated.
MAX_OCCURRENCES = 1000
KIND_WORDS = [("dinner", "dinner"), ("lunch", "dinner"), ("call", "call"), ("visit", "site_visit"),
              ("conference", "event"), ("summit", "event")]  # fmt: skip


@dataclass
class Occurrence:
    uid: str
    title: str
    starts_at: dt.datetime
    emails: list[str]
    summary: str = ""

    @property
    def external_uid(self) -> str:
        return f"{self.uid}@{self.starts_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"[:300]

    @property
    def kind(self) -> str:
        lowered = self.title.casefold()
        return next((kind for word, kind in KIND_WORDS if word in lowered), "meeting")


@dataclass
class Result:
    entries: int = 0
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Addresses or names that matched no one, and entries left out for want of anyone known.
    unmatched: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"entries": self.entries, "created": self.created, "updated": self.updated,
                "errors": [e.as_dict() for e in self.errors],
                "unmatched": self.unmatched, "skipped": self.skipped}  # fmt: skip


# Calendars -------------------------------------------------------------------------------------


def _moment(value: Any) -> dt.datetime:
    """A start as an aware moment: a day at midnight, a floating time in the server's zone."""
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=local)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), tzinfo=local)
    raise ValueError(f"{value!r} is not a date or a time")


def _emails(event: Any) -> list[str]:
    people = event.get("ATTENDEE", [])
    people = people if isinstance(people, list) else [people]
    organizer = event.get("ORGANIZER")
    found = [str(p) for p in [*people, *([organizer] if organizer else [])]]
    return sorted({a.split(":", 1)[-1].strip().casefold() for a in found if "@" in a})


def _starts(event: Any, start: dt.datetime, window: tuple[dt.datetime, dt.datetime]) -> list[
    dt.datetime
]:  # fmt: skip
    """The starts of an event within the window: itself, or each occurrence of its rule."""
    if not event.get("RRULE") and not event.get("RDATE"):
        return [start] if window[0] <= start <= window[1] else []
    rules = rruleset()
    if event.get("RRULE"):
        text = event["RRULE"].to_ical().decode()
        rules.rrule(rrulestr(text, dtstart=start, ignoretz=False))
    for key, add in (("RDATE", rules.rdate), ("EXDATE", rules.exdate)):
        values = event.get(key, [])
        for item in values if isinstance(values, list) else [values]:
            for moment in item.dts:
                add(_moment(moment.dt))
    found = []
    for moment in rules.xafter(window[0] - dt.timedelta(seconds=1), count=MAX_OCCURRENCES):
        if moment > window[1]:
            break
        found.append(moment)
    return found


def read_calendar(
    path: Path, *, window: tuple[dt.datetime, dt.datetime]
) -> tuple[list[Occurrence], list[RowError]]:
    """Every occurrence within the window of the events of an .ics file, or why not; entries
    are numbered as the file orders its events."""
    try:
        calendar = Calendar.from_ical(path.read_bytes())
    except (ValueError, IndexError, KeyError) as error:
        return [], [RowError(None, None, f"not a calendar file (.ics): {error}")]
    occurrences: list[Occurrence] = []
    moved: dict[tuple[str, dt.datetime], Occurrence] = {}
    errors: list[RowError] = []
    for number, event in enumerate(calendar.walk("VEVENT"), start=1):
        uid = str(event.get("UID") or "").strip()
        title = str(event.get("SUMMARY") or "").strip() or "(no title)"
        if not uid:
            errors.append(RowError(number, "UID", f"the event “{title}” has no UID."))
            continue
        try:
            start = _moment(event.decoded("DTSTART"))
            starts = _starts(event, start, window)
        except (KeyError, ValueError, TypeError) as error:
            why = "has no start (DTSTART)" if isinstance(error, KeyError) else f"is broken: {error}"
            errors.append(RowError(number, "DTSTART", f"the event “{title}” {why}."))
            continue
        base: dict[str, Any] = {"uid": uid, "title": title[:200], "emails": _emails(event),
                                "summary": str(event.get("DESCRIPTION") or "")}  # fmt: skip
        if event.get("RECURRENCE-ID"):
            replaced = _moment(event.decoded("RECURRENCE-ID"))
            moved[(uid, replaced)] = Occurrence(starts_at=start, **base)
            continue
        occurrences += [Occurrence(starts_at=moment, **base) for moment in starts]
    found = [moved.pop((o.uid, o.starts_at), o) for o in occurrences]
    found += [o for o in moved.values() if window[0] <= o.starts_at <= window[1]]
    return found, errors


def import_calendar(
    *, actor: User, path: Path, window: tuple[dt.datetime, dt.datetime], dry_run: bool = False
) -> Result:
    """Check every event, then record (or update) an interaction for each occurrence that
    someone in the directory attended, all in one transaction; or nothing."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    occurrences, errors = read_calendar(path, window=window)
    result = Result(entries=len(occurrences), errors=errors)
    if errors:
        return result
    addresses = {e for o in occurrences for e in o.emails}
    people = _people_by_email(actor, addresses)
    result.unmatched = sorted(addresses - set(people))
    existing = {i.external_uid: i for i in Interaction.objects.filter(
        external_uid__in=[o.external_uid for o in occurrences])}  # fmt: skip
    if dry_run:
        return result
    with transaction.atomic():
        for occurrence in occurrences:
            attendees = [people[e] for e in occurrence.emails if e in people]
            if not attendees:
                result.skipped.append(f"“{occurrence.title}” on {occurrence.starts_at:%Y-%m-%d}: "
                                      "no one in the directory attended.")  # fmt: skip
                continue
            data = {"title": occurrence.title, "occurred_at": occurrence.starts_at,
                    "kind": occurrence.kind, "summary": occurrence.summary}  # fmt: skip
            known = existing.get(occurrence.external_uid)
            if known is not None:
                services.interaction_update(actor=actor, interaction=known, data=data,
                                            attendees=attendees)  # fmt: skip
                result.updated += 1
                continue
            created = services.interaction_create(
                actor=actor, data={**data, "source": Interaction.Source.ICS}, attendees=attendees
            )
            Interaction.objects.filter(pk=created.pk).update(external_uid=occurrence.external_uid)
            result.created += 1
    return result


def _people_by_email(actor: User, addresses: set[str]) -> dict[str, Person]:
    """The directory's people by their (case-folded) e-mail; an address two people share is
    left to review rather than guessed."""
    if not addresses:
        return {}
    matching = Q(pk__in=[])
    for address in addresses:
        matching |= Q(email__iexact=address)
    found: dict[str, list[Person]] = {}
    for person in visible_to(actor, Person).filter(matching):
        found.setdefault(person.email.casefold(), []).append(person)
    return {email: same[0] for email, same in found.items() if len(same) == 1}


# Connections exports ---------------------------------------------------------------------------


@dataclass
class Contact:
    """A person of a connections export or an address book, numbered as its file numbers it."""

    number: int
    name: str
    emails: list[str]
    company: str = ""
    position: str = ""
    last_contact: dt.date | None = None


@dataclass(frozen=True)
class Fields:
    """What a file calls its entries, and the fields problems point at."""

    entry: str
    name: str
    email: str
    company: str
    source: str


CSV_FIELDS = Fields("row", "First Name", "Email Address", "Company", Connection.Source.CSV)
VCARD_FIELDS = Fields("card", "FN", "EMAIL", "ORG", Connection.Source.VCARD)
CONNECTION_COLUMNS = ("First Name", "Last Name", "Email Address", "Company", "Position",
                      "Connected On")  # fmt: skip
DATE_FORMATS = ("%d %b %Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y")


def _connected_on(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()  # noqa: DTZ007 -- a day
        except ValueError:
            continue
    return None


def _rows(path: Path) -> tuple[bool, list[tuple[int, dict[str, str]]]]:
    """Whether the export has its header, and its rows numbered as the file's lines; notes above
    the header (as some networks write) are skipped."""
    lines = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    start = next((n for n, line in enumerate(lines) if line.startswith("First Name")), None)
    if start is None:
        return False, []
    reader = csv.DictReader(lines[start:])
    return True, [(start + 2 + n, row) for n, row in enumerate(reader)]


def import_connections(*, actor: User, path: Path, owner: Person, dry_run: bool = False) -> Result:
    """Connect `owner` (one of ours) with each person of the export (see `_connect`)."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    result = Result()
    has_header, rows = _rows(path)
    if not has_header:
        result.errors.append(RowError(None, None, "no header row starting with “First Name” "
                                      f"(expected {', '.join(CONNECTION_COLUMNS)})."))  # fmt: skip
        return result
    contacts: list[Contact] = []
    for number, values in rows:
        get = {name: (values.get(name) or "").strip() for name in CONNECTION_COLUMNS}
        name = f"{get['First Name']} {get['Last Name']}".strip()
        if not name:
            result.errors.append(RowError(number, "First Name", "no name."))
            continue
        day = _connected_on(get["Connected On"]) if get["Connected On"] else None
        if get["Connected On"] and day is None:
            result.errors.append(RowError(number, "Connected On",
                                          f"“{get['Connected On']}” is not a date."))  # fmt: skip
            continue
        emails = [get["Email Address"].casefold()] if get["Email Address"] else []
        contacts.append(Contact(number, name, emails, get["Company"], get["Position"], day))
    return _connect(actor=actor, owner=owner, contacts=contacts, result=result,
                    fields=CSV_FIELDS, dry_run=dry_run)  # fmt: skip


# Address books (vCard) -------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A property's value as text: vobject gives lists for structured ones (ORG)."""
    if isinstance(value, list | tuple):
        return " ".join(_text(part) for part in value if _text(part))
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace").strip()
    return str(value or "").strip()


def _card_name(card: Any) -> str:
    if card.contents.get("fn") and _text(card.contents["fn"][0].value):
        return _text(card.contents["fn"][0].value)
    if not card.contents.get("n"):
        return ""
    name = card.contents["n"][0].value
    if isinstance(name, vobject.vcard.Name):
        return " ".join(_text(p) for p in (name.given, name.additional, name.family) if _text(p))
    # A name vobject did not split: FAMILY;GIVEN;ADDITIONAL;PREFIX;SUFFIX.
    family, given, additional = ([*_text(name).split(";"), "", ""])[:3]
    return " ".join(p.strip() for p in (given, additional, family) if p.strip())


def _card(number: int, card: Any) -> Contact:
    first = {key: _text(card.contents[key][0].value) if card.contents.get(key) else ""
             for key in ("org", "title")}  # fmt: skip
    if card.contents.get("org") and isinstance(card.contents["org"][0].value, list):
        first["org"] = _text(card.contents["org"][0].value[:1])  # the company, not its unit
    emails = [_text(e.value).removeprefix("mailto:").casefold() for e in card.contents.get(
        "email", [])]  # fmt: skip
    unique = list(dict.fromkeys(e for e in emails if e))
    return Contact(number, _card_name(card), unique, first["org"], first["title"])


def read_vcards(path: Path) -> tuple[list[Contact], list[RowError]]:
    """The cards of a .vcf file (vCard 2.1, 3.0 or 4.0), numbered as the file orders them, or
    why not."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        components = list(vobject.readComponents(text))
    except (vobject.base.VObjectError, ValueError, TypeError, LookupError) as error:
        return [], [RowError(None, None, f"not a vCard file (.vcf): {error}")]
    cards = [c for c in components if c.name == "VCARD"]
    if not cards:
        return [], [RowError(None, None, "not a vCard file (.vcf): no card (BEGIN:VCARD).")]
    contacts, errors = [], []
    for number, card in enumerate(cards, start=1):
        try:
            contact = _card(number, card)
        except (vobject.base.VObjectError, ValueError, TypeError, LookupError) as error:
            errors.append(RowError(number, None, f"card {number} is broken: {error}."))
            continue
        if not contact.name:
            errors.append(RowError(number, "FN", f"card {number} has no name (FN or N)."))
            continue
        contacts.append(contact)
    return contacts, errors


def import_vcards(*, actor: User, path: Path, owner: Person, dry_run: bool = False) -> Result:
    """Connect `owner` (one of ours) with the person of each card of an address book (see
    `_connect`); the card's TITLE is a new contact's position."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    contacts, errors = read_vcards(path)
    return _connect(actor=actor, owner=owner, contacts=contacts, result=Result(errors=errors),
                    fields=VCARD_FIELDS, dry_run=dry_run)  # fmt: skip


# Connections, whichever file they came from ----------------------------------------------------


def _connect(
    *, actor: User, owner: Person, contacts: list[Contact], result: Result, fields: Fields,
    dry_run: bool,
) -> Result:  # fmt: skip
    """Connect `owner` with each contact: found by any of its e-mails, else by name at the
    same company, else added to the directory as a contact of that company (when it is in the
    directory) or of none. A contact the file already named is taken once, so no one is added
    twice. E-mails of different people, or a name several people share, are refused; nothing
    is written unless every contact is fine."""
    if not services.is_ours(owner):
        result.errors.append(RowError(None, "owner", f"{owner} is not one of ours (an employee, "
                                      "board member, investor or advisor)."))  # fmt: skip
        return result
    result.entries = len(contacts)
    for contact in contacts:
        result.errors += _contact_errors(contact, fields)
    contacts = _once(contacts, fields, result)
    companies = _companies(actor, contacts)
    matches = _match_people(actor, contacts, companies, fields, result)
    may_add = policy.can(actor, policy.DIRECTORY_CHANGE)
    new = [c for c in contacts if c.number not in matches]
    for contact in new:
        if contact.company and companies.get(contact.company.casefold(), False) is None:
            result.errors.append(RowError(contact.number, fields.company, (
                f"{fields.entry} {contact.number} (“{contact.name}”): several organizations are "
                f"named “{contact.company}”; merge them in the directory first.")))  # fmt: skip
    if new and not may_add:
        result.unmatched += [c.emails[0] if c.emails else c.name for c in new]
        result.skipped += [f"{fields.entry} {c.number}: {c.name} is not in the directory, and "
                           "your role may not add people." for c in new]  # fmt: skip
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for contact in contacts:
            person = matches.get(contact.number)
            if person is None and not may_add:
                continue
            if person is None:
                person = _new_contact(actor, contact, companies)
                result.created += 1
            if person.pk == owner.pk:
                continue
            known = {"last_contact": contact.last_contact} if contact.last_contact else {}
            services.connection_save(actor=actor, person=owner, other=person,
                                     data={"source": fields.source, **known})  # fmt: skip
            result.updated += 1
    return result


def _once(contacts: list[Contact], fields: Fields, result: Result) -> list[Contact]:
    """The contacts less those the file named before: by an e-mail they share, or, for one
    without e-mail, by name at the same company. Each repeat is reported."""
    seen: dict[tuple[str, ...], Contact] = {}
    kept = []
    for contact in contacts:
        by_name: tuple[str, ...] = ("name", contact.name.casefold(), contact.company.casefold())
        keys: list[tuple[str, ...]] = [("email", email) for email in contact.emails] or [by_name]
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            entry = fields.entry
            result.skipped.append(f"{entry} {contact.number}: {contact.name}, the same person as "
                                  f"{entry} {first.number}; taken once.")  # fmt: skip
            continue
        for key in [*keys, by_name]:
            seen.setdefault(key, contact)
        kept.append(contact)
    return kept


def _companies(actor: User, contacts: list[Contact]) -> dict[str, Organization | None]:
    """The directory's organizations named as the contacts' companies, by case-folded name;
    None for a name several organizations share (left to review, never guessed)."""
    matching = Q(pk__in=[])
    for company in {c.company.casefold() for c in contacts if c.company}:
        matching |= Q(name__iexact=company)
    found: dict[str, Organization | None] = {}
    for organization in visible_to(actor, Organization).filter(matching).order_by("pk"):
        name = organization.name.casefold()
        found[name] = None if name in found else organization
    return found


def _works_at(person: Person, company: str, companies: dict[str, Organization | None]) -> bool:
    """Whether the person is at the named company; at one the directory does not know, a
    person of no organization is (as this import adds them), so a second import finds them."""
    if not company:
        return False
    if person.organization is None:
        return company.casefold() not in companies
    return person.organization.name.casefold() == company.casefold()


def _contact_errors(contact: Contact, fields: Fields) -> list[RowError]:
    """What the directory would refuse of a new contact, found before anything is written."""
    errors = []
    where = f"{fields.entry} {contact.number} (“{contact.name[:60]}”)"
    if len(contact.name) > 200:
        errors.append(RowError(contact.number, fields.name,
                               f"{where}: a name is at most 200 characters."))  # fmt: skip
    for email in contact.emails:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(RowError(contact.number, fields.email,
                                   f"{where}: “{email}” is not an e-mail address."))  # fmt: skip
    return errors


def _match_people(
    actor: User, contacts: list[Contact], companies: dict[str, Organization | None], fields: Fields,
    result: Result,
) -> dict[int, Person]:  # fmt: skip
    """The directory's person for each contact that has one; two queries."""
    by_email = _people_by_email(actor, {e for c in contacts for e in c.emails})
    matching = Q(pk__in=[])
    for name in {c.name.casefold() for c in contacts}:
        matching |= Q(full_name__iexact=name)
    named: dict[str, list[Person]] = {}
    for person in visible_to(actor, Person).filter(matching).select_related("organization"):
        named.setdefault(person.full_name.casefold(), []).append(person)
    found: dict[int, Person] = {}
    for contact in contacts:
        where = f"{fields.entry} {contact.number} (“{contact.name}”)"
        by_any = {by_email[e].pk: by_email[e] for e in contact.emails if e in by_email}
        if len(by_any) > 1:
            who = ", ".join(sorted(f"{p} <{p.email}>" for p in by_any.values()))
            result.errors.append(RowError(contact.number, fields.email, (
                f"{where}: its e-mails are those of different people ({who}); keep the one "
                "meant, or merge them in the directory first.")))  # fmt: skip
            continue
        if by_any:
            found[contact.number] = next(iter(by_any.values()))
            continue
        same = named.get(contact.name.casefold(), [])
        at_company = [p for p in same if _works_at(p, contact.company, companies)]
        candidates = at_company or same
        if len(candidates) > 1:
            at = f" at {contact.company}" if at_company else ""
            result.errors.append(RowError(contact.number, fields.name, (
                f"{where}: {len(candidates)} people are named “{contact.name}”{at}: add the "
                "e-mail, or merge them in the directory first.")))  # fmt: skip
        elif candidates and (at_company or not contact.company):
            found[contact.number] = candidates[0]
    return found


def _new_contact(
    actor: User, contact: Contact, companies: dict[str, Organization | None]
) -> Person:
    from accord.directory import services as directory

    return directory.person_create(actor=actor, data={
        "full_name": contact.name, "email": contact.emails[0] if contact.emails else "",
        "title": contact.position[:200], "organization": companies.get(contact.company.casefold()),
        "relation": Person.Relation.CONTACT,
    })  # fmt: skip


# Interactions from a spreadsheet ---------------------------------------------------------------

INTERACTION_COLUMNS = ("Date", "Title", "Kind", "Attendees", "Organizations", "Partnership",
                       "Summary", "Sentiment", "Follow-ups", "Executive", "Private",
                       "External ID")  # fmt: skip
REQUIRED_COLUMNS = ("Date", "Title", "Attendees")
YES, NO = ("yes", "true", "1"), ("no", "false", "0", "")


@dataclass
class PlannedInteraction:
    """A row of the file, checked, with the references it makes still to be resolved."""

    line: int
    data: dict[str, Any]
    emails: list[str]
    organizations: list[str]
    partnership: str
    external_uid: str


def _column_key(name: str) -> str:
    """A column's name as compared: case, spaces and hyphens aside ("follow ups" is
    "Follow-ups")."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _interaction_lines(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[RowError]]:
    """The rows under the header, each with the line of the file it starts on, by the
    columns' own names; or what is wrong with the header."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    expected = f"expected {', '.join(INTERACTION_COLUMNS)}"
    header = next(reader, None)
    if not header or not any(name.strip() for name in header):
        return [], [RowError(1, None, f"no header row ({expected}).")]
    known = {_column_key(name): name for name in INTERACTION_COLUMNS}
    columns = [known.get(_column_key(name)) for name in header]
    errors = [RowError(1, name, f"unknown column “{name}” ({expected}).")
              for name, column in zip(header, columns, strict=True)
              if column is None and name.strip()]  # fmt: skip
    errors += [RowError(1, name, f"no column “{name}” in the header row.")
               for name in REQUIRED_COLUMNS if name not in columns]  # fmt: skip
    if errors:
        return [], errors
    rows, last = [], reader.line_num
    try:
        for values in reader:
            line, last = last + 1, reader.line_num
            if any(value.strip() for value in values):
                rows.append((line, {column: value.strip() for column, value
                                    in zip(columns, values, strict=False) if column}))  # fmt: skip
    except csv.Error as error:
        errors.append(RowError(last + 1, None, f"not readable as CSV: {error}."))
    return rows, errors


def _choice(text: str, choices: Any) -> str | None:
    """The value of a choice given by its value or its label, whatever the case."""
    wanted = text.casefold()
    return next((value for value, label in choices.choices
                 if wanted in (value.casefold(), str(label).casefold())), None)  # fmt: skip


def _when(text: str) -> dt.datetime:
    """An ISO day (at midnight) or day and time, in the server's zone unless it says its own."""
    try:
        return _moment(dt.date.fromisoformat(text))
    except ValueError:
        return _moment(dt.datetime.fromisoformat(text))


def _plan_interaction(line: int, row: dict[str, str]) -> tuple[PlannedInteraction | None, list[
    RowError
]]:  # fmt: skip
    """A row's values checked on their own (references aside), or each problem of it."""
    get = {name: row.get(name, "") for name in INTERACTION_COLUMNS}
    errors: list[RowError] = []

    def refuse(column: str, message: str) -> None:
        errors.append(RowError(line, column, message))

    data: dict[str, Any] = {"title": get["Title"], "summary": get["Summary"],
                            "follow_ups": get["Follow-ups"],
                            "source": Interaction.Source.CSV}  # fmt: skip
    if not get["Title"]:
        refuse("Title", "no title.")
    elif len(get["Title"]) > 200:
        refuse("Title", "a title is at most 200 characters.")
    if not get["Date"]:
        refuse("Date", "no date.")
    else:
        try:
            data["occurred_at"] = _when(get["Date"])
        except ValueError:
            refuse("Date", f"“{get['Date']}” is not a day (2026-01-31) or a day and time "
                   "(2026-01-31 14:30).")  # fmt: skip
    data["kind"] = _choice(get["Kind"], Interaction.Kind) if get["Kind"] else "meeting"
    if data["kind"] is None:
        refuse("Kind", f"“{get['Kind']}” is not a kind ("
               f"{', '.join(str(label) for label in Interaction.Kind.labels)}).")  # fmt: skip
    data["sentiment"] = _choice(get["Sentiment"], Interaction.Sentiment) if get["Sentiment"] else ""
    if data["sentiment"] is None:
        refuse("Sentiment", f"“{get['Sentiment']}” is not positive, neutral or negative.")
    for column, name in (("Executive", "is_executive"), ("Private", "is_private")):
        if get[column].casefold() not in YES + NO:
            refuse(column, f"“{get[column]}” is not yes or no (or true/false, 1/0).")
        data[name] = get[column].casefold() in YES
    if len(get["External ID"]) > 290:
        refuse("External ID", "an External ID is at most 290 characters.")
    if errors:
        return None, errors
    emails = sorted({e.strip().casefold() for e in get["Attendees"].split(";") if e.strip()})
    organizations = [ref.strip() for ref in get["Organizations"].split(";") if ref.strip()]
    uid = f"csv:{get['External ID']}" if get["External ID"] else ""
    return PlannedInteraction(line, data, emails, organizations, get["Partnership"], uid), []


def _by_reference(actor: User, model: Any, name: str, refs: set[str]) -> dict[str, list[Any]]:
    """The visible rows of `model` each reference names: an id, or the `name` field whatever
    its case. One query."""
    ids = {int(ref) for ref in refs if ref.isdigit()}
    matching = Q(pk__in=ids)
    for ref in refs - {str(pk) for pk in ids}:
        matching |= Q(**{f"{name}__iexact": ref})
    found: dict[str, list[Any]] = {}
    for row in visible_to(actor, model).filter(matching):
        keys = {str(row.pk)} & refs | {getattr(row, name).casefold()}
        for key in keys:
            found.setdefault(key, []).append(row)
    return found


def _resolve(found: dict[str, list[Any]], ref: str, what: str) -> tuple[Any, str]:
    """The one row a reference names, or why not."""
    rows = found.get(ref if ref.isdigit() else ref.casefold(), [])
    if not rows:
        return None, f"no {what} “{ref}” (by its id or name)."
    if len(rows) > 1:
        return None, f"{len(rows)} {what}s are named “{ref}”: give its id."
    return rows[0], ""


def import_interactions(*, actor: User, path: Path, dry_run: bool = False) -> Result:
    """Interactions from a CSV file, one a row (Date and Title required; see
    INTERACTION_COLUMNS). Every row is checked first; a file with any broken row writes nothing.
    A row no one in the directory attended is left out and reported; a row with an External ID
    imported before updates that interaction instead of adding another."""
    policy.require(actor, policy.RELATIONSHIPS_RECORD)
    rows, errors = _interaction_lines(path)
    result = Result(entries=len(rows), errors=errors)
    planned: list[PlannedInteraction] = []
    first_line: dict[str, int] = {}
    for line, row in rows:
        plan, problems = _plan_interaction(line, row)
        result.errors += problems
        if plan is not None and plan.external_uid in first_line:
            result.errors.append(RowError(line, "External ID", "the same External ID as line "
                                          f"{first_line[plan.external_uid]}."))  # fmt: skip
        elif plan is not None:
            first_line.update({plan.external_uid: line} if plan.external_uid else {})
            planned.append(plan)
    writes = _references(actor, planned, result)
    if result.errors or dry_run:
        return result
    existing = {i.external_uid: i for i in Interaction.objects.filter(external_uid__in=first_line)}
    at: int | None = None
    try:
        with transaction.atomic():
            for plan, data, attendees, organizations in writes:
                at = plan.line
                _save_interaction(actor, plan, data, attendees, organizations, existing, result)
    except ValidationError as error:
        # A rule of the service the checks above did not foresee: reported, nothing kept.
        result.created = result.updated = 0
        result.errors.append(RowError(at, None, "; ".join(error.messages)))
    return result


Write = tuple[PlannedInteraction, dict[str, Any], list[Person], list[Organization] | None]


def _references(actor: User, planned: list[PlannedInteraction], result: Result) -> list[Write]:
    """What each row is to write, its people, organizations and partnership found (three
    queries); an unknown organization or partnership is an error, a row no one known attended
    is left out."""
    addresses = {e for plan in planned for e in plan.emails}
    people = _people_by_email(actor, addresses)
    result.unmatched = sorted(addresses - set(people))
    organizations = _by_reference(actor, Organization, "name",
                                  {r for plan in planned for r in plan.organizations})  # fmt: skip
    partnerships = _by_reference(actor, Partnership, "title",
                                 {p.partnership for p in planned if p.partnership})  # fmt: skip
    writes: list[Write] = []
    for plan in planned:
        found = [_resolve(organizations, ref, "organization") for ref in plan.organizations]
        partnership = _resolve(partnerships, plan.partnership, "partnership") if (
            plan.partnership) else (None, "")  # fmt: skip
        problems = [("Organizations", why) for _, why in found] + [("Partnership", partnership[1])]
        result.errors += [RowError(plan.line, column, why) for column, why in problems if why]
        attendees = [people[e] for e in plan.emails if e in people]
        if not attendees:
            result.skipped.append(f"line {plan.line}: “{plan.data['title']}”: no one in the "
                                  "directory attended.")  # fmt: skip
            continue
        data = {**plan.data, "partnership": partnership[0]}
        writes.append((plan, data, attendees, [o for o, _ in found] or None))
    return writes


def _save_interaction(
    actor: User, plan: PlannedInteraction, data: dict[str, Any], attendees: list[Person],
    organizations: list[Organization] | None, existing: dict[str, Interaction], result: Result,
) -> None:  # fmt: skip
    known = existing.get(plan.external_uid) if plan.external_uid else None
    if known is not None:
        data = {k: v for k, v in data.items() if k != "source"}
        services.interaction_update(actor=actor, interaction=known, data=data,
                                    attendees=attendees, organizations=organizations)  # fmt: skip
        result.updated += 1
        return
    created = services.interaction_create(actor=actor, data=data, attendees=attendees,
                                          organizations=organizations)  # fmt: skip
    if plan.external_uid:
        Interaction.objects.filter(pk=created.pk).update(external_uid=plan.external_uid)
    result.created += 1


def window_of(start: dt.date | None, end: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    """The days to expand recurring events within: the last year up to today by default."""
    today = timezone.localdate()
    first, last = start or today - dt.timedelta(days=365), end or today
    local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return (dt.datetime.combine(first, dt.time(), tzinfo=local),
            dt.datetime.combine(last, dt.time.max, tzinfo=local))  # fmt: skip
