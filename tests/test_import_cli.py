"""`accord import`: the JSON summary, exit codes, dry run, skip-invalid and re-import."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.core.models import AuditEvent
from accord.directory.models import ExternalId, Organization

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()
GOOD = "crm_id,Company,Country,Founded\n1,Acme,DE,2001\n2,Beta,France,1999\n"
BAD = "crm_id,Company,Country,Founded\n1,Acme,DE,2001\n2,Beta,Atlantis,abc\n"
MAP = ["--map", "crm_id=id", "--map", "Company=name"]


def accord(*args: str):
    return runner.invoke(app, ["import", *args])


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "good.csv"
    path.write_text(GOOD)
    return path


@pytest.fixture
def bad(tmp_path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text(BAD)
    return path


def summary(result) -> dict:
    assert result.stdout.count("\n") == 1, result.stdout  # exactly one JSON object
    return json.loads(result.stdout)


def test_json_summary_has_the_contract_shape_and_the_import_is_audited(good):
    result = accord("organizations", str(good), *MAP, "--source", "crm", "--json")
    assert result.exit_code == 0, result.output
    data = summary(result)
    assert {"created", "updated", "unchanged", "errors", "possible_duplicates"} <= data.keys()
    assert (data["created"], data["updated"], data["unchanged"], data["errors"]) == (2, 0, 0, [])
    assert Organization.objects.get(name="Beta").country == "FR"
    assert set(ExternalId.objects.values_list("source", "value")) == {("crm", "1"), ("crm", "2")}
    event = AuditEvent.objects.filter(model="directory.organization").first()
    assert (event.channel, event.actor_name) == ("import", "system")


def test_reimport_reports_unchanged_and_does_not_duplicate(good):
    accord("organizations", str(good), *MAP, "--source", "crm", "--json")
    result = accord("organizations", str(good), *MAP, "--source", "crm", "--json")
    assert result.exit_code == 0
    assert (summary(result)["created"], summary(result)["unchanged"]) == (0, 2)
    assert Organization.objects.count() == 2


def test_bad_rows_exit_non_zero_with_row_and_column_and_nothing_written(bad):
    result = accord("organizations", str(bad), *MAP, "--json")
    assert result.exit_code == 1
    errors = summary(result)["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "Country"), (3, "Founded")}
    assert all(e["message"] for e in errors)
    assert Organization.objects.count() == 0


def test_skip_invalid_writes_valid_rows_but_still_exits_non_zero(bad):
    result = accord("organizations", str(bad), *MAP, "--skip-invalid", "--json")
    assert result.exit_code == 1
    assert summary(result)["created"] == 1
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]


def test_dry_run_writes_nothing(good):
    result = accord("organizations", str(good), *MAP, "--dry-run", "--json")
    assert result.exit_code == 0
    assert summary(result)["created"] == 2
    assert Organization.objects.count() == 0


def test_unknown_map_field_exits_2_naming_the_field_and_the_valid_ones(good):
    result = accord("organizations", str(good), "--map", "Company=colour")
    assert result.exit_code == 2
    assert "colour" in result.stderr and "founded_year" in result.stderr
    assert Organization.objects.count() == 0


def test_saved_mapping_file_is_applied(good, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"crm_id": "id", "Company": "name"}}))
    result = accord("organizations", str(good), "--mapping", str(mapping), "--source", "crm")
    assert result.exit_code == 0, result.output
    assert "created 2" in result.stderr
    assert result.stdout == ""


def test_people_import_and_acting_user(tmp_path, admin_user):
    Organization.objects.create(name="Acme", normalized_name="acme")
    path = tmp_path / "people.csv"
    path.write_text("name,email,company\nAda Lovelace,ada@acme.example,Acme\n")
    result = accord("people", str(path), "--actor", "admin", "--json")
    assert result.exit_code == 0, result.output
    assert summary(result)["created"] == 1
    assert AuditEvent.objects.get(model="directory.person").actor == admin_user


def test_unknown_preset_and_missing_file_are_usage_errors(good, tmp_path):
    assert accord("organizations", str(good), "--preset", "nope").exit_code == 2
    assert accord("organizations", str(tmp_path / "missing.csv")).exit_code == 2
    assert accord("things", str(good)).exit_code == 2


def test_help_documents_the_mapping_file_format():
    result = runner.invoke(app, ["import", "--help"])
    assert result.exit_code == 0
    assert '"columns"' in result.output and "--preset" in result.output
