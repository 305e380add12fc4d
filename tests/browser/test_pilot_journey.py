"""A manager runs a pilot from its hypothesis to a kill decision that proposes the exit."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.pilots import services as pilots
from accord.pilots.models import Pilot
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership(admin_user):
    partnerships.gates_install_defaults()
    lumen = directory.organization_create(actor=admin_user, data={"name": "Lumen Vision"})
    return partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Lumen inspection alliance", "type": "rd_alliance", "owner": admin_user},
        parties=[(lumen, "partner")],
    )


def test_a_manager_runs_a_pilot_to_a_kill_decision(page, partnership, admin_user):
    today = timezone.localdate()
    late = pilots.pilot_create(
        actor=admin_user, partnership=partnership,
        data={"title": "Night-shift trial", "hypothesis": "Works in low light",
              "starts_on": today - dt.timedelta(days=60), "ends_on": today - dt.timedelta(days=9),
              "status": "running"},
    )  # fmt: skip
    sign_in(page, "admin", PASSWORD)
    expect(page.get_by_test_id("overdue-pilots")).to_contain_text("Night-shift trial")
    expect(page.get_by_test_id("overdue-pilots")).to_contain_text("9 d overdue")
    screenshot(page, "pilot-dashboard-overdue")

    page.goto(f"/partnerships/{partnership.pk}/")
    expect(page.get_by_test_id("partnership-alert")).to_contain_text("passed its timebox")
    page.get_by_test_id("pilots-tab").click()
    page.get_by_test_id("new-pilot").click()
    page.fill("#id_title", "Line 3 inspection")
    page.fill("#id_hypothesis", "Lumen's cameras halve the defects that reach the customer.")
    page.fill("#id_starts_on", (today - dt.timedelta(days=56)).isoformat())
    page.fill("#id_ends_on", (today + dt.timedelta(days=14)).isoformat())
    page.fill("#id_budget", "120000")
    page.click("button:has-text('Save')")
    page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    pilot = Pilot.objects.exclude(pk=late.pk).get()

    criteria = [("Defect rate", "at_most", "2", "%"), ("Detection rate", "at_least", "95", "%")]
    for metric, comparator, target, unit in criteria:
        form = page.get_by_test_id("criterion-form")
        form.locator("#id_metric").fill(metric)
        form.locator("#id_comparator").select_option(comparator)
        form.locator("#id_target").fill(target)
        form.locator("#id_unit").fill(unit)
        form.get_by_role("button", name="Add").click()
        page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    readings = {
        "Defect rate": ["4.1", "3.6", "3.2", "2.9"],
        "Detection rate": ["81", "86", "88", "90"],
    }
    for index, values in enumerate(readings.values()):
        for week, value in enumerate(values):
            form = page.get_by_test_id("actual-form").nth(index)
            form.locator("input[name$=value]").fill(value)
            observed = today - dt.timedelta(days=42 - 14 * week)
            form.locator("input[name$=observed_on]").fill(observed.isoformat())
            form.get_by_role("button", name="Record").click()
            page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    expect(page.get_by_test_id("criteria")).to_contain_text("0 of 2 met")
    expect(page.locator("#criteria-chart .main-svg").first).to_be_visible()
    screenshot(page, "pilot-criteria-chart")

    # A decision without its rationale is refused by name; with one, it is recorded.
    page.get_by_label("Kill").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision-form")).to_contain_text(
        "Give the rationale for the decision."
    )
    assert pilot.decisions.count() == 0
    page.get_by_label("Kill").check()
    page.fill("#id_rationale", "Defects down a third, not half, after eight weeks; no path to 2 %.")
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/pilots/\d+/$"))
    expect(page.get_by_test_id("decision-badge")).to_have_text("kill")
    expect(page.get_by_test_id("decision-log")).to_contain_text("no path to 2 %")
    screenshot(page, "pilot-killed")

    page.goto(f"/partnerships/{partnership.pk}/")
    proposal = page.get_by_test_id("partnership-alert").filter(has_text="exit is proposed")
    proposal.get_by_role("link", name="Propose the exit").click()
    expect(page.locator("#id_reason")).to_have_value(
        re.compile("Pilot “Line 3 inspection” was killed on")
    )
    screenshot(page, "pilot-exit-proposed")


def test_a_manager_adds_a_milestone_and_marks_it_done(page, partnership, admin_user):
    from accord.pilots import milestones

    today = timezone.localdate()
    milestones.milestone_create(
        actor=admin_user, partnership=partnership,
        data={"title": "Security review", "due_on": today - dt.timedelta(days=5)},
    )  # fmt: skip
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    expect(page.get_by_test_id("partnership-alert")).to_contain_text("1 milestone past due")
    page.get_by_test_id("milestones-tab").click()
    page.locator("summary", has_text="Add a milestone").click()
    form = page.get_by_test_id("milestone-form")
    form.locator("#id_m-title").fill("Interim results to the committee")
    form.locator("#id_m-side").select_option("partner")
    form.locator("#id_m-due_on").fill((today + dt.timedelta(days=12)).isoformat())
    form.get_by_role("button", name="Add the milestone").click()
    expect(page.get_by_test_id("milestone")).to_have_count(2)
    late = page.get_by_test_id("milestone").filter(has_text="Security review")
    expect(late).to_contain_text("5 d overdue")
    late.get_by_test_id("complete-milestone").click()
    expect(page.get_by_test_id("milestone").filter(has_text="Security review")).to_contain_text(
        "done"
    )
    screenshot(page, "pilot-milestones")
