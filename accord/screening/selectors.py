"""Reads of screening rounds, through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

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
