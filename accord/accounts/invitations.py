"""Invitations by e-mail: the link, its one use, and the invitation of a new colleague.

A link works once, until it expires (`INVITATION_DAYS`) or is revoked; only its hash is
stored. Partner users are invited from their partnership (partnerships.invitations), people of
our own company by an administrator (here); both kinds share the mechanics below.
"""

from __future__ import annotations

import datetime as dt
import secrets
import smtplib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accord.accounts import services as accounts
from accord.accounts.models import EmailInvitation, User, UserInvitation, hash_token
from accord.core import audit, policy
from accord.core.models import AuditEvent

EMAIL_TROUBLE = (smtplib.SMTPException, OSError)
Invitation = TypeVar("Invitation", bound=EmailInvitation)


def free_address(email: str) -> str:
    """`email` cleaned, if it is an address that no active account signs in with."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": f"“{email}” is not an e-mail address."}) from None
    holder = User.objects.filter(email__iexact=email, is_active=True).first()
    if holder is not None:
        raise ValidationError(
            {"email": f"{email} already signs in as {holder.get_username()}; "
                      "ask an administrator to give that account access instead."}
        )  # fmt: skip
    return email


def issue(invitation: Invitation, *, actor: User) -> str:
    """Give `invitation` a new link, valid from now; the raw token is returned, never stored."""
    raw = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(raw)
    invitation.invited_by = actor
    invitation.created_at = timezone.now()
    invitation.expires_at = invitation.created_at + dt.timedelta(days=settings.INVITATION_DAYS)
    return raw


def send(email: str, subject: str, body: str) -> None:
    """Mail an invitation, or say in words why it could not be sent."""
    try:
        send_mail(subject, body, None, [email])
    except EMAIL_TROUBLE as error:
        raise ValidationError(
            {"email": f"The invitation could not be sent to {email} ({error}); nothing was "
                      "saved. Check the e-mail settings (ACCORD_EMAIL_HOST) and try again."}
        ) from None  # fmt: skip


def save_replacing_earlier(
    actor: User, invitation: EmailInvitation, earlier: QuerySet, changes: dict
) -> None:
    """Save a sent invitation, revoking the `earlier` ones still pending for its address."""
    with transaction.atomic():
        for earlier_link in earlier.filter(
            email__iexact=invitation.email, accepted_at__isnull=True, revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ):  # fmt: skip
            revoke(actor, earlier_link)
        invitation.save()
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=invitation,
            changes={"email": [None, invitation.email], **changes,
                     "expires_at": [None, invitation.expires_at.isoformat()]},
        )  # fmt: skip


def revoke(actor: User, invitation: EmailInvitation) -> None:
    status = invitation.status_at(timezone.now())
    if status != EmailInvitation.Status.PENDING:
        raise ValidationError(f"The invitation to {invitation.email} is already {status.label}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        changes={"revoked_at": [None, invitation.revoked_at.isoformat()]},
    )


def pending(invitations: QuerySet[Invitation], raw: str) -> Invitation:
    """The pending invitation of a link, or a message saying why the link no longer works."""
    invitation = invitations.filter(token_hash=hash_token(raw or "")).first()
    if invitation is None:
        raise ValidationError("This invitation link is not valid: check that it was copied "
                              "whole, or ask for a new one.")  # fmt: skip
    inviter = invitation.invited_by.get_username() if invitation.invited_by else "the team"
    status = invitation.status_at(timezone.now())
    if status == EmailInvitation.Status.ACCEPTED:
        raise ValidationError(
            f"This invitation was already used on {invitation.accepted_at:%Y-%m-%d}; sign in "
            f"with the account made then, or ask {inviter} for a new one."
        )
    if status == EmailInvitation.Status.REVOKED:
        raise ValidationError(f"This invitation was withdrawn; ask {inviter} for a new one.")
    if status == EmailInvitation.Status.EXPIRED:
        raise ValidationError(
            f"This invitation expired on {invitation.expires_at:%Y-%m-%d %H:%M} UTC; "
            f"ask {inviter} for a new one."
        )
    return invitation


def claim(invitation: EmailInvitation, *, username: str, password: str, **names: str) -> str:
    """Take a pending invitation for the account about to be made (call inside the account's
    transaction); the username it may have. A link accepted twice at once makes one account:
    the second finds it used."""
    taken = type(invitation)._default_manager.filter(pk=invitation.pk, accepted_at__isnull=True)
    if not taken.update(accepted_at=timezone.now()):
        raise ValidationError("This invitation was just used; sign in with its account.")
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"“{username}” is taken; choose another."})
    try:
        validate_password(password or "", User(username=username, email=invitation.email, **names))
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    return username


def record_accepted(invitation: EmailInvitation, user: User) -> None:
    invitation.refresh_from_db(fields=["accepted_at"])
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_by"])
    assert invitation.accepted_at is not None
    audit.record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        instance=invitation,
        changes={"accepted_at": [None, invitation.accepted_at.isoformat()],
                 "accepted_by": [None, user.pk]},
    )  # fmt: skip


def _message(invitation: UserInvitation, inviter: User, link: str) -> tuple[str, str]:
    name = inviter.get_full_name() or inviter.get_username()
    subject = f"{name} invites you to Accord"
    body = (
        f"{name} invites you to Accord, where we run our strategic partnerships, as "
        f"{invitation.get_role_display()}.\n\n"
        f"Choose your sign-in here (the link works once, until "
        f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC):\n{link}\n"
    )
    return subject, body


def user_invite(
    *, actor: User, email: str, role: str, link_for: Callable[[str], str]
) -> UserInvitation:
    """E-mail an invitation to join with `role` (`link_for` turns the raw token into the page's
    address), then record it; an invitation still pending for the same address is revoked.
    Nothing is written when the message cannot be sent."""
    policy.require(actor, policy.USERS_MANAGE)
    if not policy.is_known_role(role) or policy.is_partner_role(role):
        raise ValidationError(
            {"role": "Choose one of our own roles; partner users are invited from their "
                     "partnership's Partner users tab."}
        )  # fmt: skip
    invitation = UserInvitation(email=free_address(email), role=role)
    raw = issue(invitation, actor=actor)
    send(invitation.email, *_message(invitation, actor, link_for(raw)))
    save_replacing_earlier(actor, invitation, UserInvitation.objects.all(), {"role": [None, role]})
    return invitation


@transaction.atomic
def user_invitation_revoke(*, actor: User, invitation: UserInvitation) -> None:
    policy.require(actor, policy.USERS_MANAGE)
    revoke(actor, invitation)


def user_invitation_for(raw: str) -> UserInvitation:
    return pending(UserInvitation.objects.select_related("invited_by"), raw)


@transaction.atomic
def user_invitation_accept(
    *, raw: str, username: str, password: str, first_name: str = "", last_name: str = ""
) -> User:
    """Make the account of a pending invitation, with the role it offers."""
    invitation = user_invitation_for(raw)
    names = {"first_name": first_name, "last_name": last_name}
    username = claim(invitation, username=username, password=password, **names)
    user = accounts.invited_user_join(
        role=invitation.role, username=username, password=password, email=invitation.email,
        **names,
    )  # fmt: skip
    record_accepted(invitation, user)
    return user
