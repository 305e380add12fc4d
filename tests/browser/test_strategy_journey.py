import datetime as dt
import re

import pytest
from django.utils import timezone

from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.strategy.models import PartnershipPlay
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_sets_out_a_priority_gap_and_play_and_traces_them(page, admin_user):
    sign_in(page, "admin", PASSWORD)
    page.goto("/strategy/")
    page.get_by_role("link", name="New priority").click()
    page.fill("#id_title", "Autonomous factories")
    page.fill("#id_description", "Lights-out production lines in our three plants.")
    page.fill("#id_horizon_year", str(timezone.localdate().year + 4))
    page.fill("#id_weight", "5")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/strategy/priorities/\d+/$"))
    assert "Autonomous factories" in page.locator("h1").inner_text()

    page.get_by_role("link", name="Add a gap").click()
    assert page.locator("#id_priority option:checked").inner_text() == "Autonomous factories"
    page.fill("#id_title", "Machine vision for inspection")
    page.select_option("#id_kind", "technology")
    page.select_option("#id_importance", "5")
    page.fill("#id_description", "Detect surface defects at line speed.")
    target = timezone.localdate() + dt.timedelta(days=365)
    page.fill("#id_target_date", target.isoformat())
    page.click("button:has-text('Save')")
    page.wait_for_url("**/strategy/gaps/*/")
    gap_id = page.url.rstrip("/").split("/")[-1]
    assert (
        page.get_by_test_id("scout").get_attribute("href") == f"/scouting/scans/new/?gap={gap_id}"
    )
    screenshot(page, "strategy-gap")

    page.get_by_role("link", name="Add a play").click()
    page.fill("#id_title", "Vision R&D alliance")
    page.select_option("#id_type", "rd_alliance")
    page.fill("#id_budget", "250000")
    page.fill("#id_objective", "Co-develop an inspection module with a vision start-up.")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/strategy/plays/*/")
    assert "Machine vision for inspection" in page.get_by_test_id("play-gaps").inner_text()

    # A partnership carrying the play (the pipeline's own journey creates one through its UI).
    lumen = directory.organization_create(actor=admin_user, data={"name": "Lumen Vision"})
    partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Lumen inspection alliance", "type": "rd_alliance",
              "play": PartnershipPlay.objects.get()},
        parties=[(lumen, "partner")],
    )  # fmt: skip

    page.goto("/strategy/")
    assert "Machine vision for inspection" in page.get_by_test_id("gap").inner_text()
    assert page.locator("[data-coverage]").first.inner_text() == "thin"
    screenshot(page, "strategy-overview")

    page.get_by_role("link", name="Traceability").click()
    tree = page.get_by_test_id("traceability").inner_text()
    chain = ["Autonomous factories", "Machine vision for inspection", "Vision R&D alliance",
             "Lumen inspection alliance"]  # fmt: skip
    positions = [tree.index(text) for text in chain]
    assert positions == sorted(positions)
    screenshot(page, "strategy-traceability")
