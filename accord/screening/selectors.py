"""Reads of screening rounds, through the access policy."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.screening.models import ReviewAssignment, Screening, ScreeningCandidate


def own_assignments(actor: User, screening: Screening) -> QuerySet[ReviewAssignment]:
    """The reviews of the round assigned to `actor`."""
    return visible_to(actor, ReviewAssignment).filter(
        candidate__screening=screening, reviewer=actor
    )


def own_assignment(actor: User, candidate: ScreeningCandidate) -> ReviewAssignment | None:
    """The review of `candidate` assigned to `actor`, or None."""
    return visible_to(actor, ReviewAssignment).filter(candidate=candidate, reviewer=actor).first()


def round_candidates(actor: User, screening: Screening) -> list[ScreeningCandidate]:
    """The round's candidates with their organization, partnership and every review
    assignment (`assignment_list`, with the reviewer): who reviews is not confidential."""
    assignments = ReviewAssignment.objects.select_related("reviewer")
    return list(
        visible_to(actor, ScreeningCandidate)
        .filter(screening=screening)
        .select_related("organization", "partnership")
        .prefetch_related(Prefetch("assignments", queryset=assignments, to_attr="assignment_list"))
    )
