"""Browser tests: Playwright driving Debian's Chromium against a live server.

Screenshots go to artifacts/screenshots/ (ignored by git) for a person to look at, and the
browser's load time of the main pages to artifacts/load-times/ (reported, not asserted: this
machine's timings are too noisy for a test to judge).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
LOAD_TIMES = SCREENSHOTS.parent / "load-times"


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (scripts/test.sh installs it)")
    # Playwright's sync API runs an event loop; Django must allow its ORM calls meanwhile.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Iterator:
    """A page of a fresh browser context; every test fails if a page broke the content
    security policy or raised a script error."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)  # fmt: skip
    page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
    yield page
    context.close()
    assert refused == [], f"the page broke the content security policy: {refused[:3]}"


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def report_load_time(page, name: str) -> float:
    """The browser's time from asking for the page to its load event, in ms, kept in
    artifacts/load-times/NAME.json with the server's part, the first paint and, on a page with
    charts, when they were drawn (plotly is fetched after the load event)."""
    page.wait_for_load_state("load")
    if page.locator(".accord-chart").count():
        page.locator(".accord-chart[data-drawn]").first.wait_for(state="attached")
    timing = page.evaluate(
        "() => { const n = performance.getEntriesByType('navigation')[0];"
        " const mark = (name) => (performance.getEntriesByName(name)[0] || {}).startTime;"
        " return {load: n.loadEventEnd - n.startTime, server: n.responseEnd - n.requestStart,"
        " paint: mark('first-contentful-paint'), charts: mark('accord:charts-drawn')}; }"
    )
    LOAD_TIMES.mkdir(parents=True, exist_ok=True)
    (LOAD_TIMES / f"{name}.json").write_text(json.dumps({"page": page.url, **timing}, indent=2))
    return float(timing["load"])


@pytest.fixture
def office(admin_user):
    """A partnership, three organizations with long names and a screening round: what the
    phone and accessibility checks walk."""
    from accord.directory import services as directory
    from accord.partnerships import services as partnerships
    from accord.screening import rounds, rubrics

    partnerships.gates_install_defaults()
    organizations = [
        directory.organization_create(
            actor=admin_user,
            data={"name": f"Nordlicht Industrial Robotics and Automation Systems {n}",
                  "kind": "startup", "country": "DE", "city": "Berlin",
                  "one_liner": "Vision-guided robots for high-mix assembly lines."},
        )
        for n in range(3)
    ]  # fmt: skip
    partnership = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Co-developing vision-guided assembly with Nordlicht Robotics",
              "type": "co_development", "owner": admin_user},
        parties=[(organizations[0], "partner")],
    )  # fmt: skip
    rubric = rubrics.rubric_from_template(
        actor=admin_user, template="Standard partner screening"
    ).version.rubric
    screening = rounds.screening_create(
        actor=admin_user, rubric=rubric, data={"title": "Vision partners for assembly"}
    )
    for organization in organizations:
        rounds.candidate_add(actor=admin_user, screening=screening, organization=organization)
    return {"partnership": partnership, "organization": organizations[0], "screening": screening,
            "investment": _venture(admin_user, organizations[0])}  # fmt: skip


def _venture(admin_user, organization):
    """A fund with one marked investment, its cash flow and an option right (a few rows)."""
    import datetime as dt

    from accord.ventures import services as ventures

    day = dt.date(2024, 3, 15)
    fund = ventures.fund_create(actor=admin_user, data={
        "name": "Nordlicht Corporate Ventures Fund I", "currency": "EUR",
        "committed_capital": 60_000_000, "vintage": 2023})  # fmt: skip
    investment = ventures.investment_create(actor=admin_user, data={
        "fund": fund, "organization": organization, "round": "series_a", "instrument": "equity",
        "invested_on": day, "amount": 4_000_000, "currency": "EUR", "ownership": "14.2857",
    })  # fmt: skip
    ventures.cash_flow_record(actor=admin_user, data={
        "investment": investment, "kind": "investment", "on": day, "amount": 4_000_000,
        "currency": "EUR"})  # fmt: skip
    ventures.mark_record(actor=admin_user, data={"investment": investment, "currency": "EUR",
                         "on": dt.date(2025, 3, 31), "fair_value": 6_500_000,
                         "method": "last_round"})  # fmt: skip
    ventures.option_create(actor=admin_user, data={"investment": investment, "kind": "pro_rata",
                                                   "deadline": dt.date.today()})  # fmt: skip
    return investment


def main_pages(office: dict) -> dict[str, str]:
    """The pages people use most, by a short name, for the `office` data."""
    partnership, screening = office["partnership"].pk, office["screening"].pk
    return {
        "home": "/",
        "my-work": "/my-work/",
        "organizations": "/directory/organizations/",
        "organization": f"/directory/organizations/{office['organization'].pk}/",
        "people": "/directory/people/",
        "partnerships": "/partnerships/",
        "board": "/partnerships/board/",
        "partnership": f"/partnerships/{partnership}/",
        "partnership-form": f"/partnerships/{partnership}/edit/",
        "move": f"/partnerships/{partnership}/move/?to=screening",
        "screening-round": f"/screening/rounds/{screening}/",
        "scouting": "/scouting/",
        "scouting-search": "/scouting/search/",
        "strategy": "/strategy/",
        "coverage": "/coverage/",
        "import": "/directory/import/",
        "notifications": "/notifications/",
        "funds": "/ventures/",
        "fund": f"/ventures/funds/{office['investment'].fund_id}/",
        "investment": f"/ventures/investments/{office['investment'].pk}/",
        "audit": "/audit/",
        "account": "/accounts/profile/",
        "users": "/accounts/users/",
    }


# The pages of someone not signed in: signing in, a forgotten password, an invitation's link.
SIGNED_OUT_PAGES = {
    "sign-in": "/accounts/login/",
    "password-reset": "/accounts/password/reset/",
    "invitation": "/accounts/join/?token=no-such-link",
}


def sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    # "**/" would match the login page itself; wait until the sign-in has led elsewhere.
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
