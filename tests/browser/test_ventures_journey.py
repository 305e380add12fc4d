"""The ventures team reads its fund and an investment, and records a mark."""

import random
import re

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.demo.ventures import load_ventures_demo
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.ventures.models import Fund, Investment
from tests.browser.conftest import report_load_time, screenshot, sign_in
from tests.browser.test_accessibility import violations
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMPANIES = [
    "Kestrel Hydrogen Systems", "Lumen Vision Robotics", "Aerostack", "Ferrolith Materials",
    "Nordwind Grid Analytics", "Quantix Sensing", "Helio Catalysts", "Strata Battery Labs",
    "Veridian Edge AI", "Corvid Predictive Maintenance GmbH", "Tessellate Composites",
    "Blue Meridian Carbon Capture and Storage Technologies", "Orbitale Photonics",
]  # fmt: skip


@pytest.fixture
def fund(admin_user) -> Fund:
    """The demo's fund: a dozen investments across rounds and instruments, one sold, one
    written down, one serving a venture partnership, an option right due within days."""
    user_create(actor=admin_user, username="cvc", role="ventures", password=PASSWORD)
    startup = {"kind": "startup", "country": "DE"}
    organizations = [
        directory.organization_create(actor=admin_user, data={"name": name, **startup})
        for name in COMPANIES
    ]
    partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Investment in Kestrel Hydrogen Systems", "type": "cvc",
              "owner": admin_user},
        parties=[(organizations[0], "investee")],
    )  # fmt: skip
    load_ventures_demo(admin=admin_user, rng=random.Random(3))
    return Fund.objects.get()


def test_the_ventures_team_reads_its_fund_and_marks_an_investment(page, fund):
    sign_in(page, "cvc", PASSWORD)
    page.goto("/ventures/")
    report_load_time(page, "ventures-funds")
    expect(page.get_by_test_id("options-due")).to_contain_text("pro-rata follow-on")
    screenshot(page, "ventures-funds")
    failed = {"ventures-funds": violations(page)}

    page.get_by_role("link", name="Accord Ventures I").click()
    page.wait_for_url(re.compile(r"/ventures/funds/\d+/$"))
    report_load_time(page, "ventures-fund")
    expect(page.locator("h1")).to_have_text("Accord Ventures I")
    screenshot(page, "ventures-fund")
    failed["ventures-fund"] = violations(page)

    investment = Investment.objects.get(partnership__isnull=False)
    page.get_by_role("link", name=investment.organization.name, exact=True).first.click()
    page.wait_for_url(re.compile(rf"/ventures/investments/{investment.pk}/$"))
    page.get_by_text("Record a mark").click()
    form = page.get_by_test_id("mark-form")
    form.locator("#id_on").fill("2026-01-15")
    form.locator("#id_fair_value").fill("2250000")
    form.locator("#id_method").select_option("last_round")
    form.locator("#id_note").fill("Converted in the seed round at three times the cap")
    form.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(rf"/ventures/investments/{investment.pk}/$"))
    expect(page.get_by_test_id("marks")).to_contain_text("2,250,000")
    report_load_time(page, "ventures-investment")
    screenshot(page, "ventures-investment")
    failed["ventures-investment"] = violations(page)
    assert {name: found for name, found in failed.items() if found} == {}
    assert investment.marks.filter(fair_value=2_250_000).exists()
