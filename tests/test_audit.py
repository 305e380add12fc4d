"""Every change through the pages is recorded: who, through which channel, what, before/after."""

from __future__ import annotations

import pytest

from accord.core.audit import audit_channel, history_of
from accord.core.models import AuditEvent
from accord.directory import services
from accord.directory.models import Organization, Person, Tag
from tests.conftest import client_for

ORGS = "/directory/organizations/"


@pytest.fixture
def gone(admin_user) -> Organization:
    """An organization no partner user belongs to, so it may be deleted."""
    return services.organization_create(
        actor=admin_user, data={"name": "Beta Materials", "kind": "scaleup", "country": "FR"}
    )


def events_for(instance_or_label, object_id=None) -> list[AuditEvent]:
    """Oldest first, the order a reader follows a story."""
    return list(reversed(history_of(instance_or_label, object_id)))


def test_creating_an_organization_on_the_web_records_actor_channel_and_values(personas):
    manager = personas["manager"]
    response = client_for(manager).post(
        f"{ORGS}new/", {"name": "Gamma Sensors", "kind": "startup", "country": "Germany"}
    )
    assert response.status_code == 302
    org = Organization.objects.get(name="Gamma Sensors")
    [event] = events_for(org)
    assert (event.actor, event.actor_name, event.channel, event.action) == (
        manager,
        "manager",
        "web",
        "create",
    )
    assert event.changes["name"] == [None, "Gamma Sensors"]
    assert event.changes["country"] == [None, "DE"]
    assert event.object_repr == "Gamma Sensors"


def test_editing_an_organization_records_only_the_fields_that_changed(personas, org_a):
    manager = personas["manager"]
    response = client_for(manager).post(
        f"{ORGS}{org_a.pk}/edit/",
        {"name": "Alpha Robotics", "kind": "scaleup", "country": "DE", "city": "Munich"},
    )
    assert response.status_code == 302
    event = history_of(org_a).first()
    assert (event.actor, event.channel, event.action) == (manager, "web", "update")
    assert event.changes == {"kind": ["startup", "scaleup"], "city": ["", "Munich"]}


def test_saving_an_unchanged_form_records_no_event(admin_client, org_a):
    before = AuditEvent.objects.count()
    admin_client.post(
        f"{ORGS}{org_a.pk}/edit/", {"name": "Alpha Robotics", "kind": "startup", "country": "DE"}
    )
    assert AuditEvent.objects.count() == before


def test_changing_tags_on_the_web_records_the_tags_before_and_after(admin_client, admin_user):
    [fintech, health] = services.tags_get_or_create(actor=admin_user, names=["Fintech", "Health"])
    org = services.organization_create(
        actor=admin_user, data={"name": "Payly", "kind": "startup"}, tags=[fintech]
    )
    admin_client.post(
        f"{ORGS}{org.pk}/edit/", {"name": "Payly", "kind": "startup", "tags": [health.pk]}
    )
    assert history_of(org).first().changes == {"tags": [["Fintech"], ["Health"]]}


def test_deleting_an_organization_on_the_web_records_the_values_it_had(personas, gone):
    manager = personas["manager"]
    pk = gone.pk
    client_for(manager).post(f"{ORGS}{pk}/delete/")
    event = history_of("directory.organization", pk).first()
    assert (event.actor, event.channel, event.action) == (manager, "web", "delete")
    assert event.changes["name"] == ["Beta Materials", None]
    assert event.changes["country"] == ["FR", None]


def test_person_and_tag_changes_on_the_web_are_audited_too(personas, org_a):
    client = client_for(personas["manager"])
    client.post(
        "/directory/people/new/",
        {"full_name": "Ada", "organization": org_a.pk, "relation": "contact"},
    )
    person = Person.objects.get(full_name="Ada")
    client.post(
        f"/directory/people/{person.pk}/edit/", {"full_name": "Ada Byron", "relation": "contact"}
    )
    client.post("/directory/tags/new/", {"name": "Optics"})
    tag = Tag.objects.get(name="Optics")

    person_events = events_for(person)
    assert [e.action for e in person_events] == ["create", "update"]
    assert person_events[0].changes["organization"] == [None, org_a.pk]
    assert person_events[1].changes == {
        "full_name": ["Ada", "Ada Byron"],
        "organization": [org_a.pk, None],
    }
    assert [(e.action, e.channel) for e in events_for(tag)] == [("create", "web")]


def test_the_history_tab_shows_who_changed_what(personas, org_a):
    manager = personas["manager"]
    client_for(manager).post(
        f"{ORGS}{org_a.pk}/edit/",
        {"name": "Alpha Robotics", "kind": "startup", "country": "DE", "city": "Munich"},
    )
    response = client_for(personas["viewer"]).get(f"{ORGS}{org_a.pk}/", {"tab": "history"})
    assert response.status_code == 200
    assert [e.action for e in response.context["events"]] == ["update", "create"]
    page = response.content.decode()
    history = page[page.index('data-testid="history"') :]
    assert "manager" in history and "admin" in history
    assert "Munich" in history
    assert "updated" in history and "created" in history


def test_history_outlives_the_deleted_object_in_the_audit_log(admin_client, personas, gone):
    pk = gone.pk
    client_for(personas["manager"]).post(f"{ORGS}{pk}/delete/")
    assert not Organization.objects.filter(pk=pk).exists()

    response = admin_client.get("/audit/", {"model": "directory.organization", "object_id": pk})
    assert response.status_code == 200
    assert [e.action for e in response.context["page"].object_list] == ["delete", "create"]
    assert "Beta Materials" in response.content.decode()


def test_the_audit_log_filters_by_channel_and_actor(admin_client, personas, org_a):
    with audit_channel("cli"):
        services.organization_update(
            actor=personas["manager"], organization=org_a, data={"city": "Bonn"}
        )
    response = admin_client.get("/audit/", {"channel": "cli"})
    assert [(e.actor_name, e.object_repr) for e in response.context["page"].object_list] == [
        ("manager", "Alpha Robotics")
    ]
    response = admin_client.get("/audit/", {"actor": "manager", "model": "directory.organization"})
    assert [e.channel for e in response.context["page"].object_list] == ["cli"]


@pytest.mark.parametrize(
    "role", ["executive", "manager", "contributor", "viewer", "partner_a", "anonymous"]
)
def test_only_an_administrator_may_read_the_audit_log(personas, role):
    response = client_for(personas[role]).get("/audit/")
    expected = 302 if role == "anonymous" else 403
    assert response.status_code == expected


def test_a_partner_user_cannot_read_an_organizations_history(personas, org_a):
    response = client_for(personas["partner_a"]).get(f"{ORGS}{org_a.pk}/", {"tab": "history"})
    assert response.status_code == 404  # as if it did not exist: partners learn nothing


def test_a_write_without_an_actor_is_refused_and_nothing_is_saved(db):
    with pytest.raises(ValueError, match="needs a known actor"):
        services.organization_create(actor=None, data={"name": "Ghost Corp", "kind": "startup"})
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_update_without_an_actor_is_refused_and_rolled_back(org_a):
    with pytest.raises(ValueError, match="needs a known actor"):
        services.organization_update(actor=None, organization=org_a, data={"city": "Bonn"})
    org_a.refresh_from_db()
    assert org_a.city == ""


def test_a_delete_without_an_actor_is_refused_and_the_object_stays(org_a):
    with pytest.raises(ValueError, match="needs a known actor"):
        services.organization_delete(actor=None, organization=org_a)
    assert Organization.objects.filter(pk=org_a.pk).exists()


def test_a_change_outside_any_entry_point_is_recorded_as_system(admin_user):
    org = services.organization_create(actor=admin_user, data={"name": "Quiet", "kind": "startup"})
    assert history_of(org).get().channel == "system"
