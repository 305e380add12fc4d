"""A joint KPI in money, a rate, and a target, a value and a cost of the sample partnership; the
same of the confidential one. Both health checks share their results with the partner, so the
partner's workspace has something to show and something to withhold."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accord.metrics import services, surveys
from accord.metrics.models import (
    CostEntry,
    ExchangeRate,
    Kpi,
    KpiTarget,
    Observation,
    SurveyRespondent,
    SurveyRound,
)
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
                                                 "is_benefit": True,
                                                 "is_joint": True})  # fmt: skip
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


def _round(world: dict[str, Any], partnership: Partnership, title: str) -> SurveyRound:
    from django.test import override_settings
    from django.utils import timezone

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        return surveys.round_open(
            actor=world["users"]["admin"], partnership=partnership, title=title,
            closes_at=timezone.now() + dt.timedelta(days=7), ours=["us@ours.example"],
            theirs=["them@partner.example"], link_for=lambda raw: f"/metrics/survey/?token={raw}",
            share_results=True,
        )  # fmt: skip


@samples
def survey_samples(world: dict[str, Any]) -> dict[Any, Any]:
    survey = _round(world, world["samples"][Partnership], "Matrix health check")
    return {SurveyRound: survey, SurveyRespondent: survey.respondents.first()}


@confidential_samples
def confidential_survey(world: dict[str, Any]) -> dict[Any, Any]:
    survey = _round(world, world["secret"][Partnership], world["secret_evidence"])
    return {"Survey of the confidential partnership": survey}
