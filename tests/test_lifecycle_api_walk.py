"""The whole lifecycle through the REST API: priority → gap → play → partnership, then every
stage of the pipeline, each move through its gate, and out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.partnerships import services
from accord.partnerships.models import Partnership, StageTransition
from tests.conftest import client_for, complete_due_diligence

API = "/api/v1"


def send(client: Client, method: str, path: str, body: Any = None):
    content = json.dumps(body) if body is not None else ""
    response = client.generic(method, f"{API}{path}", content, content_type="application/json")
    return response


def ok(response, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()


@pytest.fixture(autouse=True)
def default_gates(db) -> None:
    services.gates_install_defaults()


def move(client: Client, pk: int, to_stage: str, confirmed=(), version=None) -> Any:
    body = {"to_stage": to_stage, "reason": f"Ready for {to_stage}", "confirmed": list(confirmed)}
    if version is not None:
        body["expected_version"] = version
    return send(client, "POST", f"/partnerships/{pk}/transitions", body)


def test_a_partnership_goes_from_strategy_through_every_stage(personas, org_a):
    manager, executive = client_for(personas["manager"]), client_for(personas["executive"])
    admin = client_for(personas["admin"])
    priority = ok(
        send(admin, "POST", "/priorities", {"title": "Autonomy", "horizon_year": 2030}), 201
    )
    gap = ok(
        send(
            admin, "POST", "/gaps", {"priority": priority["id"], "title": "Vision", "importance": 5}
        ),
        201,
    )
    play_data = {"title": "Vision alliance", "type": "rd_alliance", "gaps": [gap["id"]]}
    play = ok(send(admin, "POST", "/plays", play_data), 201)
    created = ok(
        send(
            manager,
            "POST",
            "/partnerships",
            {
                "title": "Lumen alliance",
                "type": "rd_alliance",
                "play": play["id"],
                "parties": [{"organization": org_a.pk, "role": "partner"}],
            },
        ),
        201,
    )
    pk = created["id"]
    assert created["stage"] == "candidate"

    # The play addresses the gap, which satisfies the screening gate's "gap addressed".
    ok(move(manager, pk, "screening"), 201)

    refused = move(manager, pk, "engaging")
    assert refused.status_code == 422
    messages = [d["message"] for d in refused.json()["error"]["details"]]
    assert "Missing the value for us." in messages
    assert "Not confirmed: Screening rubric completed." in messages
    assert "Missing the due diligence: no checklist has been started." in messages
    complete_due_diligence(personas["manager"], Partnership.objects.get(pk=pk))
    checklist = ["Screening rubric completed", "Fit with the strategy confirmed"]
    ok(send(manager, "PATCH", f"/partnerships/{pk}", {"value_for_us": "Fewer defects"}))
    ok(move(manager, pk, "engaging", checklist), 201)

    ok(
        send(
            manager,
            "PATCH",
            f"/partnerships/{pk}",
            {
                "executive_sponsor": "executive",
                "value_for_partner": "A reference customer",
                "nda_signed_on": "2026-01-10",
                "start_date": "2026-03-01",
                "budget": "250000",
                "signed_on": "2026-02-20",
                "ip_terms": "Foreground IP shared",
                "next_review_date": "2027-01-15",
                "end_date": "2028-02-29",
            },
        )
    )
    ok(move(manager, pk, "negotiating", ["Due diligence on ethics and compliance done"]), 201)
    ok(move(manager, pk, "piloting", ["Pilot success criteria agreed with the partner"]), 201)

    # Active needs a pilot decided to scale, and an executive's approval.
    refused = move(manager, pk, "active", ["Joint steering committee named"])
    assert refused.status_code == 422
    messages = [d["message"] for d in refused.json()["error"]["details"]]
    assert any("executive" in message for message in messages)
    assert any("pilot decided to scale" in message for message in messages)
    run_a_pilot_to_a_scale_decision(manager, executive, pk)
    ok(move(executive, pk, "active", ["Joint steering committee named"]), 201)
    ok(move(manager, pk, "renewal_review"), 201)
    ok(move(executive, pk, "active", ["Joint steering committee named"]), 201)
    ok(move(manager, pk, "exited"), 201)

    partnership = Partnership.objects.get(pk=pk)
    assert partnership.stage == "exited"
    path = list(
        StageTransition.objects.filter(partnership=partnership)
        .order_by("at", "pk")
        .values_list("to_stage", flat=True)
    )
    assert path == [
        "screening", "engaging", "negotiating", "piloting", "active", "renewal_review",
        "active", "exited",
    ]  # fmt: skip
    timeline = ok(manager.get(f"{API}/partnerships/{pk}/transitions"))
    assert timeline["count"] == 8
    moves = AuditEvent.objects.filter(model="partnerships.partnership", object_id=str(pk))
    assert moves.filter(action="update", changes__has_key="stage").count() == 8
    assert moves.filter(channel="api").count() == moves.count()

    coverage = ok(manager.get(f"{API}/coverage"))
    row = next(item for item in coverage["items"] if item["id"] == gap["id"])
    assert row["status"] == "uncovered"  # an exited partnership covers nothing


def run_a_pilot_to_a_scale_decision(manager: Client, executive: Client, pk: int) -> None:
    """Hypothesis, a criterion with its target, an actual, readiness, then scale."""
    pilot = ok(
        send(manager, "POST", "/pilots", {
            "partnership": pk, "title": "Line 3 inspection", "hypothesis": "Halves defects",
            "starts_on": "2026-03-01", "ends_on": "2026-06-30",
        }),
        201,
    )  # fmt: skip
    criterion = ok(
        send(manager, "POST", f"/pilots/{pilot['id']}/success-criteria",
             {"metric": "Defect rate", "unit": "%", "comparator": "at_most", "target": "2"}),
        201,
    )  # fmt: skip
    actual = {"value": "1.6", "observed_on": "2026-06-20", "unit": "%"}
    ok(send(manager, "POST", f"/success-criteria/{criterion['id']}/actuals", actual), 201)
    refused = send(executive, "POST", f"/pilots/{pilot['id']}/decisions",
                   {"decision": "scale", "rationale": "Target met"})  # fmt: skip
    assert refused.status_code == 422
    assert "Assess readiness before scaling" in refused.content.decode()
    evidence = {"score": 4, "evidence": "Seen in the plant"}
    readiness = {name: evidence for name in ("technical", "commercial", "organisational", "legal")}
    ok(send(manager, "PUT", f"/pilots/{pilot['id']}/readiness", readiness))
    decided = ok(
        send(executive, "POST", f"/pilots/{pilot['id']}/decisions",
             {"decision": "scale", "rationale": "Target met"}),
        201,
    )  # fmt: skip
    assert decided["evidence"]["criteria"][0]["met"] is True
    assert ok(manager.get(f"{API}/pilots/{pilot['id']}"))["status"] == "succeeded"
