"""Personas and shared fixtures: one user per role, partner users of two organizations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from accord.accounts.models import User
from accord.accounts.services import token_create, user_create
from accord.core import policy
from accord.directory import services as directory
from accord.directory.models import Organization
from accord.partnerships import services as partnerships
from accord.partnerships.models import Partnership
from accord.strategy.models import CapabilityGap, StrategicPriority
from tests.oidc_provider import oidc_provider  # noqa: F401 (a fixture for every test module)
from tests.smtp_server import inbox  # noqa: F401 (a fixture for every test module)

# The reference data sets (see the README): shared/data beside the repository by default.
SHARED_DATA = Path(
    os.environ.get(
        "ACCORD_REFERENCE_DATA", Path(__file__).resolve().parents[1].parent / "shared" / "data"
    )
)
PASSWORD = "correct-horse-battery-staple"


def shared_file(name: str) -> Path:
    """A file of the shared data sets, or skip the test with a clear message."""
    path = SHARED_DATA / name
    if not path.exists():
        pytest.skip(f"shared data file {name} is absent (expected at {SHARED_DATA})")
    return path


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings) -> None:
    """Argon2 is deliberately slow; tests that check the real hasher are marked for it."""
    if request.node.get_closest_marker("real_password_hashing") is None:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def nothing_remembered_from_another_test() -> None:
    """Word counts and scores are remembered per process against FTS5's structure record,
    home pages against the latest audit event's id: a rolled-back test can leave either as
    the next test writes it again."""
    from django.core.cache import cache

    from accord.scouting import words

    words.forget()
    cache.clear()


@pytest.fixture(autouse=True)
def token_use_stored_only_when_asked(settings) -> None:
    """No background thread stores token use during a test; a test calls token_use.flush()."""
    from accord.accounts import token_use

    settings.ACCORD_TOKEN_USE_FLUSH_SECONDS = 0
    token_use.forget()


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path) -> None:
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"


@pytest.fixture
def admin_user(db) -> User:
    return user_create(actor=None, username="admin", role=policy.ADMIN, password=PASSWORD)


@pytest.fixture
def org_a(admin_user) -> Organization:
    return directory.organization_create(
        actor=admin_user, data={"name": "Alpha Robotics", "kind": "startup", "country": "DE"}
    )


@pytest.fixture
def org_b(admin_user) -> Organization:
    return directory.organization_create(
        actor=admin_user, data={"name": "Beta Materials", "kind": "scaleup", "country": "FR"}
    )


@pytest.fixture
def personas(admin_user, org_a, org_b) -> dict[str, User | None]:
    """Every role the product knows, plus anonymous (None)."""
    people: dict[str, User | None] = {"admin": admin_user}
    for role in (policy.EXECUTIVE, policy.MANAGER, policy.VENTURES, policy.CONTRIBUTOR,
                 policy.VIEWER):  # fmt: skip
        people[role] = user_create(actor=admin_user, username=role, role=role, password=PASSWORD)
    people["partner_a"] = user_create(
        actor=admin_user,
        username="partner_a",
        role=policy.PARTNER,
        password=PASSWORD,
        organization=org_a,
    )
    people["partner_b"] = user_create(
        actor=admin_user,
        username="partner_b",
        role=policy.PARTNER,
        password=PASSWORD,
        organization=org_b,
    )
    people["anonymous"] = None
    return people


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin_client(admin_user) -> Client:
    return client_for(admin_user)


def bearer(user: User) -> dict[str, str]:
    _, raw = token_create(actor=user, user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def complete_due_diligence(actor, partnership) -> None:
    """Start the due-diligence checklist of a partnership and mark every item done."""
    from accord.screening.due_diligence import (
        due_diligence_start,
        due_diligence_update,
        template_install_defaults,
    )

    template_install_defaults()  # a flushing (transactional) test may have emptied it
    for item in due_diligence_start(actor=actor, partnership=partnership):
        due_diligence_update(actor=actor, item=item, data={"status": "done", "evidence": "Seen"})


@pytest.fixture
def default_gates(db) -> None:
    """The default gates come from a data migration, which a transactional test's flush removes."""
    partnerships.gates_install_defaults()


@pytest.fixture
def gap(db) -> CapabilityGap:
    priority = StrategicPriority.objects.create(title="Grow in robotics", horizon_year=2030)
    return CapabilityGap.objects.create(priority=priority, title="Machine vision")


@pytest.fixture
def partnership(personas, org_a, gap) -> Partnership:
    """A manager's partnership with organization A, addressing `gap`."""
    return partnerships.partnership_create(
        actor=personas["manager"],
        data={"title": "Vision alliance", "type": "rd_alliance", "value_for_us": "Inspection"},
        parties=[(org_a, "partner")],
        gaps=[gap],
    )
