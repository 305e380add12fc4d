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
from accord.partnerships.coverage import STAGE_WEIGHT, gap_coverage
from accord.partnerships.history import stages_as_of
from accord.partnerships.models import EXITS, Partnership, Stage
from accord.pilots.models import Milestone, Pilot
from accord.portfolio.optimizer import Option, money
from accord.strategy.models import CapabilityGap, PartnershipPlay


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


def overdue_by_partnership(
    actor: User, ids: list[int], today: dt.date, *, as_of: dt.datetime | None = None
) -> dict[int, Overdue]:
    """Pilots past their timebox undecided, milestones and open action items past due; with
    `as_of`, as they stood then. Three queries."""
    found: dict[int, Overdue] = defaultdict(Overdue)
    pilots = visible_to(actor, Pilot).filter(partnership__in=ids, ends_on__lt=today)
    milestones = visible_to(actor, Milestone).filter(partnership__in=ids, due_on__lt=today)
    actions = (
        visible_to(actor, ActionItem)
        .filter(committee__partnership__in=ids, due_on__lt=today)
        .exclude(status=ActionItem.Status.CANCELLED)
    )
    if as_of is None:
        pilots = pilots.filter(status__in=Pilot.OPEN_STATUSES)
        milestones = milestones.filter(completed_on__isnull=True)
        actions = actions.filter(status=ActionItem.Status.OPEN)
    else:
        day = timezone.localdate(as_of)
        pilots = pilots.filter(created_at__lte=as_of).filter(
            Q(status__in=Pilot.OPEN_STATUSES) | Q(decided_at__gt=as_of)
        )
        milestones = milestones.filter(created_at__lte=as_of).filter(
            Q(completed_on__isnull=True) | Q(completed_on__gt=day)
        )
        actions = actions.filter(created_at__lte=as_of).filter(
            Q(completed_on__isnull=True) | Q(completed_on__gt=day)
        )
    _counts(found, pilots, "partnership_id", "pilots")
    _counts(found, milestones, "partnership_id", "milestones")
    _counts(found, actions, "committee__partnership_id", "actions")
    return found


def scorecards(
    actor: User, *, today: dt.date | None = None, quarter: dt.date | None = None,
    as_of: dt.datetime | None = None,
) -> tuple[dt.date, list[Scorecard]]:  # fmt: skip
    """One scorecard per executive sponsor of an open partnership the actor sees, against
    `quarter` (the last complete one); with `as_of`, as things stood then. A constant number
    of queries, however many partnerships."""
    today = today or timezone.localdate()
    quarter = quarter or periods.shift(periods.quarter_of(today), -1)
    partnerships = visible_to(actor, Partnership).filter(executive_sponsor__isnull=False)
    if as_of is None:
        partnerships = partnerships.exclude(stage__in=EXITS)
    else:
        stages = stages_as_of(partnerships, as_of)
        opened = [pk for pk, stage in stages.items() if stage not in EXITS]
        partnerships = partnerships.filter(pk__in=opened)
    chosen = list(partnerships.select_related("executive_sponsor").order_by("title", "pk"))
    ids = [p.pk for p in chosen]
    standings = quarter_standings(actor, ids, quarter, as_of=as_of)
    health = latest_health(actor, ids, as_of=as_of)
    overdue = overdue_by_partnership(actor, ids, today, as_of=as_of)
    by_sponsor: dict[int, Scorecard] = {}
    for partnership in chosen:
        sponsor = partnership.executive_sponsor
        assert sponsor is not None
        card = by_sponsor.setdefault(sponsor.pk, Scorecard(sponsor))
        standing = standings.get(partnership.pk, QuarterStanding())
        latest = health.get(partnership.pk)
        card.rows.append(ScorecardRow(partnership, standing, latest, overdue[partnership.pk]))
    cards = sorted(by_sponsor.values(), key=lambda c: c.sponsor.get_username())
    return quarter, cards


# The optimizer's inputs -------------------------------------------------------------------------

COMMITTED = (Stage.PILOTING, Stage.ACTIVE, Stage.RENEWAL_REVIEW)
CANDIDATE_STAGES = (Stage.CANDIDATE, Stage.SCREENING, Stage.ENGAGING, Stage.NEGOTIATING)


@dataclass
class OptimizerInputs:
    options: list[Option]
    weights: dict[int, float]
    gap_titles: dict[int, str]
    left_out: int  # options without a budget


def optimizer_inputs(actor: User) -> OptimizerInputs:
    """Plays, planned pilots and pipeline candidates with a budget, each with the gaps it would
    cover, and each open gap's weight: its importance times what the partnerships already
    piloting or active leave uncovered. A constant number of queries."""
    coverage = gap_coverage(actor)
    weights, titles = {}, {}
    for row in coverage:
        gap = row.gap
        if gap.status not in (CapabilityGap.Status.OPEN, CapabilityGap.Status.ADDRESSING):
            continue
        committed = sum(STAGE_WEIGHT[s] * n for s, n in row.by_stage.items() if s in COMMITTED)
        weights[gap.pk] = gap.importance * (1 - min(1.0, committed))
        titles[gap.pk] = gap.title
    options, left_out = [], 0
    plays = (
        visible_to(actor, PartnershipPlay)
        .filter(status__in=(PartnershipPlay.Status.PROPOSED, PartnershipPlay.Status.ACTIVE))
        .prefetch_related("gaps")
    )
    for play in plays:
        if play.budget is None:
            left_out += 1
            continue
        options.append(Option(f"play:{play.pk}", f"Play: {play.title}", money(play.budget), 0.0,
                              frozenset(g.pk for g in play.gaps.all())))  # fmt: skip
    partnership_gaps = _gaps_of(visible_to(actor, Partnership).exclude(stage__in=EXITS))
    pilots = (
        visible_to(actor, Pilot).filter(status=Pilot.Status.PLANNED).select_related("partnership")
    )
    for pilot in pilots:
        if pilot.budget is None:
            left_out += 1
            continue
        gaps = frozenset(partnership_gaps.get(pilot.partnership_id, ()))
        options.append(Option(f"pilot:{pilot.pk}", f"Pilot: {pilot.title}", money(pilot.budget),
                              0.0, gaps))  # fmt: skip
    candidates = visible_to(actor, Partnership).filter(stage__in=CANDIDATE_STAGES)
    for partnership in candidates.order_by("title", "pk"):
        if partnership.budget is None:
            left_out += 1
            continue
        options.append(Option(
            f"partnership:{partnership.pk}", f"Candidate: {partnership.title}",
            money(partnership.budget), float(partnership.committed_fte or 0),
            frozenset(partnership_gaps.get(partnership.pk, ())),
        ))  # fmt: skip
    return OptimizerInputs(options, weights, titles, left_out)


def _gaps_of(partnerships: QuerySet[Partnership]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for pid, gap in partnerships.filter(gaps__isnull=False).values_list("pk", "gaps"):
        found[pid].add(gap)
    for pid, gap in partnerships.filter(play__gaps__isnull=False).values_list("pk", "play__gaps"):
        found[pid].add(gap)
    return found
