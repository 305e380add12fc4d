"""Stage-gate rules: one step at a time, back without a gate, exits, and refusals in words."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts.services import user_create
from accord.core import policy
from accord.core.errors import ConflictError, GateRefused
from accord.partnerships import services
from accord.partnerships.gates import allowed_targets, missing_for_move
from accord.partnerships.models import Partnership, StageGate, StageTransition
from accord.screening.due_diligence import due_diligence_start, due_diligence_update
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import complete_due_diligence

ENGAGING_CHECKLIST = ["Screening rubric completed", "Fit with the strategy confirmed"]


@pytest.fixture(autouse=True)
def default_gates(db) -> None:
    """The default gates come from a data migration, which a transactional test's flush removes."""
    services.gates_install_defaults()


@pytest.fixture
def gap(db) -> CapabilityGap:
    priority = StrategicPriority.objects.create(title="Grow in robotics", horizon_year=2030)
    return CapabilityGap.objects.create(priority=priority, title="Machine vision")


@pytest.fixture
def partnership(personas, org_a, gap) -> Partnership:
    return services.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
        gaps=[gap],
    )


def _move(actor, partnership, to_stage, *, reason="Because", confirmed=()):
    partnership.refresh_from_db()
    return services.partnership_move(
        actor=actor, partnership=partnership, to_stage=to_stage, reason=reason, confirmed=confirmed
    )


def test_the_pipeline_moves_one_step_forward_and_any_step_back():
    assert allowed_targets("candidate") == ["screening", "declined", "exited"]
    assert allowed_targets("engaging") == [
        "negotiating",
        "screening",
        "candidate",
        "declined",
        "exited",
    ]
    assert allowed_targets("declined") == ["candidate"]


def test_renewal_review_goes_back_to_active():
    assert allowed_targets("renewal_review")[0] == "active"
    assert "active" in allowed_targets("renewal_review")


def test_skipping_a_stage_is_refused(partnership, personas):
    with pytest.raises(GateRefused) as refused:
        _move(personas["manager"], partnership, "negotiating")
    assert "one step at a time" in refused.value.missing[0]
    assert not StageTransition.objects.exists()


def test_moving_to_the_same_stage_is_refused(partnership, personas):
    with pytest.raises(GateRefused, match="already at candidate"):
        _move(personas["manager"], partnership, "candidate")


def test_a_reason_is_required(partnership, personas):
    with pytest.raises(GateRefused) as refused:
        _move(personas["manager"], partnership, "screening", reason="  ")
    assert refused.value.missing == ["A reason for the move."]


def test_required_fields_are_named_in_words(partnership, personas):
    _move(personas["manager"], partnership, "screening")
    Partnership.objects.filter(pk=partnership.pk).update(owner=None)
    with pytest.raises(GateRefused) as refused:
        _move(personas["admin"], partnership, "engaging", confirmed=ENGAGING_CHECKLIST)
    assert refused.value.missing == [
        "Missing an owner.",
        "Missing the value for us.",
        "Missing the due diligence: no checklist has been started.",
    ]


def test_engagement_waits_for_every_due_diligence_item(partnership, personas):
    manager = personas["manager"]
    Partnership.objects.filter(pk=partnership.pk).update(value_for_us="Vision IP")
    _move(manager, partnership, "screening")
    items = due_diligence_start(actor=manager, partnership=partnership)
    assert len(items) == 5
    for item in items[1:]:
        due_diligence_update(actor=manager, item=item, data={"status": "done", "evidence": "OK"})
    with pytest.raises(GateRefused) as refused:
        _move(manager, partnership, "engaging", confirmed=ENGAGING_CHECKLIST)
    assert refused.value.missing == [f"Due diligence not done: {items[0].title}."]
    due_diligence_update(
        actor=manager, item=items[0], data={"status": "not_applicable", "evidence": "No revenue"}
    )
    assert _move(manager, partnership, "engaging", confirmed=ENGAGING_CHECKLIST).to_stage == (
        "engaging"
    )


def test_every_checklist_item_must_be_confirmed(partnership, personas):
    _move(personas["manager"], partnership, "screening")
    Partnership.objects.filter(pk=partnership.pk).update(value_for_us="Faster inspection")
    complete_due_diligence(personas["manager"], partnership)
    with pytest.raises(GateRefused) as refused:
        _move(personas["manager"], partnership, "engaging", confirmed=ENGAGING_CHECKLIST[:1])
    assert refused.value.missing == ["Not confirmed: Fit with the strategy confirmed."]
    _move(personas["manager"], partnership, "engaging", confirmed=ENGAGING_CHECKLIST)
    partnership.refresh_from_db()
    assert partnership.stage == "engaging"


def test_a_gate_with_an_approver_role_refuses_other_roles(partnership, personas):
    StageGate.objects.filter(stage="screening").update(approver_role=policy.EXECUTIVE)
    with pytest.raises(GateRefused) as refused:
        _move(personas["manager"], partnership, "screening")
    assert refused.value.missing == ["Only a user with the executive role may approve this move."]
    _move(personas["executive"], partnership, "screening")
    assert StageTransition.objects.get().actor == personas["executive"]


def test_going_back_needs_no_gate(partnership, personas):
    _move(personas["manager"], partnership, "screening")
    StageGate.objects.filter(stage="candidate").delete()
    StageGate.objects.create(stage="candidate", required_fields=["budget"], checklist=["X"])
    _move(personas["manager"], partnership, "candidate", reason="Not ready")
    partnership.refresh_from_db()
    assert partnership.stage == "candidate"


def test_exits_are_always_open_and_lead_back_to_candidate(partnership, personas):
    _move(personas["manager"], partnership, "declined", reason="No fit")
    _move(personas["manager"], partnership, "candidate", reason="Reconsidered")
    partnership.refresh_from_db()
    assert partnership.stage == "candidate"
    assert StageTransition.objects.count() == 2


def test_a_manager_not_on_the_team_may_not_move_it(partnership, personas):
    other = user_create(actor=personas["admin"], username="other-manager", role=policy.MANAGER)
    with pytest.raises(GateRefused) as refused:
        _move(other, partnership, "screening")
    assert "Your role may not move this partnership." in refused.value.missing


def test_an_executive_may_move_any_partnership(partnership, personas):
    assert policy.can_move_partnership(personas["executive"], partnership)
    assert not policy.can_move_partnership(personas["viewer"], partnership)
    _move(personas["executive"], partnership, "screening")


def test_every_transition_records_who_when_why_and_the_checklist(partnership, personas):
    _move(personas["manager"], partnership, "screening", reason="Fits the vision gap")
    transition = StageTransition.objects.get()
    assert (transition.from_stage, transition.to_stage) == ("candidate", "screening")
    assert transition.actor_name == "manager" and transition.reason == "Fits the vision gap"
    assert transition.at is not None


def test_a_second_move_of_the_same_version_conflicts(partnership, personas):
    version = partnership.stage_version
    services.partnership_move(
        actor=personas["manager"],
        partnership=partnership,
        to_stage="screening",
        reason="a",
        expected_version=version,
    )
    stale = Partnership.objects.get(pk=partnership.pk)
    with pytest.raises(ConflictError):
        services.partnership_move(
            actor=personas["manager"],
            partnership=stale,
            to_stage="declined",
            reason="b",
            expected_version=version,
        )
    assert StageTransition.objects.count() == 1


def test_missing_for_move_lists_nothing_when_the_move_may_be_made(partnership, personas):
    gate = StageGate.objects.get(stage="screening")
    assert (
        missing_for_move(
            partnership=partnership,
            to_stage="screening",
            actor=personas["manager"],
            reason="ok",
            gate=gate,
        )
        == []
    )


def test_the_service_refuses_an_edit_by_a_manager_off_the_team(partnership, personas):
    outsider = user_create(actor=personas["admin"], username="outsider", role=policy.MANAGER)
    with pytest.raises(PermissionDenied):
        services.partnership_update(
            actor=outsider, partnership=partnership, data={"title": "Taken over"}
        )
    partnership.refresh_from_db()
    assert partnership.title != "Taken over"


def test_a_gap_addressed_through_the_play_satisfies_the_gap_requirement(personas, org_a, gap):
    bare = services.partnership_create(
        actor=personas["manager"],
        data={"title": "Bare alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )
    assert "Missing at least one capability gap addressed." in missing_for_move(
        partnership=bare,
        to_stage="screening",
        actor=personas["manager"],
        reason="Fit",
        gate=services.gate_for("screening"),
    )
    play = PartnershipPlay.objects.create(title="Vision play", type="rd_alliance")
    play.gaps.add(gap)
    bare.play = play
    bare.save()
    assert _move(personas["manager"], bare, "screening").to_stage == "screening"
