import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from accord.core import policy


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = policy.ADMIN, "administrator"
        EXECUTIVE = policy.EXECUTIVE, "executive"
        MANAGER = policy.MANAGER, "alliance manager"
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

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=policy.PARTNER) | Q(organization__isnull=False),
                name="partner_user_has_organization",
                violation_error_message="A partner user must belong to an organization.",
            ),
        ]

    @property
    def is_partner(self) -> bool:
        return self.role == policy.PARTNER


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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


class LoginFailure(models.Model):
    """A failed sign-in, kept for throttling by username and by address."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address} at {self.at:%Y-%m-%d %H:%M}"
