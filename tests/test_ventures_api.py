"""The venture portfolio's API: lists with filters, edits with versions, cash flows and marks
recorded and deleted, and the returns of a fund and of an investment as the pages show them."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import Client

from accord.core.models import AuditEvent
from accord.partnerships import services as partnerships
from accord.ventures import services
from accord.ventures.models import CashFlow, Fund, Investment, Mark
from tests.conftest import bearer, client_for

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 1)


@pytest.fixture
def ventures(personas):
    return personas["ventures"]


@pytest.fixture
def api(ventures) -> Client:
    return Client(**bearer(ventures))


@pytest.fixture
def fund(ventures) -> Fund:
    return services.fund_create(actor=ventures, data={
        "name": "Northwind Ventures I", "currency": "EUR", "committed_capital": Decimal("50e6"),
        "vintage": 2025,
    })  # fmt: skip


def _send(client: Client, method: str, path: str, body: dict | None = None, **headers):
    return client.generic(method, f"/api/v1{path}", json.dumps(body or {}),
                          content_type="application/json", **headers)  # fmt: skip


def _invest(client: Client, fund: Fund, organization, **extra) -> dict:
    body = {
        "fund": fund.pk,
        "organization": organization.pk,
        "round": "seed",
        "instrument": "equity",
        "invested_on": str(DAY),
        "amount": "1000000",
        **extra,
    }
    response = _send(client, "POST", "/investments", body)
    assert response.status_code == 201, response.json()
    return response.json()


def _fields(response) -> list[str | None]:
    assert 400 <= response.status_code < 500, (response.status_code, response.content)
    return [detail["field"] for detail in response.json()["error"]["details"]]


def test_an_investment_marked_up_gives_its_returns_as_of_a_day(api, fund, org_a):
    investment = _invest(api, fund, org_a, ownership="12.5")
    assert investment["currency"] == "EUR", "the fund's currency by default"
    assert investment["organization"] == {"id": org_a.pk, "name": org_a.name}
    flow = _send(api, "POST", "/cash-flows", {"investment": investment["id"], "kind":
                 "investment", "on": str(DAY), "amount": "1000000"})  # fmt: skip
    assert flow.status_code == 201 and flow.json()["fund"] == fund.pk
    mark = _send(
        api,
        "POST",
        "/marks",
        {
            "investment": investment["id"],
            "on": "2025-09-01",
            "fair_value": "2500000",
            "method": "last_round",
        },
    )
    assert mark.status_code == 201, mark.json()

    figures = api.get(f"/api/v1/investments/{investment['id']}/returns?as_of=2026-03-01").json()
    # 1.0 M in on 2025-03-01, worth 2.5 M a year later: x2.5, 150% a year.
    assert figures["moic"] == pytest.approx(2.5) and figures["irr"] == pytest.approx(1.5)
    assert figures["irr_roots"] == [pytest.approx(1.5)]
    assert Decimal(figures["paid_in"]) == Decimal("1e6") and figures["currency"] == "EUR"
    assert Decimal(figures["nav"]) == Decimal("2.5e6")
    assert figures["undefined"] == {} and figures["hidden"] == 0
    fund_figures = api.get(f"/api/v1/funds/{fund.pk}/returns?as_of=2026-03-01").json()
    assert fund_figures["tvpi"] == pytest.approx(2.5) and fund_figures["dpi"] == 0
    before = api.get(f"/api/v1/investments/{investment['id']}/returns?as_of=2025-06-01").json()
    assert before["moic"] == pytest.approx(1.0), "held at cost until first marked"


def test_returns_without_anything_paid_in_say_why_each_figure_is_undefined(api, fund):
    figures = api.get(f"/api/v1/funds/{fund.pk}/returns").json()
    assert figures["irr"] is None and figures["tvpi"] is None
    assert "nothing was paid in" in figures["undefined"]["tvpi"]
    assert figures["as_of"] == str(dt.date.today())


def test_lists_are_paged_and_filtered_by_fund(api, ventures, fund, org_a, org_b):
    other = services.fund_create(actor=ventures, data={
        "name": "Side fund", "currency": "EUR", "committed_capital": Decimal("1e6"),
        "vintage": 2024})  # fmt: skip
    for organization in (org_a, org_b):
        _invest(api, fund, organization)
    _invest(api, other, org_a, round="series_a")
    page = api.get(f"/api/v1/investments?fund={fund.pk}&limit=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1
    assert api.get("/api/v1/investments?round=series_a").json()["count"] == 1
    assert api.get("/api/v1/funds?vintage=2024").json()["items"][0]["name"] == "Side fund"
    [refused] = _fields(api.get("/api/v1/investments?round=nonsense"))
    assert refused is not None and "round" in refused


def test_an_edit_carries_its_version_and_a_stale_one_is_refused(api, fund, org_a):
    investment = _invest(api, fund, org_a)
    path = f"/investments/{investment['id']}"
    got = api.get(f"/api/v1{path}")
    etag = got["ETag"]
    assert etag == 'W/"0"'
    changed = _send(api, "PATCH", path, {"status": "exited"}, HTTP_IF_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["status"] == "exited"
    assert changed["ETag"] == 'W/"1"'
    stale = _send(api, "PATCH", path, {"notes": "late"}, HTTP_IF_MATCH=etag)
    assert stale.status_code == 412 and stale["ETag"] == 'W/"1"'
    conflict = _send(api, "PATCH", path, {"notes": "late", "version": 0})
    assert conflict.status_code == 409
    fund_edit = _send(
        api, "PATCH", f"/funds/{fund.pk}", {"strategy": "Industrial AI", "version": fund.version}
    )
    assert fund_edit.json()["strategy"] == "Industrial AI" and fund_edit["ETag"] == 'W/"1"'


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fund": 987654}, "fund"),
        ({"organization": 987654}, "organization"),
        ({"ownership": "100.5"}, "ownership"),
        ({"currency": "USD"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"pre_money": "9000000", "post_money": "8000000"}, "post_money"),
        ({"invested_on": "2025-02-30"}, "invested_on"),
        ({"round": "series_z"}, "round"),
    ],
)
def test_bad_investments_are_refused_naming_the_field_and_nothing_is_written(
    api, fund, org_a, change, field
):
    body = {"fund": fund.pk, "organization": org_a.pk, "round": "seed", "instrument": "equity",
            "invested_on": str(DAY), "amount": "1000", **change}  # fmt: skip
    response = _send(api, "POST", "/investments", body)
    assert field in _fields(response), response.json()
    assert response.json()["error"]["details"][0]["message"]
    assert not Investment.objects.exists()


def test_a_mark_before_the_investment_or_without_a_rate_is_refused(api, fund, org_a):
    investment = _invest(api, fund, org_a)
    early = _send(
        api,
        "POST",
        "/marks",
        {"investment": investment["id"], "on": "2025-01-01", "fair_value": "5", "method": "cost"},
    )
    assert _fields(early) == ["on"]
    assert "cannot come before the investment" in early.json()["error"]["details"][0]["message"]
    no_rate = _send(api, "POST", "/marks", {"investment": investment["id"], "on": "2025-06-01",
                                            "fair_value": "5", "method": "cost",
                                            "currency": "GBP"})  # fmt: skip
    assert _fields(no_rate) == ["currency"]
    unknown = _send(
        api,
        "POST",
        "/marks",
        {"investment": 987654, "on": "2025-06-01", "fair_value": "5", "method": "cost"},
    )
    assert _fields(unknown) == ["investment"]
    neither = _send(api, "POST", "/cash-flows", {"kind": "fee", "on": "2025-06-01", "amount": "5"})
    assert _fields(neither) == ["fund"]
    assert Mark.objects.count() == 0 and CashFlow.objects.count() == 0


def test_a_bad_as_of_is_refused_naming_it(api, fund):
    response = api.get(f"/api/v1/funds/{fund.pk}/returns?as_of=2025-02-30")
    assert _fields(response) == ["as_of"]


def test_cash_flows_and_marks_are_deleted_and_the_deletion_audited(api, fund, org_a):
    investment = _invest(api, fund, org_a)
    flow = _send(
        api,
        "POST",
        "/cash-flows",
        {"fund": fund.pk, "kind": "capital_call", "on": "2025-02-01", "amount": "2000000"},
    ).json()
    mark = _send(
        api,
        "POST",
        "/marks",
        {
            "investment": investment["id"],
            "on": "2025-06-01",
            "fair_value": "5",
            "method": "write_down",
        },
    ).json()
    assert _send(api, "DELETE", f"/cash-flows/{flow['id']}").status_code == 204
    assert _send(api, "DELETE", f"/marks/{mark['id']}").status_code == 204
    assert not CashFlow.objects.exists() and not Mark.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).count() == 2


def test_option_rights_are_listed_by_deadline_and_their_status_changed(api, fund, org_a):
    investment = _invest(api, fund, org_a)
    for kind, deadline in (("rofr", "2027-01-01"), ("pro_rata", "2026-01-01")):
        created = _send(
            api,
            "POST",
            "/option-rights",
            {"investment": investment["id"], "kind": kind, "deadline": deadline},
        )
        assert created.status_code == 201
    listed = api.get("/api/v1/option-rights?status=open").json()["items"]
    assert [o["kind"] for o in listed] == ["pro_rata", "rofr"]
    waived = _send(api, "PATCH", f"/option-rights/{listed[0]['id']}", {"status": "waived"})
    assert waived.json()["status"] == "waived"
    assert api.get("/api/v1/option-rights?due_by=2026-06-01&status=open").json()["count"] == 0


def test_other_roles_get_what_the_policy_says(personas, fund, org_a, ventures):
    services.investment_create(actor=ventures, data={
        "fund": fund, "organization": org_a, "round": "seed", "instrument": "safe",
        "invested_on": DAY, "amount": Decimal("5"), "currency": "EUR"})  # fmt: skip
    executive = Client(**bearer(personas["executive"]))
    assert executive.get("/api/v1/investments").json()["count"] == 1
    assert _send(executive, "POST", "/funds", {"name": "X"}).status_code == 403
    for role in ("manager", "viewer", "contributor"):
        assert Client(**bearer(personas[role])).get("/api/v1/funds").status_code == 403, role
    partner = Client(**bearer(personas["partner_a"]))
    assert partner.get(f"/api/v1/funds/{fund.pk}/returns").status_code == 404
    assert client_for(None).get("/api/v1/funds").status_code == 401


def test_a_confidential_partnerships_investment_is_left_out_for_those_outside_it(
    personas, fund, org_a, org_b, ventures
):
    admin = personas["admin"]
    secret = partnerships.partnership_create(
        actor=admin, data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    hidden = services.investment_create(actor=admin, data={
        "fund": fund, "organization": org_b, "partnership": secret, "round": "seed",
        "instrument": "equity", "invested_on": DAY, "amount": Decimal("3e6"),
        "currency": "EUR"})  # fmt: skip
    services.cash_flow_record(actor=admin, data={"investment": hidden, "kind": "investment",
                              "on": DAY, "amount": Decimal("3e6"), "currency": "EUR"})  # fmt: skip
    api = Client(**bearer(ventures))
    assert api.get("/api/v1/investments").json()["count"] == 0
    assert api.get(f"/api/v1/investments/{hidden.pk}").status_code == 404
    assert api.get("/api/v1/cash-flows").json()["count"] == 0
    figures = api.get(f"/api/v1/funds/{fund.pk}/returns").json()
    assert figures["hidden"] == 1 and Decimal(figures["paid_in"]) == 0
    linking = _send(api, "POST", "/investments", {
        "fund": fund.pk, "organization": org_a.pk, "partnership": secret.pk, "round": "seed",
        "instrument": "equity", "invested_on": str(DAY), "amount": "1"})  # fmt: skip
    assert _fields(linking) == ["partnership"]
    admin_view = Client(**bearer(admin)).get(f"/api/v1/funds/{fund.pk}/returns").json()
    assert admin_view["hidden"] == 0 and Decimal(admin_view["paid_in"]) == Decimal("3e6")
