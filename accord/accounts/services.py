"""Every write to accounts and tokens, audited."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accord.accounts import token_use
from accord.accounts.models import ApiToken, User, hash_token
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent

USER_FIELDS = ("username", "email", "first_name", "last_name", "role", "organization", "is_active")


SYSTEM_USERNAME = "system"


def system_account() -> User:
    """The built-in account commands run as when no user is named: an administrator, inactive
    in the database so that nobody signs in with it or holds a token of it."""
    user, _ = User.objects.get_or_create(
        username=SYSTEM_USERNAME,
        defaults={"role": policy.ADMIN, "is_active": False, "first_name": "Accord command line"},
    )
    return user


def check_partner_organization(role: str, organization: Any) -> None:
    if policy.is_partner_role(role) and organization is None:
        raise ValidationError({"organization": "A partner user must belong to an organization."})
    if not policy.is_partner_role(role) and organization is not None:
        raise ValidationError({"organization": "Only partner users belong to an organization."})


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    organization: Any = None,
) -> User:
    """A new account, created by an actor who may manage users. `actor` None is the bootstrap
    of an install: a first administrator that no one could have created (the demo's, a new
    install's), recorded as having created itself; no other account is created by no one."""
    if actor is None:
        if not policy.is_administrator_role(role):
            raise PermissionDenied("Only an administrator may be created without an actor.")
    else:
        policy.require(actor, policy.USERS_MANAGE)
    if not policy.is_known_role(role):
        raise ValidationError(
            {"role": f"Unknown role {role!r}; use one of {', '.join(policy.ROLES)}."}
        )
    check_partner_organization(role, organization)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        organization=organization,
        is_staff=policy.is_administrator_role(role),
        is_superuser=policy.is_administrator_role(role),
    )
    return _save_new(actor, user, password)


@transaction.atomic
def invited_user_join(
    *,
    role: str,
    username: str,
    password: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    organization: Any = None,
) -> User:
    """The account of someone who accepted an invitation (with `role`, and for a partner user
    the `organization` they speak for). The invitation is the authority (its service checked
    it), so the account is recorded as having created itself."""
    check_partner_organization(role, organization)
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        organization=organization,
    )
    if not password:
        raise ValidationError({"password": "Choose a password."})
    return _save_new(None, user, password)


def _save_new(actor: User | None, user: User, password: str | None) -> User:
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit.record(
        actor=actor or user,
        action=AuditEvent.Action.CREATE,
        instance=user,
        changes=audit.diff({}, audit.snapshot(user, USER_FIELDS)),
    )
    return user


@transaction.atomic
def user_update(
    *, actor: User, user: User, data: dict[str, Any], expected_version: int | None = None
) -> User:
    """Change the fields in `data`, never the password or the last sign-in (a whole-row save
    would put back a password changed meanwhile); EditConflict if edited since
    `expected_version` was read."""
    policy.require(actor, policy.USERS_MANAGE)
    before = audit.snapshot(user, USER_FIELDS)
    loaded = versions.loaded(user)
    for name in USER_FIELDS:
        if name in data:
            setattr(user, name, data[name])
    check_partner_organization(user.role, user.organization)
    user.is_staff = user.is_superuser = policy.is_administrator_role(user.role)
    user.full_clean(exclude=["password"])
    submitted = {name: data[name] for name in USER_FIELDS if name in data}
    versions.save_changes(user, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(user, USER_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, actor: User, user: User, password: str) -> None:
    _require_credentials_of(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        instance=user,
        changes={"password": ["(hidden)", "(changed)"]},
    )


def password_reset_recipients(email: str) -> list[User]:
    """The accounts a reset link for `email` goes to: active, with a password of their own
    (not signed in through single sign-on only), and not sent one within the interval. Each
    is marked as sent and audited as the system's doing: nobody is signed in."""
    since = timezone.now() - dt.timedelta(minutes=settings.PASSWORD_RESET_MAIL_INTERVAL_MINUTES)
    candidates = User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(
        password_reset_sent_at__gt=since
    )
    recipients = [user for user in candidates if user.has_usable_password()]
    if recipients:
        now = timezone.now()
        system = system_account()
        with transaction.atomic():
            for user in recipients:
                user.password_reset_sent_at = now
                user.save(update_fields=["password_reset_sent_at"])
                audit.record(
                    actor=system, action=AuditEvent.Action.UPDATE, instance=user,
                    changes={"password_reset_sent_at": [None, now.isoformat()]},
                )  # fmt: skip
    return recipients


def password_reset_done(user: User) -> None:
    """Audit a password set through a reset link; the link's holder proved to be `user`."""
    audit.record(
        actor=user,
        action=AuditEvent.Action.UPDATE,
        instance=user,
        changes={"password": ["(hidden)", "(reset by e-mail link)"]},
    )


def _free_username(wanted: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", wanted)[:140] or "user"
    taken = set(
        User.objects.filter(username__iregex=rf"^{re.escape(base)}(-[0-9]+)?$").values_list(
            "username", flat=True
        )
    )
    taken = {name.lower() for name in taken}
    candidates = (base if n == 1 else f"{base}-{n}" for n in itertools.count(1))
    return next(name for name in candidates if name.lower() not in taken)


@transaction.atomic
def sso_user(
    *, subject: str, email: str, role: str, username: str, first_name: str, last_name: str
) -> User:
    """The account of someone the identity provider vouched for, brought up to date with what
    it says (role, names, address), or made on their first sign-in. An account is found by the
    provider's `subject`, else linked by its (verified) `email`. Audited as the system's doing.
    PermissionDenied for a partner user's account, which signs in with its password."""
    user = User.objects.select_for_update().filter(sso_subject=subject).first()
    if user is None and email:
        user = (
            User.objects.select_for_update()
            .filter(email__iexact=email, sso_subject="")
            .order_by("-is_active", "pk")
            .first()
        )
    if user is not None and user.is_partner:
        raise PermissionDenied(
            "This address belongs to a partner user's account, which signs in with its own "
            "password, not through single sign-on."
        )
    system = system_account()
    if user is None:
        user = User(
            username=_free_username(username or email.split("@")[0]), email=email, role=role,
            first_name=first_name[:150], last_name=last_name[:150], sso_subject=subject,
        )  # fmt: skip
        user.is_staff = user.is_superuser = policy.is_administrator_role(role)
        return _save_new(system, user, None)
    before = audit.snapshot(user, (*USER_FIELDS, "sso_subject"))
    user.role, user.sso_subject = role, subject
    user.is_staff = user.is_superuser = policy.is_administrator_role(role)
    user.email = email or user.email
    user.first_name = first_name[:150] or user.first_name
    user.last_name = last_name[:150] or user.last_name
    changes = audit.diff(before, audit.snapshot(user, (*USER_FIELDS, "sso_subject")))
    if changes:
        user.version += 1  # the row is locked: no edit can come between
        user.save(update_fields=[*changes, "is_staff", "is_superuser", "version"])
        audit.record(actor=system, action=AuditEvent.Action.UPDATE, instance=user, changes=changes)
    return user


@functools.cache
def time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


@transaction.atomic
def user_set_time_zone(*, actor: User, user: User, time_zone: str) -> User:
    """The time zone `user`'s pages show dates and times in ("" for the site's own)."""
    _require_credentials_of(actor, user)
    time_zone = time_zone.strip()
    if time_zone and time_zone not in time_zones():
        raise ValidationError({"time_zone": f"No time zone called “{time_zone}”."})
    if time_zone != user.time_zone:
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=user,
            changes={"time_zone": [user.time_zone, time_zone]},
        )  # fmt: skip
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return user


def _require_credentials_of(actor: User, owner: User) -> None:
    if not policy.can_manage_credentials_of(actor, owner):
        raise PermissionDenied("Only the user or an administrator sets its password and tokens.")


@transaction.atomic
def token_create(*, actor: User, user: User, name: str = "token") -> tuple[ApiToken, str]:
    """A new token for `user`; the raw key is returned once and never stored."""
    _require_credentials_of(actor, user)
    raw = ApiToken.new_raw_key()
    token = ApiToken.objects.create(
        user=user, name=name[:100] or "token", key_hash=hash_token(raw), hint=raw[:10]
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=token,
        changes={"user": [None, user.get_username()], "name": [None, token.name]},
    )
    return token, raw


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    _require_credentials_of(actor, token.user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            instance=token,
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )


def token_user(raw: str) -> User | None:
    """The active user a raw token belongs to, or None. Reads only: the use is noted in memory
    and stored later (see token_use), at most once a minute per token."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        token_use.note(token.pk, now)
    return token.user
