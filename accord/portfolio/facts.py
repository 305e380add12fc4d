"""The facts the review's rules read, for many partnerships at once: strategic fit now, KPIs
against the quarter's targets, health and its trend, activity, pilot outcomes, escalations and
overdue items. A constant number of queries, however many partnerships."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.governance.models import Escalation, Meeting
from accord.metrics import periods
from accord.metrics.models import Observation
from accord.metrics.selectors import quarter_standings, round_results, survey_rows
from accord.partnerships.models import EXITS, Note, Partnership, StageTransition
from accord.pilots.models import Milestone, Pilot
from accord.portfolio.selectors import overdue_by_partnership
from accord.strategy.models import CapabilityGap, StrategicPriority

ZOMBIE_DAYS = 180


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _gaps(partnerships: list[Partnership]) -> dict[int, set[int]]:
    """The gaps each partnership addresses, directly or through its play. Two queries."""
    found: dict[int, set[int]] = defaultdict(set)
    ids = [p.pk for p in partnerships]
    direct = Partnership.gaps.through.objects.filter(partnership__in=ids)
    for partnership_id, gap_id in direct.values_list("partnership_id", "capabilitygap_id"):
        found[partnership_id].add(gap_id)
    through_play = Partnership.objects.filter(pk__in=ids, play__gaps__isnull=False)
    for partnership_id, gap_id in through_play.values_list("pk", "play__gaps"):
        found[partnership_id].add(gap_id)
    return found


def _strategic(actor: User) -> tuple[set[int], dict[int, set[int]]]:
    """The gaps still open under an active priority, and which open partnerships cover each,
    directly or through their play. Four queries."""
    live = set(
        visible_to(actor, CapabilityGap)
        .filter(status__in=(CapabilityGap.Status.OPEN, CapabilityGap.Status.ADDRESSING),
                priority__status=StrategicPriority.Status.ACTIVE)
        .values_list("pk", flat=True)
    )  # fmt: skip
    open_ones = list(visible_to(actor, Partnership).exclude(stage__in=EXITS))
    covering: dict[int, set[int]] = defaultdict(set)
    for partnership_id, own in _gaps(open_ones).items():
        for gap_id in own:
            covering[gap_id].add(partnership_id)
    return live, covering


def _latest_two_health(actor: User, ids: list[int]) -> dict[int, list[Any]]:
    """Each partnership's latest two health results, newest first. Three queries."""
    chosen: dict[int, list[Any]] = defaultdict(list)
    for survey in survey_rows(actor).filter(partnership__in=ids):
        if len(chosen[survey.partnership_id]) < 2:
            chosen[survey.partnership_id].append(survey)
    results = round_results(actor, [s for pair in chosen.values() for s in pair])
    by_round = {r.survey.pk: r for r in results}
    return {pid: [by_round[s.pk] for s in pair] for pid, pair in chosen.items()}


def _latest(qs: Any, path: str, moment: str) -> dict[int, dt.date]:
    rows = qs.values(path).annotate(last=Max(moment)).values_list(path, "last").order_by()
    return {pid: last for pid, last in rows if last is not None}


def _activity(actor: User, ids: list[int], today: dt.date) -> dict[int, dt.date]:
    """The day anything last moved on each partnership. Five queries."""
    now = timezone.now()
    sources = [
        _latest(visible_to(actor, StageTransition).filter(partnership__in=ids)
                .annotate(day=TruncDate("at")), "partnership_id", "day"),
        _latest(visible_to(actor, Meeting).filter(committee__partnership__in=ids,
                                                  starts_at__lte=now)
                .annotate(day=TruncDate("starts_at")), "committee__partnership_id", "day"),
        _latest(visible_to(actor, Milestone).filter(partnership__in=ids), "partnership_id",
                "completed_on"),
        _latest(visible_to(actor, Observation).filter(partnership__in=ids), "partnership_id",
                "observed_on"),
        _latest(visible_to(actor, Note).filter(partnership__in=ids)
                .annotate(day=TruncDate("created_at")), "partnership_id", "day"),
    ]  # fmt: skip
    last: dict[int, dt.date] = {}
    for source in sources:
        for pid, day in source.items():
            day = day.date() if isinstance(day, dt.datetime) else day
            if day <= today and (pid not in last or day > last[pid]):
                last[pid] = day
    return last


def facts_for(
    actor: User, partnerships: list[Partnership], quarter: dt.date, today: dt.date | None = None
) -> dict[int, dict[str, Any]]:
    """{partnership id: {fact: value or None}} for the review of `quarter`."""
    today = today or timezone.localdate()
    ids = [p.pk for p in partnerships]
    gaps = _gaps(partnerships)
    live, covering = _strategic(actor)
    standings = quarter_standings(actor, ids, quarter)
    health = _latest_two_health(actor, ids)
    activity = _activity(actor, ids, today)
    recent = dict(
        visible_to(actor, Observation)
        .filter(partnership__in=ids, observed_on__gte=periods.shift(periods.quarter_of(today), -2))
        .values("partnership_id").annotate(n=Count("pk")).values_list("partnership_id", "n")
        .order_by()
    )  # fmt: skip
    pilot_rows = (
        visible_to(actor, Pilot).filter(partnership__in=ids).values("partnership_id")
        .annotate(scaled=Count("pk", filter=Q(decision=Pilot.Decision.SCALE)),
                  killed=Count("pk", filter=Q(decision=Pilot.Decision.KILL)))
        .values_list("partnership_id", "scaled", "killed").order_by()
    )  # fmt: skip
    pilots = {pid: (scaled, killed) for pid, scaled, killed in pilot_rows}
    escalations = dict(
        visible_to(actor, Escalation).filter(partnership__in=ids, resolved_at__isnull=True)
        .values("partnership_id").annotate(n=Count("pk")).values_list("partnership_id", "n")
        .order_by()
    )  # fmt: skip
    overdue = overdue_by_partnership(actor, ids, today)
    found = {}
    for partnership in partnerships:
        pid = partnership.pk
        own = gaps.get(pid, set())
        open_gaps = own & live
        standing = standings.get(pid)
        latest = health.get(pid, [])
        last_move = activity.get(pid) or timezone.localtime(partnership.created_at).date()
        idle = (today - last_move).days
        values = recent.get(pid, 0)
        scaled, killed = pilots.get(pid, (0, 0))
        found[pid] = {
            "strategic_fit": bool(open_gaps) if own else None,
            "covered_elsewhere": all(covering[g] - {pid} for g in open_gaps) if open_gaps else None,
            "kpi_targets": standing.targets if standing else 0,
            "kpis_met_share": round(standing.met / standing.targets, 3)
            if standing and standing.targets else None,
            "health_partner": _number(latest[0].theirs) if latest else None,
            "health_gap": _number(latest[0].gap) if latest else None,
            "health_trend": _number(latest[0].theirs - latest[1].theirs)
            if len(latest) == 2 and latest[0].theirs is not None and latest[1].theirs is not None
            else None,
            "days_since_activity": idle,
            "kpi_values_recent": values,
            "pilots_scaled": scaled,
            "pilots_killed": killed,
            "open_escalations": escalations.get(pid, 0),
            "overdue_items": overdue[pid].total,
            "zombie": idle >= ZOMBIE_DAYS and values == 0,
        }  # fmt: skip
    return found
