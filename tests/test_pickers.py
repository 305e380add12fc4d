"""Pickers that search: what each answers as one types, through the access policy, and the
forms that list only what is chosen."""

from __future__ import annotations

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.core.pickers import PICKER_LIMIT, MultiPicker, Picker
from accord.directory import services as directory
from accord.partnerships import services as partnerships
from tests.conftest import client_for


def results(client, name: str, **params) -> list[dict]:
    response = client.get(reverse(name), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_organizations_match_anywhere_in_the_name_starting_ones_first(personas, admin_user):
    for name in ("Robotics Works", "Deep Robotics Lab"):
        directory.organization_create(actor=admin_user, data={"name": name, "kind": "startup"})
    found = results(client_for(personas["manager"]), "directory:organization_picker", q="robot")
    assert [r["text"] for r in found] == ["Robotics Works", "Alpha Robotics", "Deep Robotics Lab"]
    alpha = next(r for r in found if r["text"] == "Alpha Robotics")
    assert alpha["hint"] == "startup · Germany"
    assert isinstance(alpha["value"], int)


def test_partners_leave_our_own_company_out(personas, admin_user):
    directory.organization_create(actor=admin_user, data={"name": "Alpha Us", "is_self": True})
    manager = client_for(personas["manager"])
    everyone = results(manager, "directory:organization_picker", q="alpha")
    partners = results(manager, "directory:organization_picker", q="alpha", partners="1")
    assert {r["text"] for r in everyone} == {"Alpha Robotics", "Alpha Us"}
    assert [r["text"] for r in partners] == ["Alpha Robotics"]


def test_at_most_the_limit_is_answered(personas, admin_user):
    for n in range(PICKER_LIMIT + 5):
        directory.organization_create(actor=admin_user, data={"name": f"Gamma {n:02d}"})
    found = results(client_for(personas["viewer"]), "directory:organization_picker", q="gamma")
    assert len(found) == PICKER_LIMIT
    assert found[0]["text"] == "Gamma 00"


def test_a_confidential_partnership_is_offered_only_to_those_who_see_it(personas, org_a):
    secret = partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Secret vision deal", "type": "rd_alliance", "is_confidential": True},
        parties=[(org_a, "partner")],
    )
    partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Open vision deal", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )

    def titles(role: str) -> set[str]:
        found = results(client_for(personas[role]), "partnerships:partnership_picker", q="vision")
        return {r["text"] for r in found}

    assert titles("manager") == {"Secret vision deal", "Open vision deal"}
    assert titles("admin") == {"Secret vision deal", "Open vision deal"}
    assert titles("contributor") == {"Open vision deal"}
    assert titles("viewer") == {"Open vision deal"}
    assert secret.pk not in {
        r["value"]
        for r in results(client_for(personas["viewer"]), "partnerships:partnership_picker")
    }


@pytest.mark.parametrize(
    "name", ["directory:organization_picker", "directory:person_picker", "directory:tag_picker",
             "partnerships:partnership_picker"],
)  # fmt: skip
def test_partner_users_and_visitors_get_no_picker(personas, name):
    assert client_for(personas["partner_a"]).get(reverse(name), {"q": "a"}).status_code == 403
    anonymous = client_for(None).get(reverse(name), {"q": "a"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_too_long_search_is_refused_by_name(personas):
    response = client_for(personas["manager"]).get(
        reverse("directory:organization_picker"), {"q": "x" * 101}
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "q: at most 100 characters, not 101."}


def test_people_and_tags_are_searched(personas, admin_user, org_a):
    directory.person_create(
        actor=admin_user,
        data={"full_name": "Ada Lovelace", "email": "ada@alpha.example", "title": "CTO",
              "organization": org_a},
    )  # fmt: skip
    directory.tag_create(actor=admin_user, data={"name": "machine vision"})
    manager = client_for(personas["manager"])
    people = results(manager, "directory:person_picker", q="alpha.example")
    assert people == [{"value": people[0]["value"], "text": "Ada Lovelace",
                       "hint": "CTO · Alpha Robotics"}]  # fmt: skip
    assert [t["text"] for t in results(manager, "directory:tag_picker", q="VISION")] == [
        "machine vision"
    ]


def test_the_partnership_form_lists_only_the_chosen_partner(
    personas, partnership, org_a, admin_user
):
    for n in range(30):
        directory.organization_create(actor=admin_user, data={"name": f"Other {n:02d}"})
    manager = client_for(personas["manager"])
    edit = reverse("partnerships:partnership_edit", args=[partnership.pk])
    with CaptureQueriesContext(connection) as few:
        page = manager.get(edit).content.decode()
    assert f'<option value="{org_a.pk}" selected>Alpha Robotics</option>' in page
    assert "Other 00" not in page and "Beta Materials" not in page
    assert 'data-picker="/directory/organizations/pick/?partners=1"' in page
    for n in range(30, 60):
        directory.organization_create(actor=admin_user, data={"name": f"Other {n:02d}"})
    with CaptureQueriesContext(connection) as more:
        manager.get(edit)
    assert len(more) == len(few)


def test_the_directory_filters_by_tags_picked_by_name_and_linked_by_slug(personas, admin_user):
    vision = directory.tag_create(actor=admin_user, data={"name": "Machine vision"})
    manager = client_for(personas["manager"])
    assert results(manager, "directory:tag_picker", q="mach", by="slug") == [
        {"value": vision.slug, "text": "Machine vision", "hint": ""}
    ]
    page = manager.get(reverse("directory:organization_list"), {"tag": vision.slug})
    html = page.content.decode()
    assert f'<option value="{vision.slug}" selected>Machine vision</option>' in html
    assert 'data-picker="/directory/tags/pick/?by=slug"' in html


@pytest.mark.parametrize("multiple", [False, True])
@pytest.mark.parametrize("chosen", [[], ["1"], ["1", "2"], ["x"]])
def test_a_picker_writes_what_the_select_templates_write(multiple, chosen):
    """Pickers skip the template engine; the HTML must stay Django's own."""
    choices = [(1, 'Ada & "Co"'), (2, "<b>Beta</b>"), (3, "Gamma")]
    widget = (MultiPicker if multiple else Picker)("directory:tag_picker", query="by=slug")
    widget.choices = choices
    value = chosen if multiple else chosen[:1]
    attrs = {"id": "id_tag", "class": "form-select", "required": True, "disabled": False}
    base = forms.SelectMultiple if multiple else forms.Select
    assert widget.render("tag", value, attrs) == base.render(widget, "tag", value, attrs)
