"""Reads of pilots, each through the access policy and given the acting user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accord.accounts.models import User
from accord.core import policy
from accord.core.policy import get_visible_or_404, visible_to
from accord.core.prefetch import attach
from accord.partnerships.models import Partnership
from accord.pilots.filters import MilestoneFilter, PilotFilter, SprintFilter
from accord.pilots.models import (
    CriterionActual,
    Milestone,
    Pilot,
    PilotDecision,
    ReadinessScore,
    Sprint,
    SuccessCriterion,
    plain,
)

LIST_LIMIT = 10


def pilot_rows(actor: User) -> QuerySet[Pilot]:
    return visible_to(actor, Pilot).select_related("partnership", "owner", "partner_owner")


def pilot_list(actor: User, params: Any = None) -> PilotFilter:
    return PilotFilter(params, queryset=pilot_rows(actor))


def pilot_detail(actor: User, pk: Any) -> Pilot:
    pilot = get_visible_or_404(actor, Pilot, pk=pk)
    return pilot_rows(actor).get(pk=pilot.pk)


def mark_overdue(pilots: list[Pilot], today: dt.date) -> list[Pilot]:
    for pilot in pilots:
        days = pilot.days_overdue(today)
        attach(pilot, overdue=days > 0, days_over=days)
    return pilots


def partnership_pilots(actor: User, partnership: Partnership) -> list[Pilot]:
    rows = pilot_rows(actor).filter(partnership=partnership)
    return mark_overdue(list(rows), timezone.localdate())


def overdue_pilots(actor: User, today: dt.date) -> list[Pilot]:
    """Open pilots past their timebox, longest overdue first. One query."""
    rows = (
        visible_to(actor, Pilot)
        .filter(status__in=Pilot.OPEN_STATUSES, ends_on__lt=today)
        .select_related("partnership")
        .only("pk", "title", "status", "ends_on", "partnership__title")
        .order_by("ends_on", "pk")[:LIST_LIMIT]
    )
    return mark_overdue(list(rows), today)


@dataclass
class CriterionStanding:
    criterion: SuccessCriterion
    actuals: list[CriterionActual]

    @property
    def latest(self) -> Decimal | None:
        return self.actuals[-1].value if self.actuals else None

    @property
    def latest_text(self) -> str:
        return "" if self.latest is None else plain(self.latest)

    @property
    def met(self) -> bool | None:
        latest = self.latest
        return None if latest is None else self.criterion.is_met_by(latest)


def criteria_standing(actor: User, pilot: Pilot) -> list[CriterionStanding]:
    """The pilot's criteria, each with its actuals in time order. Two queries."""
    actuals = visible_to(actor, CriterionActual).select_related("recorded_by")
    criteria = (
        visible_to(actor, SuccessCriterion)
        .filter(pilot=pilot)
        .select_related("assignee")
        .prefetch_related(Prefetch("actuals", queryset=actuals))
    )
    return [CriterionStanding(c, list(c.actuals.all())) for c in criteria]


def readiness_of(actor: User, pilot: Pilot) -> dict[str, ReadinessScore]:
    rows = visible_to(actor, ReadinessScore).filter(pilot=pilot).select_related("assessed_by")
    return {row.dimension: row for row in rows}


def decisions_of(actor: User, pilot: Pilot) -> list[PilotDecision]:
    return list(visible_to(actor, PilotDecision).filter(pilot=pilot))


def assignable_users(pilot: Pilot) -> QuerySet[User]:
    """Who may own a criterion or the partner's side: our active users, and the users of the
    parties the pilot is shared with (only partner users belong to an organization)."""
    active = User.objects.filter(is_active=True)
    ours = policy.internal_accounts(active).values("pk")
    shared = pilot.shared_with.values("organization_id") if pilot.pk else []
    return active.filter(Q(pk__in=ours) | Q(organization_id__in=shared)).order_by("username")


def partner_users_of(partnership: Partnership) -> QuerySet[User]:
    """The active users of the partnership's parties (only partner users have one)."""
    parties = partnership.parties.values("organization_id")
    return User.objects.filter(is_active=True, organization_id__in=parties).order_by("username")


def milestone_rows(actor: User) -> QuerySet[Milestone]:
    return visible_to(actor, Milestone).select_related("partnership", "pilot", "owner")


def milestone_list(actor: User, params: Any = None) -> MilestoneFilter:
    return MilestoneFilter(params, queryset=milestone_rows(actor))


def mark_late(milestones: list[Milestone], today: dt.date) -> list[Milestone]:
    for milestone in milestones:
        days = milestone.days_overdue(today)
        attach(milestone, overdue=days > 0, days_over=days)
    return milestones


def partnership_milestones(actor: User, partnership: Partnership) -> list[Milestone]:
    rows = milestone_rows(actor).filter(partnership=partnership)
    return mark_late(list(rows), timezone.localdate())


def overdue_milestones(actor: User, today: dt.date) -> list[Milestone]:
    """Milestones past their due date and not done, longest overdue first. One query."""
    rows = (
        visible_to(actor, Milestone)
        .filter(completed_on__isnull=True, due_on__lt=today)
        .select_related("partnership", "owner")
        .only(
            "pk", "title", "side", "due_on", "completed_on", "partnership__title", "owner__username"
        )
        .order_by("due_on", "pk")[:LIST_LIMIT]
    )
    return mark_late(list(rows), today)


def sprint_rows(actor: User) -> QuerySet[Sprint]:
    return (
        visible_to(actor, Sprint)
        .select_related("partnership", "pilot")
        .prefetch_related(Prefetch("participants", queryset=User.objects.order_by("username")))
    )


def sprint_list(actor: User, params: Any = None) -> SprintFilter:
    return SprintFilter(params, queryset=sprint_rows(actor))
