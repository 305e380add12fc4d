"""Screening pages: rubrics and their weights, a round, scoring, access."""

from __future__ import annotations

import pytest

from accord.directory import services as directory
from accord.screening import rounds, rubrics
from accord.screening.models import Assessment, Rubric
from tests.conftest import client_for


@pytest.fixture
def rubric(personas) -> Rubric:
    change = rubrics.rubric_from_template(
        actor=personas["manager"], template="Technology partner screening"
    )
    return change.version.rubric


@pytest.fixture
def candidate(personas, rubric, org_a):
    manager = personas["manager"]
    screening = rounds.screening_create(actor=manager, rubric=rubric, data={"title": "Round"})
    candidate = rounds.candidate_add(actor=manager, screening=screening, organization=org_a)
    rounds.reviewers_assign(
        actor=manager, candidates=[candidate], reviewers=[manager, personas["contributor"]]
    )
    return candidate


def test_a_rubric_is_created_from_a_template(personas):
    client = client_for(personas["manager"])
    response = client.post("/screening/rubrics/new/", {"template": "Standard partner screening"})
    assert response.status_code == 302
    assert Rubric.objects.filter(name="Standard partner screening").exists()
    body = client.get(response["Location"]).content.decode()
    assert "Strategic fit" in body and "Derive weights" in body


def test_direct_weights_are_normalized_with_a_notice(personas, rubric):
    client = client_for(personas["manager"])
    criteria = list(rubrics.current_version(rubric).criteria.all())
    data = {f"w{c.pk}": 2 for c in criteria}
    response = client.post(f"/screening/rubrics/{rubric.pk}/weights/", data, follow=True)
    assert "normalized to 1" in response.content.decode()
    weights = [c.weight for c in rubrics.current_version(rubric).criteria.all()]
    assert weights == pytest.approx([0.2] * 5)
    data[f"w{criteria[0].pk}"] = -1
    refused = client.post(f"/screening/rubrics/{rubric.pk}/weights/", data)
    assert refused.status_code == 422


def test_an_inconsistent_pairwise_comparison_is_flagged_on_the_page(personas, rubric):
    client = client_for(personas["manager"])
    n = rubrics.current_version(rubric).criteria.count()
    data = {"random_index": "saaty"}
    for i in range(n):
        for j in range(i + 1, n):
            data[f"p{i}_{j}"] = "9" if (i + j) % 2 else "1/9"
    body = client.post(f"/screening/rubrics/{rubric.pk}/ahp/", data, follow=True)
    text = body.content.decode()
    assert "Weights from AHP" in text and "is above 0.10" in text
    assert rubrics.current_version(rubric).weighting == "ahp"


def test_a_reviewer_cannot_submit_an_incomplete_scoring(personas, candidate):
    client = client_for(personas["manager"])
    first = candidate.screening.rubric_version.criteria.first()
    response = client.post(
        f"/screening/candidates/{candidate.pk}/score/", {f"score-{first.pk}": "4", "submit": "1"}
    )
    assert response.status_code == 422
    assert "Score every criterion first" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        ({"score": "7"}, "7 is outside the scale 1 to 5"),
        ({"score": "four"}, "the score must be a whole number from 1 to 5"),
        ({"score": "4", "confidence": "certain"}, "unknown confidence 'certain'"),
        ({"score": "4", "evidence": "Seen\x00in the lab"}, "Null characters are not allowed"),
    ],
    ids=["off-scale", "not-a-number", "confidence", "nul-in-evidence"],
)
def test_a_bad_score_names_its_criterion_and_saves_nothing(personas, candidate, posted, message):
    first, second = candidate.screening.rubric_version.criteria.all()[:2]
    data = {f"{name}-{first.pk}": value for name, value in posted.items()}
    response = client_for(personas["manager"]).post(
        f"/screening/candidates/{candidate.pk}/score/", {**data, f"score-{second.pk}": "3"}
    )
    assert response.status_code == 422
    shown = [e.strip() for e in response.context["errors"]]
    assert any(e.startswith(f"{first.name}: ") and message in e for e in shown), shown
    assert not Assessment.objects.exists()


def test_others_scores_show_on_the_page_only_after_submitting(personas, candidate):
    criteria = list(candidate.screening.rubric_version.criteria.all())
    theirs = candidate.assignments.get(reviewer=personas["contributor"])
    rounds.scores_save(
        actor=personas["contributor"],
        assignment=theirs,
        scores={c.pk: {"score": 2, "evidence": "Their private view"} for c in criteria},
        submit=True,
    )
    client = client_for(personas["manager"])
    url = f"/screening/candidates/{candidate.pk}/score/"
    assert "Their private view" not in client.get(url).content.decode()
    data = {f"score-{c.pk}": "4" for c in criteria} | {"submit": "1"}
    assert client.post(url, data).status_code == 302
    assert "Their private view" in client.get(url).content.decode()


def test_the_round_offers_each_reviewer_their_own_scoring(personas, candidate, org_b):
    manager = personas["manager"]
    other = rounds.candidate_add(actor=manager, screening=candidate.screening, organization=org_b)
    rounds.reviewers_assign(actor=manager, candidates=[other], reviewers=[manager])
    round_url = f"/screening/rounds/{candidate.screening_id}/"
    ours, theirs = (f'href="/screening/candidates/{c.pk}/score/"' for c in (candidate, other))
    contributor = client_for(personas["contributor"])
    page = contributor.get(round_url).content.decode()
    assert ours in page and theirs not in page and ">Score</a>" in page
    criteria = candidate.screening.rubric_version.criteria.all()
    rounds.scores_save(
        actor=personas["contributor"],
        assignment=candidate.assignments.get(reviewer=personas["contributor"]),
        scores={c.pk: {"score": 3} for c in criteria},
        submit=True,
    )
    page = contributor.get(round_url).content.decode()
    assert ours in page and ">Your scores</a>" in page and ">Score</a>" not in page
    assert "/score/" not in client_for(personas["viewer"]).get(round_url).content.decode()


def test_only_assigned_reviewers_score_and_partners_see_no_screening(personas, candidate):
    url = f"/screening/candidates/{candidate.pk}/score/"
    assert client_for(personas["executive"]).get(url).status_code == 403
    partner = client_for(personas["partner_a"])
    assert partner.get("/screening/").status_code == 403
    assert partner.get(f"/screening/rounds/{candidate.screening_id}/").status_code == 404


def test_the_round_page_ranks_submitted_candidates(personas, candidate, org_b):
    manager = personas["manager"]
    screening = candidate.screening
    second = rounds.candidate_add(actor=manager, screening=screening, organization=org_b)
    rounds.reviewers_assign(actor=manager, candidates=[second], reviewers=[manager])
    criteria = list(screening.rubric_version.criteria.all())
    for target, value in ((candidate, 5), (second, 3)):
        assignment = target.assignments.get(reviewer=manager)
        rounds.scores_save(
            actor=manager,
            assignment=assignment,
            scores={c.pk: {"score": value} for c in criteria},
            submit=True,
        )
    body = client_for(personas["viewer"]).get(f"/screening/rounds/{screening.pk}/?samples=1000")
    text = body.content.decode()
    assert text.index(candidate.organization.name) < text.index(second.organization.name)
    assert 'data-testid="radar"' in text and 'id="sensitivity-chart"' in text


def _criteria_post(rubric: Rubric, changes: dict[int, dict] | None = None, extra=None) -> dict:
    criteria = list(rubrics.current_version(rubric).criteria.all())
    rows = [
        {
            "name": c.name,
            "description": c.description,
            "weight": c.weight,
            "direction": c.direction,
            "knockout_threshold": c.knockout_threshold or "",
            "levels": "\n".join(c.levels),
        }
        | (changes or {}).get(i, {})
        for i, c in enumerate(criteria)
    ] + ([extra] if extra else [])
    data = {
        "criteria-TOTAL_FORMS": len(rows),
        "criteria-INITIAL_FORMS": len(criteria),
        "criteria-MIN_NUM_FORMS": 1,
        "criteria-MAX_NUM_FORMS": 1000,
    }
    for i, row in enumerate(rows):
        data |= {f"criteria-{i}-{k}": v for k, v in row.items()}
    return data


def test_criteria_are_edited_and_a_scored_rubric_gets_a_new_version(personas, rubric, candidate):
    client = client_for(personas["manager"])
    url = f"/screening/rubrics/{rubric.pk}/edit/"
    assert "Complementary IP" in client.get(url).content.decode()
    bad = _criteria_post(rubric, {0: {"levels": "only\ntwo"}})
    response = client.post(url, bad)
    assert response.status_code == 422 and "5 levels" in response.content.decode()
    manager = personas["manager"]
    criteria = list(candidate.screening.rubric_version.criteria.all())
    rounds.scores_save(
        actor=manager,
        assignment=candidate.assignments.get(reviewer=manager),
        scores={c.pk: {"score": 4} for c in criteria},
    )
    extra = {"name": "Security posture", "weight": 1, "direction": "benefit",
             "levels": "1\n2\n3\n4\n5", "knockout_threshold": "2"}  # fmt: skip
    response = client.post(url, _criteria_post(rubric, extra=extra), follow=True)
    assert "version 2" in response.content.decode()
    version = rubrics.current_version(rubric)
    assert (
        version.number == 2
        and version.criteria.get(name="Security posture").knockout_threshold == 2
    )
    assert candidate.screening.rubric_version.number == 1


@pytest.mark.parametrize("by", ["id", "name"])
def test_a_manager_adds_a_candidate_picked_by_id_or_named(personas, candidate, org_b, by):
    screening = candidate.screening
    manager = client_for(personas["manager"])
    page = manager.get(f"/screening/rounds/{screening.pk}/").content.decode()
    assert 'data-picker="/directory/organizations/pick/?partners=1"' not in page
    assert 'href="?manage=1#manage" data-testid="manage-round"' in page
    page = manager.get(f"/screening/rounds/{screening.pk}/?manage=1").content.decode()
    assert 'data-picker="/directory/organizations/pick/?partners=1"' in page
    assert "Beta Materials" not in page  # only the picker offers it
    ref = str(org_b.pk) if by == "id" else "beta materials"
    response = manager.post(
        f"/screening/rounds/{screening.pk}/candidates/", {"organization": ref}, follow=True
    )
    assert response.redirect_chain == [(f"/screening/rounds/{screening.pk}/?manage=1#manage", 302)]
    assert "Beta Materials added." in response.content.decode()
    assert 'data-testid="add-organization"' in response.content.decode(), "still open"
    assert set(screening.candidates.values_list("organization__name", flat=True)) == {
        "Alpha Robotics",
        "Beta Materials",
    }


def test_a_round_without_candidates_or_reviewers_opens_with_the_forms_to_add_them(
    personas, candidate, org_b
):
    manager = client_for(personas["manager"])
    screening = rounds.screening_create(
        actor=personas["manager"], rubric=candidate.screening.rubric_version.rubric,
        data={"title": "Next round"},
    )  # fmt: skip
    page = manager.get(f"/screening/rounds/{screening.pk}/").content.decode()
    assert 'data-testid="add-organization"' in page and "manage-round" not in page
    rounds.candidate_add(actor=personas["manager"], screening=screening, organization=org_b)
    page = manager.get(f"/screening/rounds/{screening.pk}/").content.decode()
    assert 'name="reviewers"' in page, "no reviewer yet"
    viewer = client_for(personas["viewer"])
    response = viewer.get(f"/screening/rounds/{screening.pk}/?manage=1")
    page = response.content.decode()
    assert response.status_code == 200 and "Next round" in page
    assert 'name="reviewers"' not in page and "manage-round" not in page


@pytest.mark.parametrize(
    "posted, message",
    [
        ({"organization": "Nobody GmbH"}, "No organization “Nobody GmbH” in the directory."),
        ({"organization": "999999"}, "No organization “999999” in the directory."),
        ({"partnership": "abc"}, "Name the organization to screen."),
    ],
)
def test_a_candidate_that_cannot_be_found_is_named_and_nothing_added(
    personas, candidate, posted, message
):
    screening = candidate.screening
    response = client_for(personas["manager"]).post(
        f"/screening/rounds/{screening.pk}/candidates/", posted, follow=True
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert screening.candidates.count() == 1


# Session and user; the round, its criteria, candidates, submitted scores and assignments;
# the introduction paths: the candidates' people, whether the connections changed, our people
# (remembered: whether anything audited changed, and after a change their ids).
ROUND_QUERIES = 11


def test_the_round_page_runs_the_same_queries_however_many_candidates(
    personas, candidate, admin_user, django_assert_num_queries
):
    manager, screening = personas["manager"], candidate.screening
    criteria = list(screening.rubric_version.criteria.all())
    client, url = client_for(personas["viewer"]), f"/screening/rounds/{screening.pk}/"
    for size in (1, 6):
        for n in range(screening.candidates.count(), size):
            org = directory.organization_create(actor=admin_user, data={"name": f"Org {n}"})
            directory.person_create(actor=admin_user, data={"full_name": f"P {n}",
                                                            "organization": org})  # fmt: skip
            added = rounds.candidate_add(actor=manager, screening=screening, organization=org)
            rounds.reviewers_assign(actor=manager, candidates=[added], reviewers=[manager])
            rounds.scores_save(actor=manager, assignment=added.assignments.get(),
                               scores={c.pk: {"score": 1 + n % 5} for c in criteria},
                               submit=True)  # fmt: skip
        with django_assert_num_queries(ROUND_QUERIES):
            assert client.get(url).status_code == 200
