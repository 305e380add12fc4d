"""Reads of screening rounds, through the access policy."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accord.core.policy import visible_to
from accord.screening.models import ReviewAssignment, Screening, ScreeningCandidate


def own_assignments(actor: Any, screening: Screening) -> QuerySet[ReviewAssignment]:
    """The reviews of the round assigned to `actor`."""
    return visible_to(actor, ReviewAssignment).filter(
        candidate__screening=screening, reviewer=actor
    )


def own_assignment(actor: Any, candidate: ScreeningCandidate) -> ReviewAssignment | None:
    """The review of `candidate` assigned to `actor`, or None."""
    return visible_to(actor, ReviewAssignment).filter(candidate=candidate, reviewer=actor).first()
