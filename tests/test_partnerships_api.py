"""The partnerships REST API: CRUD with audit, gated transitions, notes, coverage, access."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accord.core.models import AuditEvent
from accord.directory.models import ExternalId
from accord.partnerships import services
from accord.partnerships.models import Partnership, StageTransition
from accord.strategy.models import CapabilityGap, StrategicPriority
from tests.conftest import client_for
from tests.openapi_check import assert_matches_schema

API = "/api/v1"
PARTNERSHIPS = f"{API}/partnerships"


def send(client: Client, method: str, path: str, body: Any = None):
    content = json.dumps(body) if body is not None else ""
    return client.generic(method, path, content, content_type="application/json")


def error_details(response) -> list[dict[str, Any]]:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return body["error"]["details"]


@pytest.fixture(autouse=True)
def default_gates(db) -> None:
    services.gates_install_defaults()


@pytest.fixture
def gap(db) -> CapabilityGap:
    priority = StrategicPriority.objects.create(title="Grow in robotics", horizon_year=2030)
    return CapabilityGap.objects.create(priority=priority, title="Machine vision")


@pytest.fixture
def partnership(personas, org_a, gap) -> Partnership:
    return services.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "value_for_us": "Vision IP"},
        parties=[(org_a, "partner")],
        gaps=[gap],
    )


@pytest.fixture
def manager_api(personas) -> Client:
    return client_for(personas["manager"])


# Create, read, update


def test_manager_creates_a_partnership_with_parties_by_id_and_external_id(
    manager_api, personas, org_a, org_b, gap
):
    ExternalId.objects.create(organization=org_b, source="ror", value="05abc")
    response = send(
        manager_api,
        "POST",
        PARTNERSHIPS,
        {
            "title": "Robot consortium",
            "type": "consortium",
            "parties": [
                {"organization": org_a.pk, "role": "lead"},
                {"organization": "ror:05abc", "role": "consortium_member"},
            ],
            "gaps": [gap.pk],
            "executive_sponsor": "executive",
            "budget": "125000.00",
        },
    )
    assert response.status_code == 201, response.content
    assert_matches_schema(response, "/api/v1/partnerships", "post")
    body = response.json()
    assert {(p["organization"]["name"], p["role"]) for p in body["parties"]} == {
        (org_a.name, "lead"),
        (org_b.name, "consortium_member"),
    }
    assert body["gaps"] == [{"id": gap.pk, "title": gap.title}]
    assert body["owner"]["username"] == "manager"  # the creating manager owns it
    assert body["executive_sponsor"]["username"] == "executive"
    assert body["stage"] == "candidate" and body["stage_version"] == 0
    event = AuditEvent.objects.get(model="partnerships.partnership", object_id=str(body["id"]))
    assert event.channel == "api" and event.actor == personas["manager"]


def test_list_is_paginated_and_filtered_by_stage_type_organization_and_gap(
    manager_api, personas, partnership, org_b, gap
):
    other = services.partnership_create(
        actor=personas["admin"],
        data={"title": "Beta distribution", "type": "distribution"},
        parties=[(org_b, "partner")],
    )
    response = manager_api.get(PARTNERSHIPS)
    assert response.status_code == 200
    assert_matches_schema(response, "/api/v1/partnerships")
    assert response.json()["count"] == 2
    assert {p["title"] for p in response.json()["items"]} == {partnership.title, other.title}

    def titles(query: str) -> list[str]:
        response = manager_api.get(f"{PARTNERSHIPS}?{query}")
        assert response.status_code == 200, response.content
        return [p["title"] for p in response.json()["items"]]

    assert titles("type=distribution") == [other.title]
    assert titles(f"organization={org_b.pk}") == [other.title]
    assert titles(f"gap={gap.pk}") == [partnership.title]
    assert titles("stage=active") == []
    assert titles("limit=1")[0] == other.title  # by title
    assert manager_api.get(f"{PARTNERSHIPS}?stage=nonsense").status_code == 422


def test_get_one_and_a_missing_one(manager_api, partnership):
    response = manager_api.get(f"{PARTNERSHIPS}/{partnership.pk}")
    assert response.status_code == 200
    assert_matches_schema(response, "/api/v1/partnerships/{partnership_id}")
    assert response.json()["value_for_us"] == "Vision IP"
    missing = manager_api.get(f"{PARTNERSHIPS}/999999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_patch_changes_only_the_fields_sent_and_is_audited(manager_api, partnership, org_b):
    response = send(
        manager_api,
        "PATCH",
        f"{PARTNERSHIPS}/{partnership.pk}",
        {"value_for_partner": "Access to our plants", "parties": [{"organization": org_b.pk}]},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["value_for_partner"] == "Access to our plants"
    assert body["value_for_us"] == "Vision IP"
    assert [p["organization"]["id"] for p in body["parties"]] == [org_b.pk]
    event = AuditEvent.objects.filter(action="update", object_id=str(partnership.pk)).get()
    assert event.channel == "api" and "value_for_partner" in event.changes


def test_an_end_date_before_the_start_date_is_refused_naming_end_date(manager_api, partnership):
    response = send(
        manager_api,
        "PATCH",
        f"{PARTNERSHIPS}/{partnership.pk}",
        {"start_date": "2026-05-01", "end_date": "2026-04-30"},
    )
    assert response.status_code == 422
    assert [d["field"] for d in error_details(response)] == ["end_date"]
    partnership.refresh_from_db()
    assert partnership.start_date is None


def test_bad_references_are_named(manager_api):
    response = send(
        manager_api,
        "POST",
        PARTNERSHIPS,
        {"title": "Ghost", "type": "licensing", "parties": [{"organization": "x:none"}]},
    )
    assert response.status_code == 422
    assert [d["field"] for d in error_details(response)] == ["parties"]
    response = send(manager_api, "POST", PARTNERSHIPS, {"title": "Ghost", "type": "nope"})
    assert response.status_code == 422
    assert [d["field"] for d in error_details(response)] == ["type"]
    assert not Partnership.objects.filter(title="Ghost").exists()


def test_a_manager_not_on_the_team_may_read_but_not_edit(admin_user, partnership):
    from accord.accounts.services import user_create

    other = user_create(actor=admin_user, username="other-manager", role="manager")
    client = client_for(other)
    assert client.get(f"{PARTNERSHIPS}/{partnership.pk}").status_code == 200
    response = send(client, "PATCH", f"{PARTNERSHIPS}/{partnership.pk}", {"title": "Mine"})
    assert response.status_code == 403
    response = send(client, "POST", f"{PARTNERSHIPS}/{partnership.pk}/notes", {"body": "Hi"})
    assert response.status_code == 403


def test_viewers_read_but_may_not_create(personas, partnership):
    client = client_for(personas["viewer"])
    assert client.get(PARTNERSHIPS).status_code == 200
    response = send(client, "POST", PARTNERSHIPS, {"title": "No", "type": "licensing"})
    assert response.status_code == 403


# Transitions


def test_a_refused_move_lists_every_missing_item(personas, partnership):
    client = client_for(personas["manager"])
    services.partnership_move(
        actor=personas["manager"], partnership=partnership, to_stage="screening", reason="Fits"
    )
    response = send(
        client,
        "POST",
        f"{PARTNERSHIPS}/{partnership.pk}/transitions",
        {"to_stage": "engaging", "reason": ""},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "gate_refused"
    messages = [d["message"] for d in error_details(response)]
    assert messages == [
        "A reason for the move.",
        "Missing the due diligence: no checklist has been started.",
        "Not confirmed: Screening rubric completed.",
        "Not confirmed: Fit with the strategy confirmed.",
    ]
    assert StageTransition.objects.filter(to_stage="engaging").count() == 0


def test_a_move_through_the_gate_answers_201_and_is_listed(manager_api, partnership):
    response = send(
        manager_api,
        "POST",
        f"{PARTNERSHIPS}/{partnership.pk}/transitions",
        {"to_stage": "screening", "reason": "Strong fit", "expected_version": 0},
    )
    assert response.status_code == 201, response.content
    assert_matches_schema(response, "/api/v1/partnerships/{partnership_id}/transitions", "post")
    assert response.json()["from_stage"] == "candidate"
    assert response.json()["actor_name"] == "manager"
    listed = manager_api.get(f"{PARTNERSHIPS}/{partnership.pk}/transitions").json()
    assert listed["count"] == 1 and listed["items"][0]["reason"] == "Strong fit"
    partnership.refresh_from_db()
    assert (partnership.stage, partnership.stage_version) == ("screening", 1)


def test_a_stale_expected_version_is_a_conflict_and_writes_one_transition(manager_api, partnership):
    path = f"{PARTNERSHIPS}/{partnership.pk}/transitions"
    move = {"to_stage": "screening", "reason": "Strong fit", "expected_version": 0}
    assert send(manager_api, "POST", path, move).status_code == 201
    second = send(manager_api, "POST", path, {**move, "to_stage": "declined"})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"
    assert StageTransition.objects.filter(partnership=partnership).count() == 1


def test_a_contributor_may_not_move(personas, partnership):
    response = send(
        client_for(personas["contributor"]),
        "POST",
        f"{PARTNERSHIPS}/{partnership.pk}/transitions",
        {"to_stage": "screening", "reason": "x"},
    )
    assert response.status_code == 403


# Notes and documents


def test_notes_are_listed_and_added(manager_api, partnership):
    path = f"{PARTNERSHIPS}/{partnership.pk}/notes"
    response = send(
        manager_api, "POST", path, {"body": "Kick-off went well", "visibility": "shared"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["visibility"] == "shared"
    assert response.json()["author"] == "manager"
    assert send(manager_api, "POST", path, {"body": "  "}).status_code == 422
    listed = manager_api.get(path)
    assert_matches_schema(listed, "/api/v1/partnerships/{partnership_id}/notes")
    assert [n["body"] for n in listed.json()["items"]] == ["Kick-off went well"]


def test_documents_are_listed_as_metadata(manager_api, personas, partnership):
    services.document_upload(
        actor=personas["manager"],
        partnership=partnership,
        title="Term sheet",
        visibility="internal",
        upload=SimpleUploadedFile("terms.txt", b"terms", content_type="text/plain"),
    )
    response = manager_api.get(f"{PARTNERSHIPS}/{partnership.pk}/documents")
    assert response.status_code == 200
    assert_matches_schema(response, "/api/v1/partnerships/{partnership_id}/documents")
    (item,) = response.json()["items"]
    assert (item["title"], item["size"], item["uploaded_by"]) == ("Term sheet", 5, "manager")


# Coverage


def test_coverage_lists_gaps_with_their_status(manager_api, partnership, gap):
    uncovered = CapabilityGap.objects.create(priority=gap.priority, title="Battery chemistry")
    response = manager_api.get(f"{API}/coverage")
    assert response.status_code == 200
    assert_matches_schema(response, "/api/v1/coverage")
    status = {row["title"]: row["status"] for row in response.json()["items"]}
    assert status == {gap.title: "thin", uncovered.title: "uncovered"}


# Partner users


def test_a_partner_may_not_use_the_internal_partnership_operations(personas, partnership):
    client = client_for(personas["partner_a"])
    assert client.get(PARTNERSHIPS).status_code == 403
    assert client.get(f"{API}/coverage").status_code == 403
    # Its own partnership's internal ids are missing too: its workspace is elsewhere.
    assert client.get(f"{PARTNERSHIPS}/{partnership.pk}").status_code == 404
    other = client_for(personas["partner_b"])
    assert other.get(f"{PARTNERSHIPS}/{partnership.pk}").status_code == 404
    assert other.get(f"{PARTNERSHIPS}/{partnership.pk}/notes").status_code == 404


def test_the_workspace_api_shows_partners_only_what_is_shared(personas, partnership, org_b):
    manager = personas["manager"]
    services.partnership_update(
        actor=manager,
        partnership=partnership,
        data={"budget": 99000},
        parties=[(partnership.parties.get().organization, "partner"), (org_b, "partner")],
    )
    services.note_create(
        actor=manager, partnership=partnership, body="Shared plan", visibility="shared",
        shared_with="all",
    )  # fmt: skip
    services.note_create(
        actor=manager, partnership=partnership, body="Our walk-away price", visibility="internal"
    )
    client = client_for(personas["partner_a"])
    listed = client.get(f"{API}/workspace/partnerships")
    assert listed.status_code == 200
    assert listed.json()["items"] == [
        {"id": partnership.pk, "title": partnership.title, "type": "rd_alliance",
         "stage": "candidate", "role": "partner"}
    ]  # fmt: skip
    detail = client.get(f"{API}/workspace/partnerships/{partnership.pk}")
    assert detail.status_code == 200
    assert_matches_schema(detail, "/api/v1/workspace/partnerships/{partnership_id}")
    text = detail.content.decode()
    assert "Shared plan" in text
    for secret in ("walk-away", "Vision IP", "99000", "Beta Materials", "value_for_us"):
        assert secret not in text
    posted = send(
        client, "POST", f"{API}/workspace/partnerships/{partnership.pk}/notes", {"body": "Agreed"}
    )
    assert posted.status_code == 201 and posted.json()["visibility"] == "shared"
    assert AuditEvent.objects.filter(model="partnerships.note", channel="api").exists()


def test_the_workspace_api_answers_404_for_another_partners_partnership(personas, partnership):
    client = client_for(personas["partner_b"])
    path = f"{API}/workspace/partnerships/{partnership.pk}"
    assert client.get(path).status_code == 404
    assert send(client, "POST", f"{path}/notes", {"body": "Sneaky"}).status_code == 404
    assert send(client, "POST", f"{path}/notes", {}).status_code == 404
    assert client.get(f"{API}/workspace/partnerships").json()["count"] == 0


def test_internal_roles_are_refused_the_workspace_api(personas, partnership):
    client = client_for(personas["executive"])
    assert client.get(f"{API}/workspace/partnerships").status_code == 403
    assert client.get(f"{API}/workspace/partnerships/{partnership.pk}").status_code == 403


def upload(client: Client, path: str, name: str, content: bytes, **fields):
    return client.post(path, {"file": SimpleUploadedFile(name, content), **fields})


def test_a_document_is_uploaded_and_downloaded_through_the_api(manager_api, partnership):
    response = upload(
        manager_api,
        f"{PARTNERSHIPS}/{partnership.pk}/documents",
        "pilot-plan.md",
        b"# Pilot plan\n",
        title="Pilot plan",
        visibility="shared",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["title"], body["visibility"], body["content_type"]) == (
        "Pilot plan",
        "shared",
        "text/markdown",
    )
    file = manager_api.get(f"{PARTNERSHIPS}/documents/{body['id']}/file")
    assert file.status_code == 200
    assert b"".join(file.streaming_content) == b"# Pilot plan\n"
    assert AuditEvent.objects.filter(model="partnerships.document", channel="api").exists()


def test_an_api_upload_of_a_refused_type_or_without_a_file_names_the_problem(
    manager_api, partnership, settings
):
    refused = upload(manager_api, f"{PARTNERSHIPS}/{partnership.pk}/documents", "x.exe", b"MZ")
    assert refused.status_code == 422
    assert [d["field"] for d in error_details(refused)] == ["file"]
    assert ".exe" in error_details(refused)[0]["message"]
    missing = manager_api.post(f"{PARTNERSHIPS}/{partnership.pk}/documents", {"title": "No file"})
    assert missing.status_code == 422 and error_details(missing)[0]["field"] == "file"
    settings.UPLOAD_LIMIT_BYTES = 10
    too_big = upload(manager_api, f"{PARTNERSHIPS}/{partnership.pk}/documents", "a.txt", b"x" * 11)
    assert too_big.status_code == 422 and "limit" in error_details(too_big)[0]["message"]
    assert not partnership.documents.exists()


def test_a_partner_shares_a_document_and_reads_only_shared_files(personas, partnership, org_a):
    internal = services.document_upload(
        actor=personas["manager"],
        partnership=partnership,
        upload=SimpleUploadedFile("internal.txt", b"internal only"),
        title="Internal",
        visibility="internal",
    )
    partner = client_for(personas["partner_a"])
    response = upload(
        partner, f"{API}/workspace/partnerships/{partnership.pk}/documents", "ours.txt", b"ours"
    )
    assert response.status_code == 201, response.content
    assert response.json()["visibility"] == "shared"
    shared_file = partner.get(f"{API}/workspace/documents/{response.json()['id']}/file")
    assert b"".join(shared_file.streaming_content) == b"ours"
    assert partner.get(f"{API}/workspace/documents/{internal.pk}/file").status_code == 404
    # An internal document is missing to a partner, wherever it asks.
    assert partner.get(f"{PARTNERSHIPS}/documents/{internal.pk}/file").status_code == 404
