"""Bad input that used to reach a 500: refused with a message naming what and where."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accord.directory import services as directory
from accord.directory.models import Organization
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
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
