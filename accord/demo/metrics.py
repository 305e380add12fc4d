"""Demo metrics: a KPI library, two years of quarterly values and costs for the partnerships
that are active or in renewal review, their targets, and dollar and pound rates; revenue in
mixed currencies, so the ROI converts at dated rates."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from accord.accounts.models import User
from accord.core.models import AuditEvent
from accord.metrics import periods, services
from accord.metrics.models import (
    CompanyRevenue,
    CostEntry,
    ExchangeRate,
    Kpi,
    KpiTarget,
    Observation,
)
from accord.partnerships.models import Partnership, Stage

# (name, category, unit, money, benefit, direction, aggregation, description)
LIBRARY = [
    ("Partner-sourced revenue", "business", "EUR", True, True, "higher", "sum",
     "Revenue from deals the partner brought or shaped."),
    ("Cost savings", "business", "EUR", True, True, "higher", "sum",
     "Savings on our side that the partnership made possible."),
    ("Market share in the segment", "business", "%", False, False, "higher", "last", ""),
    ("Co-developed patents filed", "innovation", "patents", False, False, "higher", "sum", ""),
    ("Prototypes built", "innovation", "prototypes", False, False, "higher", "sum", ""),
    ("Time to market", "innovation", "days", False, False, "lower", "last",
     "From concept to first customer delivery."),
    ("Joint health score", "relationship", "score 1-5", False, False, "higher", "average", ""),
]  # fmt: skip
FIGURES = {"Partner-sourced revenue": "revenue", "Cost savings": "savings",
           "Co-developed patents filed": "patents", "Prototypes built": "prototypes",
           "Time to market": "time_to_market"}  # fmt: skip
# The whole company's revenue in the first quarter shown, growing a little each quarter.
COMPANY_REVENUE = 38_000_000
# Tracked with the partner: its users see these KPIs' targets and values in their workspace.
JOINT = {"Co-developed patents filed", "Joint health score"}
RATES = {"USD": ("0.92", "0.86"), "GBP": ("1.16", "1.19")}


def load_metrics_demo(*, admin: User, rng: random.Random) -> dict[str, int]:
    if Kpi.objects.exists():
        return {"kpis": Kpi.objects.count()}
    today = timezone.localdate()
    first = periods.shift(periods.quarter_of(today), -8)
    kpis = {
        row[0]: services.kpi_create(actor=admin, data={**dict(zip(
            ("name", "category", "unit", "is_money", "is_benefit", "direction", "aggregation",
             "description"), row, strict=True)), "is_joint": row[0] in JOINT,
            "figure": FIGURES.get(row[0], "")})
        for row in LIBRARY
    }  # fmt: skip
    for currency, (old, new) in RATES.items():
        services.rate_set(actor=admin, currency=currency, valid_from=first, rate=old)
        services.rate_set(actor=admin, currency=currency, valid_from=periods.shift(first, 4),
                          rate=new)  # fmt: skip
    for step in range(8):
        amount = COMPANY_REVENUE + 600_000 * step
        services.company_revenue_set(actor=admin, quarter=periods.shift(first, step),
                                     amount=amount, currency="EUR")  # fmt: skip
    running = Partnership.objects.filter(stage__in=(Stage.ACTIVE, Stage.RENEWAL_REVIEW))
    for index, partnership in enumerate(running.select_related("owner").order_by("pk")):
        actor = partnership.owner or admin
        doing_well = index % 3 != 2
        currency = ("EUR", "USD", "GBP")[index % 3]
        for step in range(8):
            quarter = periods.shift(first, step)
            day = min(quarter + dt.timedelta(days=45), today)
            revenue = Decimal(40_000 + 15_000 * step * (2 if doing_well else 0.4))
            revenue = revenue.quantize(Decimal(1)) + rng.randint(0, 9_000)
            services.observation_record(
                actor=actor, partnership=partnership, kpi=kpis["Partner-sourced revenue"],
                observed_on=day, value=revenue, currency=currency,
                attribution=Observation.Attribution.SOURCED,
            )  # fmt: skip
            services.target_set(actor=actor, partnership=partnership,
                                kpi=kpis["Partner-sourced revenue"], quarter=quarter,
                                value=Decimal(50_000 + 20_000 * step), currency="EUR")  # fmt: skip
            services.observation_record(
                actor=actor, partnership=partnership, kpi=kpis["Joint health score"],
                observed_on=day,
                value=Decimal(str(round(3.2 + (0.15 if doing_well else -0.2) * step / 2, 1))),
            )  # fmt: skip
            services.observation_record(
                actor=actor, partnership=partnership, kpi=kpis["Cost savings"], observed_on=day,
                value=Decimal(8_000 + 2_500 * step * (1 if doing_well else 0.3)).quantize(
                    Decimal(1)), currency="EUR",
            )  # fmt: skip
            services.observation_record(
                actor=actor, partnership=partnership, kpi=kpis["Time to market"],
                observed_on=day, value=(240 - 12 * step) if doing_well else (230 - 2 * step),
            )  # fmt: skip
            if step % 3 == 1:
                services.observation_record(
                    actor=actor, partnership=partnership, kpi=kpis["Prototypes built"],
                    observed_on=day, value=rng.randint(1, 2 if doing_well else 1),
                )  # fmt: skip
            if step % 2:
                services.observation_record(
                    actor=actor, partnership=partnership,
                    kpi=kpis["Co-developed patents filed"], observed_on=day,
                    value=rng.randint(0, 3 if doing_well else 1),
                )  # fmt: skip
            services.cost_record(actor=actor, partnership=partnership, data={
                "spent_on": quarter, "amount": Decimal(60_000 + 5_000 * (index % 4)),
                "currency": "EUR", "description": "Joint team and pilot costs"})  # fmt: skip
            services.cost_record(actor=actor, partnership=partnership, data={
                "spent_on": quarter, "kind": "fte", "amount": Decimal(6)})  # fmt: skip
    _as_if_recorded_at_the_time(now=timezone.now())
    return {"kpis": len(kpis), "observations": Observation.objects.count()}


def _as_if_recorded_at_the_time(*, now: dt.datetime) -> None:
    """The demo is loaded in a minute but stands for two years: each value, cost, target, rate
    and company revenue is dated (with its audit event) a few days after the day it is about,
    so a board pack drawn as of a past day shows what was known then."""
    lag = dt.timedelta(days=3)

    def moment(day: dt.date) -> dt.datetime:
        return min(now, timezone.make_aware(dt.datetime.combine(day, dt.time(9))) + lag)

    dated: dict[type[Any], dict[int, dt.datetime]] = {
        Observation: {pk: moment(day) for pk, day in
                      Observation.objects.values_list("pk", "observed_on")},
        CostEntry: {pk: moment(day) for pk, day in CostEntry.objects.values_list("pk", "spent_on")},
        KpiTarget: {pk: moment(day) - dt.timedelta(days=30)
                    for pk, day in KpiTarget.objects.values_list("pk", "quarter")},
        ExchangeRate: {pk: moment(day) - lag
                       for pk, day in ExchangeRate.objects.values_list("pk", "valid_from")},
        CompanyRevenue: {pk: moment(periods.quarter_end(day)) + dt.timedelta(days=12)
                         for pk, day in CompanyRevenue.objects.values_list("pk", "quarter")},
    }  # fmt: skip
    for model, moments in dated.items():
        if model in (Observation, CostEntry):
            for pk, at in moments.items():
                model.objects.filter(pk=pk).update(recorded_at=at)
        label = model._meta.label_lower
        for pk, at in moments.items():
            AuditEvent.objects.filter(model=label, object_id=str(pk)).update(at=min(at, now))
