import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accord.core import policy
from accord.core.versions import Versioned


class User(AbstractUser, Versioned):
    class Role(models.TextChoices):
        ADMIN = policy.ADMIN, "administrator"
        EXECUTIVE = policy.EXECUTIVE, "executive"
        MANAGER = policy.MANAGER, "alliance manager"
        VENTURES = policy.VENTURES, "ventures"
        CONTRIBUTOR = policy.CONTRIBUTOR, "contributor"
        VIEWER = policy.VIEWER, "viewer"
        PARTNER = policy.PARTNER, "partner user"

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    organization = models.ForeignKey(
        "directory.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_users",
        help_text="The organization a partner user belongs to.",
    )
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        help_text="Dates and times are shown in it; empty: the site's own.",
    )
    # When the last password reset link was e-mailed: one per account per interval, so that
    # nobody can fill someone's mailbox with them.
    password_reset_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The identity provider's stable id of the person ("sub"), once they signed in through it.
    sso_subject = models.CharField(max_length=255, blank=True, editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=policy.PARTNER) | Q(organization__isnull=False),
                name="partner_user_has_organization",
                violation_error_message="A partner user must belong to an organization.",
            ),
            models.UniqueConstraint(
                fields=["sso_subject"],
                condition=~Q(sso_subject=""),
                name="one_account_per_sso_subject",
            ),
        ]

    @property
    def is_partner(self) -> bool:
        return policy.is_partner_role(self.role)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class EmailInvitation(models.Model):
    """An e-mailed link through which someone makes an account. Only the link's hash is
    stored; it works once, until it expires or is revoked."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        ACCEPTED = "accepted", "accepted"
        EXPIRED = "expired", "expired"
        REVOKED = "revoked", "revoked"

    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]

    def status_at(self, now: dt.datetime) -> "EmailInvitation.Status":
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        return self.Status.EXPIRED if self.expires_at <= now else self.Status.PENDING


class UserInvitation(EmailInvitation):
    """An invitation to join with a role of our own company (partner users are invited from
    their partnership)."""

    role = models.CharField(max_length=20, choices=User.Role.choices)

    class Meta(EmailInvitation.Meta):
        pass

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()}"


class ApiToken(models.Model):
    """A personal API token. Only its hash is stored; the raw token is shown once."""

    PREFIX = "acc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, default="token")
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="The first characters, to recognise it.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def new_raw_key(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)


class SignInThrottle(models.Model):
    """Failed sign-ins counted for one key: an account, a client address, or the two together.

    `blocked_until` is when the key may try again. A pair row marked `known` is an address the
    account has signed in from before.
    """

    class Scope(models.TextChoices):
        ACCOUNT = "account", "account"
        ADDRESS = "address", "address"
        PAIR = "pair", "account at address"

    scope = models.CharField(max_length=10, choices=Scope.choices)
    username = models.CharField(max_length=150, blank=True)
    address = models.CharField(max_length=45, blank=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True, db_index=True)
    blocked_until = models.DateTimeField(null=True, blank=True)
    known = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "username", "address"],
                name="sign_in_throttle_key",
                violation_error_message="A throttle key is counted once.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.username}@{self.address}: {self.failures} failures"


class SignInEvent(models.Model):
    """A sign-in that failed, was refused while waiting, or succeeded after failures."""

    class Outcome(models.TextChoices):
        FAILED = "failed", "failed"
        THROTTLED = "throttled", "throttled"
        SUCCEEDED = "succeeded", "succeeded after failures"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=45, blank=True, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failures = models.PositiveIntegerField(
        default=0, help_text="Failures counted for this account at this address so far."
    )
    wait_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.username} from {self.address or 'unknown'}: {self.outcome}"
