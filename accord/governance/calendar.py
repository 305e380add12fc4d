"""Meetings as iCalendar (RFC 5545): an invitation per meeting and a user's feed, written with
the icalendar library. A meeting keeps its UID; its version is the SEQUENCE, so a calendar
application replaces the event it holds when the time, place or attendees change."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from accord.accounts.models import User
from accord.governance.models import Meeting

PRODUCT = "-//Accord//Partnership governance//EN"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    return calendar


def _address(user: User, role: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["cn"] = vText(user.get_full_name() or user.get_username())
    address.params["role"] = vText(role)
    return address


def meeting_uid(meeting: Meeting) -> str:
    """Unique to this install: the meeting's id at the install's first host name."""
    host = next((h for h in settings.ALLOWED_HOSTS if h and "*" not in h), "accord.invalid")
    return f"meeting-{meeting.pk}@{host.lstrip('.')}"


def _event(meeting: Meeting, attendees: Iterable[User]) -> Event:
    event = Event()
    event.add("uid", meeting_uid(meeting))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at)
    event.add("summary", f"{meeting.title} ({meeting.committee.name})")
    if meeting.location:
        event.add("location", meeting.location)
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("sequence", meeting.version)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    chair = meeting.committee.chair
    if chair is not None and chair.email:
        event.add("organizer", _address(chair, "CHAIR"))
    for person in attendees:
        if person.email:
            event.add("attendee", _address(person, "REQ-PARTICIPANT"))
    return event


def invitation(meeting: Meeting, attendees: Iterable[User]) -> bytes:
    """The meeting as an invitation (METHOD:REQUEST; CANCEL when it was called off)."""
    calendar = _calendar("CANCEL" if meeting.cancelled else "REQUEST")
    calendar.add_component(_event(meeting, attendees))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting]) -> bytes:
    """A user's meetings as a published calendar; attendees left out of a feed."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", "Accord meetings")
    for meeting in meetings:
        calendar.add_component(_event(meeting, ()))
    return calendar.to_ical()
