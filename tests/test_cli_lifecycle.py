"""The `accord` command for the lifecycle: `partnerships list` and `gaps coverage`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.partnerships import services
from accord.strategy.models import CapabilityGap, StrategicPriority

runner = CliRunner()


def accord(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture
def pipeline(personas, org_a, org_b):
    priority = StrategicPriority.objects.create(title="Grow in robotics", horizon_year=2030)
    covered = CapabilityGap.objects.create(priority=priority, title="Machine vision", importance=4)
    uncovered = CapabilityGap.objects.create(priority=priority, title="Battery chemistry")
    manager = personas["manager"]
    consortium = services.partnership_create(
        actor=manager,
        data={"title": "Robotics consortium", "type": "consortium"},
        parties=[(org_a, "lead"), (org_b, "consortium_member")],
        gaps=[covered],
    )
    services.gates_install_defaults()
    services.partnership_move(
        actor=manager, partnership=consortium, to_stage="screening", reason="Strong fit"
    )
    other = services.partnership_create(
        actor=manager,
        data={"title": "Beta licence", "type": "licensing"},
        parties=[(org_b, "partner")],
    )
    return {"consortium": consortium, "other": other, "covered": covered, "uncovered": uncovered}


@pytest.mark.django_db
def test_help_lists_the_lifecycle_commands():
    result = accord("--help")
    assert "partnerships" in result.output and "gaps" in result.output


@pytest.mark.django_db
def test_partnerships_list_json_has_every_partnership_with_its_parties(pipeline, org_a, org_b):
    result = accord("partnerships", "list", "--json")
    assert result.exit_code == 0, result.output
    items = json.loads(result.stdout)
    assert [item["title"] for item in items] == ["Beta licence", "Robotics consortium"]
    consortium = items[1]
    assert {"id", "title", "type", "stage", "parties"} <= set(consortium)
    assert (consortium["id"], consortium["type"], consortium["stage"]) == (
        pipeline["consortium"].pk,
        "consortium",
        "screening",
    )
    assert consortium["parties"] == [
        {"id": org_a.pk, "name": org_a.name, "role": "lead"},
        {"id": org_b.pk, "name": org_b.name, "role": "consortium_member"},
    ]


@pytest.mark.django_db
def test_partnerships_list_filters_by_stage(pipeline):
    result = accord("partnerships", "list", "--stage", "screening", "--json")
    assert result.exit_code == 0, result.output
    assert [item["title"] for item in json.loads(result.stdout)] == ["Robotics consortium"]
    result = accord("partnerships", "list", "--stage", "active", "--json")
    assert json.loads(result.stdout) == []


@pytest.mark.django_db
def test_an_unknown_stage_exits_2_listing_the_stages(pipeline):
    result = accord("partnerships", "list", "--stage", "dreaming")
    assert result.exit_code == 2
    assert "dreaming" in result.output and "candidate" in result.output
    assert "renewal_review" in result.output


@pytest.mark.django_db
def test_partnerships_list_prints_a_table_without_json(pipeline, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = accord("partnerships", "list")
    assert result.exit_code == 0, result.output
    assert "Robotics consortium" in result.stdout and "Alpha Robotics (lead)" in result.stdout


@pytest.mark.django_db
def test_partnerships_list_reads_as_the_actor_given(pipeline, personas):
    result = accord("partnerships", "list", "--json", "--actor", "partner_a")
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert item["title"] == "Robotics consortium"
    assert [p["name"] for p in item["parties"]] == ["Alpha Robotics"]  # never the other party
    assert accord("partnerships", "list", "--actor", "nobody").exit_code == 2


@pytest.mark.django_db
def test_gaps_coverage_json_shows_each_gap_with_its_status(pipeline):
    result = accord("gaps", "coverage", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["title"]: row for row in json.loads(result.stdout)}
    assert set(rows) == {"Machine vision", "Battery chemistry"}
    assert rows["Battery chemistry"]["status"] == "uncovered"
    assert rows["Battery chemistry"]["partnerships"] == 0
    vision = rows["Machine vision"]
    assert {"id", "title", "kind", "importance", "priority", "status", "coverage", "exposure",
            "partnerships", "by_stage"} <= set(vision)  # fmt: skip
    assert vision["partnerships"] == 1 and vision["by_stage"]["screening"] == 1
    assert vision["status"] == "thin"


@pytest.mark.django_db
def test_gaps_coverage_prints_a_table_without_json(pipeline, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = accord("gaps", "coverage")
    assert result.exit_code == 0, result.output
    assert "Battery chemistry" in result.stdout and "uncovered" in result.stdout
