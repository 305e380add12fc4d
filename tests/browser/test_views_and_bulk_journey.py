"""An alliance manager saves the filters of the partnership list as a view, opens it again,
ticks the whole page and gives every partnership on it one review date and a tag."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pipeline(admin_user):
    manager = user_create(actor=admin_user, username="maria", role="manager", password=PASSWORD)
    directory.tags_get_or_create(actor=admin_user, names=["Energy", "Grid"])
    for title, kind in (("Solar storage pilot", "licensing"), ("Grid sensors", "licensing"),
                        ("Campus research", "rd_alliance")):  # fmt: skip
        partnerships.partnership_create(actor=manager, data={"title": title, "type": kind})
    return manager


def test_a_manager_saves_a_view_and_edits_its_rows_at_once(page, pipeline):
    sign_in(page, "maria", PASSWORD)
    page.goto("/partnerships/?type=licensing")
    expect(page.get_by_test_id("result-count")).to_have_text("2 found")
    page.get_by_placeholder("Name these filters").fill("Licensing deals")
    page.get_by_role("button", name="Save view").click()
    expect(page.get_by_role("alert")).to_contain_text("The view “Licensing deals” was saved.")

    # From the plain list, the saved view opens the filters again.
    page.goto("/partnerships/")
    expect(page.get_by_test_id("result-count")).to_have_text("3 found")
    page.get_by_test_id("saved-view").filter(has_text="Licensing deals").click()
    expect(page.get_by_test_id("result-count")).to_have_text("2 found")
    expect(page.get_by_test_id("saved-view")).to_have_attribute("aria-current", "true")

    # Tick the whole page, then give them a review date and a tag.
    page.get_by_test_id("bulk-start").click()
    expect(page.get_by_test_id("saved-view")).to_have_attribute("aria-current", "true")
    page.get_by_label("Choose every partnership on this page").check()
    expect(page.locator("[data-selected-count]")).to_have_text("2")
    page.fill("#bulk-next_review_date", "2027-03-31")
    page.locator("#bulk-add_tags-ts-control").fill("ener")
    page.locator(".ts-dropdown .option", has_text="Energy").click()
    screenshot(page, "partnership-bulk-edit")
    page.get_by_role("button", name="Apply to the chosen").click()
    expect(page.get_by_role("alert")).to_contain_text("Changed 2 of the 2 chosen")
    changed = Partnership.objects.filter(type="licensing")
    assert {p.next_review_date for p in changed} == {dt.date(2027, 3, 31)}
    assert all(p.tags.filter(name="Energy").exists() for p in changed)
    assert "type=licensing" in page.url  # back to the same filters

    # Nothing ticked: the list comes back with the reason, and nothing changed.
    page.fill("#bulk-next_review_date", "2028-01-01")
    page.get_by_role("button", name="Apply to the chosen").click()
    expect(page.get_by_test_id("bulk-errors")).to_contain_text("Choose at least one partnership.")
    expect(page.get_by_test_id("saved-view")).to_have_text("Licensing deals")
    screenshot(page, "partnership-bulk-edit-refused")

    page.goto("/views/")
    expect(page.get_by_test_id("saved-view-row")).to_contain_text("Licensing deals")
    screenshot(page, "saved-views")
