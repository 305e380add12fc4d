"""My work: what is each user's to do, in one place, with its count in the navigation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.governance import services as governance
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.pilots import milestones
from accord.screening import rounds, rubrics
from accord.screening.models import Screening
from tests.conftest import client_for


def days(n: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=n)


def tasks(client, key: str) -> list[str]:
    response = client.get("/my-work/")
    assert response.status_code == 200
    section = next(s for s in response.context["sections"] if s.key == key)
    return [task.title for task in section.tasks]


@pytest.fixture
def round_(personas, org_a, org_b):
    manager = personas["manager"]
    rubric = rubrics.rubric_from_template(
        actor=manager, template="Technology partner screening"
    ).version.rubric
    screening = rounds.screening_create(actor=manager, rubric=rubric, data={"title": "Round"})
    candidates = [
        rounds.candidate_add(actor=manager, screening=screening, organization=org)
        for org in (org_a, org_b)
    ]
    rounds.reviewers_assign(
        actor=manager, candidates=candidates, reviewers=[personas["contributor"]]
    )
    return screening


def test_a_reviewer_sees_the_scores_waiting_for_them_until_the_round_closes(personas, round_):
    reviewer = client_for(personas["contributor"])
    assert tasks(reviewer, "scores") == ["Alpha Robotics", "Beta Materials"]
    assert tasks(client_for(personas["manager"]), "scores") == []
    rounds.screening_set_status(
        actor=personas["manager"], screening=round_, status=Screening.Status.CLOSED
    )
    assert tasks(reviewer, "scores") == []


def test_a_move_waits_for_the_role_its_gate_names(personas, org_a, default_gates):
    waiting = partnerships.partnership_create(
        actor=personas["manager"], data={"title": "Vision pilot", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )  # fmt: skip
    Partnership.objects.filter(pk=waiting.pk).update(stage="piloting")
    executive = client_for(personas["executive"])
    assert tasks(executive, "approvals") == ["Vision pilot"]
    page = executive.get("/my-work/").content.decode()
    assert f"/partnerships/{waiting.pk}/move/?to=active" in page
    assert tasks(client_for(personas["manager"]), "approvals") == []


def test_owners_see_their_late_action_items_and_milestones(personas, partnership):
    manager = personas["manager"]
    committee = governance.committee_create(
        actor=manager, partnership=partnership, data={"name": "Steering"}
    )
    governance.action_item_create(
        actor=manager, committee=committee,
        data={"title": "Send the annex", "owner": manager, "due_on": days(-2)},
    )  # fmt: skip
    governance.action_item_create(
        actor=manager, committee=committee,
        data={"title": "Someone else's", "owner": personas["admin"], "due_on": days(3)},
    )  # fmt: skip
    milestones.milestone_create(
        actor=manager, partnership=partnership,
        data={"title": "Annex signed", "due_on": days(5), "owner": manager},
    )  # fmt: skip
    client = client_for(manager)
    assert tasks(client, "actions") == ["Send the annex"]
    assert tasks(client, "milestones") == ["Annex signed"]
    page = client.get("/my-work/").content.decode()
    assert "2 d late" in page
    assert tasks(client_for(personas["admin"]), "actions") == ["Someone else's"]


def test_reviews_due_on_partnerships_one_owns(personas, partnership):
    Partnership.objects.filter(pk=partnership.pk).update(next_review_date=days(-4))
    partnership.refresh_from_db()
    partnerships.partnership_update(
        actor=personas["manager"], partnership=partnership,
        expected_version=partnership.version, data={"owner": personas["manager"]},
    )  # fmt: skip
    client = client_for(personas["manager"])
    assert tasks(client, "reviews") == ["Vision alliance"]
    assert "4 d late" in client.get("/my-work/").content.decode()
    assert tasks(client_for(personas["executive"]), "reviews") == []


def test_the_count_adds_every_section_and_the_home_page_fetches_the_panel(personas, round_):
    reviewer = client_for(personas["contributor"])
    assert reviewer.get("/my-work/count/").json() == {"count": 2}
    home = reviewer.get("/").content.decode()
    assert 'hx-get="/my-work/panel/"' in home and 'data-work-count-url="/my-work/count/"' in home
    panel = reviewer.get("/my-work/panel/").content.decode()
    assert "<strong>2</strong> scores to submit" in panel


@pytest.mark.parametrize("path", ["/my-work/", "/my-work/panel/", "/my-work/count/"])
def test_partner_users_have_no_my_work(personas, path):
    assert client_for(personas["partner_a"]).get(path).status_code == 403
    assert "data-work-count-url" not in client_for(personas["partner_a"]).get("/").content.decode()


def test_the_page_reads_the_same_number_of_times_however_much_work(personas, partnership):
    manager = personas["manager"]
    committee = governance.committee_create(
        actor=manager, partnership=partnership, data={"name": "Steering"}
    )
    client = client_for(manager)

    def queries() -> int:
        with CaptureQueriesContext(connection) as run:
            client.get("/my-work/")
        return len(run)

    governance.action_item_create(
        actor=manager, committee=committee,
        data={"title": "First", "owner": manager, "due_on": days(1)},
    )  # fmt: skip
    few = queries()
    for n in range(10):
        governance.action_item_create(
            actor=manager, committee=committee,
            data={"title": f"Item {n}", "owner": manager, "due_on": days(n)},
        )  # fmt: skip
    assert queries() == few
