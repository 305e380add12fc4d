"""A round's results: aggregation, disagreement, knock-outs, ranking and sensitivity."""

from __future__ import annotations

import pytest

from accord.accounts.services import user_create
from accord.directory import services as directory
from accord.screening import mcda, rounds, rubrics
from accord.screening.results import screening_results, weight_sweep

CRITERIA = [
    {"name": "Strategic fit", "weight": 0.5, "knockout_threshold": 3},
    {"name": "Financial health", "weight": 0.3},
    {"name": "Integration cost", "weight": 0.2, "direction": "cost"},
]


@pytest.fixture
def round_(personas):
    manager = personas["manager"]
    change = rubrics.rubric_create(actor=manager, name="Round rubric", criteria=CRITERIA)
    screening = rounds.screening_create(
        actor=manager, rubric=change.version.rubric, data={"title": "Round"}
    )
    organizations = [
        directory.organization_create(actor=personas["admin"], data={"name": name})
        for name in ("Ada Robotics", "Brio Vision", "Cato Systems", "Dune Labs")
    ]
    candidates = [
        rounds.candidate_add(actor=manager, screening=screening, organization=org)
        for org in organizations
    ]
    reviewers = [manager, personas["contributor"]]
    rounds.reviewers_assign(actor=manager, candidates=candidates, reviewers=reviewers)
    return {"screening": screening, "candidates": candidates, "reviewers": reviewers}


def score(round_, reviewer, candidate_index: int, values, submit=True):
    screening = round_["screening"]
    candidate = round_["candidates"][candidate_index]
    assignment = candidate.assignments.get(reviewer=reviewer)
    criteria = list(screening.rubric_version.criteria.all())
    rounds.scores_save(
        actor=reviewer,
        assignment=assignment,
        scores={c.pk: {"score": v} for c, v in zip(criteria, values, strict=True)},
        submit=submit,
    )


# Scores: (fit, financial health, integration cost), by the two reviewers.
SCORES = {
    0: [(5, 4, 2), (4, 4, 2)],  # Ada: strong
    1: [(4, 3, 3), (4, 2, 3)],  # Brio: middling
    2: [(2, 5, 1), (2, 5, 1)],  # Cato: fit 2 < must-have 3
    3: [(5, 1, 5), (1, 1, 5)],  # Dune: reviewers disagree on fit (spread 4)
}


@pytest.fixture
def scored(round_):
    for index, pairs in SCORES.items():
        for reviewer, values in zip(round_["reviewers"], pairs, strict=True):
            score(round_, reviewer, index, values)
    return round_


def test_scores_are_aggregated_flagged_knocked_out_and_ranked(scored, personas):
    results = screening_results(personas["viewer"], scored["screening"])
    by_name = {row.candidate.organization.name: row for row in results.rows}
    fit = results.criteria[0].pk
    assert by_name["Ada Robotics"].scores[fit] == 4.5
    assert by_name["Dune Labs"].disagreements == ["Strategic fit"]
    assert by_name["Cato Systems"].knocked_out == ["Strategic fit: 2 is below the minimum 3"]
    assert by_name["Cato Systems"].rank is None
    # The ranked ones match the calculator on the same aggregated matrix.
    ranked = results.ranked
    matrix = [[row.scores[c.pk] for c in results.criteria] for row in ranked]
    expected = mcda.rank(matrix, [0.5, 0.3, 0.2], [1, 1, -1], method="topsis")
    assert [row.rank for row in ranked] == sorted(expected.ranking.tolist())
    assert ranked[0].candidate.organization.name == "Ada Robotics"
    assert results.rows[-1].candidate.organization.name == "Cato Systems"


def test_median_aggregation(scored, personas):
    screening = scored["screening"]
    screening.aggregation = "median"
    screening.save()
    third = user_create(actor=personas["admin"], username="third", role="contributor")
    rounds.reviewers_assign(
        actor=personas["manager"], candidates=scored["candidates"][:1], reviewers=[third]
    )
    score(scored, third, 0, (1, 4, 2))
    results = screening_results(personas["viewer"], screening)
    ada = next(r for r in results.rows if r.candidate.organization.name == "Ada Robotics")
    assert ada.scores[results.criteria[0].pk] == 4  # median of 5, 4, 1


def test_unsubmitted_scores_do_not_count(round_, personas):
    manager, contributor = round_["reviewers"]
    score(round_, manager, 0, (5, 5, 1))
    score(round_, contributor, 0, (1, 1, 5), submit=False)
    results = screening_results(personas["viewer"], round_["screening"])
    ada = next(r for r in results.rows if r.candidate.organization.name == "Ada Robotics")
    assert ada.reviewers == 1 and ada.scores[results.criteria[0].pk] == 5
    assert any("not ranked yet" in notice for notice in results.notices)


def test_sensitivity_gives_probabilities_and_a_stability_label(scored, personas):
    results = screening_results(personas["viewer"], scored["screening"], samples=500, seed=3)
    ranked = results.ranked
    assert sum(row.p_first for row in ranked) == pytest.approx(1.0)
    assert all(row.p_top_k >= row.p_first for row in ranked)
    assert results.stability in ("stable", "contested", "fragile")
    again = screening_results(personas["viewer"], scored["screening"], samples=500, seed=3)
    assert [r.p_first for r in again.ranked] == [r.p_first for r in ranked]


def test_weight_sweep_names_where_the_leader_changes(scored, personas):
    screening = scored["screening"]
    health = screening.rubric_version.criteria.get(name="Financial health")
    sweep = weight_sweep(personas["viewer"], screening, health, points=11)
    assert len(sweep["weights"]) == 11 and set(sweep["series"]) >= {"Ada Robotics"}
    for change in sweep["changes"]:
        assert change["from"] != change["to"]
