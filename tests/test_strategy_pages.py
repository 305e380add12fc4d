"""Strategy pages: create, edit, archive and reorder through the client; traceability."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.strategy import services
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from tests.conftest import client_for

THIS_YEAR = timezone.localdate().year
# Session, user, then: priorities, gaps, plays, play partnerships, direct partnerships and
# gap coverage (three). The same at any size.
TRACEABILITY_QUERIES = 10
# Session, user, priorities, their gaps and gap coverage (three).
OVERVIEW_QUERIES = 7


@pytest.fixture
def chain(admin_user, org_a):
    """Priority → gap → play → partnership, plus a partnership naming the gap directly."""
    priority = services.priority_create(
        actor=admin_user, data={"title": "Grow in Asia", "horizon_year": THIS_YEAR + 4}
    )
    gap = services.gap_create(
        actor=admin_user,
        data={"priority": priority, "title": "Japanese distribution", "kind": "channel"},
    )
    play = services.play_create(
        actor=admin_user, data={"title": "Find a distributor", "type": "distribution"}, gaps=[gap]
    )
    via_play = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Alpha distribution deal", "type": "distribution", "play": play},
        parties=[(org_a, "partner")],
    )
    direct = partnerships.partnership_create(
        actor=admin_user,
        data={"title": "Tokyo channel pilot", "type": "channel"},
        parties=[(org_a, "partner")],
        gaps=[gap],
    )
    # Stages move through gates (another service); here the pilot is simply under way.
    Partnership.objects.filter(pk=direct.pk).update(stage="piloting")
    direct.refresh_from_db()
    return {"priority": priority, "gap": gap, "play": play, "via_play": via_play, "direct": direct}


def test_manager_creates_a_priority_through_the_form(personas):
    client = client_for(personas["manager"])
    response = client.post(
        reverse("strategy:priority_create"),
        {"title": "Own the edge", "horizon_year": THIS_YEAR + 5, "weight": 3, "status": "active"},
    )
    priority = StrategicPriority.objects.get(title="Own the edge")
    assert response.status_code == 302 and response["Location"] == priority.get_absolute_url()
    event = AuditEvent.objects.get(model="strategy.strategicpriority", object_id=str(priority.pk))
    assert event.channel == "web" and event.actor == personas["manager"]


def test_priority_form_shows_the_horizon_error_and_saves_nothing(personas):
    client = client_for(personas["executive"])
    response = client.post(
        reverse("strategy:priority_create"),
        {"title": "Too far", "horizon_year": THIS_YEAR + 40, "weight": 1, "status": "active"},
    )
    assert response.status_code == 200
    assert "horizon year must be from" in response.content.decode()
    assert not StrategicPriority.objects.exists()


def test_gap_create_prefills_the_priority_and_refuses_a_past_target_date(chain, admin_client):
    url = reverse("strategy:gap_create") + f"?priority={chain['priority'].pk}"
    page = admin_client.get(url).content.decode()
    assert f'<option value="{chain["priority"].pk}" selected>' in page
    past = timezone.localdate() - dt.timedelta(days=3)
    data = {"priority": chain["priority"].pk, "title": "Late", "kind": "data", "importance": 4,
            "status": "open", "target_date": past.isoformat()}  # fmt: skip
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "cannot be in the past" in response.content.decode()
    assert not CapabilityGap.objects.filter(title="Late").exists()
    data["target_date"] = (timezone.localdate() + dt.timedelta(days=90)).isoformat()
    response = admin_client.post(url, data)
    gap = CapabilityGap.objects.get(title="Late")
    assert response["Location"] == gap.get_absolute_url()


def test_edit_pages_change_and_audit_the_objects(chain, admin_client):
    gap = chain["gap"]
    response = admin_client.post(
        reverse("strategy:gap_edit", args=[gap.pk]),
        {
            "priority": gap.priority_id,
            "title": gap.title,
            "kind": "geography",
            "importance": 5,
            "status": "addressing",
        },
    )
    assert response.status_code == 302
    gap.refresh_from_db()
    assert (gap.kind, gap.importance, gap.status) == ("geography", 5, "addressing")
    play = chain["play"]
    admin_client.post(
        reverse("strategy:play_edit", args=[play.pk]),
        {
            "title": "Find two distributors",
            "type": "distribution",
            "gaps": [gap.pk],
            "budget": "1000",
            "status": "active",
        },
    )
    play.refresh_from_db()
    assert play.title == "Find two distributors" and str(play.budget) == "1000.00"
    history = admin_client.get(reverse("strategy:play_detail", args=[play.pk]) + "?tab=history")
    assert "Find two distributors" in history.content.decode()


def test_play_form_refuses_a_negative_budget(chain, admin_client):
    response = admin_client.post(
        reverse("strategy:play_create"),
        {"title": "Cheap", "type": "licensing", "budget": "-5", "status": "proposed"},
    )
    assert response.status_code == 200
    assert "budget cannot be negative" in response.content.decode()
    assert not PartnershipPlay.objects.filter(title="Cheap").exists()


def test_archive_hides_a_priority_from_the_overview_until_asked(chain, admin_client):
    priority = chain["priority"]
    confirm = admin_client.get(reverse("strategy:priority_archive", args=[priority.pk]))
    assert "Archive Grow in Asia?" in confirm.content.decode()
    response = admin_client.post(reverse("strategy:priority_archive", args=[priority.pk]))
    assert "was archived" in admin_client.get(response["Location"]).content.decode()
    priority.refresh_from_db()
    assert priority.status == "archived"
    overview = admin_client.get(reverse("strategy:overview")).content.decode()
    assert "Grow in Asia" not in overview
    assert "Grow in Asia" in admin_client.get("/strategy/?archived=1").content.decode()


def test_gap_and_play_archive(chain, admin_client):
    admin_client.post(reverse("strategy:gap_archive", args=[chain["gap"].pk]))
    response = admin_client.post(reverse("strategy:play_archive", args=[chain["play"].pk]))
    admin_client.get(response["Location"])  # shows (and uses up) the confirmation
    assert CapabilityGap.objects.get().status == "archived"
    assert PartnershipPlay.objects.get().status == "archived"
    assert "Find a distributor" not in admin_client.get("/strategy/plays/").content.decode()


def test_overview_lists_priorities_in_order_with_gap_coverage(chain, admin_user, admin_client):
    second = services.priority_create(
        actor=admin_user, data={"title": "Zero waste", "horizon_year": THIS_YEAR + 2}
    )
    page = admin_client.get(reverse("strategy:overview")).content.decode()
    assert page.index("Grow in Asia") < page.index("Zero waste")
    assert 'data-coverage="covered"' in page  # a piloting partnership names the gap
    assert "Importance 3 of 5" in page

    admin_client.post(reverse("strategy:priority_move", args=[second.pk]), {"direction": "up"})
    page = admin_client.get(reverse("strategy:overview")).content.decode()
    assert page.index("Zero waste") < page.index("Grow in Asia")


def test_move_without_a_direction_changes_nothing(chain, admin_client):
    response = admin_client.post(reverse("strategy:gap_move", args=[chain["gap"].pk]), {})
    assert response.status_code == 302
    assert admin_client.get(reverse("strategy:gap_move", args=[chain["gap"].pk])).status_code == 405


def test_gap_detail_shows_plays_partnerships_and_a_scout_button(chain, admin_client, personas):
    gap = chain["gap"]
    page = admin_client.get(gap.get_absolute_url()).content.decode()
    assert "Find a distributor" in page
    assert "Alpha distribution deal" in page and "Tokyo channel pilot" in page
    assert f'href="/scouting/scans/new/?gap={gap.pk}" data-testid="scout"' in page
    # Who may not save scans still searches with the gap's words.
    viewer_page = client_for(personas["viewer"]).get(gap.get_absolute_url()).content.decode()
    assert 'href="/scouting/search/?text=' in viewer_page


def test_traceability_shows_the_chain_with_stage_badges(chain, admin_client):
    page = admin_client.get(reverse("traceability:tree")).content.decode()
    order = ["Grow in Asia", "Japanese distribution", "Find a distributor",
             "Alpha distribution deal", "Tokyo channel pilot"]  # fmt: skip
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert 'data-stage="piloting"' in page and 'data-stage="candidate"' in page
    assert f'href="{chain["direct"].get_absolute_url()}"' in page


def test_viewer_reads_but_cannot_change_and_partner_sees_nothing(chain, personas):
    viewer = client_for(personas["viewer"])
    assert viewer.get(reverse("traceability:tree")).status_code == 200
    assert "New priority" not in viewer.get(reverse("strategy:overview")).content.decode()
    assert viewer.get(reverse("strategy:priority_create")).status_code == 403
    response = viewer.post(reverse("strategy:gap_archive", args=[chain["gap"].pk]))
    assert response.status_code == 403
    partner = client_for(personas["partner_a"])
    assert partner.get(chain["gap"].get_absolute_url()).status_code == 404


def _grow(actor, org, size: int) -> None:
    """`size` more priorities, each with two gaps, a play and two partnerships."""
    for n in range(size):
        priority = services.priority_create(
            actor=actor, data={"title": f"Priority {n}", "horizon_year": THIS_YEAR + 1}
        )
        gaps = [
            services.gap_create(actor=actor, data={"priority": priority, "title": f"Gap {n}.{i}"})
            for i in range(2)
        ]
        play = services.play_create(
            actor=actor, data={"title": f"Play {n}", "type": "rd_alliance"}, gaps=gaps
        )
        partnerships.partnership_create(
            actor=actor,
            data={"title": f"Via play {n}", "type": "rd_alliance", "play": play},
            parties=[(org, "partner")],
        )
        partnerships.partnership_create(
            actor=actor,
            data={"title": f"Direct {n}", "type": "rd_alliance"},
            parties=[(org, "partner")],
            gaps=gaps[:1],
        )


@pytest.mark.parametrize("role", ["admin", "viewer"])
def test_traceability_runs_the_same_queries_at_any_size(
    personas, org_a, django_assert_num_queries, role
):
    client = client_for(personas[role])
    for size in (2, 12):
        _grow(personas["admin"], org_a, size)
        with django_assert_num_queries(TRACEABILITY_QUERIES):
            response = client.get(reverse("traceability:tree"))
        assert response.status_code == 200
        assert "Via play 1" in response.content.decode()


def test_overview_runs_the_same_queries_at_any_size(personas, org_a, django_assert_num_queries):
    client = client_for(personas["manager"])
    for size in (2, 12):
        _grow(personas["admin"], org_a, size)
        with django_assert_num_queries(OVERVIEW_QUERIES):
            response = client.get(reverse("strategy:overview"))
        assert response.status_code == 200
        assert "Gap 1.1" in response.content.decode()
