"""A fund's report as of a day, as CSV and as PDF: its returns with their definitions and its
investments, each with its latest mark and returns. The figures are the fund page's (the same
selector); an investment of a confidential partnership the reader is not on is left out, and
the report says how many were.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string

from accord.accounts.models import User
from accord.directory.exporting import safe_cell
from accord.metrics.money import Rates
from accord.ventures import returns, selectors
from accord.ventures.models import Fund

INVESTMENT_COLUMNS = (
    "company", "round", "instrument", "invested_on", "amount", "currency", "ownership_percent",
    "status", "latest_mark", "latest_mark_currency", "latest_mark_on", "moic", "irr_percent",
    "partnership",
)  # fmt: skip


@dataclass(frozen=True)
class FundReport:
    fund: Fund
    as_of: dt.date
    lines: list[selectors.Line]
    performance: selectors.Performance

    @property
    def definitions(self) -> list[tuple[str, str]]:
        return [(returns.NAMES[name], returns.DEFINITIONS[name]) for name in returns.FIGURES]

    @property
    def basename(self) -> str:
        return f"fund-{self.fund.pk}-report-{self.as_of.isoformat()}"


def build(actor: User, fund: Fund, as_of: dt.date) -> FundReport:
    lines, performance = selectors.fund_lines(actor, fund, as_of, Rates())
    return FundReport(fund, as_of, lines, performance)


def _irr_percent(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.2f}"


def _multiple(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _investment_row(line: selectors.Line) -> list[Any]:
    investment, mark = line.investment, line.mark
    figures = line.performance.figures
    return [
        investment.organization.name, investment.get_round_display(),
        investment.get_instrument_display(), investment.invested_on.isoformat(),
        investment.amount, investment.currency,
        "" if investment.ownership is None else investment.ownership,
        investment.get_status_display(),
        mark.fair_value if mark else "", mark.currency if mark else "",
        mark.on.isoformat() if mark else "",
        _multiple(figures.moic if figures else None),
        _irr_percent(figures.irr if figures else None),
        investment.partnership.title if investment.partnership else "",
    ]  # fmt: skip


def _fund_figures(report: FundReport) -> Iterator[list[Any]]:
    performance, figures = report.performance, report.performance.figures
    yield ["fund", report.fund.name]
    yield ["as_of", report.as_of.isoformat()]
    yield ["currency", performance.currency]
    if figures is None:
        yield ["problem", performance.problem]
    else:
        yield from (["paid_in", figures.paid_in], ["distributed", figures.distributed],
                    ["nav", figures.nav], ["irr_percent", _irr_percent(figures.irr)])  # fmt: skip
        yield from ([name, _multiple(getattr(figures, name))] for name in
                    ("moic", "tvpi", "dpi", "rvpi"))  # fmt: skip
    yield ["investments_shown", len(report.lines)]
    yield ["investments_left_out_confidential", performance.hidden]


def csv_text(report: FundReport) -> str:
    """One row per investment, then after an empty row the fund's totals, a figure a row
    (in the base currency; IRR in per cent a year, multiples as 1.8500)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INVESTMENT_COLUMNS)
    for line in report.lines:
        writer.writerow([safe_cell(cell) for cell in _investment_row(line)])
    writer.writerow([])
    writer.writerow(["figure", "value"])
    for row in _fund_figures(report):
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue()


def html(report: FundReport) -> str:
    return render_to_string("ventures/fund_report.html", {"report": report})


def pdf(report: FundReport) -> bytes:
    """The report as a PDF, drawn from its HTML without fetching anything."""
    from weasyprint import HTML  # imported here: it loads the system's pango on import

    def no_fetching(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the fund report fetches nothing ({url})")

    return bytes(HTML(string=html(report), url_fetcher=no_fetching).write_pdf())
