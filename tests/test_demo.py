"""The generated demo data set: what a newcomer sees after `accord demo`.

Loading it takes a few seconds, so each test checks one whole aspect of one load.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from accord.accounts.models import User
from accord.core.models import AuditEvent
from accord.demo.directory import DEMO_USERNAME
from accord.demo.loading import load_demo
from accord.directory.models import Organization, Person
from accord.partnerships.coverage import gap_coverage
from accord.partnerships.models import EXITS, Document, Note, Partnership, Stage, Visibility
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def covering_partnerships() -> dict[int, set[int]]:
    """Which open partnerships name each gap, directly or through their play, read plainly."""
    covering: dict[int, set[int]] = defaultdict(set)
    for partnership in Partnership.objects.exclude(stage__in=EXITS).prefetch_related(
        "gaps", "play__gaps"
    ):
        gaps = set(partnership.gaps.all())
        if partnership.play is not None:
            gaps |= set(partnership.play.gaps.all())
        for gap in gaps:
            covering[gap.pk].add(partnership.pk)
    return covering


def test_demo_holds_a_strategy_and_a_pipeline_with_history_and_coverage_tells_the_truth():
    summary = load_demo()
    assert summary["organizations"] == Organization.objects.count() >= 300
    assert Person.objects.count() >= 800
    assert StrategicPriority.objects.count() >= 3
    assert CapabilityGap.objects.count() >= 25
    assert PartnershipPlay.objects.count() >= 5
    assert Partnership.objects.count() >= 60
    assert set(Partnership.objects.values_list("stage", flat=True)) == set(Stage.values)

    for partnership in Partnership.objects.exclude(stage=Stage.CANDIDATE).prefetch_related(
        "transitions"
    ):
        moves = sorted(partnership.transitions.all(), key=lambda t: (t.at, t.pk))
        assert moves, f"{partnership.title} reached {partnership.stage} without a transition"
        assert moves[-1].to_stage == partnership.stage
        assert all(move.reason and move.actor_name for move in moves)
    assert AuditEvent.objects.filter(model="partnerships.partnership").count() >= 60

    admin = User.objects.get(username=DEMO_USERNAME)
    coverage = {row.gap.pk: row for row in gap_coverage(admin)}
    truth = covering_partnerships()
    for gap_id, row in coverage.items():
        assert set(row.partnership_ids) == truth.get(gap_id, set()), row.gap.title
    uncovered = [row for row in coverage.values() if row.status == "uncovered"]
    assert len(uncovered) >= 3
    assert all(row.gap.importance >= 2 for row in uncovered)


def test_demo_is_loaded_once_and_every_persona_finds_something():
    load_demo()
    counts = (Organization.objects.count(), Partnership.objects.count(), Note.objects.count())
    again = load_demo()
    assert again["created"] == 0 and again["partnerships_created"] == 0
    assert (Organization.objects.count(), Partnership.objects.count(), Note.objects.count()) == (
        counts
    )

    admin = User.objects.get(username=DEMO_USERNAME)
    home = client_for(admin).get("/")
    assert home.status_code == 200
    assert home.context["mine"], "the demo login owns, sponsors or works on no partnership"
    assert home.context["reviews"] and home.context["renewals"]

    partner = User.objects.get(username="partner")
    workspace = client_for(partner).get("/workspace/")
    assert workspace.status_code == 200
    shared = Partnership.objects.filter(parties__organization=partner.organization)
    assert shared.exists()
    assert Note.objects.filter(partnership__in=shared, visibility=Visibility.SHARED).exists()
    assert Note.objects.filter(partnership__in=shared, visibility=Visibility.INTERNAL).exists()
    assert Document.objects.filter(partnership__in=shared, visibility=Visibility.SHARED).exists()
    detail = client_for(partner).get(f"/workspace/{shared.first().pk}/").content.decode()
    assert "Steering committee agenda" in detail
    assert "do not concede" not in detail


def test_demo_has_a_scored_screening_round_that_ranks(db):
    from accord.screening.models import Screening
    from accord.screening.results import screening_results

    load_demo()
    screening = Screening.objects.get()
    results = screening_results(User.objects.get(username=DEMO_USERNAME), screening, samples=200)
    assert len(results.rows) >= 3
    assert len(results.ranked) >= 2 and results.stability is not None


def test_demo_has_scans_with_decisions_for_the_most_important_open_gaps(db):
    from accord.demo.scouting import REJECTION, load_scouting_demo
    from accord.scouting.models import Scan, ScanCandidate

    load_demo()
    summary = load_scouting_demo()
    assert summary["scans"] == 2 == Scan.objects.count()
    for scan in Scan.objects.all():
        assert scan.gap is not None and scan.run_count == 1 and scan.candidates.count() >= 3
        assert scan.candidates.filter(status="shortlisted").count() == 2
    assert ScanCandidate.objects.filter(status="rejected", reject_reason=REJECTION).exists()
    assert load_scouting_demo() == {}  # loaded once


def test_demo_partners_find_joint_kpis_and_shared_health_checks():
    from accord.demo.metrics import JOINT
    from accord.metrics.selectors import scorecard
    from accord.metrics.workspace_views import shared_health
    from accord.partnerships.selectors import workspace_partnerships

    load_demo()
    kpis: set[str] = set()
    rounds = 0
    for partner in User.objects.filter(role="partner"):
        for partnership in workspace_partnerships(partner):
            kpis |= {line.kpi.name for line in scorecard(partner, partnership)}
            rounds += len(shared_health(partner, partnership))
    assert kpis == JOINT and rounds > 0


def test_demo_has_a_venture_fund_with_returns_and_an_option_right_due_soon():
    from django.utils import timezone

    from accord.notifications.models import Kind, Notification
    from accord.ventures import selectors
    from accord.ventures.models import Fund, Investment, Mark

    load_demo()
    cvc = User.objects.get(username="cvc")
    fund = Fund.objects.get(name="Accord Ventures I")
    assert (fund.currency, fund.committed_capital, fund.vintage) == ("EUR", 60_000_000, 2023)
    investments = Investment.objects.filter(fund=fund)
    assert investments.count() == 12
    assert len(set(investments.values_list("round", flat=True))) >= 5
    assert set(investments.values_list("instrument", flat=True)) == {
        "equity",
        "safe",
        "convertible_note",
    }
    assert investments.filter(status="exited").count() == 1
    assert investments.filter(partnership__type="cvc").count() == 3
    assert Mark.objects.filter(method="write_down").exists()
    today = timezone.localdate()
    soon = selectors.options_due(cvc, today, days=14)
    assert soon and Notification.objects.filter(user=cvc, kind=Kind.OPTION_DEADLINE).exists()
    figures = selectors.fund_returns(cvc, fund, today).figures
    assert figures is not None and figures.irr is not None and figures.dpi > 0
    page = client_for(cvc).get(f"/ventures/funds/{fund.pk}/")
    assert page.status_code == 200 and "Accord Ventures I" in page.content.decode()
    flags = selectors.kpi_flags(cvc)
    admin = User.objects.get(username="demo")
    answered = [r for r in selectors.kpi_request_rows(admin) if r.answered_at is not None]
    assert len({r.period for r in answered}) == 2, "two quarters of company figures"
    assert len(answered) == 8
    assert any("runway 4" in str(flag) for _, found in flags for flag in found)
    shown = client_for(admin).get(answered[0].investment.get_absolute_url()).content.decode()
    assert "kpi-trend" in shown or "Company figures" in shown
