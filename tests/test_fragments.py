"""The Jinja2 fragments of the busiest pages: the same URLs, escaping and choices as before."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.template.defaultfilters import floatformat
from django.urls import URLPattern, URLResolver, get_resolver, reverse, set_script_prefix
from django.utils import timezone

from accord.core.templatetags.fragments import options
from accord.directory.models import Organization
from accord.jinja import day, display, fixed, url
from accord.partnerships.models import Partnership, PartnershipParty


def _names_with_one_int(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found += _names_with_one_int(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            converters = entry.pattern.converters
            if (
                len(converters) == 1
                and type(next(iter(converters.values()))).__name__ == "IntConverter"
            ):
                found.append(prefix + entry.name)
    return found


@pytest.mark.parametrize("script_prefix", ["/", "/accord/"])
def test_url_puts_together_what_reverse_would(script_prefix):
    names = _names_with_one_int(get_resolver())
    assert "directory:organization_detail" in names and len(names) > 50
    set_script_prefix(script_prefix)
    try:
        for name in names:
            for pk in (1, 42, 987654321):
                assert url(name, pk) == reverse(name, args=[pk]), name
    finally:
        set_script_prefix("/")


def test_day_is_the_date_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Pacific/Auckland"
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
        late = dt.datetime(2026, 3, 1, 20, 0, tzinfo=dt.UTC)  # already 2 March there
        assert day(late) == "2026-03-02"
    assert day(dt.date(2026, 1, 5)) == "2026-01-05"
    assert day(None) == ""


def test_display_gives_what_django_would_for_every_choice_and_an_unknown_value():
    from django.utils.functional import SimpleLazyObject

    from accord.accounts.models import User

    for model, field in ((Organization, "kind"), (Organization, "stage"), (Partnership, "type"),
                         (Partnership, "stage"), (User, "role")):  # fmt: skip
        for value in [*(v for v, _ in model._meta.get_field(field).flatchoices), "odd", None]:
            instance = model(**{field: value})
            expected = getattr(instance, f"get_{field}_display")()
            assert display(instance, field) == expected, (model, field, value)
    lazy = SimpleLazyObject(lambda: User(role="viewer"))  # request.user, as the navbar has it
    assert display(lazy, "role") == User(role="viewer").get_role_display()


@pytest.mark.parametrize("places", [1, 2, 3])
@pytest.mark.parametrize(
    "value",
    [0, 3, -2, 0.125, 2.675, -0.05, 0.3333333, 99.95, 1e-9, Decimal("4.5"), Decimal("-1.005"),
     "7.25", None, "", "n/a", float("nan")],
)  # fmt: skip
def test_fixed_gives_what_floatformat_would(value, places):
    assert fixed(value, places) == floatformat(value, places)


def test_options_mark_what_is_chosen_and_escape_labels():
    html = options([("a", "<A>"), ("b", "B"), (3, "C")], ["b", "3"])
    assert '<option value="a">&lt;A&gt;</option>' in html
    assert '<option value="b" selected>B</option>' in html
    assert '<option value="3" selected>C</option>' in html
    one = options([("a", "A"), ("b", "B")], "a")
    assert '<option value="a" selected>' in one and '<option value="b">' in one
    assert "selected" not in options([("a", "A")], None) + options([("a", "A")], [])


@pytest.mark.django_db
def test_list_rows_escape_what_people_typed(admin_client):
    hostile = "<script>alert(1)</script>"
    organization = Organization.objects.create(name=hostile, city="<b>Lyon</b>")
    partnership = Partnership.objects.create(title=hostile, type="licensing")
    PartnershipParty.objects.create(partnership=partnership, organization=organization)
    for page in ("/directory/organizations/", "/partnerships/"):
        body = admin_client.get(page).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body, page
        assert hostile not in body and "<b>Lyon</b>" not in body, page


@pytest.mark.django_db
def test_directory_filters_keep_the_chosen_countries(admin_client):
    body = admin_client.get("/directory/organizations/", {"country": ["DE", "FR"]}).content
    text = body.decode()
    assert '<option value="DE" selected>Germany</option>' in text
    assert '<option value="FR" selected>France</option>' in text
    assert '<option value="IT">Italy</option>' in text


@pytest.mark.django_db
def test_navigation_marks_the_section_and_signs_out_with_the_token(admin_client):
    body = admin_client.get("/directory/organizations/").content.decode()
    assert (
        'class="nav-link dropdown-toggle active" href="#" data-bs-toggle="dropdown">Directory'
        in body
    )
    token = admin_client.cookies["csrftoken"].value
    sign_out = body[body.index('action="/accounts/logout/"') :]
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="' in sign_out[:200]
    assert admin_client.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert 'width="20" height="20" class="me-1">' in body  # the user menu's icon


@pytest.mark.django_db
def test_navigation_shows_a_viewer_no_administration(personas):
    from django.test import Client

    client = Client()
    client.force_login(personas["viewer"])
    body = client.get("/").content.decode()
    assert ">Directory</a>" in body and ">Administration</a>" not in body


@pytest.mark.django_db
def test_party_names_follow_the_order_added_and_hide_other_parties_from_a_partner(
    personas, org_a, org_b
):
    from accord.partnerships.selectors import party_names

    shared = Partnership.objects.create(title="Consortium", type="licensing")
    PartnershipParty.objects.create(partnership=shared, organization=org_b, role="lead")
    PartnershipParty.objects.create(partnership=shared, organization=org_a)
    names = party_names(personas["manager"], [shared.pk])[shared.pk]
    assert [(p.name, p.role) for p in names] == [
        (org_b.name, "lead partner"),
        (org_a.name, "partner"),
    ]
    seen = party_names(personas["partner_a"], [shared.pk])[shared.pk]
    assert [p.organization_id for p in seen] == [org_a.pk]  # a party, yet never told of org_b


@pytest.mark.django_db
def test_tag_names_are_sorted_and_only_of_the_organizations_asked(admin_user, org_a, org_b):
    from accord.directory.models import Tag
    from accord.directory.selectors import tag_names

    zeta, alpha, other = (Tag.objects.create(name=n, slug=n) for n in ("zeta", "alpha", "other"))
    org_a.tags.set([zeta, alpha])
    org_b.tags.set([other])
    assert tag_names(admin_user, [org_a.pk]) == {org_a.pk: ["alpha", "zeta"]}


@pytest.mark.django_db
def test_a_search_that_finds_nothing_says_so(admin_client):
    Organization.objects.create(name="Acme")
    body = admin_client.get("/directory/organizations/", {"q": "nothing like it"}).content
    assert "No organization matches." in body.decode()
    assert (
        "No organization matches."
        not in admin_client.get("/directory/organizations/").content.decode()
    )
