"""What is late or due now, and who should hear of it. Each source reads, as the system
account through the access policy, everything of its kind that needs attention today, and
names the people responsible: the owner of a milestone or action item, the holder of an
escalation, and otherwise the partnership's owner and team (and its executive sponsor for
renewals and executive touchpoints).

An alert's key names what it is about and the date it concerns (a milestone and its due
day), so a moved due date alerts again and an unchanged one never twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.services import system_account
from accord.core.policy import VENTURES_CHANGE, accounts_granted, visible_to
from accord.governance.escalations import holder
from accord.governance.models import ActionItem, Escalation
from accord.metrics import periods
from accord.metrics.models import SurveyRound
from accord.metrics.selectors import quarter_standings, round_results, survey_rows
from accord.notifications.models import Kind
from accord.partnerships.models import EXITS, Partnership
from accord.pilots.models import Milestone, Pilot
from accord.relationships.selectors import cadence
from accord.ventures.models import OptionRight
from accord.ventures.selectors import kpi_flags

REVIEW_NOTICE_DAYS = 7
HEALTH_DROP = Decimal("0.5")
RENEWAL_NOTICE_DEFAULT_DAYS = 90
# An open option right is told of this many days before its deadline (then at the nearer),
# and again once its deadline has passed.
OPTION_NOTICE_DAYS = (30, 7)


@dataclass(frozen=True)
class Alert:
    kind: str
    key: str
    title: str
    link: str
    partnership_id: int | None
    recipients: frozenset[int]


def _reader() -> User:
    reader = system_account()
    reader.is_active = True  # within this process only; never saved
    return reader


def _responsible(partnership: Partnership, *, sponsor: bool = False) -> set[int]:
    people = {partnership.owner_id, *(member.pk for member in partnership.team.all())}
    if sponsor:
        people.add(partnership.executive_sponsor_id)
    return {pk for pk in people if pk is not None}


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def milestones(reader: User, today: dt.date) -> Iterator[Alert]:
    rows = (
        visible_to(reader, Milestone).filter(completed_on__isnull=True, due_on__lt=today)
        .select_related("partnership").prefetch_related("partnership__team")
    )  # fmt: skip
    for m in rows:
        yield Alert(
            Kind.MILESTONE_OVERDUE, f"milestone:{m.pk}:{m.due_on}",
            f"Milestone “{m.title}” of {m.partnership.title} was due on {m.due_on} "
            f"({_days((today - m.due_on).days)} ago).", m.get_absolute_url(), m.partnership_id,
            frozenset({m.owner_id} if m.owner_id else _responsible(m.partnership)),
        )  # fmt: skip


def action_items(reader: User, today: dt.date) -> Iterator[Alert]:
    rows = (
        visible_to(reader, ActionItem).filter(status=ActionItem.Status.OPEN, due_on__lt=today)
        .select_related("committee__partnership").prefetch_related("committee__partnership__team")
    )  # fmt: skip
    for item in rows:
        partnership = item.committee.partnership
        yield Alert(
            Kind.ACTION_OVERDUE, f"action:{item.pk}:{item.due_on}",
            f"Action item “{item.title}” ({item.committee.name}, {partnership.title}) was due on "
            f"{item.due_on} ({_days((today - item.due_on).days)} ago).",
            item.committee.get_absolute_url(), partnership.pk,
            frozenset({item.owner_id} if item.owner_id else _responsible(partnership)),
        )  # fmt: skip


def _open_partnerships(reader: User) -> Iterator[Partnership]:
    return iter(
        visible_to(reader, Partnership).exclude(stage__in=EXITS)
        .prefetch_related(Prefetch("team", queryset=User.objects.only("pk")))
    )  # fmt: skip


def reviews(reader: User, today: dt.date) -> Iterator[Alert]:
    horizon = today + dt.timedelta(days=REVIEW_NOTICE_DAYS)
    for p in _open_partnerships(reader):
        due = p.next_review_date
        if due is not None and due <= horizon:
            when = f"was due on {due}" if due < today else f"is due on {due}"
            yield Alert(Kind.REVIEW_DUE, f"review:{p.pk}:{due}", f"The review of {p.title} {when}.",
                        p.get_absolute_url(), p.pk, frozenset(_responsible(p)))  # fmt: skip


def renewals(reader: User, today: dt.date) -> Iterator[Alert]:
    for p in _open_partnerships(reader):
        if p.end_date is None or p.end_date < today:
            continue
        notice = p.renewal_notice_days
        notice = RENEWAL_NOTICE_DEFAULT_DAYS if notice is None else notice
        if (p.end_date - today).days <= notice:
            yield Alert(
                Kind.RENEWAL_NOTICE, f"renewal:{p.pk}:{p.end_date}",
                f"The agreement of {p.title} ends on {p.end_date}, within its "
                f"{_days(notice)} notice: renew, renegotiate or let it end.",
                p.get_absolute_url(), p.pk, frozenset(_responsible(p, sponsor=True)),
            )  # fmt: skip


def pilots(reader: User, today: dt.date) -> Iterator[Alert]:
    rows = (
        visible_to(reader, Pilot).filter(status__in=Pilot.OPEN_STATUSES, ends_on__lt=today)
        .select_related("partnership").prefetch_related("partnership__team")
    )  # fmt: skip
    for pilot in rows:
        people = _responsible(pilot.partnership) | ({pilot.owner_id} if pilot.owner_id else set())
        yield Alert(
            Kind.PILOT_TIMEBOX, f"pilot:{pilot.pk}:{pilot.ends_on}",
            f"Pilot “{pilot.title}” of {pilot.partnership.title} ended on {pilot.ends_on} "
            f"({_days((today - pilot.ends_on).days)} ago) without a decision.",
            pilot.get_absolute_url(), pilot.partnership_id, frozenset(people),
        )  # fmt: skip


def escalations(reader: User, today: dt.date) -> Iterator[Alert]:
    now = timezone.now()
    rows = (
        visible_to(reader, Escalation).filter(resolved_at__isnull=True)
        .select_related("partnership").prefetch_related("path", "partnership__team")
    )  # fmt: skip
    for e in rows:
        if now <= e.due_at():
            continue
        held_by = holder(e)
        people = {held_by.pk} if held_by is not None else _responsible(e.partnership)
        yield Alert(
            Kind.ESCALATION_SLA, f"escalation:{e.pk}:{e.level}",
            f"Escalation “{e.title}” ({e.severity}, {e.partnership.title}) has waited past its "
            f"{e.sla_hours} hours at this level.", e.get_absolute_url(), e.partnership_id,
            frozenset(people),
        )  # fmt: skip


def touchpoints(reader: User, today: dt.date) -> Iterator[Alert]:
    for t in cadence(reader, today=today):
        if not t.overdue_days:
            continue
        p = t.partnership
        since = "never" if t.last is None else f"last on {timezone.localdate(t.last)}"
        yield Alert(
            Kind.EXECUTIVE_TOUCHPOINT, f"touchpoint:{p.pk}:{since}",
            f"{p.title} needs an executive touchpoint every {_days(t.rule.every_days)} "
            f"({since}).", p.get_absolute_url(), p.pk,
            frozenset(pk for pk in (p.executive_sponsor_id or p.owner_id,) if pk is not None),
        )  # fmt: skip


def kpis_off_target(reader: User, today: dt.date) -> Iterator[Alert]:
    """KPI targets missed in the last complete quarter."""
    open_ones = {p.pk: p for p in _open_partnerships(reader)}
    quarter = periods.last_complete()
    label = periods.label(quarter)
    for pk, standing in quarter_standings(reader, list(open_ones), quarter).items():
        missed = standing.targets - standing.met - len(standing.problems)
        if missed <= 0:
            continue
        p = open_ones[pk]
        yield Alert(
            Kind.KPI_OFF_TARGET, f"kpi:{pk}:{label}",
            f"{p.title} missed {missed} of its {standing.targets} KPI target(s) in {label}.",
            reverse("metrics:partnership_metrics", args=[pk]), pk, frozenset(_responsible(p)),
        )  # fmt: skip


def health_drops(reader: User, today: dt.date) -> Iterator[Alert]:
    """A health check whose overall score, on either side, fell by HEALTH_DROP or more since
    the partnership's previous one."""
    open_ones = {p.pk: p for p in _open_partnerships(reader)}
    rounds: dict[int, list[SurveyRound]] = {}
    for survey in survey_rows(reader).filter(partnership__in=list(open_ones)):
        if len(rounds.setdefault(survey.partnership_id, [])) < 2:
            rounds[survey.partnership_id].append(survey)
    pairs = [found for found in rounds.values() if len(found) == 2]
    results = {r.survey.pk: r for r in round_results(reader, [s for pair in pairs for s in pair])}
    for latest, previous in pairs:
        now, before = results[latest.pk], results[previous.pk]
        for side, words in (("ours", "our side's"), ("theirs", "the partner's")):
            new, old = getattr(now, side), getattr(before, side)
            if new is not None and old is not None and old - new >= HEALTH_DROP:
                p = open_ones[latest.partnership_id]
                yield Alert(
                    Kind.HEALTH_DROP, f"health:{latest.pk}:{side}",
                    f"The health of {p.title} fell on {words} answers: {old} to {new} of 5.",
                    reverse("metrics:partnership_health", args=[p.pk]), p.pk,
                    frozenset(_responsible(p, sponsor=True)),
                )  # fmt: skip


def option_deadlines(reader: User, today: dt.date) -> Iterator[Alert]:
    """Open option rights whose deadline is within OPTION_NOTICE_DAYS or passed, told to
    those who keep the venture portfolio: once per notice (30 days, 7 days, passed) and
    deadline, so a moved deadline is told again. One linked to a confidential partnership
    reaches only those of them who may see the partnership (the services check)."""
    horizon = today + dt.timedelta(days=max(OPTION_NOTICE_DAYS))
    rows = (
        visible_to(reader, OptionRight)
        .filter(status=OptionRight.Status.OPEN, deadline__lte=horizon)
        .select_related("investment__organization", "investment__fund")
    )  # fmt: skip
    people = _portfolio_keepers()
    for option in rows:
        if option.deadline is not None:
            yield _option_alert(option, option.deadline, today, people)


def _portfolio_keepers() -> frozenset[int]:
    keepers = accounts_granted(User.objects.filter(is_active=True), VENTURES_CHANGE)
    return frozenset(keepers.values_list("pk", flat=True))


def portfolio_figures(reader: User, today: dt.date) -> Iterator[Alert]:
    """Portfolio companies whose latest figures cross one of their investment's thresholds,
    told to those who keep the venture portfolio once per threshold and period: the next
    period past it is told again. One linked to a confidential partnership reaches only those
    of them who may see the partnership."""
    flagged = kpi_flags(reader)
    people = _portfolio_keepers() if flagged else frozenset()
    for investment, flags in flagged:
        for flag in flags:
            yield Alert(
                Kind.PORTFOLIO_FIGURES, f"figures:{flag.threshold.pk}:{flag.period}",
                f"{investment.organization} reported for {flag.period}: {flag}.",
                f"{investment.get_absolute_url()}#figures", investment.partnership_id, people,
            )  # fmt: skip


def _option_alert(
    option: OptionRight, deadline: dt.date, today: dt.date, people: frozenset[int]
) -> Alert:
    investment = option.investment
    left = (deadline - today).days
    what = f"The {option.get_kind_display()} in {investment.organization} ({investment.fund})"
    if left < 0:
        notice = "passed"
        title = (f"{what} was to be used by {deadline} ({_days(-left)} ago) and is still open: "
                 "record it exercised, waived or lapsed.")  # fmt: skip
    else:
        notice = str(min(days for days in OPTION_NOTICE_DAYS if left <= days))
        when = "today" if left == 0 else f"in {_days(left)}"
        title = f"{what} must be used by {deadline}, {when}: exercise or waive it."
    return Alert(Kind.OPTION_DEADLINE, f"option:{option.pk}:{deadline}:{notice}", title,
                 investment.get_absolute_url(), investment.partnership_id, people)  # fmt: skip


SOURCES: tuple[Callable[[User, dt.date], Iterator[Alert]], ...] = (
    milestones, action_items, reviews, renewals, pilots, escalations, touchpoints,
    kpis_off_target, health_drops, option_deadlines, portfolio_figures,
)  # fmt: skip


def due(today: dt.date | None = None) -> list[Alert]:
    """Every alert due today, from every source."""
    today = today or timezone.localdate()
    reader = _reader()
    return [alert for source in SOURCES for alert in source(reader, today)]
