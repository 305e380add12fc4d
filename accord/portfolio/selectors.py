"""The portfolio seen from the top: for each executive sponsor, the partnerships they sponsor
with their KPIs against last quarter's targets, their latest health and what is overdue. Every
read on behalf of a user and through the access policy."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.governance.models import ActionItem
from accord.metrics import periods
from accord.metrics.selectors import QuarterStanding, RoundResult, latest_health, quarter_standings
from accord.partnerships.models import EXITS, Partnership
from accord.pilots.models import Milestone, Pilot


@dataclass
class Overdue:
    pilots: int = 0
    milestones: int = 0
    actions: int = 0

    @property
    def total(self) -> int:
        return self.pilots + self.milestones + self.actions


@dataclass
class ScorecardRow:
    partnership: Partnership
    kpis: QuarterStanding
    health: RoundResult | None
    overdue: Overdue


@dataclass
class Scorecard:
    sponsor: User
    rows: list[ScorecardRow] = field(default_factory=list)

    @property
    def kpis_met(self) -> tuple[int, int]:
        return (sum(r.kpis.met for r in self.rows), sum(r.kpis.targets for r in self.rows))

    @property
    def overdue(self) -> int:
        return sum(r.overdue.total for r in self.rows)


def _counts(rows: dict[int, Overdue], qs: QuerySet[Any], path: str, attribute: str) -> None:
    for partnership_id, n in qs.values_list(path).annotate(n=Count("pk")).order_by():
        setattr(rows[partnership_id], attribute, n)


def overdue_by_partnership(actor: User, ids: list[int], today: dt.date) -> dict[int, Overdue]:
    """Pilots past their timebox undecided, milestones and open action items past due. Three
    queries."""
    found: dict[int, Overdue] = defaultdict(Overdue)
    pilots = visible_to(actor, Pilot).filter(
        partnership__in=ids, status__in=Pilot.OPEN_STATUSES, ends_on__lt=today
    )
    _counts(found, pilots, "partnership_id", "pilots")
    milestones = visible_to(actor, Milestone).filter(
        partnership__in=ids, completed_on__isnull=True, due_on__lt=today
    )
    _counts(found, milestones, "partnership_id", "milestones")
    actions = visible_to(actor, ActionItem).filter(
        Q(committee__partnership__in=ids), status=ActionItem.Status.OPEN, due_on__lt=today
    )
    _counts(found, actions, "committee__partnership_id", "actions")
    return found


def scorecards(actor: User, *, today: dt.date | None = None) -> tuple[dt.date, list[Scorecard]]:
    """One scorecard per executive sponsor of an open partnership the actor sees, against the
    last complete quarter. A constant number of queries, however many partnerships."""
    today = today or timezone.localdate()
    quarter = periods.shift(periods.quarter_of(today), -1)
    partnerships = list(
        visible_to(actor, Partnership)
        .filter(executive_sponsor__isnull=False)
        .exclude(stage__in=EXITS)
        .select_related("executive_sponsor")
        .order_by("title", "pk")
    )
    ids = [p.pk for p in partnerships]
    standings = quarter_standings(actor, ids, quarter)
    health = latest_health(actor, ids)
    overdue = overdue_by_partnership(actor, ids, today)
    by_sponsor: dict[int, Scorecard] = {}
    for partnership in partnerships:
        sponsor = partnership.executive_sponsor
        assert sponsor is not None
        card = by_sponsor.setdefault(sponsor.pk, Scorecard(sponsor))
        standing = standings.get(partnership.pk, QuarterStanding())
        latest = health.get(partnership.pk)
        card.rows.append(ScorecardRow(partnership, standing, latest, overdue[partnership.pk]))
    cards = sorted(by_sponsor.values(), key=lambda c: c.sponsor.get_username())
    return quarter, cards
