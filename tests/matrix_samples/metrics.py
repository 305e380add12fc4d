"""A KPI in money, a rate, and a target, a value and a cost of the sample partnership; the same
of the confidential one."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accord.metrics import services
from accord.metrics.models import CostEntry, ExchangeRate, Kpi, KpiTarget, Observation
from accord.partnerships.models import Partnership
from tests.matrix_samples import confidential_samples, samples


def _measures(actor: Any, partnership: Partnership, kpi: Kpi, note: str) -> dict[Any, Any]:
    today = dt.date.today()
    target = services.target_set(actor=actor, partnership=partnership, kpi=kpi,
                                 quarter=today, value=Decimal(1000), currency="EUR")  # fmt: skip
    observation = services.observation_record(
        actor=actor, partnership=partnership, kpi=kpi, observed_on=today, value=Decimal(900),
        currency="USD", note=note,
    )  # fmt: skip
    cost = services.cost_record(
        actor=actor, partnership=partnership,
        data={"spent_on": today, "amount": Decimal(500), "currency": "EUR", "description": note},
    )  # fmt: skip
    return {KpiTarget: target, Observation: observation, CostEntry: cost}


@samples
def metrics_samples(world: dict[str, Any]) -> dict[Any, Any]:
    admin = world["users"]["admin"]
    kpi = services.kpi_create(actor=admin, data={"name": "Matrix revenue", "category": "business",
                                                 "unit": "EUR", "is_money": True,
                                                 "is_benefit": True})  # fmt: skip
    rate = services.rate_set(actor=admin, currency="USD", valid_from=dt.date(2020, 1, 1),
                             rate=Decimal("0.9"))  # fmt: skip
    rows = _measures(admin, world["samples"][Partnership], kpi, "Matrix value")
    return {Kpi: kpi, ExchangeRate: rate, **rows}


@confidential_samples
def confidential_metrics(world: dict[str, Any]) -> dict[Any, Any]:
    kpi = world["samples"][Kpi]
    rows = _measures(world["users"]["admin"], world["secret"][Partnership], kpi,
                     world["secret_evidence"])  # fmt: skip
    return {f"{model.__name__} of the confidential partnership": row for model, row in rows.items()}
