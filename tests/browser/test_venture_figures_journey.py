"""The ventures team asks a portfolio company for its figures; the company answers from the
e-mailed link, without an account; the investment shows the trend and flags a short runway."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.ventures import kpi, services
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def investment(admin_user):
    ventures = user_create(actor=admin_user, username="cvc", role="ventures", password=PASSWORD)
    company = directory.organization_create(actor=admin_user, data={"name": "Kestrel Robotics"})
    fund = services.fund_create(actor=ventures, data={
        "name": "Northwind Ventures I", "currency": "EUR", "committed_capital": Decimal("5e7"),
        "vintage": 2025,
    })  # fmt: skip
    investment = services.investment_create(actor=ventures, data={
        "fund": fund, "organization": company, "round": "seed", "instrument": "equity",
        "invested_on": dt.date(2025, 3, 1), "amount": Decimal("1000000"), "currency": "EUR",
    })  # fmt: skip
    for period, runway, revenue in (("2025Q3", "14", "180000"), ("2025Q4", "10", "240000")):
        request = kpi.kpi_request_send(actor=ventures, investment=investment, period=period,
                                       email="cfo@kestrel.example",
                                       metrics=["revenue", "runway"])  # fmt: skip
        kpi.answers_submit(raw=kpi.token_of(request),
                           values={"revenue": revenue, "runway": runway})  # fmt: skip
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="runway",
                          comparator="below", value="6")  # fmt: skip
    return investment


def test_a_company_answers_from_its_link_and_the_runway_is_flagged(page, investment, inbox):
    sign_in(page, "cvc", PASSWORD)
    page.goto(f"/ventures/investments/{investment.pk}/")
    form = page.get_by_test_id("kpi-request-form")
    form.locator("#id_period").fill("2026Q1")
    form.locator("#id_email").fill("cfo@kestrel.example")
    form.locator("#id_custom").fill("ARR")
    form.get_by_role("button", name="Send the request").click()
    page.wait_for_url(re.compile(r"/ventures/investments/\d+/#figures$"))
    expect(page.get_by_test_id("kpi-requests")).to_contain_text("open until")

    page.context.clear_cookies()  # the company has no account
    page.goto(inbox.link(path="/ventures/kpi/?token="))
    expect(page.locator("h1")).to_contain_text("Kestrel Robotics: figures of Q1 2026")
    page.get_by_label("Revenue in the period (EUR)").fill("lots")
    page.get_by_role("button", name="Send the figures").click()
    expect(page.get_by_test_id("kpi-form")).to_contain_text("“lots” is not a number")
    screenshot(page, "ventures-kpi-answer-form")
    figures = {"Revenue in the period (EUR)": "310000", "Net burn per month": "95000",
               "Runway (months)": "4", "Headcount": "23", "ARR": "1200000"}  # fmt: skip
    for label, value in figures.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Send the figures").click()
    expect(page.get_by_test_id("kpi-thanks")).to_be_visible()

    sign_in(page, "cvc", PASSWORD)
    page.goto(f"/ventures/investments/{investment.pk}/")
    expect(page.get_by_test_id("kpi-flags")).to_contain_text("runway 4 months, below 6")
    page.locator("#kpi-trends[data-drawn]").wait_for(state="attached")
    page.get_by_test_id("kpi-chart").scroll_into_view_if_needed()
    screenshot(page, "ventures-kpi-investment")
    page.goto("/ventures/")
    expect(page.get_by_test_id("kpi-flags")).to_contain_text("Kestrel Robotics")

    # Asked of the wrong person: the request is withdrawn, after a confirmation.
    page.goto(f"/ventures/investments/{investment.pk}/")
    form = page.get_by_test_id("kpi-request-form")
    form.locator("#id_period").fill("2026Q2")
    form.locator("#id_email").fill("intern@kestrel.example")
    form.get_by_role("button", name="Send the request").click()
    requests = page.get_by_test_id("kpi-requests")
    expect(requests).to_contain_text("intern@kestrel.example")
    requests.scroll_into_view_if_needed()
    screenshot(page, "ventures-kpi-open-request")
    page.once("dialog", lambda dialog: dialog.accept())
    requests.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The request to intern@kestrel.example for the 2026Q2 figures was withdrawn"
    )
    expect(page.get_by_test_id("kpi-requests")).not_to_contain_text("intern@kestrel.example")
    page.goto(inbox.link(path="/ventures/kpi/?token="))
    expect(page.locator("body")).to_contain_text("This link is not valid")
