"""Alerts: what is late or due reaches the people responsible, once, through the channel each
chose (in the app, e-mail at once, a daily or weekly digest, or not at all), never about a
partnership they may not see; an SMTP server that is down loses nothing."""

from __future__ import annotations

import datetime as dt
from email.header import decode_header, make_header

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.governance import escalations
from accord.governance import services as governance
from accord.notifications import services
from accord.notifications.models import AlertPreference, Kind, Notification
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.pilots import services as pilots
from accord.pilots.milestones import milestone_create
from accord.relationships import services as relationships
from tests.conftest import bearer, client_for
from tests.smtp_server import free_port

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def _kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


@pytest.fixture
def late(personas, partnership):
    """In the manager's partnership (sponsored by the executive): a milestone three days
    late, an action item of the contributor two days late, a pilot past its timebox, a review
    due in five days, an agreement ending within its notice, an escalation past its clock and
    no executive touchpoint ever. A confidential partnership of the admin alone has a late
    milestone owned by the viewer, who may not see it."""
    manager, executive = personas["manager"], personas["executive"]
    Partnership.objects.filter(pk=partnership.pk).update(
        executive_sponsor=executive, next_review_date=TODAY + dt.timedelta(days=5),
        end_date=TODAY + dt.timedelta(days=30), renewal_notice_days=60, stage="active",
    )  # fmt: skip
    partnership.refresh_from_db()
    milestone_create(
        actor=manager,
        partnership=partnership,
        data={"title": "Data annex signed", "due_on": TODAY - dt.timedelta(days=3)},
    )
    committee = governance.committee_create(actor=manager, partnership=partnership,
                                            data={"name": "Steering committee"})  # fmt: skip
    governance.action_item_create(actor=manager, committee=committee, data={
        "title": "Send the test plan", "due_on": TODAY - dt.timedelta(days=2),
        "owner": personas["contributor"]})  # fmt: skip
    pilots.pilot_create(actor=manager, partnership=partnership, data={
        "title": "Line 3 inspection", "hypothesis": "Fewer defects",
        "starts_on": TODAY - dt.timedelta(days=90), "ends_on": TODAY - dt.timedelta(days=1),
        "status": "running"})  # fmt: skip
    escalation = escalations.escalation_raise(actor=manager, partnership=partnership,
                                              data={"title": "Data access blocked",
                                                    "severity": "critical"})  # fmt: skip
    type(escalation).objects.filter(pk=escalation.pk).update(
        level_since=timezone.now() - dt.timedelta(hours=5)
    )
    relationships.cadence_rule_save(actor=manager, data={
        "name": "Active R&D: every 30 days", "partnership_type": "rd_alliance",
        "stage": "active", "every_days": 30})  # fmt: skip
    Partnership.objects.filter(pk=partnership.pk).update(created_at=timezone.now()
                                                         - dt.timedelta(days=90))  # fmt: skip
    secret = partnerships.partnership_create(
        actor=personas["admin"], data={"title": "Project Falcon", "type": "rd_alliance",
                                       "is_confidential": True},
    )  # fmt: skip
    milestone_create(actor=personas["admin"], partnership=secret,
                     data={"title": "Falcon term sheet", "owner": personas["viewer"],
                           "due_on": TODAY - dt.timedelta(days=1)})  # fmt: skip
    return {"partnership": partnership, "secret": secret}


def test_each_alert_reaches_those_responsible_once(late, personas):
    first = services.raise_alerts()
    manager = personas["manager"]
    # The owner: not the action item (its owner's) nor the touchpoint (the sponsor's).
    assert _kinds(manager) == sorted([
        Kind.MILESTONE_OVERDUE, Kind.PILOT_TIMEBOX, Kind.REVIEW_DUE, Kind.RENEWAL_NOTICE,
        Kind.ESCALATION_SLA,
    ])  # fmt: skip
    assert _kinds(personas["contributor"]) == [Kind.ACTION_OVERDUE]
    assert _kinds(personas["executive"]) == sorted([Kind.RENEWAL_NOTICE,
                                                    Kind.EXECUTIVE_TOUCHPOINT])  # fmt: skip
    assert _kinds(personas["viewer"]) == [], "the confidential partnership is not theirs to see"
    assert not Notification.objects.filter(partnership=late["secret"]).exclude(
        user=personas["admin"]).exists()  # fmt: skip
    milestone = Notification.objects.get(user=manager, kind=Kind.MILESTONE_OVERDUE)
    assert "“Data annex signed” of Vision alliance was due" in milestone.title
    assert "(3 days ago)" in milestone.title and milestone.link.startswith("/pilots/")
    again = services.raise_alerts()
    assert first.notifications > 0 and again.notifications == 0, "raised once per key"
    moved = late["partnership"].milestones.get()
    type(moved).objects.filter(pk=moved.pk).update(due_on=TODAY - dt.timedelta(days=1))
    assert services.raise_alerts().notifications == 1, "a new due date is news again"


def test_each_user_chooses_how_to_hear_and_email_goes_through_smtp(late, personas, inbox):
    manager, executive = personas["manager"], personas["executive"]
    manager.email, executive.email = "manager@ours.example", "exec@ours.example"
    manager.save(), executive.save()
    services.preferences_save(
        actor=manager, chosen={Kind.REVIEW_DUE: "none", Kind.MILESTONE_OVERDUE: "email_now"}
    )
    services.preferences_save(actor=executive, chosen={Kind.RENEWAL_NOTICE: "weekly"})
    assert AuditEvent.objects.filter(model="notifications.alertpreference").count() == 3
    services.raise_alerts()
    assert Kind.REVIEW_DUE not in _kinds(manager), "turned off"
    [now] = inbox.messages
    assert now["X-Rcpt"] == "manager@ours.example"
    assert "Data annex signed" in _subject(now)
    assert "http" in now.get_payload(decode=True).decode()
    daily = services.send_digest("daily")
    assert daily.emailed == 2, "the manager's and the executive's daily ones"
    digest = next(m for m in inbox.messages[1:] if m["X-Rcpt"] == "manager@ours.example")
    body = digest.get_payload(decode=True).decode()
    assert "Today in Accord" in body and "Line 3 inspection" in body
    assert "Data annex signed" not in body, "already e-mailed at once"
    assert services.send_digest("daily").emailed == 0, "nothing twice"
    weekly = services.send_digest("weekly")
    assert weekly.emailed == 1 and "ends on" in _subject(inbox.messages[-1])


def test_an_smtp_server_that_is_down_loses_nothing(late, personas):
    manager = personas["manager"]
    manager.email = "manager@ours.example"
    manager.save()
    services.raise_alerts()
    down = override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=free_port(), EMAIL_TIMEOUT=2,
    )  # fmt: skip
    with down, pytest.raises(OSError):
        services.send_digest("daily")
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        assert services.send_digest("daily").emailed >= 1
    assert mail.outbox and "manager@ours.example" in mail.outbox[0].to


def test_the_notification_centre_and_its_api(late, personas):
    manager, partner = personas["manager"], personas["partner_a"]
    services.raise_alerts()
    client = client_for(manager)
    assert client.get("/notifications/unread/").json() == {"unread": 5}
    page = client.get("/notifications/").content.decode()
    assert page.count('data-testid="notification"') == 5 and "Data annex signed" in page
    one = Notification.objects.filter(user=manager).first()
    opened = client.post(f"/notifications/{one.pk}/read/")
    assert opened.status_code == 302 and opened["Location"] == one.link
    assert client.get("/notifications/unread/").json() == {"unread": 4}
    mine = Notification.objects.filter(user=manager).values_list("pk", flat=True)[0]
    assert client_for(personas["contributor"]).post(f"/notifications/{mine}/read/"
                                                    ).status_code == 404  # fmt: skip
    client.post("/notifications/read/")
    assert client.get("/notifications/unread/").json() == {"unread": 0}
    bad = client.post("/notifications/settings/", {Kind.REVIEW_DUE: "carrier pigeon"})
    assert bad.status_code == 422 and not AlertPreference.objects.exists()
    good = {kind: "in_app" for kind in Kind.values} | {Kind.REVIEW_DUE: "weekly"}
    assert client.post("/notifications/settings/", good).status_code == 302
    assert AlertPreference.objects.get(user=manager, kind=Kind.REVIEW_DUE).channel == "weekly"
    api = client_for(manager)
    listed = api.get("/api/v1/notifications?unread=false", **bearer(manager)).json()
    assert listed["count"] == 5 and listed["items"][0]["read_at"] is not None
    refused = api.put("/api/v1/notification-preferences", {"channels": {"review_due": "fax"}},
                      content_type="application/json", **bearer(manager))  # fmt: skip
    assert refused.status_code == 422 and "review_due" in refused.content.decode()
    theirs = client_for(partner).get("/api/v1/notifications", **bearer(partner)).json()
    assert theirs["count"] == 0


def test_the_notification_centre_runs_the_same_queries_however_many(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = personas["viewer"]
    client = client_for(viewer)

    def add(count):
        start = Notification.objects.filter(user=viewer).count()
        Notification.objects.bulk_create(
            Notification(user=viewer, kind=Kind.REVIEW_DUE, key=f"k{start + n}",
                         title=f"Review {start + n}", raised_at=timezone.now())
            for n in range(count)
        )  # fmt: skip

    def queries():
        with CaptureQueriesContext(connection) as done:
            assert client.get("/notifications/").status_code == 200
        return len(done)

    add(3)
    few = queries()
    add(60)
    assert queries() == few


def test_missed_kpi_targets_and_a_health_drop_are_told(personas, partnership):
    from accord.metrics import periods
    from accord.metrics import services as metrics
    from accord.metrics.models import HealthQuestion, SurveyAnswer, SurveyRespondent, SurveyRound

    manager = personas["manager"]
    kpi = metrics.kpi_create(actor=manager, data={
        "name": "Joint prototypes", "category": "innovation", "unit": "prototypes",
        "aggregation": "sum"})  # fmt: skip
    quarter = periods.last_complete()
    metrics.target_set(actor=manager, partnership=partnership, kpi=kpi, quarter=quarter, value=4)
    metrics.observation_record(actor=manager, partnership=partnership, kpi=kpi,
                               observed_on=quarter + dt.timedelta(days=10), value=1)  # fmt: skip
    for number, score in enumerate((5, 3)):  # the earlier check, then the latest
        asked = timezone.now() - dt.timedelta(days=60 - 30 * number)
        survey = SurveyRound.objects.create(
            partnership=partnership, title=f"Health {number}", created_by=manager,
            created_at=asked, closes_at=asked + dt.timedelta(days=14),
        )  # fmt: skip
        who = SurveyRespondent.objects.create(round=survey, side="ours", answered_at=asked,
                                              email=f"a{number}@ours.example",
                                              token_hash=str(number) * 64)  # fmt: skip
        SurveyAnswer.objects.bulk_create(SurveyAnswer(respondent=who, question=q, score=score)
                                         for q in HealthQuestion.values)  # fmt: skip
    services.raise_alerts()
    told = dict(Notification.objects.filter(user=manager).values_list("kind", "title"))
    assert told[Kind.KPI_OFF_TARGET] == (
        f"Vision alliance missed 1 of its 1 KPI target(s) in {periods.label(quarter)}."
    )
    assert told[Kind.HEALTH_DROP] == (
        "The health of Vision alliance fell on our side's answers: 5.00 to 3.00 of 5."
    )


def test_a_title_with_a_line_break_is_mailed_and_stops_no_one_else(personas):
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for name in ("manager", "executive"):
            user = personas[name]
            user.email = f"{name}@ours.example"
            user.save()
            services.preferences_save(actor=user, chosen={Kind.REVIEW_DUE: "email_now"})
            Notification.objects.create(user=user, kind=Kind.REVIEW_DUE, key=f"r:{name}",
                                        title="Review of Kick\noff\r\nnow",
                                        raised_at=timezone.now())  # fmt: skip
        sent = services.send_digest("email_now")
        assert sent.emailed == 2 and {m.subject for m in mail.outbox} == {"Review of Kick off now"}


def test_old_read_notifications_and_logs_are_pruned_the_latest_run_kept(personas):
    from accord.core.models import ScheduledRun

    viewer, now = personas["viewer"], timezone.now()
    for key, read in (("old", now - dt.timedelta(days=200)), ("recent", now),
                      ("unread", None)):  # fmt: skip
        Notification.objects.create(
            user=viewer,
            kind=Kind.REVIEW_DUE,
            key=key,
            title=key,
            raised_at=now - dt.timedelta(days=300),
            read_at=read,
        )
    for days in (90, 60):
        ScheduledRun.objects.create(job="relationships.refresh", slot=now - dt.timedelta(days=days))
    done = services.prune()
    assert done.startswith("1 read notification(s)")
    assert set(Notification.objects.values_list("key", flat=True)) == {"recent", "unread"}
    [kept] = ScheduledRun.objects.all()
    assert (now - kept.slot).days == 60, "each job's latest run stays on the status page"


def test_only_administrators_choose_how_to_hear_of_webhook_trouble(personas):
    page = client_for(personas["manager"]).get("/notifications/settings/").content.decode()
    assert 'name="review_due"' in page and 'name="webhook_disabled"' not in page
    admin_page = client_for(personas["admin"]).get("/notifications/settings/").content.decode()
    assert 'name="webhook_disabled"' in admin_page


def test_an_open_option_rights_deadline_is_told_30_and_7_days_before_and_once_passed(
    personas, partnership
):
    """To the ventures team and administrators, each by its channel, once per notice; one
    linked to a confidential partnership only to those who may see it."""
    from accord.notifications.selectors import kinds_for
    from accord.ventures import services as ventures
    from accord.ventures.models import OptionRight

    admin, team = personas["admin"], personas["ventures"]
    fund = ventures.fund_create(actor=team, data={"name": "Accord Ventures I", "currency": "EUR",
                                "committed_capital": 60_000_000, "vintage": 2023})  # fmt: skip
    secret = partnerships.partnership_create(
        actor=admin, data={"title": "Project Quartz", "type": "cvc", "is_confidential": True},
        parties=[(partnership.parties.get().organization, "partner")],
    )  # fmt: skip

    def option(linked=None, **data) -> OptionRight:
        investment = ventures.investment_create(actor=admin, data={
            "fund": fund, "organization": partnership.parties.get().organization,
            "partnership": linked, "round": "seed", "instrument": "equity",
            "invested_on": TODAY - dt.timedelta(days=400), "amount": 1000, "currency": "EUR",
        })  # fmt: skip
        return ventures.option_create(actor=admin, data={"investment": investment, **data})

    pro_rata = option(kind="pro_rata", deadline=TODAY + dt.timedelta(days=20))
    option(kind="rofr", deadline=TODAY + dt.timedelta(days=31))  # not yet
    option(kind="call", deadline=TODAY - dt.timedelta(days=2), status="waived")  # settled
    option(linked=secret, kind="rofn", deadline=TODAY + dt.timedelta(days=3))
    services.preferences_save(actor=team, chosen={Kind.OPTION_DEADLINE: "none"})
    services.raise_alerts()

    told = list(Notification.objects.filter(user=admin, kind=Kind.OPTION_DEADLINE)
                .order_by("key").values_list("title", flat=True))  # fmt: skip
    assert told == [
        f"The pro-rata follow-on in Alpha Robotics (Accord Ventures I) must be used by "
        f"{pro_rata.deadline}, in 20 days: exercise or waive it.",
        f"The right of first negotiation in Alpha Robotics (Accord Ventures I) must be used by "
        f"{TODAY + dt.timedelta(days=3)}, in 3 days: exercise or waive it.",
    ]
    assert _kinds(team) == [], "the ventures user turned these off"
    assert _kinds(personas["executive"]) == [], "executives read ventures but do not keep them"
    services.preferences_save(actor=team, chosen={Kind.OPTION_DEADLINE: "in_app"})
    services.raise_alerts()
    assert _kinds(team) == [Kind.OPTION_DEADLINE], "not the confidential partnership's"
    services.raise_alerts()
    assert Notification.objects.filter(kind=Kind.OPTION_DEADLINE).count() == 3, "told once"

    OptionRight.objects.filter(pk=pro_rata.pk).update(deadline=TODAY - dt.timedelta(days=1))
    services.raise_alerts()
    assert Notification.objects.get(user=team, key__endswith=":passed").title == (
        f"The pro-rata follow-on in Alpha Robotics (Accord Ventures I) was to be used by "
        f"{TODAY - dt.timedelta(days=1)} (1 day ago) and is still open: record it exercised, "
        "waived or lapsed."
    )
    assert Kind.OPTION_DEADLINE in kinds_for(team)
    assert Kind.OPTION_DEADLINE not in kinds_for(personas["manager"])
