"""The board pack: its figures in the HTML and in the PDF read back, an empty quarter said so,
the command line, and a confidential partnership kept out of a viewer's pack."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader
from typer.testing import CliRunner

from accord.cli import app
from accord.governance import escalations
from accord.governance.models import Escalation
from accord.metrics import periods
from accord.metrics import services as metrics
from accord.metrics.models import Kpi
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.portfolio import boardpack, services
from accord.portfolio.models import ReviewItem
from accord.strategy.models import CapabilityGap, StrategicPriority
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST = periods.shift(periods.quarter_of(TODAY), -1)


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(personas, org_a, org_b):
    manager, ceo = personas["manager"], personas["executive"]
    grid = partnerships.partnership_create(
        actor=manager, data={"title": "Grid alliance", "type": "rd_alliance", "owner": manager,
                             "executive_sponsor": ceo},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    Partnership.objects.filter(pk=grid.pk).update(stage="active")
    partnerships.partnership_create(
        actor=personas["admin"], data={"title": "Sealed venture", "type": "rd_alliance",
                                       "is_confidential": True},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    revenue = metrics.kpi_create(actor=manager, data={
        "name": "Revenue", "category": "business", "unit": "EUR", "is_money": True,
        "is_benefit": True, "figure": "revenue"})  # fmt: skip
    metrics.observation_record(actor=manager, partnership=grid, kpi=revenue, observed_on=LAST,
                               value=125000, currency="EUR")  # fmt: skip
    metrics.target_set(actor=manager, partnership=grid, kpi=revenue, quarter=LAST,
                       value=100000, currency="EUR")  # fmt: skip
    metrics.cost_record(actor=manager, partnership=grid, data={
        "spent_on": LAST, "amount": 40000, "currency": "EUR"})  # fmt: skip
    services.review_run(actor=ceo, quarter=LAST)
    return {"ceo": ceo, "viewer": personas["viewer"], "grid": grid}


def test_the_pack_has_the_quarters_figures_in_html_and_pdf(world):
    pack = boardpack.build(world["ceo"], LAST)
    assert (pack.benefits, pack.costs, pack.kpis_met) == (125000, 40000, (1, 1))
    assert [i.partnership.title for i in pack.decisions_needed] == ["Grid alliance"]
    assert (pack.this_quarter.revenue, pack.this_quarter.projected) == (125000, 100000)
    html = boardpack.html(pack)
    assert f"Board pack {periods.label(LAST)}" in html and "125,000" in html
    text = _text(boardpack.pdf(pack))
    assert f"Board pack {periods.label(LAST)}" in text
    for figure in (
        "125,000",
        "40,000",
        "1 of 1",
        "Grid alliance",
        "Decisions for the board",
        "Revenue from partnered innovation",
        "No company revenue is recorded",
    ):
        assert figure in text, figure


def test_an_empty_quarter_is_said_so(world):
    long_ago = periods.parse("2015Q2")
    pack = boardpack.build(world["ceo"], long_ago)
    assert pack.empty
    assert "2015Q2 has no data" in _text(boardpack.pdf(pack))


def test_a_viewer_never_sees_the_confidential_partnership(world):
    client = client_for(world["viewer"])
    page = client.get("/portfolio/board-pack/", {"quarter": periods.label(LAST)})
    assert page.status_code == 200 and b"Sealed venture" not in page.content
    pdf = client.get("/portfolio/board-pack.pdf", {"quarter": periods.label(LAST)})
    assert pdf["Content-Type"] == "application/pdf"
    assert "Sealed venture" not in _text(pdf.content)
    for bad in ("soon", "9999Q4", "0000Q1"):
        assert client.get("/portfolio/board-pack/", {"quarter": bad}).status_code == 400


def test_the_command_line_writes_the_pack(world, tmp_path):
    runner = CliRunner()
    target = tmp_path / "pack.pdf"
    done = runner.invoke(app, ["report", "board", "--quarter", periods.label(LAST), "-o",
                               str(target), "--actor", "executive"])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Grid alliance" in _text(target.read_bytes())
    wrong = runner.invoke(app, ["report", "board", "--quarter", "Q9", "-o", str(target)])
    assert wrong.exit_code == 2 and "is not a quarter" in wrong.output
    word = runner.invoke(app, ["report", "board", "--quarter", "2026Q1", "-o",
                               str(tmp_path / "pack.docx")])  # fmt: skip
    assert word.exit_code == 2 and "a .pdf or a .html" in word.output


def test_a_pack_as_of_a_moment_stays_the_same_whatever_happens_later(world, personas, org_a):
    ceo, manager, grid = world["ceo"], personas["manager"], world["grid"]
    metrics.rate_set(actor=ceo, currency="USD", valid_from=periods.parse("2015Q1"), rate="0.9")
    revenue = Kpi.objects.get(name="Revenue")
    metrics.observation_record(actor=manager, partnership=grid, kpi=revenue, value=10000,
                               currency="USD", observed_on=periods.quarter_end(LAST))  # fmt: skip
    trouble = escalations.escalation_raise(
        actor=manager, partnership=grid, data={"title": "Data access blocked", "severity": "high"},
        path=[manager, ceo],
    )  # fmt: skip
    moment = timezone.now()
    before = boardpack.build(ceo, LAST, as_of=moment)
    assert before.benefits == 125000 + 9000 and before.kpis_met == (1, 1)
    assert [e.title for e in before.escalations] == ["Data access blocked"]

    # Afterwards: a late value and cost, a higher target, a new rate, the escalation resolved,
    # the review decided (the partnership exits) and a new partnership.
    metrics.observation_record(actor=manager, partnership=grid, kpi=revenue, observed_on=LAST,
                               value=1, currency="EUR", attribution="sourced")  # fmt: skip
    metrics.cost_record(actor=manager, partnership=grid, data={
        "spent_on": LAST, "amount": 5000, "currency": "EUR"})  # fmt: skip
    metrics.target_set(actor=manager, partnership=grid, kpi=revenue, quarter=LAST,
                       value=900000, currency="EUR")  # fmt: skip
    metrics.rate_set(actor=ceo, currency="USD", valid_from=periods.parse("2015Q1"), rate="0.5")
    escalations.escalation_resolve(actor=manager, escalation=trouble, resolution="Granted.")
    [item] = ReviewItem.objects.filter(review=before.review)
    services.item_decide(actor=ceo, item=item, decision="exit", rationale="No longer a fit.")
    later = StrategicPriority.objects.create(title="New bet", horizon_year=2030, status="active")
    CapabilityGap.objects.create(priority=later, title="Quantum sensing", importance=5)
    partnerships.partnership_create(
        actor=manager, data={"title": "Late newcomer", "type": "rd_alliance", "owner": manager,
                             "executive_sponsor": ceo}, parties=[(org_a, "partner")],
    )  # fmt: skip

    now = boardpack.build(ceo, LAST)
    assert [row.gap.title for row in now.exposed] == ["Quantum sensing"]
    assert now.benefits == 125000 + 5000 + 1 and now.costs == 45000 and now.kpis_met == (0, 0)
    assert now.escalations == [] and [i.decision for i in now.decided] == ["exit"]
    again = boardpack.build(ceo, LAST, as_of=moment)
    assert boardpack.html(again) == boardpack.html(before)
    assert (again.benefits, again.costs, again.kpis_met) == (134000, 40000, (1, 1))
    assert again.decisions_needed and not again.decided

    # Redefining the KPI later (no longer revenue nor a benefit, lower is better) changes
    # nothing of the past either.
    metrics.kpi_update(actor=ceo, kpi=revenue, data={"figure": "", "is_benefit": False,
                                                     "direction": "lower"})  # fmt: skip
    assert boardpack.build(ceo, LAST).benefits == 0
    assert boardpack.html(boardpack.build(ceo, LAST, as_of=moment)) == boardpack.html(before)


def test_a_day_to_come_or_not_a_day_is_refused_as_the_as_of(world, tmp_path):
    client = client_for(world["ceo"])
    tomorrow = TODAY + dt.timedelta(days=1)
    for text, says in ((str(tomorrow), "has not come yet"), ("15/10/2026", "not a day")):
        page = client.get("/portfolio/board-pack/", {"quarter": periods.label(LAST),
                                                      "as_of": text})  # fmt: skip
        assert page.status_code == 400 and says in page.content.decode()
    shown = client.get("/portfolio/board-pack/", {"quarter": periods.label(LAST),
                                                   "as_of": str(TODAY)})  # fmt: skip
    assert shown.status_code == 200 and f"as of {TODAY:%Y-%m-%d} 23:59" in shown.content.decode()
    target = tmp_path / "pack.html"
    done = CliRunner().invoke(app, ["report", "board", "--quarter", periods.label(LAST), "-o",
                                    str(target), "--as-of", str(tomorrow)])  # fmt: skip
    assert done.exit_code == 2 and "has not come yet" in done.output and not target.exists()


def test_an_escalation_late_then_stays_late_in_that_days_pack(world, personas):
    ceo, manager, grid = world["ceo"], personas["manager"], world["grid"]
    trouble = escalations.escalation_raise(
        actor=manager, partnership=grid, data={"title": "Data access blocked", "severity": "high"},
        path=[manager, ceo],
    )  # fmt: skip
    month_ago = timezone.now() - dt.timedelta(days=30)
    Escalation.objects.filter(pk=trouble.pk).update(raised_at=month_ago, level_since=month_ago)
    moment = timezone.now()
    [late] = boardpack.build(ceo, LAST, as_of=moment).escalations
    assert (late.level, late.late_hours > 24 * 28) == (0, True)
    trouble.refresh_from_db()
    trouble = escalations.escalation_step_up(actor=manager, escalation=trouble)
    escalations.escalation_resolve(actor=ceo, escalation=trouble, resolution="Granted.")
    assert boardpack.build(ceo, LAST).escalations == []
    [then] = boardpack.build(ceo, LAST, as_of=moment).escalations
    assert (then.level, then.level_since, then.late_hours) == (0, month_ago, late.late_hours)
