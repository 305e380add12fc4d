"""Inviting a party's people by e-mail: the message goes to a real SMTP server on this machine,
its link works once, until it expires or is withdrawn, and makes a partner user of the party."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.partnerships import invitations, services
from accord.partnerships.models import Invitation
from tests.smtp_server import free_port

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(monkeypatch):
    now = {"at": START}
    monkeypatch.setattr(timezone, "now", lambda: now["at"])
    return now


@pytest.fixture
def world():
    admin = user_create(actor=None, username="inv-admin", role="admin")
    manager = user_create(actor=admin, username="inv-manager", role="manager")
    viewer = user_create(actor=admin, username="inv-viewer", role="viewer")
    beta = directory.organization_create(actor=admin, data={"name": "Beta Materials"})
    other = directory.organization_create(actor=admin, data={"name": "Gamma Other"})
    partnership = services.partnership_create(
        actor=admin,
        data={"title": "Battery pilot", "type": "rd_alliance", "owner": manager},
        parties=[(beta, "partner")],
    )
    return {"admin": admin, "manager": manager, "viewer": viewer, "beta": beta,
            "other": other, "partnership": partnership}  # fmt: skip


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _invite(world, inbox, address: str = "ana@beta.example"):
    client = _signed_in(world["manager"])
    url = f"/partnerships/{world['partnership'].pk}/invitations/"
    return client.post(url, {"organization": world["beta"].pk, "email": address})


PASSWORD = "Tungsten-river-42"


def _accept(link: str, username: str = "ana", password: str = PASSWORD):
    return Client().post(link.split("?")[0], {
        "token": link.split("token=")[1], "username": username, "first_name": "Ana",
        "password": password, "password_again": password,
    })  # fmt: skip


def test_an_invited_person_joins_as_a_partner_user_of_the_party(world, inbox):
    response = _invite(world, inbox)
    assert response.status_code == 302
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["X-Rcpt"] == "ana@beta.example"
    assert "Battery pilot" in message["Subject"]

    link = inbox.link()
    page = Client().get(link)
    assert page.status_code == 200
    assert b"Beta Materials" in page.content and b"Battery pilot" in page.content

    joined = _accept(link)
    assert joined.status_code == 302
    assert joined["Location"] == f"/workspace/{world['partnership'].pk}/"
    user = User.objects.get(username="ana")
    assert (user.role, user.organization, user.email) == ("partner", world["beta"],
                                                          "ana@beta.example")  # fmt: skip
    invitation = Invitation.objects.get()
    assert invitation.accepted_by == user
    created = AuditEvent.objects.get(model="accounts.user", object_id=str(user.pk))
    assert created.actor == user, "the account is recorded under its own identity"
    assert Client().login(username="ana", password=PASSWORD)


def test_a_link_works_once(world, inbox):
    _invite(world, inbox)
    link = inbox.link()
    assert _accept(link).status_code == 302
    again = Client().get(link)
    assert again.status_code == 400
    assert b"already used" in again.content
    second = _accept(link, username="ana2")
    assert second.status_code == 400
    assert not User.objects.filter(username="ana2").exists()


def test_a_link_expires(world, inbox, clock):
    with override_settings(INVITATION_DAYS=7):
        _invite(world, inbox)
    link = inbox.link()
    clock["at"] = START + dt.timedelta(days=7, seconds=1)
    response = _accept(link)
    assert response.status_code == 400
    assert b"expired on 2026-03-09 09:00 UTC" in response.content
    assert not User.objects.filter(username="ana").exists()
    clock["at"] = START + dt.timedelta(days=6, hours=23)
    assert _accept(link).status_code == 302, "a day before, it still worked"


def test_a_withdrawn_or_replaced_link_no_longer_works(world, inbox):
    _invite(world, inbox)
    first = inbox.link()
    _invite(world, inbox)  # sent again: the first link is withdrawn
    response = _accept(first)
    assert response.status_code == 400 and b"withdrawn" in response.content
    pending = Invitation.objects.get(revoked_at__isnull=True)
    _signed_in(world["manager"]).post(f"/partnerships/invitations/{pending.pk}/revoke/")
    assert b"withdrawn" in _accept(inbox.link()).content
    assert not User.objects.filter(role="partner").exists()


@pytest.mark.parametrize(
    ("token", "says"),
    [("", "not valid"), ("made-up", "not valid")],
)
def test_a_broken_link_says_so(token, says, world):
    response = Client().get(f"/workspace/join/?token={token}")
    assert response.status_code == 400
    assert says.encode() in response.content


def test_bad_input_to_an_invitation_writes_nothing(world, inbox):
    user_create(actor=world["admin"], username="known", role="viewer", email="known@ours.example")
    events = AuditEvent.objects.count()
    bad = _invite(world, inbox, "not-an-address")
    assert bad.status_code == 400 and b"is not an e-mail address" in bad.content
    stranger = _signed_in(world["manager"]).post(
        f"/partnerships/{world['partnership'].pk}/invitations/",
        {"organization": world["other"].pk, "email": "x@gamma.example"},
    )
    assert stranger.status_code == 400, "only a party's people are invited"
    taken = _invite(world, inbox, "KNOWN@ours.example")
    assert taken.status_code == 400 and b"already signs in as known" in taken.content
    assert AuditEvent.objects.count() == events
    assert not inbox.messages and not Invitation.objects.exists()


def test_an_unreachable_mail_server_saves_nothing(world):
    port = free_port()  # nothing listens there
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=2):  # fmt: skip
        response = _signed_in(world["manager"]).post(
            f"/partnerships/{world['partnership'].pk}/invitations/",
            {"organization": world["beta"].pk, "email": "ana@beta.example"},
        )
    assert response.status_code == 400
    assert b"could not be sent to ana@beta.example" in response.content
    assert not Invitation.objects.exists()


def test_bad_choices_on_accepting_keep_the_link_usable(world, inbox):
    _invite(world, inbox)
    link = inbox.link()
    weak = _accept(link, password="123")
    assert weak.status_code == 400 and b"too short" in weak.content
    taken = _accept(link, username="inv-viewer")
    assert taken.status_code == 400 and b"is taken" in taken.content
    assert _accept(link).status_code == 302


def test_who_may_invite(world, inbox):
    url = f"/partnerships/{world['partnership'].pk}/invitations/"
    data = {"organization": world["beta"].pk, "email": "ana@beta.example"}
    assert _signed_in(world["viewer"]).post(url, data).status_code == 403
    other_manager = user_create(actor=world["admin"], username="inv-m2", role="manager")
    assert _signed_in(other_manager).post(url, data).status_code == 403
    assert not Invitation.objects.exists()
    partnership = world["partnership"]
    page = _signed_in(world["viewer"]).get(f"/partnerships/{partnership.pk}/partner-users/")
    assert page.status_code == 200 and b"Send invitation" not in page.content


def test_a_signed_in_user_is_asked_to_sign_out(world, inbox):
    _invite(world, inbox)
    response = _signed_in(world["viewer"]).get(inbox.link())
    assert response.status_code == 409
    assert b"Sign out" in response.content


def test_the_service_refuses_what_the_page_would(world):
    with pytest.raises(ValidationError, match="not a party"):
        invitations.invitation_send(
            actor=world["admin"], partnership=world["partnership"], organization=world["other"],
            email="x@gamma.example", link_for=str,
        )  # fmt: skip
    assert not Invitation.objects.exists()
