"""The coverage heat map: gaps x stages, weighted by importance, exposed gaps first."""

from __future__ import annotations

import pytest
from django.urls import include, path, reverse

from accord.partnerships.models import Partnership
from accord.partnerships.services import partnership_create
from accord.strategy import services as strategy
from accord.urls import urlpatterns as project_urlpatterns
from tests.conftest import client_for

# The lead mounts the page at /coverage/ in accord/urls.py; until then these tests mount it.
urlpatterns = list(project_urlpatterns)
if not any(getattr(p, "namespace", None) == "coverage" for p in urlpatterns):
    urlpatterns.append(path("coverage/", include("accord.partnerships.coverage_urls")))

pytestmark = pytest.mark.urls("tests.test_coverage")
URL = "/coverage/"


def make_strategy(actor, gaps: int = 3):
    priority = strategy.priority_create(
        actor=actor, data={"title": "Industrial AI leadership", "horizon_year": 2030}
    )
    made = [
        strategy.gap_create(
            actor=actor,
            data={
                "priority": priority,
                "title": f"Gap {i:03d}",
                "kind": "technology" if i % 2 else "channel",
                "importance": 1 + i % 5,
            },
        )
        for i in range(gaps)
    ]
    return priority, made


def add_partnership(actor, title: str, gaps, stage: str = "candidate", **data) -> Partnership:
    partnership = partnership_create(
        actor=actor, data={"title": title, "type": "rd_alliance", **data}, gaps=gaps
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage=stage)
    return partnership


@pytest.fixture
def covered(admin_user):
    """Gap 0 uncovered, gap 1 thin (one candidate), gap 2 covered (two active)."""
    _, gaps = make_strategy(admin_user)
    add_partnership(admin_user, "Scout idea", [gaps[1]], "candidate")
    add_partnership(admin_user, "Vision alliance", [gaps[2]], "active")
    add_partnership(admin_user, "Second source", [gaps[2]], "active")
    add_partnership(admin_user, "Old friend", [gaps[0]], "exited")
    return gaps


def test_matrix_shows_each_gap_with_counts_per_stage_and_status(admin_client, covered):
    response = admin_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="gap-row"') == 3
    assert 'data-status="uncovered"' in page
    assert 'data-status="thin"' in page
    assert 'data-status="covered"' in page
    assert f"gap={covered[2].pk}&amp;stage=active" in page
    assert "rgba(25, 135, 84" in page  # the heat colour of a covered cell


def test_matrix_rows_link_to_their_gap_and_say_what_each_count_is(
    admin_user, admin_client, covered
):
    strategy.gap_update(actor=admin_user, gap=covered[2], data={"title": "Vision <fast> & cheap"})
    page = admin_client.get(URL).content.decode()
    gap_url = reverse("strategy:gap_detail", args=[covered[2].pk])
    assert f'<a class="text-reset" href="{gap_url}">Vision &lt;fast&gt; &amp; cheap</a>' in page
    assert 'title="2 partnerships at active">2</a>' in page
    assert 'title="1 partnership at candidate">1</a>' in page
    assert '<span class="badge text-bg-danger" data-coverage="uncovered">uncovered</span>' in page
    assert '<div class="progress-bar bg-success" style="width: 100%">' in page


def test_uncovered_and_thin_gaps_come_before_covered_ones(admin_client, covered):
    response = admin_client.get(URL)
    statuses = [r.coverage.status for g in response.context["groups"] for r in g["rows"]]
    assert statuses == ["uncovered", "thin", "covered"]
    assert response.context["counts"] == {"uncovered": 1, "thin": 1, "covered": 1}


def test_exited_partnership_does_not_count_as_coverage(admin_client, covered):
    response = admin_client.get(URL)
    row = next(r for g in response.context["groups"] for r in g["rows"] if r.gap == covered[0])
    assert row.coverage.status == "uncovered"
    assert all(cell.count == 0 for cell in row.cells)


def test_heat_grows_with_count_times_importance(admin_client, covered):
    response = admin_client.get(URL)
    rows = {r.gap.pk: r for g in response.context["groups"] for r in g["rows"]}
    active = next(c for c in rows[covered[2].pk].cells if c.stage == "active")
    candidate = next(c for c in rows[covered[1].pk].cells if c.stage == "candidate")
    assert active.count == 2 and candidate.count == 1
    alpha = [float(c.style.split(", ")[3].split(")")[0]) for c in (active, candidate)]
    assert alpha[0] > alpha[1]


def test_filters_by_kind_and_priority_and_ignore_bad_values(admin_client, covered):
    response = admin_client.get(URL, {"kind": "channel"})
    kinds = {r.gap.kind for g in response.context["groups"] for r in g["rows"]}
    assert kinds == {"channel"}
    other = strategy.priority_create(
        actor=response.wsgi_request.user,
        data={"title": "Grid-scale energy", "horizon_year": 2031},
    )
    response = admin_client.get(URL, {"priority": other.pk})
    assert response.context["gap_count"] == 0
    for bad in ({"priority": "x"}, {"kind": "nonsense"}, {"priority": "99999"}):
        assert admin_client.get(URL, bad).status_code == 200


def test_confidential_partnership_does_not_cover_for_outsiders(personas, covered):
    secret = add_partnership(personas["admin"], "Secret JV", [covered[0]], "active")
    Partnership.objects.filter(pk=secret.pk).update(is_confidential=True)
    viewer = client_for(personas["viewer"]).get(URL)
    row = next(r for g in viewer.context["groups"] for r in g["rows"] if r.gap == covered[0])
    assert row.coverage.status == "uncovered"
    admin = client_for(personas["admin"]).get(URL)
    row = next(r for g in admin.context["groups"] for r in g["rows"] if r.gap == covered[0])
    assert row.coverage.status == "covered"


@pytest.mark.parametrize("role", ["admin", "executive", "manager", "contributor", "viewer"])
def test_every_internal_role_sees_the_matrix(personas, covered, role):
    assert client_for(personas[role]).get(URL).status_code == 200


def test_partner_users_are_refused_and_anonymous_sent_to_log_in(personas, covered):
    assert client_for(personas["partner_a"]).get(URL).status_code == 403
    response = client_for(None).get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_matrix_runs_the_same_queries_with_few_and_many_gaps(admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    counts = []
    for size in (3, 40):
        _, gaps = make_strategy(admin_user, gaps=size)
        for i, gap in enumerate(gaps):
            add_partnership(admin_user, f"P {size}-{i}", [gap], ["candidate", "active"][i % 2])
        # session, user; gaps, direct links, links by play; the user's saved views of it (after a
        # change: whether anything audited changed, and the views)
        with django_assert_num_queries(7):
            response = client.get(URL)
        assert response.status_code == 200
        counts.append(response.context["gap_count"])
    assert counts[-1] > counts[0]
