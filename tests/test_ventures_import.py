"""Importing a fund's ledger of cash flows and marks from CSV or XLSX, on the fund page and
with `accord ventures import`: every row checked by the services' own rules, each problem
named by row and column, and a file with any bad row writing nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from typer.testing import CliRunner

from accord.cli import app
from accord.core.models import AuditEvent
from accord.ventures import services
from accord.ventures.importing import import_ledger
from accord.ventures.models import CashFlow, Investment, Mark
from tests.conftest import client_for
from tests.test_ventures import DAY, _invest
from tests.test_ventures import fund as fund  # Northwind Ventures I, in EUR

pytestmark = pytest.mark.django_db

LEDGER = """Company,Kind,Date,Amount,Currency,Method,Note
,capital call,2025-02-15,"1,500,000",,,first close
Alpha Robotics,investment,2025-03-01,250000,EUR,,follow-on tranche
Alpha Robotics,Mark,2025-12-31,2600000,,price of the last round,Series A led by Acme
Beta Materials,distribution,2026-01-10,400000,,,secondary sale
Beta Materials,mark,2025-12-31,600000,EUR,at cost,
"""


@pytest.fixture
def held(personas, fund, org_a, org_b) -> dict[str, Investment]:
    """The fund holds Alpha Robotics (1.0 M) and Beta Materials (0.5 M), both of 2025-03-01."""
    ventures = personas["ventures"]
    return {"alpha": _invest(ventures, fund, org_a),
            "beta": _invest(ventures, fund, org_b, amount="500000")}  # fmt: skip


def _write(tmp_path: Path, text: str, name: str = "ledger.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_csv_ledger_records_every_cash_flow_and_mark_through_the_services(
    personas, fund, held, tmp_path
):
    ventures = personas["ventures"]
    events = AuditEvent.objects.count()
    result = import_ledger(actor=ventures, path=_write(tmp_path, LEDGER), fund=fund)
    assert result.errors == [] and result.written
    assert (result.rows, result.cash_flows, result.marks) == (5, 3, 2)
    call = CashFlow.objects.get(kind="capital_call")
    assert (call.investment, call.amount, call.currency, call.note) == (
        None, Decimal("1500000"), "EUR", "first close")  # fmt: skip
    mark = Mark.objects.get(investment=held["alpha"])
    assert (mark.fair_value, mark.method, mark.recorded_by) == (
        Decimal("2600000"), "last_round", ventures)  # fmt: skip
    assert AuditEvent.objects.count() == events + 5, "each row audited, as the services do"
    page = client_for(ventures).get(f"/ventures/funds/{fund.pk}/?as_of=2026-03-01")
    assert "2,600,000 EUR" in page.content.decode()


def test_an_xlsx_ledger_uploaded_on_the_fund_page_is_imported(personas, fund, held, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Fund", "Company", "Type", "Date", "Fair value", "Method"])
    sheet.append(["northwind ventures i", "Beta Materials", "fee", dt.datetime(2025, 4, 1), 12500.5,
                  None])  # fmt: skip
    sheet.append([None, "Alpha Robotics", "mark", dt.date(2025, 9, 30), 1800000, "last_round"])
    path = tmp_path / "ledger.xlsx"
    workbook.save(path)
    client = client_for(personas["ventures"])
    upload = SimpleUploadedFile("ledger.xlsx", path.read_bytes())
    response = client.post(f"/ventures/funds/{fund.pk}/import/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    fee = CashFlow.objects.get(kind="fee")
    assert (fee.on, fee.amount, fee.investment) == (
        dt.date(2025, 4, 1), Decimal("12500.50"), held["beta"])  # fmt: skip
    assert Mark.objects.get().on == dt.date(2025, 9, 30)
    event = AuditEvent.objects.filter(model__icontains="mark").latest("at")
    assert event.channel == "import"


def test_a_ledger_with_bad_rows_is_refused_whole_and_names_each_row_and_column(
    personas, fund, held, tmp_path
):
    text = """Company,Kind,Date,Amount,Currency,Method
Alpha Robotics,distribution,2025-06-01,100000,,
Gamma Optics,investment,2025-06-01,100000,,
Alpha Robotics,distribution,2025-13-01,100000,,
Beta Materials,fee,2025-06-01,-2500,,
Alpha Robotics,distribution,2025-06-01,100000,USD,
Alpha Robotics,mark,2025-01-31,900000,,at cost
Beta Materials,dividend,2025-06-01,5000,,
Beta Materials,mark,2025-06-30,500000,,gut feeling
"""
    before = (CashFlow.objects.count(), Mark.objects.count(), AuditEvent.objects.count())
    result = import_ledger(actor=personas["ventures"], path=_write(tmp_path, text), fund=fund)
    assert not result.written
    found = {(e.row, e.column): e.message for e in result.errors}
    assert set(found) == {(3, "Company"), (4, "Date"), (5, "Amount"), (6, "Currency"),
                          (7, "Date"), (8, "Kind"), (9, "Method")}  # fmt: skip
    assert "“Northwind Ventures I” has no investment in “Gamma Optics”" in found[(3, "Company")]
    assert "“2025-13-01” is not a date" in found[(4, "Date")]
    assert "-2500 is negative" in found[(5, "Amount")]
    assert "No exchange rate of USD" in found[(6, "Currency")]
    assert "cannot come before the investment (2025-03-01)" in found[(7, "Date")]
    assert found[(8, "Kind")] == ("“dividend” is not a kind: use capital call, investment, "
                                  "distribution, fee or mark.")  # fmt: skip
    assert "at cost, price of the last round, comparable multiples" in found[(9, "Method")]
    after = (CashFlow.objects.count(), Mark.objects.count(), AuditEvent.objects.count())
    assert after == before, "nothing written, not even the good row 2"


def test_two_investments_in_one_company_are_told_apart_by_round(personas, fund, held, tmp_path):
    ventures = personas["ventures"]
    services.investment_create(actor=ventures, data={
        "fund": fund, "organization": held["alpha"].organization, "round": "series_a",
        "instrument": "equity", "invested_on": DAY + dt.timedelta(days=300),
        "amount": Decimal("2000000"), "currency": "EUR",
    })  # fmt: skip
    plain = "Company,Kind,Date,Amount\nAlpha Robotics,distribution,2026-06-01,10\n"
    refused = import_ledger(actor=ventures, path=_write(tmp_path, plain), fund=fund)
    [error] = refused.errors
    assert (error.row, error.column) == (2, "Company")
    assert "holds 2 investments in “Alpha Robotics”" in error.message
    assert "say which in a Round column" in error.message
    told = "Company,Round,Kind,Date,Amount\nAlpha Robotics,Series A,distribution,2026-06-01,10\n"
    result = import_ledger(actor=ventures, path=_write(tmp_path, told), fund=fund)
    assert result.written and CashFlow.objects.get(kind="distribution").investment.round == (
        "series_a")  # fmt: skip


def test_a_row_naming_another_fund_and_a_missing_column_are_refused(personas, fund, held, tmp_path):
    ventures = personas["ventures"]
    other_fund = {"name": "Other Fund", "currency": "EUR", "committed_capital": 1, "vintage": 2024}
    services.fund_create(actor=ventures, data=other_fund)
    other = "Fund,Company,Kind,Date,Amount\nOther Fund,,fee,2025-06-01,10\n"
    [error] = import_ledger(actor=ventures, path=_write(tmp_path, other), fund=fund).errors
    assert (error.row, error.column) == (2, "Fund") and "not “Other Fund”" in error.message
    no_amount = "Company,Kind,Date\nAlpha Robotics,fee,2025-06-01\n"
    [missing] = import_ledger(actor=ventures, path=_write(tmp_path, no_amount), fund=fund).errors
    assert "missing column(s): Amount" in missing.message
    assert CashFlow.objects.filter(kind="fee").count() == 0


def test_a_refused_upload_shows_every_problem_on_the_fund_page(personas, fund, held):
    client = client_for(personas["ventures"])
    bad = b"Company,Kind,Date,Amount\nAlpha Robotics,bonus,2025-06-01,10\nNobody,fee,x,1\n"
    response = client.post(f"/ventures/funds/{fund.pk}/import/",
                           {"file": SimpleUploadedFile("bad.csv", bad)})  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 422 and "Nothing was imported" in page
    assert "row 2, column &#x27;Kind&#x27;: “bonus” is not a kind" in page
    assert "row 3, column &#x27;Date&#x27;" in page and "row 3, column &#x27;Company&#x27;" in page
    assert CashFlow.objects.count() == 2


@pytest.mark.parametrize("role", ["executive", "manager", "viewer", "contributor", "partner_a"])
def test_only_the_ventures_team_and_administrators_may_import(personas, fund, role):
    upload = SimpleUploadedFile("l.csv", b"Company,Kind,Date,Amount\n,fee,2025-06-01,10\n")
    response = client_for(personas[role]).post(f"/ventures/funds/{fund.pk}/import/",
                                               {"file": upload})  # fmt: skip
    assert response.status_code in (403, 404)
    assert not CashFlow.objects.exists()


def test_the_command_imports_into_a_fund_and_prints_its_summary_as_json(fund, held, tmp_path):
    path = _write(tmp_path, LEDGER)
    runner = CliRunner()
    dry = runner.invoke(app, ["ventures", "import", str(path), "--fund", fund.name, "--dry-run",
                              "--json"])  # fmt: skip
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {"rows": 5, "cash_flows": 3, "marks": 2, "written": False,
                                      "dry_run": True, "errors": []}  # fmt: skip
    assert CashFlow.objects.count() == 2 and not Mark.objects.exists()
    done = runner.invoke(app, ["ventures", "import", str(path), "--fund", "NORTHWIND ventures i",
                               "--json"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["written"] is True
    assert CashFlow.objects.count() == 5 and Mark.objects.count() == 2
    assert AuditEvent.objects.filter(channel="import", model__icontains="cashflow").count() == 3


def test_the_command_refuses_a_bad_ledger_with_exit_1_and_an_unknown_fund_with_exit_2(
    fund, held, tmp_path
):
    runner = CliRunner()
    bad = _write(tmp_path, "Fund,Company,Kind,Date,Amount\nNorthwind Ventures I,,fee,soon,5\n")
    refused = runner.invoke(app, ["ventures", "import", str(bad), "--json"])
    assert refused.exit_code == 1
    summary = json.loads(refused.stdout)
    assert summary["written"] is False and summary["cash_flows"] == 0
    message = "“soon” is not a date such as 2026-03-31."
    assert summary["errors"] == [{"row": 2, "column": "Date", "message": message}]
    unknown = runner.invoke(app, ["ventures", "import", str(bad), "--fund", "Nope"])
    assert unknown.exit_code == 2 and "no fund 'Nope'" in unknown.output
    no_fund = _write(tmp_path, "Company,Kind,Date,Amount\n,fee,2025-06-01,5\n", "nofund.csv")
    missing = runner.invoke(app, ["ventures", "import", str(no_fund), "--json"])
    assert missing.exit_code == 1 and "no Fund column" in missing.stdout
    assert CashFlow.objects.count() == 2
