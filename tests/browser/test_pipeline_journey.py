import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accord.directory import services as directory
from accord.directory.models import Organization
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.pilots import services as pilots
from accord.screening.due_diligence import template_install_defaults
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.browser.conftest import report_load_time, screenshot, sign_in
from tests.conftest import PASSWORD, complete_due_diligence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def strategy(admin_user):
    """A priority with a gap and a play, and a few organizations to partner with."""
    # The default gates come from a data migration; an earlier transactional test's flush
    # removed them.
    partnerships.gates_install_defaults()
    template_install_defaults()
    priority = StrategicPriority.objects.create(title="Autonomous factories", horizon_year=2030)
    gap = CapabilityGap.objects.create(priority=priority, title="Machine vision for inspection")
    play = PartnershipPlay.objects.create(title="Vision R&D alliance", type="rd_alliance")
    play.gaps.add(gap)
    for name in ("Lumen Vision", "Ferro Robotics"):
        directory.organization_create(actor=admin_user, data={"name": name, "kind": "startup"})
    return {"gap": gap, "play": play}


def test_alliance_manager_takes_a_partnership_through_its_gates(page, strategy):
    sign_in(page, "admin", PASSWORD)
    page.goto("/partnerships/new/")
    page.fill("#id_title", "Lumen inspection alliance")
    page.select_option("#id_type", "rd_alliance")
    page.select_option("#id_play", label="Vision R&D alliance")
    page.select_option("#id_gaps", label="Machine vision for inspection")
    # The partner picker searches the directory as one types.
    page.locator("#id_parties-0-organization-ts-control").fill("lumen")
    page.locator(".ts-dropdown .option", has_text="Lumen Vision").click()
    expect(page.locator("#id_parties-0-organization")).to_have_value(re.compile(r"^\d+$"))
    screenshot(page, "partnership-form")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/partnerships/\d+/$"))
    assert "Lumen Vision" in page.get_by_test_id("parties").inner_text()

    # Candidate → screening: the gate asks for a partner and a gap, both given.
    page.get_by_test_id("targets").get_by_role("link", name="screening").click()
    page.fill("#id_reason", "Strong match for the inspection gap.")
    page.get_by_test_id("move-submit").click()
    page.wait_for_url("**/?tab=timeline")

    # Screening → engaging: no value for us yet and nothing confirmed.
    page.get_by_test_id("targets").get_by_role("link", name="engaging").click()
    page.fill("#id_reason", "Ready to engage.")
    page.get_by_test_id("move-submit").click()
    missing = page.get_by_test_id("missing").inner_text()
    assert "Missing the value for us." in missing
    assert "Not confirmed: Screening rubric completed." in missing
    assert "Missing the due diligence: no checklist has been started." in missing
    screenshot(page, "pipeline-move-refused")

    # Fix: name the owner and the value, then tick the checklist.
    page.goto(page.url.replace("/move/", "/edit/").split("?")[0])
    page.select_option("#id_owner", label="admin")
    page.fill("#id_value_for_us", "Fewer defects on line 3; a vision team we lack.")
    page.fill("#id_value_for_partner", "A reference customer and production data.")
    page.fill("#id_next_review_date", "2030-01-15")
    page.click("button:has-text('Save')")
    page.wait_for_url("**/partnerships/*/")
    page.goto(page.url.split("?")[0] + "?tab=overview")
    screenshot(page, "partnership-overview")
    # Due diligence: start the checklist, mark each item done with its evidence.
    page.get_by_test_id("due-diligence-tab").click()
    page.get_by_test_id("start-due-diligence").click()
    for index in range(5):
        item = page.locator("[data-testid=due-diligence] form").nth(index)
        item.locator("select[name$=status]").select_option("done")
        item.locator("textarea[name$=evidence]").fill("Checked with the partner's CFO.")
        item.get_by_role("button", name="Save").click()
        progress = "complete" if index == 4 else f"{index + 1} of 5 done"
        expect(page.get_by_test_id("due-diligence-progress")).to_contain_text(progress)
    screenshot(page, "due-diligence")
    page.goto("/partnerships/board/")
    report_load_time(page, "pipeline-board")
    page.get_by_test_id("card").get_by_role("button", name="Move ▸").click()
    page.wait_for_url("**/move/**")
    page.get_by_label("Screening rubric completed").check()
    page.get_by_label("Fit with the strategy confirmed").check()
    page.fill("#id_reason", "Rubric done; fit confirmed with the CTO.")
    page.get_by_test_id("move-submit").click()
    page.wait_for_url("**/partnerships/board/")
    column = page.get_by_test_id("column-engaging")
    assert "Lumen inspection alliance" in column.inner_text()
    screenshot(page, "pipeline-board")

    page.get_by_role("link", name="Lumen inspection alliance").click()
    page.get_by_test_id("timeline-tab").click()
    timeline = page.get_by_test_id("timeline").inner_text()
    assert "Rubric done; fit confirmed with the CTO." in timeline
    assert "Strong match for the inspection gap." in timeline
    screenshot(page, "partnership-timeline")

    page.goto("/partnerships/")
    assert "Lumen inspection alliance" in page.get_by_test_id("partnerships").inner_text()
    screenshot(page, "partnership-list")


def test_a_prepared_partnership_goes_through_every_later_stage_and_out(page, strategy, admin_user):
    """From engaging to active (an executive approves), renewal review, renewed, exited."""
    from accord.accounts.services import user_create
    from accord.directory.models import Organization

    user_create(actor=admin_user, username="cfo", role="executive", password=PASSWORD)
    partnership = partnerships.partnership_create(
        actor=admin_user,
        data={
            "title": "Ferro welding alliance",
            "type": "rd_alliance",
            "owner": admin_user,
            "executive_sponsor": admin_user,
            "value_for_us": "Welding robots",
            "value_for_partner": "A reference line",
            "nda_signed_on": dt.date(2026, 1, 5),
            "signed_on": dt.date(2026, 2, 1),
            "start_date": dt.date(2026, 2, 1),
            "end_date": dt.date(2028, 1, 31),
            "budget": 90000,
            "ip_terms": "Shared foreground IP",
            "next_review_date": dt.date(2027, 1, 15),
        },
        parties=[(Organization.objects.get(name="Ferro Robotics"), "partner")],
        gaps=[strategy["gap"]],
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage="engaging")
    complete_due_diligence(admin_user, partnership)
    scale_a_pilot(admin_user, partnership)  # the gate into active asks for one
    sign_in(page, "cfo", PASSWORD)
    detail = f"/partnerships/{partnership.pk}/"
    for stage, label in [
        ("negotiating", "negotiating"),
        ("piloting", "piloting"),
        ("active", "active"),
        ("renewal_review", "renewal review"),
        ("active", "active"),
        ("exited", "exited"),
    ]:
        page.goto(detail)
        page.get_by_test_id("targets").get_by_role("link", name=label, exact=True).click()
        # locator.all() does not wait: collect the boxes only once the move form is shown.
        page.wait_for_url(f"**/move/?to={stage}")
        for box in page.locator("input[name=confirmed]").all():
            box.check()
        page.fill("#id_reason", f"On to {label}.")
        page.get_by_test_id("move-submit").click()
        page.wait_for_url("**/?tab=timeline")
        assert Partnership.objects.get(pk=partnership.pk).stage == stage
    timeline = page.get_by_test_id("timeline").inner_text()
    for label in ("On to negotiating.", "On to renewal review.", "On to exited."):
        assert label in timeline
    screenshot(page, "partnership-every-stage")


def scale_a_pilot(actor, partnership) -> None:
    pilot = pilots.pilot_create(
        actor=actor, partnership=partnership,
        data={"title": "Weld seam pilot", "hypothesis": "Fewer reworks",
              "starts_on": dt.date(2026, 2, 1), "ends_on": dt.date(2026, 5, 1)},
    )  # fmt: skip
    evidence = {"score": 4, "evidence": "Seen on the line"}
    pilots.readiness_assess(
        actor=actor,
        pilot=pilot,
        scores=dict.fromkeys(("technical", "commercial", "organisational", "legal"), evidence),
    )
    pilots.pilot_decide(actor=actor, pilot=pilot, decision="scale", rationale="Reworks halved")


def test_a_card_dragged_to_the_next_stage_opens_its_move_there(page, strategy, admin_user):
    partnership = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Ferro welding pilot", "type": "rd_alliance"},
        parties=[(Organization.objects.get(name="Ferro Robotics"), "partner")],
        gaps=[strategy["gap"]],
    )
    sign_in(page, "admin", PASSWORD)
    page.goto("/partnerships/board/")
    card = page.get_by_test_id("column-candidate").get_by_test_id("card")
    card.drag_to(page.get_by_test_id("column-active"))  # two stages on: refused, nothing opens
    assert page.url.endswith("/partnerships/board/")
    card.drag_to(page.get_by_test_id("column-screening"))
    page.wait_for_url(f"**/partnerships/{partnership.pk}/move/?to=screening**")
    page.fill("#id_reason", "Fits the inspection gap.")
    page.get_by_test_id("move-submit").click()
    page.wait_for_url("**/partnerships/board/")
    assert "Ferro welding pilot" in page.get_by_test_id("column-screening").inner_text()
