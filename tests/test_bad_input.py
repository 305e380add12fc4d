"""Bad input that used to reach a 500: refused with a message naming what and where."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from accord.directory import services as directory
from accord.directory.models import Organization
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import client_for

API = "/api/v1"


def send(client: Client, method: str, path: str, body: Any = None):
    content = json.dumps(body) if body is not None else ""
    return client.generic(method, path, content, content_type="application/json")


@pytest.fixture
def manager_api(personas) -> Client:
    return client_for(personas["manager"])


@pytest.fixture
def party(admin_user) -> Organization:
    return directory.organization_create(actor=admin_user, data={"name": "Beta Sensors"})


@pytest.fixture
def partnership(personas, party) -> Partnership:
    partnerships.gates_install_defaults()
    return partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance"},
        parties=[(party, "partner")],
    )


# An organization that is a party to a partnership


def test_deleting_a_party_by_api_is_422_naming_the_partnership(manager_api, partnership, party):
    response = send(manager_api, "DELETE", f"{API}/organizations/{party.pk}")
    assert response.status_code == 422
    assert "Vision alliance" in json.dumps(response.json())
    assert Organization.objects.filter(pk=party.pk).exists()


def test_deleting_a_party_on_the_page_names_the_partnership(admin_client, partnership, party):
    response = admin_client.post(f"/directory/organizations/{party.pk}/delete/")
    assert response.status_code == 200
    assert "Vision alliance" in response.content.decode()
    assert Organization.objects.filter(pk=party.pk).exists()


# Control characters: cleaned on the way in and on the way out


def test_xlsx_export_survives_a_control_character_in_a_value(admin_client, admin_user):
    org = directory.organization_create(actor=admin_user, data={"name": "Clean"})
    Organization.objects.filter(pk=org.pk).update(description="bell\x07 and\x1b escape")
    response = admin_client.get("/directory/organizations/?export=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    descriptions = [row[10] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert descriptions == ["bell and escape"]


def test_control_characters_are_dropped_from_text_on_the_way_in(manager_api):
    body = {"name": "Tab\tand\x00null\x0b", "description": "line\nbreak\x1f kept"}
    response = send(manager_api, "POST", f"{API}/organizations", body)
    assert response.status_code == 201, response.content
    org = Organization.objects.get(pk=response.json()["id"])
    assert org.name == "Tab\tandnull"
    assert org.description == "line\nbreak kept"


def test_a_nul_in_a_body_is_dropped_before_any_query_sees_it(manager_api):
    # PostgreSQL refuses NUL in text: the tag's uniqueness check used to answer 500.
    response = send(manager_api, "POST", f"{API}/tags", {"name": "ro\x00bots"})
    assert response.status_code == 201, response.content
    assert response.json()["name"] == "robots"


def test_control_characters_are_dropped_from_imported_cells(tmp_path):
    from accord.directory.importing.readers import read_table

    path = tmp_path / "orgs.csv"
    path.write_text("name,description\nBell\x07 Co,a\x1b b\n", encoding="utf-8")
    table = read_table(path)
    assert [row.values for row in table.rows] == [{"name": "Bell Co", "description": "a b"}]


# Null for a text column that is NOT NULL


@pytest.mark.parametrize("field", ["value_for_us", "ip_terms", "notes", "fees"])
def test_null_for_a_partnership_text_field_is_422_naming_it(manager_api, partnership, field):
    response = send(manager_api, "PATCH", f"{API}/partnerships/{partnership.pk}", {field: None})
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == [field]
    created = send(
        manager_api,
        "POST",
        f"{API}/partnerships",
        {"title": "Other", "type": "rd_alliance", field: None},
    )
    assert created.status_code == 422
    assert Partnership.objects.count() == 1


def test_null_for_an_organization_description_is_422(manager_api, party):
    response = send(manager_api, "PATCH", f"{API}/organizations/{party.pk}", {"description": None})
    assert response.status_code == 422


# A JSON body that is not an object


@pytest.fixture
def every_patchable(admin_user, partnership, party) -> dict[str, int]:
    priority = StrategicPriority.objects.create(title="Grow", horizon_year=2030)
    gap = CapabilityGap.objects.create(priority=priority, title="Vision")
    play = PartnershipPlay.objects.create(title="Buy vision", type="rd_alliance")
    person = directory.person_create(actor=admin_user, data={"full_name": "Ada L"})
    tag = directory.tags_get_or_create(actor=admin_user, names=["robots"])[0]
    return {
        "organizations": party.pk,
        "people": person.pk,
        "tags": tag.pk,
        "priorities": priority.pk,
        "gaps": gap.pk,
        "plays": play.pk,
        "partnerships": partnership.pk,
    }


@pytest.mark.parametrize("body", [[1, 2], "text", 3, True])
def test_a_patch_body_that_is_not_an_object_is_422(admin_user, every_patchable, body):
    api = client_for(admin_user)
    for resource, pk in every_patchable.items():
        response = api.generic(
            "PATCH", f"{API}/{resource}/{pk}", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 422, (resource, response.status_code)
        assert response.json()["error"]["details"][0]["message"]
