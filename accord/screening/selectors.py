"""Reads of screening rounds, through the access policy."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import get_object_or_404

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.screening.models import ReviewAssignment, Screening, ScreeningCandidate


def round_or_404(actor: User, pk: int) -> Screening:
    """The round `pk` with its rubric version and gap, if `actor` may read it (404 if not)."""
    rounds = visible_to(actor, Screening).select_related("rubric_version__rubric", "gap")
    return get_object_or_404(rounds, pk=pk)


def own_assignment(actor: User, candidate: ScreeningCandidate) -> ReviewAssignment | None:
    """The review of `candidate` assigned to `actor`, or None."""
    return visible_to(actor, ReviewAssignment).filter(candidate=candidate, reviewer=actor).first()


def with_assignments(candidates: list[ScreeningCandidate]) -> list[ScreeningCandidate]:
    """`candidates`, read through the policy, each given every review assignment
    (`assignment_list`, with the reviewer's name and role): who reviews is not confidential."""
    assignments = ReviewAssignment.objects.select_related("reviewer").only(
        "candidate_id", "submitted_at", "reviewer__username", "reviewer__role"
    )
    prefetch_related_objects(
        candidates, Prefetch("assignments", queryset=assignments, to_attr="assignment_list")
    )
    return candidates
