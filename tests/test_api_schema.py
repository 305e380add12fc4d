"""The committed OpenAPI schema is the API's contract: it must match the code, and every
operation must declare its access action."""

from __future__ import annotations

import json

from django.test import Client
from ninja.responses import NinjaJSONEncoder

from accord.api import api
from accord.core.api_access import OPENAPI_KEY
from accord.core.policy import ACTIONS_BY_ROLE, PUBLIC, SIGNED_IN
from tests.openapi_check import COMMITTED_SCHEMA, REGENERATE, committed_schema


def generated_schema() -> dict:
    text = json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder, sort_keys=True, indent=2)
    return json.loads(text)


def test_committed_openapi_schema_matches_the_code():
    assert COMMITTED_SCHEMA.exists(), f"docs/openapi.json is missing; create it with: {REGENERATE}"
    assert generated_schema() == committed_schema(), (
        f"The API changed but docs/openapi.json did not. Review the change, then run: {REGENERATE}"
    )


def test_every_operation_declares_a_known_action():
    known = {PUBLIC, SIGNED_IN}.union(*ACTIONS_BY_ROLE.values())
    for path, operations in generated_schema()["paths"].items():
        for method, operation in operations.items():
            assert operation.get(OPENAPI_KEY) in known, f"{method.upper()} {path}"


def test_docs_and_schema_are_readable_without_signing_in(db):
    schema = Client().get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert schema.json()["paths"].keys() == committed_schema()["paths"].keys()
    assert Client().get("/api/v1/docs").status_code == 200


def test_scan_and_screening_candidates_are_documented_each_with_their_own_schema():
    schema = generated_schema()

    def component(ref: str) -> dict:
        return schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]

    def listed(path: str) -> dict:
        """The properties of one item of the list the operation answers (paged or not)."""
        response = schema["paths"][path]["get"]["responses"]["200"]
        body = response["content"]["application/json"]["schema"]
        if "$ref" in body:
            body = component(body["$ref"])["properties"]["items"]
        return component(body["items"]["$ref"])["properties"]

    screening = listed("/api/v1/screenings/{screening_id}/screening-candidates")
    scan = listed("/api/v1/scans/{scan_id}/candidates")
    assert "organization_name" in screening and "rank" not in screening
    assert {"rank", "score", "reasons"} <= scan.keys()
