"""A page of an earlier app shows what later apps contribute, and still renders without them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accord.core import contributions
from accord.core.contributions import GAP_PAGE, contributed, contributes_to
from accord.partnerships import services as partnerships
from accord.strategy import services as strategy
from tests.conftest import client_for


def test_a_contribution_to_an_unknown_page_is_refused_when_registered():
    with pytest.raises(LookupError, match=r"no extension point named 'strategy\.gap_page'"):
        contributes_to("strategy.gap_page")


def test_a_gap_page_shows_the_partnerships_that_address_it(personas, org_a):
    admin = personas["admin"]
    priority = strategy.priority_create(actor=admin, data={"title": "Grow", "horizon_year": 2030})
    gap = strategy.gap_create(actor=admin, data={"priority": priority, "title": "Vision"})
    partnerships.partnership_create(
        actor=admin,
        data={"title": "Lumen alliance", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
        gaps=[gap],
    )
    assert [p.title for p in contributed(GAP_PAGE, admin, gap)["partnerships"]] == [
        "Lumen alliance"
    ]
    page = client_for(personas["viewer"]).get(reverse("strategy:gap_detail", args=[gap.pk]))
    assert "Lumen alliance" in page.content.decode()


def test_a_gap_page_renders_when_no_app_contributes(personas, monkeypatch):
    admin = personas["admin"]
    priority = strategy.priority_create(actor=admin, data={"title": "Grow", "horizon_year": 2030})
    gap = strategy.gap_create(actor=admin, data={"priority": priority, "title": "Vision"})
    monkeypatch.setitem(contributions._contributors, GAP_PAGE, [])
    page = client_for(personas["viewer"]).get(reverse("strategy:gap_detail", args=[gap.pk]))
    assert page.status_code == 200
    assert "No partnership addresses this gap yet." in page.content.decode()
