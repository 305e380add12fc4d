"""No dead end at a gate: whoever may not fill in what a move needs asks the owner, with the
request written for them, and the owner hears of it."""

from __future__ import annotations

import pytest

from accord.core.models import AuditEvent
from accord.notifications.models import Kind, Notification
from accord.partnerships import services
from accord.partnerships.models import Partnership
from tests.conftest import client_for


@pytest.fixture
def piloting(personas, org_a, default_gates) -> Partnership:
    partnership = services.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision pilot", "type": "rd_alliance", "owner": personas["manager"]},
        parties=[(org_a, "partner")],
    )
    Partnership.objects.filter(pk=partnership.pk).update(stage="piloting")
    return partnership


def move_page(client, partnership: Partnership) -> str:
    response = client.get(f"/partnerships/{partnership.pk}/move/?to=active")
    assert response.status_code == 200
    return response.content.decode()


def test_an_executive_is_offered_to_ask_the_owner_not_a_forbidden_edit(personas, piloting):
    page = move_page(client_for(personas["executive"]), piloting)
    assert f"/partnerships/{piloting.pk}/edit/" not in page
    assert 'data-testid="ask-owner"' in page and "Ask manager" in page
    assert "Please see to this so that Vision pilot can move to active: Missing the" in page
    owner_page = move_page(client_for(personas["manager"]), piloting)
    assert f"/partnerships/{piloting.pk}/edit/" in owner_page
    assert 'data-testid="ask-owner"' not in owner_page


def test_the_owner_is_notified_and_the_request_audited(personas, piloting):
    executive = client_for(personas["executive"])
    response = executive.post(
        f"/notifications/partnerships/{piloting.pk}/ask/",
        {"message": "  Please add the  IP terms.  ", "to": "active"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/partnerships/{piloting.pk}/move/?to=active"
    page = response.content.decode()
    assert "manager was asked (in their notifications)." in page
    notice = Notification.objects.get(user=personas["manager"], kind=Kind.REQUEST)
    assert notice.title == "executive asks about Vision pilot: Please add the IP terms."
    assert notice.link == f"/partnerships/{piloting.pk}/move/?to=active"
    assert notice.partnership == piloting
    event = AuditEvent.objects.get(action="ask", object_id=str(piloting.pk))
    assert event.actor == personas["executive"]
    assert event.changes["request"] == [None, "Please add the IP terms."]
    inbox = client_for(personas["manager"]).get("/notifications/").content.decode()
    assert "executive asks about Vision pilot" in inbox


@pytest.mark.parametrize(
    "message, said",
    [("   ", "Say what you ask for."), ("x" * 281, "At most 280 characters, not 281.")],
)
def test_an_empty_or_long_request_is_refused_and_nothing_sent(personas, piloting, message, said):
    response = client_for(personas["executive"]).post(
        f"/notifications/partnerships/{piloting.pk}/ask/", {"message": message}, follow=True
    )
    assert said in response.content.decode()
    assert not Notification.objects.filter(kind=Kind.REQUEST).exists()
    assert not AuditEvent.objects.filter(action="ask").exists()


def test_a_partnership_without_an_owner_says_so(personas, piloting):
    Partnership.objects.filter(pk=piloting.pk).update(owner=None)
    response = client_for(personas["executive"]).post(
        f"/notifications/partnerships/{piloting.pk}/ask/", {"message": "Hi"}, follow=True
    )
    assert "Vision pilot has no active owner to ask." in response.content.decode()
    assert not Notification.objects.exists()


def test_who_cannot_see_the_partnership_cannot_ask_about_it(personas, piloting):
    Partnership.objects.filter(pk=piloting.pk).update(is_confidential=True)
    viewer = client_for(personas["viewer"])
    url = f"/notifications/partnerships/{piloting.pk}/ask/"
    assert viewer.post(url, {"message": "Hi"}).status_code == 404
    assert client_for(personas["partner_a"]).post(url, {"message": "Hi"}).status_code == 404
    assert not Notification.objects.exists()
