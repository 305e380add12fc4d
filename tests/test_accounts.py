"""Accounts: signing in and out, throttling, passwords, user administration, API tokens."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accord.accounts.models import ApiToken, SignInEvent, SignInThrottle, User, hash_token
from accord.accounts.services import token_create, token_user, user_create
from accord.core import policy
from accord.core.models import AuditEvent
from tests.conftest import PASSWORD, client_for

THROTTLED = "Too many failed sign-in attempts"
WRONG_LOGIN = "Please enter a correct username and password"


def sign_in(client: Client, username: str, password: str):
    return client.post("/accounts/login/", {"username": username, "password": password})


def field_errors(response, field: str) -> list[str]:
    return list(response.context["form"].errors.get(field, []))


# Signing in and out ------------------------------------------------------------------------


def test_user_signs_in_with_the_right_password_and_reaches_home(admin_user):
    client = Client()
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_a_message_and_the_failure_is_counted(admin_user):
    client = Client()
    response = sign_in(client, "admin", "not-the-password")
    assert response.status_code == 200
    assert WRONG_LOGIN in response.content.decode()
    assert SignInEvent.objects.filter(username="admin", outcome="failed").count() == 1
    assert client.get("/").status_code == 302  # still anonymous: sent to sign in


def test_signing_out_ends_the_session(admin_user):
    client = Client()
    sign_in(client, "admin", PASSWORD)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/accounts/login/")


def test_anonymous_visitor_is_sent_to_sign_in_with_the_page_to_return_to(db):
    response = Client().get("/directory/organizations/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/directory/organizations/"


# Throttling --------------------------------------------------------------------------------


def test_after_the_failure_limit_even_the_right_password_is_refused_with_a_message(admin_user):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert WRONG_LOGIN in sign_in(client, "admin", "guess").content.decode()
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 200
    assert THROTTLED in response.content.decode()
    assert client.get("/").status_code == 302  # not signed in


def test_throttling_counts_a_username_regardless_of_its_case(admin_user):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "ADMIN", "guess")
    assert THROTTLED in sign_in(client, "admin", PASSWORD).content.decode()


def test_throttling_one_username_leaves_other_users_able_to_sign_in(personas):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        sign_in(client, "admin", "guess")
    response = sign_in(client, "viewer", PASSWORD)
    assert response.status_code == 302


def test_many_failures_from_one_address_throttle_every_username_from_it(personas):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.LOGIN_FAILURE_LIMIT * 4):
        sign_in(client, f"guess{i}", "guess")
    assert THROTTLED in sign_in(client, "viewer", PASSWORD).content.decode()
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_in(elsewhere, "viewer", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_failures_counted_so_far(admin_user):
    client = Client()
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "admin", "guess")
    assert sign_in(client, "admin", PASSWORD).status_code == 302
    assert SignInThrottle.objects.get(scope="pair", username="admin").failures == 0
    client.post("/accounts/logout/")
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        sign_in(client, "admin", "guess")
    assert sign_in(client, "admin", PASSWORD).status_code == 302


# Passwords ---------------------------------------------------------------------------------


@pytest.mark.real_password_hashing
def test_passwords_are_stored_as_argon2_hashes(admin_user):
    admin_user.refresh_from_db()
    assert admin_user.password.startswith("argon2")
    assert PASSWORD not in admin_user.password


@pytest.mark.real_password_hashing
def test_password_change_page_changes_the_password(admin_user):
    client = client_for(admin_user)
    assert client.get("/accounts/password/").status_code == 200
    new = "a-much-longer-passphrase-2026"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    assert "Your password was changed." in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(new)
    assert admin_user.password.startswith("argon2")


@pytest.mark.parametrize(
    ("new1", "new2", "message"),
    [
        ("password", "password", "This password is too common."),
        ("a-much-longer-passphrase", "a-different-passphrase", "The two password fields didn"),
        ("short1", "short1", "too short"),
    ],
    ids=["common", "mismatched", "short"],
)
def test_password_change_refuses_a_weak_or_mismatched_password_and_keeps_the_old_one(
    admin_user, new1, new2, message
):
    client = client_for(admin_user)
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new1, "new_password2": new2},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


def test_password_change_refuses_a_wrong_current_password(admin_user):
    new = "a-much-longer-passphrase-2026"
    response = client_for(admin_user).post(
        "/accounts/password/",
        {"old_password": "not-it", "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "old password was entered incorrectly" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.check_password(PASSWORD)


# User administration -----------------------------------------------------------------------


def test_admin_creates_a_partner_user_of_an_organization(admin_client, admin_user, org_a):
    response = admin_client.post(
        "/accounts/users/new/",
        {
            "username": "pat",
            "email": "pat@alpha.example",
            "role": "partner",
            "organization": org_a.pk,
            "password": "pat-has-a-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/users/"
    pat = User.objects.get(username="pat")
    assert pat.role == policy.PARTNER
    assert pat.organization == org_a
    assert pat.check_password("pat-has-a-long-passphrase")
    assert not pat.is_staff
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(pat.pk))
    assert event.actor == admin_user
    assert event.channel == "web"
    assert event.changes["role"] == [None, "partner"]
    assert "pat" in admin_client.get("/accounts/users/").content.decode()


def test_creating_a_partner_user_without_an_organization_names_the_organization_field(
    admin_client,
):
    response = admin_client.post(
        "/accounts/users/new/",
        {"username": "pat", "role": "partner", "organization": "", "password": ""},
    )
    assert response.status_code == 200
    errors = field_errors(response, "organization")
    assert errors == ["A partner user must belong to an organization."]
    assert "A partner user must belong to an organization." in response.content.decode()
    assert not User.objects.filter(username="pat").exists()


def test_an_internal_user_cannot_be_given_an_organization(admin_client, org_a):
    response = admin_client.post(
        "/accounts/users/new/",
        {"username": "val", "role": "viewer", "organization": org_a.pk},
    )
    assert response.status_code == 200
    assert field_errors(response, "organization") == [
        "Only partner users belong to an organization."
    ]
    assert not User.objects.filter(username="val").exists()


def test_creating_a_user_with_a_weak_password_is_refused_and_writes_nothing(admin_client):
    response = admin_client.post(
        "/accounts/users/new/", {"username": "val", "role": "viewer", "password": "password"}
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not User.objects.filter(username="val").exists()


def test_creating_a_user_with_an_unknown_organization_id_is_refused(admin_client):
    response = admin_client.post(
        "/accounts/users/new/", {"username": "pat", "role": "partner", "organization": 999999}
    )
    assert response.status_code == 200
    assert field_errors(response, "organization")
    assert not User.objects.filter(username="pat").exists()


def test_admin_changes_a_users_role_and_the_change_is_audited(admin_client, personas):
    viewer = personas["viewer"]
    response = admin_client.post(
        f"/accounts/users/{viewer.pk}/",
        {"username": "viewer", "role": "manager", "is_active": "on"},
    )
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == policy.MANAGER
    assert viewer.check_password(PASSWORD)  # an empty password field keeps the password
    event = AuditEvent.objects.filter(model="accounts.user", object_id=str(viewer.pk)).first()
    assert event.action == "update"
    assert event.changes == {"role": ["viewer", "manager"]}


@pytest.mark.parametrize("role", ["executive", "manager", "contributor", "viewer", "partner_a"])
def test_only_an_administrator_may_open_user_administration(personas, role):
    client = client_for(personas[role])
    assert client.get("/accounts/users/").status_code == 403
    assert client.get("/accounts/users/new/").status_code == 403
    response = client.post("/accounts/users/new/", {"username": "intruder", "role": "admin"})
    assert response.status_code == 403
    assert not User.objects.filter(username="intruder").exists()


# API tokens --------------------------------------------------------------------------------


def test_token_page_shows_a_new_token_once_and_stores_only_its_hash(personas):
    manager = personas["manager"]
    client = client_for(manager)
    response = client.post("/accounts/profile/", {"name": "nightly sync"})
    assert response.status_code == 200
    raw = response.context["new_token"]
    assert raw.startswith(ApiToken.PREFIX)
    assert raw in response.content.decode()

    token = ApiToken.objects.get(user=manager)
    assert token.name == "nightly sync"
    assert token.key_hash == hash_token(raw)
    stored = [str(v) for v in ApiToken.objects.values_list().get(pk=token.pk)]
    assert all(raw not in value for value in stored)
    assert token_user(raw) == manager

    again = client.get("/accounts/profile/").content.decode()
    assert raw not in again
    assert token.hint in again  # recognisable by its first characters only


def test_token_with_an_empty_name_is_refused_and_none_is_created(personas):
    response = client_for(personas["viewer"]).post("/accounts/profile/", {"name": ""})
    assert response.status_code == 200
    assert response.context["new_token"] is None
    assert not ApiToken.objects.exists()


def test_a_revoked_token_no_longer_authenticates(personas):
    viewer = personas["viewer"]
    token, raw = token_create(actor=viewer, user=viewer, name="old")
    client = client_for(viewer)
    response = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "was revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_user(raw) is None


def test_a_user_cannot_revoke_someone_elses_token(personas):
    token, raw = token_create(actor=personas["admin"], user=personas["admin"], name="admin's")
    response = client_for(personas["viewer"]).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert token_user(raw) == personas["admin"]


def test_a_token_of_a_deactivated_user_no_longer_authenticates(admin_user):
    user = user_create(actor=admin_user, username="leaver", role="viewer", password=PASSWORD)
    _, raw = token_create(actor=user, user=user)
    user.is_active = False
    user.save()
    assert token_user(raw) is None


# Partner home ------------------------------------------------------------------------------


def test_partner_home_shows_the_workspace_and_no_directory_figures(personas):
    response = client_for(personas["partner_a"]).get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Partner workspace" in page
    assert "Alpha Robotics" in page
    assert 'data-testid="organization-count"' not in page
    assert "Beta Materials" not in page
    assert "organization_count" not in response.context


def test_internal_home_shows_directory_figures(personas):
    response = client_for(personas["viewer"]).get("/")
    assert response.status_code == 200
    assert response.context["organization_count"] == 2
    assert 'data-testid="organization-count"' in response.content.decode()
    assert "Partner workspace" not in response.content.decode()
