"""Merging a duplicate organization into the one we keep: nothing is lost, all is recorded."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core import policy
from accord.core.audit import history_of
from accord.core.models import AuditEvent
from accord.directory import services
from accord.directory.models import ExternalId, Organization, Person
from accord.directory.search import search_organizations
from tests.conftest import client_for


@pytest.fixture
def pair(admin_user):
    """`keep` has gaps the duplicate can fill; the duplicate has people, ids, a partner user."""
    robotics, vision, lidar = services.tags_get_or_create(
        actor=admin_user, names=["Robotics", "Vision", "Lidar"]
    )
    keep = services.organization_create(
        actor=admin_user,
        data={"name": "Acme Robotics", "kind": "startup", "country": "DE", "city": ""},
        tags=[robotics, vision],
    )
    duplicate = services.organization_create(
        actor=admin_user,
        data={
            "name": "ACME Robotics GmbH",
            "kind": "scaleup",
            "country": "FR",
            "city": "Berlin",
            "website": "https://acme.example",
            "founded_year": 2015,
            "one_liner": "Robots that inspect bridges",
        },
        tags=[vision, lidar],
    )
    services.person_create(actor=admin_user, data={"full_name": "Kim", "organization": keep})
    for name in ("Lee", "Max"):
        services.person_create(
            actor=admin_user, data={"full_name": name, "organization": duplicate}
        )
    services.external_id_set(organization=duplicate, source="yc", value="acme")
    services.external_id_set(organization=keep, source="ror", value="01acme")
    partner = user_create(
        actor=admin_user, username="pat", role=policy.PARTNER, organization=duplicate
    )
    return {"keep": keep, "duplicate": duplicate, "partner": partner}


def test_merge_moves_people_ids_and_partner_users_to_the_kept_organization(admin_user, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    services.organization_merge(actor=admin_user, keep=keep, duplicate=duplicate)

    assert sorted(Person.objects.filter(organization=keep).values_list("full_name", flat=True)) == [
        "Kim",
        "Lee",
        "Max",
    ]
    assert sorted(str(e) for e in ExternalId.objects.filter(organization=keep)) == [
        "ror:01acme",
        "yc:acme",
    ]
    assert User.objects.get(username="pat").organization == keep
    assert not Organization.objects.filter(pk=duplicate.pk).exists()


def test_merge_unions_tags_and_fills_only_blank_fields(admin_user, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    services.organization_merge(actor=admin_user, keep=keep, duplicate=duplicate)
    keep.refresh_from_db()

    assert sorted(t.name for t in keep.tags.all()) == ["Lidar", "Robotics", "Vision"]
    assert keep.tag_names == "Lidar Robotics Vision"
    # Blank fields are filled from the duplicate...
    assert keep.city == "Berlin"
    assert keep.website == "https://acme.example"
    assert keep.domain == "acme.example"
    assert keep.founded_year == 2015
    assert keep.one_liner == "Robots that inspect bridges"
    # ...filled ones are kept as they were.
    assert (keep.name, keep.kind, keep.country) == ("Acme Robotics", "startup", "DE")


def test_after_a_merge_search_finds_the_kept_organization_by_the_duplicates_words(admin_user, pair):
    services.organization_merge(actor=admin_user, keep=pair["keep"], duplicate=pair["duplicate"])
    found = search_organizations(Organization.objects.all(), "bridges lidar")
    assert list(found) == [pair["keep"]]


def test_merge_is_recorded_on_both_histories(admin_user, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    duplicate_pk = duplicate.pk
    services.organization_merge(actor=admin_user, keep=keep, duplicate=duplicate)

    merge = history_of(keep).first()
    assert (merge.action, merge.actor) == ("merge", admin_user)
    assert merge.changes["merged"] == [f"{duplicate_pk}: ACME Robotics GmbH", None]
    assert merge.changes["city"] == ["", "Berlin"]
    assert merge.changes["tags"] == [["Robotics", "Vision"], ["Lidar", "Robotics", "Vision"]]
    assert merge.changes["moved"] == [
        None,
        {"directory.person": 2, "directory.externalid": 1, "accounts.user": 1},
    ]

    deleted = history_of("directory.organization", duplicate_pk).first()
    assert deleted.action == "delete"
    assert deleted.object_repr == "ACME Robotics GmbH"
    assert deleted.changes == {"merged_into": [None, f"{keep.pk}: Acme Robotics"]}


def test_merging_an_organization_into_itself_is_refused(admin_user, pair):
    keep = pair["keep"]
    with pytest.raises(ValidationError, match="cannot be merged into itself"):
        services.organization_merge(actor=admin_user, keep=keep, duplicate=keep)
    assert Organization.objects.filter(pk=keep.pk).exists()


def test_merging_our_own_company_away_is_refused_and_nothing_moves(admin_user, pair):
    own = services.organization_create(
        actor=admin_user, data={"name": "Acme Robotics", "kind": "corporate", "is_self": True}
    )
    services.person_create(actor=admin_user, data={"full_name": "Insider", "organization": own})
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="Our own company cannot be merged away"):
        services.organization_merge(actor=admin_user, keep=pair["keep"], duplicate=own)
    assert Organization.objects.filter(pk=own.pk, is_self=True).exists()
    assert Person.objects.get(full_name="Insider").organization == own
    assert AuditEvent.objects.count() == events


def test_merging_another_organization_into_our_own_company_works(admin_user, pair):
    own = services.organization_create(
        actor=admin_user, data={"name": "Our Co", "kind": "corporate", "is_self": True}
    )
    services.organization_merge(actor=admin_user, keep=own, duplicate=pair["duplicate"])
    own.refresh_from_db()
    assert own.is_self
    assert Person.objects.filter(organization=own).count() == 2


# Through the web ---------------------------------------------------------------------------


def test_merge_page_compares_the_two_before_anything_happens(admin_client, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    url = f"/directory/organizations/{keep.pk}/merge/"
    response = admin_client.get(url, {"duplicate": duplicate.pk})
    assert response.status_code == 200
    assert response.context["duplicate"] == duplicate
    page = response.content.decode()
    assert "Duplicate: ACME Robotics GmbH" in page
    assert "Berlin" in page
    assert "Merge ACME Robotics GmbH into Acme Robotics" in page
    assert Organization.objects.filter(pk=duplicate.pk).exists()


def test_merge_page_suggests_likely_duplicates_by_normalized_name(admin_client, pair):
    response = admin_client.get(f"/directory/organizations/{pair['keep'].pk}/merge/")
    assert list(response.context["candidates"]) == [pair["duplicate"]]


def test_confirming_the_merge_on_the_web_merges_and_returns_to_the_kept_one(personas, pair):
    manager = personas["manager"]
    keep, duplicate = pair["keep"], pair["duplicate"]
    response = client_for(manager).post(
        f"/directory/organizations/{keep.pk}/merge/",
        {"duplicate": duplicate.pk, "confirm": "yes"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/directory/organizations/{keep.pk}/"
    assert "ACME Robotics GmbH was merged into Acme Robotics." in response.content.decode()
    assert not Organization.objects.filter(pk=duplicate.pk).exists()
    merge = history_of(keep).first()
    assert (merge.action, merge.actor, merge.channel) == ("merge", manager, "web")


def test_posting_without_confirmation_only_compares(admin_client, pair):
    keep, duplicate = pair["keep"], pair["duplicate"]
    response = admin_client.post(
        f"/directory/organizations/{keep.pk}/merge/", {"duplicate": duplicate.pk}
    )
    assert response.status_code == 200
    assert Organization.objects.filter(pk=duplicate.pk).exists()


def test_merging_our_own_company_away_on_the_web_shows_the_message(admin_client, pair, admin_user):
    own = services.organization_create(
        actor=admin_user, data={"name": "Our Co", "kind": "corporate", "is_self": True}
    )
    response = admin_client.post(
        f"/directory/organizations/{pair['keep'].pk}/merge/",
        {"duplicate": own.pk, "confirm": "yes"},
    )
    assert response.status_code == 200
    assert "Our own company cannot be merged away" in response.content.decode()
    assert Organization.objects.filter(pk=own.pk).exists()


@pytest.mark.parametrize("duplicate", ["self", "999999", "abc"])
def test_merge_page_refuses_itself_a_missing_id_or_garbage_with_a_message(
    admin_client, pair, duplicate
):
    keep = pair["keep"]
    value = keep.pk if duplicate == "self" else duplicate
    response = admin_client.post(
        f"/directory/organizations/{keep.pk}/merge/", {"duplicate": value, "confirm": "yes"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["duplicate"]
    assert "Select a valid choice" in response.content.decode() or "Enter a whole number" in (
        response.content.decode()
    )
    assert Organization.objects.count() == 2


@pytest.mark.parametrize("role", ["viewer", "executive", "contributor", "partner_a"])
def test_read_only_roles_cannot_merge(personas, pair, role):
    response = client_for(personas[role]).post(
        f"/directory/organizations/{pair['keep'].pk}/merge/",
        {"duplicate": pair["duplicate"].pk, "confirm": "yes"},
    )
    # A partner user is not told that an object outside its workspace exists.
    assert response.status_code == (404 if role.startswith("partner") else 403)
    assert Organization.objects.filter(pk=pair["duplicate"].pk).exists()
