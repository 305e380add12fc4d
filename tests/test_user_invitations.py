"""Inviting a colleague by e-mail (to a real SMTP server on this machine): the administrator
chooses the role, the link works once, until it expires or is withdrawn, and the invitee
chooses their own sign-in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from accord.accounts.models import User, UserInvitation
from accord.accounts.services import user_create
from accord.core.models import AuditEvent
from tests.smtp_server import free_port

pytestmark = pytest.mark.django_db
PASSWORD = "Tungsten-river-42"
JOIN = "/accounts/join/?token="


@pytest.fixture
def admin(db) -> Client:
    client = Client()
    client.force_login(user_create(actor=None, username="inv-admin", role="admin"))
    return client


def _invite(admin: Client, email: str = "ana@example.com", role: str = "manager"):
    return admin.post("/accounts/users/invite/", {"email": email, "role": role})


def _join(link: str, username: str = "ana", password: str = PASSWORD):
    return Client().post(link.split("?")[0], {
        "token": link.split("token=")[1], "username": username, "first_name": "Ana",
        "password": password, "password_again": password,
    })  # fmt: skip


def test_an_invited_colleague_joins_with_the_role_chosen(admin, inbox):
    page = admin.get("/accounts/users/")
    assert b"Invite a colleague" in page.content
    sent = _invite(admin)
    assert sent.status_code == 302
    assert inbox.messages[0]["X-Rcpt"] == "ana@example.com"
    assert "alliance manager" in inbox.messages[0].get_payload(decode=True).decode()
    listed = admin.get("/accounts/users/")
    assert b"ana@example.com" in listed.content and b"Withdraw" in listed.content

    link = inbox.link(path=JOIN)
    opened = Client().get(link)
    assert opened.status_code == 200 and b"alliance manager" in opened.content
    joined = _join(link)
    assert joined.status_code == 302 and joined["Location"] == "/"
    user = User.objects.get(username="ana")
    assert (user.role, user.email, user.organization) == ("manager", "ana@example.com", None)
    assert UserInvitation.objects.get().accepted_by == user
    assert Client().login(username="ana", password=PASSWORD)
    created = AuditEvent.objects.get(model="accounts.user", object_id=str(user.pk))
    assert created.actor == user


def test_a_link_works_once_and_not_after_it_is_withdrawn(admin, inbox):
    _invite(admin)
    link = inbox.link(path=JOIN)
    assert _join(link).status_code == 302
    again = _join(link, username="ana2")
    assert again.status_code == 400 and b"already used" in again.content
    assert not User.objects.filter(username="ana2").exists()

    _invite(admin, email="bo@example.com")
    withdrawn_link = inbox.link(path=JOIN)
    invitation = UserInvitation.objects.get(email="bo@example.com")
    assert admin.post(f"/accounts/invitations/{invitation.pk}/revoke/").status_code == 302
    refused = _join(withdrawn_link, username="bo")
    assert refused.status_code == 400 and b"withdrawn" in refused.content
    assert not User.objects.filter(username="bo").exists()


def test_an_expired_link_says_when_it_expired(admin, inbox):
    _invite(admin)
    UserInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = _join(inbox.link(path=JOIN))
    assert response.status_code == 400 and b"expired on" in response.content
    assert not User.objects.filter(username="ana").exists()


def test_a_second_invitation_to_the_same_address_replaces_the_first(admin, inbox):
    _invite(admin, role="viewer")
    first = inbox.link(path=JOIN)
    _invite(admin, role="contributor")
    assert _join(first).status_code == 400
    assert _join(inbox.link(path=JOIN)).status_code == 302
    assert User.objects.get(username="ana").role == "contributor"


@pytest.mark.parametrize(
    ("email", "role", "words"),
    [
        ("not-an-address", "viewer", "is not an e-mail address"),
        ("inv-admin@example.com", "viewer", "already signs in as"),
        ("ana@example.com", "partner", "Select a valid choice"),
        ("ana@example.com", "emperor", "Select a valid choice"),
    ],
)
def test_bad_invitations_are_refused_in_words_and_nothing_is_sent(admin, inbox, email, role,
                                                                  words):  # fmt: skip
    User.objects.filter(username="inv-admin").update(email="inv-admin@example.com")
    response = _invite(admin, email=email, role=role)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert inbox.messages == [] and not UserInvitation.objects.exists()


def test_a_mail_server_that_is_down_saves_nothing(admin, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()
    response = _invite(admin)
    assert response.status_code == 400
    assert b"could not be sent" in response.content
    assert not UserInvitation.objects.exists()


def test_a_weak_password_or_taken_username_leaves_the_link_usable(admin, inbox):
    _invite(admin)
    link = inbox.link(path=JOIN)
    weak = _join(link, password="password")
    assert weak.status_code == 400 and b"too common" in weak.content
    taken = _join(link, username="inv-admin")
    assert taken.status_code == 400 and b"is taken" in taken.content
    assert _join(link).status_code == 302


def test_only_administrators_invite_and_see_invitations(db, inbox):
    manager = user_create(
        actor=user_create(actor=None, username="boss", role="admin"), username="m", role="manager"
    )
    client = Client()
    client.force_login(manager)
    assert client.post("/accounts/users/invite/", {"email": "x@example.com",
                                                  "role": "viewer"}).status_code == 403  # fmt: skip
    assert inbox.messages == []
