"""The `accord` command for accounts: `users create`, `tokens create`, and the command list."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from typer.testing import CliRunner

from accord.accounts.models import ApiToken, User, hash_token
from accord.cli import app
from accord.core.models import AuditEvent
from accord.directory import services as directory

runner = CliRunner()
NEW_PASSWORD = "a-long-enough-cli-passphrase"


def accord(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_help_lists_every_command():
    result = accord("--help")
    assert result.exit_code == 0
    for command in ("demo", "serve", "manage", "users", "tokens"):
        assert command in result.output


@pytest.mark.django_db
@pytest.mark.real_password_hashing
def test_users_create_makes_a_manager_with_the_password_read_from_stdin():
    result = accord(
        "users", "create", "maria", "--role", "manager", "--password-stdin", input=NEW_PASSWORD
    )
    assert result.exit_code == 0, result.output
    maria = User.objects.get(username="maria")
    assert maria.role == "manager"
    assert maria.check_password(NEW_PASSWORD)
    assert maria.password.startswith("argon2")
    event = AuditEvent.objects.get(model="accounts.user", object_id=str(maria.pk))
    assert event.channel == "cli"
    assert event.action == "create"


@pytest.mark.django_db
def test_users_create_without_a_password_makes_an_account_that_cannot_sign_in_yet():
    result = accord("users", "create", "vic", "--role", "viewer")
    assert result.exit_code == 0, result.output
    assert not User.objects.get(username="vic").has_usable_password()


def test_users_create_makes_a_partner_user_of_an_organization_given_by_id(org_a):
    result = accord(
        "users", "create", "pat", "--role", "partner", "--organization", str(org_a.pk), "--json"
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout.strip().splitlines()[-1])
    assert printed["organization"] == org_a.pk
    assert User.objects.get(username="pat").organization == org_a


def test_users_create_finds_the_organization_by_source_and_external_id(org_a, org_b):
    directory.external_id_set(organization=org_b, source="ror", value="04abc12")
    result = accord("users", "create", "pat", "--role", "partner", "--organization", "ror:04abc12")
    assert result.exit_code == 0, result.output
    assert User.objects.get(username="pat").organization == org_b


@pytest.mark.django_db
def test_users_create_refuses_an_unknown_role_naming_it():
    result = accord("users", "create", "bob", "--role", "overlord")
    assert result.exit_code != 0
    assert "overlord" in result.output
    assert not User.objects.filter(username="bob").exists()


@pytest.mark.django_db
def test_users_create_refuses_a_partner_without_an_organization():
    result = accord("users", "create", "pat", "--role", "partner")
    assert result.exit_code != 0
    assert "organization" in result.output
    assert not User.objects.filter(username="pat").exists()


@pytest.mark.django_db
def test_users_create_refuses_an_unknown_organization_reference_naming_it():
    result = accord("users", "create", "pat", "--role", "partner", "--organization", "ror:nope")
    assert result.exit_code != 0
    assert "ror:nope" in result.output
    assert not User.objects.filter(username="pat").exists()


@pytest.mark.django_db
def test_users_create_refuses_a_weak_password_and_writes_nothing():
    result = accord(
        "users", "create", "weak", "--role", "viewer", "--password-stdin", input="password\n"
    )
    assert result.exit_code != 0
    assert "too common" in result.output
    assert not User.objects.filter(username="weak").exists()


def test_users_create_refuses_a_taken_username(admin_user):
    result = accord("users", "create", "admin", "--role", "viewer")
    assert result.exit_code != 0
    assert "username" in result.output
    assert User.objects.get(username="admin").role == "admin"


def test_tokens_create_prints_a_token_that_authenticates_as_bearer(admin_user):
    result = accord("tokens", "create", "admin", "--json")
    assert result.exit_code == 0, result.output
    raw = json.loads(result.stdout.strip().splitlines()[-1])["token"]

    stored = ApiToken.objects.get(user=admin_user)
    assert stored.key_hash == hash_token(raw)
    assert raw not in stored.key_hash

    api = Client()
    assert api.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    forged = api.get("/api/v1/organizations", HTTP_AUTHORIZATION=f"Bearer {raw}x")
    assert forged.status_code == 401
    assert api.get("/api/v1/organizations").status_code == 401


@pytest.mark.django_db
def test_tokens_create_for_an_unknown_user_fails_naming_the_user():
    result = accord("tokens", "create", "ghost", "--json")
    assert result.exit_code != 0
    assert "ghost" in result.output
    assert not ApiToken.objects.exists()
