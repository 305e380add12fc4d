"""What the venture pages read, through the access policy, and their returns as of a day.

Returns are in the base currency, each amount converted at the rate of its own day (the
residual values at the rate of the as-of day). A fund's figures count only what the reader may
see: an investment linked to a confidential partnership outside their reach is left out, and
the page says how many were.

Which flows a fund's returns count, seen from the company: its capital calls (paid in) and its
distributions (received); a fund run from the balance sheet, without capital calls, counts
the money it invested and its fees as paid in instead. An investment's own returns count its
investments and fees (paid in) and its distributions (received). The residual value (NAV) of
an investment is its latest mark on or before the as-of day, or its cost until it is first
marked; an exited or written-off investment holds none.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Prefetch, QuerySet

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.metrics.money import MissingRate, Rates, base_currency
from accord.ventures import kpi
from accord.ventures.filters import (
    CashFlowFilter,
    FundFilter,
    InvestmentFilter,
    MarkFilter,
    OptionRightFilter,
)
from accord.ventures.models import (
    SIGNS,
    CashFlow,
    Fund,
    Investment,
    KpiAnswer,
    KpiRequest,
    KpiThreshold,
    Mark,
    OptionRight,
)
from accord.ventures.returns import Flow, Returns, returns

HELD = (Investment.Status.ACTIVE,)


@dataclass(frozen=True)
class Performance:
    figures: Returns | None  # None when an amount has no exchange rate (see `problem`)
    currency: str
    as_of: dt.date
    problem: str | None = None
    hidden: int = 0  # investments the reader may not see, left out


def fund_rows(actor: User) -> QuerySet[Fund]:
    return visible_to(actor, Fund)


def investment_rows(actor: User) -> QuerySet[Investment]:
    marks = Prefetch("marks", queryset=Mark.objects.order_by("on", "id"))
    return (
        visible_to(actor, Investment)
        .select_related("fund", "organization", "partnership")
        .prefetch_related(marks)
    )


def option_rows(actor: User) -> QuerySet[OptionRight]:
    return visible_to(actor, OptionRight).select_related("investment__organization")


def cash_flow_rows(actor: User) -> QuerySet[CashFlow]:
    return visible_to(actor, CashFlow).select_related("investment__organization")


def options_due(actor: User, today: dt.date, days: int = 90) -> list[OptionRight]:
    """Open option rights whose deadline is within `days` (or passed), soonest first."""
    rows = option_rows(actor).filter(
        status=OptionRight.Status.OPEN, deadline__lte=today + dt.timedelta(days=days)
    )
    return list(rows.select_related("investment__fund").order_by("deadline", "pk"))


def latest_mark(investment: Investment, as_of: dt.date) -> Mark | None:
    """From the prefetched marks (investment_rows), the latest on or before `as_of`."""
    earlier = [mark for mark in investment.marks.all() if mark.on <= as_of]
    return earlier[-1] if earlier else None


def residual_value(investment: Investment, as_of: dt.date, rates: Rates) -> Decimal:
    if investment.status not in HELD or investment.invested_on > as_of:
        return Decimal(0)
    mark = latest_mark(investment, as_of)
    if mark is not None:
        return rates.to_base(mark.fair_value, mark.currency, as_of)
    return rates.to_base(investment.amount, investment.currency, as_of)


def _signed(flows: Iterable[CashFlow], rates: Rates) -> list[Flow]:
    return [
        Flow(flow.on, SIGNS[CashFlow.Kind(flow.kind)] * rates.to_base(flow.amount, flow.currency,
                                                                       flow.on))
        for flow in flows
    ]  # fmt: skip


def fund_counted(flows: Sequence[CashFlow]) -> list[CashFlow]:
    """The flows a fund's returns count (see the module's notes)."""
    if any(flow.kind == CashFlow.Kind.CAPITAL_CALL for flow in flows):
        kept = {CashFlow.Kind.CAPITAL_CALL, CashFlow.Kind.DISTRIBUTION}
    else:
        kept = {CashFlow.Kind.INVESTMENT, CashFlow.Kind.FEE, CashFlow.Kind.DISTRIBUTION}
    return [flow for flow in flows if flow.kind in kept]


def _performance(
    flows: Sequence[CashFlow],
    held: Iterable[Investment],
    as_of: dt.date,
    rates: Rates,
    hidden: int = 0,
) -> Performance:
    try:
        signed = _signed(flows, rates)
        nav = sum((residual_value(i, as_of, rates) for i in held), Decimal(0))
    except MissingRate as missing:
        return Performance(None, base_currency(), as_of, missing.messages[0], hidden)
    figures = returns(signed, nav=nav, as_of=as_of)
    return Performance(figures, base_currency(), as_of, None, hidden)


def investment_performance(
    investment: Investment, flows: Sequence[CashFlow], as_of: dt.date, rates: Rates
) -> Performance:
    """An investment's returns from its own `flows` (read by the caller through the policy)."""
    return _performance(flows, [investment], as_of, rates)


def fund_performance(
    actor: User, fund: Fund, investments: Sequence[Investment], as_of: dt.date, rates: Rates
) -> Performance:
    """A fund's returns over what `actor` may see of it; `investments` are its visible ones."""
    flows = list(cash_flow_rows(actor).filter(fund=fund).order_by("on", "pk"))
    hidden = Investment.objects.filter(fund=fund).count() - len(investments)
    return _performance(fund_counted(flows), investments, as_of, rates, hidden)


class Line(NamedTuple):
    """One investment of a fund as its page and its report show it."""

    investment: Investment
    mark: Mark | None  # the latest on or before the as-of day; None while held at cost
    performance: Performance


def fund_lines(
    actor: User, fund: Fund, as_of: dt.date, rates: Rates
) -> tuple[list[Line], Performance]:
    """The fund's investments that `actor` may see, each with its returns, and the fund's own
    returns over them: what the fund page and the fund report both show."""
    investments = list(investment_rows(actor).filter(fund=fund))
    flows = list(cash_flow_rows(actor).filter(fund=fund, investment__isnull=False))
    lines = []
    for investment in investments:
        own = [flow for flow in flows if flow.investment_id == investment.pk]
        performance = investment_performance(investment, own, as_of, rates)
        lines.append(Line(investment, latest_mark(investment, as_of), performance))
    return lines, fund_performance(actor, fund, investments, as_of, rates)


# Figures asked of portfolio companies --------------------------------------------------------


def kpi_request_rows(actor: User) -> QuerySet[KpiRequest]:
    """Requests with their answers, newest period sent first."""
    answers = Prefetch("answers", queryset=visible_to(actor, KpiAnswer).order_by("id"))
    return visible_to(actor, KpiRequest).prefetch_related(answers)


def kpi_threshold_rows(actor: User) -> QuerySet[KpiThreshold]:
    return visible_to(actor, KpiThreshold)


@dataclass(frozen=True)
class Trend:
    """One figure of an investment, period after period (oldest first), with its thresholds."""

    metric: str
    label: str
    unit: str
    points: list[tuple[str, Decimal]]
    thresholds: list[KpiThreshold]


@dataclass(frozen=True)
class Flag:
    """The latest value of a figure past one of its investment's thresholds."""

    investment_id: int
    period: str
    value: Decimal
    threshold: KpiThreshold
    unit: str

    def __str__(self) -> str:
        rule = kpi.rule_of(self.threshold.metric)
        unit = f" {self.unit}" if self.unit else ""
        return (f"{rule.short} {kpi.plain(self.value)}{unit}, {self.threshold.comparator} "
                f"{kpi.plain(self.threshold.value)}")  # fmt: skip


def kpi_trends(requests: Sequence[KpiRequest], thresholds: Sequence[KpiThreshold]) -> list[Trend]:
    """Each figure answered (standard ones first, then custom ones by name) across the
    answered `requests` of one investment, from their prefetched answers."""
    answered = sorted((r for r in requests if r.answered_at is not None),
                      key=lambda r: kpi.period_order(r.period))  # fmt: skip
    series: dict[str, list[tuple[str, Decimal]]] = {}
    currency = answered[-1].currency if answered else ""
    for request in answered:
        for answer in request.answers.all():
            series.setdefault(answer.metric, []).append((request.period, answer.value))
    order = [m for m in kpi.RULES if m in series]
    order += sorted((m for m in series if m not in kpi.RULES), key=str.casefold)
    return [
        Trend(metric, kpi.rule_of(metric).label, kpi.unit_text(metric, currency),
              series[metric], [t for t in thresholds if t.metric == metric])
        for metric in order
    ]  # fmt: skip


def flags_of(trends: Iterable[Trend], investment_id: int) -> list[Flag]:
    return [
        Flag(investment_id, trend.points[-1][0], trend.points[-1][1], threshold, trend.unit)
        for trend in trends
        for threshold in trend.thresholds
        if threshold.crossed_by(trend.points[-1][1])
    ]


def kpi_flags(actor: User) -> list[tuple[Investment, list[Flag]]]:
    """Every investment `actor` sees whose latest figures cross a threshold, in two queries."""
    thresholds = list(kpi_threshold_rows(actor).select_related("investment__organization"))
    if not thresholds:
        return []
    watched = {t.investment_id for t in thresholds}
    latest: dict[tuple[int, str], tuple[str, Decimal, str]] = {}
    answers = visible_to(actor, KpiAnswer).filter(
        request__investment__in=watched, request__answered_at__isnull=False
    )
    for investment_id, period, currency, metric, value in answers.values_list(
        "request__investment_id", "request__period", "request__currency", "metric", "value"
    ):
        known = latest.get((investment_id, metric))
        if known is None or kpi.period_order(period) > kpi.period_order(known[0]):
            latest[(investment_id, metric)] = (period, value, currency)
    found: dict[int, tuple[Investment, list[Flag]]] = {}
    for threshold in thresholds:
        seen = latest.get((threshold.investment_id, threshold.metric))
        if seen is None or not threshold.crossed_by(seen[1]):
            continue
        unit = kpi.unit_text(threshold.metric, seen[2])
        entry = found.setdefault(threshold.investment_id, (threshold.investment, []))
        entry[1].append(Flag(threshold.investment_id, seen[0], seen[1], threshold, unit))
    return sorted(found.values(), key=lambda entry: entry[0].organization.name.casefold())


# Lists and returns as the API reads them -----------------------------------------------------


def fund_list(actor: User, params: Any = None) -> FundFilter:
    return FundFilter(params, queryset=fund_rows(actor))


def investment_list(actor: User, params: Any = None) -> InvestmentFilter:
    return InvestmentFilter(params, queryset=investment_rows(actor))


def option_list(actor: User, params: Any = None) -> OptionRightFilter:
    return OptionRightFilter(params, queryset=option_rows(actor))


def cash_flow_list(actor: User, params: Any = None) -> CashFlowFilter:
    return CashFlowFilter(params, queryset=cash_flow_rows(actor))


def mark_list(actor: User, params: Any = None) -> MarkFilter:
    return MarkFilter(params, queryset=visible_to(actor, Mark))


def fund_returns(actor: User, fund: Fund, as_of: dt.date) -> Performance:
    """The fund's returns as its page shows them: over the investments `actor` may see."""
    investments = list(investment_rows(actor).filter(fund=fund))
    return fund_performance(actor, fund, investments, as_of, Rates())


def investment_returns(actor: User, investment: Investment, as_of: dt.date) -> Performance:
    """The investment's returns as its page shows them; `investment` read by investment_rows."""
    flows = list(cash_flow_rows(actor).filter(investment=investment))
    return investment_performance(investment, flows, as_of, Rates())
