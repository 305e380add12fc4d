"""The main pages on a phone (390 px wide): usable without scrolling sideways, with a
screenshot of each."""

import pytest

from tests.browser.conftest import main_pages, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_the_main_pages_fit_a_phone(page, office):
    sign_in(page, "admin", PASSWORD)
    page.set_viewport_size(PHONE)
    too_wide = {}
    for name, path in main_pages(office).items():
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
        screenshot(page, f"phone-{name}")
    assert too_wide == {}
