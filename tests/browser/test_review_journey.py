"""The executive runs the quarter's review, reads where the partnerships stand, decides an exit,
reads the portfolio's impact and draws the board pack as it stood on a day."""

import re

import pytest
from playwright.sync_api import expect

from accord.metrics import periods
from accord.metrics import services as metrics
from accord.metrics.models import Kpi
from accord.partnerships.models import Partnership
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD
from tests.test_portfolio_review import LAST, TODAY
from tests.test_portfolio_review import world as world  # the three partnerships reviewed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def revenue(world):
    kpi = metrics.kpi_create(actor=world["manager"], data={
        "name": "Partner revenue", "category": "business", "unit": "EUR", "is_money": True,
        "is_benefit": True, "figure": Kpi.Figure.REVENUE})  # fmt: skip
    for name, value in (("winner", 300_000), ("unhappy", 100_000)):
        metrics.observation_record(actor=world["manager"], partnership=world[name], kpi=kpi,
                                   observed_on=LAST, value=value, currency="EUR")  # fmt: skip
        metrics.target_set(actor=world["manager"], partnership=world[name], kpi=kpi,
                           quarter=LAST, value=150_000, currency="EUR")  # fmt: skip
    metrics.company_revenue_set(actor=world["ceo"], quarter=LAST, amount=8_000_000,
                                currency="EUR")  # fmt: skip
    return kpi


def test_the_executive_reviews_decides_and_hands_the_board_its_pack(page, world, revenue):
    sign_in(page, "executive", PASSWORD)
    page.goto("/portfolio/reviews/")
    run = page.get_by_test_id("run-form")
    run.locator("#id_quarter").fill(periods.label(LAST))
    run.get_by_role("button", name="Run").click()
    page.wait_for_url(re.compile(r"/portfolio/reviews/\d+/$"))
    expect(page.locator("#review-map .main-svg").first).to_be_visible()
    fading = page.get_by_test_id("review-item").filter(has_text="Fading")
    expect(fading).to_contain_text("No longer strategic and under target")
    form = fading.get_by_test_id("decide-form")
    form.locator("select").select_option("exit")
    form.locator("textarea").fill("Its priority was retired.")
    form.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("review-item").filter(has_text="Fading")).to_contain_text(
        "Its priority was retired."
    )
    screenshot(page, "portfolio-review")
    assert Partnership.objects.get(pk=world["fading"].pk).stage == "exited"

    page.goto("/portfolio/impact/")
    expect(page.locator("[data-figure=revenue]")).to_have_text("400,000")
    expect(page.locator("[data-figure=share]")).to_have_text("5.00 %")
    expect(page.locator("#impact-chart .main-svg").first).to_be_visible()
    screenshot(page, "portfolio-impact")

    page.goto("/portfolio/reviews/")
    pack = page.get_by_test_id("pack-form")
    pack.locator("#pack-quarter").fill(periods.label(LAST))
    pack.locator("#pack-as-of").fill(TODAY.isoformat())
    pack.get_by_role("button", name="HTML").click()
    page.wait_for_url(re.compile(r"/portfolio/board-pack/\?quarter="))
    expect(page.locator("h1")).to_have_text(f"Board pack {periods.label(LAST)}")
    expect(page.locator("body")).to_contain_text(f"as of {TODAY:%Y-%m-%d} 23:59")
    expect(page.locator("body")).to_contain_text("Its priority was retired.")
    screenshot(page, "board-pack")
