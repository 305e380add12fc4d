"""A fund's report as of a day, as CSV and as PDF: the fund page's figures with their
definitions and one line per investment; for the venture readers only, and without the
investments of a confidential partnership the reader is not on (said, and counted)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from accord.partnerships import services as partnerships
from accord.ventures import services
from tests.conftest import client_for
from tests.test_ventures import DAY, _invest
from tests.test_ventures import fund as fund  # Northwind Ventures I, in EUR

pytestmark = pytest.mark.django_db
AS_OF = "2026-03-01"


@pytest.fixture
def marked(personas, fund, org_a):
    """Alpha Robotics: 1.0 M on 2025-03-01, marked at 2.5 M: 2.50x and 150% a year by AS_OF."""
    investment = _invest(personas["ventures"], fund, org_a)
    services.mark_record(actor=personas["ventures"], data={
        "investment": investment, "on": dt.date(2025, 9, 1), "fair_value": Decimal("2500000"),
        "currency": "EUR", "method": "last_round",
    })  # fmt: skip
    return investment


@pytest.fixture
def secret_investment(personas, fund, org_b):
    """Beta Materials, 3.0 M, in the confidential "Project Quartz" only its team may see."""
    admin = personas["admin"]
    secret = partnerships.partnership_create(
        actor=admin,
        data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(org_b, "partner")],
    )
    return _invest(admin, fund, org_b, amount="3000000", partnership=secret)


def _csv(response) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The investment rows by column, and the fund's figures by name."""
    table, figures = response.content.decode().split("\r\n\r\n")
    rows = list(csv.DictReader(io.StringIO(table)))
    return rows, {row["figure"]: row["value"] for row in csv.DictReader(io.StringIO(figures))}


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_csv_report_has_a_line_per_investment_and_the_funds_figures(personas, fund, marked):
    response = client_for(personas["ventures"]).get(
        f"/ventures/funds/{fund.pk}/report.csv?as_of={AS_OF}"
    )
    assert response.status_code == 200
    assert f'filename="fund-{fund.pk}-report-{AS_OF}.csv"' in response["Content-Disposition"]
    [row], figures = _csv(response)
    assert row == {
        "company": "Alpha Robotics", "round": "seed", "instrument": "equity",
        "invested_on": "2025-03-01", "amount": "1000000.00", "currency": "EUR",
        "ownership_percent": "12.5000", "status": "active", "latest_mark": "2500000.00",
        "latest_mark_currency": "EUR", "latest_mark_on": "2025-09-01", "moic": "2.5000",
        "irr_percent": "150.00", "partnership": "",
    }  # fmt: skip
    assert figures["fund"] == "Northwind Ventures I" and figures["as_of"] == AS_OF
    assert (figures["paid_in"], figures["nav"], figures["tvpi"]) == (
        "1000000.00", "2500000.00", "2.5000")  # fmt: skip
    assert figures["irr_percent"] == "150.00"
    assert figures["investments_left_out_confidential"] == "0"


def test_the_pdf_report_shows_the_figures_their_definitions_and_the_investments(
    personas, fund, marked
):
    response = client_for(personas["executive"]).get(
        f"/ventures/funds/{fund.pk}/report.pdf?as_of={AS_OF}"
    )
    assert response.status_code == 200
    text = _pdf_text(response)
    assert "Northwind Ventures I" in text and f"Fund report as of {AS_OF}" in text
    assert "Alpha Robotics" in text and "2,500,000 EUR" in text
    assert "2.50x" in text and "150.0%" in text
    assert "Internal rate of return" in text and "Total value to paid-in" in text


def test_the_fund_page_offers_the_report_as_of_the_day_it_shows(personas, fund, marked):
    page = client_for(personas["executive"]).get(f"/ventures/funds/{fund.pk}/?as_of={AS_OF}")
    text = page.content.decode()
    assert f"/ventures/funds/{fund.pk}/report.pdf?as_of={AS_OF}" in text
    assert f"/ventures/funds/{fund.pk}/report.csv?as_of={AS_OF}" in text
    assert 'data-testid="import-form"' not in text, "executives read, they do not import"


def test_a_confidential_investment_never_appears_in_the_report_of_an_outsider(
    personas, fund, marked, secret_investment
):
    outsider = client_for(personas["ventures"])
    csv_response = outsider.get(f"/ventures/funds/{fund.pk}/report.csv?as_of={AS_OF}")
    rows, figures = _csv(csv_response)
    assert [row["company"] for row in rows] == ["Alpha Robotics"]
    assert "Beta Materials" not in csv_response.content.decode()
    assert "Project Quartz" not in csv_response.content.decode()
    assert figures["investments_left_out_confidential"] == "1"
    assert figures["paid_in"] == "1000000.00", "the hidden 3.0 M is not counted"
    pdf = _pdf_text(outsider.get(f"/ventures/funds/{fund.pk}/report.pdf?as_of={AS_OF}"))
    assert "Beta Materials" not in pdf and "Project Quartz" not in pdf
    said = "1 investment of a confidential partnership the reader is not on is left out"
    assert said in " ".join(pdf.split())
    rows, figures = _csv(client_for(personas["admin"]).get(f"/ventures/funds/{fund.pk}/report.csv"))
    assert {row["company"] for row in rows} == {"Alpha Robotics", "Beta Materials"}
    assert figures["investments_left_out_confidential"] == "0"


@pytest.mark.parametrize("role", ["manager", "viewer", "contributor", "partner_a", "partner_b"])
def test_the_report_is_refused_outside_the_venture_readers(personas, fund, marked, role):
    client = client_for(personas[role])
    for suffix in ("csv", "pdf"):
        assert client.get(f"/ventures/funds/{fund.pk}/report.{suffix}").status_code in (403, 404)


def test_a_report_of_a_fund_that_does_not_exist_is_a_404(personas):
    client = client_for(personas["ventures"])
    assert client.get("/ventures/funds/999999/report.csv").status_code == 404


def test_a_company_name_that_looks_like_a_formula_is_exported_as_text(personas, fund):
    from accord.directory import services as directory

    odd = directory.organization_create(actor=personas["admin"], data={"name": "=HYPERLINK(1)"})
    _invest(personas["ventures"], fund, odd)
    rows, _ = _csv(client_for(personas["ventures"]).get(f"/ventures/funds/{fund.pk}/report.csv"))
    assert rows[0]["company"] == "'=HYPERLINK(1)"
    assert DAY.isoformat() == rows[0]["invested_on"]
