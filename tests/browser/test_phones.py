"""The main pages on a phone (390 px wide): usable without scrolling sideways, with a
screenshot of each."""

import pytest

from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.screening import rounds, rubrics
from tests.browser.conftest import screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def office(admin_user):
    """Long names and many columns: what pushes a narrow page sideways."""
    partnerships.gates_install_defaults()
    organizations = [
        directory.organization_create(
            actor=admin_user,
            data={
                "name": f"Nordlicht Industrial Robotics and Automation Systems {n}",
                "kind": "startup",
                "country": "DE",
                "city": "Berlin",
                "one_liner": "Vision-guided robots for high-mix assembly lines.",
            },
        )
        for n in range(3)
    ]
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
    return {"partnership": partnership, "organization": organizations[0], "screening": screening}


def test_the_main_pages_fit_a_phone(page, office):
    sign_in(page, "admin", PASSWORD)
    page.set_viewport_size(PHONE)
    pages = {
        "home": "/",
        "my-work": "/my-work/",
        "organizations": "/directory/organizations/",
        "organization": f"/directory/organizations/{office['organization'].pk}/",
        "people": "/directory/people/",
        "partnerships": "/partnerships/",
        "board": "/partnerships/board/",
        "partnership": f"/partnerships/{office['partnership'].pk}/",
        "partnership-form": f"/partnerships/{office['partnership'].pk}/edit/",
        "screening-round": f"/screening/rounds/{office['screening'].pk}/",
        "scouting": "/scouting/",
        "strategy": "/strategy/",
        "coverage": "/coverage/",
        "audit": "/audit/",
        "account": "/accounts/profile/",
    }
    too_wide = {}
    for name, path in pages.items():
        page.goto(path)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide[name] = width
        screenshot(page, f"phone-{name}")
    assert too_wide == {}
