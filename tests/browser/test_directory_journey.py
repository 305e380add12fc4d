import re

import pytest

from accord.directory import services as directory
from tests.browser.conftest import report_load_time, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ecosystem(admin_user):
    """A small directory with enough variety to search and filter."""
    rows = [
        ("Lumen Vision", "startup", "DE", "Computer vision for quality inspection on lines."),
        ("Voltgrid Storage", "scaleup", "FR", "Battery storage systems for grid operators."),
        ("Ferro Robotics", "startup", "DE", "Robotic welding cells for small factories."),
        ("University of Kyroford", "university", "GB", "Research on machine vision and robotics."),
        ("Strata Capital", "investor", "US", "Early-stage fund for industrial technology."),
    ]  # fmt: skip
    vision = directory.tags_get_or_create(actor=admin_user, names=["computer vision"])
    created = {}
    for name, kind, country, one_liner in rows:
        created[name] = directory.organization_create(
            actor=admin_user,
            data={"name": name, "kind": kind, "country": country, "one_liner": one_liner},
            tags=vision if "vision" in one_liner.lower() else [],
        )
    directory.organization_update(
        actor=admin_user, organization=created["Lumen Vision"], data={"city": "Stuttgart"}
    )
    return created


def test_user_searches_filters_and_opens_an_organizations_history(page, ecosystem):
    sign_in(page, "admin", PASSWORD)
    page.get_by_role("link", name="Directory").click()
    page.get_by_role("link", name="Organizations", exact=True).click()
    assert "5 found" in page.get_by_test_id("result-count").inner_text()
    report_load_time(page, "directory-list")

    page.fill("#id_q", "vision")
    page.click("text=Apply filters")
    page.wait_for_url(re.compile(r"[?&]q=vision"))
    table = page.get_by_test_id("organizations")
    assert "Lumen Vision" in table.inner_text()
    assert "University of Kyroford" in table.inner_text()
    assert "Voltgrid Storage" not in table.inner_text()
    screenshot(page, "directory-search")

    page.select_option("#id_kind", ["startup"])
    page.select_option("#id_country", ["DE"])
    page.click("text=Apply filters")
    page.wait_for_url(re.compile(r"[?&]country=DE"))
    assert "1 found" in page.get_by_test_id("result-count").inner_text()
    assert "University of Kyroford" not in page.get_by_test_id("organizations").inner_text()
    screenshot(page, "directory-filtered")

    page.get_by_role("link", name="Lumen Vision").click()
    page.get_by_test_id("history-tab").click()
    history = page.get_by_test_id("history").inner_text()
    assert "created" in history and "updated" in history
    assert "Stuttgart" in history
    screenshot(page, "organization-history")
