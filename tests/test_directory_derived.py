"""Fields derived from an organization's own, and tag slugs: the same whichever way a record
is written (a page or the API through the services, or an import)."""

from __future__ import annotations

from pathlib import Path

from accord.directory import services
from accord.directory.importing.engine import ImportOptions, import_file
from accord.directory.models import SLUG_LENGTH, Organization, Tag, tag_slug

LONG_NAME = "Sustainable manufacturing of recyclable battery housings for heavy commercial fleets"[
    :80
]


def test_an_import_and_the_services_derive_the_same_fields(admin_user, tmp_path: Path):
    derived = ("normalized_name", "domain", "tag_names")
    path = tmp_path / "orgs.csv"
    path.write_text(
        "name,website,tags\nNordlicht Energie GmbH,https://www.Nordlicht.de/about,solar;Grid\n"
    )
    import_file(path, actor=admin_user, options=ImportOptions())
    imported = Organization.objects.values_list(*derived).get()
    Organization.objects.all().delete()
    typed = services.organization_create(
        actor=admin_user,
        data={"name": "Nordlicht Energie GmbH", "website": "https://www.Nordlicht.de/about"},
        tags=services.tags_get_or_create(actor=admin_user, names=["solar", "Grid"]),
    )
    assert Organization.objects.values_list(*derived).get(pk=typed.pk) == imported
    assert imported == ("nordlicht energie", "nordlicht.de", "Grid solar")


def test_a_tag_imported_with_a_long_name_is_the_same_tag_when_named_again(
    admin_user, tmp_path: Path
):
    path = tmp_path / "orgs.csv"
    path.write_text(f"name,tags\nVoltCell,{LONG_NAME}\n")
    import_file(path, actor=admin_user, options=ImportOptions())
    imported = Tag.objects.get()
    assert services.tags_get_or_create(actor=admin_user, names=[LONG_NAME]) == [imported]
    assert imported.slug == tag_slug(LONG_NAME) and len(imported.slug) == SLUG_LENGTH


def test_a_taken_slug_gets_a_counter_within_the_length():
    base = tag_slug(LONG_NAME)
    second = tag_slug(LONG_NAME, {base})
    assert second.endswith("-2") and len(second) == SLUG_LENGTH
    assert tag_slug(LONG_NAME, {base, second}).endswith("-3")
    assert tag_slug("  ") == "tag"
