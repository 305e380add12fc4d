"""An alliance manager scouts for a gap in the browser: results with reasons, a shortlist,
a rejection with its reason, a promotion into the pipeline, and what is new on a re-run."""

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.scouting import embeddings, indexing, vectors
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests import scouting_corpus
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not embeddings.available(), reason="the accord[ai] extra is not installed"),
]


@pytest.fixture
def gap(admin_user):
    vectors.forget()
    user_create(actor=admin_user, username="alliance", role="manager", password=PASSWORD)
    scouting_corpus.build(admin_user)
    indexing.refresh()
    priority = StrategicPriority.objects.create(title="Electrify the fleet", horizon_year=2030)
    gap = CapabilityGap.objects.create(
        priority=priority,
        title="Battery storage",
        description="Batteries that store energy for our grid assets and delivery fleets",
        importance=5,
    )
    PartnershipPlay.objects.create(title="Storage R&D alliance", type="rd_alliance").gaps.add(gap)
    return gap


def test_scout_a_gap_shortlist_reject_promote_and_rerun(page, gap, admin_user):
    sign_in(page, "alliance", PASSWORD)
    page.goto(f"/strategy/gaps/{gap.pk}/")
    page.get_by_test_id("scout").click()
    page.wait_for_url("**/scouting/scans/new/?gap=*")
    assert "Batteries that store energy" in page.locator("#id_text").input_value()
    page.get_by_test_id("run-scan").click()
    page.wait_for_url("**/scouting/scans/*/")

    rows = page.get_by_test_id("candidate")
    assert rows.first.get_attribute("data-organization") == "VoltCell"
    assert page.locator("mark", has_text="store").count() >= 1
    screenshot(page, "scouting-results")

    row = page.locator("[data-organization='GridStore']")
    row.get_by_test_id("shortlist").click()
    expect(page.locator(".alert-success")).to_contain_text("GridStore is on the shortlist")
    row = page.locator("[data-organization='Institut für Batterieforschung']")
    row.locator("input[name=reason]").fill("Research only, no product")
    row.get_by_test_id("reject").click()
    expect(page.locator(".alert-success")).to_contain_text("Batterieforschung rejected")

    page.get_by_test_id("tab-shortlisted").click()
    page.wait_for_url("**?tab=shortlisted")
    assert page.get_by_test_id("candidate").count() == 1
    screenshot(page, "scouting-shortlist")
    page.get_by_test_id("tab-rejected").click()
    page.wait_for_url("**?tab=rejected")
    assert "Research only, no product" in page.get_by_test_id("candidates").inner_text()

    page.get_by_test_id("tab-results").click()
    row = page.locator("[data-organization='VoltCell']")
    row.get_by_test_id("promote-open").click()
    row.get_by_test_id("promote").click()
    page.wait_for_url("**/partnerships/*/")
    assert "VoltCell — Battery storage" in page.content()
    assert "candidate" in page.content().lower()

    directory.organization_create(
        actor=admin_user,
        data={"name": "FleetCharge", "description": "Batteries that store energy for fleets."},
    )
    indexing.refresh()
    page.goto(f"/scouting/scans/{gap.scans.get().pk}/")
    page.get_by_test_id("rerun").click()
    expect(page.locator(".alert-success")).to_contain_text("Run 2 done")
    new = page.locator("[data-organization='FleetCharge']").get_by_test_id("new-badge")
    expect(new).to_be_visible()
    expect(page.locator("[data-organization='VoltCell']")).to_have_count(0)  # in the pipeline
    screenshot(page, "scouting-rerun")
