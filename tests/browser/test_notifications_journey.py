"""An alliance manager sees the bell count an overdue milestone, opens it from the
notification centre and chooses to hear of reviews weekly; an administrator registers a
webhook and sees its delivery log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accord.notifications import services
from accord.pilots.milestones import milestone_create
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_the_centre_and_the_settings(page, personas, partnership):
    milestone_create(
        actor=personas["manager"],
        partnership=partnership,
        data={"title": "Data annex signed", "due_on": timezone.localdate() - dt.timedelta(days=3)},
    )
    services.raise_alerts()
    sign_in(page, "manager", PASSWORD)
    expect(page.locator("[data-unread-count]")).to_have_text("1")
    page.get_by_test_id("bell").click()
    expect(page.get_by_test_id("notification")).to_contain_text("Data annex signed")
    screenshot(page, "notifications")
    page.get_by_test_id("notification").get_by_role("button", name="Open").click()
    page.wait_for_url("**/pilots/**")
    page.goto("/notifications/settings/")
    page.locator("#id_review_due").select_option("weekly")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".alert-success")).to_contain_text("saved")
    expect(page.locator("#id_review_due")).to_have_value("weekly")
    expect(page.locator("[data-unread-count]")).to_be_hidden()


def test_an_administrator_registers_a_webhook(page, personas):
    sign_in(page, "admin", PASSWORD)
    page.goto("/notifications/webhooks/")
    form = page.get_by_test_id("webhook-form")
    form.locator("#id_url").fill("not an address")
    form.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_test_id("field-error").first).to_be_visible()
    form = page.get_by_test_id("webhook-form")
    form.locator("#id_url").fill("https://hooks.example.com/accord")
    form.locator("#id_description").fill("Chat channel of the alliance office")
    form.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_test_id("secret")).to_be_visible()
    expect(page.get_by_test_id("deliveries")).to_contain_text("Nothing sent yet")
    screenshot(page, "webhook")
