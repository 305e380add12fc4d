"""Directory pages: lists with search, filters, sorting and pages; forms; deletes; exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from accord.accounts.services import user_create
from accord.core import policy
from accord.core.models import AuditEvent
from accord.directory import services
from accord.directory.models import Organization, Person, Tag
from tests.conftest import client_for

ORGS = "/directory/organizations/"


def listed(response) -> list[str]:
    """Names shown in the page's table, in the order shown."""
    assert response.status_code == 200
    return [str(row.record) for row in response.context["table"].page.object_list]


def make_org(actor, name: str, tags=(), **fields) -> Organization:
    data = {"name": name, "kind": "startup", **fields}
    return services.organization_create(actor=actor, data=data, tags=tags)


@pytest.fixture
def catalogue(admin_user):
    """Four organizations that differ in every filterable way."""
    robotics, grid = services.tags_get_or_create(actor=admin_user, names=["Robotics", "Grid"])
    return {
        "inspect": make_org(
            admin_user,
            "Inspecto",
            tags=[robotics],
            one_liner="Robotic inspection of wind turbines",
            country="DK",
            stage="seed",
            founded_year=2019,
        ),
        "grid": make_org(
            admin_user,
            "Gridwise",
            tags=[grid],
            kind="scaleup",
            one_liner="Grid software for utilities",
            country="DE",
            stage="growth",
            founded_year=2012,
        ),
        "uni": make_org(
            admin_user,
            "Technical University of Aarhus",
            kind="university",
            description="Research on robot perception",
            country="DK",
            founded_year=1928,
        ),
        "corp": make_org(
            admin_user,
            "Northwind Corporation",
            tags=[robotics, grid],
            kind="corporate",
            country="US",
            stage="public",
            founded_year=1975,
        ),
    }


@pytest.fixture
def viewer_client(admin_user):
    viewer = user_create(actor=admin_user, username="vera", role=policy.VIEWER)
    return client_for(viewer)


# The organization list ---------------------------------------------------------------------


def test_search_matches_word_prefixes_so_robot_insp_finds_robotic_inspection(
    viewer_client, catalogue
):
    assert listed(viewer_client.get(ORGS, {"q": "robot insp"})) == ["Inspecto"]


def test_search_reads_description_and_tag_names_too(viewer_client, catalogue):
    assert listed(viewer_client.get(ORGS, {"q": "perception"})) == [
        "Technical University of Aarhus"
    ]
    assert listed(viewer_client.get(ORGS, {"q": "robotics"})) == [
        "Inspecto",
        "Northwind Corporation",
    ]


def test_search_with_only_punctuation_or_quotes_lists_everything_without_error(
    viewer_client, catalogue
):
    assert len(listed(viewer_client.get(ORGS, {"q": '"*)( -'}))) == 4
    assert listed(viewer_client.get(ORGS, {"q": 'robot" OR "x'})) == []


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "university"}, ["Technical University of Aarhus"]),
        ({"kind": ["startup", "scaleup"]}, ["Gridwise", "Inspecto"]),
        ({"country": "DK"}, ["Inspecto", "Technical University of Aarhus"]),
        ({"tag": "grid"}, ["Gridwise", "Northwind Corporation"]),
        ({"stage": "seed"}, ["Inspecto"]),
        ({"founded_from": "1970", "founded_to": "2015"}, ["Gridwise", "Northwind Corporation"]),
        ({"country": "DK", "q": "robot"}, ["Inspecto", "Technical University of Aarhus"]),
    ],
    ids=["kind", "kinds", "country", "tag", "stage", "founded-range", "country-and-search"],
)
def test_filters_narrow_the_organization_list(viewer_client, catalogue, params, expected):
    assert listed(viewer_client.get(ORGS, params)) == expected


def test_sorting_by_name_and_by_founded_year_descending(viewer_client, catalogue):
    assert listed(viewer_client.get(ORGS, {"sort": "name"})) == [
        "Gridwise",
        "Inspecto",
        "Northwind Corporation",
        "Technical University of Aarhus",
    ]
    assert listed(viewer_client.get(ORGS, {"sort": "-founded_year"})) == [
        "Inspecto",
        "Gridwise",
        "Northwind Corporation",
        "Technical University of Aarhus",
    ]


def test_an_unknown_sort_column_is_ignored_not_an_error(viewer_client, catalogue):
    assert len(listed(viewer_client.get(ORGS, {"sort": "password"}))) == 4


def test_the_list_is_paginated_fifty_to_a_page(admin_user, viewer_client):
    for i in range(55):
        make_org(admin_user, f"Company {i:02d}")
    first = viewer_client.get(ORGS)
    assert len(listed(first)) == 50
    assert "55 found" in first.content.decode()
    assert listed(viewer_client.get(ORGS, {"page": 2})) == [f"Company {i}" for i in range(50, 55)]


def test_the_sort_and_page_links_keep_the_filters_and_mark_the_page_shown(
    admin_user, viewer_client
):
    for i in range(55):
        make_org(admin_user, f"Company {i:02d}", country="DE")
    make_org(admin_user, "Elsewhere", country="FR")
    page = viewer_client.get(ORGS, {"country": "DE", "sort": "-name", "page": 2})
    html = page.content.decode()
    assert listed(page) == [f"Company {i:02d}" for i in range(4, -1, -1)]
    assert '<a href="?country=DE&amp;sort=name&amp;page=2">Name</a>' in html, "sort A to Z"
    assert '<a href="?country=DE&amp;sort=-name&amp;page=1" class="page-link">' in html
    shown = '<li class="page-item active"><a class="page-link" href="?country=DE&amp;sort=-name'
    assert shown + '&amp;page=2">2</a>' in html
    assert "next" not in html[html.index('aria-label="Table navigation"') :], "the last page"


@pytest.mark.parametrize("page", ["99", "abc", "-1"])
def test_a_page_number_out_of_range_or_not_a_number_still_shows_a_page(
    viewer_client, catalogue, page
):
    assert len(listed(viewer_client.get(ORGS, {"page": page}))) == 4


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"founded_from": "abc"}, "Enter a number."),
        ({"kind": "bogus"}, "bogus is not one of the available choices"),
        ({"tag": "no-such-tag"}, "no-such-tag is not one of the available choices"),
        ({"country": "XX"}, "XX is not one of the available choices"),
    ],
    ids=["founded_from", "kind", "tag", "country"],
)
def test_an_invalid_filter_value_shows_a_message_and_no_rows(
    viewer_client, catalogue, params, message
):
    response = viewer_client.get(ORGS, params)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert listed(response) == []


# Organization detail, create, edit, delete -------------------------------------------------


def test_detail_page_shows_the_organization_its_people_tags_and_identifiers(
    admin_user, viewer_client, catalogue
):
    org = catalogue["corp"]
    services.person_create(actor=admin_user, data={"full_name": "Ada Byron", "organization": org})
    services.external_id_set(organization=org, source="cik", value="0000123")
    page = viewer_client.get(f"{ORGS}{org.pk}/").content.decode()
    for text in ("Northwind Corporation", "Ada Byron", "Robotics", "Grid", "cik:0000123"):
        assert text in page
    assert f"{ORGS}{org.pk}/edit/" not in page  # a viewer is offered no edit button


def test_detail_of_a_missing_organization_is_a_404(viewer_client, catalogue):
    assert viewer_client.get(f"{ORGS}999999/").status_code == 404


def test_editing_an_organization_saves_the_changes(admin_client, catalogue):
    org = catalogue["grid"]
    response = admin_client.post(
        f"{ORGS}{org.pk}/edit/",
        {"name": "Gridwise Energy", "kind": "scaleup", "country": "France", "city": "Lyon"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"{ORGS}{org.pk}/"
    org.refresh_from_db()
    assert (org.name, org.country, org.city) == ("Gridwise Energy", "FR", "Lyon")
    assert list(org.tags.all()) == []  # the form sent no tags, so none are kept
    assert org.tag_names == ""


def test_an_edit_with_an_impossible_founded_year_is_refused_and_nothing_changes(
    admin_client, catalogue
):
    org = catalogue["grid"]
    response = admin_client.post(
        f"{ORGS}{org.pk}/edit/", {"name": "Renamed", "kind": "scaleup", "founded_year": "3000"}
    )
    assert response.status_code == 200
    assert "between 1000 and 2100" in response.content.decode()
    org.refresh_from_db()
    assert org.name == "Gridwise"


def test_creating_an_organization_normalizes_country_name_and_website(admin_client):
    response = admin_client.post(
        f"{ORGS}new/",
        {
            "name": " Gamma Sensors ",
            "kind": "startup",
            "country": "Germany",
            "website": "gamma.example",
        },
    )
    created = Organization.objects.get(name="Gamma Sensors")
    assert response.status_code == 302
    assert response["Location"] == f"{ORGS}{created.pk}/"
    assert (created.country, created.website, created.domain) == (
        "DE",
        "https://gamma.example",
        "gamma.example",
    )


def test_an_unknown_country_is_refused_naming_it_and_nothing_is_written(admin_client):
    response = admin_client.post(
        f"{ORGS}new/", {"name": "Delta", "kind": "startup", "country": "Atlantis"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["country"] == [
        "“Atlantis” is not a known country name or ISO code."
    ]
    assert "Atlantis" in response.content.decode()
    assert not Organization.objects.filter(name="Delta").exists()


def test_an_organization_without_a_name_is_refused_naming_the_field(admin_client):
    response = admin_client.post(f"{ORGS}new/", {"name": "", "kind": "startup"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["This field is required."]
    assert not Organization.objects.exists()


def test_delete_asks_for_confirmation_then_deletes_on_post(admin_client, catalogue):
    org = catalogue["grid"]
    confirm = admin_client.get(f"{ORGS}{org.pk}/delete/")
    assert confirm.status_code == 200
    assert "Delete Gridwise?" in confirm.content.decode()
    assert Organization.objects.filter(pk=org.pk).exists()

    response = admin_client.post(f"{ORGS}{org.pk}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == ORGS
    assert "Gridwise was deleted" in response.content.decode()
    assert not Organization.objects.filter(pk=org.pk).exists()


def test_deleting_our_own_company_is_refused_with_a_message(admin_client, admin_user):
    own = make_org(admin_user, "Our Company", kind="corporate", is_self=True)
    response = admin_client.post(f"{ORGS}{own.pk}/delete/")
    assert response.status_code == 200
    assert "Our own company cannot be deleted." in response.content.decode()
    assert Organization.objects.filter(pk=own.pk).exists()


def test_deleting_an_organization_with_partner_users_is_refused_with_a_message(
    admin_client, personas, org_a
):
    response = admin_client.post(f"{ORGS}{org_a.pk}/delete/")
    assert response.status_code == 200
    assert "Partner users belong to this organization" in response.content.decode()
    assert Organization.objects.filter(pk=org_a.pk).exists()


def test_people_of_a_deleted_organization_stay_without_one(admin_client, admin_user, catalogue):
    org = catalogue["grid"]
    person = services.person_create(
        actor=admin_user, data={"full_name": "Grace H", "organization": org}
    )
    assert "1 people will stay" in admin_client.get(f"{ORGS}{org.pk}/delete/").content.decode()
    admin_client.post(f"{ORGS}{org.pk}/delete/")
    person.refresh_from_db()
    assert person.organization is None


@pytest.mark.parametrize("role", ["viewer", "executive", "contributor"])
def test_read_only_roles_cannot_create_edit_or_delete_organizations(personas, catalogue, role):
    client = client_for(personas[role])
    org = catalogue["grid"]
    assert client.post(f"{ORGS}new/", {"name": "X", "kind": "startup"}).status_code == 403
    assert client.post(f"{ORGS}{org.pk}/edit/", {"name": "X", "kind": "x"}).status_code == 403
    assert client.post(f"{ORGS}{org.pk}/delete/").status_code == 403
    assert Organization.objects.filter(pk=org.pk, name="Gridwise").exists()
    assert not Organization.objects.filter(name="X").exists()


def test_a_script_in_a_name_is_shown_as_text_never_run(admin_client, admin_user):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    org = make_org(admin_user, payload, one_liner=payload)
    services.person_create(actor=admin_user, data={"full_name": payload, "organization": org})
    for url in (ORGS, f"{ORGS}{org.pk}/", f"{ORGS}{org.pk}/?tab=history", "/directory/people/"):
        page = admin_client.get(url).content.decode()
        assert "<script>alert" not in page, url
        assert "<img src=x" not in page, url
        assert "&lt;script&gt;alert" in page, url


# Exports -----------------------------------------------------------------------------------


def read_export(response, fmt: str) -> list[list]:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    if fmt == "csv":
        text = b"".join(response.streaming_content).decode()
        return list(csv.reader(io.StringIO(text)))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    return [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_of_a_filtered_list_holds_only_the_filtered_rows(viewer_client, catalogue, fmt):
    rows = read_export(viewer_client.get(ORGS, {"country": "DK", "export": fmt}), fmt)
    header, body = rows[0], rows[1:]
    assert header[:3] == ["id", "name", "kind"]
    names = sorted(row[header.index("name")] for row in body)
    assert names == ["Inspecto", "Technical University of Aarhus"]
    inspecto = next(r for r in body if r[1] == "Inspecto")
    assert inspecto[header.index("tags")] == "Robotics"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_defuses_cells_that_a_spreadsheet_would_run_as_formulas(
    admin_user, viewer_client, fmt
):
    dangerous = ["=HYPERLINK(1)", "+1+1", "-2+3", "@SUM(A1)"]
    for name in dangerous:
        make_org(admin_user, name, one_liner="=cmd|' /C calc'!A0")
    rows = read_export(viewer_client.get(ORGS, {"export": fmt}), fmt)
    header, body = rows[0], rows[1:]
    names = sorted(row[header.index("name")] for row in body)
    assert names == sorted("'" + name for name in dangerous)
    assert {row[header.index("one_liner")] for row in body} == {"'=cmd|' /C calc'!A0"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_with_an_invalid_filter_is_empty_not_everything(viewer_client, catalogue, fmt):
    rows = read_export(viewer_client.get(ORGS, {"kind": "bogus", "export": fmt}), fmt)
    assert len(rows) == 1  # the header only


def test_people_export_lists_the_people_with_their_organization(
    admin_user, viewer_client, catalogue
):
    services.person_create(
        actor=admin_user, data={"full_name": "Ada Byron", "organization": catalogue["corp"]}
    )
    rows = read_export(viewer_client.get("/directory/people/", {"export": "csv"}), "csv")
    assert rows[1][1:3] == ["Ada Byron", "Northwind Corporation"]


def test_a_partner_user_cannot_export_the_directory(personas):
    response = client_for(personas["partner_a"]).get(ORGS, {"export": "csv"})
    assert response.status_code == 403


# People ------------------------------------------------------------------------------------


def test_manager_adds_a_person_to_an_organization(personas, catalogue):
    org = catalogue["corp"]
    client = client_for(personas["manager"])
    form = client.get("/directory/people/new/", {"organization": org.pk})
    assert form.status_code == 200
    assert form.context["form"].initial["organization"] == str(org.pk)
    response = client.post(
        "/directory/people/new/",
        {
            "full_name": "Ada Byron",
            "organization": org.pk,
            "title": "CTO",
            "email": "ada@northwind.example",
            "relation": "employee",
            "country": "United Kingdom",
        },
    )
    assert response.status_code == 302
    ada = Person.objects.get(full_name="Ada Byron")
    assert response["Location"] == f"/directory/people/{ada.pk}/"
    assert (ada.organization, ada.country, ada.relation) == (org, "GB", "employee")
    detail = client.get(f"/directory/people/{ada.pk}/").content.decode()
    assert "Ada Byron" in detail and "Northwind Corporation" in detail
    assert "Ada Byron" in client.get(f"{ORGS}{org.pk}/").content.decode()


def test_a_person_with_an_unknown_organization_or_bad_email_is_refused(admin_client):
    response = admin_client.post(
        "/directory/people/new/",
        {"full_name": "Nobody", "organization": "424242", "email": "not-an-email"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "organization" in errors and "email" in errors
    assert not Person.objects.exists()


def test_people_list_searches_and_filters_by_organization(admin_user, viewer_client, catalogue):
    services.person_create(
        actor=admin_user, data={"full_name": "Ada Byron", "organization": catalogue["corp"]}
    )
    services.person_create(
        actor=admin_user, data={"full_name": "Alan Turing", "organization": catalogue["uni"]}
    )
    people = "/directory/people/"
    assert listed(viewer_client.get(people, {"q": "turing"})) == ["Alan Turing"]
    assert listed(viewer_client.get(people, {"organization": catalogue["corp"].pk})) == [
        "Ada Byron"
    ]
    bad = viewer_client.get(people, {"organization": "abc"})
    assert "Enter a number." in bad.content.decode()
    assert listed(bad) == []


def test_deleting_a_person_asks_first_then_deletes(admin_user, admin_client):
    person = services.person_create(actor=admin_user, data={"full_name": "Temp Person"})
    assert (
        "Delete Temp Person?"
        in admin_client.get(f"/directory/people/{person.pk}/delete/").content.decode()
    )
    assert Person.objects.filter(pk=person.pk).exists()
    assert admin_client.post(f"/directory/people/{person.pk}/delete/").status_code == 302
    assert not Person.objects.filter(pk=person.pk).exists()


# Tags --------------------------------------------------------------------------------------


def test_tags_list_counts_organizations(viewer_client, catalogue):
    response = viewer_client.get("/directory/tags/")
    counts = {
        row.record.name: row.record.organization_count
        for row in response.context["table"].page.object_list
    }
    assert counts == {"Grid": 2, "Robotics": 2}


def test_tag_detail_lists_its_organizations(viewer_client, catalogue):
    tag = Tag.objects.get(name="Grid")
    page = viewer_client.get(f"/directory/tags/{tag.pk}/").content.decode()
    assert "Gridwise" in page and "Northwind Corporation" in page
    assert "Inspecto" not in page


def test_creating_a_tag_gives_it_a_slug(admin_client):
    response = admin_client.post("/directory/tags/new/", {"name": "Quantum Sensing"})
    assert response.status_code == 302
    assert Tag.objects.get(name="Quantum Sensing").slug == "quantum-sensing"


def test_a_duplicate_tag_name_is_refused_with_a_message(admin_client, catalogue):
    response = admin_client.post("/directory/tags/new/", {"name": "Grid"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert Tag.objects.filter(name="Grid").count() == 1


def test_renaming_a_tag_makes_search_find_its_organizations_by_the_new_name(
    admin_client, viewer_client, catalogue
):
    tag = Tag.objects.get(name="Robotics")
    response = admin_client.post(f"/directory/tags/{tag.pk}/edit/", {"name": "Automation"})
    assert response.status_code == 302
    catalogue["inspect"].refresh_from_db()
    assert catalogue["inspect"].tag_names == "Automation"
    assert listed(viewer_client.get(ORGS, {"q": "automation"})) == [
        "Inspecto",
        "Northwind Corporation",
    ]
    assert listed(viewer_client.get(ORGS, {"q": "robotics"})) == []
    event = AuditEvent.objects.filter(model="directory.tag", object_id=str(tag.pk)).first()
    assert event.changes == {"name": ["Robotics", "Automation"]}


def test_deleting_a_tag_removes_it_from_search(admin_client, viewer_client, catalogue):
    tag = Tag.objects.get(name="Robotics")
    assert admin_client.post(f"/directory/tags/{tag.pk}/delete/").status_code == 302
    assert listed(viewer_client.get(ORGS, {"q": "robotics"})) == []
    catalogue["corp"].refresh_from_db()
    assert catalogue["corp"].tag_names == "Grid"


# Ids beyond the database's integer range -----------------------------------------------------

TOO_BIG = "99999999999999999999999"


def test_people_filtered_by_an_organization_id_too_large_for_the_database_get_a_message(
    viewer_client, catalogue
):
    response = viewer_client.get("/directory/people/", {"organization": TOO_BIG})
    assert response.status_code == 200
    assert "less than or equal to" in response.content.decode()
    assert listed(response) == []


@pytest.mark.parametrize("bad_id", [TOO_BIG, f"-{TOO_BIG}", "abc"])
def test_an_organization_with_an_impossible_tag_id_is_refused_naming_the_tags_field(
    admin_client, bad_id
):
    response = admin_client.post(f"{ORGS}new/", {"name": "Zeta", "kind": "startup", "tags": bad_id})
    assert response.status_code == 200
    assert "is not a valid value" in " ".join(response.context["form"].errors["tags"])
    assert not Organization.objects.filter(name="Zeta").exists()


def test_a_person_with_an_impossible_tag_or_organization_id_is_refused(admin_client):
    response = admin_client.post(
        "/directory/people/new/",
        {"full_name": "Zed", "relation": "contact", "organization": TOO_BIG, "tags": TOO_BIG},
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"organization", "tags"}
    assert not Person.objects.exists()


def test_a_tag_name_without_letters_that_clashes_by_slug_is_refused_with_a_message(admin_client):
    assert admin_client.post("/directory/tags/new/", {"name": "!!!"}).status_code == 302
    response = admin_client.post("/directory/tags/new/", {"name": "???"})
    assert response.status_code == 200
    assert "Slug already exists" in response.content.decode()
    assert list(Tag.objects.values_list("name", flat=True)) == ["!!!"]


def test_submitting_the_filter_form_with_blank_fields_filters_by_the_filled_ones(
    admin_client, org_a, org_b
):
    """The form sends every field; an empty tag or year box means "any", not "invalid"."""
    response = admin_client.get("/directory/organizations/?q=&tag=&founded_from=&founded_to=")
    assert response.context["table"].paginator.count == 2
    response = admin_client.get("/directory/organizations/?q=alpha&tag=&founded_from=")
    assert [row.record.name for row in response.context["table"].page] == [org_a.name]


def test_the_list_shows_each_organizations_tags_and_country_by_name(viewer_client, catalogue):
    page = viewer_client.get("/directory/organizations/?sort=name").content.decode()
    gridwise = page[page.index(">Gridwise<") : page.index(">Inspecto<")]
    assert '<span title="Germany">DE</span>' in gridwise
    assert '<span class="badge tag-badge">Grid</span>' in gridwise
    assert "Robotics" not in gridwise, "another organization's tag"
