"""The directory REST API under /api/v1: auth, CRUD with audit, lists, bad input, access."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from accord.accounts.services import token_create, token_revoke, user_create
from accord.core.audit import history_of
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.directory.models import Organization, Person, Tag
from tests.conftest import bearer, client_for
from tests.openapi_check import assert_matches_schema

API = "/api/v1"
ORGS = f"{API}/organizations"
ORG = f"{API}/organizations/{{organization_id}}"


def send(client: Client, method: str, path: str, body: Any = None, **headers: str):
    content = json.dumps(body) if body is not None else ""
    return client.generic(method, path, content, content_type="application/json", **headers)


def error_fields(response) -> list[str]:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return [d["field"] for d in body["error"]["details"]]


@pytest.fixture
def manager_api(personas) -> Client:
    return client_for(personas["manager"])


@pytest.fixture
def lone_manager_api(admin_user) -> Client:
    """A manager in a directory with no organizations yet."""
    manager = user_create(actor=admin_user, username="lone-manager", role="manager")
    return client_for(manager)


# Authentication


def test_bearer_token_reads_the_directory(personas, org_a, org_b):
    response = Client().get(ORGS, **bearer(personas["viewer"]))
    assert response.status_code == 200
    assert {o["name"] for o in response.json()["items"]} == {org_a.name, org_b.name}


def test_revoked_token_is_answered_401(personas):
    viewer = personas["viewer"]
    token, raw = token_create(actor=viewer, user=viewer, name="soon revoked")
    token_revoke(actor=viewer, token=token)
    response = Client().get(ORGS, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_unknown_token_and_anonymous_are_answered_401(db):
    assert Client().get(ORGS, HTTP_AUTHORIZATION="Bearer acc_nonsense").status_code == 401
    response = Client().get(ORGS)
    assert response.status_code == 401
    error_fields(response)


def test_anonymous_write_is_401_not_a_csrf_failure(db):
    response = send(Client(enforce_csrf_checks=True), "POST", ORGS, {"name": "Sneaky"})
    assert response.status_code == 401
    assert not Organization.objects.filter(name="Sneaky").exists()


def test_session_auth_reads_and_unsafe_methods_need_the_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["manager"])
    assert client.get(ORGS).status_code == 200

    refused = send(client, "POST", ORGS, {"name": "No Token Ltd"})
    assert refused.status_code == 403
    assert not Organization.objects.filter(name="No Token Ltd").exists()

    secret = "abcdefghijklmnopqrstuvwxyzABCDEF"  # a CSRF secret of the right length
    client.cookies["csrftoken"] = secret
    accepted = send(client, "POST", ORGS, {"name": "With Token Ltd"}, HTTP_X_CSRFTOKEN=secret)
    assert accepted.status_code == 201


def test_bearer_writes_need_no_csrf_token(personas):
    client = Client(enforce_csrf_checks=True)
    response = send(client, "POST", ORGS, {"name": "Token Co"}, **bearer(personas["manager"]))
    assert response.status_code == 201


def test_me_describes_the_caller_and_lists_only_their_tokens(personas):
    partner = personas["partner_a"]
    headers = bearer(partner)
    bearer(personas["viewer"])  # someone else's token, never listed
    me = Client().get(f"{API}/me", **headers).json()
    assert (me["username"], me["role"], me["organization_id"]) == (
        "partner_a",
        "partner",
        partner.organization_id,
    )
    tokens = Client().get(f"{API}/me/tokens", **headers).json()
    assert tokens["count"] == 1 and "key_hash" not in tokens["items"][0]


# CRUD and audit


def test_organization_round_trip_is_audited_on_the_api_channel(personas, manager_api):
    manager = personas["manager"]
    created = send(
        manager_api,
        "POST",
        ORGS,
        {
            "name": "Gamma Sensors",
            "kind": "scaleup",
            "country": "Germany",
            "website": "www.gamma.example",
            "founded_year": 2015,
            "tags": ["lidar", "Robotics"],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    org_id = body["id"]
    assert body["country"] == "DE"
    assert body["domain"] == "gamma.example"
    assert sorted(t["name"] for t in body["tags"]) == ["Robotics", "lidar"]
    assert Tag.objects.filter(name="lidar").exists()

    events = AuditEvent.objects.filter(model="directory.organization", object_id=str(org_id))
    create = events.get(action="create")
    assert (create.actor, create.channel) == (manager, "api")
    assert create.changes["name"] == [None, "Gamma Sensors"]

    patched = send(manager_api, "PATCH", f"{ORGS}/{org_id}", {"city": "Berlin"})
    assert patched.status_code == 200
    assert patched.json()["city"] == "Berlin"
    assert patched.json()["founded_year"] == 2015  # untouched by a partial update
    update = events.get(action="update")
    assert update.changes == {"city": ["", "Berlin"]}
    assert (update.actor, update.channel) == (manager, "api")

    assert manager_api.get(f"{ORGS}/{org_id}").json()["city"] == "Berlin"
    deleted = send(manager_api, "DELETE", f"{ORGS}/{org_id}")
    assert deleted.status_code == 204
    assert manager_api.get(f"{ORGS}/{org_id}").status_code == 404


def test_deleting_an_organization_keeps_its_history(admin_user, lone_manager_api):
    org = directory.organization_create(actor=admin_user, data={"name": "Short Lived"})
    send(lone_manager_api, "PATCH", f"{ORGS}/{org.pk}", {"one_liner": "Robots that inspect"})
    assert send(lone_manager_api, "DELETE", f"{ORGS}/{org.pk}").status_code == 204
    assert not Organization.objects.filter(pk=org.pk).exists()
    history = list(history_of("directory.organization", org.pk).order_by("at", "id"))
    assert [e.action for e in history] == ["create", "update", "delete"]
    assert [e.channel for e in history] == ["system", "api", "api"]
    assert history[-1].changes["name"] == ["Short Lived", None]
    assert history[-1].actor_name == "lone-manager"


def test_tags_can_be_replaced_and_cleared_by_patch(manager_api, org_a):
    url = f"{ORGS}/{org_a.pk}"
    assert [t["name"] for t in send(manager_api, "PATCH", url, {"tags": ["ai"]}).json()["tags"]]
    assert send(manager_api, "PATCH", url, {"tags": []}).json()["tags"] == []
    org_a.refresh_from_db()
    assert org_a.tag_names == ""


def test_person_round_trip(personas, manager_api, org_a):
    body = {
        "full_name": "Ada Lovelace",
        "organization": org_a.pk,
        "relation": "advisor",
        "tags": ["math"],
        "country": "uk",
    }
    created = send(manager_api, "POST", f"{API}/people", body)
    assert created.status_code == 201, created.content
    person = created.json()
    assert person["organization"] == {"id": org_a.pk, "name": org_a.name}
    assert person["country"] == "GB"
    url = f"{API}/people/{person['id']}"
    assert send(manager_api, "PATCH", url, {"title": "Advisor"}).json()["title"] == "Advisor"
    event = AuditEvent.objects.get(model="directory.person", action="update")
    assert (event.channel, event.changes) == ("api", {"title": ["", "Advisor"]})
    listed = manager_api.get(f"{API}/people", {"organization": org_a.pk}).json()
    assert [p["full_name"] for p in listed["items"]] == ["Ada Lovelace"]
    assert send(manager_api, "DELETE", url).status_code == 204
    assert not Person.objects.exists()


def test_person_with_unknown_organization_is_422_naming_it(manager_api):
    response = send(manager_api, "POST", f"{API}/people", {"full_name": "X", "organization": 999})
    assert response.status_code == 422
    assert error_fields(response) == ["organization"]


def test_tag_round_trip(manager_api, org_a):
    created = send(manager_api, "POST", f"{API}/tags", {"name": "Quantum Computing"})
    assert created.status_code == 201
    tag = created.json()
    assert (tag["slug"], tag["organization_count"]) == ("quantum-computing", 0)
    send(manager_api, "PATCH", f"{ORGS}/{org_a.pk}", {"tags": ["Quantum Computing"]})
    url = f"{API}/tags/{tag['id']}"
    assert manager_api.get(url).json()["organization_count"] == 1
    renamed = send(manager_api, "PATCH", url, {"name": "Quantum"})
    assert renamed.json()["name"] == "Quantum"
    org_a.refresh_from_db()
    assert org_a.tag_names == "Quantum"
    assert send(manager_api, "DELETE", url).status_code == 204
    assert manager_api.get(url).status_code == 404


# Lists: pagination, filters, ordering


def _organizations(admin, count: int, **data: Any) -> None:
    for i in range(count):
        directory.organization_create(actor=admin, data={"name": f"Bulk {i:03}", **data})


def test_every_list_is_paginated_50_by_default_500_at_most(admin_user, lone_manager_api):
    manager_api = lone_manager_api
    _organizations(admin_user, 55)
    first = manager_api.get(ORGS).json()
    assert (first["count"], len(first["items"])) == (55, 50)
    page = manager_api.get(ORGS, {"limit": 10, "offset": 50, "ordering": "name"}).json()
    assert [o["name"] for o in page["items"]] == [f"Bulk {i:03}" for i in range(50, 55)]
    too_many = manager_api.get(ORGS, {"limit": 501})
    assert too_many.status_code == 422
    assert error_fields(too_many) == ["limit"]
    for path in ("/people", "/tags", "/me/tokens"):
        assert set(manager_api.get(API + path).json()) == {"items", "count"}


def test_list_filters_reuse_the_page_filters(personas, manager_api, org_a, org_b):
    directory.organization_update(
        actor=personas["admin"],
        organization=org_b,
        data={"one_liner": "Graphene coatings", "founded_year": 2012},
        tags=directory.tags_get_or_create(actor=personas["admin"], names=["materials"]),
    )

    def names(**params: Any) -> list[str]:
        response = manager_api.get(ORGS, params)
        assert response.status_code == 200, response.content
        return [o["name"] for o in response.json()["items"]]

    assert names(q="graph") == ["Beta Materials"]
    assert names(q="alpha robot") == ["Alpha Robotics"]
    assert names(country="FR") == ["Beta Materials"]
    assert names(country="Germany") == ["Alpha Robotics"]
    assert names(country=["DE", "FR"]) == ["Alpha Robotics", "Beta Materials"]
    assert names(tag="materials") == ["Beta Materials"]
    assert names(kind="startup") == ["Alpha Robotics"]
    assert names(founded_from=2010, founded_to=2013) == ["Beta Materials"]
    assert names(ordering="-name") == ["Beta Materials", "Alpha Robotics"]


def test_organizations_with_several_tags_carry_all_of_them_as_in_a_scan(
    personas, manager_api, org_a, org_b
):
    admin = personas["admin"]
    both = directory.tags_get_or_create(actor=admin, names=["grid", "storage"])
    directory.organization_update(actor=admin, organization=org_a, data={}, tags=both)
    directory.organization_update(actor=admin, organization=org_b, data={}, tags=both[:1])
    response = manager_api.get(ORGS, {"tag": ["grid", "storage"]})
    assert [o["name"] for o in response.json()["items"]] == ["Alpha Robotics"]


def test_bad_filters_are_422_naming_the_parameter(manager_api):
    for params, field in (
        ({"ordering": "password"}, "ordering"),
        ({"country": "Atlantis"}, "country"),
        ({"kind": "dragon"}, "kind"),
        ({"tag": "no-such-tag"}, "tag"),
        ({"founded_from": "soon"}, "founded_from"),
    ):
        response = manager_api.get(ORGS, params)
        assert response.status_code == 422, params
        assert field in error_fields(response)[0], (params, error_fields(response))


def test_organization_list_runs_a_constant_number_of_queries(
    admin_user, lone_manager_api, django_assert_num_queries
):
    manager_api = lone_manager_api

    def list_with(total: int) -> None:
        Organization.objects.all().delete()
        tags = directory.tags_get_or_create(actor=admin_user, names=["a", "b"])
        for i in range(total):
            org = directory.organization_create(
                actor=admin_user, data={"name": f"Q {i}"}, tags=tags
            )
            directory.external_id_set(organization=org, source="yc", value=str(i))
        manager_api.get(ORGS)  # warm up the session
        # session, user, count, page, tags, external ids
        with django_assert_num_queries(6):
            response = manager_api.get(ORGS, {"limit": 500})
        items = response.json()["items"]
        assert len(items) == total
        assert all(len(o["tags"]) == 2 and len(o["external_ids"]) == 1 for o in items)

    list_with(3)
    list_with(30)


# Bad input


def test_wrong_types_are_422_in_the_one_error_format(manager_api):
    response = send(
        manager_api, "POST", ORGS, {"name": "Typed", "founded_year": "last year", "is_self": 3}
    )
    assert response.status_code == 422
    assert "founded_year" in error_fields(response)
    assert response.json()["error"]["code"] == "invalid"
    assert all(d["message"] for d in response.json()["error"]["details"])
    assert not Organization.objects.filter(name="Typed").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "country": "Atlantis"}, "country"),
        ({"name": "X", "kind": "spaceship"}, "kind"),
        ({"name": "X", "founded_year": 3000}, "founded_year"),
        ({"name": ""}, "name"),
        ({"kind": "startup"}, "name"),
        ({"name": "X", "tags": "not a list"}, "tags"),
        ({"name": "X", "website": "not a web address"}, "website"),
    ],
)
def test_bad_organization_input_is_422_naming_the_field(manager_api, body, field):
    events = AuditEvent.objects.count()
    response = send(manager_api, "POST", ORGS, body)
    assert response.status_code == 422, response.content
    assert error_fields(response)[0].split(".")[0] == field
    assert AuditEvent.objects.count() == events


def test_out_of_range_numbers_are_refused_without_a_500(manager_api):
    huge = "9" * 23
    assert manager_api.get(f"{ORGS}/{huge}").status_code == 404
    assert manager_api.get(f"{API}/people", {"organization": huge}).status_code < 500
    too_far = manager_api.get(ORGS, {"offset": huge})
    assert too_far.status_code == 422
    assert error_fields(too_far) == ["offset"]


def test_malformed_json_is_refused_without_a_500(manager_api):
    response = manager_api.generic("POST", ORGS, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_service_rules_come_back_as_422(personas, manager_api, org_a):
    assert send(manager_api, "DELETE", f"{ORGS}/{org_a.pk}").status_code == 422  # partner users
    assert Organization.objects.filter(pk=org_a.pk).exists()


def test_markup_in_a_name_is_stored_and_returned_verbatim(manager_api):
    name = '<script>alert("x")</script> & <b>Co</b>'
    created = send(manager_api, "POST", ORGS, {"name": name})
    assert created.status_code == 201
    assert created["Content-Type"].startswith("application/json")
    assert created.json()["name"] == name
    assert manager_api.get(f"{ORGS}/{created.json()['id']}").json()["name"] == name
    assert Organization.objects.get(pk=created.json()["id"]).name == name


# Access


def test_viewer_reads_but_cannot_write(personas, org_a):
    viewer = bearer(personas["viewer"])
    assert Client().get(f"{ORGS}/{org_a.pk}", **viewer).status_code == 200
    events = AuditEvent.objects.count()
    created = send(Client(), "POST", ORGS, {"name": "Viewer Co"}, **viewer)
    assert created.status_code == 403
    assert created.json()["error"]["code"] == "forbidden"
    # refused before the body is read: garbage gets 403 too, not 422
    assert send(Client(), "POST", ORGS, {"founded_year": "x"}, **viewer).status_code == 403
    assert send(Client(), "PATCH", f"{ORGS}/{org_a.pk}", {"name": "V"}, **viewer).status_code == 403
    assert send(Client(), "DELETE", f"{ORGS}/{org_a.pk}", **viewer).status_code == 403
    assert AuditEvent.objects.count() == events


def test_partner_sees_nothing_of_the_directory(personas, org_a, org_b):
    partner = bearer(personas["partner_a"])
    listed = Client().get(ORGS, **partner)
    assert listed.status_code == 403
    assert org_b.name not in listed.content.decode()
    assert Client().get(f"{ORGS}/{org_b.pk}", **partner).status_code == 404
    assert Client().get(f"{ORGS}/{org_a.pk}", **partner).status_code == 404  # even their own
    missing = Client().get(f"{ORGS}/999999", **partner)
    assert (missing.status_code, missing.json()) == (
        404,
        Client().get(f"{ORGS}/{org_b.pk}", **partner).json(),
    )
    assert (
        send(Client(), "PATCH", f"{ORGS}/{org_b.pk}", {"name": "P"}, **partner).status_code == 404
    )
    assert Client().get(f"{API}/people", **partner).status_code == 403
    assert Client().get(f"{API}/tags", **partner).status_code == 403


def test_missing_objects_are_404_in_the_one_error_format(manager_api):
    for path in (f"{ORGS}/424242", f"{API}/people/424242", f"{API}/tags/424242"):
        response = manager_api.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert send(manager_api, "PATCH", f"{ORGS}/424242", {"name": "Z"}).status_code == 404


def test_anonymous_is_401_on_every_directory_operation(org_a):
    one = f"{ORGS}/{org_a.pk}"
    for method, path in (("GET", ORGS), ("POST", ORGS), ("GET", one), ("PATCH", one),
                         ("DELETE", one)):  # fmt: skip
        assert send(Client(), method, path, {}).status_code == 401, (method, path)


# Responses match the committed schema


def test_organization_list_and_detail_match_the_committed_schema(personas, manager_api, org_a):
    directory.organization_update(
        actor=personas["admin"],
        organization=org_a,
        data={"founded_year": 2019, "website": "alpha.example"},
        tags=directory.tags_get_or_create(actor=personas["admin"], names=["robots"]),
    )
    directory.external_id_set(organization=org_a, source="yc", value="alpha")
    listed = manager_api.get(ORGS)
    assert_matches_schema(listed, ORGS)
    assert listed.json()["items"][0]["external_ids"] == [{"source": "yc", "value": "alpha"}]
    assert_matches_schema(manager_api.get(f"{ORGS}/{org_a.pk}"), ORG)
    created = send(manager_api, "POST", ORGS, {"name": "Schema Co"})
    assert_matches_schema(created, ORGS, "post")
    assert_matches_schema(manager_api.get(f"{ORGS}/0"), ORG)  # the error format is documented too


def test_people_and_tags_match_the_committed_schema(personas, manager_api, org_a):
    tags = directory.tags_get_or_create(actor=personas["admin"], names=["people-tag"])
    person = directory.person_create(
        actor=personas["admin"],
        data={"full_name": "Schema Person", "organization": org_a},
        tags=tags,
    )
    assert_matches_schema(manager_api.get(f"{API}/people"), f"{API}/people")
    assert_matches_schema(
        manager_api.get(f"{API}/people/{person.pk}"), f"{API}/people/{{person_id}}"
    )
    assert_matches_schema(manager_api.get(f"{API}/tags"), f"{API}/tags")
    assert_matches_schema(manager_api.get(f"{API}/tags/{tags[0].pk}"), f"{API}/tags/{{tag_id}}")
    assert_matches_schema(manager_api.get(f"{API}/me"), f"{API}/me")
