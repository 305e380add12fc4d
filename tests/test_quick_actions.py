"""Quick actions where the work starts: an organization's page starts a partnership or puts it
into a screening round; an uncovered gap on the heat map offers to scout."""

from __future__ import annotations

from accord.directory import services as directory
from accord.screening import rounds, rubrics
from tests.conftest import client_for


def test_an_organization_page_starts_a_partnership_with_it(personas, org_a):
    manager = client_for(personas["manager"])
    page = manager.get(f"/directory/organizations/{org_a.pk}/").content.decode()
    start = f"/partnerships/new/?partner={org_a.pk}"
    assert f'href="{start}">Start a partnership</a>' in page
    form = manager.get(start).content.decode()
    assert f'<option value="{org_a.pk}" selected>Alpha Robotics</option>' in form
    viewer_page = client_for(personas["viewer"]).get(f"/directory/organizations/{org_a.pk}/")
    assert "Start a partnership" not in viewer_page.content.decode()


def test_our_own_company_offers_no_quick_action(personas, admin_user):
    ours = directory.organization_create(actor=admin_user, data={"name": "Us", "is_self": True})
    page = client_for(personas["manager"]).get(f"/directory/organizations/{ours.pk}/")
    assert 'data-testid="quick-actions"' not in page.content.decode()


def test_an_organization_is_put_into_an_open_round_from_its_page(personas, org_a, org_b):
    manager = personas["manager"]
    rubric = rubrics.rubric_from_template(
        actor=manager, template="Technology partner screening"
    ).version.rubric
    screening = rounds.screening_create(actor=manager, rubric=rubric, data={"title": "Q3 round"})
    rounds.candidate_add(actor=manager, screening=screening, organization=org_b)
    client = client_for(manager)
    page = client.get(f"/directory/organizations/{org_a.pk}/").content.decode()
    assert "Screen in “Q3 round”" in page
    assert f'action="/screening/rounds/{screening.pk}/candidates/"' in page
    client.post(f"/screening/rounds/{screening.pk}/candidates/", {"organization": org_a.pk})
    assert screening.candidates.filter(organization=org_a).exists()
    again = client.get(f"/directory/organizations/{org_a.pk}/").content.decode()
    assert "Screen in “Q3 round”" not in again  # already in it
    contributor = client_for(personas["contributor"])
    assert (
        "Screen in" not in contributor.get(f"/directory/organizations/{org_b.pk}/").content.decode()
    )


def test_the_heat_map_offers_to_scout_a_gap_not_yet_covered(personas, gap, partnership):
    manager = client_for(personas["manager"])
    uncovered = gap.__class__.objects.create(priority=gap.priority, title="Edge AI hardware")
    page = manager.get("/coverage/").content.decode()
    assert f'href="/scouting/scans/new/?gap={uncovered.pk}" data-testid="scout"' in page
    viewer = client_for(personas["viewer"]).get("/coverage/").content.decode()
    assert 'data-testid="scout"' not in viewer
