"""A pending invitation to the sample partnership's party; one to the confidential one's."""

from __future__ import annotations

from typing import Any

from django.test import override_settings

from accord.directory.models import Organization
from accord.partnerships import invitations
from accord.partnerships.models import Invitation, Partnership
from tests.matrix_samples import confidential_samples, samples

LOCAL_MAIL = override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")


def _invite(world: dict[str, Any], partnership: Partnership, email: str) -> Invitation:
    organization = Organization.objects.get(partnership_parties__partnership=partnership)
    with LOCAL_MAIL:
        return invitations.invitation_send(
            actor=world["users"]["admin"], partnership=partnership, organization=organization,
            email=email, link_for=lambda raw: f"http://testserver/workspace/join/?token={raw}",
        )  # fmt: skip


@samples
def invitation_samples(world: dict[str, Any]) -> dict[Any, Any]:
    return {Invitation: _invite(world, world["samples"][Partnership], "bea@beta.example")}


@confidential_samples
def confidential_invitation(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    return {"Invitation to the confidential partnership": _invite(world, secret, "x@c.example")}
