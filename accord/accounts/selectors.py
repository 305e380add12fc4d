"""Reads of user accounts, through the access policy."""

from __future__ import annotations

from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core import policy


def active_users(actor: User) -> QuerySet[User]:
    """The active accounts an internal user may name (a reviewer, an owner); none for anyone
    else. Whether each may take the part is the service's to judge."""
    if not policy.is_internal(actor):
        return User.objects.none()
    return User.objects.filter(is_active=True)


def colleague_named(username: str) -> User | None:
    """The active account of our company (not a partner user) with `username`, or None."""
    return policy.internal_accounts(User.objects.filter(is_active=True, username=username)).first()


def user_named(actor: User, username: str) -> User | None:
    """The account with `username` if `actor` may read it, or None."""
    return policy.visible_to(actor, User).filter(username=username).first()
