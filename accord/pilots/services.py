"""Every write to pilots: authorized through the policy, validated, saved and audited in one
transaction. A pilot ends by a decision (scale, iterate, kill), never by an edit of its status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, events, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign, decimal_of, validate
from accord.partnerships.models import Partnership
from accord.partnerships.services import sharing
from accord.pilots.models import (
    CriterionActual,
    Pilot,
    PilotDecision,
    ReadinessScore,
    Side,
    SuccessCriterion,
    plain,
)

PILOT_FIELDS = (
    "title",
    "hypothesis",
    "scope",
    "starts_on",
    "ends_on",
    "budget",
    "owner",
    "partner_owner",
    "status",
)
CRITERION_FIELDS = ("metric", "unit", "comparator", "target", "assignee")
# Set by an edit; succeeded and failed are set by a decision only.
EDITABLE_STATUSES = (*Pilot.OPEN_STATUSES, Pilot.Status.STOPPED)
DIMENSIONS = ReadinessScore.Dimension
CENTS = Decimal("0.01")


def _today() -> dt.date:
    return timezone.localdate()


# Pilots ------------------------------------------------------------------------------------


def _pilot_values(pilot: Pilot) -> dict[str, Any]:
    return audit.snapshot(pilot, PILOT_FIELDS)


def owner_errors(
    field: str, user: User | None, partnership: Partnership, side: str
) -> dict[str, list[str]]:
    """An owner on our side is one of our users; on the partner's, a user of one of its parties."""
    if user is None:
        return {}
    if side == Side.OURS:
        if policy.is_internal(user):
            return {}
        return {field: [f"{user.get_username()} is not one of our company's users."]}
    own = policy.partner_organization_id(user)
    if own is not None and partnership.parties.filter(organization_id=own).exists():
        return {}
    return {field: [f"{user.get_username()} is not a user of a party of {partnership.title}."]}


def _pilot_errors(pilot: Pilot, *, status_changed: bool) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status_changed and pilot.status not in EDITABLE_STATUSES:
        errors["status"] = [
            f"A pilot is {pilot.get_status_display()} only by a decision: record a scale or "
            "kill decision instead."
        ]
    if isinstance(pilot.budget, Decimal) and pilot.budget.is_finite():
        pilot.budget = pilot.budget.quantize(CENTS)
        if pilot.budget < 0:
            errors["budget"] = ["The budget cannot be negative."]
    errors.update(owner_errors("owner", pilot.owner, pilot.partnership, Side.OURS))
    errors.update(
        owner_errors("partner_owner", pilot.partner_owner, pilot.partnership, Side.PARTNER)
    )
    starts, ends = pilot.starts_on, pilot.ends_on
    if isinstance(starts, dt.date) and isinstance(ends, dt.date) and ends < starts:
        errors["ends_on"] = [f"The timebox ends ({ends}) before it starts ({starts})."]
    return errors


@transaction.atomic
def pilot_create(
    *,
    actor: User,
    partnership: Partnership,
    data: Mapping[str, Any],
    visibility: str = "internal",
    shared_with: Any = None,
) -> Pilot:
    policy.require_change_partnership(actor, partnership)
    pilot = Pilot(partnership=partnership)
    assign(pilot, data, PILOT_FIELDS)
    visibility, parties = sharing(actor, partnership, visibility, shared_with)
    pilot.visibility = visibility
    validate(pilot, _pilot_errors(pilot, status_changed=True))
    pilot.save()
    pilot.shared_with.set(parties)
    changes = audit.diff({}, {**_pilot_values(pilot), "partnership": partnership.pk})
    if parties:
        changes["shared_with"] = [None, [p.organization.name for p in parties]]
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=pilot, changes=changes)
    return pilot


@transaction.atomic
def pilot_update(
    *,
    actor: User,
    pilot: Pilot,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Pilot:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read."""
    policy.require_change_partnership(actor, pilot.partnership)
    before = _pilot_values(pilot)
    loaded = versions.loaded(pilot)
    assign(pilot, data, PILOT_FIELDS)
    validate(pilot, _pilot_errors(pilot, status_changed=pilot.status != before["status"]))
    submitted = {name: data[name] for name in PILOT_FIELDS if name in data}
    versions.save_changes(pilot, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, _pilot_values(pilot))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=pilot, changes=changes)
    return pilot


# Success criteria and their actuals ---------------------------------------------------------


def _criterion_values(criterion: SuccessCriterion) -> dict[str, Any]:
    return audit.snapshot(criterion, CRITERION_FIELDS)


def _criterion_errors(criterion: SuccessCriterion) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if criterion.target is None:
        errors["target"] = [f"Give the target “{criterion.metric or 'the metric'}” must reach."]
    assignee = criterion.assignee
    if (
        assignee is not None
        and not policy.visible_to(assignee, Pilot).filter(pk=criterion.pilot_id).exists()
    ):
        errors["assignee"] = [
            f"{assignee.get_username()} cannot see this pilot; share it with their "
            "organization or choose someone on the partnership."
        ]
    return errors


@transaction.atomic
def criterion_add(*, actor: User, pilot: Pilot, data: Mapping[str, Any]) -> SuccessCriterion:
    policy.require_change_partnership(actor, pilot.partnership)
    if not pilot.is_open:
        raise ValidationError(
            {"metric": f"{pilot.title} is {pilot.get_status_display()}: its criteria are closed."}
        )
    top = pilot.criteria.aggregate(top=Max("position"))["top"]
    criterion = SuccessCriterion(pilot=pilot, position=(top or 0) + 1)
    assign(criterion, data, CRITERION_FIELDS)
    validate(criterion, _criterion_errors(criterion))
    criterion.save()
    changes = audit.diff({}, {**_criterion_values(criterion), "pilot": pilot.pk})
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=criterion, changes=changes)
    return criterion


@transaction.atomic
def criterion_update(
    *,
    actor: User,
    criterion: SuccessCriterion,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> SuccessCriterion:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read.
    The unit is fixed once actuals are recorded in it."""
    policy.require_change_partnership(actor, criterion.pilot.partnership)
    before = _criterion_values(criterion)
    loaded = versions.loaded(criterion)
    assign(criterion, data, CRITERION_FIELDS)
    errors = _criterion_errors(criterion)
    if criterion.unit != before["unit"] and criterion.actuals.exists():
        errors["unit"] = [
            f"Actuals are recorded in {before['unit']}; add a new criterion for another unit."
        ]
    validate(criterion, errors)
    submitted = {name: data[name] for name in CRITERION_FIELDS if name in data}
    versions.save_changes(criterion, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, _criterion_values(criterion))
    if changes:
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=criterion, changes=changes
        )
    return criterion


@transaction.atomic
def actual_record(
    *,
    actor: User,
    criterion: SuccessCriterion,
    value: Any,
    observed_on: dt.date | None,
    unit: str | None = None,
    note: str = "",
) -> CriterionActual:
    """Record a measured value; `unit`, when given, must be the criterion's own."""
    partnership = criterion.pilot.partnership
    if not policy.can_work_on(actor, criterion, partnership, criterion.assignee_id):
        raise PermissionDenied("Only the criterion's assignee or the partnership's team may.")
    pilot = criterion.pilot
    if not pilot.is_open:
        raise ValidationError(
            {"value": f"{pilot.title} is {pilot.get_status_display()}: its actuals are closed."}
        )
    errors: dict[str, list[str]] = {}
    if unit is not None and unit.strip().casefold() != criterion.unit.casefold():
        errors["unit"] = [
            f"“{criterion.metric}” is measured in {criterion.unit}, not in {unit.strip()}."
        ]
    if observed_on is None:
        errors["observed_on"] = ["Give the date the value was observed."]
        raise ValidationError(errors)
    if observed_on > _today():
        errors["observed_on"] = [f"{observed_on} is in the future (today is {_today()})."]
    number = decimal_of(value, "value", f"The actual of “{criterion.metric}”")
    actual = CriterionActual(
        criterion=criterion,
        value=number,
        observed_on=observed_on,
        note=(note or "").strip(),
        recorded_by=actor,
    )
    validate(actual, errors)
    actual.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=actual,
        changes={
            "criterion": [None, criterion.pk],
            "value": [None, str(actual.value)],
            "observed_on": [None, str(actual.observed_on)],
        },
    )
    return actual


# Readiness and the decision --------------------------------------------------------------


@transaction.atomic
def readiness_assess(
    *, actor: User, pilot: Pilot, scores: Mapping[str, Mapping[str, Any]]
) -> list[ReadinessScore]:
    """Score the dimensions given, each 1-5 with its evidence; others keep their scores."""
    policy.require_change_partnership(actor, pilot.partnership)
    errors: dict[str, list[str]] = {}
    existing = {row.dimension: row for row in pilot.readiness.all()}
    saved = []
    for dimension, given in scores.items():
        if dimension not in DIMENSIONS.values:
            errors.setdefault("dimension", []).append(f"“{dimension}” is not a dimension.")
            continue
        label = DIMENSIONS(dimension).label
        given_score = given.get("score")
        score = given_score if type(given_score) is int and 1 <= given_score <= 5 else None
        evidence = str(given.get("evidence") or "").strip()
        if score is None:
            errors.setdefault(dimension, []).append(f"Score {label} readiness from 1 to 5.")
        if not evidence:
            errors.setdefault(dimension, []).append(f"Give the evidence for {label} readiness.")
        if score is None or not evidence:
            continue
        row = existing.get(dimension) or ReadinessScore(pilot=pilot, dimension=dimension)
        before = audit.snapshot(row, ["score", "evidence"]) if row.pk else {}
        row.score, row.evidence = score, evidence
        row.assessed_by, row.assessed_at = actor, timezone.now()
        saved.append((row, before))
    if errors:
        raise ValidationError(errors)
    for row, before in saved:
        action = AuditEvent.Action.UPDATE if row.pk else AuditEvent.Action.CREATE
        row.save()
        changes = audit.diff(before, audit.snapshot(row, ["score", "evidence"]))
        if changes:
            audit.record(actor=actor, action=action, instance=row, changes=changes)
    return [row for row, _ in saved]


def readiness_missing(pilot: Pilot) -> list[str]:
    """The dimensions not yet assessed, by name."""
    scored = {row.dimension for row in pilot.readiness.all()}
    return [d.label for d in DIMENSIONS if d.value not in scored]


def _standing(pilot: Pilot) -> dict[str, Any]:
    """The criteria's latest actuals against their targets, and the readiness scores."""
    criteria = []
    for criterion in pilot.criteria.prefetch_related("actuals"):
        latest = list(criterion.actuals.all())[-1:]
        value = latest[0].value if latest else None
        criteria.append(
            {
                "metric": criterion.metric,
                "target": f"{criterion.get_comparator_display()} {plain(criterion.target)}",
                "unit": criterion.unit,
                "latest": None if value is None else plain(value),
                "met": value is not None and criterion.is_met_by(value),
            }
        )
    readiness = {row.dimension: row.score for row in pilot.readiness.all()}
    return {"criteria": criteria, "readiness": readiness}


@transaction.atomic
def pilot_decide(
    *,
    actor: User,
    pilot: Pilot,
    decision: str,
    rationale: str,
    ends_on: dt.date | None = None,
    expected_version: int | None = None,
) -> PilotDecision:
    """Record scale, iterate or kill with its rationale. Scaling needs every readiness
    dimension assessed; iterating runs the pilot on to a new end of its timebox (`ends_on`)."""
    if not policy.can_move_partnership(actor, pilot.partnership):
        raise PermissionDenied("Only the partnership's team, an executive or an administrator.")
    errors: dict[str, list[str]] = {}
    if decision not in Pilot.Decision.values:
        errors["decision"] = [f"“{decision}” is not a decision: scale, iterate or kill."]
    if not (rationale or "").strip():
        errors["rationale"] = ["Give the rationale for the decision."]
    if not pilot.is_open:
        errors["decision"] = [
            f"{pilot.title} was already decided ({pilot.get_decision_display()})."
        ]
    if decision == Pilot.Decision.SCALE and (missing := readiness_missing(pilot)):
        errors["readiness"] = [f"Assess readiness before scaling: {', '.join(missing)}."]
    if decision == Pilot.Decision.ITERATE and (ends_on is None or ends_on <= _today()):
        errors["ends_on"] = ["Iterating needs a new end of the timebox, after today."]
    if errors:
        raise ValidationError(errors)
    before = _pilot_values(pilot) | {"decision": pilot.decision}
    loaded = versions.loaded(pilot)
    status = {
        Pilot.Decision.SCALE: Pilot.Status.SUCCEEDED,
        Pilot.Decision.KILL: Pilot.Status.FAILED,
        Pilot.Decision.ITERATE: Pilot.Status.RUNNING,
    }[Pilot.Decision(decision)]
    pilot.decision, pilot.status, pilot.decided_at = decision, status, timezone.now()
    submitted: dict[str, Any] = {"decision": decision, "status": status}
    if decision == Pilot.Decision.ITERATE and ends_on is not None:
        pilot.ends_on = submitted["ends_on"] = ends_on
    versions.save_changes(pilot, loaded, submitted=submitted, expected_version=expected_version)
    record = PilotDecision.objects.create(
        pilot=pilot,
        decision=decision,
        rationale=rationale.strip(),
        decided_by=actor,
        decided_by_name=actor.get_username(),
        decided_at=pilot.decided_at,
        evidence=_standing(pilot),
    )
    changes = audit.diff(before, _pilot_values(pilot) | {"decision": pilot.decision})
    changes["rationale"] = [None, record.rationale]
    audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=pilot, changes=changes)
    partnership = pilot.partnership
    events.emit(events.DECISION_RECORDED, {
        "source": "pilot", "pilot": pilot.pk, "pilot_title": pilot.title,
        "partnership": partnership.pk, "title": partnership.title, "decision": decision,
        "rationale": record.rationale, "by": actor.get_username(),
        "confidential": partnership.is_confidential,
    })  # fmt: skip
    return record
