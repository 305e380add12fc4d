"""The board pack of a quarter: the portfolio in figures, the pipeline funnel, the gaps most
exposed, KPIs against targets, health and perception gaps, the pilots decided, the top
escalations and the decisions the quarter's review still needs; as HTML and as a PDF.

Everything is read on behalf of the user, through the access policy. The PDF is drawn by
WeasyPrint from the same HTML, bars included, with no network access.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.governance.models import Escalation
from accord.governance.selectors import as_they_stood, mark_clock
from accord.metrics import periods
from accord.metrics.money import base_currency
from accord.metrics.selectors import Impact, impact, latest_health, quarter_money
from accord.partnerships.coverage import gap_coverage
from accord.partnerships.history import stages_as_of
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage, StageTransition
from accord.partnerships.tables import STAGE_LABELS
from accord.pilots.models import Pilot
from accord.portfolio.models import Review, ReviewItem
from accord.portfolio.selectors import scorecards

SHOWN = 10
IMPACT_QUARTERS = 4


@dataclass
class Pack:
    quarter: dt.date
    as_of: dt.datetime
    currency: str
    open_partnerships: int = 0
    started: int = 0
    exited: int = 0
    funnel: list[tuple[str, int, float]] = field(default_factory=list)
    exposed: list[Any] = field(default_factory=list)
    kpis_met: tuple[int, int] = (0, 0)
    sponsors: list[Any] = field(default_factory=list)
    benefits: Decimal = Decimal(0)
    costs: Decimal = Decimal(0)
    money_problems: list[str] = field(default_factory=list)
    impact: Impact | None = None
    health: list[Any] = field(default_factory=list)
    pilots: list[Pilot] = field(default_factory=list)
    escalations: list[Escalation] = field(default_factory=list)
    review: Review | None = None
    decisions_needed: list[ReviewItem] = field(default_factory=list)
    decided: list[ReviewItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        return periods.label(self.quarter)

    @property
    def this_quarter(self) -> Any:
        return self.impact.quarters[-1] if self.impact else None

    @property
    def impact_scale(self) -> Decimal:
        """The largest projected or actual amount of the quarters shown, for the bars."""
        quarters = self.impact.quarters if self.impact else []
        return max([q.projected for q in quarters] + [q.actual for q in quarters] + [Decimal(1)])

    @property
    def empty(self) -> bool:
        return not (self.started or self.exited or self.kpis_met[1] or self.pilots
                    or self.review or self.benefits or self.costs)  # fmt: skip


def _when(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


def end_of(day: dt.date) -> dt.datetime:
    """The last moment of `day`: a pack "as of" a day knows everything recorded that day."""
    return _when(day, end=True)


def as_of_day(text: str, *, today: dt.date | None = None) -> dt.datetime | None:
    """The end of the day written in `text` (2026-10-15), None when empty; a day to come or
    not a day is refused by name."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"as of: “{text}” is not a day such as 2026-10-15.") from None
    if day > (today or timezone.localdate()):
        raise ValidationError(f"as of: {day} has not come yet; leave it empty for now.")
    return end_of(day)


def build(actor: User, quarter: dt.date, *, as_of: dt.datetime | None = None) -> Pack:
    """The pack of `quarter` as the actor may see it, with what was recorded by `as_of` (now):
    stages from their moves, values and costs by when they were recorded, targets and rates
    from the audit log. A pack drawn as of a moment stays the same whatever happens later."""
    moment = as_of or timezone.now()
    start, end = periods.quarter_of(quarter), periods.quarter_end(periods.quarter_of(quarter))
    pack = Pack(start, moment, base_currency())
    partnerships = visible_to(actor, Partnership)
    if as_of is None:
        stages = dict(partnerships.values_list("pk", "stage"))
    else:
        stages = stages_as_of(partnerships, as_of)
    by_stage = Counter(stages.values())
    pack.open_partnerships = sum(n for s, n in by_stage.items() if s not in EXITS)
    top = max([by_stage.get(s, 0) for s in PIPELINE] or [1]) or 1
    pack.funnel = [(STAGE_LABELS[s], by_stage.get(s, 0), 100 * by_stage.get(s, 0) / top)
                   for s in PIPELINE]  # fmt: skip
    moves = visible_to(actor, StageTransition).filter(
        at__gte=_when(start), at__lte=min(_when(end, True), moment)
    )
    pack.started = moves.filter(to_stage=Stage.ACTIVE).count()
    pack.exited = moves.filter(to_stage=Stage.EXITED).count()
    coverage = gap_coverage(actor, stages=stages, as_of=as_of)
    pack.exposed = [row for row in coverage if row.exposure > 0][:SHOWN]
    day = min(periods.next_quarter(start), timezone.localdate(moment))
    _, cards = scorecards(actor, today=day, quarter=start, as_of=as_of)
    pack.sponsors = cards
    pack.kpis_met = (sum(c.kpis_met[0] for c in cards), sum(c.kpis_met[1] for c in cards))
    pack.impact = impact(actor, last=start, count=IMPACT_QUARTERS, as_of=as_of)
    money = quarter_money(actor, start, as_of=as_of)
    pack.benefits, pack.costs, pack.money_problems = money.benefits, money.costs, money.problems
    open_ids = [pk for pk, stage in stages.items() if stage not in EXITS]
    health = latest_health(actor, open_ids, as_of=as_of)
    titles = dict(partnerships.filter(pk__in=health).values_list("pk", "title"))
    pack.health = sorted(
        ((titles.get(pid, ""), result) for pid, result in health.items() if result.gap is not None),
        key=lambda row: -(row[1].gap or 0),
    )[:SHOWN]
    decided = visible_to(actor, Pilot).filter(
        decided_at__gte=_when(start), decided_at__lte=min(_when(end, True), moment)
    )
    pack.pilots = list(decided.select_related("partnership").order_by("decided_at"))
    open_then = (
        visible_to(actor, Escalation)
        .filter(raised_at__lte=moment)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gt=moment))
    )
    order = {s: n for n, s in enumerate(("critical", "high", "medium", "low"))}
    rank = Case(*(When(severity=s, then=Value(n)) for s, n in order.items()), default=Value(9))
    worst = open_then.annotate(rank=rank).order_by("rank", "raised_at", "pk")[:SHOWN]
    escalations: list[Escalation] = list(
        worst.select_related("partnership").prefetch_related("path")
    )
    if as_of is not None:
        escalations = as_they_stood(escalations, as_of)
    pack.escalations = mark_clock(escalations, moment)
    pack.review = visible_to(actor, Review).filter(quarter=start, created_at__lte=moment).first()
    if pack.review is not None:
        items = list(visible_to(actor, ReviewItem).filter(review=pack.review)
                     .select_related("partnership").order_by("partnership__title"))  # fmt: skip
        pack.decided = [i for i in items if i.decided_at and i.decided_at <= moment]
        pack.decisions_needed = [i for i in items if i not in pack.decided]
    return pack


def html(pack: Pack) -> str:
    return render_to_string("portfolio/board_pack.html", {"pack": pack})


def pdf(pack: Pack) -> bytes:
    """The pack as a PDF, drawn from the same HTML without fetching anything."""
    from weasyprint import HTML  # imported here: it loads the system's pango on import

    def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the board pack fetches nothing ({url})")

    return bytes(HTML(string=html(pack), url_fetcher=no_fetching).write_pdf())
