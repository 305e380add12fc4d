"""A partner's engineer is invited by e-mail, joins, and works on the joint pilot and the
steering committee's actions in the workspace; the manager then kills the pilot."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.accounts.models import User
from accord.directory import services as directory
from accord.governance import services as governance
from accord.governance.models import ActionItem, Escalation
from accord.partnerships import services as partnerships
from accord.pilots import services as pilots
from accord.pilots.models import CriterionActual
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setting(admin_user):
    partnerships.gates_install_defaults()
    lumen = directory.organization_create(actor=admin_user, data={"name": "Lumen Vision"})
    other = directory.organization_create(actor=admin_user, data={"name": "Orion Sensors"})
    alliance = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Lumen inspection alliance", "type": "rd_alliance", "owner": admin_user},
        parties=[(lumen, "partner")],
    )
    elsewhere = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Orion sensing trial", "type": "rd_alliance", "owner": admin_user},
        parties=[(other, "partner")],
    )
    today = timezone.localdate()
    pilot = pilots.pilot_create(
        actor=admin_user, partnership=alliance,
        data={"title": "Line 3 inspection", "hypothesis": "Lumen's cameras halve the defects.",
              "starts_on": today - dt.timedelta(days=40), "ends_on": today + dt.timedelta(days=10),
              "status": "running"},
        visibility="shared",
    )  # fmt: skip
    committee = governance.committee_create(
        actor=admin_user, partnership=alliance, data={"name": "Joint steering committee"}
    )
    return {"alliance": alliance, "elsewhere": elsewhere, "pilot": pilot,
            "committee": committee, "admin": admin_user}  # fmt: skip


def _work_for(user: User, setting: dict) -> None:
    """What the team gives the new partner user on its own pages (tested elsewhere)."""
    admin, today = setting["admin"], timezone.localdate()
    pilots.criterion_add(
        actor=admin, pilot=setting["pilot"],
        data={"metric": "Defect rate", "unit": "%", "comparator": "at_most",
              "target": Decimal(2), "assignee": user},
    )  # fmt: skip
    governance.action_item_create(
        actor=admin, committee=setting["committee"],
        data={"title": "Send the line 3 camera logs", "owner": user,
              "due_on": today + dt.timedelta(days=3)},
    )  # fmt: skip


def test_a_partner_joins_by_invitation_and_works_in_the_workspace(
    page, browser, live_server, setting, inbox
):
    alliance = setting["alliance"]
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/partnerships/{alliance.pk}/")
    page.get_by_test_id("partner-users-tab").click()
    page.fill("#id_email", "not-an-address")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invite-form")).to_contain_text("is not an e-mail address")
    page.fill("#id_email", "mia@lumen.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitation-status")).to_have_text("pending")
    screenshot(page, "partner-invited")
    assert inbox.messages and inbox.messages[0]["X-Rcpt"] == "mia@lumen.example"

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    partner = context.new_page()
    partner.goto(inbox.link())
    expect(partner.locator("h1")).to_have_text("Join the partner workspace")
    partner.fill("#id_first_name", "Mia")
    partner.fill("#id_username", "mia")
    partner.fill("#id_password", "Tungsten-river-42")
    partner.fill("#id_password_again", "Tungsten-river-42")
    partner.get_by_role("button", name="Create my account").click()
    partner.wait_for_url(re.compile(rf"/workspace/{alliance.pk}/$"))
    mia = User.objects.get(username="mia")
    _work_for(mia, setting)

    partner.reload()
    expect(partner.get_by_test_id("workspace-pilot")).to_contain_text("Line 3 inspection")
    item = partner.get_by_test_id("action-item").filter(has_text="camera logs")
    item.get_by_test_id("toggle-action").click()
    expect(partner.get_by_test_id("action-items")).not_to_contain_text("camera logs")
    assert ActionItem.objects.get().status == "done"

    partner.get_by_test_id("workspace-pilot").click()
    form = partner.get_by_test_id("actual-form")
    form.locator("input[name$=value]").fill("3.1")
    form.locator("input[name$=observed_on]").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Record").click()
    expect(partner.get_by_test_id("latest")).to_have_text("3.1 %")
    expect(partner.locator("[data-testid=criteria-chart] .main-svg").first).to_be_visible()
    assert CriterionActual.objects.get().recorded_by == mia
    screenshot(partner, "partner-records-an-actual")

    partner.goto(f"/workspace/{alliance.pk}/")
    partner.get_by_test_id("raise-escalation").click()
    partner.get_by_role("button", name="Raise it").click()
    expect(partner.get_by_test_id("escalation-form")).to_contain_text("This field is required")
    partner.fill("#id_escalation-title", "Camera mounts not installed on line 3")
    partner.select_option("#id_escalation-severity", "high")
    partner.get_by_role("button", name="Raise it").click()
    partner.wait_for_url(re.compile(rf"/workspace/{alliance.pk}/"))
    expect(partner.get_by_test_id("escalations")).to_contain_text("Camera mounts")
    assert Escalation.objects.get().raised_by == mia
    screenshot(partner, "partner-workspace")

    elsewhere = partner.goto(f"/workspace/{setting['elsewhere'].pk}/")
    assert elsewhere is not None and elsewhere.status == 404
    internal = partner.goto(f"/partnerships/{alliance.pk}/")
    assert internal is not None and internal.status == 404
    context.close()

    page.goto(f"/pilots/{setting['pilot'].pk}/")
    page.get_by_label("Kill").check()
    page.fill("#id_rationale", "Defects down a third, not half; no path to 2 %.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_test_id("decision-badge")).to_have_text("kill")
    screenshot(page, "pilot-killed-after-partner-work")
