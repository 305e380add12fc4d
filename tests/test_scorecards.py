"""Executive scorecards: per sponsor, KPIs against last quarter's targets, health and overdue
items, in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.accounts.services import user_create
from accord.governance import services as governance
from accord.metrics import periods, services
from accord.metrics.models import HealthQuestion, SurveyRespondent
from accord.metrics.surveys import answers_submit, round_open
from accord.partnerships import services as partnerships
from accord.pilots import milestones
from accord.pilots import services as pilots
from accord.portfolio.selectors import scorecards
from tests.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST = periods.shift(periods.quarter_of(TODAY), -1)


def _partnership(manager, sponsor, org, title, **extra):
    return partnerships.partnership_create(
        actor=manager, data={"title": title, "type": "rd_alliance", "executive_sponsor": sponsor,
                             **extra},
        parties=[(org, "partner")],
    )  # fmt: skip


@pytest.fixture
def world(personas, org_a, org_b):
    admin, manager = personas["admin"], personas["manager"]
    ceo = personas["executive"]
    cto = user_create(actor=admin, username="cto", role="executive", password=PASSWORD)
    grid = _partnership(manager, ceo, org_a, "Grid alliance")
    lab = _partnership(manager, cto, org_b, "Lab alliance")
    hidden = _partnership(admin, cto, org_b, "Sealed deal", is_confidential=True)
    revenue = services.kpi_create(actor=manager, data={
        "name": "Revenue", "category": "business", "unit": "EUR", "is_money": True,
        "is_benefit": True})  # fmt: skip
    patents = services.kpi_create(actor=manager, data={
        "name": "Patents", "category": "innovation", "unit": "patents"})  # fmt: skip
    # Grid: revenue 60 + 50 = 110 against 100 (met); patents 1 against 3 (missed).
    for day, value in ((LAST, 60), (LAST + dt.timedelta(days=40), 50)):
        services.observation_record(actor=manager, partnership=grid, kpi=revenue, observed_on=day,
                                    value=value, currency="EUR")  # fmt: skip
    services.observation_record(actor=manager, partnership=grid, kpi=patents, observed_on=LAST,
                                value=1)  # fmt: skip
    services.target_set(actor=manager, partnership=grid, kpi=revenue, quarter=LAST, value=100,
                        currency="EUR")  # fmt: skip
    services.target_set(actor=manager, partnership=grid, kpi=patents, quarter=LAST, value=3)
    # Grid: an undecided pilot past its timebox, a late milestone, a late action item.
    pilots.pilot_create(actor=manager, partnership=grid, data={
        "title": "Late pilot", "hypothesis": "h", "starts_on": TODAY - dt.timedelta(days=90),
        "ends_on": TODAY - dt.timedelta(days=5), "status": "running"})  # fmt: skip
    milestones.milestone_create(actor=manager, partnership=grid, data={
        "title": "Late milestone", "due_on": TODAY - dt.timedelta(days=2)})  # fmt: skip
    committee = governance.committee_create(actor=manager, partnership=grid,
                                            data={"name": "Steering"})  # fmt: skip
    late = TODAY - dt.timedelta(days=1)
    governance.action_item_create(actor=manager, committee=committee, data={
        "title": "Late action", "owner": manager, "due_on": late})  # fmt: skip
    links: dict[str, str] = {}

    def keep(_subject: str, body: str, address: str) -> None:
        links[address] = body.split()[-1]

    round_open(actor=manager, partnership=grid, title="Check", ours=["a@ours.example"],
               theirs=["b@them.example"], closes_at=timezone.now() + dt.timedelta(days=3),
               link_for=lambda raw: raw, deliver=keep)  # fmt: skip
    for address, score in (("a@ours.example", 5), ("b@them.example", 3)):
        answers_submit(raw=links[address],
                       answers={q.value: {"score": score} for q in HealthQuestion})  # fmt: skip
    return {"manager": manager, "viewer": personas["viewer"], "grid": grid, "lab": lab,
            "hidden": hidden, "ceo": ceo, "cto": cto}  # fmt: skip


def test_each_sponsor_sees_kpis_health_and_overdue(world):
    quarter, cards = scorecards(world["viewer"])
    assert quarter == LAST
    by_sponsor = {card.sponsor.get_username(): card for card in cards}
    assert set(by_sponsor) == {"executive", "cto"}
    [grid] = by_sponsor["executive"].rows
    assert (grid.kpis.met, grid.kpis.targets) == (1, 2)
    assert (grid.health.ours, grid.health.theirs, grid.health.gap) == (
        Decimal("5.00"), Decimal("3.00"), Decimal("2.00"))  # fmt: skip
    assert (grid.overdue.pilots, grid.overdue.milestones, grid.overdue.actions) == (1, 1, 1)
    titles = [row.partnership.title for row in by_sponsor["cto"].rows]
    assert titles == ["Lab alliance"], "the confidential partnership stays hidden"
    assert SurveyRespondent.objects.filter(answered_at__isnull=False).count() == 2


def test_the_page_shows_them_in_constant_queries(world, org_a):
    client = client_for(world["viewer"])
    client.get("/portfolio/scorecards/")
    with CaptureQueriesContext(connection) as before:
        page = client.get("/portfolio/scorecards/")
    assert b"Grid alliance" in page.content and b"Sealed deal" not in page.content
    assert b"1 / 2" in page.content and b"+2.00" in page.content
    patents = services.Kpi.objects.get(name="Patents")
    for n in range(4):
        extra = _partnership(world["manager"], world["ceo"], org_a, f"More {n}")
        services.target_set(actor=world["manager"], partnership=extra, kpi=patents, quarter=LAST,
                            value=1)  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        client.get("/portfolio/scorecards/")
    assert len(after) == len(before)
    assert client_for(world["cto"]).get("/portfolio/scorecards/").status_code == 200
