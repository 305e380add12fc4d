"""Saved views: a user names the filters of a list, opens them again in one click, renames
and deletes them; they are the user's alone; bad input writes nothing and says why."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core import saved_views
from accord.core.models import AuditEvent, SavedView
from tests.conftest import client_for

LIST = "/partnerships/"
LIST_NAME = "partnerships:partnership_list"


def save(client, name: str, query: str = f"{LIST}?stage=negotiating&type=licensing", **extra):
    data = {"list": LIST_NAME, "name": name, "query": query, **extra}
    return client.post("/views/new/", data)


def said(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_manager_saves_the_filters_shown_and_opens_them_from_the_list(personas):
    manager = client_for(personas["manager"])
    page = manager.get(LIST, {"stage": "negotiating", "type": "licensing", "page": "1"})
    assert 'data-testid="save-view"' in page.content.decode()
    response = save(manager, "  Late deals  ", f"{LIST}?stage=negotiating&type=licensing&page=2")
    # Saved without the page number, trimmed, and the list opened with the filters.
    assert response.status_code == 302
    assert response["Location"] == f"{LIST}?stage=negotiating&type=licensing"
    view = SavedView.objects.get()
    assert (view.user, view.name, view.list_name) == (personas["manager"], "Late deals", LIST_NAME)
    event = AuditEvent.objects.get(model="core.savedview")
    assert event.action == "create" and event.changes["name"] == [None, "Late deals"]
    plain = manager.get(LIST).content.decode()
    assert f'href="{LIST}?stage=negotiating&amp;type=licensing"' in plain and "Late deals" in plain
    opened = manager.get(LIST, {"stage": "negotiating", "type": "licensing"}).content.decode()
    assert 'aria-current="true" data-testid="saved-view">Late deals' in opened


def test_every_list_with_filters_offers_saved_views(personas):
    viewer = client_for(personas["viewer"])
    for url in ("/directory/organizations/", "/directory/people/", "/directory/tags/",
                "/partnerships/", "/partnerships/board/", "/pilots/", "/strategy/plays/",
                "/coverage/"):  # fmt: skip
        page = viewer.get(url, {"q": "x"} if "coverage" not in url else {"kind": "technology"})
        assert 'data-testid="saved-views"' in page.content.decode(), url
    admin = client_for(personas["admin"])
    for url in ("/audit/", "/accounts/sign-ins/"):
        assert 'data-testid="saved-views"' in admin.get(url).content.decode(), url


def test_the_menu_reads_the_views_in_one_query_however_many(personas, django_assert_num_queries):
    manager = client_for(personas["manager"])
    assert save(manager, "First").status_code == 302
    with CaptureQueriesContext(connection) as one:
        manager.get(LIST)
    few = len(one)
    for name in ("Second", "Third", "Fourth"):
        save(manager, name, f"{LIST}?q={name}")
    with django_assert_num_queries(few):
        page = manager.get(LIST).content.decode()
    assert all(name in page for name in ("First", "Second", "Third", "Fourth"))


def test_views_are_their_owners_alone(personas):
    manager, viewer = client_for(personas["manager"]), client_for(personas["viewer"])
    save(manager, "Mine")
    view = SavedView.objects.get()
    assert "Mine" not in viewer.get(LIST).content.decode()
    assert "Mine" not in viewer.get("/views/").content.decode()
    assert viewer.post(f"/views/{view.pk}/rename/", {"name": "Taken"}).status_code == 404
    assert viewer.post(f"/views/{view.pk}/delete/").status_code == 404
    view.refresh_from_db()
    assert view.name == "Mine"
    # Another user may use the same name on the same list.
    assert save(viewer, "Mine").status_code == 302 and SavedView.objects.count() == 2


def test_a_view_is_renamed_and_deleted_by_its_owner(personas):
    manager = client_for(personas["manager"])
    save(manager, "Old name")
    view = SavedView.objects.get()
    assert "Old name" in manager.get("/views/").content.decode()
    response = manager.post(f"/views/{view.pk}/rename/", {"name": "New name"})
    assert "is now called “New name”" in said(response)
    view.refresh_from_db()
    assert view.name == "New name"
    manager.post(f"/views/{view.pk}/delete/")
    assert not SavedView.objects.exists()
    actions = list(
        AuditEvent.objects.filter(model="core.savedview").order_by("id").values_list("action")
    )
    assert actions == [("create",), ("update",), ("delete",)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Give the view a name."),
        ({"name": "x" * 81}, "at most 80 characters; this one has 81"),
        ({"query": "/directory/people/?q=a"}, "These filters are of People, not of Partnerships"),
        ({"query": "/no/such/page/?q=1"}, "These filters are of “/no/such/page/”"),
        ({"list": "accounts:user_edit"}, "No list “accounts:user_edit” that you may open."),
        ({"list": "nothing:here"}, "No list “nothing:here” that you may open."),
        ({"query": f"{LIST}?q=" + "x" * 2100}, "The filters are too long to save"),
    ],
)
def test_bad_input_saves_nothing_and_says_what_was_wrong(personas, fields, message):
    manager = client_for(personas["manager"])
    data = {"list": LIST_NAME, "name": "A view", "query": f"{LIST}?stage=active", **fields}
    response = manager.post("/views/new/", data)
    assert response.status_code == 302
    assert message in said(response)
    assert not SavedView.objects.exists()
    assert not AuditEvent.objects.filter(model="core.savedview").exists()


def test_a_name_already_used_on_the_list_is_refused(personas):
    manager = client_for(personas["manager"])
    save(manager, "Deals")
    response = save(manager, "deals", f"{LIST}?stage=active")
    assert "You already have a view called “deals” on Partnerships." in said(response)
    assert response["Location"] == f"{LIST}?stage=active"  # back to the page it was on
    other = SavedView.objects.create(user=personas["manager"], list_name=LIST_NAME, name="Other")
    renamed = client_for(personas["manager"]).post(f"/views/{other.pk}/rename/", {"name": "Deals"})
    assert "was not renamed" in said(renamed)
    assert SavedView.objects.filter(name="Deals").count() == 1
    # The same name on another list is another view.
    assert save(manager, "Deals", "/partnerships/board/?type=licensing", list=(
        "partnerships:partnership_board")).status_code == 302  # fmt: skip
    assert SavedView.objects.filter(name="Deals").count() == 2


def test_a_partner_user_saves_no_view_of_an_internal_list(personas):
    partner = client_for(personas["partner_a"])
    response = save(partner, "Peek")
    assert "that you may open" in said(response)
    assert not SavedView.objects.exists()
    assert partner.get("/views/").status_code == 200


def test_an_unsafe_page_address_is_not_followed_after_a_refusal(personas):
    manager = client_for(personas["manager"])
    response = save(manager, "", "//evil.example.com/?q=1")
    assert response["Location"] == "/views/"


def test_the_filters_saved_leave_out_empty_fields_pages_and_modes():
    from django.http import QueryDict

    query = QueryDict("q=&stage=a&stage=b&page=3&export=csv&owner=&bulk=1")
    assert saved_views.filters_of(query) == "stage=a&stage=b"
