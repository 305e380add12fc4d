"""Inviting someone of a party to work with us in the partner workspace.

The team of a partnership invites by e-mail; the link's acceptance makes a partner user of the
party's organization (the link's mechanics: accounts.invitations).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accord.accounts import invitations as links
from accord.accounts import services as accounts
from accord.accounts.models import User
from accord.core import policy
from accord.directory.models import Organization
from accord.partnerships.models import Invitation, Partnership


def _message(invitation: Invitation, inviter: User, link: str) -> tuple[str, str]:
    name = inviter.get_full_name() or inviter.get_username()
    subject = f"{name} invites you to work on {invitation.partnership.title}"
    body = (
        f"{name} invites you, for {invitation.organization.name}, to the shared workspace of "
        f"{invitation.partnership.title}: its pilots, milestones, meetings, decisions and "
        f"action items.\n\n"
        f"Choose your sign-in here (the link works once, until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n"
    )
    return subject, body


def invitation_send(
    *,
    actor: User,
    partnership: Partnership,
    organization: Organization,
    email: str,
    link_for: Callable[[str], str],
) -> Invitation:
    """E-mail an invitation link (`link_for` turns the raw token into the page's address),
    then record it; an invitation still pending for the same address is revoked. Nothing is
    written when the message cannot be sent."""
    if not policy.can_change_partnership(actor, partnership):
        raise PermissionDenied("Only the partnership's team or an administrator invites.")
    email = links.free_address(email)
    if not partnership.parties.filter(organization=organization).exists():
        raise ValidationError(
            {"organization": f"{organization.name} is not a party to {partnership.title}."}
        )
    invitation = Invitation(partnership=partnership, organization=organization, email=email)
    raw = links.issue(invitation, actor=actor)
    links.send(email, *_message(invitation, actor, link_for(raw)))
    links.save_replacing_earlier(
        actor, invitation, Invitation.objects.filter(partnership=partnership),
        {"organization": [None, organization.pk], "partnership": [None, partnership.pk]},
    )  # fmt: skip
    return invitation


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not policy.can_change_partnership(actor, invitation.partnership):
        raise PermissionDenied("Only the partnership's team or an administrator revokes.")
    links.revoke(actor, invitation)


def invitation_for(raw: str) -> Invitation:
    """The pending invitation of a link, or a message saying why the link no longer works."""
    invitations = Invitation.objects.select_related("partnership", "organization", "invited_by")
    return links.pending(invitations, raw)


@transaction.atomic
def invitation_accept(
    *, raw: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Make the partner user of a pending invitation."""
    invitation = invitation_for(raw)
    names = {"first_name": first_name, "last_name": last_name}
    username = links.claim(invitation, username=username, password=password, **names)
    user = accounts.invited_user_join(
        role=policy.PARTNER, organization=invitation.organization, username=username,
        password=password, email=invitation.email, **names,
    )  # fmt: skip
    links.record_accepted(invitation, user)
    return user
