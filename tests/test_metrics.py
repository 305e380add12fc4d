"""KPIs, targets, observations, costs and ROI: hand-checked figures, dated exchange rates, and
bad input refused by name with nothing written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core.models import AuditEvent
from accord.metrics import periods, selectors, services
from accord.metrics.models import CostEntry, KpiTarget, Observation
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
LAST_YEAR = TODAY.year - 1


@pytest.fixture
def world(personas, org_a):
    admin, manager = personas["admin"], personas["manager"]
    partnership = partnerships.partnership_create(
        actor=manager, data={"title": "Grid storage alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    revenue = services.kpi_create(actor=manager, data={
        "name": "Partner revenue", "category": "business", "unit": "EUR", "is_money": True,
        "is_benefit": True, "aggregation": "sum"})  # fmt: skip
    patents = services.kpi_create(actor=manager, data={
        "name": "Co-developed patents", "category": "innovation", "unit": "patents",
        "aggregation": "sum"})  # fmt: skip
    lead_time = services.kpi_create(actor=manager, data={
        "name": "Time to market", "category": "innovation", "unit": "days",
        "direction": "lower", "aggregation": "last"})  # fmt: skip
    # One US dollar was worth 0.90 EUR until July, 0.80 EUR from then on.
    services.rate_set(actor=admin, currency="USD", valid_from=dt.date(LAST_YEAR, 1, 1),
                      rate="0.90")  # fmt: skip
    services.rate_set(actor=admin, currency="USD", valid_from=dt.date(LAST_YEAR, 7, 1),
                      rate="0.80")  # fmt: skip
    return {"admin": admin, "manager": manager, "viewer": personas["viewer"],
            "partner": personas["partner_a"], "partnership": partnership, "revenue": revenue,
            "patents": patents, "lead_time": lead_time}  # fmt: skip


def _observe(world, kpi, day, value, currency="", attribution=""):
    return services.observation_record(
        actor=world["manager"], partnership=world["partnership"], kpi=world[kpi],
        observed_on=day, value=Decimal(value), currency=currency, attribution=attribution,
    )  # fmt: skip


def _cost(world, day, amount, currency="EUR", kind="money"):
    return services.cost_record(actor=world["manager"], partnership=world["partnership"],
                                data={"spent_on": day, "amount": Decimal(amount),
                                      "currency": currency, "kind": kind})  # fmt: skip


def test_quarters_are_named_and_counted():
    assert periods.parse("2026Q4") == dt.date(2026, 10, 1)
    assert periods.parse("2026-q1") == dt.date(2026, 1, 1)
    assert periods.label(dt.date(2026, 4, 1)) == "2026Q2"
    assert periods.shift(dt.date(2026, 1, 1), -1) == dt.date(2025, 10, 1)
    assert periods.shift(dt.date(2025, 10, 1), 5) == dt.date(2027, 1, 1)
    assert periods.quarter_end(dt.date(2026, 10, 1)) == dt.date(2026, 12, 31)
    assert len(periods.quarters(dt.date(2025, 2, 3), dt.date(2026, 11, 30))) == 8
    with pytest.raises(ValidationError, match="is not a quarter; write it like 2026Q4"):
        periods.parse("Q4 2026")
    for far in ("0000Q1", "0001Q1", "9999Q4"):
        with pytest.raises(ValidationError, match="out of range"):
            periods.parse(far)


def test_roi_converts_each_amount_at_the_rate_of_its_day(world):
    """Hand-checked: benefits 100,000 EUR + 50,000 USD in March (x 0.90 = 45,000) + 20,000 USD
    in August (x 0.80 = 16,000) = 161,000 EUR; costs 60,000 EUR + 25,000 USD in September
    (x 0.80 = 20,000) = 80,000 EUR; ROI = (161,000 - 80,000) / 80,000 = 101.25 %."""
    _observe(world, "revenue", dt.date(LAST_YEAR, 2, 10), "100000", "EUR", "sourced")
    _observe(world, "revenue", dt.date(LAST_YEAR, 3, 20), "50000", "USD", "influenced")
    _observe(world, "revenue", dt.date(LAST_YEAR, 8, 5), "20000", "USD", "sourced")
    _cost(world, dt.date(LAST_YEAR, 1, 15), "60000")
    _cost(world, dt.date(LAST_YEAR, 9, 1), "25000", "USD")
    _cost(world, dt.date(LAST_YEAR, 9, 1), "6", "", kind="fte")
    roi = selectors.roi(world["manager"], world["partnership"])
    assert roi.benefits == Decimal("161000")
    assert roi.costs == Decimal("80000")
    assert roi.ratio == Decimal("1.0125")
    assert (roi.sourced, roi.influenced, roi.fte_months) == (Decimal(116000), Decimal(45000),
                                                             Decimal(6))  # fmt: skip
    assert roi.formula == ("ROI = (benefits - costs) / costs = (161,000.00 - 80,000.00) / "
                           "80,000.00 EUR = 101.2 %")  # fmt: skip
    # Over time: Q1 145,000 against 60,000 (141.7 %), Q3 adds 16,000 against 20,000.
    assert roi.running() == [
        (f"{LAST_YEAR}Q1", Decimal(145000), Decimal(60000), Decimal("141.7")),
        (f"{LAST_YEAR}Q3", Decimal(16000), Decimal(20000), Decimal("101.2")),
    ]
    as_of_june = selectors.roi(world["manager"], world["partnership"],
                               until=dt.date(LAST_YEAR, 6, 30))  # fmt: skip
    assert (as_of_june.benefits, as_of_june.costs) == (Decimal(145000), Decimal(60000))


def test_the_scorecard_aggregates_each_quarter_its_own_way(world):
    q1 = dt.date(LAST_YEAR, 1, 1)
    _observe(world, "patents", dt.date(LAST_YEAR, 1, 10), "2")
    _observe(world, "patents", dt.date(LAST_YEAR, 3, 10), "3")
    _observe(world, "lead_time", dt.date(LAST_YEAR, 1, 10), "200")
    _observe(world, "lead_time", dt.date(LAST_YEAR, 3, 10), "150")
    services.target_set(actor=world["manager"], partnership=world["partnership"],
                        kpi=world["patents"], quarter=f"{LAST_YEAR}Q1", value="4")  # fmt: skip
    services.target_set(actor=world["manager"], partnership=world["partnership"],
                        kpi=world["lead_time"], quarter=f"{LAST_YEAR}Q1", value="160")  # fmt: skip
    lines = selectors.scorecard(world["manager"], world["partnership"],
                                last=dt.date(LAST_YEAR, 12, 31))  # fmt: skip
    by_name = {line.kpi.name: {c.quarter: c for c in line.cells} for line in lines}
    patents, lead = by_name["Co-developed patents"][q1], by_name["Time to market"][q1]
    assert (patents.actual, patents.target, patents.met) == (Decimal(5), Decimal(4), True)
    assert (lead.actual, lead.met) == (Decimal(150), True), "the latest; lower is better"
    assert len(lines[0].cells) == 8 and lines[0].cells[-1].label == f"{LAST_YEAR}Q4"


def test_the_portfolio_sums_in_the_database_agree_with_the_partnership_page(world):
    """Sums, averages and latest values across currencies, as the scorecard adds them up row by
    row and as the portfolio pages have the database add them up."""
    q3 = dt.date(LAST_YEAR, 7, 1)
    average = services.kpi_create(actor=world["manager"], data={
        "name": "Deal size", "category": "business", "unit": "EUR", "is_money": True,
        "aggregation": "average"})  # fmt: skip
    world["average"] = average
    for day, value, currency in ((1, "100", "EUR"), (2, "100", "USD"), (3, "50.5", "USD")):
        _observe(world, "average", dt.date(LAST_YEAR, 6 + day, 2), value, currency)
        _observe(world, "revenue", dt.date(LAST_YEAR, 6 + day, 2), value, currency)
    _observe(world, "lead_time", dt.date(LAST_YEAR, 8, 1), "90")
    _observe(world, "lead_time", dt.date(LAST_YEAR, 9, 1), "70")
    targets = {"average": "86", "revenue": "260", "lead_time": "74"}
    for name, value in targets.items():
        services.target_set(actor=world["manager"], partnership=world["partnership"],
                            kpi=world[name], quarter=q3, value=value,
                            currency="EUR" if name != "lead_time" else "")  # fmt: skip
    lines = selectors.scorecard(world["manager"], world["partnership"], last=q3)
    cells = {line.kpi.name: line.cells[-1] for line in lines}
    # 100 EUR + 100 USD * 0.80 + 50.50 USD * 0.80 = 220.40 EUR; their average 73.4667.
    assert cells["Partner revenue"].actual == Decimal("220.4")
    assert cells["Deal size"].actual.quantize(Decimal("0.0001")) == Decimal("73.4667")
    assert cells["Time to market"].actual == Decimal(70), "the latest; lower is better"
    met = sum(bool(cell.met) for cell in cells.values())
    standing = selectors.quarter_standings(world["manager"], [world["partnership"].pk], q3)
    assert (
        (standing[world["partnership"].pk].targets, standing[world["partnership"].pk].met)
        == (3, met)
        == (3, 1)
    )
    money = selectors.quarter_money(world["manager"], q3)
    assert (money.benefits, money.problems) == (Decimal("220.4"), [])


def test_setting_a_target_again_changes_it(world):
    for value in ("4", "6"):
        services.target_set(actor=world["manager"], partnership=world["partnership"],
                            kpi=world["patents"], quarter="2026Q4", value=value)  # fmt: skip
    target = KpiTarget.objects.get()
    assert target.value == 6 and target.version == 1
    assert AuditEvent.objects.filter(model="metrics.kpitarget").count() == 2


@pytest.mark.parametrize(
    ("kpi", "day", "value", "currency", "field", "says"),
    [
        ("revenue", dt.date(LAST_YEAR, 5, 1), "10", "", "currency", "is money: give its currency"),
        (
            "revenue",
            dt.date(LAST_YEAR - 3, 5, 1),
            "10",
            "USD",
            "currency",
            "No exchange rate of USD to EUR on or before",
        ),
        ("revenue", dt.date(LAST_YEAR, 5, 1), "10", "DOLLARS", "currency", "is not a currency"),
        ("patents", dt.date(LAST_YEAR, 5, 1), "1", "EUR", "currency", "not in money"),
        ("patents", TODAY + dt.timedelta(days=1), "1", "", "observed_on", "is in the future"),
        ("patents", dt.date(LAST_YEAR, 5, 1), "many", "", "value", "must be a number"),
    ],
)
def test_bad_observations_are_refused_by_name(world, kpi, day, value, currency, field, says):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.observation_record(
            actor=world["manager"], partnership=world["partnership"], kpi=world[kpi],
            observed_on=day, value=value, currency=currency,
        )  # fmt: skip
    assert says in " ".join(refused.value.message_dict[field])
    assert not Observation.objects.exists() and AuditEvent.objects.count() == events


def test_a_duplicate_observation_is_refused(world):
    _observe(world, "patents", dt.date(LAST_YEAR, 5, 1), "1")
    with pytest.raises(ValidationError, match="already has 1"):
        _observe(world, "patents", dt.date(LAST_YEAR, 5, 1), "2")
    assert Observation.objects.count() == 1


def test_bad_costs_are_refused(world):
    with pytest.raises(ValidationError, match="Give the currency"):
        _cost(world, dt.date(LAST_YEAR, 5, 1), "10", "")
    with pytest.raises(ValidationError, match="not negative"):
        _cost(world, dt.date(LAST_YEAR, 5, 1), "-10")
    with pytest.raises(ValidationError, match="FTE-months have no currency"):
        _cost(world, dt.date(LAST_YEAR, 5, 1), "2", "EUR", kind="fte")
    assert not CostEntry.objects.exists()


def test_only_the_team_records_and_only_definers_define(world, personas):
    outsider = personas["executive"]
    with pytest.raises(PermissionDenied):
        services.observation_record(actor=outsider, partnership=world["partnership"],
                                    kpi=world["patents"], observed_on=TODAY, value=1)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.kpi_create(actor=world["viewer"], data={"name": "x", "category": "business",
                                                         "unit": "x"})  # fmt: skip
    with pytest.raises(ValidationError, match="Only a KPI in money counts in the ROI"):
        services.kpi_create(actor=world["manager"], data={
            "name": "Smiles", "category": "relationship", "unit": "smiles",
            "is_benefit": True})  # fmt: skip


def test_the_metrics_page_records_and_shows(world):
    page_url = f"/metrics/partnership/{world['partnership'].pk}/"
    client = client_for(world["manager"])
    response = client.post(f"/metrics/partnership/{world['partnership'].pk}/observations/", {
        "o-kpi": world["revenue"].pk, "o-observed_on": dt.date(LAST_YEAR, 3, 1).isoformat(),
        "o-value": "1000", "o-currency": "usd"})  # fmt: skip
    assert response.status_code == 302
    bad = client.post(f"/metrics/partnership/{world['partnership'].pk}/targets/", {
        "t-kpi": world["patents"].pk, "t-quarter": "next year", "t-value": "3"})  # fmt: skip
    assert bad.status_code == 422 and b"is not a quarter" in bad.content
    page = client.get(page_url).content.decode()
    assert "Partner revenue" in page and "900" in page, "1,000 USD at 0.90"
    viewer_page = client_for(world["viewer"]).get(page_url).content.decode()
    assert "Partner revenue" in viewer_page and "observation-form" not in viewer_page
    assert client_for(world["partner"]).get(page_url).status_code == 404


def test_the_metrics_page_costs_the_same_queries_as_values_grow(world):
    client = client_for(world["manager"])
    url = f"/metrics/partnership/{world['partnership'].pk}/"
    _observe(world, "patents", dt.date(LAST_YEAR, 5, 1), "1")
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for n in range(2, 12):
        _observe(world, "patents", dt.date(LAST_YEAR, 5, n), "1")
        _observe(world, "revenue", dt.date(LAST_YEAR, 6, n), "100", "EUR")
        _cost(world, dt.date(LAST_YEAR, 6, n), "10")
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_the_api_records_and_answers_roi(world):
    headers = bearer(world["manager"])
    client = client_for(world["manager"])
    created = client.post("/api/v1/observations", {
        "partnership": world["partnership"].pk, "kpi": world["revenue"].pk,
        "observed_on": f"{LAST_YEAR}-02-01", "value": "2000", "currency": "EUR"},
        content_type="application/json", **headers)  # fmt: skip
    assert created.status_code == 201 and created.json()["source"] == "api"
    unknown = client.post("/api/v1/observations", {
        "partnership": world["partnership"].pk, "kpi": 999999, "observed_on": f"{LAST_YEAR}-02-01",
        "value": "1"}, content_type="application/json", **headers)  # fmt: skip
    assert unknown.status_code == 422
    assert unknown.json()["error"]["details"][0]["field"] == "kpi"
    client.post("/api/v1/cost-entries", {"partnership": world["partnership"].pk,
                                         "spent_on": f"{LAST_YEAR}-01-01", "amount": "1000",
                                         "currency": "EUR"},
                content_type="application/json", **headers)  # fmt: skip
    roi = client.get(f"/api/v1/partnerships/{world['partnership'].pk}/roi", **headers).json()
    assert Decimal(roi["ratio"]) == Decimal(1) and "= 100.0 %" in roi["formula"]
    partner = client_for(world["partner"])
    assert partner.get(f"/api/v1/partnerships/{world['partnership'].pk}/roi",
                       **bearer(world["partner"])).status_code == 404  # fmt: skip
