"""Every read of the metrics, on behalf of a user and through the access policy: a
partnership's KPIs quarter by quarter against their targets, and its ROI with the formula."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.utils import timezone

from accord.accounts.models import User
from accord.core import audit
from accord.core.policy import survey_comment_sides, visible_to
from accord.metrics import periods
from accord.metrics.models import (
    CompanyRevenue,
    CostEntry,
    ExchangeRate,
    HealthQuestion,
    Kpi,
    KpiTarget,
    Observation,
    SurveyAnswer,
    SurveyRespondent,
    SurveyRound,
)
from accord.metrics.money import MissingRate, Rates, base_currency
from accord.partnerships.models import EXITS, Partnership

QUARTERS_SHOWN = 8


def kpi_rows(actor: User) -> QuerySet[Kpi]:
    return visible_to(actor, Kpi)


def active_kpis(actor: User) -> QuerySet[Kpi]:
    return kpi_rows(actor).filter(is_active=True)


def rate_rows(actor: User) -> QuerySet[ExchangeRate]:
    return visible_to(actor, ExchangeRate).select_related("recorded_by")


def observation_rows(actor: User) -> QuerySet[Observation]:
    return visible_to(actor, Observation).select_related("kpi", "recorded_by")


def target_rows(actor: User) -> QuerySet[KpiTarget]:
    return visible_to(actor, KpiTarget).select_related("kpi")


def cost_rows(actor: User) -> QuerySet[CostEntry]:
    return visible_to(actor, CostEntry).select_related("recorded_by")


def _aggregate(kpi: Kpi, values: list[Decimal]) -> Decimal:
    if kpi.aggregation == Kpi.Aggregation.SUM:
        return sum(values, Decimal(0))
    if kpi.aggregation == Kpi.Aggregation.AVERAGE:
        return sum(values, Decimal(0)) / len(values)
    return values[-1]


@dataclass
class Cell:
    quarter: dt.date
    actual: Decimal | None = None
    target: Decimal | None = None
    problem: str = ""
    met: bool | None = None

    @property
    def label(self) -> str:
        return periods.label(self.quarter)


@dataclass
class KpiLine:
    kpi: Kpi
    cells: list[Cell] = field(default_factory=list)

    @property
    def unit(self) -> str:
        return base_currency() if self.kpi.is_money else self.kpi.unit

    def met(self, cell: Cell) -> bool | None:
        if cell.actual is None or cell.target is None:
            return None
        if self.kpi.direction == Kpi.Direction.HIGHER:
            return cell.actual >= cell.target
        return cell.actual <= cell.target


def scorecard(
    actor: User, partnership: Partnership, *, last: dt.date | None = None,
    count: int = QUARTERS_SHOWN,
) -> list[KpiLine]:  # fmt: skip
    """Each KPI the partnership has a value or a target of, over the `count` quarters up to the
    one of `last` (today): the quarter's actual by the KPI's aggregation (money in the base
    currency) and its target. Three queries, however many values."""
    end = periods.quarter_of(last or timezone.localdate())
    shown = periods.quarters(periods.shift(end, 1 - count), end)
    first, until = shown[0], periods.quarter_end(end)
    rates = Rates()
    values: dict[tuple[int, dt.date], list[Decimal]] = defaultdict(list)
    problems: dict[tuple[int, dt.date], str] = {}
    kpis: dict[int, Kpi] = {}
    observed = observation_rows(actor).filter(
        partnership=partnership, observed_on__gte=first, observed_on__lte=until
    )
    for row in observed.order_by("observed_on", "id"):
        kpis[row.kpi_id] = row.kpi
        key = (row.kpi_id, periods.quarter_of(row.observed_on))
        try:
            values[key].append(rates.to_base(row.value, row.currency, row.observed_on))
        except MissingRate as missing:
            problems[key] = missing.messages[0]
    targets: dict[tuple[int, dt.date], Decimal] = {}
    for target in target_rows(actor).filter(partnership=partnership, quarter__gte=first,
                                            quarter__lte=end):  # fmt: skip
        kpis[target.kpi_id] = target.kpi
        try:
            value = rates.to_base(
                target.value, target.currency, periods.quarter_end(target.quarter)
            )
        except MissingRate as missing:
            problems[(target.kpi_id, target.quarter)] = missing.messages[0]
            continue
        targets[(target.kpi_id, target.quarter)] = value
    lines = []
    for kpi in sorted(kpis.values(), key=lambda k: (k.category, k.name)):
        line = KpiLine(kpi)
        for quarter in shown:
            key = (kpi.pk, quarter)
            actual = _aggregate(kpi, values[key]) if values.get(key) else None
            cell = Cell(quarter, actual, targets.get(key), problems.get(key, ""))
            cell.met = line.met(cell)
            line.cells.append(cell)
        lines.append(line)
    return lines


@dataclass
class Roi:
    """Return on what was put in: (benefits - costs) / costs, in the base currency."""

    currency: str
    benefits: Decimal
    costs: Decimal
    fte_months: Decimal
    sourced: Decimal
    influenced: Decimal
    problems: list[str]
    # (quarter, its benefits, its money costs), oldest first
    quarters: list[tuple[dt.date, Decimal, Decimal]] = field(default_factory=list)

    def running(self) -> list[tuple[str, Decimal, Decimal, Decimal | None]]:
        """Each quarter's benefits and costs with the ROI of everything up to its end."""
        gained = spent = Decimal(0)
        rows = []
        for quarter, benefits, costs in self.quarters:
            gained, spent = gained + benefits, spent + costs
            ratio = (100 * (gained - spent) / spent).quantize(Decimal("0.1")) if spent else None
            rows.append((periods.label(quarter), benefits, costs, ratio))
        return rows

    @property
    def ratio(self) -> Decimal | None:
        return None if not self.costs else (self.benefits - self.costs) / self.costs

    @property
    def percent(self) -> str:
        return "—" if self.ratio is None else f"{self.ratio * 100:,.1f} %"

    @property
    def formula(self) -> str:
        if self.ratio is None:
            return "ROI = (benefits - costs) / costs: no money cost recorded yet."
        return (
            f"ROI = (benefits - costs) / costs = ({self.benefits:,.2f} - {self.costs:,.2f}) / "
            f"{self.costs:,.2f} {self.currency} = {self.percent}"
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency, "benefits": self.benefits, "costs": self.costs,
            "fte_months": self.fte_months, "sourced": self.sourced,
            "influenced": self.influenced, "ratio": self.ratio, "formula": self.formula,
            "problems": self.problems,
        }  # fmt: skip


def roi(actor: User, partnership: Partnership, *, until: dt.date | None = None) -> Roi:
    """Benefits are the values of KPIs counted as benefits (revenue, savings); costs the money
    put in; both converted at the rate of their own day. FTE-months are shown beside it, not
    priced. Three queries."""
    until = until or timezone.localdate()
    rates = Rates()
    problems: list[str] = []
    benefits = sourced = influenced = Decimal(0)
    rows = observation_rows(actor).filter(
        partnership=partnership, kpi__is_benefit=True, observed_on__lte=until
    )
    per_quarter: dict[dt.date, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        try:
            value = rates.to_base(row.value, row.currency, row.observed_on)
        except MissingRate as missing:
            problems.append(missing.messages[0])
            continue
        benefits += value
        per_quarter[periods.quarter_of(row.observed_on)][0] += value
        if row.attribution == Observation.Attribution.SOURCED:
            sourced += value
        elif row.attribution == Observation.Attribution.INFLUENCED:
            influenced += value
    costs = fte = Decimal(0)
    for cost in cost_rows(actor).filter(partnership=partnership, spent_on__lte=until):
        if cost.kind == CostEntry.Kind.FTE:
            fte += cost.amount
            continue
        try:
            spent = rates.to_base(cost.amount, cost.currency, cost.spent_on)
        except MissingRate as missing:
            problems.append(missing.messages[0])
            continue
        costs += spent
        per_quarter[periods.quarter_of(cost.spent_on)][1] += spent
    return Roi(base_currency(), benefits, costs, fte, sourced, influenced,
               list(dict.fromkeys(problems)),
               [(q, b, c) for q, (b, c) in sorted(per_quarter.items())])  # fmt: skip


# Health surveys ------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    question: HealthQuestion
    ours: Decimal | None
    theirs: Decimal | None
    comments: list[tuple[str, str]]

    @property
    def gap(self) -> Decimal | None:
        """Ours minus theirs: above zero, we see it rosier than the partner does."""
        return None if self.ours is None or self.theirs is None else self.ours - self.theirs


@dataclass
class RoundResult:
    survey: SurveyRound
    questions: list[QuestionResult]
    asked: dict[str, int]
    answered: dict[str, int]

    def _overall(self, side: str) -> Decimal | None:
        scores = [getattr(q, side) for q in self.questions if getattr(q, side) is not None]
        return (sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01")) if scores else None

    @property
    def ours(self) -> Decimal | None:
        return self._overall("ours")

    @property
    def theirs(self) -> Decimal | None:
        return self._overall("theirs")

    @property
    def gap(self) -> Decimal | None:
        ours, theirs = self.ours, self.theirs
        return None if ours is None or theirs is None else ours - theirs


def survey_rows(actor: User) -> QuerySet[SurveyRound]:
    return visible_to(actor, SurveyRound).select_related("partnership", "created_by")


def round_results(
    actor: User, rounds: list[SurveyRound], *, as_of: dt.datetime | None = None
) -> list[RoundResult]:
    """Each round's average score per question and side, and how many answered (by `as_of`);
    the comments of the sides the actor may read (a partner user its own side's). Two queries,
    and one a partnership for a partner user."""
    by_round: dict[int, dict[tuple[str, str], list[int]]] = defaultdict(lambda: defaultdict(list))
    comments: dict[tuple[int, str], list[tuple[str, str]]] = defaultdict(list)
    asked: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    answered: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    ids = [r.pk for r in rounds]
    sides = {r.partnership_id: r.partnership for r in rounds}
    by_partnership = {pk: survey_comment_sides(actor, p) for pk, p in sides.items()}
    readable = {r.pk: by_partnership[r.partnership_id] for r in rounds}
    people = visible_to(actor, SurveyRespondent).filter(round__in=ids)
    for round_id, side, done in people.values_list("round_id", "side", "answered_at"):
        asked[round_id][side] += 1
        answered[round_id][side] += done is not None and (as_of is None or done <= as_of)
    answers = visible_to(actor, SurveyAnswer).filter(respondent__round__in=ids)
    if as_of is not None:
        answers = answers.filter(respondent__answered_at__lte=as_of)
    rows = answers.values_list(
        "respondent__round_id", "respondent__side", "question", "score", "comment"
    )
    for round_id, side, question, score, comment in rows:
        by_round[round_id][(question, side)].append(score)
        if comment and side in readable[round_id]:
            comments[(round_id, question)].append((side, comment))

    def mean(scores: list[int]) -> Decimal | None:
        return (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01")) if scores else None

    results = []
    for survey in rounds:
        scores = by_round[survey.pk]
        questions = [
            QuestionResult(question, mean(scores[(question.value, "ours")]),
                           mean(scores[(question.value, "partner")]),
                           comments[(survey.pk, question.value)])
            for question in HealthQuestion
        ]  # fmt: skip
        results.append(RoundResult(survey, questions, dict(asked[survey.pk]),
                                   dict(answered[survey.pk])))  # fmt: skip
    return results


# Many partnerships at once ---------------------------------------------------------------------


@dataclass
class QuarterStanding:
    """How many of a partnership's KPIs with a target in a quarter met it."""

    targets: int = 0
    met: int = 0
    problems: list[str] = field(default_factory=list)


def quarter_standings(
    actor: User, partnership_ids: list[int], quarter: dt.date, *, as_of: dt.datetime | None = None
) -> dict[int, QuarterStanding]:
    """For each partnership, its KPIs against their targets in `quarter`, summed in the
    database; with `as_of`, as they were known then. A constant number of queries, however
    many partnerships and values."""
    end, rates = periods.quarter_end(quarter), Rates(as_of)
    standings: dict[int, QuarterStanding] = defaultdict(QuarterStanding)
    targets = {
        (t.partnership_id, t.kpi_id): t
        for t in targets_as_of(
            target_rows(actor).filter(partnership__in=partnership_ids, quarter=quarter), as_of
        )
    }
    observed = known_observations(actor, as_of).filter(
        partnership__in=partnership_ids, kpi__in={kpi for _, kpi in targets},
        observed_on__gte=quarter, observed_on__lte=end,
    )  # fmt: skip
    keys = ("partnership_id", "kpi_id")
    totals = converted_totals(observed, keys, rates)
    kpis = kpis_as_of(as_of)
    last = [pk for pk, kpi in kpis.items() if kpi.aggregation == Kpi.Aggregation.LAST]
    latest = latest_values(observed.filter(kpi__in=last), rates)
    for (partnership_id, kpi_id), target in targets.items():
        standing = standings[partnership_id]
        standing.targets += 1
        total = totals.get((partnership_id, kpi_id))
        if total is None:
            continue
        if total.problem:
            standing.problems.append(total.problem.messages[0])
            continue
        try:
            goal = rates.to_base(target.value, target.currency, end)
        except MissingRate as missing:
            standing.problems.append(missing.messages[0])
            continue
        kpi = kpis[kpi_id]
        actual = total.aggregate(kpi, latest.get((partnership_id, kpi_id)))
        standing.met += bool(KpiLine(kpi).met(Cell(quarter, actual, goal)))
    return dict(standings)


KPI_SETTINGS = ("is_money", "is_benefit", "direction", "aggregation", "figure")


def kpis_as_of(as_of: dt.datetime | None) -> dict[int, Kpi]:
    """Every KPI definition, with how it counted at `as_of` (now without): whether money and a
    benefit, its direction, its aggregation and its portfolio figure, from the audit log. One
    query, two with `as_of`."""
    kpis = {kpi.pk: kpi for kpi in Kpi.objects.all()}
    if as_of is not None:
        since = audit.changes_since(Kpi, as_of)
        for kpi in kpis.values():
            for name in KPI_SETTINGS:
                setattr(kpi, name, since.value(kpi, name))
    return kpis


def known_observations(actor: User, as_of: dt.datetime | None) -> QuerySet[Observation]:
    """The observations the actor sees, of those recorded by `as_of` (all without it)."""
    rows = visible_to(actor, Observation)
    return rows if as_of is None else rows.filter(recorded_at__lte=as_of)


def targets_as_of(rows: QuerySet[KpiTarget], as_of: dt.datetime | None) -> list[KpiTarget]:
    """The targets among `rows` as they were set at `as_of`, from the audit log; those set
    later left out."""
    targets = list(rows.select_related("kpi"))
    if as_of is None:
        return targets
    since = audit.changes_since(KpiTarget, as_of)
    kept = []
    for target in targets:
        if since.existed(target):
            target.value = Decimal(since.value(target, "value"))
            target.currency = since.value(target, "currency") or ""
            kept.append(target)
    return kept


@dataclass
class Total:
    """Amounts of one group in the base currency: their sum and count, or why they cannot be
    converted."""

    sum: Decimal = Decimal(0)
    count: int = 0
    problem: MissingRate | None = None

    def aggregate(self, kpi: Kpi, last: Decimal | None) -> Decimal | None:
        if kpi.aggregation == Kpi.Aggregation.SUM:
            return self.sum
        if kpi.aggregation == Kpi.Aggregation.AVERAGE:
            return self.sum / self.count
        return last


def converted_totals(
    rows: QuerySet[Any], keys: tuple[str, ...], rates: Rates, *, amount: str = "value",
    day: str = "observed_on",
) -> dict[tuple[Any, ...], Total]:  # fmt: skip
    """`amount` of `rows` summed per `keys` in the database and converted to the base currency
    at each day's rate: amounts in the base currency at once, the others day by day. Two
    queries, however many rows."""
    found: dict[tuple[Any, ...], Total] = defaultdict(Total)
    home = Q(currency="") | Q(currency=base_currency())
    summed = {"total": Sum(amount), "n": Count("pk")}
    for group in rows.filter(home).values(*keys).annotate(**summed).order_by():
        total = found[tuple(group[key] for key in keys)]
        total.sum += group["total"]
        total.count += group["n"]
    for group in rows.exclude(home).values(*keys, "currency", day).annotate(**summed).order_by():
        total = found[tuple(group[key] for key in keys)]
        total.count += group["n"]
        try:
            total.sum += rates.to_base(group["total"], group["currency"], group[day])
        except MissingRate as missing:
            total.problem = missing
    return dict(found)


def latest_values(rows: QuerySet[Observation], rates: Rates) -> dict[tuple[int, int], Decimal]:
    """The value of each partnership's latest observation of each KPI among `rows`, in the base
    currency. One query reading only the rows of each group's last day."""
    newest = (
        rows.filter(partnership=OuterRef("partnership"), kpi=OuterRef("kpi"))
        .order_by("-observed_on")
        .values("observed_on")[:1]
    )
    found: dict[tuple[int, int], Decimal] = {}
    last_day = rows.filter(observed_on=Subquery(newest)).order_by("observed_on", "id")
    for partnership_id, kpi_id, value, currency, day in last_day.values_list(
        "partnership_id", "kpi_id", "value", "currency", "observed_on"
    ):
        with contextlib.suppress(MissingRate):  # the totals name the missing rate
            found[(partnership_id, kpi_id)] = rates.to_base(value, currency, day)
    return found


@dataclass
class QuarterMoney:
    """The benefits and money costs recorded for a quarter, in the base currency."""

    benefits: Decimal
    costs: Decimal
    problems: list[str]


def quarter_money(
    actor: User, quarter: dt.date, *, as_of: dt.datetime | None = None
) -> QuarterMoney:
    """What the partnerships the actor sees brought and cost in `quarter`, summed in the
    database. Five queries, however many values."""
    end, rates = periods.quarter_end(quarter), Rates(as_of)
    counted = [pk for pk, kpi in kpis_as_of(as_of).items() if kpi.is_benefit]
    benefits = known_observations(actor, as_of).filter(
        kpi__in=counted, observed_on__gte=quarter, observed_on__lte=end
    )
    costs = cost_rows(actor).filter(
        kind=CostEntry.Kind.MONEY, spent_on__gte=quarter, spent_on__lte=end
    )
    if as_of is not None:
        costs = costs.filter(recorded_at__lte=as_of)
    gained = converted_totals(benefits, (), rates).get((), Total())
    spent = converted_totals(costs, (), rates, amount="amount", day="spent_on").get((), Total())
    problems = [t.problem.messages[0] for t in (gained, spent) if t.problem]
    return QuarterMoney(gained.sum, spent.sum, list(dict.fromkeys(problems)))


@dataclass
class QuarterImpact:
    """What the partnerships delivered in a quarter, for the portfolio: money in the base
    currency, the innovation counts, and what their targets projected."""

    quarter: dt.date
    revenue: Decimal = Decimal(0)
    savings: Decimal = Decimal(0)
    projected: Decimal = Decimal(0)
    patents: Decimal = Decimal(0)
    prototypes: Decimal = Decimal(0)
    time_to_market: Decimal | None = None
    company_revenue: Decimal | None = None

    @property
    def label(self) -> str:
        return periods.label(self.quarter)

    @property
    def actual(self) -> Decimal:
        return self.revenue + self.savings

    @property
    def share(self) -> Decimal | None:
        """The partnerships' revenue as a percentage of the company's."""
        if not self.company_revenue:
            return None
        return (100 * self.revenue / self.company_revenue).quantize(Decimal("0.01"))


@dataclass
class Impact:
    quarters: list[QuarterImpact]
    problems: list[str]

    @property
    def time_to_market_change(self) -> Decimal | None:
        """The latest quarter's average time to market against the first one's, in percent:
        below zero, faster."""
        measured = [q.time_to_market for q in self.quarters if q.time_to_market]
        if len(measured) < 2:
            return None
        first, last = measured[0], measured[-1]
        assert first is not None and last is not None
        return (100 * (last - first) / first).quantize(Decimal("0.1"))


def impact(
    actor: User, *, last: dt.date | None = None, count: int = QUARTERS_SHOWN,
    as_of: dt.datetime | None = None,
) -> Impact:  # fmt: skip
    """The portfolio figures of the `count` quarters up to `last`'s (today's): revenue from
    partnered innovation and its share of the company's, savings, co-developed patents,
    prototypes and the average time to market, from the KPIs that add up to each (each
    partnership's quarter by the KPI's own aggregation, then added up, or averaged for the
    time to market), and what the targets of revenue and savings projected; with `as_of`, as
    recorded and defined by then. Summed in the database: a constant number of queries."""
    end = periods.quarter_of(last or timezone.localdate())
    first = periods.shift(end, 1 - count)
    found = {q: QuarterImpact(q) for q in periods.quarters(first, end)}
    rates, problems = Rates(as_of), []
    kpis = {pk: kpi for pk, kpi in kpis_as_of(as_of).items() if kpi.figure}
    rows = (
        known_observations(actor, as_of)
        .filter(kpi__in=kpis, observed_on__gte=first, observed_on__lte=periods.quarter_end(end))
        .annotate(year=ExtractYear("observed_on"), part=ExtractQuarter("observed_on"))
    )
    last_kpis = [pk for pk, kpi in kpis.items() if kpi.aggregation == Kpi.Aggregation.LAST]
    latest: dict[dt.date, dict[tuple[int, int], Decimal]] = {}
    if last_kpis:
        for quarter in found:
            latest[quarter] = latest_values(rows.filter(
                kpi__in=last_kpis, observed_on__gte=quarter,
                observed_on__lte=periods.quarter_end(quarter)), rates)  # fmt: skip
    days: dict[dt.date, list[Decimal]] = defaultdict(list)
    keys = ("partnership_id", "kpi_id", "year", "part")
    for (partnership_id, kpi_id, year, part), total in converted_totals(rows, keys, rates).items():
        quarter, kpi = dt.date(year, 3 * part - 2, 1), kpis[kpi_id]
        if total.problem:
            problems.append(total.problem.messages[0])
            continue
        value = total.aggregate(kpi, latest.get(quarter, {}).get((partnership_id, kpi_id)))
        if value is None:
            continue
        if kpi.figure == Kpi.Figure.TIME_TO_MARKET:
            days[quarter].append(value)
        else:
            setattr(found[quarter], kpi.figure, getattr(found[quarter], kpi.figure) + value)
    for quarter, values in days.items():
        found[quarter].time_to_market = (sum(values, Decimal(0)) / len(values)).quantize(
            Decimal("0.1")
        )
    money = [pk for pk, kpi in kpis.items()
             if kpi.figure in (Kpi.Figure.REVENUE, Kpi.Figure.SAVINGS)]  # fmt: skip
    targets = targets_as_of(
        visible_to(actor, KpiTarget).filter(quarter__gte=first, quarter__lte=end, kpi__in=money),
        as_of,
    )
    company = list(visible_to(actor, CompanyRevenue).filter(quarter__gte=first, quarter__lte=end))
    if as_of is not None:
        since = audit.changes_since(CompanyRevenue, as_of)
        company = [row for row in company if since.existed(row)]
        for row in company:
            row.amount = Decimal(since.value(row, "amount"))
            row.currency = since.value(row, "currency")
    for quarter, currency, amount, into in [
        *((t.quarter, t.currency, t.value, "projected") for t in targets),
        *((c.quarter, c.currency, c.amount, "company_revenue") for c in company),
    ]:
        try:
            value = rates.to_base(amount, currency, periods.quarter_end(quarter))
        except MissingRate as missing:
            problems.append(missing.messages[0])
            continue
        setattr(found[quarter], into, (getattr(found[quarter], into) or 0) + value)
    return Impact(list(found.values()), list(dict.fromkeys(problems)))


def latest_health(
    actor: User, partnership_ids: list[int], *, as_of: dt.datetime | None = None
) -> dict[int, RoundResult]:
    """Each partnership's latest health round with its results (as answered by `as_of`).
    Three queries."""
    latest: dict[int, SurveyRound] = {}
    rounds = survey_rows(actor).filter(partnership__in=partnership_ids)
    if as_of is not None:
        rounds = rounds.filter(created_at__lte=as_of)
    for survey in rounds:
        latest.setdefault(survey.partnership_id, survey)
    results = round_results(actor, list(latest.values()), as_of=as_of)
    return {result.survey.partnership_id: result for result in results}


def widest_gaps(actor: User, *, top: int = 5) -> list[RoundResult]:
    """The latest health check of each open partnership answered by both sides, the widest
    perception gaps first. One query, two more when there are checks; the earlier checks
    are never read."""
    newest = (
        SurveyRound.objects.filter(partnership=OuterRef("partnership"))
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    rounds = (
        visible_to(actor, SurveyRound)
        .exclude(partnership__stage__in=EXITS)
        .filter(pk=Subquery(newest))
        .select_related("partnership")
        .only("pk", "partnership__title")
    )
    latest = list(rounds)
    if not latest:
        return []
    answered = [r for r in round_results(actor, latest) if r.gap is not None]
    return sorted(answered, key=lambda r: -(r.gap or 0))[:top]
