"""The portfolio's impact: revenue from partnered innovation and its share of the company's,
savings, patents, prototypes, time to market, projected against actual; hand-checked, with
bad input refused by name and nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.core.models import AuditEvent
from accord.metrics import periods, selectors, services
from accord.metrics.models import CompanyRevenue
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for

pytestmark = pytest.mark.django_db
LAST = periods.shift(periods.quarter_of(dt.date.today()), -1)
EARLIER = periods.shift(LAST, -1)


@pytest.fixture
def world(personas, org_a):
    admin, manager = personas["admin"], personas["manager"]
    grid = partnerships.partnership_create(
        actor=manager, data={"title": "Grid storage alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    kpis = {
        name: services.kpi_create(actor=manager, data={"name": name, **fields})
        for name, fields in {
            "Revenue": {"category": "business", "unit": "EUR", "is_money": True,
                        "is_benefit": True, "figure": "revenue"},
            "Savings": {"category": "business", "unit": "EUR", "is_money": True,
                        "is_benefit": True, "figure": "savings"},
            "Patents": {"category": "innovation", "unit": "patents", "figure": "patents"},
            "Prototypes": {"category": "innovation", "unit": "prototypes",
                           "figure": "prototypes"},
            "Lead time": {"category": "innovation", "unit": "days", "direction": "lower",
                          "aggregation": "average", "figure": "time_to_market"},
            "Meetings": {"category": "relationship", "unit": "meetings"},
        }.items()
    }  # fmt: skip
    services.rate_set(actor=admin, currency="USD", valid_from=dt.date(2000, 1, 1), rate="0.5")

    def observe(name, day, value, currency=""):
        services.observation_record(actor=manager, partnership=grid, kpi=kpis[name],
                                    observed_on=day, value=value, currency=currency)  # fmt: skip

    observe("Revenue", LAST, 100_000, "EUR")
    observe("Revenue", LAST + dt.timedelta(days=5), 40_000, "USD")  # 20,000 EUR
    observe("Savings", LAST, 30_000, "EUR")
    observe("Patents", LAST, 2)
    observe("Prototypes", LAST + dt.timedelta(days=1), 3)
    observe("Meetings", LAST, 9)
    observe("Lead time", EARLIER, 200)
    observe("Lead time", LAST, 150)
    observe("Lead time", LAST + dt.timedelta(days=2), 170)  # the quarter averages 160
    for name, value in (("Revenue", 100_000), ("Savings", 50_000)):
        services.target_set(actor=manager, partnership=grid, kpi=kpis[name], quarter=LAST,
                            value=value, currency="EUR")  # fmt: skip
    services.company_revenue_set(actor=admin, quarter=LAST, amount=3_000_000, currency="USD")
    return {"admin": admin, "manager": manager, "viewer": personas["viewer"], "grid": grid}


def test_the_figures_add_up_by_hand(world):
    found = selectors.impact(world["viewer"], last=LAST)
    last, earlier = found.quarters[-1], found.quarters[-2]
    assert (last.revenue, last.savings, last.actual) == (120_000, 30_000, 150_000)
    assert last.projected == 150_000 and last.company_revenue == 1_500_000  # USD at 0.5
    assert last.share == Decimal("8.00")
    assert (last.patents, last.prototypes) == (2, 3)
    assert (earlier.time_to_market, last.time_to_market) == (200, 160)
    assert found.time_to_market_change == Decimal("-20.0"), "160 days against 200: faster"
    assert len(found.quarters) == 8 and found.problems == []


def test_the_page_and_the_api_show_them(world):
    page = client_for(world["viewer"]).get("/portfolio/impact/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "120,000" in html and "8.00 %" in html and "-20.0 %" in html
    assert 'data-testid="impact-chart"' in html and "revenue-form" not in html
    answer = client_for(world["admin"]).get("/api/v1/impact", **bearer(world["admin"]))
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["quarters"][-1]["share_percent"] == "8.00"
    assert body["time_to_market_change_percent"] == "-20.0"


@pytest.mark.parametrize(
    ("quarter", "amount", "currency", "field", "says"),
    [
        ("Q9", 1, "EUR", "quarter", "is not a quarter"),
        (None, -5, "EUR", "amount", "above zero"),
        (None, "lots", "EUR", "amount", "must be a number"),
        (None, 1, "JPY", "currency", "No exchange rate of JPY"),
        ("2999Q1", 1, "EUR", "quarter", "has not begun"),
    ],
)
def test_bad_company_revenue_is_refused_by_name(world, quarter, amount, currency, field, says):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.company_revenue_set(actor=world["admin"], quarter=quarter or LAST,
                                     amount=amount, currency=currency)  # fmt: skip
    assert says in " ".join(refused.value.message_dict.get(field, refused.value.messages))
    assert CompanyRevenue.objects.get().amount == 3_000_000
    assert AuditEvent.objects.count() == before


def test_only_definers_record_the_company_revenue_and_a_page_refusal_names_the_field(world):
    with pytest.raises(PermissionDenied):
        services.company_revenue_set(actor=world["viewer"], quarter=LAST, amount=1,
                                     currency="EUR")  # fmt: skip
    client, quarter = client_for(world["admin"]), periods.label(LAST)
    bad = client.post("/portfolio/company-revenue/",
                      {"quarter": quarter, "amount": "0", "currency": "EUR"})  # fmt: skip
    assert bad.status_code == 422 and "above zero" in bad.content.decode()
    good = client.post("/portfolio/company-revenue/",
                       {"quarter": quarter, "amount": "2000000", "currency": "EUR"})  # fmt: skip
    assert good.status_code == 302
    assert CompanyRevenue.objects.get().amount == 2_000_000
    assert AuditEvent.objects.filter(model="metrics.companyrevenue", action="update").exists()


def test_revenue_is_a_benefit_or_refused(world):
    with pytest.raises(ValidationError) as refused:
        services.kpi_create(actor=world["admin"], data={
            "name": "Sales", "category": "business", "unit": "EUR", "is_money": True,
            "figure": "revenue"})  # fmt: skip
    assert "count the KPI in the ROI" in " ".join(refused.value.messages)


def test_each_kpi_counts_its_quarter_its_own_way_per_partnership(world, org_a):
    """Recurring revenue is counted at its latest value in a quarter, not summed: 10,000 then
    12,000 in one quarter add 12,000; another partnership's 5,000 adds to it."""
    recurring = services.kpi_create(actor=world["manager"], data={
        "name": "Recurring revenue", "category": "business", "unit": "EUR", "is_money": True,
        "is_benefit": True, "aggregation": "last", "figure": "revenue"})  # fmt: skip
    other = partnerships.partnership_create(
        actor=world["manager"], data={"title": "Second alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    for partnership, day, value in ((world["grid"], 10, 10_000), (world["grid"], 40, 12_000),
                                    (other, 20, 5_000)):  # fmt: skip
        services.observation_record(actor=world["manager"], partnership=partnership,
                                    kpi=recurring, observed_on=LAST + dt.timedelta(days=day),
                                    value=value, currency="EUR")  # fmt: skip
    last = selectors.impact(world["viewer"], last=LAST).quarters[-1]
    assert last.revenue == 120_000 + 12_000 + 5_000
