"""A screening committee's round in the browser: score, compare, test the ranking."""

import pytest
from playwright.sync_api import expect

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.screening import rounds, rubrics
from tests.browser.conftest import report_load_time, screenshot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Scores by a second reviewer, and by the admin for all but the last candidate.
THEIRS = {"Ada Robotics": (5, 4, 4, 4, 4), "Brio Vision": (4, 3, 3, 4, 3),
          "Cato Systems": (2, 4, 5, 5, 5), "Dune Labs": (4, 2, 2, 2, 3)}  # fmt: skip
MINE = {"Ada Robotics": (4, 4, 5, 4, 4), "Brio Vision": (4, 3, 4, 3, 3),
        "Cato Systems": (3, 4, 4, 5, 4)}  # fmt: skip


@pytest.fixture
def round_(admin_user):
    reviewer = user_create(actor=admin_user, username="lena", role="contributor")
    change = rubrics.rubric_from_template(actor=admin_user, template="Standard partner screening")
    screening = rounds.screening_create(
        actor=admin_user, rubric=change.version.rubric, data={"title": "Vision partners Q3"}
    )
    criteria = list(change.version.criteria.all())
    for name in THEIRS:
        org = directory.organization_create(actor=admin_user, data={"name": name})
        candidate = rounds.candidate_add(actor=admin_user, screening=screening, organization=org)
        lena, mine = rounds.reviewers_assign(
            actor=admin_user, candidates=[candidate], reviewers=[reviewer, admin_user]
        )
        for assignment, values in ((lena, THEIRS[name]), (mine, MINE.get(name))):
            if values:
                rounds.scores_save(
                    actor=assignment.reviewer,
                    assignment=assignment,
                    scores={c.pk: {"score": v, "evidence": "From the pitch"}
                            for c, v in zip(criteria, values, strict=True)},
                    submit=True,
                )  # fmt: skip
    return screening


def test_a_reviewer_scores_then_the_committee_compares_and_tests_the_ranking(page, round_):
    sign_in(page, "admin", PASSWORD)
    # My work lists the one candidate still waiting for the admin's scores.
    expect(page.locator("[data-work-count]")).to_be_visible()
    page.get_by_test_id("my-work-link").click()
    scores = page.get_by_test_id("work-scores")
    expect(scores.get_by_role("link")).to_have_text(["Dune Labs"])
    screenshot(page, "my-work")
    scores.get_by_role("link", name="Dune Labs").click()
    page.wait_for_url("**/score/")
    assert not page.get_by_test_id("others").count()  # hidden until submitted
    for index, value in enumerate((3, 2, 3, 2, 4)):
        levels = page.locator("[data-testid=score-form] [role=group]").nth(index)
        levels.locator("label").nth(value - 1).click()
    page.locator("textarea").first.fill("Strong vision team, thin balance sheet.")
    page.get_by_test_id("submit-scores").click()
    page.wait_for_url("**/score/")
    assert "lena: 4" in page.get_by_test_id("others").first.inner_text()
    screenshot(page, "screening-scoring")

    page.goto(f"/screening/rounds/{round_.pk}/")
    report_load_time(page, "screening-round")
    ranking = page.get_by_test_id("ranking").inner_text()
    assert ranking.index("Ada Robotics") < ranking.index("Dune Labs")
    page.get_by_test_id("radar").locator(".js-plotly-plot").wait_for()
    screenshot(page, "screening-comparison")

    page.get_by_role("button", name="1000 samples").click()
    page.wait_for_url("**samples=1000**")
    assert page.get_by_test_id("stability").inner_text() in ("stable", "contested", "fragile")
    page.locator("#sensitivity-chart.js-plotly-plot").wait_for()
    page.locator("#sweep-chart.js-plotly-plot").wait_for()
    screenshot(page, "screening-sensitivity")

    # The forms that add candidates and reviewers open when asked, and stay open after adding.
    page.get_by_test_id("manage-round").click()
    page.wait_for_url("**manage=1**")
    expect(page.get_by_test_id("add-organization")).to_be_attached()
    expect(page.locator("select[name=reviewers] option")).to_have_count(2)
    screenshot(page, "screening-manage")
