"""A manager records a partnership's revenue and costs and reads its ROI and KPI chart."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accord.directory import services as directory
from accord.metrics import services as metrics
from accord.partnerships import services as partnerships
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership(admin_user):
    volta = directory.organization_create(actor=admin_user, data={"name": "Volta Grid"})
    partnership = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Volta storage alliance", "type": "rd_alliance", "owner": admin_user},
        parties=[(volta, "partner")],
    )
    metrics.kpi_create(actor=admin_user, data={
        "name": "Partner-sourced revenue", "category": "business", "unit": "EUR",
        "is_money": True, "is_benefit": True})  # fmt: skip
    metrics.rate_set(actor=admin_user, currency="USD", valid_from=dt.date(2020, 1, 1), rate="0.9")
    return partnership


def test_a_manager_records_revenue_and_reads_the_roi(page, partnership):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_test_id("metrics-tab").click()
    page.wait_for_url(re.compile(r"/metrics/partnership/\d+/$"))
    today = dt.date.today()
    quarters = [today - dt.timedelta(days=92 * n) for n in (3, 2, 1, 0)]
    for day, value, currency in zip(quarters, ("40000", "60000", "50000", "90000"),
                                    ("EUR", "USD", "EUR", "EUR"), strict=True):  # fmt: skip
        form = page.get_by_test_id("observation-form")
        form.locator("#id_o-kpi").select_option(label="Partner-sourced revenue")
        form.locator("#id_o-observed_on").fill(day.isoformat())
        form.locator("#id_o-value").fill(value)
        form.locator("#id_o-currency").fill(currency)
        form.get_by_role("button", name="Record").click()
        page.wait_for_url(re.compile(r"/metrics/partnership/\d+/$"))
    form = page.get_by_test_id("observation-form")
    form.locator("#id_o-kpi").select_option(label="Partner-sourced revenue")
    form.locator("#id_o-observed_on").fill(today.isoformat())
    form.locator("#id_o-value").fill("10")
    form.get_by_role("button", name="Record").click()
    expect(page.get_by_test_id("observation-form")).to_contain_text("is money: give its currency")

    cost = page.get_by_test_id("cost-form")
    cost.locator("#id_c-spent_on").fill(quarters[0].isoformat())
    cost.locator("#id_c-amount").fill("100000")
    cost.locator("#id_c-currency").fill("EUR")
    cost.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r"/metrics/partnership/\d+/$"))
    # 40,000 + 60,000 USD x 0.9 + 50,000 + 90,000 = 234,000 EUR against 100,000 EUR.
    expect(page.get_by_test_id("roi-ratio")).to_have_text("134.0 %")
    expect(page.get_by_test_id("roi-formula")).to_contain_text("(234,000.00 - 100,000.00)")
    expect(page.locator("#kpi-chart .main-svg").first).to_be_visible()
    screenshot(page, "partnership-metrics")


def test_both_sides_answer_a_health_check(page, browser, live_server, partnership, inbox):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_test_id("health-tab").click()
    form = page.get_by_test_id("round-form")
    form.locator("#id_ours").fill("ana@ours.example")
    form.locator("#id_theirs").fill("kim@volta.example")
    form.get_by_role("button", name="Send").click()
    page.wait_for_url(re.compile(r"/health/$"))
    links = {}
    for message in inbox.messages:
        body = message.get_payload(decode=True).decode()
        links[message["X-Rcpt"]] = re.search(r"https?://[^/\s]+(/metrics/survey/\S+)", body)[1]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1100, "height": 900})
    respondent = context.new_page()
    for address, score in (("kim@volta.example", "2"), ("ana@ours.example", "5")):
        respondent.goto(links[address])
        questions = respondent.get_by_test_id("survey-question")
        for index in range(questions.count()):
            questions.nth(index).get_by_label(score, exact=True).check()
        if address.startswith("kim"):
            questions.first.locator("textarea").fill("Decisions take too long.")
            screenshot(respondent, "health-survey-form")
        respondent.get_by_role("button", name="Send my answers").click()
        expect(respondent.get_by_test_id("survey-thanks")).to_be_visible()
    respondent.goto(links["kim@volta.example"])
    expect(respondent.get_by_test_id("survey-problem")).to_contain_text("already answered")
    page.reload()
    expect(page.get_by_test_id("overall-gap")).to_have_text("+3.00")
    expect(page.locator("#health-chart .main-svg").first).to_be_visible()
    screenshot(page, "partnership-health")
    page.goto("/")
    expect(page.get_by_test_id("health-gaps")).to_contain_text("Volta storage alliance")
    expect(page.locator("#gaps-chart .main-svg").first).to_be_visible()
    screenshot(page, "dashboard-health-gaps")
