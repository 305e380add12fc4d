"""The built-in presets import the shared real files completely, and re-import changes nothing."""

from __future__ import annotations

import pytest

from accord.directory.importing.engine import ImportOptions, import_file
from accord.directory.models import ExternalId, Organization
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db


def import_twice(path, preset, actor):
    first = import_file(path, actor=actor, options=ImportOptions(preset=preset))
    assert first.errors == [] and first.written
    count = Organization.objects.count()
    second = import_file(path, actor=actor, options=ImportOptions(preset=preset))
    assert (second.created, second.updated, second.unchanged) == (0, 0, count)
    assert Organization.objects.count() == count
    return first


def test_yc_preset_imports_every_company_with_country_tags_stage_and_ids(admin_user):
    path = shared_file("yc_companies_2024-05-11.csv")
    assert import_twice(path, "yc", admin_user).created == 4663
    kscale = Organization.objects.get(external_ids__source="yc", external_ids__value="29523")
    assert (kscale.name, kscale.kind, kscale.country, kscale.city) == (
        "K-Scale Labs", "startup", "US", "New York"
    )  # fmt: skip
    assert {"robotics", "machine-learning", "yc-w24"} <= set(kscale.tag_names.split())
    assert (kscale.founded_year, kscale.size_band, kscale.stage) == (2024, "1-10", "seed")
    assert kscale.one_liner == "Open-source humanoid robots"
    assert kscale.external_ids.filter(source="linkedin").exists()
    assert Organization.objects.filter(stage="acquired").count() == 551


def test_ror_preset_imports_every_record_with_kind_and_identifiers(admin_user):
    path = shared_file("ror_organizations_v2_records.csv")
    assert import_twice(path, "ror", admin_user).created == 13503
    tsri = ExternalId.objects.get(source="ror", value="000025p04").organization
    assert (tsri.name, tsri.country, tsri.city, tsri.founded_year) == (
        "Thailand Science Research and Innovation", "TH", "Bangkok", 2019
    )  # fmt: skip
    assert tsri.kind == "government" and tsri.website == "https://www.tsri.or.th"
    assert set(tsri.tag_names.split()) == {"funder", "government"}
    assert tsri.external_ids.get(source="fundref").value == "501100017170"


def test_sp500_preset_imports_every_constituent_with_cik_and_parsed_founding_year(admin_user):
    path = shared_file("sp500_constituents.csv")
    assert import_twice(path, "sp500", admin_user).created == 503
    mmm = ExternalId.objects.get(source="cik", value="66740").organization
    assert (mmm.name, mmm.kind, mmm.stage, mmm.city, mmm.country) == (
        "3M", "corporate", "public", "Saint Paul", "US"
    )  # fmt: skip
    assert mmm.founded_year == 1902
    assert mmm.external_ids.get(source="ticker").value == "MMM"
    assert "Industrials" in mmm.tag_names
    # "2013 (1888)" keeps its first year
    assert not Organization.objects.filter(founded_year__isnull=True).exists()
