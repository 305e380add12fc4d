"""Pilots and governance worked on with the partner in its workspace.

Two partner organizations (A and B) share one consortium; a third (C) has a partnership of its
own. Items are shared with A, with B, with both, or kept internal; each partner user sees and
works on exactly its share, under its own identity.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.accounts.services import user_create
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.governance import services as governance
from accord.governance.models import ActionItem, Escalation
from accord.partnerships import services
from accord.pilots import milestones
from accord.pilots import services as pilots
from accord.pilots.models import CriterionActual, Milestone
from tests.conftest import PASSWORD, bearer, client_for

TODAY = dt.date.today()


def _pilot(manager, partnership, title, *, shared_with, assignee):
    pilot = pilots.pilot_create(
        actor=manager, partnership=partnership,
        data={"title": title, "hypothesis": f"{title} hypothesis",
              "starts_on": TODAY - dt.timedelta(days=20), "ends_on": TODAY + dt.timedelta(days=20),
              "status": "running"},
        visibility="shared" if shared_with else "internal", shared_with=shared_with,
    )  # fmt: skip
    criterion = pilots.criterion_add(
        actor=manager, pilot=pilot,
        data={"metric": f"{title} yield", "unit": "%", "target": Decimal(95),
              "assignee": assignee},
    )  # fmt: skip
    return pilot, criterion


@pytest.fixture
def world(personas, org_a, org_b, admin_user):
    manager = personas["manager"]
    a, b = personas["partner_a"], personas["partner_b"]
    org_c = directory.organization_create(actor=admin_user, data={"name": "Gamma Optics"})
    c = user_create(actor=admin_user, username="partner_c", role="partner", password=PASSWORD,
                    organization=org_c)  # fmt: skip
    consortium = services.partnership_create(
        actor=manager, data={"title": "Robotics consortium", "type": "consortium"},
        parties=[(org_a, "lead"), (org_b, "consortium_member")],
    )  # fmt: skip
    optics = services.partnership_create(
        actor=manager, data={"title": "Optics work", "type": "rd_alliance"},
        parties=[(org_c, "partner")],
    )  # fmt: skip
    pilot_a, criterion_a = _pilot(manager, consortium, "Alpha line", shared_with=[org_a.pk],
                                  assignee=a)  # fmt: skip
    pilot_b, _ = _pilot(manager, consortium, "Beta line", shared_with=[org_b.pk], assignee=b)
    internal, _ = _pilot(manager, consortium, "Walk-away trial", shared_with=None,
                         assignee=manager)  # fmt: skip
    optics_pilot, _ = _pilot(manager, optics, "Optics bench", shared_with=[org_c.pk],
                             assignee=c)  # fmt: skip
    committee = governance.committee_create(
        actor=manager, partnership=consortium,
        data={"name": "Joint steering committee", "charter": "Steers the consortium"},
        members=[manager, a, b], shared_with="all",
    )  # fmt: skip
    starts = timezone.now() + dt.timedelta(days=3)
    meeting = governance.meeting_create(
        actor=manager, committee=committee,
        data={"title": "Quarterly review", "starts_at": starts,
              "ends_at": starts + dt.timedelta(hours=1), "agenda": "Results",
              "minutes": "Both lines on track"},
        attendees=[manager, a, b],
    )  # fmt: skip
    governance.decision_record(
        actor=manager, committee=committee,
        data={"title": "Extend to a second line", "decided_by": "the committee",
              "decided_on": TODAY, "meeting": meeting},
    )  # fmt: skip
    item_a = governance.action_item_create(
        actor=manager, committee=committee,
        data={"title": "Send the line data", "owner": a, "due_on": TODAY},
    )  # fmt: skip
    item_ours = governance.action_item_create(
        actor=manager, committee=committee,
        data={"title": "Book the site visit", "owner": manager, "due_on": TODAY},
    )  # fmt: skip
    internal_committee = governance.committee_create(
        actor=manager, partnership=consortium, data={"name": "Our deal team"},
        visibility="internal",
    )  # fmt: skip
    milestone_a = milestones.milestone_create(
        actor=manager, partnership=consortium,
        data={"title": "Alpha data delivered", "side": "partner", "owner": a,
              "due_on": TODAY + dt.timedelta(days=5), "pilot": pilot_a},
        visibility="shared", shared_with=[org_a.pk],
    )  # fmt: skip
    return {
        "manager": manager, "a_user": a, "b_user": b,
        "a": client_for(a), "b": client_for(b), "c": client_for(c),
        "consortium": consortium, "optics": optics, "pilot_a": pilot_a, "pilot_b": pilot_b,
        "criterion_a": criterion_a, "internal_pilot": internal, "optics_pilot": optics_pilot,
        "committee": committee, "meeting": meeting, "item_a": item_a, "item_ours": item_ours,
        "internal_committee": internal_committee, "milestone_a": milestone_a,
    }  # fmt: skip


def test_each_partner_sees_its_own_share_of_the_consortium(world):
    page_a = world["a"].get(f"/workspace/{world['consortium'].pk}/").content.decode()
    page_b = world["b"].get(f"/workspace/{world['consortium'].pk}/").content.decode()
    assert "Alpha line" in page_a and "Beta line" not in page_a
    assert "Beta line" in page_b and "Alpha line" not in page_b
    for page in (page_a, page_b):
        assert "Walk-away trial" not in page and "Our deal team" not in page
        assert "Joint steering committee" in page, "shared with all parties"
    assert "Alpha data delivered" in page_a and "Alpha data delivered" not in page_b


def test_another_partners_or_internal_items_answer_404(world):
    a, c = world["a"], world["c"]
    assert a.get(f"/workspace/pilots/{world['pilot_a'].pk}/").status_code == 200
    assert a.get(f"/workspace/pilots/{world['pilot_b'].pk}/").status_code == 404
    assert a.get(f"/workspace/pilots/{world['internal_pilot'].pk}/").status_code == 404
    assert a.get(f"/workspace/governance/committees/{world['internal_committee'].pk}/"
                 ).status_code == 404  # fmt: skip
    for url in (f"/workspace/{world['consortium'].pk}/",
                f"/workspace/pilots/{world['pilot_a'].pk}/",
                f"/workspace/governance/committees/{world['committee'].pk}/",
                f"/workspace/governance/meetings/{world['meeting'].pk}/"):  # fmt: skip
        assert c.get(url).status_code == 404, url
    assert c.get(f"/workspace/pilots/{world['optics_pilot'].pk}/").status_code == 200


def test_the_internal_pages_stay_closed_to_partners(world):
    a = world["a"]
    assert a.get(f"/pilots/{world['pilot_a'].pk}/").status_code == 404
    assert a.get(f"/governance/committees/{world['committee'].pk}/").status_code == 404


def test_a_partner_records_an_actual_of_its_criterion(world):
    criterion = world["criterion_a"]
    url = f"/workspace/pilots/criteria/{criterion.pk}/actuals/"
    data = {f"c{criterion.pk}-value": "96.5", f"c{criterion.pk}-observed_on": TODAY.isoformat()}
    response = world["a"].post(url, data)
    assert response.status_code == 302
    actual = CriterionActual.objects.get()
    assert actual.recorded_by == world["a_user"]
    event = AuditEvent.objects.get(model="pilots.criterionactual")
    assert event.actor == world["a_user"], "audited under the partner user's identity"
    page = world["a"].get(f"/workspace/pilots/{world['pilot_a'].pk}/").content.decode()
    assert "96.5 %" in page and "criteria-chart" in page


def test_bad_actuals_are_refused_with_the_reason(world):
    criterion = world["criterion_a"]
    url = f"/workspace/pilots/criteria/{criterion.pk}/actuals/"
    future = (TODAY + dt.timedelta(days=2)).isoformat()
    response = world["a"].post(url, {f"c{criterion.pk}-value": "90",
                                     f"c{criterion.pk}-observed_on": future})  # fmt: skip
    assert response.status_code == 422
    assert "is in the future" in response.content.decode()
    wordy = world["a"].post(url, {f"c{criterion.pk}-value": "lots",
                                  f"c{criterion.pk}-observed_on": TODAY.isoformat()})  # fmt: skip
    assert wordy.status_code == 422 and b"Enter a number" in wordy.content
    assert not CriterionActual.objects.exists()


def test_a_partner_may_not_record_for_another(world):
    _, ours = _pilot(world["manager"], world["consortium"], "Shared trial",
                     shared_with=[world["pilot_a"].shared_with.get().organization_id],
                     assignee=world["manager"])  # fmt: skip
    data = {f"c{ours.pk}-value": "1", f"c{ours.pk}-observed_on": TODAY}
    response = world["a"].post(f"/workspace/pilots/criteria/{ours.pk}/actuals/", data)
    assert response.status_code == 403
    b_criterion = world["pilot_b"].criteria.get()
    response = world["a"].post(f"/workspace/pilots/criteria/{b_criterion.pk}/actuals/", {})
    assert response.status_code == 404
    assert not CriterionActual.objects.exists()


def test_a_partner_completes_its_action_item_and_milestone(world):
    item, milestone = world["item_a"], world["milestone_a"]
    response = world["a"].post(f"/workspace/governance/action-items/{item.pk}/status/",
                               {"status": "done", "version": item.version})  # fmt: skip
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE and item.completed_on is not None
    assert AuditEvent.objects.filter(model="governance.actionitem", object_id=str(item.pk),
                                     actor=world["a_user"]).exists()  # fmt: skip
    ours = world["item_ours"]
    refused = world["a"].post(f"/workspace/governance/action-items/{ours.pk}/status/",
                              {"status": "done", "version": ours.version})  # fmt: skip
    assert refused.status_code == 403
    ours.refresh_from_db()
    assert ours.status == ActionItem.Status.OPEN

    done = world["a"].post(f"/workspace/pilots/milestones/{milestone.pk}/complete/",
                           {"version": milestone.version, "done": "1"})  # fmt: skip
    assert done.status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).completed_on == TODAY
    assert world["b"].post(f"/workspace/pilots/milestones/{milestone.pk}/complete/",
                           {"version": 1}).status_code == 404  # fmt: skip


def test_a_stale_status_change_loses_nothing(world):
    item = world["item_a"]
    stale = item.version
    governance.action_item_update(actor=world["manager"], item=item,
                                  data={"title": "Send the line data by Friday"})  # fmt: skip
    response = world["a"].post(f"/workspace/governance/action-items/{item.pk}/status/",
                               {"status": "done", "version": stale}, follow=True)  # fmt: skip
    assert "was changed meanwhile" in response.content.decode()
    item.refresh_from_db()
    assert (item.title, item.status) == ("Send the line data by Friday", "open")


def test_a_partner_raises_an_escalation_seen_by_its_organization_only(world):
    url = f"/workspace/governance/partnership/{world['consortium'].pk}/escalations/"
    assert world["a"].get(url).status_code == 200
    empty = world["a"].post(url, {"escalation-title": "", "escalation-severity": "high"})
    assert empty.status_code == 422 and not Escalation.objects.exists()
    response = world["a"].post(url, {"escalation-title": "Line data access blocked",
                                     "escalation-severity": "high",
                                     "escalation-description": "Since Monday"})  # fmt: skip
    assert response.status_code == 302
    escalation = Escalation.objects.get()
    assert escalation.raised_by == world["a_user"]
    assert list(escalation.shared_with.values_list("organization__name", flat=True)) == [
        world["a_user"].organization.name
    ]
    assert escalation.path.get().person == world["manager"], "it goes to the owner"
    page_a = world["a"].get(f"/workspace/{world['consortium'].pk}/").content.decode()
    page_b = world["b"].get(f"/workspace/{world['consortium'].pk}/").content.decode()
    assert "Line data access blocked" in page_a and "Line data access blocked" not in page_b
    other = f"/workspace/governance/partnership/{world['optics'].pk}/escalations/"
    assert world["a"].post(other, {"escalation-title": "x"}).status_code == 404


def test_another_partys_people_are_not_named(world):
    """A and B sit on one committee shared with both: neither learns the other's name."""
    page = world["a"].get(f"/workspace/governance/meetings/{world['meeting'].pk}/")
    text = page.content.decode()
    assert world["b_user"].get_username() not in text
    assert "another party" in text and "Both lines on track" in text


def test_the_meeting_invitation_names_only_the_partner(world):
    from icalendar import Calendar

    response = world["a"].get(f"/workspace/governance/meetings/{world['meeting'].pk}/invite.ics")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert len(attendees) == 1


def test_the_workspace_api_gives_the_same_share(world):
    headers_a = bearer(world["a_user"])
    pilots_a = world["a"].get("/api/v1/workspace/pilots", **headers_a).json()
    assert [p["title"] for p in pilots_a["items"]] == ["Alpha line"]
    assert "budget" not in pilots_a["items"][0]
    items = world["a"].get("/api/v1/workspace/action-items", **headers_a).json()["items"]
    assert {i["title"] for i in items} == {"Send the line data", "Book the site visit"}
    hidden = world["a"].get(f"/api/v1/workspace/pilots/{world['pilot_b'].pk}", **headers_a)
    assert hidden.status_code == 404


def test_the_workspace_page_costs_the_same_queries_as_items_grow(world):
    url = f"/workspace/{world['consortium'].pk}/"
    world["a"].get(url)
    with CaptureQueriesContext(connection) as before:
        world["a"].get(url)
    org_a = world["a_user"].organization_id
    for n in range(5):
        _pilot(world["manager"], world["consortium"], f"More {n}", shared_with=[org_a],
               assignee=world["a_user"])  # fmt: skip
        governance.action_item_create(
            actor=world["manager"], committee=world["committee"],
            data={"title": f"More action {n}", "owner": world["a_user"], "due_on": TODAY},
        )  # fmt: skip
    with CaptureQueriesContext(connection) as after:
        world["a"].get(url)
    assert len(after) == len(before)
