"""Single sign-on through OpenID Connect, against a stand-in provider over real HTTP: the
provider's groups give the role at every sign-in, the first sign-in makes or links the account,
and every refusal is said on the sign-in page, never a 500."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from accord.accounts.models import User
from accord.accounts.services import user_create
from accord.accounts.single_sign_on import configuration_problems, role_groups
from accord.core.models import AuditEvent
from tests.oidc_provider import Provider

pytestmark = pytest.mark.django_db
ANA = {"sub": "idp-0001", "email": "ana@example.com", "email_verified": True,
       "preferred_username": "ana", "given_name": "Ana", "family_name": "Lima",
       "groups": ["alliance-office"]}  # fmt: skip


def _sign_in(client: Client, provider: Provider, claims: dict, start: str = "/accounts/sso/start/"):
    """The browser's round trip: Accord → provider (who vouches for `claims`) → Accord."""
    provider.person = claims
    sent = client.get(start)
    assert sent.status_code == 302 and sent["Location"].startswith(provider.issuer)
    back = requests.get(sent["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    assert callback.path == "/accounts/sso/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def _signed_in_as(client: Client) -> str | None:
    page = client.get("/accounts/profile/")
    return None if page.status_code != 200 else page.wsgi_request.user.get_username()


def _login_page_says(client: Client) -> str:
    return client.get("/accounts/login/").content.decode()


def test_a_new_person_signs_in_with_the_role_their_group_gives(oidc_provider):
    client = Client()
    assert "Sign in with your company account" in _login_page_says(client)
    answer = _sign_in(client, oidc_provider, ANA)
    assert answer.status_code == 302 and answer["Location"] == "/"
    assert _signed_in_as(client) == "ana"
    ana = User.objects.get(username="ana")
    assert (ana.role, ana.email, ana.first_name, ana.sso_subject) == (
        "manager", "ana@example.com", "Ana", "idp-0001")  # fmt: skip
    assert not ana.has_usable_password(), "no Accord password to guess or reset"
    created = AuditEvent.objects.get(model="accounts.user", object_id=str(ana.pk), action="create")
    assert created.actor_name == "system"
    assert "Change password" not in client.get("/").content.decode()
    kept_there = client.get("/accounts/password/", follow=True)
    assert "your password is kept there" in kept_there.content.decode()


def test_the_role_follows_the_provider_at_each_sign_in_highest_first(oidc_provider):
    _sign_in(Client(), oidc_provider, ANA)
    _sign_in(Client(), oidc_provider, {**ANA, "groups": ["staff", "accord-admins"]})
    ana = User.objects.get(sso_subject="idp-0001")
    assert (ana.role, ana.is_staff) == ("admin", True)
    assert User.objects.count() == 2  # ana and the system account, no second ana
    _sign_in(Client(), oidc_provider, {**ANA, "groups": ["staff"], "email": "ana@new.example"})
    ana.refresh_from_db()
    assert (ana.role, ana.is_staff, ana.email) == ("viewer", False, "ana@new.example")
    changed = AuditEvent.objects.filter(model="accounts.user", object_id=str(ana.pk),
                                        action="update").order_by("pk").last()  # fmt: skip
    assert changed.changes["role"] == ["admin", "viewer"]


def test_an_existing_account_with_the_verified_address_is_linked_not_duplicated(oidc_provider):
    admin = user_create(actor=None, username="boss", role="admin")
    existing = user_create(actor=admin, username="ana.lima", role="viewer", email="ANA@example.com")
    client = Client()
    _sign_in(client, oidc_provider, ANA)
    assert _signed_in_as(client) == "ana.lima"
    existing.refresh_from_db()
    assert (existing.sso_subject, existing.role) == ("idp-0001", "manager")


def test_an_unverified_address_links_nothing(oidc_provider):
    admin = user_create(actor=None, username="boss", role="admin", email="ana@example.com")
    client = Client()
    _sign_in(client, oidc_provider, {**ANA, "email_verified": False, "groups": ["accord-admins"]})
    assert _signed_in_as(client) == "ana"
    admin.refresh_from_db()
    assert admin.sso_subject == "", "nobody takes over an account by claiming its address"


def test_a_person_in_no_mapped_group_is_refused_in_words(oidc_provider):
    client = Client()
    answer = _sign_in(client, oidc_provider, {**ANA, "groups": ["marketing"]})
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert "in none of the groups that give an Accord role" in _login_page_says(client)
    assert _signed_in_as(client) is None
    assert not User.objects.filter(sso_subject="idp-0001").exists()


def test_a_switched_off_account_or_a_partner_users_address_is_refused(oidc_provider, org_a):
    _sign_in(Client(), oidc_provider, ANA)
    User.objects.filter(sso_subject="idp-0001").update(is_active=False)
    client = Client()
    _sign_in(client, oidc_provider, ANA)
    assert "switched off" in _login_page_says(client) and _signed_in_as(client) is None

    admin = User.objects.get(username="admin")
    user_create(actor=admin, username="pat", role="partner", organization=org_a,
                email="pat@partner.example")  # fmt: skip
    client = Client()
    _sign_in(client, oidc_provider, {**ANA, "sub": "idp-0002", "email": "pat@partner.example"})
    assert "partner user" in _login_page_says(client) and _signed_in_as(client) is None
    assert User.objects.get(username="pat").sso_subject == ""


def test_a_provider_that_fails_or_is_down_is_said_never_a_500(oidc_provider):
    oidc_provider.token_status = 500
    client = Client()
    answer = _sign_in(client, oidc_provider, ANA)
    assert answer.status_code == 302 and answer["Location"] == "/accounts/login/"
    assert "could not be reached or refused the sign-in" in _login_page_says(client)

    oidc_provider.token_status = 200
    provider_start = client.get("/accounts/sso/start/")
    back = requests.get(provider_start["Location"], allow_redirects=False, timeout=5)
    callback = urlparse(back.headers["Location"])
    with pytest.MonkeyPatch.context() as patch:  # the provider goes down between the two legs
        patch.setattr("django.conf.settings.OIDC_OP_TOKEN_ENDPOINT", "http://127.0.0.1:9/token")
        answer = client.get(f"{callback.path}?{callback.query}")
    assert answer.status_code == 302
    assert "could not be reached" in _login_page_says(client)
    assert not User.objects.filter(sso_subject="idp-0001").exists()


def test_a_token_made_for_another_application_is_not_taken(oidc_provider):
    oidc_provider.audience = "someone-else"
    client = Client()
    answer = _sign_in(client, oidc_provider, ANA)
    assert answer.status_code == 302
    assert "could not be trusted" in _login_page_says(client)
    assert _signed_in_as(client) is None


def test_a_forged_or_replayed_callback_is_refused(oidc_provider):
    client = Client()
    client.get("/accounts/sso/start/")
    forged = client.get("/accounts/sso/callback/?code=made-up&state=not-ours")
    assert forged.status_code == 302 and forged["Location"] == "/accounts/login/"
    assert _signed_in_as(client) is None
    _sign_in(client, oidc_provider, ANA)
    assert _signed_in_as(client) == "ana"


def test_without_a_provider_there_is_no_button_and_no_sign_on(db):
    client = Client()
    assert "company account" not in _login_page_says(client)
    assert client.get("/accounts/sso/start/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404
    assert configuration_problems() == []


def test_the_role_groups_setting_is_checked_in_words(settings):
    assert role_groups("admin: a, b; viewer: c") == {"admin": {"a", "b"}, "viewer": {"c"}}
    with pytest.raises(ImproperlyConfigured, match=r"entry 2 \('boss: x'\)"):
        role_groups("admin: a; boss: x")
    with pytest.raises(ImproperlyConfigured, match=r"entry 1.*no group named"):
        role_groups("admin:")
    with pytest.raises(ImproperlyConfigured, match="entry 1"):
        role_groups("partner: suppliers")
    settings.OIDC_RP_CLIENT_ID = "accord"
    settings.OIDC_OP_TOKEN_ENDPOINT = ""
    settings.OIDC_ROLE_GROUPS = ""
    problems = configuration_problems()
    assert "single sign-on needs ACCORD_OIDC_TOKEN_URL as well" in problems
    assert any("nobody could sign in" in p for p in problems)
