"""Forgotten passwords: a link by e-mail (to a real SMTP server on this machine) that works
once, the same answer whether or not the address has an account, and no mailbox flooding."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.core.models import AuditEvent

pytestmark = pytest.mark.django_db
OLD, NEW = "Tungsten-river-42", "Basalt-harbour-77"
RESET = "/accounts/password/reset/"


@pytest.fixture
def ana(db) -> User:
    return user_create(
        actor=None, username="ana", email="ana@example.com", password=OLD, role="admin"
    )


def _ask(address: str):
    return Client().post(RESET, {"email": address})


def _set(link: str, password: str, again: str | None = None):
    client = Client()
    form = client.get(link, follow=True)  # Django swaps the token for a session key first
    url = form.redirect_chain[-1][0] if form.redirect_chain else link
    return client.post(url, {"new_password1": password, "new_password2": again or password})


def test_a_forgotten_password_is_set_again_through_the_mailed_link(ana, inbox):
    login = Client().get("/accounts/login/")
    assert b"Forgot your password?" in login.content

    asked = _ask("ANA@example.com")
    assert asked.status_code == 302 and asked["Location"] == "/accounts/password/reset/sent/"
    assert len(inbox.messages) == 1
    assert inbox.messages[0]["X-Rcpt"] == "ana@example.com"
    link = inbox.link(path="/accounts/password/reset/")
    assert "ana" in inbox.messages[0].get_payload(decode=True).decode()

    done = _set(link, NEW)
    assert done.status_code == 302 and done["Location"] == "/accounts/password/reset/done/"
    assert Client().login(username="ana", password=NEW)
    assert not Client().login(username="ana", password=OLD)
    words = [e.changes for e in AuditEvent.objects.filter(model="accounts.user", object_id=ana.pk)]
    assert {"password": ["(hidden)", "(reset by e-mail link)"]} in words


def test_the_link_works_once(ana, inbox):
    _ask("ana@example.com")
    link = inbox.link(path="/accounts/password/reset/")
    assert _set(link, NEW).status_code == 302
    again = Client().get(link, follow=True)
    assert b"This link does not work any more" in again.content
    assert Client().login(username="ana", password=NEW)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(ana, inbox):
    asked = _ask("nobody@example.com")
    assert asked.status_code == 302 and asked["Location"] == "/accounts/password/reset/sent/"
    assert inbox.messages == []


def test_one_link_per_interval_so_nobody_floods_a_mailbox(ana, inbox):
    with override_settings(PASSWORD_RESET_MAIL_INTERVAL_MINUTES=10):
        _ask("ana@example.com")
        _ask("ana@example.com")
    assert len(inbox.messages) == 1
    with override_settings(PASSWORD_RESET_MAIL_INTERVAL_MINUTES=0):
        _ask("ana@example.com")
    assert len(inbox.messages) == 2


def test_accounts_without_a_password_or_inactive_get_no_link(ana, inbox):
    user_create(actor=None, username="sso-only", email="sso@example.com", role="admin")
    ana.is_active = False
    ana.save()
    _ask("sso@example.com")
    _ask("ana@example.com")
    assert inbox.messages == []


def test_a_weak_or_mismatched_new_password_is_refused_in_words(ana, inbox):
    _ask("ana@example.com")
    link = inbox.link(path="/accounts/password/reset/")
    weak = _set(link, "password")
    assert weak.status_code == 200
    assert b"This password is too common" in weak.content
    differ = _set(link, NEW, again=NEW + "x")
    assert differ.status_code == 200 and b"didn" in differ.content  # "didn't match"
    assert Client().login(username="ana", password=OLD)


def test_a_bad_address_is_refused_on_the_form(inbox):
    response = _ask("not an address")
    assert response.status_code == 200
    assert b"Enter a valid email address" in response.content
    assert inbox.messages == []


def test_a_mail_server_that_is_down_is_no_500(ana):
    from tests.smtp_server import free_port

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=free_port()):  # fmt: skip
        response = _ask("ana@example.com")
    assert response.status_code == 302


def test_the_page_says_when_no_mail_server_can_carry_the_link(settings, inbox):
    assert "no e-mail set up" not in Client().get(RESET).content.decode()
    settings.EMAIL_HOST = ""
    assert "no e-mail set up" in Client().get(RESET).content.decode()
