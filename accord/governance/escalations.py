"""Escalations: raised by either side, passed up a path of people, each with its severity's
time to answer, until someone resolves it. Authorized through the policy and audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.governance.models import Escalation, EscalationStep
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import outsiders
from accord.partnerships.services import sharing

FIELDS = ("title", "description", "severity")


def default_path(partnership: Partnership) -> list[User]:
    """Its owner, then its executive sponsor: who answers when no path is given."""
    people = [partnership.owner, partnership.executive_sponsor]
    return list(dict.fromkeys(p for p in people if p is not None))


def holder(escalation: Escalation) -> User | None:
    steps = [s for s in escalation.path.all() if s.position == escalation.level]
    return steps[0].person if steps else None


def may_act(actor: User, escalation: Escalation) -> bool:
    """Who passes it on or resolves it: the partnership's team and the one holding it."""
    if policy.can_change_partnership(actor, escalation.partnership):
        return True
    current = holder(escalation)
    return current is not None and current.pk == getattr(actor, "pk", None)


@transaction.atomic
def escalation_raise(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    path: Iterable[User] | None = None,
    visibility: str = "internal",
    shared_with: Any = None,
) -> Escalation:
    """Raise an issue; a partner user's is shared with its own organization."""
    if not policy.can_contribute_to_partnership(actor, partnership):
        raise PermissionDenied("Only its team, its parties or an administrator may raise one.")
    people = list(path) if path is not None else default_path(partnership)
    now = timezone.now()
    escalation = Escalation(partnership=partnership, raised_by=actor, raised_at=now,
                            level_since=now)  # fmt: skip
    assign(escalation, data, FIELDS)
    escalation.visibility, parties = sharing(actor, partnership, visibility, shared_with)
    errors: dict[str, list[str]] = {}
    if not people:
        errors["path"] = [f"Name who answers it: {partnership.title} has no owner or sponsor."]
    elif outside := outsiders(partnership, people):
        errors["path"] = [f"Neither ours nor a party's: {', '.join(outside)}."]
    elif len({p.pk for p in people}) < len(people):
        errors["path"] = ["A person appears twice on the path."]
    validate(escalation, errors)
    escalation.save()
    EscalationStep.objects.bulk_create(
        [EscalationStep(escalation=escalation, position=n, person=p) for n, p in enumerate(people)]
    )
    escalation.shared_with.set(parties)
    changes = audit.diff({}, {**audit.snapshot(escalation, FIELDS),
                              "partnership": partnership.pk,
                              "path": [p.get_username() for p in people]})  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=escalation,
                 changes=changes)  # fmt: skip
    return escalation


def _require_open(actor: User, escalation: Escalation) -> None:
    if not may_act(actor, escalation):
        raise PermissionDenied("Only the one holding it or the partnership's team may.")
    if not escalation.is_open:
        raise ValidationError({"resolution": f"“{escalation}” was resolved already."})


@transaction.atomic
def escalation_step_up(
    *, actor: User, escalation: Escalation, expected_version: int | None = None
) -> Escalation:
    """Pass it to the next person on its path; their clock starts now."""
    _require_open(actor, escalation)
    steps = list(escalation.path.all())
    if escalation.level + 1 >= len(steps):
        raise ValidationError({"path": ["It is with the last person on its path already."]})
    before, loaded = escalation.level, versions.loaded(escalation)
    escalation.level, escalation.level_since = escalation.level + 1, timezone.now()
    versions.save_changes(escalation, loaded, submitted={"level": escalation.level},
                          expected_version=expected_version)  # fmt: skip
    names = {s.position: s.person.get_username() for s in steps}
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=escalation,
                 changes={"held_by": [names[before], names[escalation.level]]})  # fmt: skip
    return escalation


@transaction.atomic
def escalation_resolve(
    *, actor: User, escalation: Escalation, resolution: str, expected_version: int | None = None
) -> Escalation:
    _require_open(actor, escalation)
    if not (resolution or "").strip():
        raise ValidationError({"resolution": ["Say how it was resolved."]})
    loaded = versions.loaded(escalation)
    escalation.resolution = resolution.strip()
    escalation.resolved_at, escalation.resolved_by = timezone.now(), actor
    versions.save_changes(escalation, loaded, submitted={"resolution": escalation.resolution},
                          expected_version=expected_version)  # fmt: skip
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=escalation,
                 changes={"resolution": [None, escalation.resolution]})  # fmt: skip
    return escalation
