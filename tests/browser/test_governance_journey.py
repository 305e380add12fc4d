"""A manager sets up a joint steering committee, schedules its meeting, logs a decision and
an action item, and gets a calendar link."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def partnership(admin_user):
    lumen = directory.organization_create(actor=admin_user, data={"name": "Lumen Vision"})
    user_create(actor=admin_user, username="lena", role="partner", organization=lumen,
                password=PASSWORD)  # fmt: skip
    return partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Lumen inspection alliance", "type": "rd_alliance", "owner": admin_user},
        parties=[(lumen, "partner")],
    )


def test_a_manager_runs_a_steering_committee(page, partnership):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_test_id("governance-tab").click()
    form = page.get_by_test_id("committee-form")
    form.locator("#id_name").fill("Joint steering committee")
    form.locator("#id_chair").select_option(label="admin")
    form.locator("#id_members").select_option(label="lena (Lumen Vision)")
    form.locator("#id_charter").fill("Approves next steps; meets monthly.")
    form.get_by_role("button", name="Create the committee").click()
    page.wait_for_url(re.compile(r"/governance/committees/\d+/$"))

    day = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    meeting = page.get_by_test_id("meeting-form")
    page.locator("summary", has_text="Schedule a meeting").click()
    meeting.locator("#id_meeting-title").fill("Q1 steering")
    meeting.locator("#id_meeting-starts_at").fill(f"{day}T11:00")
    meeting.locator("#id_meeting-ends_at").fill(f"{day}T10:00")
    meeting.get_by_role("button", name="Schedule").click()
    expect(page.get_by_test_id("meeting-form")).to_contain_text("before it starts")
    page.get_by_test_id("meeting-form").locator("#id_meeting-ends_at").fill(f"{day}T12:30")
    page.get_by_test_id("meeting-form").get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/governance/meetings/\d+/$"))
    expect(page.get_by_test_id("meeting-time")).to_contain_text(f"{day} 11:00")
    invite = page.request.get(page.get_by_test_id("invite").get_attribute("href"))
    [event] = Calendar.from_ical(invite.body()).walk("VEVENT")
    assert str(event["summary"]) == "Q1 steering (Joint steering committee)"

    page.get_by_role("link", name="Joint steering committee").click()
    decision = page.get_by_test_id("decision-form")
    page.locator("summary", has_text="Log a decision").click()
    decision.locator("#id_decision-title").fill("Extend the pilot to the second plant")
    decision.locator("#id_decision-decided_by").fill("Joint steering committee")
    decision.locator("#id_decision-decided_on").fill(timezone.localdate().isoformat())
    decision.get_by_role("button", name="Log it").click()
    expect(page.get_by_test_id("decision-log")).to_contain_text("Extend the pilot")
    action = page.get_by_test_id("action-form")
    page.locator("summary", has_text="Add an action item").click()
    action.locator("#id_action-title").fill("Circulate the data-sharing annex")
    action.locator("#id_action-owner").select_option(label="lena")
    action.locator("#id_action-due_on").fill(
        (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    )
    action.get_by_role("button", name="Add").click()
    expect(page.get_by_test_id("action-item")).to_contain_text("2 d overdue")
    screenshot(page, "governance-committee")

    page.goto("/governance/calendar/")
    page.get_by_test_id("create-feed").click()
    feed_url = page.get_by_test_id("feed-url").locator("code").inner_text()
    feed = page.request.get(feed_url)
    assert [str(e["summary"]) for e in Calendar.from_ical(feed.body()).walk("VEVENT")] == [
        "Q1 steering (Joint steering committee)"
    ]
    screenshot(page, "governance-calendar-link")


def test_an_escalation_climbs_its_path_and_is_resolved(page, partnership, admin_user):
    user_create(actor=admin_user, username="cfo", role="executive", password=PASSWORD)
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/governance/partnership/{partnership.pk}/")
    page.locator("summary", has_text="Raise an escalation").click()
    form = page.get_by_test_id("escalation-raise-form")
    form.locator("#id_escalation-title").fill("Test data not delivered")
    form.locator("#id_escalation-severity").select_option("critical")
    form.locator("#id_escalation-first").select_option(label="admin")
    form.locator("#id_escalation-second").select_option(label="cfo")
    form.get_by_role("button", name="Raise it").click()
    page.wait_for_url(re.compile(r"/governance/escalations/\d+/$"))
    expect(page.get_by_test_id("escalation-path").locator(".active")).to_contain_text("admin")
    page.get_by_test_id("step-up").click()
    expect(page.get_by_test_id("escalation-path").locator(".active")).to_contain_text("cfo")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("escalation-form")).to_contain_text("Say how it was resolved.")
    page.fill("#id_resolution", "Their CIO granted access the same day.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("resolution")).to_contain_text("granted access")
    screenshot(page, "governance-escalation")
