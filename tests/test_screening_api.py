"""The screening API: a full round, AHP weights, bad input, and what partners never see."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.partnerships import services as partnerships
from tests.conftest import client_for
from tests.openapi_check import assert_matches_schema

API = "/api/v1"


def send(client: Client, method: str, path: str, body: Any = None):
    content = json.dumps(body) if body is not None else ""
    return client.generic(method, f"{API}{path}", content, content_type="application/json")


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, response.content
    return response.json()


def details(response) -> list[dict[str, Any]]:
    return response.json()["error"]["details"]


@pytest.fixture
def manager(personas) -> Client:
    return client_for(personas["manager"])


def test_a_committee_runs_a_round_through_the_api(manager, personas, org_a, org_b):
    rubric = ok(
        send(
            manager, "POST", "/rubrics", {"name": "Ours", "template": "Standard partner screening"}
        ),
        201,
    )
    assert rubric["version"]["criteria"][0]["name"] == "Strategic fit"
    round_ = ok(send(manager, "POST", "/screenings", {"title": "Q3", "rubric": rubric["id"]}), 201)
    sid = round_["id"]
    for org in (org_a, org_b):
        ok(
            send(
                manager, "POST", f"/screenings/{sid}/screening-candidates", {"organization": org.pk}
            ),
            201,
        )
    assigned = ok(
        send(
            manager,
            "POST",
            f"/screenings/{sid}/review-assignments",
            {"reviewers": ["manager", "contributor"]},
        ),
        201,
    )
    assert len(assigned) == 4
    candidates = ok(manager.get(f"{API}/screenings/{sid}/screening-candidates"))
    criteria = [c["id"] for c in rubric["version"]["criteria"]]
    values = {org_a.pk: [5, 4, 4, 4, 3], org_b.pk: [3, 3, 2, 4, 4]}
    for username in ("manager", "contributor"):
        client = client_for(personas[username])
        for candidate in candidates:
            body = {
                "scores": [
                    {"criterion": c, "score": v, "evidence": "Seen in the data room"}
                    for c, v in zip(criteria, values[candidate["organization"]], strict=True)
                ],
                "submit": True,
            }
            ok(send(client, "PUT", f"/screening-candidates/{candidate['id']}/scores", body))
    response = manager.get(f"{API}/screenings/{sid}/ranking", {"samples": 200, "seed": 1})
    ranking = ok(response)
    assert_matches_schema(response, "/api/v1/screenings/{screening_id}/ranking", "get")
    first = ranking["candidates"][0]
    assert first["organization"] == org_a.name and first["rank"] == 1
    assert sum(c["p_first"] for c in ranking["candidates"]) == pytest.approx(1.0)
    sweep = ok(manager.get(f"{API}/screenings/{sid}/sweep", {"criterion": criteria[0]}))
    assert len(sweep["weights"]) == 21
    assert AuditEvent.objects.filter(model="screening.assessment", channel="api").count() == 20


def test_ahp_sets_the_weights_and_flags_inconsistency(manager):
    rubric = ok(
        send(
            manager,
            "POST",
            "/rubrics",
            {
                "name": "Three",
                "criteria": [
                    {"name": "Fit", "weight": 1},
                    {"name": "Cost", "weight": 1, "direction": "cost"},
                    {"name": "Brand", "weight": 1},
                ],
            },
        ),
        201,
    )
    consistent = [[1, 2, 4], [0.5, 1, 2], [0.25, 0.5, 1]]
    result = ok(send(manager, "POST", f"/rubrics/{rubric['id']}/ahp", {"pairwise": consistent}))
    weights = [c["weight"] for c in result["version"]["criteria"]]
    assert weights == pytest.approx([4 / 7, 2 / 7, 1 / 7], abs=1e-6)
    assert result["version"]["weighting"] == "ahp" and result["notices"] == []
    inconsistent = [[1, 9, 1 / 9], [1 / 9, 1, 9], [9, 1 / 9, 1]]
    result = ok(send(manager, "POST", f"/rubrics/{rubric['id']}/ahp", {"pairwise": inconsistent}))
    assert result["version"]["consistency_ratio"] > 0.1
    assert "most inconsistent" in result["notices"][-1]


def test_bad_rubric_and_score_input_is_named(manager, personas, org_a):
    negative = send(
        manager,
        "POST",
        "/rubrics",
        {
            "name": "Neg",
            "criteria": [
                {"name": "Fit", "weight": 1},
                {"name": "Cost", "weight": -0.5},
            ],
        },
    )
    assert negative.status_code == 422 and "Cost" in details(negative)[0]["message"]
    rubric = ok(
        send(manager, "POST", "/rubrics", {"name": "R", "template": "Standard partner screening"}),
        201,
    )
    not_reciprocal = send(
        manager,
        "POST",
        f"/rubrics/{rubric['id']}/ahp",
        {
            "pairwise": [
                [1, 2, 1, 1, 1],
                [2, 1, 1, 1, 1],
                [1, 1, 1, 1, 1],
                [1, 1, 1, 1, 1],
                [1, 1, 1, 1, 1],
            ]
        },
    )
    assert not_reciprocal.status_code == 422
    assert "pairwise" in [d["field"] for d in details(not_reciprocal)]
    round_ = ok(send(manager, "POST", "/screenings", {"title": "Q", "rubric": rubric["id"]}), 201)
    candidate = ok(
        send(
            manager,
            "POST",
            f"/screenings/{round_['id']}/screening-candidates",
            {"organization": org_a.pk},
        ),
        201,
    )
    send(
        manager,
        "POST",
        f"/screenings/{round_['id']}/review-assignments",
        {"reviewers": ["manager"]},
    )
    criterion = rubric["version"]["criteria"][0]["id"]
    off_scale = send(
        manager,
        "PUT",
        f"/screening-candidates/{candidate['id']}/scores",
        {"scores": [{"criterion": criterion, "score": 7}]},
    )
    assert off_scale.status_code == 422
    assert "outside the scale" in details(off_scale)[0]["message"]
    not_mine = send(
        client_for(personas["contributor"]),
        "PUT",
        f"/screening-candidates/{candidate['id']}/scores",
        {"scores": []},
    )
    assert not_mine.status_code == 403


def test_partners_never_reach_screening_or_due_diligence(personas, org_a):
    partnership = partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "owner": personas["manager"]},
        parties=[(org_a, "partner")],
    )
    partner = client_for(personas["partner_a"])
    assert partner.get(f"{API}/rubrics").status_code == 403
    assert partner.get(f"{API}/screenings").status_code == 403
    listed = partner.get(f"{API}/partnerships/{partnership.pk}/due-diligence-items")
    assert listed.status_code == 404  # its own partnership, yet not a page of its workspace


def test_due_diligence_through_the_api(manager, personas, org_a):
    partnership = partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "owner": personas["manager"]},
        parties=[(org_a, "partner")],
    )
    items = ok(
        send(manager, "POST", f"/partnerships/{partnership.pk}/due-diligence-items/start"), 201
    )
    assert len(items) == 5
    refused = send(manager, "PATCH", f"/due-diligence-items/{items[0]['id']}", {"status": "done"})
    assert refused.status_code == 422 and details(refused)[0]["field"] == "evidence"
    done = ok(
        send(
            manager,
            "PATCH",
            f"/due-diligence-items/{items[0]['id']}",
            {"status": "done", "evidence": "Accounts 2025", "owner": "contributor"},
        )
    )
    assert (done["status"], done["owner"]) == ("done", "contributor")
    listed = ok(manager.get(f"{API}/partnerships/{partnership.pk}/due-diligence-items"))
    assert [i["status"] for i in listed].count("done") == 1
