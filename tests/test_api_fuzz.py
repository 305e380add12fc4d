"""Every API operation, fed generated input as an administrator and as a partner: never a
5xx, and every response matches the OpenAPI schema the API serves."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accord.accounts.services import token_create
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from accord.ventures import services as ventures
from accord.wsgi import application

# A few examples per operation keep both runs (SQLite and PostgreSQL) to a minute or two.
EXAMPLES = 8


@pytest.fixture
def seeded(personas, org_a, org_b) -> None:
    """A few of each object, so that small generated ids find something to act on."""
    admin, manager = personas["admin"], personas["manager"]
    partnerships.gates_install_defaults()
    party = directory.organization_create(actor=admin, data={"name": "Beta Sensors"})
    directory.person_create(actor=admin, data={"full_name": "Ada L", "organization": party})
    directory.tags_get_or_create(actor=admin, names=["robots"])
    priority = StrategicPriority.objects.create(title="Grow", horizon_year=2030)
    gap = CapabilityGap.objects.create(priority=priority, title="Vision")
    PartnershipPlay.objects.create(title="Buy vision", type="rd_alliance")
    for title, org in (("Vision alliance", party), ("Pilot", org_a)):
        partnerships.partnership_create(
            actor=manager,
            data={"title": title, "type": "rd_alliance"},
            parties=[(org, "partner")],
            gaps=[gap],
        )
    _seed_ventures(admin, party)


def _seed_ventures(admin, company) -> None:
    """A fund with an investment, its cash flow, a mark and an option right."""
    day = dt.date(2025, 3, 1)
    fund = ventures.fund_create(actor=admin, data={
        "name": "Fuzz Ventures I", "currency": "EUR", "committed_capital": Decimal("1e7"),
        "vintage": 2025})  # fmt: skip
    investment = ventures.investment_create(actor=admin, data={
        "fund": fund, "organization": company, "round": "seed", "instrument": "equity",
        "invested_on": day, "amount": Decimal("1e6"), "currency": "EUR"})  # fmt: skip
    ventures.cash_flow_record(actor=admin, data={"investment": investment, "kind": "investment",
                              "on": day, "amount": Decimal("1e6"), "currency": "EUR"})  # fmt: skip
    ventures.mark_record(actor=admin, data={"investment": investment, "on": day, "currency":
                         "EUR", "fair_value": Decimal("2e6"), "method": "last_round"})  # fmt: skip
    ventures.option_create(
        actor=admin, data={"investment": investment, "kind": "pro_rata", "deadline": day}
    )


@pytest.fixture
def api_schema(settings, db, seeded):
    settings.ALLOWED_HOSTS = ["localhost"]
    # As Django's test client does: a request must not close the test's connection (on
    # PostgreSQL that ends the transaction the test runs in).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _bearer(user) -> dict[str, str]:
    _, raw = token_create(actor=user, user=user, name="fuzz")
    return {"Authorization": f"Bearer {raw}"}


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
CHECKS = [not_a_server_error, response_schema_conformance]


def fuzz(schema, headers: dict[str, str]) -> list[str]:
    """Each operation in turn; the failures, one line each, so one run shows them all."""
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # every kind a check raises is a finding to list
            first = str(error).strip().splitlines()[:6]
            failures.append(f"{operation.method.upper()} {operation.path}: {' | '.join(first)}")
    return failures


def test_api_answers_an_administrator_without_a_5xx_and_as_documented(api_schema, personas):
    assert fuzz(api_schema, _bearer(personas["admin"])) == []


def test_api_answers_a_partner_without_a_5xx_and_as_documented(api_schema, personas):
    assert fuzz(api_schema, _bearer(personas["partner_a"])) == []
