"""What Accord tells its users: an alert raised for a user (a notification, read in the app
and perhaps e-mailed), and how each user wants each kind of alert."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accord.core.versions import Versioned


class Kind(models.TextChoices):
    MILESTONE_OVERDUE = "milestone_overdue", "a milestone is overdue"
    ACTION_OVERDUE = "action_overdue", "an action item is overdue"
    REVIEW_DUE = "review_due", "a partnership review is due"
    RENEWAL_NOTICE = "renewal_notice", "an agreement is in its renewal notice window"
    PILOT_TIMEBOX = "pilot_timebox", "a pilot is past its timebox without a decision"
    ESCALATION_SLA = "escalation_sla", "an escalation is past its time to answer"
    EXECUTIVE_TOUCHPOINT = "executive_touchpoint", "no executive touchpoint in time"
    KPI_OFF_TARGET = "kpi_off_target", "KPI targets were missed last quarter"
    HEALTH_DROP = "health_drop", "a partnership's health fell"
    WEBHOOK_DISABLED = "webhook_disabled", "a webhook kept failing and was turned off"
    REQUEST = "request", "a colleague asks you to do something"
    OPTION_DEADLINE = "option_deadline", "an option right's deadline is near or passed"
    PORTFOLIO_FIGURES = "portfolio_figures", "a portfolio company's figures crossed a threshold"


class Channel(models.TextChoices):
    IN_APP = "in_app", "in the app"
    EMAIL_NOW = "email_now", "in the app and by e-mail at once"
    DAILY = "daily", "in the app and in a daily e-mail"
    WEEKLY = "weekly", "in the app and in a weekly e-mail"
    NONE = "none", "not at all"


DEFAULT_CHANNEL = Channel.DAILY


class Notification(models.Model):
    """One alert for one user. `key` names what it is about and when (a milestone and its
    due day, say), so raising the same alert again adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    link = models.CharField(max_length=300, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership", null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    raised_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_alert_per_key")]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["emailed_at", "kind"]),
        ]

    def __str__(self) -> str:
        return self.title


class AlertPreference(models.Model):
    """How a user wants one kind of alert; without a row, DEFAULT_CHANNEL."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference")]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_kind_display()} {self.get_channel_display()}"


class WebhookEndpoint(Versioned):
    """An address that hears of the events it subscribes to, each signed with its secret."""

    url = models.URLField(max_length=500, help_text="Where to POST each event (https://...).")
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list, help_text="The event kinds it hears of.")
    include_confidential = models.BooleanField(
        default=False, help_text="Also events of confidential partnerships."
    )
    secret = models.CharField(max_length=64, help_text="Signs each body (HMAC-SHA256).")
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url", "pk"]

    def __str__(self) -> str:
        return self.description or self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to one endpoint, with how each attempt went."""

    class Status(models.TextChoices):
        PENDING = "pending", "pending"
        DELIVERED = "delivered", "delivered"
        GIVEN_UP = "given_up", "given up"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} to {self.endpoint} ({self.status})"
