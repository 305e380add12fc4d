"""The strategy API: priorities, gaps and plays with archive, filters, errors and access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.core.audit import history_of
from accord.core.models import AuditEvent
from accord.strategy import services
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import bearer
from tests.openapi_check import assert_matches_schema
from tests.test_api import error_fields, send

API = "/api/v1"
THIS_YEAR = timezone.localdate().year


@pytest.fixture
def strategy(admin_user):
    priority = services.priority_create(
        actor=admin_user, data={"title": "Decarbonise", "horizon_year": THIS_YEAR + 5}
    )
    gaps = [
        services.gap_create(
            actor=admin_user,
            data={"priority": priority, "title": title, "kind": kind, "importance": importance},
        )
        for title, kind, importance in [("Hydrogen", "technology", 5), ("EU channel", "channel", 2)]
    ]
    play = services.play_create(
        actor=admin_user, data={"title": "H2 alliance", "type": "rd_alliance"}, gaps=gaps[:1]
    )
    return {"priority": priority, "gaps": gaps, "play": play}


@pytest.fixture
def manager(personas) -> dict[str, str]:
    return bearer(personas["manager"])


def test_priority_crud_and_archive_through_the_api(personas, manager):
    body = {"title": "Lead in robotics", "horizon_year": THIS_YEAR + 3, "weight": 4,
            "owner": personas["executive"].pk}  # fmt: skip
    created = send(Client(), "POST", f"{API}/priorities", body, **manager)
    assert created.status_code == 201, created.content
    assert_matches_schema(created, f"{API}/priorities", "post")
    priority_id = created.json()["id"]
    assert created.json()["owner"] == {"id": personas["executive"].pk, "username": "executive"}

    url = f"{API}/priorities/{priority_id}"
    patched = send(Client(), "PATCH", url, {"weight": 7}, **manager)
    assert patched.status_code == 200 and patched.json()["weight"] == 7
    assert_matches_schema(Client().get(url, **manager), f"{API}/priorities/{{priority_id}}")

    archived = send(Client(), "POST", f"{url}/archive", None, **manager)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    assert send(Client(), "DELETE", url, None, **manager).status_code == 405
    priority = StrategicPriority.objects.get(pk=priority_id)
    events = list(history_of(priority).order_by("id"))
    assert [e.action for e in events] == ["create", "update", "update"]
    assert {e.channel for e in events} == {AuditEvent.Channel.API}
    assert events[1].changes == {"weight": [4, 7]}


def test_priorities_are_listed_in_order_and_paginated(strategy, admin_user, manager):
    services.priority_create(actor=admin_user, data={"title": "B", "horizon_year": THIS_YEAR})
    response = Client().get(f"{API}/priorities?limit=1", **manager)
    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [p["title"] for p in response.json()["items"]] == ["Decarbonise"]
    assert_matches_schema(response, f"{API}/priorities")
    second = Client().get(f"{API}/priorities?limit=1&offset=1", **manager).json()
    assert [p["title"] for p in second["items"]] == ["B"]


def test_priority_horizon_error_names_the_field_and_writes_nothing(personas, manager):
    body = {"title": "Someday", "horizon_year": THIS_YEAR + 30}
    response = send(Client(), "POST", f"{API}/priorities", body, **manager)
    assert response.status_code == 422
    assert error_fields(response) == ["horizon_year"]
    assert not StrategicPriority.objects.exists()


def test_missing_title_is_a_422_naming_the_field(personas, manager):
    response = send(Client(), "POST", f"{API}/priorities", {"horizon_year": THIS_YEAR}, **manager)
    assert response.status_code == 422
    assert "title" in error_fields(response)


def test_gap_crud_archive_and_filters(strategy, manager):
    priority = strategy["priority"]
    target = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    body = {"priority": priority.pk, "title": "Talent in Lyon", "kind": "talent",
            "importance": 4, "target_date": target}  # fmt: skip
    created = send(Client(), "POST", f"{API}/gaps", body, **manager)
    assert created.status_code == 201, created.content
    assert created.json()["priority"] == {"id": priority.pk, "title": "Decarbonise"}
    assert created.json()["position"] == 3
    assert_matches_schema(created, f"{API}/gaps", "post")
    gap_id = created.json()["id"]

    def titles(query: str) -> list[str]:
        response = Client().get(f"{API}/gaps?{query}", **manager)
        assert response.status_code == 200, response.content
        return [g["title"] for g in response.json()["items"]]

    assert titles(f"priority={priority.pk}") == ["Hydrogen", "EU channel", "Talent in Lyon"]
    assert titles("kind=talent&kind=channel") == ["EU channel", "Talent in Lyon"]
    assert titles("min_importance=4") == ["Hydrogen", "Talent in Lyon"]
    assert titles("priority=999999") == []

    patched = send(Client(), "PATCH", f"{API}/gaps/{gap_id}", {"importance": 1}, **manager)
    assert patched.status_code == 200 and patched.json()["importance"] == 1
    archived = send(Client(), "POST", f"{API}/gaps/{gap_id}/archive", None, **manager)
    assert archived.json()["status"] == "archived"
    assert titles("status=archived") == ["Talent in Lyon"]
    assert_matches_schema(Client().get(f"{API}/gaps", **manager), f"{API}/gaps")


def test_gap_errors_name_their_fields(strategy, manager):
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    body = {"priority": strategy["priority"].pk, "title": "Late", "target_date": past}
    response = send(Client(), "POST", f"{API}/gaps", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["target_date"]
    body = {"priority": 987654, "title": "Orphan"}
    response = send(Client(), "POST", f"{API}/gaps", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["priority"]
    body = {"priority": strategy["priority"].pk, "title": "Huge", "importance": 9}
    response = send(Client(), "POST", f"{API}/gaps", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["importance"]
    gap_url = f"{API}/gaps/{strategy['gaps'][0].pk}"
    response = send(Client(), "PATCH", gap_url, {"priority": None}, **manager)
    assert response.status_code == 422 and error_fields(response) == ["priority"]
    assert not CapabilityGap.objects.filter(title__in=["Late", "Orphan", "Huge"]).exists()
    response = Client().get(f"{API}/gaps?min_importance=0", **manager)
    assert response.status_code == 422 and error_fields(response) == ["min_importance"]


def test_play_crud_with_gap_ids_and_archive(strategy, manager):
    hydrogen, channel = strategy["gaps"]
    body = {"title": "Channel JV", "type": "joint_venture", "gaps": [channel.pk, hydrogen.pk],
            "budget": "150000", "objective": "Reach EU buyers"}  # fmt: skip
    created = send(Client(), "POST", f"{API}/plays", body, **manager)
    assert created.status_code == 201, created.content
    assert sorted(created.json()["gaps"]) == sorted([channel.pk, hydrogen.pk])
    assert_matches_schema(created, f"{API}/plays", "post")
    play_id = created.json()["id"]

    url = f"{API}/plays/{play_id}"
    patched = send(Client(), "PATCH", url, {"gaps": [channel.pk]}, **manager)
    assert patched.status_code == 200 and patched.json()["gaps"] == [channel.pk]
    listed = Client().get(f"{API}/plays?gap={hydrogen.pk}", **manager)
    assert [p["title"] for p in listed.json()["items"]] == ["H2 alliance"]
    assert_matches_schema(listed, f"{API}/plays")
    assert_matches_schema(Client().get(url, **manager), f"{API}/plays/{{play_id}}")
    archived = send(Client(), "POST", f"{url}/archive", None, **manager)
    assert archived.json()["status"] == "archived"
    play = PartnershipPlay.objects.get(pk=play_id)
    changes = [e.changes for e in history_of(play).filter(action="update").order_by("id")]
    assert changes == [
        {"gaps": [["EU channel", "Hydrogen"], ["EU channel"]]},
        {"status": ["proposed", "archived"]},
    ]


def test_play_errors_name_their_fields(strategy, manager):
    body = {"title": "Free money", "type": "cvc", "budget": "-10"}
    response = send(Client(), "POST", f"{API}/plays", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["budget"]
    body = {"title": "Ghost gaps", "type": "cvc", "gaps": [424242]}
    response = send(Client(), "POST", f"{API}/plays", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["gaps"]
    body = {"title": "Odd", "type": "friendship"}
    response = send(Client(), "POST", f"{API}/plays", body, **manager)
    assert response.status_code == 422 and error_fields(response) == ["type"]
    assert PartnershipPlay.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/priorities", {"title": "x", "horizon_year": THIS_YEAR}),
        ("PATCH", "/priorities/{priority}", {"weight": 2}),
        ("POST", "/priorities/{priority}/archive", None),
        ("POST", "/gaps/{gap}/archive", None),
        ("PATCH", "/plays/{play}", {"title": "y"}),
    ],
)
def test_viewer_may_read_but_not_write(strategy, personas, method, path, body):
    viewer = bearer(personas["viewer"])
    assert Client().get(f"{API}/gaps", **viewer).status_code == 200
    ids = {"priority": strategy["priority"].pk, "gap": strategy["gaps"][0].pk,
           "play": strategy["play"].pk}  # fmt: skip
    events = AuditEvent.objects.count()
    response = send(Client(), method, API + path.format(**ids), body, **viewer)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert AuditEvent.objects.count() == events


def test_partner_sees_no_strategy(strategy, personas):
    partner = bearer(personas["partner_a"])
    assert Client().get(f"{API}/priorities", **partner).status_code == 403
    gap_url = f"{API}/gaps/{strategy['gaps'][0].pk}"
    assert Client().get(gap_url, **partner).status_code == 404
    missing = Client().get(f"{API}/gaps/999999", **partner)
    assert missing.status_code == 404
    response = send(Client(), "PATCH", gap_url, {"title": "mine"}, **partner)
    assert response.status_code == 404
    assert CapabilityGap.objects.get(pk=strategy["gaps"][0].pk).title == "Hydrogen"


def test_unknown_object_is_404(strategy, manager):
    response = Client().get(f"{API}/plays/123456", **manager)
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
