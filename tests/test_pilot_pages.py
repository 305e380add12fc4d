"""The pilot pages: forms that refuse bad input by name, edits that lose nothing, and a
constant number of queries however many pilots, criteria and actuals there are."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accord.core.models import AuditEvent
from accord.pilots import services
from accord.pilots.models import Pilot
from tests.conftest import client_for

TODAY = dt.date.today()


def days(n: int) -> str:
    return (TODAY + dt.timedelta(days=n)).isoformat()


def form(**fields) -> dict[str, str]:
    return {
        "title": "Line 3 inspection", "hypothesis": "Halves the defects", "starts_on": days(-10),
        "ends_on": days(50), "visibility": "internal", **fields,
    }  # fmt: skip


def grow(pilot: Pilot, actor, criteria: int, actuals: int) -> None:
    for n in range(pilot.criteria.count(), criteria):
        services.criterion_add(
            actor=actor, pilot=pilot,
            data={"metric": f"Metric {n}", "unit": "%", "target": Decimal(50),
                  "assignee": actor if n % 2 else None},
        )  # fmt: skip
    for criterion in pilot.criteria.all():
        for n in range(criterion.actuals.count(), actuals):
            services.actual_record(actor=actor, criterion=criterion, value=Decimal(40 + n),
                                   observed_on=TODAY - dt.timedelta(days=actuals - n))  # fmt: skip


def test_a_manager_creates_a_pilot_and_a_bad_timebox_is_named(personas, partnership):
    client = client_for(personas["manager"])
    new = f"/pilots/partnership/{partnership.pk}/new/"
    before = AuditEvent.objects.count()
    refused = client.post(new, form(ends_on=days(-20)))
    assert refused.status_code == 422
    assert "The timebox ends" in refused.content.decode()
    assert AuditEvent.objects.count() == before and not Pilot.objects.exists()
    created = client.post(new, form(owner=personas["manager"].pk))
    pilot = Pilot.objects.get()
    assert created["Location"] == f"/pilots/{pilot.pk}/"
    assert (pilot.owner, pilot.status, pilot.visibility) == (personas["manager"], "planned",
                                                             "internal")  # fmt: skip


def test_a_conflicting_edit_keeps_both_values_and_writes_nothing(personas, partnership):
    manager = personas["manager"]
    pilot = services.pilot_create(
        actor=manager, partnership=partnership,
        data={"title": "T", "hypothesis": "H", "starts_on": TODAY, "ends_on": TODAY},
    )  # fmt: skip
    services.pilot_update(actor=personas["admin"], pilot=pilot, data={"scope": "Theirs"})
    response = client_for(manager).post(
        f"/pilots/{pilot.pk}/edit/",
        form(scope="Mine", status="running", version=0, starts_on=days(0), ends_on=days(0)),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Mine" in body and "Theirs" in body
    assert Pilot.objects.get(pk=pilot.pk).scope == "Theirs"


def test_a_decision_form_without_a_rationale_is_refused_by_name(personas, partnership):
    manager = personas["manager"]
    pilot = services.pilot_create(
        actor=manager, partnership=partnership,
        data={"title": "T", "hypothesis": "H", "starts_on": TODAY, "ends_on": TODAY},
    )  # fmt: skip
    response = client_for(manager).post(
        f"/pilots/{pilot.pk}/decision/", {"decision": "kill", "rationale": " ", "version": 0}
    )
    assert response.status_code == 422
    assert "Give the rationale for the decision." in response.content.decode()
    assert not pilot.decisions.exists()


# Session and user are two of each page's queries. The pilot page: the pilot (visible, then
# with its partnership and owners); criteria; actuals; readiness; decisions; milestones; history;
# for a manager, who may change it, the criterion form's assignees; the team checks.
PILOT_PAGE_QUERIES = {"manager": 13, "viewer": 12}
# The list: count, rows and the user's saved views of it (two after a change: whether anything
# audited changed, the views); a partnership's pilots: the
# partnership and its pilots; the partnership's page gains four for its tabs and alerts:
# pilots and milestones, committees and open action items; five for how well we know its
# partners: their people, the interactions, whether the connections changed, our people
# (remembered: whether anything audited changed, and after a change their ids); and one for
# its tags.
LIST_QUERIES = {"/pilots/": 6, "partnership pilots": 4, "partnership page": 18}


@pytest.mark.parametrize("role", ["manager", "viewer"])
def test_the_pilot_page_runs_the_same_queries_however_many_criteria_and_actuals(
    personas, partnership, role, django_assert_num_queries
):
    manager = personas["manager"]
    pilot = services.pilot_create(
        actor=manager, partnership=partnership,
        data={"title": "T", "hypothesis": "H", "starts_on": TODAY - dt.timedelta(days=40),
              "ends_on": TODAY + dt.timedelta(days=9)},
    )  # fmt: skip
    client = client_for(personas[role])
    for criteria, actuals in ((1, 1), (6, 12)):
        grow(pilot, manager, criteria, actuals)
        with django_assert_num_queries(PILOT_PAGE_QUERIES[role]):
            response = client.get(f"/pilots/{pilot.pk}/")
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/pilots/", "partnership pilots", "partnership page"])
def test_lists_of_pilots_run_the_same_queries_however_many_pilots(
    personas, partnership, path, django_assert_num_queries
):
    manager = personas["manager"]
    client = client_for(personas["viewer"])
    url = {"partnership pilots": f"/pilots/partnership/{partnership.pk}/",
           "partnership page": f"/partnerships/{partnership.pk}/"}.get(path, path)  # fmt: skip
    for size in (1, 15):
        for n in range(Pilot.objects.count(), size):
            services.pilot_create(
                actor=manager, partnership=partnership,
                data={"title": f"P{n}", "hypothesis": "H", "owner": manager,
                      "starts_on": TODAY - dt.timedelta(days=60),
                      "ends_on": TODAY - dt.timedelta(days=n)},
            )  # fmt: skip
        with django_assert_num_queries(LIST_QUERIES[path]):
            response = client.get(url)
        assert response.status_code == 200
