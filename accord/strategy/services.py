"""Every write to the strategy: validated, saved and audited in one transaction.

Nothing here deletes: priorities, gaps and plays are archived, so the partnerships that point
at them keep their history and the traceability page can still explain them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, validate
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority

PRIORITY_FIELDS = ("title", "description", "horizon_year", "owner", "weight", "status")
GAP_FIELDS = ("priority", "title", "kind", "importance", "description", "target_date", "status")
PLAY_FIELDS = ("title", "type", "objective", "budget", "owner", "status")
HORIZON_YEARS = 15
DIRECTIONS = ("up", "down")


def _submitted(data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    return {name: data[name] for name in fields if name in data}


def _record(actor: User, action: str, instance: models.Model, changes: Mapping[str, Any]) -> None:
    audit.record(actor=actor, action=action, instance=instance, changes=changes)


def _next_position(queryset: models.QuerySet[Any]) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _require_actor(actor: User | None) -> None:
    if actor is None:
        raise ValueError("a strategy write needs a known actor")
    policy.require(actor, policy.STRATEGY_CHANGE)


def _today() -> dt.date:
    return timezone.localdate()


# Priorities ------------------------------------------------------------------------------


def _priority_values(priority: StrategicPriority) -> dict[str, Any]:
    return audit.snapshot(priority, [*PRIORITY_FIELDS, "position"])


def _horizon_errors(priority: StrategicPriority) -> dict[str, list[str]]:
    year, first = priority.horizon_year, _today().year
    if isinstance(year, int) and not first <= year <= first + HORIZON_YEARS:
        last = first + HORIZON_YEARS
        return {"horizon_year": [f"The horizon year must be from {first} to {last}."]}
    return {}


@transaction.atomic
def priority_create(*, actor: User, data: Mapping[str, Any]) -> StrategicPriority:
    _require_actor(actor)
    priority = StrategicPriority()
    assign(priority, data, PRIORITY_FIELDS)
    priority.position = _next_position(StrategicPriority.objects.all())
    validate(priority, _horizon_errors(priority))
    priority.save()
    _record(actor, AuditEvent.Action.CREATE, priority, audit.diff({}, _priority_values(priority)))
    return priority


@transaction.atomic
def priority_update(
    *,
    actor: User,
    priority: StrategicPriority,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> StrategicPriority:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read."""
    _require_actor(actor)
    before = _priority_values(priority)
    loaded = versions.loaded(priority)
    assign(priority, data, PRIORITY_FIELDS)
    validate(priority, {})
    versions.save_changes(
        priority,
        loaded,
        submitted=_submitted(data, PRIORITY_FIELDS),
        expected_version=expected_version,
    )
    changes = audit.diff(before, _priority_values(priority))
    if changes:
        _record(actor, AuditEvent.Action.UPDATE, priority, changes)
    return priority


def priority_archive(*, actor: User, priority: StrategicPriority) -> StrategicPriority:
    """Archive, never delete: its gaps and the partnerships under them keep their context."""
    return priority_update(
        actor=actor, priority=priority, data={"status": StrategicPriority.Status.ARCHIVED}
    )


@transaction.atomic
def priority_move(*, actor: User, priority: StrategicPriority, direction: str) -> StrategicPriority:
    _reorder(actor, StrategicPriority.objects.all(), priority, direction)
    priority.refresh_from_db(fields=["position"])
    return priority


# Gaps ------------------------------------------------------------------------------------


def _gap_values(gap: CapabilityGap) -> dict[str, Any]:
    return audit.snapshot(gap, [*GAP_FIELDS, "position"])


def _target_date_errors(gap: CapabilityGap) -> dict[str, list[str]]:
    if isinstance(gap.target_date, dt.date) and gap.target_date < _today():
        return {"target_date": [f"The target date cannot be in the past (today is {_today()})."]}
    return {}


@transaction.atomic
def gap_create(*, actor: User, data: Mapping[str, Any]) -> CapabilityGap:
    _require_actor(actor)
    gap = CapabilityGap()
    assign(gap, data, GAP_FIELDS)
    if gap.priority_id is not None:
        gap.position = _next_position(CapabilityGap.objects.filter(priority_id=gap.priority_id))
    validate(gap, _target_date_errors(gap))
    gap.save()
    _record(actor, AuditEvent.Action.CREATE, gap, audit.diff({}, _gap_values(gap)))
    return gap


@transaction.atomic
def gap_update(
    *,
    actor: User,
    gap: CapabilityGap,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> CapabilityGap:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read."""
    _require_actor(actor)
    before = _gap_values(gap)
    loaded = versions.loaded(gap)
    assign(gap, data, GAP_FIELDS)
    if gap.priority_id != loaded["priority_id"]:  # moved: to the end of its new priority's list
        gap.position = _next_position(CapabilityGap.objects.filter(priority_id=gap.priority_id))
    validate(gap, {})
    versions.save_changes(
        gap, loaded, submitted=_submitted(data, GAP_FIELDS), expected_version=expected_version
    )
    changes = audit.diff(before, _gap_values(gap))
    if changes:
        _record(actor, AuditEvent.Action.UPDATE, gap, changes)
    return gap


def gap_archive(*, actor: User, gap: CapabilityGap) -> CapabilityGap:
    return gap_update(actor=actor, gap=gap, data={"status": CapabilityGap.Status.ARCHIVED})


@transaction.atomic
def gap_move(*, actor: User, gap: CapabilityGap, direction: str) -> CapabilityGap:
    _reorder(actor, CapabilityGap.objects.filter(priority_id=gap.priority_id), gap, direction)
    gap.refresh_from_db(fields=["position"])
    return gap


# Plays -----------------------------------------------------------------------------------


def _play_values(play: PartnershipPlay) -> dict[str, Any]:
    return audit.snapshot(play, [*PLAY_FIELDS, "gaps"])


CENTS = Decimal("0.01")


def _budget_errors(play: PartnershipPlay) -> dict[str, list[str]]:
    """Refuse a negative budget; store cents so "5" and "5.00" are not recorded as a change."""
    if isinstance(play.budget, int | Decimal) and Decimal(play.budget).is_finite():
        play.budget = Decimal(play.budget).quantize(CENTS)
        if play.budget < 0:
            return {"budget": ["The budget cannot be negative."]}
    return {}


@transaction.atomic
def play_create(
    *, actor: User, data: Mapping[str, Any], gaps: Iterable[CapabilityGap] = ()
) -> PartnershipPlay:
    _require_actor(actor)
    play = PartnershipPlay()
    assign(play, data, PLAY_FIELDS)
    play.position = _next_position(PartnershipPlay.objects.all())
    validate(play, _budget_errors(play))
    play.save()
    play.gaps.set(list(gaps))
    _record(actor, AuditEvent.Action.CREATE, play, audit.diff({}, _play_values(play)))
    return play


@transaction.atomic
def play_update(
    *,
    actor: User,
    play: PartnershipPlay,
    data: Mapping[str, Any],
    gaps: Iterable[CapabilityGap] | None = None,
    expected_version: int | None = None,
) -> PartnershipPlay:
    """Change the fields in `data` and, when given, the gaps; EditConflict if edited since
    `expected_version` was read."""
    _require_actor(actor)
    before = _play_values(play)
    loaded = versions.loaded(play)
    assign(play, data, PLAY_FIELDS)
    validate(play, _budget_errors(play))
    submitted = _submitted(data, PLAY_FIELDS)
    if gaps is not None:
        submitted["gaps"] = list(gaps)
    gaps_changed = gaps is not None and {g.pk for g in submitted["gaps"]} != set(
        play.gaps.values_list("pk", flat=True)
    )
    versions.save_changes(
        play,
        loaded,
        submitted=submitted,
        expected_version=expected_version,
        related_changed=gaps_changed,
    )
    if gaps_changed:
        play.gaps.set(submitted["gaps"])
    changes = audit.diff(before, _play_values(play))
    if changes:
        _record(actor, AuditEvent.Action.UPDATE, play, changes)
    return play


def play_archive(*, actor: User, play: PartnershipPlay) -> PartnershipPlay:
    return play_update(actor=actor, play=play, data={"status": PartnershipPlay.Status.ARCHIVED})


# Ordering --------------------------------------------------------------------------------


def _reorder(
    actor: User, siblings: models.QuerySet[Any], row: models.Model, direction: str
) -> None:
    """Swap `row` with its neighbour; positions are renumbered 1..n so ties cannot stall it."""
    _require_actor(actor)
    if direction not in DIRECTIONS:
        raise ValidationError({"direction": ['Move "up" or "down".']})
    rows = list(siblings.select_for_update().order_by("position", "id"))
    index = next(i for i, r in enumerate(rows) if r.pk == row.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, sibling in enumerate(rows, start=1):
        if sibling.position != position:
            changes = {"position": [sibling.position, position]}
            sibling.position = position
            sibling.save(update_fields=["position", "updated_at"])
            _record(actor, AuditEvent.Action.UPDATE, sibling, changes)
