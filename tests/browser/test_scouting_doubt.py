"""Scouting that says when it is unsure, in the browser: weak bands, the notice and the
unmatched words of a need that matched on one word, readable on a phone and to axe-core."""

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.scouting import services
from tests import scouting_corpus
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_accessibility import violations
from tests.browser.test_phones import PHONE
from tests.conftest import PASSWORD
from tests.test_scouting_doubt import INSPECTORS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scan(admin_user, settings, monkeypatch):
    settings.SCOUTING_MODEL = "none"  # words only, as a base install scouts
    monkeypatch.setattr(
        scouting_corpus, "ORGANIZATIONS", scouting_corpus.ORGANIZATIONS + INSPECTORS
    )
    scouting_corpus.build(admin_user)
    manager = user_create(actor=admin_user, username="alliance", role="manager", password=PASSWORD)
    made = services.scan_create(
        actor=manager, data={"text": "AI regulation compliance", "mode": "lexical", "top": 10}
    )
    return services.scan_run(actor=manager, scan=made)


@pytest.mark.parametrize("viewport", [None, PHONE], ids=["desktop", "phone"])
def test_a_need_matched_on_one_word_looks_doubtful(page, scan, viewport):
    sign_in(page, "alliance", PASSWORD)
    if viewport:
        page.set_viewport_size(viewport)
    suffix = "-phone" if viewport else ""
    pages = {
        "search": "/scouting/search/?text=AI+regulation+compliance",
        "scan": scan.get_absolute_url(),
    }
    for name, path in pages.items():
        page.goto(path)
        expect(page.get_by_test_id("band").first).to_have_text("●○○ Weak match")
        expect(page.get_by_test_id("notice").last).to_contain_text("share only the word “ai”")
        expect(page.get_by_test_id("unmatched")).to_contain_text("regulation compliance")
        page.get_by_test_id("band-legend").locator("summary").click()
        expect(page.get_by_test_id("band-legend")).to_contain_text("not a probability")
        screenshot(page, f"scouting-doubt-{name}{suffix}")
        assert violations(page) == [], name
        if viewport:
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{name} scrolls sideways on a phone"
