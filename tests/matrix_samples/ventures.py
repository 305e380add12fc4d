"""A fund with an investment of organization B (marked, with an option right, cash flows, an
answered KPI request and a threshold), and an investment linked to the confidential
partnership, whose company, marks, option, flows and figures only its team may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accord.directory.models import Organization
from accord.partnerships.models import Partnership
from accord.ventures import kpi, services
from accord.ventures.models import (
    CashFlow,
    Fund,
    Investment,
    KpiAnswer,
    KpiRequest,
    KpiThreshold,
    Mark,
    OptionRight,
)
from tests.matrix_samples import confidential_samples, samples

DAY = dt.date(2025, 3, 1)


def _investment(admin: Any, fund: Fund, organization: Organization, partnership=None):
    investment = services.investment_create(actor=admin, data={
        "fund": fund, "organization": organization, "partnership": partnership,
        "round": "seed", "instrument": "equity", "invested_on": DAY,
        "amount": Decimal("1000000"), "currency": "EUR", "ownership": Decimal("10"),
    })  # fmt: skip
    flow = services.cash_flow_record(actor=admin, data={
        "fund": fund, "investment": investment, "kind": "investment", "on": DAY,
        "amount": Decimal("1000000"), "currency": "EUR",
    })  # fmt: skip
    mark = services.mark_record(actor=admin, data={
        "investment": investment, "on": DAY + dt.timedelta(days=200),
        "fair_value": Decimal("2500000"), "currency": "EUR", "method": "last_round",
    })  # fmt: skip
    option = services.option_create(actor=admin, data={
        "investment": investment, "kind": "pro_rata", "deadline": DAY + dt.timedelta(days=400),
    })  # fmt: skip
    return investment, flow, mark, option


def _figures(admin: Any, investment: Investment) -> tuple[KpiRequest, KpiAnswer, KpiThreshold]:
    """A request answered (runway 4) and a threshold it crosses (below 6)."""
    from django.test import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        request = kpi.kpi_request_send(
            actor=admin, investment=investment, period="2025Q4", email="cfo@company.example",
            metrics=["runway"],
        )  # fmt: skip
    kpi.answers_submit(raw=kpi.token_of(request), values={"runway": "4"})
    threshold = kpi.kpi_threshold_set(
        actor=admin, investment=investment, metric="runway", comparator="below", value="6"
    )
    return request, request.answers.get(), threshold


@samples
def venture_samples(world: dict[str, Any]) -> dict[Any, Any]:
    admin = world["users"]["admin"]
    fund = services.fund_create(actor=admin, data={
        "name": "Matrix Ventures I", "currency": "EUR", "committed_capital": Decimal("50000000"),
        "vintage": 2025,
    })  # fmt: skip
    investment, flow, mark, option = _investment(admin, fund, world["org_b"])
    request, answer, threshold = _figures(admin, investment)
    return {Fund: fund, Investment: investment, CashFlow: flow, Mark: mark, OptionRight: option,
            KpiRequest: request, KpiAnswer: answer, KpiThreshold: threshold}  # fmt: skip


@confidential_samples
def confidential_investment(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    organization = Organization.objects.get(partnership_parties__partnership=secret)
    investment, flow, mark, option = _investment(
        world["users"]["admin"], world["samples"][Fund], organization, secret
    )
    request, answer, threshold = _figures(world["users"]["admin"], investment)
    return {"Investment in the confidential partnership": investment,
            "its cash flow": flow, "its mark": mark, "its option right": option,
            "its KPI request": request, "its KPI answer": answer,
            "its KPI threshold": threshold}  # fmt: skip
