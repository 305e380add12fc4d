"""Partnerships carry the directory's tags: chosen on the form, shown on the page, filtered
on the list and the board, read and written through the API, audited in words."""

from __future__ import annotations

from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import services
from tests.conftest import bearer, client_for
from tests.test_partnership_pages import form_data


def test_the_form_sets_tags_the_page_shows_them_and_the_history_names_them(personas, admin_user):
    energy, robotics = directory.tags_get_or_create(actor=admin_user, names=["Energy", "Robotics"])
    manager = client_for(personas["manager"])
    form = manager.get("/partnerships/new/").content.decode()
    assert 'data-picker="/directory/tags/pick/"' in form
    response = manager.post("/partnerships/new/", form_data(tags=[energy.pk, robotics.pk]))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = manager.get(response["Location"]).content.decode()
    assert 'href="/partnerships/?tag=energy">Energy</a>' in page
    event = AuditEvent.objects.filter(model="partnerships.partnership").latest("id")
    assert event.changes["tags"] == [None, ["Energy", "Robotics"]]


def test_the_list_and_board_filter_by_every_tag_chosen(personas, admin_user):
    energy, robotics = directory.tags_get_or_create(actor=admin_user, names=["Energy", "Robotics"])
    manager = personas["manager"]
    for title, tags in (("Both", [energy, robotics]), ("Energy only", [energy]), ("None", [])):
        services.partnership_create(
            actor=manager, data={"title": title, "type": "licensing"}, tags=tags
        )
    client = client_for(manager)
    both = client.get("/partnerships/", {"tag": ["energy", "robotics"]}).content.decode()
    assert ">Both</a>" in both and "Energy only" not in both
    one = client.get("/partnerships/", {"tag": "energy"}).content.decode()
    assert ">Both</a>" in one and ">Energy only</a>" in one and ">None</a>" not in one
    assert '<option value="energy" selected>Energy</option>' in one  # the picker keeps it
    board = client.get("/partnerships/board/", {"tag": "robotics"}).content.decode()
    assert "Both" in board and "Energy only" not in board
    unknown = client.get("/partnerships/", {"tag": "nothing"})
    assert unknown.status_code == 200 and "tag:" in unknown.content.decode()


def test_the_api_reads_and_replaces_tags(personas, partnership):
    headers = bearer(personas["manager"])
    client = client_for(None)
    url = f"/api/v1/partnerships/{partnership.pk}"
    body = {"tags": ["Energy", " Grid "]}
    response = client.patch(url, body, content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert [t["name"] for t in response.json()["tags"]] == ["Energy", "Grid"]
    listed = client.get("/api/v1/partnerships", {"tag": "grid"}, **headers).json()
    assert [p["id"] for p in listed["items"]] == [partnership.pk]
    refused = client.patch(url, {"tags": [""]}, content_type="application/json", **headers)
    assert refused.status_code == 422 and "tags" in refused.content.decode()
