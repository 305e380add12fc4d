"""The board pack of a quarter: the portfolio in figures, the pipeline funnel, the gaps most
exposed, KPIs against targets, health and perception gaps, the pilots decided, the top
escalations and the decisions the quarter's review still needs; as HTML and as a PDF.

Everything is read on behalf of the user, through the access policy. The PDF is drawn by
WeasyPrint from the same HTML, bars included, with no network access.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.governance.models import Escalation
from accord.governance.selectors import mark_clock
from accord.metrics import periods
from accord.metrics.models import CostEntry, Observation
from accord.metrics.money import MissingRate, Rates, base_currency
from accord.metrics.selectors import latest_health
from accord.partnerships.coverage import gap_coverage
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage, StageTransition
from accord.partnerships.tables import STAGE_LABELS
from accord.pilots.models import Pilot
from accord.portfolio.models import Review, ReviewItem
from accord.portfolio.selectors import scorecards

SHOWN = 10


@dataclass
class Pack:
    quarter: dt.date
    generated_at: dt.datetime
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
    def empty(self) -> bool:
        return not (self.started or self.exited or self.kpis_met[1] or self.pilots
                    or self.review or self.benefits or self.costs)  # fmt: skip


def _when(day: dt.date, end: bool = False) -> dt.datetime:
    moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    return timezone.make_aware(moment)


def build(actor: User, quarter: dt.date) -> Pack:
    """The pack of `quarter` as the actor may see it."""
    start, end = periods.quarter_of(quarter), periods.quarter_end(periods.quarter_of(quarter))
    pack = Pack(start, timezone.now(), base_currency())
    partnerships = visible_to(actor, Partnership)
    by_stage = dict(partnerships.values_list("stage").annotate(n=Count("pk")).order_by())
    pack.open_partnerships = sum(n for s, n in by_stage.items() if s not in EXITS)
    top = max([by_stage.get(s, 0) for s in PIPELINE] or [1]) or 1
    pack.funnel = [(STAGE_LABELS[s], by_stage.get(s, 0), 100 * by_stage.get(s, 0) / top)
                   for s in PIPELINE]  # fmt: skip
    moves = visible_to(actor, StageTransition).filter(
        at__gte=_when(start), at__lte=_when(end, True)
    )
    pack.started = moves.filter(to_stage=Stage.ACTIVE).count()
    pack.exited = moves.filter(to_stage=Stage.EXITED).count()
    pack.exposed = [row for row in gap_coverage(actor) if row.exposure > 0][:SHOWN]
    _, cards = scorecards(actor, today=periods.next_quarter(start))
    pack.sponsors = cards
    pack.kpis_met = (sum(c.kpis_met[0] for c in cards), sum(c.kpis_met[1] for c in cards))
    rates = Rates()
    for row in visible_to(actor, Observation).filter(
        kpi__is_benefit=True, observed_on__gte=start, observed_on__lte=end
    ):
        try:
            pack.benefits += rates.to_base(row.value, row.currency, row.observed_on)
        except MissingRate as missing:
            pack.money_problems.append(missing.messages[0])
    for cost in visible_to(actor, CostEntry).filter(
        kind=CostEntry.Kind.MONEY, spent_on__gte=start, spent_on__lte=end
    ):
        try:
            pack.costs += rates.to_base(cost.amount, cost.currency, cost.spent_on)
        except MissingRate as missing:
            pack.money_problems.append(missing.messages[0])
    pack.money_problems = list(dict.fromkeys(pack.money_problems))
    open_ids = list(partnerships.exclude(stage__in=EXITS).values_list("pk", flat=True))
    health = latest_health(actor, open_ids)
    titles = dict(partnerships.filter(pk__in=health).values_list("pk", "title"))
    pack.health = sorted(
        ((titles.get(pid, ""), result) for pid, result in health.items() if result.gap is not None),
        key=lambda row: -(row[1].gap or 0),
    )[:SHOWN]
    decided = visible_to(actor, Pilot).filter(
        decided_at__gte=_when(start), decided_at__lte=_when(end, True)
    )
    pack.pilots = list(decided.select_related("partnership").order_by("decided_at"))
    open_escalations = visible_to(actor, Escalation).filter(resolved_at__isnull=True)
    order = {s: n for n, s in enumerate(("critical", "high", "medium", "low"))}
    marked = mark_clock(list(open_escalations.select_related("partnership")
                             .prefetch_related("path")[:200]), timezone.now())  # fmt: skip
    pack.escalations = sorted(marked, key=lambda e: (order[e.severity], e.raised_at))[:SHOWN]
    pack.review = visible_to(actor, Review).filter(quarter=start).first()
    if pack.review is not None:
        items = list(visible_to(actor, ReviewItem).filter(review=pack.review)
                     .select_related("partnership").order_by("partnership__title"))  # fmt: skip
        pack.decisions_needed = [i for i in items if not i.decision]
        pack.decided = [i for i in items if i.decision]
    return pack


def html(pack: Pack) -> str:
    return render_to_string("portfolio/board_pack.html", {"pack": pack})


def pdf(pack: Pack) -> bytes:
    """The pack as a PDF, drawn from the same HTML without fetching anything."""
    from weasyprint import HTML  # imported here: it loads the system's pango on import

    def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the board pack fetches nothing ({url})")

    return bytes(HTML(string=html(pack), url_fetcher=no_fetching).write_pdf())
