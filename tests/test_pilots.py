"""Pilots: from hypothesis and success criteria to a recorded scale, iterate or kill decision
that the stage gates and the partnership's page act on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.core.errors import EditConflict, GateRefused
from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.pilots import services
from accord.pilots.models import (
    CriterionActual,
    Pilot,
    PilotDecision,
    ReadinessScore,
    SuccessCriterion,
)
from tests.conftest import bearer, client_for

TODAY = dt.date(2026, 12, 6)
READY = {d: {"score": 4, "evidence": f"{d} checked"} for d in
         ("technical", "commercial", "organisational", "legal")}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    """Timeboxes are judged against today: a fixed one."""
    noon = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def new_pilot(actor, partnership, *, starts=-30, ends=30, **data) -> Pilot:
    return services.pilot_create(
        actor=actor,
        partnership=partnership,
        data={"title": "Line 3 inspection", "hypothesis": "Halves the defects",
              "starts_on": days(starts), "ends_on": days(ends), **data},
    )  # fmt: skip


def criterion(actor, pilot, **data) -> SuccessCriterion:
    fields = {"metric": "Defect rate", "unit": "%", "comparator": "at_most",
              "target": Decimal(2), **data}  # fmt: skip
    return services.criterion_add(actor=actor, pilot=pilot, data=fields)


def ready_for_active(partnership: Partnership, admin) -> None:
    partnerships.partnership_update(
        actor=admin,
        partnership=partnership,
        data={"signed_on": days(-60), "start_date": days(-50), "ip_terms": "Shared",
              "next_review_date": days(90)},
    )  # fmt: skip
    Partnership.objects.filter(pk=partnership.pk).update(stage="piloting")
    partnership.refresh_from_db()


def events() -> int:
    return AuditEvent.objects.count()


def test_a_scale_decision_with_readiness_opens_the_gate_into_active(
    personas, partnership, default_gates
):
    manager, executive = personas["manager"], personas["executive"]
    ready_for_active(partnership, personas["admin"])
    checklist = ["Joint steering committee named"]
    with pytest.raises(GateRefused) as refused:
        partnerships.partnership_move(actor=executive, partnership=partnership, to_stage="active",
                                      reason="Scale", confirmed=checklist)  # fmt: skip
    assert any("pilot decided to scale" in m for m in refused.value.missing)

    pilot = new_pilot(manager, partnership)
    rate = criterion(manager, pilot)
    services.actual_record(actor=manager, criterion=rate, value="3.1", observed_on=days(-20))
    services.actual_record(actor=manager, criterion=rate, value="1.7", observed_on=days(-2))
    with pytest.raises(ValidationError) as unready:
        services.pilot_decide(actor=executive, pilot=pilot, decision="scale", rationale="Met")
    assert unready.value.message_dict["readiness"] == [
        "Assess readiness before scaling: technical, commercial, organisational, legal."
    ]
    services.readiness_assess(actor=manager, pilot=pilot, scores=READY)
    decided = services.pilot_decide(
        actor=executive, pilot=pilot, decision="scale", rationale="Every criterion met"
    )
    pilot.refresh_from_db()
    assert (pilot.status, pilot.decision) == ("succeeded", "scale")
    assert decided.evidence["criteria"] == [
        {"metric": "Defect rate", "target": "at most 2", "unit": "%", "latest": "1.7",
         "met": True}
    ]  # fmt: skip
    assert decided.evidence["readiness"] == dict.fromkeys(READY, 4)
    assert AuditEvent.objects.filter(
        model="pilots.pilot", object_id=str(pilot.pk), changes__decision=["", "scale"]
    ).exists()
    partnerships.partnership_move(actor=executive, partnership=partnership, to_stage="active",
                                  reason="Scale", confirmed=checklist)  # fmt: skip
    assert Partnership.objects.get(pk=partnership.pk).stage == "active"


def test_the_gate_rule_is_an_administrators_to_change(personas, partnership, default_gates):
    ready_for_active(partnership, personas["admin"])
    gate = partnerships.gate_for("active")
    assert gate is not None and "pilot_scaled" in gate.required_fields
    words = "a pilot decided to scale, with its readiness assessed"
    admin = client_for(personas["admin"])
    assert words in admin.get("/partnerships/gates/").content.decode()
    fields = [f for f in gate.required_fields if f != "pilot_scaled"]
    partnerships.gate_update(actor=personas["admin"], stage="active",
                             data={"required_fields": fields})  # fmt: skip
    partnerships.partnership_move(actor=personas["executive"], partnership=partnership,
                                  to_stage="active", reason="No pilot needed",
                                  confirmed=["Joint steering committee named"])  # fmt: skip
    assert words not in admin.get("/partnerships/gates/").content.decode()


def test_a_kill_decision_proposes_the_exit_on_the_partnership_page(personas, partnership):
    manager, executive = personas["manager"], personas["executive"]
    pilot = new_pilot(manager, partnership)
    services.pilot_decide(actor=executive, pilot=pilot, decision="kill",
                          rationale="Defects unchanged after 8 weeks")  # fmt: skip
    pilot.refresh_from_db()
    assert pilot.status == "failed"
    page = client_for(manager).get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "was killed: the exit is proposed" in page
    assert "to=exited" in page
    move = client_for(manager).get(
        f"/partnerships/{partnership.pk}/move/",
        {"to": "exited", "reason": "Pilot “Line 3 inspection” was killed on 2026-12-06."},
    )
    assert move.context["form"].initial["reason"].startswith("Pilot “Line 3 inspection”")
    assert move.context["form"].initial["to_stage"] == "exited"


def test_a_pilot_past_its_timebox_without_a_decision_is_flagged(personas, partnership):
    manager = personas["manager"]
    late = new_pilot(manager, partnership, starts=-90, ends=-12, status="running")
    on_time = new_pilot(manager, partnership, starts=-5, ends=40, status="running")
    decided = new_pilot(manager, partnership, starts=-90, ends=-40, status="running")
    services.pilot_decide(actor=manager, pilot=decided, decision="kill", rationale="No fit")
    assert late.days_overdue(TODAY) == 12 and on_time.days_overdue(TODAY) == 0
    client = client_for(manager)
    home = client.get("/")
    assert [p.pk for p in home.context["overdue_pilots"]] == [late.pk]
    assert "12 d overdue" in home.content.decode()
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "passed its timebox on 2026-11-24 (12 days ago) without a decision" in page
    listed = client.get("/pilots/", {"overdue": "true"}).context["pilots"]
    assert [p.pk for p in listed] == [late.pk]
    api = client.get("/api/v1/pilots", {"overdue": "true"}, **bearer(manager)).json()
    assert [(p["id"], p["overdue_days"]) for p in api["items"]] == [(late.pk, 12)]


def test_iterating_runs_the_pilot_on_to_a_new_end(personas, partnership):
    manager = personas["manager"]
    pilot = new_pilot(manager, partnership, starts=-60, ends=-1, status="evaluating")
    before = events()
    with pytest.raises(ValidationError) as refused:
        services.pilot_decide(actor=manager, pilot=pilot, decision="iterate", rationale="More")
    assert refused.value.message_dict["ends_on"] == [
        "Iterating needs a new end of the timebox, after today."
    ]
    assert events() == before
    services.pilot_decide(actor=manager, pilot=pilot, decision="iterate", rationale="More data",
                          ends_on=days(28))  # fmt: skip
    pilot.refresh_from_db()
    assert (pilot.status, pilot.ends_on, pilot.days_overdue(TODAY)) == ("running", days(28), 0)
    services.pilot_decide(actor=manager, pilot=pilot, decision="kill", rationale="Still no")
    assert list(pilot.decisions.values_list("decision", flat=True)) == ["kill", "iterate"]
    with pytest.raises(ValidationError, match="already decided"):
        services.pilot_decide(actor=manager, pilot=pilot, decision="scale", rationale="Again")


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda m, p, c: criterion(m, p, target=None), "target",
         "Give the target “Defect rate” must reach."),
        (lambda m, p, c: services.actual_record(actor=m, criterion=c, value="3",
                                                observed_on=days(-1), unit="ms"),
         "unit", "“Defect rate” is measured in %, not in ms."),
        (lambda m, p, c: services.actual_record(actor=m, criterion=c, value="3",
                                                observed_on=days(2)),
         "observed_on", "2026-12-08 is in the future (today is 2026-12-06)."),
        (lambda m, p, c: services.actual_record(actor=m, criterion=c, value="a lot",
                                                observed_on=days(-1)),
         "value", "The actual of “Defect rate” must be a number, not 'a lot'."),
        (lambda m, p, c: services.pilot_decide(actor=m, pilot=p, decision="kill",
                                               rationale="  "),
         "rationale", "Give the rationale for the decision."),
        (lambda m, p, c: services.pilot_update(actor=m, pilot=p, data={"ends_on": days(-40)}),
         "ends_on", "The timebox ends (2026-10-27) before it starts (2026-11-06)."),
        (lambda m, p, c: services.pilot_update(actor=m, pilot=p, data={"status": "succeeded"}),
         "status", "A pilot is succeeded only by a decision: record a scale or kill decision "
         "instead."),
        (lambda m, p, c: services.readiness_assess(actor=m, pilot=p,
                                                   scores={"legal": {"score": 6}}),
         "legal", "Score legal readiness from 1 to 5."),
    ],
    ids=["no-target", "wrong-unit", "future", "not-a-number", "no-rationale", "ends-first",
         "status-by-edit", "readiness-out-of-range"],
)  # fmt: skip
def test_bad_input_is_refused_by_name_and_nothing_is_written(
    personas, partnership, call, field, message
):
    manager = personas["manager"]
    pilot = new_pilot(manager, partnership)
    rate = criterion(manager, pilot)
    before = (events(), CriterionActual.objects.count(), PilotDecision.objects.count())
    with pytest.raises(ValidationError) as refused:
        call(manager, pilot, rate)
    assert message in refused.value.message_dict[field]
    after = (events(), CriterionActual.objects.count(), PilotDecision.objects.count())
    assert after == before
    pilot.refresh_from_db()
    assert (pilot.status, pilot.ends_on) == ("planned", days(30))


def test_the_assignee_records_actuals_and_others_outside_the_team_may_not(personas, partnership):
    manager, contributor, viewer = (personas[r] for r in ("manager", "contributor", "viewer"))
    pilot = new_pilot(manager, partnership)
    rate = criterion(manager, pilot, assignee=contributor)
    services.actual_record(actor=contributor, criterion=rate, value="2.5", observed_on=days(-3))
    with pytest.raises(PermissionDenied):
        services.actual_record(actor=viewer, criterion=rate, value="1", observed_on=days(-1))
    with pytest.raises(PermissionDenied):
        new_pilot(viewer, partnership)
    with pytest.raises(PermissionDenied):
        services.pilot_decide(actor=contributor, pilot=pilot, decision="kill", rationale="No")
    form = {f"c{rate.pk}-value": "1", f"c{rate.pk}-observed_on": "2026-12-01"}
    page = client_for(viewer).post(f"/pilots/criteria/{rate.pk}/actuals/", form)
    assert page.status_code == 403
    assert list(rate.actuals.values_list("value", flat=True)) == [Decimal("2.5")]


def test_a_partner_reads_only_pilots_shared_with_its_own_organization(
    personas, org_a, org_b, partnership
):
    manager = personas["manager"]
    partnerships.partnership_update(
        actor=manager, partnership=partnership, data={},
        parties=[(org_a, "consortium_member"), (org_b, "consortium_member")],
    )  # fmt: skip
    shared_a = services.pilot_create(
        actor=manager, partnership=partnership, visibility="shared", shared_with=[org_a.pk],
        data={"title": "Shared with A", "hypothesis": "h", "starts_on": days(-1),
              "ends_on": days(9)},
    )  # fmt: skip
    internal = new_pilot(manager, partnership)
    services.readiness_assess(actor=manager, pilot=shared_a, scores=READY)
    seen_by_a = set(visible_to(personas["partner_a"], Pilot).values_list("pk", flat=True))
    assert seen_by_a == {shared_a.pk}
    assert not visible_to(personas["partner_b"], Pilot).exists()
    assert not visible_to(personas["partner_a"], Pilot).filter(pk=internal.pk).exists()
    assert not visible_to(personas["partner_a"], ReadinessScore).exists()  # internal scores


def test_a_decision_on_a_stale_pilot_is_refused_and_nothing_written(personas, partnership):
    manager, executive = personas["manager"], personas["executive"]
    pilot = new_pilot(manager, partnership)
    read_at = pilot.version
    services.pilot_update(actor=manager, pilot=pilot, data={"scope": "Two lines"})
    stale = Pilot.objects.get(pk=pilot.pk)
    with pytest.raises(EditConflict):
        services.pilot_decide(actor=executive, pilot=stale, decision="kill", rationale="No",
                              expected_version=read_at)  # fmt: skip
    assert not PilotDecision.objects.exists()
    assert Pilot.objects.get(pk=pilot.pk).status == "planned"
