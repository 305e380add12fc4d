"""Every main page passes axe-core with no serious or critical violation: labels on every
input, one h1, WCAG AA contrast, names for every control."""

from pathlib import Path

import pytest

from tests.browser.conftest import SIGNED_OUT_PAGES, main_pages, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


def violations(page) -> list[str]:
    page.wait_for_load_state("load")
    page.evaluate(
        AXE.read_text()
    )  # through the browser's debugger: the page's CSP allows no inline script
    found = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {', '.join(' '.join(n['target']) for n in v['nodes'][:3])}"
        for v in found
        if v["impact"] in SERIOUS
    ]


def test_the_main_pages_pass_axe(page, office):
    sign_in(page, "admin", PASSWORD)
    failed = {}
    for name, path in main_pages(office).items():
        page.goto(path)
        if found := violations(page):
            failed[name] = found
        assert page.locator("h1").count() == 1, f"{name}: one h1"
    assert failed == {}


def test_the_signed_out_pages_pass_axe(page, db):
    failed = {}
    for name, path in SIGNED_OUT_PAGES.items():
        page.goto(path)
        if found := violations(page):
            failed[name] = found
        assert page.locator("h1").count() == 1, f"{name}: one h1"
        screenshot(page, f"signed-out-{name}")
    assert failed == {}
