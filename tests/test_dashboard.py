"""The home page of internal users: funnel, coverage, reviews, renewals, my partnerships."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accord.core import policy
from accord.partnerships.models import Partnership
from accord.partnerships.services import partnership_create
from accord.strategy import services as strategy
from tests.conftest import client_for

SMALL, LARGE = 3, 40
# Session, user and the latest audit event (whether the page shown last is still good); kinds
# with their total, people, tags, recent changes, our company (5); funnel, reviews, renewals
# (2: agreements, NDAs), my partnerships, overdue pilots, milestones and actions, open
# escalations (9; their paths one more when there are any); the health checks (1; their
# answers two more when there are any); coverage (3).
HOME_QUERIES = 21


def today() -> dt.date:
    return timezone.localdate()


def days(n: int) -> dt.date:
    return today() + dt.timedelta(days=n)


def add(actor, title: str, stage: str = "candidate", gaps=(), team=(), **data) -> Partnership:
    partnership = partnership_create(
        actor=actor, data={"title": title, "type": "rd_alliance", **data}, gaps=gaps, team=team
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage=stage)
    return partnership


@pytest.fixture
def gap(admin_user):
    priority = strategy.priority_create(
        actor=admin_user, data={"title": "Grid-scale energy", "horizon_year": today().year + 4}
    )
    return strategy.gap_create(
        actor=admin_user,
        data={"priority": priority, "title": "Battery storage integration", "importance": 5},
    )


def test_funnel_counts_each_stage_and_shows_exits_apart(admin_client, admin_user, gap):
    for i, stage in enumerate(["candidate", "candidate", "piloting", "active", "exited"]):
        add(admin_user, f"P{i}", stage)
    response = admin_client.get("/")
    funnel = response.context["funnel"]
    by_stage = {row["stage"]: row["n"] for row in funnel["stages"]}
    assert by_stage["candidate"] == 2 and by_stage["piloting"] == 1 and by_stage["active"] == 1
    assert "exited" not in by_stage
    assert {row["stage"]: row["n"] for row in funnel["exits"]} == {"declined": 0, "exited": 1}
    assert funnel["total"] == 4
    assert 'data-testid="pipeline-funnel"' in response.content.decode()


def test_reviews_due_include_overdue_and_the_next_30_days_only(admin_client, admin_user):
    add(admin_user, "Overdue review", "active", next_review_date=days(-5))
    add(admin_user, "Soon review", "active", next_review_date=days(10))
    add(admin_user, "Later review", "active", next_review_date=days(60))
    add(admin_user, "Exited review", "exited", next_review_date=days(3))
    response = admin_client.get("/")
    titles = [p.title for p in response.context["reviews"]]
    assert titles == ["Overdue review", "Soon review"]
    assert "5 d overdue" in response.content.decode()


def test_renewals_use_the_notice_period_and_ndas_expire_within_60_days(admin_client, admin_user):
    add(admin_user, "Long notice", "active", end_date=days(150), renewal_notice_days=180)
    add(admin_user, "Default notice", "active", end_date=days(80))
    add(admin_user, "Far away", "active", end_date=days(200))
    add(admin_user, "NDA soon", "engaging", nda_expires_on=days(20))
    add(admin_user, "NDA later", "engaging", nda_expires_on=days(90))
    items = admin_client.get("/").context["renewals"]
    assert [(i["partnership"].title, i["what"]) for i in items] == [
        ("NDA soon", "NDA expires"),
        ("Default notice", "agreement ends"),
        ("Long notice", "agreement ends"),
    ]


def test_renewals_keep_the_ten_soonest_of_many_and_the_last_day_of_notice(admin_client, admin_user):
    for i in range(12):
        add(admin_user, f"Ends {i:02d}", "active", end_date=days(30 + i))
    add(admin_user, "Both due", "active", end_date=days(20), nda_expires_on=days(5))
    add(admin_user, "Last day", "active", end_date=days(10), renewal_notice_days=10)
    add(admin_user, "A day too far", "active", end_date=days(11), renewal_notice_days=10)
    items = admin_client.get("/").context["renewals"]
    assert [(i["partnership"].title, i["what"], i["days"]) for i in items] == [
        ("Both due", "NDA expires", 5),
        ("Last day", "agreement ends", 10),
        ("Both due", "agreement ends", 20),
        *[(f"Ends {i:02d}", "agreement ends", 30 + i) for i in range(7)],
    ]


def test_my_partnerships_are_those_i_own_sponsor_or_work_on(personas):
    admin, manager, executive = personas["admin"], personas["manager"], personas["executive"]
    add(admin, "Owned", owner=manager)
    add(admin, "Sponsored", executive_sponsor=manager)
    add(admin, "On the team", team=[manager])
    add(admin, "Someone else's", owner=executive)
    add(admin, "Owned but exited", "exited", owner=manager)
    mine = client_for(manager).get("/").context["mine"]
    assert sorted(p.title for p in mine) == ["On the team", "Owned", "Sponsored"]


def test_confidential_partnership_does_not_leak_to_the_dashboard(personas, gap):
    admin = personas["admin"]
    add(
        admin,
        "Secret merger talks",
        "active",
        gaps=[gap],
        is_confidential=True,
        next_review_date=days(2),
        end_date=days(30),
        owner=personas["executive"],
    )
    response = client_for(personas["viewer"]).get("/")
    page = response.content.decode()
    assert "Secret merger talks" not in page
    assert response.context["funnel"]["total"] == 0
    assert response.context["coverage"]["uncovered"] == 1
    for role in ("executive", "admin"):
        assert "Secret merger talks" in client_for(personas[role]).get("/").content.decode()


def test_coverage_summary_counts_and_lists_the_most_exposed(admin_client, admin_user, gap):
    response = admin_client.get("/")
    summary = response.context["coverage"]
    assert (summary["uncovered"], summary["thin"], summary["covered"]) == (1, 0, 0)
    assert [c.gap for c in summary["top"]] == [gap]
    assert 'data-testid="coverage-summary"' in response.content.decode()


@pytest.mark.parametrize("role", ["admin", "executive", "manager", "contributor", "viewer"])
def test_every_internal_role_gets_the_dashboard(personas, gap, role):
    add(personas["admin"], "Vision alliance", "active", gaps=[gap], next_review_date=days(1))
    response = client_for(personas[role]).get("/")
    assert response.status_code == 200
    assert 'data-testid="pipeline-funnel"' in response.content.decode()


def test_partner_user_gets_the_workspace_branch_without_pipeline_figures(personas, gap):
    add(personas["admin"], "Vision alliance", "active", gaps=[gap])
    response = client_for(personas["partner_a"]).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vision alliance" not in page and "pipeline-funnel" not in page
    assert "funnel" not in response.context


def test_home_runs_the_same_queries_with_few_and_many_partnerships(
    admin_user, django_assert_num_queries
):
    from accord.accounts.services import user_create

    viewer = user_create(actor=admin_user, username="vera", role=policy.VIEWER)
    client = client_for(viewer)
    priority = strategy.priority_create(
        actor=admin_user, data={"title": "Industrial AI", "horizon_year": today().year + 3}
    )
    for size in (SMALL, LARGE):
        for i in range(Partnership.objects.count(), size):
            gap = strategy.gap_create(
                actor=admin_user, data={"priority": priority, "title": f"Gap {i}"}
            )
            add(
                admin_user,
                f"Partnership {i:03d}",
                ["candidate", "active", "piloting", "exited"][i % 4],
                gaps=[gap],
                team=[viewer] if i % 3 == 0 else [],
                is_confidential=i % 5 == 0,
                next_review_date=days(i % 40 - 10),
                end_date=days(i * 3),
                nda_expires_on=days(i),
            )
        with django_assert_num_queries(HOME_QUERIES):
            response = client.get("/")
        assert response.status_code == 200


def test_recent_changes_say_what_changed(admin_client, admin_user, gap):
    from accord.partnerships.services import gates_install_defaults, partnership_move

    partnership = add(admin_user, "Storage alliance", gaps=[gap])
    partnership.refresh_from_db()
    gates_install_defaults()
    partnership_move(
        actor=admin_user, partnership=partnership, to_stage="declined", reason="Not a fit"
    )
    strategy.gap_update(actor=admin_user, gap=gap, data={"importance": 4, "title": "Storage"})
    body = admin_client.get("/").content.decode()
    assert "(Stage: candidate → declined)" in body
    assert "(title, importance)" in body or "(importance, title)" in body


def test_home_is_shown_again_until_an_audited_change_or_a_refresh(
    personas, django_assert_num_queries
):
    manager, viewer = personas["manager"], personas["viewer"]
    client = client_for(manager)
    add(manager, "Secret deal", owner=manager, is_confidential=True)
    first = client.get("/").content.decode()
    assert 'data-testid="as-of"' in first and "Secret deal" in first
    assert "Secret deal" not in client_for(viewer).get("/").content.decode(), "each their own"
    # A write that leaves no audit event (a script's, a survey's answer) waits for the refresh.
    Partnership.objects.create(title="Quiet deal", type="rd_alliance", owner=manager)
    with django_assert_num_queries(3):  # session, user, latest audit event
        again = client.get("/").content.decode()
    assert "Quiet deal" not in again and again.count('data-testid="as-of"') == 1
    assert "Quiet deal" in client.get("/", {"refresh": "1"}).content.decode()
    # An audited change, one's own or anyone's, shows at once.
    add(personas["admin"], "Loud deal", owner=manager)
    assert "Loud deal" in client.get("/").content.decode()
