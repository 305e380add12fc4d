"""KPI values from CSV and XLSX files: all rows or none, each problem by row and column."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from typer.testing import CliRunner

from accord.cli import app
from accord.core.models import AuditEvent
from accord.metrics import importing, services
from accord.metrics.models import Observation
from accord.partnerships import services as partnerships
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
YEAR = dt.date.today().year - 1
HEADER = "partnership,kpi,date,value,currency,attribution,note\n"


@pytest.fixture
def world(personas, org_a, org_b):
    manager = personas["manager"]
    grid = partnerships.partnership_create(
        actor=manager, data={"title": "Grid storage alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    foreign = partnerships.partnership_create(
        actor=personas["admin"], data={"title": "Not ours", "type": "rd_alliance"},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    services.kpi_create(actor=manager, data={"name": "Revenue", "category": "business",
                                             "unit": "EUR", "is_money": True,
                                             "is_benefit": True})  # fmt: skip
    services.kpi_create(actor=manager, data={"name": "Patents", "category": "innovation",
                                             "unit": "patents"})  # fmt: skip
    services.rate_set(actor=personas["admin"], currency="USD", valid_from=dt.date(YEAR, 1, 1),
                      rate="0.9")  # fmt: skip
    return {"manager": manager, "grid": grid, "foreign": foreign}


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "values.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_a_good_file_writes_every_row_audited(world, tmp_path):
    path = _csv(tmp_path, f"Grid storage alliance,Revenue,{YEAR}-02-01,\"12,500\",usd,sourced,Q1\n"
                          f"{world['grid'].pk},Patents,{YEAR}-03-01,2,,,\n")  # fmt: skip
    result = importing.import_observations(actor=world["manager"], path=path)
    assert (result.errors, result.written) == ([], 2)
    revenue = Observation.objects.get(kpi__name="Revenue")
    assert (revenue.value, revenue.currency, revenue.attribution, revenue.source) == (
        12500,
        "USD",
        "sourced",
        "import",
    )
    assert AuditEvent.objects.filter(model="metrics.observation").count() == 2


def test_an_xlsx_file_is_read_too(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(["partnership", "kpi", "date", "value"])
    sheet.append(["Grid storage alliance", "Patents", f"{YEAR}-04-01", 3])
    path = tmp_path / "values.xlsx"
    book.save(path)
    result = importing.import_observations(actor=world["manager"], path=path)
    assert (result.errors, result.written) == ([], 1)


def test_every_bad_row_is_named_and_nothing_is_written(world, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    path = _csv(tmp_path, "\n".join([
        f"Grid storage alliance,Revenue,{YEAR}-02-01,100,EUR,,",       # row 2: fine
        f"No such deal,Patents,{YEAR}-02-01,1,,,",                     # row 3
        f"Grid storage alliance,Smiles,{YEAR}-02-01,1,,,",             # row 4
        "Grid storage alliance,Patents,last spring,1,,,",              # row 5
        f"Grid storage alliance,Patents,{future},1,,,",                # row 6
        f"Grid storage alliance,Patents,{YEAR}-02-02,lots,,,",         # row 7
        f"Grid storage alliance,Revenue,{YEAR}-02-03,5,,,",            # row 8
        f"Grid storage alliance,Revenue,{YEAR - 5}-02-03,5,USD,,",     # row 9
        f"Grid storage alliance,Patents,{YEAR}-02-04,1,EUR,,",         # row 10
        f"Grid storage alliance,Revenue,{YEAR}-02-05,1,EUR,somehow,",  # row 11
        f"Not ours,Patents,{YEAR}-02-06,1,,,",                         # row 12
        f"Grid storage alliance,Patents,{YEAR}-02-07,1,,sourced,",     # row 13
    ]) + "\n")  # fmt: skip
    result = importing.import_observations(actor=world["manager"], path=path)
    found = {(e.row, e.column) for e in result.errors}
    assert found == {(3, "partnership"), (4, "kpi"), (5, "date"), (6, "date"), (7, "value"),
                     (8, "currency"), (9, "currency"), (10, "currency"), (11, "attribution"),
                     (12, "partnership"), (13, "attribution")}  # fmt: skip
    messages = " ".join(str(e) for e in result.errors)
    assert "No exchange rate of USD" in messages and "not on its team" in messages
    assert result.written == 0 and not Observation.objects.exists()


def test_duplicates_in_the_file_or_stored_are_refused(world, tmp_path):
    services.observation_record(actor=world["manager"], partnership=world["grid"],
                                kpi=importing.Kpi.objects.get(name="Patents"),
                                observed_on=dt.date(YEAR, 5, 1), value=1)  # fmt: skip
    path = _csv(tmp_path, f"Grid storage alliance,Patents,{YEAR}-05-02,1,,,\n"
                          f"Grid storage alliance,Patents,{YEAR}-05-02,2,,,\n"
                          f"Grid storage alliance,Patents,{YEAR}-05-01,3,,,\n")  # fmt: skip
    result = importing.import_observations(actor=world["manager"], path=path)
    assert [(e.row, e.column) for e in result.errors] == [(3, "date"), (4, "date")]
    assert "row 2 already gives" in str(result.errors[0])
    assert Observation.objects.count() == 1


def test_a_file_without_the_columns_says_which(world, tmp_path):
    path = tmp_path / "values.csv"
    path.write_text("deal,metric,when,amount\nx,y,z,1\n", encoding="utf-8")
    result = importing.import_observations(actor=world["manager"], path=path)
    assert "missing column(s): partnership, kpi, date, value" in str(result.errors[0])


def test_the_command_line_imports_and_reports_as_json(world, tmp_path):
    good = _csv(tmp_path, f"Grid storage alliance,Patents,{YEAR}-06-01,4,,,\n")
    runner = CliRunner()
    checked = runner.invoke(app, ["metrics", "import", str(good), "--dry-run", "--actor",
                                  "manager"])  # fmt: skip
    assert checked.exit_code == 0 and not Observation.objects.exists()
    done = runner.invoke(app, ["metrics", "import", str(good), "--json", "--actor", "manager"])
    assert done.exit_code == 0
    assert json.loads(done.stdout.strip().splitlines()[-1])["written"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Nope,Patents,2020-01-01,1,,,\n", encoding="utf-8")
    refused = runner.invoke(app, ["metrics", "import", str(bad), "--json", "--actor", "manager"])
    assert refused.exit_code == 1
    assert json.loads(refused.stdout.strip().splitlines()[-1])["errors"][0]["row"] == 2


def test_the_page_imports_or_lists_the_problems(world):
    client = client_for(world["manager"])
    good = SimpleUploadedFile("values.csv", (HEADER + f"Grid storage alliance,Patents,"
                                             f"{YEAR}-07-01,5,,,\n").encode())  # fmt: skip
    assert client.post("/metrics/observations/import/", {"file": good}).status_code == 302
    bad = SimpleUploadedFile("values.csv", (HEADER + "Nope,Patents,2020-01-01,1,,,\n").encode())
    response = client.post("/metrics/observations/import/", {"file": bad})
    assert response.status_code == 422
    assert "row 2, column &#x27;partnership&#x27;" in response.content.decode()
    assert Observation.objects.count() == 1
