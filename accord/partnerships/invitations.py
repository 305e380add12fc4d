"""Inviting someone of a party to work with us in the partner workspace.

The team of a partnership invites by e-mail; the link works once, until it expires
(`INVITATION_DAYS`) or is revoked, and its acceptance makes a partner user of the party's
organization. Only the link's hash is stored.
"""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from accord.accounts import services as accounts
from accord.accounts.models import User, hash_token
from accord.core import audit, policy
from accord.core.models import AuditEvent
from accord.directory.models import Organization
from accord.partnerships.models import Invitation, Partnership

EMAIL_TROUBLE = (smtplib.SMTPException, OSError)


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
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"“{email}” is not an e-mail address."}) from None
    if not partnership.parties.filter(organization=organization).exists():
        raise ValidationError(
            {"organization": f"{organization.name} is not a party to {partnership.title}."}
        )
    holder = User.objects.filter(email__iexact=email, is_active=True).first()
    if holder is not None:
        raise ValidationError(
            {"email": f"{email} already signs in as {holder.get_username()}; "
                      "ask an administrator to give that account access instead."}
        )  # fmt: skip
    now = timezone.now()
    raw = secrets.token_urlsafe(32)
    invitation = Invitation(
        partnership=partnership,
        organization=organization,
        email=email,
        token_hash=hash_token(raw),
        invited_by=actor,
        created_at=now,
        expires_at=now + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    subject, body = _message(invitation, actor, link_for(raw))
    try:
        send_mail(subject, body, None, [email])
    except EMAIL_TROUBLE as error:
        raise ValidationError(
            {"email": f"The invitation could not be sent to {email} ({error}); nothing was "
                      "saved. Check the e-mail settings (ACCORD_EMAIL_HOST) and try again."}
        ) from None  # fmt: skip
    with transaction.atomic():
        for earlier in Invitation.objects.filter(
            partnership=partnership, email__iexact=email,
            accepted_at__isnull=True, revoked_at__isnull=True,
        ):  # fmt: skip
            _revoke(actor, earlier, now)
        invitation.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=invitation,
            changes={"email": [None, email], "organization": [None, organization.pk],
                     "partnership": [None, partnership.pk],
                     "expires_at": [None, invitation.expires_at.isoformat()]},
        )  # fmt: skip
    return invitation


def _revoke(actor: User, invitation: Invitation, now: dt.datetime) -> None:
    invitation.revoked_at = now
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        changes={"revoked_at": [None, now.isoformat()]},
    )


@transaction.atomic
def invitation_revoke(*, actor: User, invitation: Invitation) -> None:
    if not policy.can_change_partnership(actor, invitation.partnership):
        raise PermissionDenied("Only the partnership's team or an administrator revokes.")
    status = invitation.status_at(timezone.now())
    if status != Invitation.Status.PENDING:
        raise ValidationError(f"The invitation to {invitation.email} is already {status.label}.")
    _revoke(actor, invitation, timezone.now())


def invitation_for(raw: str) -> Invitation:
    """The pending invitation of a link, or a message saying why the link no longer works."""
    invitation = (
        Invitation.objects.select_related("partnership", "organization", "invited_by")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if invitation is None:
        raise ValidationError("This invitation link is not valid: check that it was copied "
                              "whole, or ask for a new one.")  # fmt: skip
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "the team"
    status = invitation.status_at(timezone.now())
    if status == Invitation.Status.ACCEPTED:
        raise ValidationError(
            f"This invitation was already used on {invitation.accepted_at:%Y-%m-%d}; sign in "
            f"with the account made then, or ask {inviter} for a new one."
        )
    if status == Invitation.Status.REVOKED:
        raise ValidationError(f"This invitation was withdrawn; ask {inviter} for a new one.")
    if status == Invitation.Status.EXPIRED:
        raise ValidationError(
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d %H:%M} UTC; "
            f"ask {inviter} for a new one."
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *, raw: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Make the partner user of a pending invitation. A link accepted twice at once makes
    one account: the second finds it used."""
    invitation = invitation_for(raw)
    now = timezone.now()
    taken = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        accepted_at=now
    )
    if not taken:
        raise ValidationError("This invitation was just used; sign in with its account.")
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"“{username}” is taken; choose another."})
    probe = User(username=username, email=invitation.email, first_name=first_name,
                 last_name=last_name)  # fmt: skip
    try:
        validate_password(password or "", probe)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user = accounts.partner_user_join(
        organization=invitation.organization, username=username, password=password,
        email=invitation.email, first_name=first_name, last_name=last_name,
    )  # fmt: skip
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_by"])
    audit.record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        changes={"accepted_at": [None, now.isoformat()], "accepted_by": [None, user.pk]},
    )
    return user
