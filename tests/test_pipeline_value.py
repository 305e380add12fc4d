"""A pipeline with economics: deal value and expected close on a partnership, totals and the
value weighted by each stage's likelihood of a win on the board and the list."""

from __future__ import annotations

from decimal import Decimal

from accord.partnerships import services
from accord.partnerships.models import WIN_LIKELIHOOD, Partnership
from accord.partnerships.selectors import pipeline_value, stage_totals
from tests.conftest import bearer, client_for


def deal(actor, title: str, stage: str, value: str | None) -> Partnership:
    partnership = services.partnership_create(
        actor=actor,
        data={"title": title, "type": "licensing", "deal_value": value and Decimal(value)},
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage=stage)
    return partnership


def test_the_board_totals_each_stage_and_weighs_it(personas):
    manager = personas["manager"]
    deal(manager, "A", "negotiating", "100000")
    deal(manager, "B", "negotiating", "50000.40")
    deal(manager, "C", "piloting", "200000")
    deal(manager, "D", "candidate", None)
    deal(manager, "E", "exited", "999999")  # out of the pipeline: not counted
    assert WIN_LIKELIHOOD["negotiating"] == 0.4 and WIN_LIKELIHOOD["piloting"] == 0.6
    value, weighted = pipeline_value(stage_totals(Partnership.objects.all()))
    assert value == Decimal("350000.40")
    assert weighted == Decimal("60000.16") + Decimal("120000.00")
    board = client_for(manager).get("/partnerships/board/").content.decode()
    assert "Deal value in the pipeline 350,000; weighted by each stage" in board
    assert "150,000 · 60,000" in board and "200,000 · 120,000" in board
    listed = client_for(manager).get("/partnerships/", {"stage": "negotiating"}).content.decode()
    assert "Open deals among them 150,000; weighted" in listed and "60,000" in listed


def test_deal_value_is_edited_shown_and_audited_in_words(personas, partnership):
    manager = client_for(personas["manager"])
    page = manager.get(f"/partnerships/{partnership.pk}/edit/").content.decode()
    assert 'name="deal_value"' in page and 'name="expected_close"' in page
    services.partnership_update(
        actor=personas["manager"], partnership=partnership, expected_version=partnership.version,
        data={"deal_value": Decimal("250000"), "expected_close": "2027-03-31"},
    )  # fmt: skip
    detail = manager.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "250,000" in detail and "close by 2027-03-31" in detail
    history = manager.get(f"/partnerships/{partnership.pk}/?tab=history").content.decode()
    assert "<strong>Deal value</strong>" in history and "<strong>Expected close</strong>" in history


def test_the_api_reads_and_writes_the_deal_and_refuses_a_negative_value(personas, partnership):
    headers = bearer(personas["manager"])
    client = client_for(None)
    url = f"/api/v1/partnerships/{partnership.pk}"
    refused = client.patch(url, {"deal_value": "-5"}, content_type="application/json", **headers)
    assert refused.status_code == 422 and "deal_value" in refused.content.decode()
    partnership.refresh_from_db()
    assert partnership.deal_value is None
    done = client.patch(
        url, {"deal_value": "1200.50", "expected_close": "2027-01-15"},
        content_type="application/json", **headers,
    )  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["deal_value"] == "1200.50" and done.json()["expected_close"] == "2027-01-15"


def test_partner_users_never_see_the_deal(personas, partnership):
    Partnership.objects.filter(pk=partnership.pk).update(deal_value=Decimal("777777"))
    partner = client_for(personas["partner_a"])
    workspace = partner.get("/workspace/").content.decode()
    detail = partner.get(f"/workspace/{partnership.pk}/").content.decode()
    assert "777" not in workspace + detail


def test_a_negative_deal_value_is_refused_on_the_form_and_nothing_saved(personas, partnership):
    response = client_for(personas["manager"]).post(
        f"/partnerships/{partnership.pk}/edit/",
        {"title": partnership.title, "type": partnership.type, "deal_value": "-10",
         "version": partnership.version, "parties-TOTAL_FORMS": "0",
         "parties-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0." in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.deal_value is None
