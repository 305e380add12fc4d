"""A manager records a dinner with a candidate's CTO, reads the warm introductions on the
organization's page and explores who knows whom in the network view."""

import re

import pytest
from playwright.sync_api import expect

from accord.directory import services as directory
from accord.relationships import services
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(admin_user):
    target = directory.organization_create(actor=admin_user, data={"name": "Target Motors"})
    other = directory.organization_create(actor=admin_user, data={"name": "Other Works"})

    def person(name, organization=None, **data):
        return directory.person_create(actor=admin_user, data={
            "full_name": name, "organization": organization, **data})  # fmt: skip

    found = {
        "alice": person("Alice Ours", is_internal=True, relation="employee",
                        email="alice@ours.example"),
        "bob": person("Bob Board", relation="board"),
        "tina": person("Tina Target", target, title="CTO", email="tina@target.example"),
        "xavier": person("Xavier Other", other),
        "target": target,
    }  # fmt: skip
    for a, b, strength in (("alice", "xavier", 80), ("xavier", "tina", 60), ("bob", "xavier", 40)):
        services.connection_save(actor=admin_user, person=found[a], other=found[b],
                                 data={"strength": strength})  # fmt: skip
    return found


def test_a_manager_finds_who_can_introduce_a_candidate(page, people):
    sign_in(page, "admin", PASSWORD)
    page.goto(f"/directory/organizations/{people['target'].pk}/")
    intros = page.get_by_test_id("introductions")
    expect(intros.get_by_test_id("intro-path").first).to_contain_text("Alice Ours")
    expect(intros.get_by_test_id("intro-path").first).to_contain_text("48")  # 80 x 60
    page.goto("/relationships/interactions/")
    form = page.get_by_test_id("interaction-form")
    form.locator("#id_kind").select_option("dinner")
    form.locator("#id_title").fill("Dinner with Target's CTO")
    form.locator("#id_occurred_at").fill("2026-11-20T19:30")
    for typed, person in (("alice@", "Alice Ours"), ("tina", "Tina Target")):
        form.locator("#id_attendees-ts-control").fill(typed)
        page.locator(".ts-dropdown .option", has_text=person).click()
    expect(form.locator(".ts-control .item")).to_have_count(2)
    screenshot(page, "interaction-people-picker")
    form.get_by_role("button", name="Record").click()
    page.wait_for_url(re.compile(r"/relationships/interactions/\d+/$"))
    expect(page.get_by_test_id("attendees")).to_contain_text("Tina Target")
    page.goto(f"/directory/organizations/{people['target'].pk}/")
    expect(page.get_by_test_id("intro-path").first).to_contain_text("Alice Ours")
    expect(page.get_by_test_id("intro-path").first).to_contain_text("Tina Target")
    expect(page.get_by_test_id("standing")).to_contain_text("1 shared interaction(s) (dinner)")
    screenshot(page, "organization-introductions")
    page.get_by_role("link", name="network").click()
    expect(page.locator("#ego-network .main-svg").first).to_be_visible()
    screenshot(page, "organization-network")
    page.goto(people["tina"].get_absolute_url())
    expect(page.get_by_test_id("introductions")).to_contain_text("Alice Ours")
    page.get_by_test_id("connections").get_by_role("link", name="60").click()
    expect(page.get_by_test_id("reasons")).to_contain_text("stated 60")
    screenshot(page, "connection-strength")
