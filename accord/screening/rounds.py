"""Screening rounds: candidates, reviewers assigned to them, and the reviewers' scores.

A reviewer scores every criterion of the round's rubric version, each with evidence and a
confidence, then submits; until then the others' scores of that candidate stay hidden from
it (see the access policy's rule for assessments). Every score is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit, policy
from accord.core.models import AuditEvent
from accord.directory.models import Organization
from accord.partnerships.models import Partnership, Stage
from accord.scouting.models import ScanCandidate
from accord.screening.models import (
    SCALE,
    Assessment,
    Criterion,
    ReviewAssignment,
    Rubric,
    Screening,
    ScreeningCandidate,
)
from accord.screening.rubrics import current_version

SCORE_FIELDS = ("score", "evidence", "confidence")


def _require(actor: User, action: str = policy.SCREENING_MANAGE) -> None:
    if not policy.can(actor, action):
        raise PermissionDenied("Your role may not do this in a screening.")


def _require_open(screening: Screening) -> None:
    if screening.status != Screening.Status.OPEN:
        raise ValidationError("This screening is closed; reopen it to change it.")


@transaction.atomic
def screening_create(*, actor: User, rubric: Rubric, data: Mapping[str, Any]) -> Screening:
    _require(actor)
    if rubric.status != Rubric.Status.ACTIVE:
        raise ValidationError({"rubric": "This rubric is archived."})
    screening = Screening(rubric_version=current_version(rubric), created_by=actor)
    for name in ("title", "gap", "aggregation", "disagreement_threshold"):
        if name in data:
            setattr(screening, name, data[name])
    screening.full_clean()
    screening.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=screening,
        changes={"title": [None, screening.title], "rubric": [None, str(screening.rubric_version)]},
    )
    return screening


@transaction.atomic
def screening_set_status(*, actor: User, screening: Screening, status: str) -> Screening:
    _require(actor)
    if status not in Screening.Status.values:
        raise ValidationError({"status": f"Unknown status {status!r}."})
    if screening.status != status:
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=screening,
            changes={"status": [screening.status, status]},
        )
        screening.status = status
        screening.save(update_fields=["status", "updated_at"])
    return screening


@transaction.atomic
def candidate_add(
    *,
    actor: User,
    screening: Screening,
    organization: Organization | None = None,
    partnership: Partnership | None = None,
    scan_candidate: ScanCandidate | None = None,
) -> ScreeningCandidate:
    """Add an organization, a partnership at the screening stage (its first partner), or a
    scouting candidate that was shortlisted."""
    _require(actor)
    _require_open(screening)
    if scan_candidate is not None:
        if scan_candidate.status != ScanCandidate.Status.SHORTLISTED:
            raise ValidationError(
                {"scan_candidate": f"{scan_candidate.organization.name} is "
                 f"{scan_candidate.get_status_display()} in its scan; shortlist it first."}
            )  # fmt: skip
        organization = scan_candidate.organization
    if partnership is not None:
        if partnership.stage != Stage.SCREENING:
            raise ValidationError(
                {"partnership": f"{partnership.title} is at {partnership.get_stage_display()}, "
                 "not at screening."}
            )  # fmt: skip
        party = partnership.parties.select_related("organization").first()
        if party is None:
            raise ValidationError({"partnership": f"{partnership.title} has no partner yet."})
        organization = party.organization
    if organization is None:
        raise ValidationError({"organization": "Name the organization to screen."})
    if organization.is_self:
        raise ValidationError({"organization": "Our own company is not a candidate."})
    if screening.candidates.filter(organization=organization).exists():
        raise ValidationError({"organization": f"{organization.name} is already a candidate."})
    candidate = ScreeningCandidate.objects.create(
        screening=screening,
        organization=organization,
        partnership=partnership,
        scan_candidate=scan_candidate,
    )
    changes = {"screening": [None, screening.pk], "organization": [None, organization.name]}
    if scan_candidate is not None:
        changes["scan_candidate"] = [None, scan_candidate.pk]
    audit.record(actor=actor, action=AuditEvent.Action.CREATE, instance=candidate, changes=changes)
    return candidate


@transaction.atomic
def reviewers_assign(
    *, actor: User, candidates: Iterable[ScreeningCandidate], reviewers: Iterable[Any]
) -> list[ReviewAssignment]:
    """Ask each reviewer to score each candidate; existing assignments are kept.

    Only candidates the actor may see are assigned, and each reviewer only those it may see:
    a confidential partnership's candidate goes to its own team.
    """
    _require(actor)
    candidates = list(candidates)
    visible = set(
        policy.visible_to(actor, ScreeningCandidate)
        .filter(pk__in=[c.pk for c in candidates])
        .values_list("pk", flat=True)
    )
    created = []
    for reviewer in reviewers:
        if not policy.can(reviewer, policy.SCREENING_ASSESS):
            raise ValidationError(
                {"reviewers": f"{reviewer.get_username()} has a role that does not assess."}
            )
        sees = set(
            policy.visible_to(reviewer, ScreeningCandidate)
            .filter(pk__in=visible)
            .values_list("pk", flat=True)
        )
        for candidate in candidates:
            _require_open(candidate.screening)
            if candidate.pk not in sees:
                continue
            assignment, new = ReviewAssignment.objects.get_or_create(
                candidate=candidate, reviewer=reviewer
            )
            if new:
                audit.record(
                    actor=actor,
                    action=AuditEvent.Action.CREATE,
                    instance=assignment,
                    changes={"reviewer": [None, reviewer.get_username()]},
                )
                created.append(assignment)
    return created


def _clean_score(criterion: Criterion, data: Mapping[str, Any]) -> dict[str, Any]:
    low, high = SCALE
    raw: Any = data.get("score")  # as posted: text, a number or nothing
    try:
        score = int(raw)
        if score != float(raw):
            raise ValueError
    except (TypeError, ValueError):
        raise ValidationError(
            {"scores": f"{criterion.name}: the score must be a whole number from {low} to {high}."}
        ) from None
    if not low <= score <= high:
        raise ValidationError(
            {"scores": f"{criterion.name}: {score} is outside the scale {low} to {high}."}
        )
    confidence = data.get("confidence") or Assessment.Confidence.MEDIUM
    if confidence not in Assessment.Confidence.values:
        raise ValidationError({"scores": f"{criterion.name}: unknown confidence {confidence!r}."})
    return {"score": score, "evidence": str(data.get("evidence") or ""), "confidence": confidence}


@transaction.atomic
def scores_save(
    *,
    actor: User,
    assignment: ReviewAssignment,
    scores: Mapping[int, Mapping[str, Any]],
    submit: bool = False,
) -> ReviewAssignment:
    """Save the reviewer's own scores by criterion id; `submit` needs every criterion scored."""
    if assignment.reviewer_id != actor.pk or not policy.can(actor, policy.SCREENING_ASSESS):
        raise PermissionDenied("Only the assigned reviewer scores this candidate.")
    screening = assignment.candidate.screening
    _require_open(screening)
    criteria = {c.pk: c for c in screening.rubric_version.criteria.all()}
    unknown = [str(pk) for pk in scores if pk not in criteria]
    if unknown:
        raise ValidationError({"scores": f"No criterion {', '.join(unknown)} in this rubric."})
    cleaned = {pk: _clean_score(criteria[pk], data) for pk, data in scores.items()}
    existing = {a.criterion_id: a for a in assignment.assessments.all()}
    for pk, values in cleaned.items():
        assessment = existing.get(pk) or Assessment(assignment=assignment, criterion=criteria[pk])
        before = audit.snapshot(assessment, SCORE_FIELDS) if assessment.pk else {}
        for name, value in values.items():
            setattr(assessment, name, value)
        changes = audit.diff(before, audit.snapshot(assessment, SCORE_FIELDS))
        if changes:
            assessment.save()
            changes["criterion"] = [None, criteria[pk].name]
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE if before else AuditEvent.Action.CREATE,
                instance=assessment,
                changes=changes,
            )
    if submit:
        scored = set(existing) | set(cleaned)
        missing = [c.name for pk, c in criteria.items() if pk not in scored]
        if missing:
            raise ValidationError({"scores": f"Score every criterion first: {', '.join(missing)}."})
        if assignment.submitted_at is None:
            assignment.submitted_at = timezone.now()
            assignment.save(update_fields=["submitted_at"])
            audit.record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                instance=assignment,
                changes={"submitted": [False, True]},
            )
    return assignment
