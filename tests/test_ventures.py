"""The venture portfolio: funds, investments, cash flows, marks and option rights, their
returns as of a day in the base currency, and who may see them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.core.models import AuditEvent
from accord.metrics import services as metrics
from accord.partnerships import services as partnerships
from accord.ventures import services
from accord.ventures.models import CashFlow, Fund, Investment, Mark
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)


@pytest.fixture
def fund(personas) -> Fund:
    return services.fund_create(actor=personas["ventures"], data={
        "name": "Northwind Ventures I", "currency": "eur", "committed_capital": Decimal("50e6"),
        "vintage": 2025, "strategy": "Seed and Series A in industrial AI",
    })  # fmt: skip


def _invest(actor, fund, organization, amount="1000000", **extra) -> Investment:
    investment = services.investment_create(actor=actor, data={
        "fund": fund, "organization": organization, "round": "seed", "instrument": "equity",
        "invested_on": DAY, "amount": Decimal(amount), "currency": "EUR",
        "ownership": Decimal("12.5"), **extra,
    })  # fmt: skip
    services.cash_flow_record(actor=actor, data={
        "investment": investment, "kind": "investment", "on": DAY, "amount": Decimal(amount),
        "currency": "EUR",
    })  # fmt: skip
    return investment


def test_a_marked_up_investment_shows_its_returns_as_of_a_day(personas, fund, org_a):
    ventures = personas["ventures"]
    investment = _invest(ventures, fund, org_a)
    services.mark_record(actor=ventures, data={
        "investment": investment, "on": dt.date(2025, 9, 1), "fair_value": Decimal("2500000"),
        "currency": "EUR", "method": "last_round",
    })  # fmt: skip
    client = client_for(ventures)
    page = client.get(f"/ventures/investments/{investment.pk}/?as_of=2026-03-01").content.decode()
    # 1.0 M in on 2025-03-01, worth 2.5 M on 2026-03-01: a year, x2.5, 150% a year.
    assert "2.50x" in page and "150.0%" in page
    assert "Internal rate of return" in page, "the definitions are on the page"
    fund_page = client.get(f"/ventures/funds/{fund.pk}/?as_of=2026-03-01").content.decode()
    assert "2,500,000" in fund_page and "150.0%" in fund_page
    before_mark = client.get(f"/ventures/investments/{investment.pk}/?as_of=2025-06-01")
    assert "1.00x" in before_mark.content.decode(), "held at cost until first marked"


def test_a_mistyped_cash_flow_or_mark_is_removed_and_the_log_keeps_its_values(
    personas, fund, org_a
):
    ventures = personas["ventures"]
    investment = _invest(ventures, fund, org_a, amount="1500000")
    mark = services.mark_record(actor=ventures, data={
        "investment": investment, "on": dt.date(2025, 9, 1), "fair_value": Decimal("9e9"),
        "currency": "EUR", "method": "last_round",
    })  # fmt: skip
    flow = CashFlow.objects.get(investment=investment)
    for role in ("viewer", "executive"):
        denied = client_for(personas[role]).post(f"/ventures/cash-flows/{flow.pk}/delete/")
        assert denied.status_code in (403, 404), role
    client = client_for(ventures)
    assert client.post(f"/ventures/cash-flows/{flow.pk}/delete/").status_code == 302
    assert client.post(f"/ventures/marks/{mark.pk}/delete/").status_code == 302
    assert not CashFlow.objects.filter(investment=investment).exists()
    assert not Mark.objects.filter(investment=investment).exists()
    flow_event = AuditEvent.objects.get(action="delete", model="ventures.cashflow")
    assert flow_event.changes["amount"] == ["1500000.00", None]
    assert flow_event.changes["on"] == ["2025-03-01", None]
    mark_event = AuditEvent.objects.get(action="delete", model="ventures.mark")
    assert mark_event.changes["fair_value"][1] is None and mark_event.changes["fair_value"][0]


def test_a_fund_with_capital_calls_counts_the_calls_as_paid_in(personas, fund, org_a):
    ventures = personas["ventures"]
    _invest(ventures, fund, org_a, amount="800000")
    for on, kind, amount in ((DAY, "capital_call", "1000000"), (dt.date(2026, 3, 1),
                              "distribution", "500000")):  # fmt: skip
        services.cash_flow_record(
            actor=ventures,
            data={
                "fund": fund,
                "kind": kind,
                "on": on,
                "amount": Decimal(amount),
                "currency": "EUR",
            },
        )
    page = client_for(ventures).get(f"/ventures/funds/{fund.pk}/?as_of=2026-03-01")
    text = page.content.decode()
    assert "1,000,000 EUR" in text  # paid in: the call, not the 800,000 invested
    assert "0.50x" in text  # DPI: 500,000 / 1,000,000


def test_amounts_in_another_currency_need_a_rate_of_their_day(personas, fund, org_a):
    ventures = personas["ventures"]
    with pytest.raises(ValidationError) as refused:
        _invest(ventures, fund, org_a, currency="USD")
    assert "No exchange rate of USD" in str(refused.value)
    assert not Investment.objects.exists()
    metrics.rate_set(actor=personas["admin"], currency="USD", valid_from=dt.date(2025, 1, 1),
                     rate=Decimal("0.9"))  # fmt: skip
    investment = _invest(ventures, fund, org_a, currency="USD")
    assert investment.currency == "USD"


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"ownership": Decimal("100.5")}, "ownership", "less than or equal to 100"),
        ({"pre_money": Decimal("9e6"), "post_money": Decimal("8e6")}, "post_money",
         "below the pre-money"),
        ({"currency": "EURO"}, "currency", "is not a currency code"),
        ({"amount": Decimal("-5")}, "amount", "greater than or equal to 0"),
    ],
)  # fmt: skip
def test_bad_investments_are_refused_in_words_and_nothing_is_written(
    personas, fund, org_a, change, field, words
):
    with pytest.raises(ValidationError) as refused:
        services.investment_create(actor=personas["ventures"], data={
            "fund": fund, "organization": org_a, "round": "seed", "instrument": "safe",
            "invested_on": DAY, "amount": Decimal("100"), "currency": "EUR", **change,
        })  # fmt: skip
    assert words in " ".join(refused.value.message_dict[field])
    assert not Investment.objects.exists()


def test_a_mark_before_the_investment_and_an_orphan_investment_flow_are_refused(
    personas, fund, org_a
):
    ventures = personas["ventures"]
    investment = _invest(ventures, fund, org_a)
    with pytest.raises(ValidationError) as early:
        services.mark_record(actor=ventures, data={
            "investment": investment, "on": DAY - dt.timedelta(days=1),
            "fair_value": Decimal("1"), "currency": "EUR", "method": "cost"})  # fmt: skip
    assert "cannot come before the investment (2025-03-01)" in str(early.value)
    with pytest.raises(ValidationError) as orphan:
        services.cash_flow_record(actor=ventures, data={
            "fund": fund, "kind": "investment", "on": DAY, "amount": Decimal("5"),
            "currency": "EUR"})  # fmt: skip
    assert "Name the investment" in str(orphan.value)
    assert Mark.objects.count() == 0 and CashFlow.objects.count() == 1


def test_the_page_forms_refuse_bad_input_with_a_400_and_keep_nothing(personas, fund, org_a):
    client = client_for(personas["ventures"])
    investment = _invest(personas["ventures"], fund, org_a)
    bad_mark = client.post(
        f"/ventures/investments/{investment.pk}/marks/",
        {"on": "2020-01-01", "fair_value": "10", "currency": "EUR", "method": "cost"},
    )
    assert bad_mark.status_code == 400
    assert "cannot come before the investment" in bad_mark.content.decode()
    bad_flow = client.post(
        f"/ventures/funds/{fund.pk}/cash-flows/",
        {"kind": "fee", "on": "not a date", "amount": "x", "currency": "EUR"},
    )
    assert bad_flow.status_code == 400 and CashFlow.objects.count() == 1
    odd_day = client.get(f"/ventures/funds/{fund.pk}/?as_of=2025-02-30")
    assert odd_day.status_code == 200 and "is not a date" in odd_day.content.decode()


def test_only_the_ventures_team_executives_and_administrators_see_ventures(personas, fund):
    for role in ("ventures", "executive", "admin"):
        page = client_for(personas[role]).get("/")
        assert 'href="/ventures/"' in page.content.decode(), role
        assert client_for(personas[role]).get("/ventures/").status_code == 200, role
    for role in ("manager", "contributor", "viewer", "partner_a"):
        assert 'href="/ventures/"' not in client_for(personas[role]).get("/").content.decode()
        assert client_for(personas[role]).get(f"/ventures/funds/{fund.pk}/").status_code in (
            403, 404), role  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.fund_create(actor=personas["executive"], data={"name": "Exec fund"})


def test_a_confidential_partnerships_investment_is_hidden_from_those_outside_it(
    personas, fund, org_a, org_b
):
    admin = personas["admin"]
    secret = partnerships.partnership_create(
        actor=admin,
        data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(org_b, "partner")],
    )
    _invest(admin, fund, org_a)
    hidden = _invest(admin, fund, org_b, amount="3000000", partnership=secret)
    outsider = client_for(personas["ventures"])
    page = outsider.get(f"/ventures/funds/{fund.pk}/").content.decode()
    assert org_b.name not in page and "Project Quartz" not in page
    assert "1 investment of a confidential partnership you are not on is left out" in page
    assert "1,000,000 EUR" in page  # paid in without the hidden 3,000,000
    assert outsider.get(f"/ventures/investments/{hidden.pk}/").status_code == 404
    inside = client_for(admin).get(f"/ventures/funds/{fund.pk}/").content.decode()
    assert org_b.name in inside and "4,000,000 EUR" in inside


def test_option_rights_due_soon_are_listed_on_the_funds_page(personas, fund, org_a):
    ventures = personas["ventures"]
    investment = _invest(ventures, fund, org_a)
    today = dt.date.today()
    services.option_create(
        actor=ventures,
        data={
            "investment": investment,
            "kind": "pro_rata",
            "deadline": today + dt.timedelta(days=20),
        },
    )
    services.option_create(
        actor=ventures,
        data={"investment": investment, "kind": "rofr", "deadline": today + dt.timedelta(days=400)},
    )
    panel = client_for(ventures).get("/ventures/").content.decode()
    assert "Option rights due within 90 days" in panel
    assert "pro-rata follow-on" in panel and "right of first refusal" not in panel


def test_the_fund_page_reads_the_same_number_of_queries_however_many_investments(
    personas, fund, org_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(personas["ventures"])
    counts = []
    for total in (2, 8):
        while Investment.objects.count() < total:
            _invest(personas["ventures"], fund, org_a)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/ventures/funds/{fund.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_strategic_view_sets_strategic_value_beside_return(personas, fund, org_a, org_b):
    from accord.partnerships.models import Partnership
    from accord.strategy.models import CapabilityGap, StrategicPriority

    ventures, admin = personas["ventures"], personas["admin"]
    priority = StrategicPriority.objects.create(title="Autonomy", horizon_year=2030,
                                                status="active")  # fmt: skip
    live = CapabilityGap.objects.create(priority=priority, title="Edge vision", importance=5)
    closed = CapabilityGap.objects.create(priority=priority, title="Old sensors", status="closed")
    served = partnerships.partnership_create(
        actor=admin,
        data={"title": "Vision alliance", "type": "cvc"},
        parties=[(org_a, "partner")],
        gaps=[live],
    )
    Partnership.objects.filter(pk=served.pk).update(stage="active")
    stale = partnerships.partnership_create(
        actor=admin,
        data={"title": "Sensor deal", "type": "cvc"},
        parties=[(org_b, "partner")],
        gaps=[closed],
    )
    winner = _invest(ventures, fund, org_a, partnership=served)
    _invest(ventures, fund, org_b, partnership=stale)
    services.mark_record(actor=ventures, data={
        "investment": winner, "on": dt.date(2025, 9, 1), "fair_value": Decimal("2000000"),
        "currency": "EUR", "method": "last_round"})  # fmt: skip
    services.option_create(
        actor=ventures,
        data={"investment": winner, "kind": "pro_rata", "deadline": dt.date(2027, 1, 31)},
    )
    page = client_for(ventures).get("/ventures/strategy/").content.decode()
    assert 'data-testid="strategic-map"' in page and "strategic-map-figure" in page
    follow_ons = page.split('data-testid="follow-ons"')[1].split('data-testid="lapsed"')[0]
    assert org_a.name in follow_ons and "strategic value 100" in follow_ons
    assert "MOIC 2.00x" in follow_ons and "pro-rata follow-on until 2027-01-31" in follow_ons
    lapsed = page.split('data-testid="lapsed"')[1].split("How each value was made")[0]
    assert org_b.name in lapsed and org_a.name not in lapsed
    assert "most important live gap: 5 of 5" in page


def test_the_services_refuse_an_investment_of_a_confidential_partnership_to_outsiders(
    personas, fund, org_b
):
    admin = personas["admin"]
    secret = partnerships.partnership_create(
        actor=admin,
        data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(org_b, "partner")],
    )
    hidden = _invest(admin, fund, org_b, partnership=secret)
    outsider = personas["ventures"]
    with pytest.raises(PermissionDenied):
        services.mark_record(actor=outsider, data={
            "investment": hidden, "on": DAY, "fair_value": Decimal("1"), "currency": "EUR",
            "method": "cost"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.investment_update(actor=outsider, investment=hidden, data={"notes": "x"})
    assert not Mark.objects.filter(investment=hidden).exists()
