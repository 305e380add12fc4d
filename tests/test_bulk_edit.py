"""Bulk edit on the partnership list: tick rows, then give them one owner, one review date,
and add or remove tags. All or nothing: a refusal names each partnership refused and writes
nothing; each partnership changed gets its own audit event and a new version."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages

from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import services
from accord.partnerships.models import Partnership
from tests.conftest import client_for

BULK = "/partnerships/bulk/"


@pytest.fixture
def tags(admin_user):
    return dict(
        zip(
            ("energy", "legacy"),
            directory.tags_get_or_create(actor=admin_user, names=["Energy", "Legacy"]),
            strict=True,
        )
    )


@pytest.fixture
def deals(personas, tags) -> dict[str, Partnership]:
    """Two of the manager's partnerships, one of the administrator's it is not on, and a
    confidential one outside its team."""
    manager, admin = personas["manager"], personas["admin"]

    def make(actor, title, **data):
        return services.partnership_create(
            actor=actor, data={"title": title, "type": "licensing", **data}, tags=[tags["legacy"]]
        )

    return {
        "alpha": make(manager, "Alpha deal"),
        "beta": make(manager, "Beta deal"),
        "admins": make(admin, "Board deal"),
        "secret": make(admin, "Sealed deal", is_confidential=True),
    }


def ticked(*rows: Partnership, **fields) -> dict:
    data = {"partnerships": [row.pk for row in rows]}
    data.update({f"version-{row.pk}": row.version for row in rows})
    data.update(fields)
    return data


def events_of(*rows: Partnership) -> list[AuditEvent]:
    ids = [str(row.pk) for row in rows]
    return list(AuditEvent.objects.filter(model="partnerships.partnership", object_id__in=ids,
                                          action="update"))  # fmt: skip


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_manager_changes_several_with_one_audit_event_each(personas, deals, tags):
    alpha, beta = deals["alpha"], deals["beta"]
    client = client_for(personas["manager"])
    data = ticked(alpha, beta, owner=personas["executive"].pk, next_review_date="2027-03-31",
                  add_tags=[tags["energy"].pk], remove_tags=[tags["legacy"].pk])  # fmt: skip
    response = client.post(f"{BULK}?type=licensing", data)
    assert response.status_code == 302 and response["Location"] == "/partnerships/?type=licensing"
    assert "Changed 2 of the 2 chosen: “Alpha deal”, “Beta deal”." in said(response)
    for row in (alpha, beta):
        before = row.version
        row.refresh_from_db()
        assert row.owner == personas["executive"]
        assert row.next_review_date == dt.date(2027, 3, 31)
        assert list(row.tags.values_list("name", flat=True)) == ["Energy"]
        assert row.version == before + 1
    events = events_of(alpha, beta)
    assert sorted(e.object_id for e in events) == sorted([str(alpha.pk), str(beta.pk)])
    assert events[0].changes["tags"] == [["Legacy"], ["Energy"]]
    assert events[0].changes["next_review_date"] == [None, "2027-03-31"]
    assert not events_of(deals["admins"])


def test_rows_already_as_asked_are_left_alone(personas, deals, tags):
    alpha = deals["alpha"]
    client = client_for(personas["manager"])
    response = client.post(BULK, ticked(alpha, add_tags=[tags["legacy"].pk]))
    assert "Nothing to change: the 1 chosen were already as asked." in said(response)
    assert not events_of(alpha)


def test_a_partnership_the_manager_may_not_change_refuses_the_whole_edit(personas, deals):
    alpha, theirs = deals["alpha"], deals["admins"]
    client = client_for(personas["manager"])
    response = client.post(
        f"{BULK}?type=licensing", ticked(alpha, theirs, next_review_date="2027-01-01")
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "You may not change “Board deal”: only the owner, the team or an administrator" in page
    assert "Alpha deal" in page  # the list, shown again
    assert 'aria-label="Choose Alpha deal" checked' in page  # still ticked
    # Its filters can still be saved, as the list's.
    assert '<input type="hidden" name="list" value="partnerships:partnership_list">' in page
    assert '<input type="hidden" name="query" value="/partnerships/?type=licensing">' in page
    alpha.refresh_from_db()
    assert alpha.next_review_date is None and not events_of(alpha, theirs)


def test_the_list_offers_checkboxes_only_on_rows_the_user_may_change(personas, deals):
    client = client_for(personas["manager"])
    plain = client.get("/partnerships/?type=licensing").content.decode()
    assert "data-select-row" not in plain and 'data-testid="bulk-edit"' not in plain
    assert 'href="?type=licensing&bulk=1" data-testid="bulk-start"' in plain
    page = client.get("/partnerships/?bulk=1").content.decode()
    assert "data-select-all" in page and 'data-testid="bulk-edit"' in page
    assert f'name="partnerships" value="{deals["alpha"].pk}"' in page
    assert f'name="partnerships" value="{deals["admins"].pk}"' not in page
    assert '<input type="hidden" name="bulk" value="1">' in page  # filtering keeps it open
    admin_page = client_for(personas["admin"]).get("/partnerships/?bulk=1").content.decode()
    assert f'name="partnerships" value="{deals["admins"].pk}"' in admin_page


@pytest.mark.parametrize("role", ["viewer", "contributor", "executive"])
def test_a_role_that_may_not_change_partnerships_cannot_bulk_edit(personas, deals, role):
    client = client_for(personas[role])
    page = client.get("/partnerships/?bulk=1").content.decode()
    assert "data-select-row" not in page and 'data-testid="bulk-edit"' not in page
    assert 'data-testid="bulk-start"' not in page
    response = client.post(BULK, ticked(deals["alpha"], next_review_date="2027-01-01"))
    assert response.status_code == 403
    assert not events_of(deals["alpha"])


def test_a_confidential_partnership_is_only_counted_never_named(personas, deals):
    secret = deals["secret"]
    client = client_for(personas["manager"])
    assert "Sealed deal" not in client.get("/partnerships/").content.decode()
    response = client.post(BULK, ticked(deals["alpha"], secret, next_review_date="2027-01-01"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "1 of the partnerships chosen no longer exist or are not visible to you." in page
    assert "Sealed deal" not in page
    assert not events_of(deals["alpha"], secret)


def test_an_edit_made_since_the_list_was_loaded_refuses_the_bulk_edit(personas, deals):
    alpha = deals["alpha"]
    data = ticked(alpha, next_review_date="2027-01-01")
    services.partnership_update(actor=personas["admin"], partnership=alpha, data={"notes": "x"})
    response = client_for(personas["manager"]).post(BULK, data)
    assert response.status_code == 400
    assert "Someone else changed “Alpha deal” since you loaded the list." in (
        response.content.decode()
    )
    alpha.refresh_from_db()
    assert alpha.next_review_date is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"partnerships": []}, "Choose at least one partnership."),
        ({"partnerships": ["x1"]}, "“x1” is not the id of a partnership."),
        ({}, "Choose what to change: an owner, a review date, or tags to add or remove."),
        ({"owner": "999999"}, "No user “999999” of our company to own them."),
        ({"owner": "partner"}, "of our company to own them."),
        ({"next_review_date": "2027-13-45"}, "Give the review date as a date, such as"),
        ({"add_tags": ["424242"]}, "No tag “424242”; choose one from the list."),
        ({"add_tags": ["legacy"], "remove_tags": ["legacy"]}, "“Legacy” is both to add and"),
    ],
)
def test_bad_input_writes_nothing_and_says_what_was_wrong(personas, deals, tags, fields, message):
    if fields.get("owner") == "partner":
        fields["owner"] = personas["partner_a"].pk
    for name in ("add_tags", "remove_tags"):
        fields[name] = [tags[v].pk if v in tags else v for v in fields.get(name, [])]
    data = {**ticked(deals["alpha"], deals["beta"]), **fields}
    response = client_for(personas["manager"]).post(BULK, data)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&ldquo;", "“")
    assert not events_of(deals["alpha"], deals["beta"])


def test_the_service_refuses_a_partner_user_as_owner_and_an_actor_without_the_right(
    personas, deals
):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError, match="not an active user of our company"):
        services.partnerships_bulk_update(
            actor=personas["admin"], ids=[deals["alpha"].pk], owner=personas["partner_a"]
        )
    with pytest.raises(PermissionDenied):
        services.partnerships_bulk_update(
            actor=personas["viewer"], ids=[deals["alpha"].pk], next_review_date=dt.date.today()
        )


def test_opening_the_bulk_address_goes_back_to_the_list(personas):
    response = client_for(personas["manager"]).get(f"{BULK}?stage=active")
    assert response.status_code == 302 and response["Location"] == "/partnerships/?stage=active"
