"""`accord metrics kpis` and `accord metrics scorecard`: the library and a partnership's KPIs
against targets with its ROI, as tables and as JSON; an unknown partnership named."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from accord.cli import app
from accord.metrics import periods, services
from tests.test_metrics import world as world  # a partnership with revenue, patents, lead time

pytestmark = pytest.mark.django_db
LAST = periods.shift(periods.quarter_of(dt.date.today()), -1)
WIDE = {"COLUMNS": "200"}  # so that the tables do not wrap


def test_the_library_lists_every_kpi(world):
    done = CliRunner().invoke(app, ["metrics", "kpis", "--json"])
    assert done.exit_code == 0, done.output
    by_name = {k["name"]: k for k in json.loads(done.stdout)}
    assert set(by_name) == {"Partner revenue", "Co-developed patents", "Time to market"}
    assert (by_name["Time to market"]["direction"], by_name["Partner revenue"]["benefit"]) == (
        "lower",
        True,
    )
    table = CliRunner().invoke(app, ["metrics", "kpis"], env=WIDE)
    assert "Co-developed patents" in table.stdout and "innovation" in table.stdout


def test_the_scorecard_shows_actual_against_target_and_the_roi(world):
    partnership = world["partnership"]
    services.observation_record(actor=world["manager"], partnership=partnership,
                                kpi=world["patents"], observed_on=LAST, value=3)  # fmt: skip
    services.target_set(actor=world["manager"], partnership=partnership, kpi=world["patents"],
                        quarter=LAST, value=4)  # fmt: skip
    services.cost_record(actor=world["manager"], partnership=partnership,
                         data={"spent_on": LAST, "amount": 1000, "currency": "EUR"})  # fmt: skip
    done = CliRunner().invoke(app, ["metrics", "scorecard", "--partnership",
                                    str(partnership.pk), "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    found = json.loads(done.stdout)
    [patents] = found["kpis"]
    cell = next(q for q in patents["quarters"] if q["quarter"] == periods.label(LAST))
    assert (cell["actual"], cell["target"], cell["met"]) == (3.0, 4.0, False)
    assert found["roi"]["ratio"] == -1.0 and "(0.00 - 1,000.00)" in found["roi"]["formula"]
    table = CliRunner().invoke(app, ["metrics", "scorecard", "--partnership",
                                     str(partnership.pk)], env=WIDE)  # fmt: skip
    assert "3 / 4 !" in table.stdout
    missing = CliRunner().invoke(app, ["metrics", "scorecard", "--partnership", "999999"])
    assert missing.exit_code == 2 and "no partnership 999999" in missing.output
