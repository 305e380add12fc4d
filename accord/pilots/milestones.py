"""Milestones and sprints of a partnership or one of its pilots: authorized through the
policy, validated, saved and audited in one transaction. A milestone's owner, on either side,
completes it; the partnership's team keeps the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import outsiders
from accord.partnerships.services import sharing
from accord.pilots.models import Milestone, Pilot, Sprint
from accord.pilots.services import owner_errors

MILESTONE_FIELDS = ("pilot", "title", "description", "side", "owner", "due_on", "completed_on")
SPRINT_FIELDS = ("pilot", "kind", "title", "starts_on", "ends_on", "guests", "outcomes")


def _pilot_errors(item: Milestone | Sprint) -> dict[str, list[str]]:
    pilot: Pilot | None = item.pilot
    if pilot is not None and pilot.partnership_id != item.partnership_id:
        return {"pilot": [f"{pilot.title} is a pilot of another partnership."]}
    return {}


def _today() -> dt.date:
    return timezone.localdate()


def _completion_errors(milestone: Milestone) -> dict[str, list[str]]:
    done = milestone.completed_on
    if isinstance(done, dt.date) and done > _today():
        return {"completed_on": [f"{done} is in the future (today is {_today()})."]}
    return {}


def _milestone_errors(milestone: Milestone) -> dict[str, list[str]]:
    return {
        **_pilot_errors(milestone),
        **_completion_errors(milestone),
        **owner_errors("owner", milestone.owner, milestone.partnership, milestone.side),
    }


def _shared_changes(parties: list[Any]) -> dict[str, Any]:
    return {"shared_with": [None, [p.organization.name for p in parties]]} if parties else {}


@transaction.atomic
def milestone_create(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    visibility: str = "internal",
    shared_with: Any = None,
) -> Milestone:
    policy.require_change_partnership(actor, partnership)
    milestone = Milestone(partnership=partnership)
    assign(milestone, data, MILESTONE_FIELDS)
    milestone.visibility, parties = sharing(actor, partnership, visibility, shared_with)
    validate(milestone, _milestone_errors(milestone))
    milestone.save()
    milestone.shared_with.set(parties)
    values = audit.snapshot(milestone, MILESTONE_FIELDS)
    changes = {**audit.diff({}, {**values, "partnership": partnership.pk}),
               **_shared_changes(parties)}  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=milestone, changes=changes)
    return milestone


@transaction.atomic
def milestone_update(
    *,
    actor: User,
    milestone: Milestone,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Milestone:
    """Change the fields in `data`; its owner may only complete it or reopen it. EditConflict
    if edited since `expected_version` was read."""
    partnership = milestone.partnership
    team = policy.can_change_partnership(actor, partnership)
    if not policy.can_work_on(
        actor, milestone, partnership, milestone.owner_id, changes_partnership=team
    ):
        raise PermissionDenied("Only its owner or the partnership's team may update it.")
    fields = MILESTONE_FIELDS if team else ("completed_on",)
    if not team and set(data) - {"completed_on", "version"}:
        raise PermissionDenied("As its owner you may complete it or reopen it; ask the team.")
    before = audit.snapshot(milestone, MILESTONE_FIELDS)
    loaded = versions.loaded(milestone)
    assign(milestone, data, fields)
    validate(milestone, _milestone_errors(milestone))
    submitted = {name: data[name] for name in fields if name in data}
    versions.save_changes(milestone, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(milestone, MILESTONE_FIELDS))
    if changes:
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=milestone, changes=changes
        )
    return milestone


def milestone_complete(
    *, actor: User, milestone: Milestone, done: bool = True, expected_version: int | None = None
) -> Milestone:
    """Mark it done today, or open again."""
    return milestone_update(
        actor=actor,
        milestone=milestone,
        data={"completed_on": _today() if done else None},
        expected_version=expected_version,
    )


def _sprint_errors(sprint: Sprint) -> dict[str, list[str]]:
    errors = _pilot_errors(sprint)
    starts, ends = sprint.starts_on, sprint.ends_on
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        errors["ends_on"] = [f"The sprint ends ({ends}) before it starts ({starts})."]
    return errors


def _participant_errors(partnership: Partnership, people: list[User]) -> dict[str, list[str]]:
    outside = outsiders(partnership, people)
    if outside:
        return {"participants": [f"Neither ours nor a party's: {', '.join(outside)}."]}
    return {}


def _sprint_values(sprint: Sprint) -> dict[str, Any]:
    return audit.snapshot(sprint, [*SPRINT_FIELDS, "participants"])


@transaction.atomic
def sprint_create(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    participants: Iterable[User] = (),
    visibility: str = "internal",
    shared_with: Any = None,
) -> Sprint:
    policy.require_change_partnership(actor, partnership)
    people = list(participants)
    sprint = Sprint(partnership=partnership)
    assign(sprint, data, SPRINT_FIELDS)
    sprint.visibility, parties = sharing(actor, partnership, visibility, shared_with)
    validate(sprint, {**_sprint_errors(sprint), **_participant_errors(partnership, people)})
    sprint.save()
    sprint.participants.set(people)
    sprint.shared_with.set(parties)
    changes = {**audit.diff({}, {**_sprint_values(sprint), "partnership": partnership.pk}),
               **_shared_changes(parties)}  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=sprint, changes=changes)
    return sprint


@transaction.atomic
def sprint_update(
    *,
    actor: User,
    sprint: Sprint,
    data: Mapping[str, Any],
    participants: Iterable[User] | None = None,
    expected_version: int | None = None,
) -> Sprint:
    """Change the fields in `data` and, when given, the participants; EditConflict if edited
    since `expected_version` was read."""
    policy.require_change_partnership(actor, sprint.partnership)
    before = _sprint_values(sprint)
    loaded = versions.loaded(sprint)
    assign(sprint, data, SPRINT_FIELDS)
    people = None if participants is None else list(participants)
    errors = _sprint_errors(sprint)
    if people is not None:
        errors.update(_participant_errors(sprint.partnership, people))
    validate(sprint, errors)
    submitted = {name: data[name] for name in SPRINT_FIELDS if name in data}
    changed = people is not None and {p.pk for p in people} != set(
        sprint.participants.values_list("pk", flat=True)
    )
    if people is not None:
        submitted["participants"] = people
    versions.save_changes(
        sprint, loaded, submitted=submitted, expected_version=expected_version,
        related_changed=changed,
    )  # fmt: skip
    if changed and people is not None:
        sprint.participants.set(people)
    changes = audit.diff(before, _sprint_values(sprint))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=sprint, changes=changes)
    return sprint


def may_update(actor: User, milestone: Milestone, *, team: bool) -> bool:
    """For a page that read `milestone` through the policy and knows whether `actor` is on
    the partnership's team."""
    return policy.can_work_on(
        actor,
        milestone,
        milestone.partnership,
        milestone.owner_id,
        changes_partnership=team,
        read_through_policy=True,
    )
