"""Every service that writes authorizes its actor itself, whatever entry point calls it.

A service called directly (by a future view, a script, a worker) with a role that may not do
the write is refused with PermissionDenied, and nothing is written: no row, no audit event.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts import services as accounts
from accord.accounts.models import ApiToken, User
from accord.core import policy
from accord.core.models import AuditEvent
from accord.directory import services as directory
from accord.directory.importing.engine import ImportOptions, import_file
from accord.directory.models import Organization, Person, Tag
from accord.partnerships import services as partnerships
from accord.partnerships.models import Note, NoteComment, Partnership, StageGate
from accord.strategy import services as strategy
from accord.strategy.models import CapabilityGap, StrategicPriority


def refused(call, *models) -> None:
    """`call` raises PermissionDenied and leaves `models` and the audit log as they were."""
    counts = {model: model.objects.count() for model in (*models, AuditEvent)}
    with pytest.raises(PermissionDenied):
        call()
    assert {model: model.objects.count() for model in counts} == counts


def test_the_directory_services_refuse_a_role_that_may_not_change_it(personas, org_a):
    viewer = personas["viewer"]
    refused(
        lambda: directory.organization_create(actor=viewer, data={"name": "Sneaky"}),
        Organization,
    )
    refused(
        lambda: directory.organization_update(
            actor=personas["contributor"], organization=org_a, data={"city": "Bonn"}
        )
    )
    refused(lambda: directory.organization_delete(actor=viewer, organization=org_a), Organization)
    refused(lambda: directory.person_create(actor=viewer, data={"full_name": "Ann"}), Person)
    refused(lambda: directory.tag_create(actor=personas["executive"], data={"name": "x"}), Tag)
    refused(lambda: directory.tags_get_or_create(actor=viewer, names=["new"]), Tag)
    org_a.refresh_from_db()
    assert org_a.city == ""


def test_the_strategy_services_refuse_a_role_that_may_not_change_it(personas):
    refused(
        lambda: strategy.priority_create(
            actor=personas["contributor"], data={"title": "Ours", "horizon_year": 2030}
        ),
        StrategicPriority,
    )
    refused(
        lambda: strategy.gap_create(actor=personas["partner_a"], data={"title": "A gap"}),
        CapabilityGap,
    )


def test_the_account_services_refuse_a_role_that_may_not_manage_users(personas):
    manager = personas["manager"]
    refused(
        lambda: accounts.user_create(actor=manager, username="mallory", role=policy.ADMIN), User
    )
    refused(
        lambda: accounts.user_update(
            actor=manager, user=personas["viewer"], data={"role": policy.ADMIN}
        )
    )
    refused(
        lambda: accounts.user_set_password(
            actor=manager, user=personas["admin"], password="another-long-password-1"
        )
    )
    refused(lambda: accounts.token_create(actor=manager, user=personas["viewer"]), ApiToken)
    assert User.objects.get(username="viewer").role == policy.VIEWER


def test_only_an_administrator_is_created_without_an_actor(db):
    refused(lambda: accounts.user_create(actor=None, username="m", role=policy.MANAGER), User)
    first = accounts.user_create(actor=None, username="root", role=policy.ADMIN)
    assert AuditEvent.objects.get(model="accounts.user").actor == first


def test_a_user_manages_their_own_tokens_and_an_administrator_anyones(personas):
    viewer = personas["viewer"]
    token, _ = accounts.token_create(actor=viewer, user=viewer)
    refused(lambda: accounts.token_revoke(actor=personas["manager"], token=token))
    accounts.token_revoke(actor=personas["admin"], token=token)
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.fixture
def partnership(personas, org_a) -> Partnership:
    return partnerships.partnership_create(
        actor=personas["admin"],
        data={"title": "Joint pilot", "type": "rd_alliance"},
        parties=[(org_a, "partner")],
    )


def test_the_partnership_services_refuse_a_role_that_may_not_write(personas, partnership):
    refused(
        lambda: partnerships.partnership_create(
            actor=personas["executive"], data={"title": "Unasked", "type": "rd_alliance"}
        ),
        Partnership,
    )
    refused(
        lambda: partnerships.gate_update(
            actor=personas["manager"], stage="active", data={"checklist": ["Nothing"]}
        ),
        StageGate,
    )
    refused(
        lambda: partnerships.note_create(
            actor=personas["viewer"], partnership=partnership, body="Hi", visibility="internal"
        ),
        Note,
    )
    # A partner writes only on partnerships its organization is a party to.
    refused(
        lambda: partnerships.note_create(
            actor=personas["partner_b"], partnership=partnership, body="Hi", visibility="shared"
        ),
        Note,
    )


def test_a_partner_comments_only_on_notes_shared_with_it(personas, partnership):
    internal = partnerships.note_create(
        actor=personas["admin"], partnership=partnership, body="Ours", visibility="internal"
    )
    refused(
        lambda: partnerships.comment_create(actor=personas["partner_a"], note=internal, body="?"),
        NoteComment,
    )
    shared = partnerships.note_create(
        actor=personas["partner_a"], partnership=partnership, body="Theirs", visibility="shared"
    )
    comment = partnerships.comment_create(actor=personas["partner_a"], note=shared, body="Yes")
    assert comment.note == shared


def test_an_import_refuses_a_role_that_may_not_import(personas, tmp_path):
    path = tmp_path / "organizations.csv"
    path.write_text("name,kind\nSneaky Ltd,startup\n")
    for role in ("executive", "contributor", "viewer", "partner_a"):
        refused(
            lambda role=role: import_file(path, actor=personas[role], options=ImportOptions()),
            Organization,
        )
