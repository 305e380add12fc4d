"""Milestones owned by either side, completed by their owner; sprints with their people."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.core.models import AuditEvent
from accord.core.policy import visible_to
from accord.partnerships import services as partnerships
from accord.pilots import milestones, services
from accord.pilots.models import Milestone, Sprint
from tests.conftest import bearer, client_for

TODAY = dt.date(2026, 12, 6)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    noon = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: noon)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def milestone(actor, partnership, **data) -> Milestone:
    return milestones.milestone_create(
        actor=actor, partnership=partnership,
        data={"title": "Data-sharing annex signed", "due_on": days(10), **data},
    )  # fmt: skip


def test_a_milestone_is_owned_by_one_side_and_its_owner_must_belong_to_it(
    personas, partnership, org_b
):
    manager = personas["manager"]
    theirs = milestone(manager, partnership, side="partner", owner=personas["partner_a"])
    assert (theirs.side, theirs.owner) == ("partner", personas["partner_a"])
    for side, owner, message in [
        ("ours", "partner_a", "partner_a is not one of our company's users."),
        ("partner", "contributor", "contributor is not a user of a party of Vision alliance."),
        ("partner", "partner_b", "partner_b is not a user of a party of Vision alliance."),
    ]:
        before = AuditEvent.objects.count()
        with pytest.raises(ValidationError) as refused:
            milestone(manager, partnership, side=side, owner=personas[owner])
        assert refused.value.message_dict["owner"] == [message]
        assert AuditEvent.objects.count() == before


def test_its_owner_marks_it_done_and_may_change_nothing_else(personas, partnership):
    manager, contributor, viewer = (personas[r] for r in ("manager", "contributor", "viewer"))
    step = milestone(manager, partnership, owner=contributor)
    page = client_for(contributor).get(f"/pilots/partnership/{partnership.pk}/milestones/")
    assert 'data-testid="complete-milestone"' in page.content.decode()
    done = client_for(contributor).post(f"/pilots/milestones/{step.pk}/complete/",
                                        {"done": "1", "version": step.version})  # fmt: skip
    assert done.status_code == 302
    step.refresh_from_db()
    assert step.completed_on == TODAY
    with pytest.raises(PermissionDenied):
        milestones.milestone_update(actor=contributor, milestone=step, data={"due_on": days(90)})
    refused = client_for(viewer).post(f"/pilots/milestones/{step.pk}/complete/",
                                      {"done": "0", "version": step.version})  # fmt: skip
    assert refused.status_code == 403
    assert Milestone.objects.get(pk=step.pk).completed_on == TODAY


def test_a_late_milestone_is_flagged_on_the_partnership_the_dashboard_and_the_api(
    personas, partnership
):
    manager = personas["manager"]
    late = milestone(manager, partnership, title="Site visit", due_on=days(-4))
    milestone(manager, partnership, title="Done early", due_on=days(-9), completed_on=days(-10))
    milestone(manager, partnership, title="Later", due_on=days(5))
    client = client_for(manager)
    page = client.get(f"/partnerships/{partnership.pk}/").content.decode()
    assert "1 milestone past due: “Site visit” (4 d)" in page
    home = client.get("/")
    assert [m.pk for m in home.context["overdue_milestones"]] == [late.pk]
    api = client.get("/api/v1/milestones", {"overdue": "true"}, **bearer(manager)).json()
    assert [(m["title"], m["overdue_days"]) for m in api["items"]] == [("Site visit", 4)]


@pytest.mark.parametrize(
    ("call", "field", "message"),
    [
        (lambda m, p, other: milestone(m, p, pilot=other), "pilot",
         "Other pilot is a pilot of another partnership."),
        (lambda m, p, other: milestone(m, p, completed_on=days(3)), "completed_on",
         "2026-12-09 is in the future (today is 2026-12-06)."),
        (lambda m, p, other: milestones.sprint_create(
            actor=m, partnership=p, data={"title": "S", "starts_on": days(3),
                                          "ends_on": days(1)}),
         "ends_on", "The sprint ends (2026-12-07) before it starts (2026-12-09)."),
    ],
    ids=["pilot-elsewhere", "done-in-future", "sprint-ends-first"],
)  # fmt: skip
def test_bad_input_is_refused_by_name_and_nothing_written(
    personas, partnership, org_b, call, field, message
):
    manager = personas["manager"]
    elsewhere = partnerships.partnership_create(
        actor=manager, data={"title": "Elsewhere", "type": "licensing"},
        parties=[(org_b, "partner")],
    )  # fmt: skip
    other = services.pilot_create(
        actor=manager, partnership=elsewhere,
        data={"title": "Other pilot", "hypothesis": "h", "starts_on": TODAY, "ends_on": TODAY},
    )  # fmt: skip
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        call(manager, partnership, other)
    assert message in refused.value.message_dict[field]
    assert AuditEvent.objects.count() == before
    assert not Milestone.objects.exists() and not Sprint.objects.exists()


def test_a_sprint_has_people_of_both_sides_and_no_one_else(personas, partnership):
    manager = personas["manager"]
    sprint = milestones.sprint_create(
        actor=manager, partnership=partnership,
        data={"title": "Vision hackathon", "kind": "hackathon", "starts_on": days(-2),
              "ends_on": days(-1), "outcomes": "Two prototypes"},
        participants=[manager, personas["partner_a"]],
    )  # fmt: skip
    assert {u.username for u in sprint.participants.all()} == {"manager", "partner_a"}
    with pytest.raises(ValidationError) as refused:
        milestones.sprint_update(actor=manager, sprint=sprint, data={},
                                 participants=[personas["partner_b"]])  # fmt: skip
    assert refused.value.message_dict["participants"] == ["Neither ours nor a party's: partner_b."]


def test_the_api_keeps_an_edit_made_meanwhile_and_the_owner_completes(personas, partnership):
    manager, contributor = personas["manager"], personas["contributor"]
    created = client_for(manager).post(
        "/api/v1/milestones",
        {"partnership": partnership.pk, "title": "Pilot report", "due_on": "2026-12-20",
         "owner": "contributor"},
        content_type="application/json", **bearer(manager),
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    milestones.milestone_update(actor=manager, milestone=Milestone.objects.get(pk=pk),
                                data={"title": "Pilot report, final"})  # fmt: skip
    stale = client_for(manager).patch(
        f"/api/v1/milestones/{pk}", {"due_on": "2027-01-10", "version": 0},
        content_type="application/json", **bearer(manager),
    )  # fmt: skip
    assert stale.status_code == 409
    assert Milestone.objects.get(pk=pk).due_on == dt.date(2026, 12, 20)
    done = client_for(contributor).post(
        f"/api/v1/milestones/{pk}/completion", {"done": True, "version": 1},
        content_type="application/json", **bearer(contributor),
    )  # fmt: skip
    assert done.status_code == 200, done.content
    assert done.json()["completed_on"] == "2026-12-06"


def test_a_partner_reads_only_milestones_shared_with_it(personas, partnership):
    manager = personas["manager"]
    shared = milestones.milestone_create(
        actor=manager, partnership=partnership, visibility="shared",
        data={"title": "Joint demo", "due_on": days(3)},
    )  # fmt: skip
    milestone(manager, partnership, title="Internal prep")
    assert list(visible_to(personas["partner_a"], Milestone)) == [shared]
    assert not visible_to(personas["partner_b"], Milestone).exists()


def test_the_milestones_page_runs_the_same_queries_however_many(
    personas, partnership, django_assert_num_queries
):
    manager = personas["manager"]
    client = client_for(personas["contributor"])
    for size in (1, 12):
        for n in range(Milestone.objects.count(), size):
            milestone(manager, partnership, title=f"M{n}", owner=personas["contributor"],
                      due_on=days(n - 6))  # fmt: skip
            milestones.sprint_create(
                actor=manager, partnership=partnership, participants=[manager],
                data={"title": f"S{n}", "starts_on": days(-n), "ends_on": days(-n)},
            )  # fmt: skip
        # Session, user, partnership, milestones, sprints and their participants; the team
        # check asks nothing of a contributor, and the rows read are known visible.
        with django_assert_num_queries(MILESTONE_PAGE_QUERIES):
            response = client.get(f"/pilots/partnership/{partnership.pk}/milestones/")
        assert response.status_code == 200


MILESTONE_PAGE_QUERIES = 6
