"""Rubrics and screening rounds: versioning, weights, scoring rules, hidden scores, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from accord.screening import rounds, rubrics
from accord.screening.models import Assessment, Criterion

CRITERIA = [
    {"name": "Strategic fit", "weight": 3, "knockout_threshold": 3},
    {"name": "Financial health", "weight": 1},
    {"name": "Integration cost", "weight": 1, "direction": "cost"},
]


@pytest.fixture
def rubric(personas):
    return rubrics.rubric_create(actor=personas["manager"], name="Robotics", criteria=CRITERIA)


@pytest.fixture
def screening(personas, rubric):
    return rounds.screening_create(
        actor=personas["manager"], rubric=rubric.version.rubric, data={"title": "Vision round"}
    )


@pytest.fixture
def candidates(personas, screening, org_a, org_b):
    return [
        rounds.candidate_add(actor=personas["manager"], screening=screening, organization=org)
        for org in (org_a, org_b)
    ]


def criteria_of(screening) -> list[Criterion]:
    return list(screening.rubric_version.criteria.all())


def scores(screening, *values: int) -> dict[int, dict]:
    return {
        c.pk: {"score": v, "evidence": f"why {v}"}
        for c, v in zip(criteria_of(screening), values, strict=True)
    }


def test_weights_that_do_not_sum_to_one_are_normalized_with_a_notice(rubric):
    weights = [c.weight for c in rubric.version.criteria.all()]
    assert weights == pytest.approx([0.6, 0.2, 0.2])
    assert rubric.notices and "normalized" in rubric.notices[0].lower()


def test_a_negative_weight_is_refused_naming_the_criterion(personas):
    with pytest.raises(ValidationError) as refused:
        rubrics.rubric_create(
            actor=personas["manager"],
            name="Bad",
            criteria=[{"name": "Fit", "weight": 1}, {"name": "Cost", "weight": -1}],
        )
    assert "Cost" in str(refused.value)


def test_templates_carry_the_seeds_criteria(personas):
    change = rubrics.rubric_from_template(
        actor=personas["manager"], template="Standard partner screening"
    )
    names = [c.name for c in change.version.criteria.all()]
    assert names == [
        "Strategic fit", "Cultural fit", "IP compatibility", "Financial health", "Track record",
    ]  # fmt: skip
    assert sum(c.weight for c in change.version.criteria.all()) == pytest.approx(1.0)


def test_a_rubric_changed_after_scoring_gets_a_new_version_and_old_scores_stay(
    personas, screening, candidates
):
    manager = personas["manager"]
    (assignment,) = rounds.reviewers_assign(
        actor=manager, candidates=candidates[:1], reviewers=[manager]
    )
    rounds.scores_save(actor=manager, assignment=assignment, scores=scores(screening, 4, 3, 2))
    rubric = screening.rubric_version.rubric
    before = criteria_of(screening)
    change = rubrics.rubric_update(
        actor=manager, rubric=rubric, criteria=[*CRITERIA, {"name": "Brand", "weight": 1}]
    )
    assert change.new_version and change.version.number == 2
    assert "version 2" in change.notices[-1]
    assert [c.name for c in criteria_of(screening)] == [c.name for c in before]
    assert Assessment.objects.filter(criterion__version__number=1).count() == 3
    assert rubrics.current_version(rubric).criteria.count() == 4


def test_before_any_score_a_rubric_is_changed_in_place(personas, rubric):
    change = rubrics.rubric_update(
        actor=personas["manager"], rubric=rubric.version.rubric, criteria=CRITERIA[:2]
    )
    assert not change.new_version and change.version.number == 1
    assert change.version.criteria.count() == 2


def test_a_score_outside_the_scale_names_the_criterion_and_writes_nothing(
    personas, screening, candidates
):
    manager = personas["manager"]
    (assignment,) = rounds.reviewers_assign(
        actor=manager, candidates=candidates[:1], reviewers=[manager]
    )
    with pytest.raises(ValidationError) as refused:
        rounds.scores_save(actor=manager, assignment=assignment, scores=scores(screening, 4, 6, 2))
    assert "Financial health: 6 is outside the scale 1 to 5" in str(refused.value)
    assert not Assessment.objects.exists()


def test_submitting_needs_every_criterion(personas, screening, candidates):
    manager = personas["manager"]
    (assignment,) = rounds.reviewers_assign(
        actor=manager, candidates=candidates[:1], reviewers=[manager]
    )
    partial = dict(list(scores(screening, 4, 3, 2).items())[:2])
    with pytest.raises(ValidationError) as refused:
        rounds.scores_save(actor=manager, assignment=assignment, scores=partial, submit=True)
    assert "Integration cost" in str(refused.value)


def test_only_the_assigned_reviewer_scores(personas, screening, candidates):
    (assignment,) = rounds.reviewers_assign(
        actor=personas["manager"], candidates=candidates[:1], reviewers=[personas["contributor"]]
    )
    with pytest.raises(PermissionDenied):
        rounds.scores_save(
            actor=personas["manager"], assignment=assignment, scores=scores(screening, 3, 3, 3)
        )


def test_viewers_and_partners_are_not_reviewers(personas, candidates):
    for role in ("viewer", "partner_a"):
        with pytest.raises(ValidationError):
            rounds.reviewers_assign(
                actor=personas["manager"], candidates=candidates, reviewers=[personas[role]]
            )


def test_others_scores_stay_hidden_until_ones_own_are_submitted(personas, screening, candidates):
    manager, contributor = personas["manager"], personas["contributor"]
    assignments = rounds.reviewers_assign(
        actor=manager, candidates=candidates[:1], reviewers=[manager, contributor]
    )
    mine, theirs = assignments
    rounds.scores_save(
        actor=contributor, assignment=theirs, scores=scores(screening, 2, 2, 2), submit=True
    )
    rounds.scores_save(actor=manager, assignment=mine, scores=scores(screening, 5, 4, 1))
    seen = visible_to(manager, Assessment)
    assert set(seen.values_list("assignment__reviewer__username", flat=True)) == {"manager"}
    assert visible_to(personas["viewer"], Assessment).count() == 6
    assert visible_to(personas["partner_a"], Assessment).count() == 0
    rounds.scores_save(actor=manager, assignment=mine, scores={}, submit=True)
    assert visible_to(manager, Assessment).count() == 6


def test_every_score_is_audited_with_the_criterion(personas, screening, candidates):
    manager = personas["manager"]
    (assignment,) = rounds.reviewers_assign(
        actor=manager, candidates=candidates[:1], reviewers=[manager]
    )
    rounds.scores_save(actor=manager, assignment=assignment, scores=scores(screening, 4, 3, 2))
    rounds.scores_save(actor=manager, assignment=assignment, scores=scores(screening, 5, 3, 2))
    events = AuditEvent.objects.filter(model="screening.assessment").order_by("pk")
    assert events.count() == 4
    last = events.last()
    assert last.changes["score"] == [4, 5] and last.changes["criterion"][1] == "Strategic fit"


def test_a_partnership_joins_at_the_screening_stage_only(personas, screening, org_a):
    partnership = partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )
    with pytest.raises(ValidationError) as refused:
        rounds.candidate_add(
            actor=personas["manager"], screening=screening, partnership=partnership
        )
    assert "not at screening" in str(refused.value)
    partnership.stage = "screening"
    partnership.save()
    candidate = rounds.candidate_add(
        actor=personas["manager"], screening=screening, partnership=partnership
    )
    assert candidate.organization == org_a


def test_an_organization_is_a_candidate_once(personas, screening, candidates, org_a):
    with pytest.raises(ValidationError):
        rounds.candidate_add(actor=personas["manager"], screening=screening, organization=org_a)
    ours = directory.organization_create(
        actor=personas["admin"], data={"name": "Us", "is_self": True}
    )
    with pytest.raises(ValidationError):
        rounds.candidate_add(actor=personas["manager"], screening=screening, organization=ours)


def test_a_confidential_candidate_goes_only_to_reviewers_who_may_see_it(
    personas, screening, candidates, org_a
):
    """Assigning a whole round leaves a confidential partnership's candidate to its team."""
    manager, executive = personas["manager"], personas["executive"]
    secret = partnerships.partnership_create(
        actor=manager,
        data={"title": "Sealed deal", "type": "rd_alliance", "is_confidential": True},
        parties=[(org_a, "partner")],
    )
    secret.stage = "screening"
    secret.save()
    candidate = candidates[0]
    candidate.partnership = secret
    candidate.save()

    created = rounds.reviewers_assign(
        actor=manager, candidates=candidates, reviewers=[manager, executive]
    )

    assigned = {(a.candidate, a.reviewer) for a in created}
    assert (candidate, manager) in assigned  # the manager owns it
    assert (candidate, executive) not in assigned
    assert (candidates[1], executive) in assigned
    assert not visible_to(executive, type(candidate)).filter(pk=candidate.pk).exists()
