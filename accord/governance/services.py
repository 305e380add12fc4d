"""Every write to governance: authorized through the policy, validated, saved and audited in
one transaction. The partnership's team keeps committees, meetings, decisions and actions; an
action item's owner, on either side, marks it done."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User, hash_token
from accord.core import audit, events, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.governance.models import ActionItem, CalendarFeed, Committee, Decision, Meeting
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import outsiders
from accord.partnerships.services import sharing

COMMITTEE_FIELDS = ("name", "charter", "cadence", "chair")
MEETING_FIELDS = ("title", "starts_at", "ends_at", "location", "agenda", "minutes", "cancelled")
DECISION_FIELDS = ("meeting", "title", "details", "decided_by", "decided_on")
ACTION_FIELDS = ("meeting", "decision", "title", "owner", "due_on", "status")


def _today() -> dt.date:
    return timezone.localdate()


def _people_errors(
    field: str, partnership: Partnership, people: Iterable[User]
) -> dict[str, list[str]]:
    outside = outsiders(partnership, people)
    if outside:
        return {field: [f"Neither ours nor a party's: {', '.join(outside)}."]}
    return {}


def _record(actor: User, action: str, instance: Any, changes: Mapping[str, Any]) -> None:
    if changes:
        audit.record(actor=actor, action=action, instance=instance, changes=changes)


# Committees ----------------------------------------------------------------------------------


def _committee_values(committee: Committee) -> dict[str, Any]:
    return audit.snapshot(committee, [*COMMITTEE_FIELDS, "members"])


@transaction.atomic
def committee_create(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    members: Iterable[User] = (),
    visibility: str = "shared",
    shared_with: Any = None,
) -> Committee:
    """A committee of the partnership, its meetings and decisions shared as chosen (with the
    only party, by default)."""
    policy.require_change_partnership(actor, partnership)
    people = list(members)
    committee = Committee(partnership=partnership)
    assign(committee, data, COMMITTEE_FIELDS)
    committee.visibility, parties = sharing(actor, partnership, visibility, shared_with)
    chair = [committee.chair] if committee.chair else []
    validate(committee, _people_errors("members", partnership, [*people, *chair]))
    committee.save()
    committee.members.set(people)
    committee.shared_with.set(parties)
    changes = audit.diff({}, {**_committee_values(committee), "partnership": partnership.pk})
    if parties:
        changes["shared_with"] = [None, [p.organization.name for p in parties]]
    _record(actor, AuditEvent.Action.CREATE, committee, changes)
    return committee


@transaction.atomic
def committee_update(
    *,
    actor: User,
    committee: Committee,
    data: Mapping[str, Any],
    members: Iterable[User] | None = None,
    expected_version: int | None = None,
) -> Committee:
    policy.require_change_partnership(actor, committee.partnership)
    before = _committee_values(committee)
    loaded = versions.loaded(committee)
    assign(committee, data, COMMITTEE_FIELDS)
    people = None if members is None else list(members)
    check = [*(people or []), *([committee.chair] if committee.chair else [])]
    validate(committee, _people_errors("members", committee.partnership, check))
    submitted = {name: data[name] for name in COMMITTEE_FIELDS if name in data}
    changed = people is not None and {p.pk for p in people} != set(
        committee.members.values_list("pk", flat=True)
    )
    if people is not None:
        submitted["members"] = people
    versions.save_changes(committee, loaded, submitted=submitted,
                          expected_version=expected_version, related_changed=changed)  # fmt: skip
    if changed and people is not None:
        committee.members.set(people)
    _record(actor, AuditEvent.Action.UPDATE, committee,
            audit.diff(before, _committee_values(committee)))  # fmt: skip
    return committee


# Meetings ------------------------------------------------------------------------------------


def _meeting_values(meeting: Meeting) -> dict[str, Any]:
    return audit.snapshot(meeting, [*MEETING_FIELDS, "attendees"])


def _meeting_errors(meeting: Meeting) -> dict[str, list[str]]:
    starts, ends = meeting.starts_at, meeting.ends_at
    if isinstance(starts, dt.datetime) and isinstance(ends, dt.datetime) and ends <= starts:
        zone = timezone.get_current_timezone()
        return {"ends_at": [
            f"The meeting ends ({ends.astimezone(zone):%Y-%m-%d %H:%M}) before it starts "
            f"({starts.astimezone(zone):%Y-%m-%d %H:%M})."
        ]}  # fmt: skip
    return {}


@transaction.atomic
def meeting_create(
    *, actor: User, committee: Committee, data: Mapping[str, Any], attendees: Iterable[User] = ()
) -> Meeting:
    policy.require_change_partnership(actor, committee.partnership)
    people = list(attendees)
    meeting = Meeting(committee=committee)
    assign(meeting, data, MEETING_FIELDS)
    errors = {**_meeting_errors(meeting),
              **_people_errors("attendees", committee.partnership, people)}  # fmt: skip
    validate(meeting, errors)
    meeting.save()
    meeting.attendees.set(people)
    changes = audit.diff({}, {**_meeting_values(meeting), "committee": committee.pk})
    _record(actor, AuditEvent.Action.CREATE, meeting, changes)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor: User,
    meeting: Meeting,
    data: Mapping[str, Any],
    attendees: Iterable[User] | None = None,
    expected_version: int | None = None,
) -> Meeting:
    """Change the fields in `data` (the minutes, a new time, a cancellation) and, when given,
    the attendees; each change bumps the version, which calendar invitations carry."""
    policy.require_change_partnership(actor, meeting.committee.partnership)
    before = _meeting_values(meeting)
    loaded = versions.loaded(meeting)
    assign(meeting, data, MEETING_FIELDS)
    people = None if attendees is None else list(attendees)
    errors = _meeting_errors(meeting)
    if people is not None:
        errors.update(_people_errors("attendees", meeting.committee.partnership, people))
    validate(meeting, errors)
    submitted = {name: data[name] for name in MEETING_FIELDS if name in data}
    changed = people is not None and {p.pk for p in people} != set(
        meeting.attendees.values_list("pk", flat=True)
    )
    if people is not None:
        submitted["attendees"] = people
    versions.save_changes(meeting, loaded, submitted=submitted,
                          expected_version=expected_version, related_changed=changed)  # fmt: skip
    if changed and people is not None:
        meeting.attendees.set(people)
    _record(actor, AuditEvent.Action.UPDATE, meeting, audit.diff(before, _meeting_values(meeting)))
    return meeting


# Decisions and action items --------------------------------------------------------------------


def _same_committee(item: Decision | ActionItem) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    meeting: Meeting | None = item.meeting
    if meeting is not None and meeting.committee_id != item.committee_id:
        errors["meeting"] = [f"“{meeting}” is a meeting of another committee."]
    decision = getattr(item, "decision", None)
    if decision is not None and decision.committee_id != item.committee_id:
        errors["decision"] = [f"“{decision}” is a decision of another committee."]
    return errors


@transaction.atomic
def decision_record(*, actor: User, committee: Committee, data: Mapping[str, Any]) -> Decision:
    """Log what was decided, by whom and when; entries are kept as recorded."""
    policy.require_change_partnership(actor, committee.partnership)
    decision = Decision(committee=committee, recorded_by=actor)
    assign(decision, data, DECISION_FIELDS)
    errors = _same_committee(decision)
    if isinstance(decision.decided_on, dt.date) and decision.decided_on > _today():
        errors["decided_on"] = [f"{decision.decided_on} is in the future (today is {_today()})."]
    validate(decision, errors)
    decision.save()
    changes = audit.diff({}, {**audit.snapshot(decision, DECISION_FIELDS),
                              "committee": committee.pk})  # fmt: skip
    _record(actor, AuditEvent.Action.CREATE, decision, changes)
    partnership = committee.partnership
    events.emit(events.DECISION_RECORDED, {
        "source": "committee", "committee": committee.name, "partnership": partnership.pk,
        "title": partnership.title, "decision": decision.title, "by": actor.get_username(),
        "confidential": partnership.is_confidential,
    })  # fmt: skip
    return decision


def _action_errors(item: ActionItem) -> dict[str, list[str]]:
    errors = _same_committee(item)
    if item.owner is not None:
        errors.update(_people_errors("owner", item.committee.partnership, [item.owner]))
    return errors


def _completion(item: ActionItem) -> None:
    done = item.status == ActionItem.Status.DONE
    item.completed_on = (item.completed_on or _today()) if done else None


@transaction.atomic
def action_item_create(*, actor: User, committee: Committee, data: Mapping[str, Any]) -> ActionItem:
    policy.require_change_partnership(actor, committee.partnership)
    item = ActionItem(committee=committee)
    assign(item, data, ACTION_FIELDS)
    _completion(item)
    validate(item, _action_errors(item))
    item.save()
    changes = audit.diff({}, {**audit.snapshot(item, ACTION_FIELDS), "committee": committee.pk})
    _record(actor, AuditEvent.Action.CREATE, item, changes)
    return item


@transaction.atomic
def action_item_update(
    *,
    actor: User,
    item: ActionItem,
    data: Mapping[str, Any],
    expected_version: int | None = None,
    read_through_policy: bool = False,
) -> ActionItem:
    """Change the fields in `data`: the team any, its owner only the status. EditConflict if
    edited since `expected_version` was read."""
    partnership = item.committee.partnership
    team = policy.can_change_partnership(actor, partnership)
    if not policy.can_work_on(actor, item, partnership, item.owner_id, changes_partnership=team,
                              read_through_policy=read_through_policy):  # fmt: skip
        raise PermissionDenied("Only its owner or the partnership's team may update it.")
    if not team and set(data) - {"status"}:
        raise PermissionDenied("As its owner you may change its status; ask the team for more.")
    fields = ACTION_FIELDS if team else ("status",)
    before = audit.snapshot(item, [*ACTION_FIELDS, "completed_on"])
    loaded = versions.loaded(item)
    assign(item, data, fields)
    _completion(item)
    validate(item, _action_errors(item))
    submitted = {name: data[name] for name in fields if name in data}
    versions.save_changes(item, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(item, [*ACTION_FIELDS, "completed_on"]))
    _record(actor, AuditEvent.Action.UPDATE, item, changes)
    return item


# The calendar feed -----------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, actor: User) -> str:
    """A new secret feed link for `actor`, replacing any earlier one; answers the token, which
    is shown once and stored only as its hash."""
    if policy.signed_in(actor) is None:
        raise PermissionDenied("Sign in first.")
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.filter(user=actor).delete()
    CalendarFeed.objects.create(user=actor, token_hash=hash_token(token))
    _record(actor, AuditEvent.Action.CREATE, actor, {"calendar_feed": [None, "created"]})
    return token


@transaction.atomic
def calendar_feed_revoke(*, actor: User) -> bool:
    deleted, _ = CalendarFeed.objects.filter(user=actor).delete()
    if deleted:
        _record(actor, AuditEvent.Action.UPDATE, actor, {"calendar_feed": ["created", None]})
    return bool(deleted)


def calendar_feed_user(token: str) -> User | None:
    """The active user whose feed `token` opens; None for an unknown or revoked one."""
    feed = CalendarFeed.objects.filter(token_hash=hash_token(token)).select_related("user").first()
    if feed is None or policy.signed_in(feed.user) is None:
        return None
    return feed.user
