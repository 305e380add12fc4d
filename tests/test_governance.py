"""Joint governance: committees of both sides, meetings with iCalendar invitations and a
per-user feed, the decision log, and action items their owners close."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from icalendar import Calendar

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.governance import services
from accord.governance.models import ActionItem, Decision, Meeting
from accord.partnerships import services as partnerships
from tests.conftest import bearer, client_for

NOW = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)


def at(days: int, hour: int = 9) -> dt.datetime:
    return (NOW + dt.timedelta(days=days)).replace(hour=hour, minute=0)


@pytest.fixture
def committee(personas, partnership):
    return services.committee_create(
        actor=personas["manager"], partnership=partnership,
        data={"name": "Joint steering committee", "cadence": "monthly",
              "chair": personas["manager"], "charter": "Approves next steps."},
        members=[personas["manager"], personas["partner_a"]],
    )  # fmt: skip


def meeting(actor, committee, **data) -> Meeting:
    return services.meeting_create(
        actor=actor, committee=committee,
        data={"title": "Q1 steering", "starts_at": at(3), "ends_at": at(3, 11),
              "location": "Munich, room 4", "agenda": "1. Pilot results", **data},
        attendees=data.pop("attendees", []),
    )  # fmt: skip


def test_a_meeting_invitation_parses_back_with_its_time_in_utc_and_its_attendees(
    personas, committee
):
    for who in ("manager", "partner_a"):
        person = personas[who]
        person.email = f"{who}@example.com"
        person.save()
    m = meeting(personas["manager"], committee, attendees=[personas["manager"],
                                                           personas["partner_a"]])  # fmt: skip
    response = client_for(personas["manager"]).get(f"/governance/meetings/{m.pk}/invite.ics")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["method"]) == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == at(3) and event.decoded("dtend") == at(3, 11)
    assert str(event["summary"]) == "Q1 steering (Joint steering committee)"
    assert str(event["location"]) == "Munich, room 4"
    attendees = event.get("attendee")
    assert sorted(str(a) for a in attendees) == [
        "mailto:manager@example.com", "mailto:partner_a@example.com"
    ]  # fmt: skip
    assert str(event["organizer"]) == "mailto:manager@example.com"
    assert int(event["sequence"]) == 0
    services.meeting_update(actor=personas["manager"], meeting=m, data={"cancelled": True})
    again = Calendar.from_ical(client_for(personas["manager"]).get(
        f"/governance/meetings/{m.pk}/invite.ics").content)  # fmt: skip
    [event] = again.walk("VEVENT")
    assert (str(again["method"]), str(event["status"]), int(event["sequence"])) == (
        "CANCEL", "CANCELLED", 1)  # fmt: skip


def test_a_meeting_that_ends_before_it_starts_is_refused_by_name(personas, committee):
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        meeting(personas["manager"], committee, starts_at=at(3, 11), ends_at=at(3, 10))
    assert refused.value.message_dict["ends_at"] == [
        "The meeting ends (2026-12-09 10:00) before it starts (2026-12-09 11:00)."
    ]
    assert AuditEvent.objects.count() == before and not Meeting.objects.exists()


def test_a_time_entered_on_the_page_is_the_readers_zone_and_stored_in_utc(
    personas, committee, settings
):
    settings.TIME_ZONE = "Europe/Berlin"
    response = client_for(personas["manager"]).post(
        f"/governance/committees/{committee.pk}/meetings/",
        {"meeting-title": "Kick-off", "meeting-starts_at": "2026-12-10T15:00",
         "meeting-ends_at": "2026-12-10T16:30"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:500]
    stored = Meeting.objects.get()
    assert stored.starts_at == dt.datetime(2026, 12, 10, 14, 0, tzinfo=dt.UTC)


def test_the_feed_shows_a_users_meetings_until_its_token_is_revoked(
    personas, committee, partnership
):
    partner = personas["partner_a"]
    mine = meeting(personas["manager"], committee)  # partner_a sits on the committee
    other = services.committee_create(
        actor=personas["manager"], partnership=partnership, data={"name": "Internal board"},
        members=[personas["manager"]], visibility="internal",
    )  # fmt: skip
    meeting(personas["manager"], other, title="Internal prep", attendees=[partner])
    token = services.calendar_feed_create(actor=partner)
    response = client_for(None).get("/governance/calendar/feed.ics", {"token": token})
    assert response.status_code == 200
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"{mine.title} (Joint steering committee)"]
    services.calendar_feed_revoke(actor=partner)
    gone = client_for(None).get("/governance/calendar/feed.ics", {"token": token})
    assert gone.status_code == 410
    assert client_for(None).get("/governance/calendar/feed.ics").status_code == 400


def test_a_new_feed_link_replaces_the_old_one(personas):
    first = services.calendar_feed_create(actor=personas["manager"])
    second = services.calendar_feed_create(actor=personas["manager"])
    assert services.calendar_feed_user(first) is None
    assert services.calendar_feed_user(second) == personas["manager"]


def test_an_owner_closes_its_action_item_and_may_change_nothing_else(personas, committee):
    manager, partner = personas["manager"], personas["partner_a"]
    item = services.action_item_create(
        actor=manager, committee=committee,
        data={"title": "Send the data-sharing annex", "owner": partner, "due_on": TODAY},
    )  # fmt: skip
    services.action_item_update(actor=partner, item=item, data={"status": "done"})
    item.refresh_from_db()
    assert (item.status, item.completed_on) == ("done", TODAY)
    with pytest.raises(PermissionDenied):
        services.action_item_update(actor=partner, item=item, data={"due_on": at(9).date()})
    with pytest.raises(PermissionDenied):
        services.action_item_update(actor=personas["viewer"], item=item, data={"status": "open"})
    assert AuditEvent.objects.filter(model="governance.actionitem", actor=partner).exists()


def test_my_action_items_lists_mine_across_partnerships_late_ones_marked(
    personas, committee, org_b, django_assert_num_queries
):
    manager = personas["manager"]
    elsewhere = partnerships.partnership_create(
        actor=manager, data={"title": "Beta alliance", "type": "licensing"},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    board = services.committee_create(actor=manager, partnership=elsewhere, data={"name": "JSC"})
    for n, (where, due) in enumerate([(committee, -3), (board, 5), (board, 1)]):
        services.action_item_create(actor=manager, committee=where,
                                    data={"title": f"Action {n}", "owner": manager,
                                          "due_on": TODAY + dt.timedelta(days=due)})  # fmt: skip
    services.action_item_create(actor=manager, committee=board,
                                data={"title": "Theirs", "owner": personas["contributor"],
                                      "due_on": TODAY})  # fmt: skip
    client = client_for(manager)
    with django_assert_num_queries(4):  # session, user, how many, the items with partnerships
        response = client.get("/governance/my-action-items/")
    items = response.context["items"]
    assert [(i.title, i.days_over) for i in items] == [
        ("Action 0", 3), ("Action 2", 0), ("Action 1", 0)
    ]  # fmt: skip
    assert "3 d overdue" in response.content.decode()


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda p, c, o: services.committee_create(actor=p["manager"], partnership=c.partnership,
                                                   data={"name": "X"}, members=[p["partner_b"]]),
         "members", "Neither ours nor a party's: partner_b."),
        (lambda p, c, o: services.decision_record(actor=p["manager"], committee=c,
                                                  data={"title": "Go", "decided_by": "JSC",
                                                        "decided_on": TODAY, "meeting": o}),
         "meeting", "“Other meeting” is a meeting of another committee."),
        (lambda p, c, o: services.decision_record(actor=p["manager"], committee=c,
                                                  data={"title": "Go", "decided_by": "JSC",
                                                        "decided_on": TODAY + dt.timedelta(1)}),
         "decided_on", "2026-12-07 is in the future (today is 2026-12-06)."),
        (lambda p, c, o: services.action_item_create(actor=p["manager"], committee=c,
                                                     data={"title": "A", "due_on": TODAY,
                                                           "owner": p["partner_b"]}),
         "owner", "Neither ours nor a party's: partner_b."),
    ],
    ids=["member-outside", "meeting-elsewhere", "decided-in-future", "owner-outside"],
)  # fmt: skip
def test_bad_input_is_refused_by_name_and_nothing_written(
    personas, committee, org_b, call, field, message
):
    other_partnership = partnerships.partnership_create(
        actor=personas["manager"], data={"title": "Other", "type": "licensing"},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    other = services.committee_create(actor=personas["manager"], partnership=other_partnership,
                                      data={"name": "Other JSC"})  # fmt: skip
    other_meeting = meeting(personas["manager"], other, title="Other meeting")
    before = (AuditEvent.objects.count(), Decision.objects.count(), ActionItem.objects.count())
    with pytest.raises(ValidationError) as refused:
        call(personas, committee, other_meeting)
    assert message in refused.value.message_dict[field]
    after = (AuditEvent.objects.count(), Decision.objects.count(), ActionItem.objects.count())
    assert after == before


def test_a_partner_sees_a_shared_committees_meetings_and_nothing_internal(
    personas, committee, partnership
):
    internal = services.committee_create(
        actor=personas["manager"], partnership=partnership, data={"name": "Internal board"},
        visibility="internal",
    )  # fmt: skip
    shared_meeting = meeting(personas["manager"], committee)
    meeting(personas["manager"], internal, title="Internal prep")
    assert list(visible_to(personas["partner_a"], Meeting)) == [shared_meeting]
    assert not visible_to(personas["partner_b"], Meeting).exists()
    assert visible_to(personas["viewer"], Meeting).count() == 2


def test_the_api_runs_a_committee_and_keeps_an_edit_made_meanwhile(personas, partnership):
    manager, partner = personas["manager"], personas["partner_a"]
    api = client_for(manager)
    auth = bearer(manager)

    def send(method: str, path: str, body: dict):
        return api.generic(method, f"/api/v1{path}", json.dumps(body),
                           content_type="application/json", **auth)  # fmt: skip

    committee = send("POST", "/committees", {"partnership": partnership.pk, "name": "JSC",
                                             "members": ["manager", "partner_a"]})  # fmt: skip
    assert committee.status_code == 201, committee.content
    assert committee.json()["members"] == ["manager", "partner_a"]
    meeting = send("POST", "/meetings", {
        "committee": committee.json()["id"], "title": "Kick-off",
        "starts_at": "2026-12-10T15:00:00+01:00", "ends_at": "2026-12-10T16:00:00+01:00",
    })  # fmt: skip
    assert meeting.status_code == 201, meeting.content
    assert Meeting.objects.get().starts_at == dt.datetime(2026, 12, 10, 14, tzinfo=dt.UTC)
    backwards = send("POST", "/meetings", {
        "committee": committee.json()["id"], "title": "Backwards",
        "starts_at": "2026-12-10T15:00:00Z", "ends_at": "2026-12-10T14:00:00Z",
    })  # fmt: skip
    assert backwards.status_code == 422
    assert backwards.json()["error"]["details"][0]["field"] == "ends_at"
    pk = meeting.json()["id"]
    services.meeting_update(actor=personas["admin"], meeting=Meeting.objects.get(pk=pk),
                            data={"minutes": "Theirs"})  # fmt: skip
    stale = send("PATCH", f"/meetings/{pk}", {"minutes": "Mine", "version": 0})
    assert stale.status_code == 409
    assert Meeting.objects.get(pk=pk).minutes == "Theirs"
    item = send("POST", "/action-items", {"committee": committee.json()["id"],
                                          "title": "Annex", "owner": "partner_a",
                                          "due_on": "2026-12-01"})  # fmt: skip
    assert item.status_code == 201 and item.json()["overdue_days"] == 5
    mine = client_for(partner).get("/api/v1/action-items", {"mine": "true"}, **bearer(partner))
    assert mine.status_code == 403  # partner users reach governance through their workspace
    done = client_for(manager).get("/api/v1/action-items", {"overdue": "true"}, **auth).json()
    assert [i["title"] for i in done["items"]] == ["Annex"]


@pytest.mark.parametrize("page", ["committee", "meeting", "partnership"])
def test_governance_pages_run_the_same_queries_however_much_they_hold(
    personas, committee, page, django_assert_num_queries
):
    manager = personas["manager"]
    first = meeting(manager, committee)
    client = client_for(personas["contributor"])
    url = {"committee": f"/governance/committees/{committee.pk}/",
           "meeting": f"/governance/meetings/{first.pk}/",
           "partnership": f"/governance/partnership/{committee.partnership_id}/"}[page]  # fmt: skip
    for size in (1, 10):
        for n in range(Meeting.objects.count(), size):
            meeting(manager, committee, title=f"M{n}", starts_at=at(n - 5), ends_at=at(n - 5, 10),
                    attendees=[manager, personas["partner_a"]])  # fmt: skip
        for n in range(ActionItem.objects.count(), size * 2):
            decided = services.decision_record(
                actor=manager, committee=committee,
                data={"title": f"D{n}", "decided_by": "JSC", "decided_on": TODAY, "meeting": first},
            )  # fmt: skip
            services.action_item_create(
                actor=manager, committee=committee,
                data={"title": f"A{n}", "owner": personas["contributor"] if n % 2 else manager,
                      "due_on": TODAY, "meeting": first, "decision": decided},
            )  # fmt: skip
        with django_assert_num_queries(GOVERNANCE_PAGE_QUERIES[page]):
            response = client.get(url)
        assert response.status_code == 200


# Session and user are two of each page's queries. The committee page: the committee (visible,
# then with its chair), its members; meetings and their attendees; the decision log; action
# items with owners and decisions; the team check. The meeting page: the meeting with its
# attendees; its decisions; its actions. A partnership's governance: the partnership;
# committees with members; open actions; escalations.
GOVERNANCE_PAGE_QUERIES = {"committee": 10, "meeting": 7, "partnership": 7}
