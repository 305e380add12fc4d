import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_user_signs_in_and_sees_the_home_page(page, admin_user, org_a):
    sign_in(page, "admin", PASSWORD)
    assert page.get_by_test_id("organization-count").inner_text() == "1"
    screenshot(page, "home")


def test_wrong_password_is_refused_with_a_message(page, admin_user):
    page.goto("/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert "correct username and password" in page.locator(".alert-danger").inner_text()


def test_administrator_reads_failed_and_refused_sign_ins(page, admin_user, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT + 1):
        page.goto("/accounts/login/")
        page.fill("#id_username", "mallory")
        page.fill("#id_password", "guess")
        page.click("button[type=submit]")
    assert "try again in" in page.locator(".alert-danger").inner_text()
    sign_in(page, "admin", PASSWORD)
    page.goto("/accounts/sign-ins/")
    rows = page.locator("table tbody tr")
    assert rows.count() == settings.LOGIN_FAILURE_LIMIT + 1
    assert "throttled" in rows.first.inner_text()
    screenshot(page, "sign_ins")
