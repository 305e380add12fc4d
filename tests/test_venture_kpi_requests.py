"""Figures asked of portfolio companies: the link goes to a real SMTP server on this machine,
works once without an account until it expires, refuses bad figures in words, and the answers
show as trends on the investment, flagged where they cross its thresholds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.partnerships import services as partnerships
from accord.ventures import jobs, kpi, services
from accord.ventures.models import Investment, KpiAnswer, KpiRequest, KpiThreshold
from tests.conftest import client_for
from tests.smtp_server import free_port

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)
KPI = "/ventures/kpi/?token="


@pytest.fixture
def clock(monkeypatch):
    now = {"at": START}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    return now


@pytest.fixture
def investment(personas, org_a) -> Investment:
    ventures = personas["ventures"]
    fund = services.fund_create(actor=ventures, data={
        "name": "Northwind Ventures I", "currency": "EUR", "committed_capital": Decimal("5e7"),
        "vintage": 2025,
    })  # fmt: skip
    return services.investment_create(actor=ventures, data={
        "fund": fund, "organization": org_a, "round": "seed", "instrument": "equity",
        "invested_on": dt.date(2025, 3, 1), "amount": Decimal("1000000"), "currency": "EUR",
    })  # fmt: skip


def _ask(client, investment, period="2026Q3", email="cfo@alpha.example", **extra):
    data = {"period": period, "email": email, "metrics": list(kpi.RULES), "custom": "ARR",
            "days": 21, **extra}  # fmt: skip
    return client.post(f"/ventures/investments/{investment.pk}/kpi-requests/", data)


FIGURES = {"figure_0": "1,250,000", "figure_1": "300000.50", "figure_2": "4",
           "figure_3": "38", "figure_4": "5000000"}  # fmt: skip


def _answer(link, figures=FIGURES):
    return Client().post(link.split("?")[0], {"token": link.split("token=")[1], **figures})


def test_a_company_answers_its_figures_and_they_show_on_the_investment(
    personas, investment, inbox, clock
):
    client = client_for(personas["ventures"])
    sent = _ask(client, investment)
    assert sent.status_code == 302, sent.content.decode()[:2000]
    message = inbox.messages[-1]
    assert message["X-Rcpt"] == "cfo@alpha.example"
    assert "Alpha Robotics" in message["Subject"] and "2026Q3" in message["Subject"]
    link = inbox.link(path=KPI)

    page = Client().get(link)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Alpha Robotics" in text and "Q3 2026 (July to September)" in text
    assert "Net burn per month (EUR a month)" in text and "ARR" in text

    assert _answer(link).status_code == 200
    request = KpiRequest.objects.get()
    assert request.answered_at == START
    values = dict(KpiAnswer.objects.values_list("metric", "value"))
    assert values == {"revenue": Decimal("1250000"), "burn": Decimal("300000.50"),
                      "runway": Decimal("4"), "headcount": Decimal("38"),
                      "ARR": Decimal("5000000")}  # fmt: skip

    detail = client.get(f"/ventures/investments/{investment.pk}/").content.decode()
    assert "answered 2026-10-05" in detail
    assert 'class="accord-chart"' in detail and "kpi-trends-figure" in detail
    assert "burn 300,000.5" in detail


def test_a_second_answer_changes_nothing_and_says_when_it_was_given(
    personas, investment, inbox, clock
):
    _ask(client_for(personas["ventures"]), investment)
    link = inbox.link(path=KPI)
    assert _answer(link).status_code == 200
    clock["at"] = START + dt.timedelta(days=2)
    again = _answer(link, {**FIGURES, "figure_0": "9"})
    assert again.status_code == 400
    assert "already answered on 2026-10-05; nothing was changed" in again.content.decode()
    assert KpiAnswer.objects.get(metric="revenue").value == Decimal("1250000")
    assert "already answered on 2026-10-05" in Client().get(link).content.decode()


def test_a_link_expires(personas, investment, inbox, clock):
    _ask(client_for(personas["ventures"]), investment, days=7)
    link = inbox.link(path=KPI)
    clock["at"] = START + dt.timedelta(days=7, seconds=1)
    late = _answer(link)
    assert late.status_code == 400
    assert "expired on 2026-10-12 09:00 UTC" in late.content.decode()
    assert not KpiAnswer.objects.exists()
    clock["at"] = START + dt.timedelta(days=6, hours=23)
    assert _answer(link).status_code == 200, "an hour before, it still worked"


@pytest.mark.parametrize(
    ("field", "typed", "words"),
    [
        ("figure_0", "lots", "“lots” is not a number"),
        ("figure_0", "NaN", "is not a number"),
        ("figure_0", "Infinity", "is not a number"),
        ("figure_0", "1,5", "Use a point for decimals"),
        ("figure_0", "", "Give a number"),
        ("figure_0", "-5", "Revenue cannot be negative"),
        ("figure_0", "1e40", "That is more than 1,000,000,000,000: check the figure"),
        ("figure_1", "12.345", "Give at most 2 decimals"),
        ("figure_2", "999", "That is more than 240"),
        ("figure_3", "-3", "Headcount cannot be negative"),
        ("figure_3", "12.5", "Give a whole number"),
        ("figure_4", "9" * 41, "at most 40 characters"),
        ("figure_4", "1\x002", "Null characters are not allowed"),
    ],
)
def test_bad_figures_are_refused_on_their_box_and_nothing_is_kept(
    personas, investment, inbox, field, typed, words
):
    _ask(client_for(personas["ventures"]), investment)
    link = inbox.link(path=KPI)
    response = _answer(link, {**FIGURES, field: typed})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not KpiAnswer.objects.exists()
    assert KpiRequest.objects.get().answered_at is None
    assert _answer(link).status_code == 200, "the link still works after a refusal"


@pytest.mark.parametrize(
    "query",
    ["", "?token=", "?token=made-up", "?token=%00%ff", "?token=" + "x" * 5000,
     "?token=a&token=b"],
)  # fmt: skip
def test_an_unknown_or_odd_link_says_it_is_not_valid(query, db):
    for response in (Client().get(f"/ventures/kpi/{query}"),
                     Client().post(f"/ventures/kpi/{query}", {"figure_0": "1"})):  # fmt: skip
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()


def test_odd_posts_to_a_good_link_never_fail(personas, investment, inbox):
    _ask(client_for(personas["ventures"]), investment)
    link = inbox.link(path=KPI)
    token = link.split("token=")[1]
    url = "/ventures/kpi/"
    for data in ({"token": token}, {"token": token, "figure_99": "1", "revenue": "5"},
                 {"token": [token, "other"], **FIGURES}):  # fmt: skip
        response = Client().post(url, data)
        assert response.status_code == 400, data
    assert not KpiAnswer.objects.exists()
    json_post = Client().post(url, '{"token": 1}', content_type="application/json")
    assert json_post.status_code == 400


def test_asking_again_for_an_open_period_replaces_its_link_and_an_answered_one_is_refused(
    personas, investment, inbox, clock
):
    client = client_for(personas["ventures"])
    _ask(client, investment, email="wrong@alpha.example")
    first = inbox.link(path=KPI)
    assert _ask(client, investment, email="cfo@alpha.example").status_code == 302
    second = inbox.link(path=KPI)
    assert KpiRequest.objects.get().email == "cfo@alpha.example"
    assert "not valid" in Client().get(first).content.decode()
    assert _answer(second).status_code == 200
    refused = _ask(client, investment)
    assert refused.status_code == 400
    assert "2026Q3 was already answered on 2026-10-05; its figures stand" in (
        refused.content.decode()
    )
    assert len(inbox.messages) == 2


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"period": "2026Q5"}, "is not a period: write a quarter as 2026Q3 or a month as 2026-07"),
        ({"period": "2026-13"}, "is not a period"),
        ({"period": "0000Q1"}, "is not a period"),
        ({"period": "9999-12"}, "is not a period"),
        ({"period": "1950Q1"}, "1950Q1 is too far from today"),
        ({"period": "2027-01"}, "2027-01 has not begun yet"),
        ({"email": "not-an-address"}, "is not an e-mail address"),
        ({"metrics": [], "custom": ""}, "Ask for at least one figure"),
        ({"custom": "Revenue"}, "is asked as a standard figure"),
        ({"custom": "ARR, arr"}, "is named twice"),
        ({"days": 0}, "greater than or equal to 1"),
    ],
)
def test_a_bad_request_is_refused_in_words_and_nothing_is_sent(
    personas, investment, inbox, clock, change, words
):
    response = _ask(client_for(personas["ventures"]), investment, **change)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not KpiRequest.objects.exists() and not inbox.messages


def test_a_month_is_a_period_too_and_custom_names_keep_their_first_spelling(
    personas, investment, inbox, clock
):
    ventures = personas["ventures"]
    kpi.kpi_request_send(actor=ventures, investment=investment, period="2026Q2",
                         email="a@alpha.example", metrics=[], custom=["ARR"])  # fmt: skip
    later = kpi.kpi_request_send(actor=ventures, investment=investment, period="2026-09",
                                 email="a@alpha.example", metrics=["revenue"],
                                 custom=["arr"])  # fmt: skip
    assert later.metrics == ["revenue", "ARR"]


def test_an_unreachable_mail_server_saves_nothing(personas, investment):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port(),
                           EMAIL_TIMEOUT=2):  # fmt: skip
        response = _ask(client_for(personas["ventures"]), investment)
    assert response.status_code == 400
    assert "could not be sent to cfo@alpha.example" in response.content.decode()
    assert not KpiRequest.objects.exists()
    assert not AuditEvent.objects.filter(model="ventures.kpirequest").exists()


def test_reminders_by_hand_and_by_the_scheduled_job_carry_the_same_link(
    personas, investment, inbox, clock
):
    client = client_for(personas["ventures"])
    _ask(client, investment)
    link = inbox.link(path=KPI)
    request = KpiRequest.objects.get()
    assert client.post(f"/ventures/kpi-requests/{request.pk}/remind/").status_code == 302
    assert inbox.messages[-1]["Subject"].startswith("Reminder:")
    assert inbox.link(path=KPI) == link
    assert AuditEvent.objects.filter(model="ventures.kpirequest", action="update").exists()

    assert jobs.remind_kpi_requests(START) == "0 KPI request(s) reminded", "reminded just now"
    clock["at"] = START + dt.timedelta(days=7)
    assert jobs.remind_kpi_requests(clock["at"]) == "1 KPI request(s) reminded"
    assert inbox.link(path=KPI) == link and len(inbox.messages) == 3
    clock["at"] = START + dt.timedelta(days=10)
    assert jobs.remind_kpi_requests(clock["at"]) == "0 KPI request(s) reminded"
    request.refresh_from_db()
    assert request.reminders == 2

    assert _answer(link).status_code == 200
    clock["at"] = START + dt.timedelta(days=15)
    assert jobs.remind_kpi_requests(clock["at"]) == "0 KPI request(s) reminded"
    client = client_for(personas["ventures"])  # the session of 15 days ago has lapsed
    answered = client.post(f"/ventures/kpi-requests/{request.pk}/remind/", follow=True)
    assert "2026Q3 was answered on" in answered.content.decode()
    assert len(inbox.messages) == 3


def test_the_reminder_job_is_registered():
    from accord.core import schedule

    job = schedule.JOBS["ventures.kpi-reminders"]
    assert job.function == "accord.ventures.jobs.remind_kpi_requests"
    assert job.every == dt.timedelta(days=1)


def _answered(ventures, investment, period, **figures):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        request = kpi.kpi_request_send(
            actor=ventures, investment=investment, period=period, email="cfo@alpha.example",
            metrics=list(figures),
        )  # fmt: skip
    token = kpi.token_of(request)
    kpi.answers_submit(raw=token, values=figures)
    return request


def test_figures_past_a_threshold_are_flagged_on_the_investment_and_the_funds_page(
    personas, investment
):
    ventures = personas["ventures"]
    _answered(ventures, investment, "2026Q1", runway="9", burn="400000")
    _answered(ventures, investment, "2026Q2", runway="4", burn="600000")
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="runway",
                          comparator="below", value="6")  # fmt: skip
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="burn",
                          comparator="above", value="500000")  # fmt: skip
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="headcount",
                          comparator="below", value="5")  # fmt: skip
    client = client_for(ventures)
    page = client.get(f"/ventures/investments/{investment.pk}/").content.decode()
    assert "runway 4 months, below 6" in page
    assert "burn 600,000 EUR a month, above 500,000" in page
    assert "headcount" not in page.split('data-testid="kpi-flags"')[1].split("</div>")[0]
    funds = client.get("/ventures/").content.decode()
    assert "Figures past their thresholds" in funds and "runway 4 months, below 6" in funds
    _answered(ventures, investment, "2026Q3", runway="12")
    page = client.get(f"/ventures/investments/{investment.pk}/").content.decode()
    assert "runway 4 months" not in page, "the latest figure counts"
    assert "burn 600,000 EUR a month, above 500,000" in page, "the latest burn is still Q2's"


def test_figures_past_a_threshold_alert_the_ventures_team_once_per_period(personas, investment):
    from accord.notifications import services as notifications
    from accord.notifications.models import Kind, Notification

    ventures, admin = personas["ventures"], personas["admin"]
    _answered(ventures, investment, "2026Q1", runway="9")
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="runway",
                          comparator="below", value="6")  # fmt: skip
    notifications.raise_alerts()
    assert not Notification.objects.filter(kind=Kind.PORTFOLIO_FIGURES).exists(), "9 is fine"

    _answered(ventures, investment, "2026Q2", runway="4")
    notifications.raise_alerts()
    notifications.raise_alerts()
    told = Notification.objects.filter(kind=Kind.PORTFOLIO_FIGURES)
    assert sorted(n.user.username for n in told) == sorted([admin.username, ventures.username])
    assert {n.title for n in told} == {"Alpha Robotics reported for 2026Q2: runway 4 months, "
                                       "below 6."}  # fmt: skip
    assert {n.link for n in told} == {f"/ventures/investments/{investment.pk}/#figures"}
    for role in ("executive", "manager", "viewer"):
        assert not Notification.objects.filter(user=personas[role]).exists(), role
    settings_page = client_for(ventures).get("/notifications/settings/").content.decode()
    assert 'name="portfolio_figures"' in settings_page
    manager_page = client_for(personas["manager"]).get("/notifications/settings/")
    assert 'name="portfolio_figures"' not in manager_page.content.decode()

    _answered(ventures, investment, "2026Q3", runway="3")
    notifications.raise_alerts()
    assert told.filter(user=ventures).count() == 2, "the next period past it is told again"


def test_a_bad_threshold_is_refused_in_words(personas, investment):
    client = client_for(personas["ventures"])
    url = f"/ventures/investments/{investment.pk}/kpi-thresholds/"
    bad = client.post(url, {"metric": "runway", "comparator": "below", "value": "-1"})
    assert bad.status_code == 400 and "Runway cannot be negative" in bad.content.decode()
    unknown = client.post(url, {"metric": "NPS", "comparator": "below", "value": "1"})
    assert unknown.status_code == 400 and "Select a valid choice" in unknown.content.decode()
    with pytest.raises(ValidationError, match="No request of this investment asks for"):
        kpi.kpi_threshold_set(actor=personas["ventures"], investment=investment, metric="NPS",
                              comparator="below", value="1")  # fmt: skip
    assert not KpiThreshold.objects.exists()


def test_a_request_sent_to_the_wrong_person_is_withdrawn_and_its_link_stops_working(
    personas, investment, inbox
):
    client = client_for(personas["ventures"])
    _ask(client, investment, email="wrong@alpha.example")
    link = inbox.link(path=KPI)
    request = KpiRequest.objects.get()
    page = client.get(f"/ventures/investments/{investment.pk}/").content.decode()
    assert f'action="/ventures/kpi-requests/{request.pk}/withdraw/"' in page
    withdrawn = client.post(f"/ventures/kpi-requests/{request.pk}/withdraw/", follow=True)
    assert "The request to wrong@alpha.example for the 2026Q3 figures was withdrawn" in (
        withdrawn.content.decode()
    )
    assert not KpiRequest.objects.exists()
    assert "not valid" in Client().get(link).content.decode()
    assert _answer(link).status_code == 400 and not KpiAnswer.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.DELETE, model="ventures.kpirequest")
    assert event.actor == personas["ventures"]
    assert event.changes["email"] == ["wrong@alpha.example", None]
    with pytest.raises(ValidationError, match="already withdrawn"):
        kpi.kpi_request_withdraw(actor=personas["ventures"], request=request)
    assert _ask(client, investment).status_code == 302  # the period may be asked again


def test_an_answered_request_cannot_be_withdrawn_nor_by_those_who_may_not_ask(
    personas, investment, inbox
):
    client = client_for(personas["ventures"])
    _ask(client, investment)
    request = KpiRequest.objects.get()
    for role in ("executive", "manager", "viewer"):
        denied = client_for(personas[role]).post(f"/ventures/kpi-requests/{request.pk}/withdraw/")
        assert denied.status_code in (403, 404), role
    assert _answer(inbox.link(path=KPI)).status_code == 200
    with pytest.raises(ValidationError, match="its figures stay"):  # answered since it was read
        kpi.kpi_request_withdraw(actor=personas["ventures"], request=request)
    refused = client.post(f"/ventures/kpi-requests/{request.pk}/withdraw/", follow=True)
    assert "2026Q3 was answered on" in refused.content.decode()
    assert "its figures stay" in refused.content.decode()
    assert KpiRequest.objects.filter(pk=request.pk).exists()
    assert KpiAnswer.objects.filter(request=request).count() == len(FIGURES)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()


def test_only_the_ventures_team_and_administrators_ask_and_only_venture_readers_see(
    personas, investment, inbox
):
    for role in ("executive", "manager", "viewer", "contributor"):
        assert _ask(client_for(personas[role]), investment).status_code in (403, 404), role
    assert _ask(client_for(personas["partner_a"]), investment).status_code == 404
    assert not KpiRequest.objects.exists()
    with pytest.raises(PermissionDenied):
        kpi.kpi_request_send(actor=personas["executive"], investment=investment,
                             period="2026Q1", email="a@b.example", metrics=["revenue"])  # fmt: skip
    _answered(personas["admin"], investment, "2026Q1", revenue="777777")
    executive = client_for(personas["executive"]).get(f"/ventures/investments/{investment.pk}/")
    assert "777,777" in executive.content.decode()
    assert "Request figures" not in executive.content.decode()
    for role in ("manager", "viewer", "contributor", "partner_a", "partner_b"):
        user = personas[role]
        assert not kpi_visible(user), role
        page = client_for(user).get(f"/ventures/investments/{investment.pk}/")
        assert page.status_code in (403, 404) and b"777" not in page.content, role


def kpi_visible(user) -> bool:
    return visible_to(user, KpiRequest).exists() or visible_to(user, KpiAnswer).exists()


def test_a_confidential_investments_requests_are_hidden_from_those_outside_it(
    personas, investment, org_b
):
    admin = personas["admin"]
    secret = partnerships.partnership_create(
        actor=admin, data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    hidden = services.investment_create(actor=admin, data={
        "fund": investment.fund, "organization": org_b, "partnership": secret, "round": "seed",
        "instrument": "equity", "invested_on": dt.date(2025, 3, 1), "amount": Decimal("1"),
        "currency": "EUR",
    })  # fmt: skip
    request = _answered(admin, hidden, "2026Q1", runway="3")
    threshold = kpi.kpi_threshold_set(actor=admin, investment=hidden, metric="runway",
                                      comparator="below", value="6")  # fmt: skip
    outsider = client_for(personas["ventures"])
    assert outsider.post(f"/ventures/kpi-requests/{request.pk}/remind/").status_code == 404
    assert outsider.post(f"/ventures/kpi-thresholds/{threshold.pk}/delete/").status_code == 404
    assert "Beta Materials" not in outsider.get("/ventures/").content.decode()
    for model, path in ((KpiRequest, "investment"), (KpiAnswer, "request__investment"),
                        (KpiThreshold, "investment")):  # fmt: skip
        rows = visible_to(personas["ventures"], model).filter(**{path: hidden})
        assert not rows.exists(), model.__name__
    assert "runway 3 months" in client_for(admin).get("/ventures/").content.decode()


def test_the_investment_page_reads_the_same_number_of_queries_however_many_answers(
    personas, investment
):
    ventures = personas["ventures"]
    client = client_for(ventures)
    kpi.kpi_threshold_set(actor=ventures, investment=investment, metric="runway",
                          comparator="below", value="6")  # fmt: skip
    counts = []
    for periods in (["2025Q1", "2025Q2"], ["2025Q3", "2025Q4", "2026Q1", "2026-04", "2026-05"]):
        for period in periods:
            _answered(ventures, investment, period, revenue="100", runway="5", headcount="3")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/ventures/investments/{investment.pk}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], "\n".join(q["sql"] for q in queries.captured_queries)
