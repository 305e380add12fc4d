"""A pending invitation of a colleague (administrators only see and withdraw it)."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from accord.accounts import invitations
from accord.accounts.models import UserInvitation
from tests.matrix_samples import samples


@samples
def user_invitation_samples(world: dict[str, Any]) -> dict[Any, Any]:
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        invitation = invitations.user_invite(
            actor=world["users"]["admin"], email="new.colleague@example.com", role="viewer",
            link_for=lambda raw: f"http://testserver/accounts/join/?token={raw}",
        )  # fmt: skip
    return {UserInvitation: invitation}
