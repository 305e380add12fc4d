"""Joint governance of a partnership: its committees (members from both sides, a cadence and
a charter), their meetings, the decision log and the action items that follow from them."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accord.core.versions import Versioned
from accord.partnerships.models import Partnership, SharedItem, Visibility


class Committee(Versioned, SharedItem):
    class Cadence(models.TextChoices):
        WEEKLY = "weekly", "weekly"
        FORTNIGHTLY = "fortnightly", "every two weeks"
        MONTHLY = "monthly", "monthly"
        QUARTERLY = "quarterly", "quarterly"
        AD_HOC = "ad_hoc", "when needed"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="committees"
    )
    name = models.CharField(max_length=200)
    charter = models.TextField(blank=True, help_text="What it decides, and how.")
    cadence = models.CharField(max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="chaired_committees",
    )  # fmt: skip
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="committees"
    )
    # What the committee's meetings, minutes, decisions and actions are shared with.
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.SHARED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("governance:committee_detail", args=[self.pk])


class Meeting(Versioned):
    """Times are stored in UTC and shown in the reader's zone."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location = models.CharField(max_length=300, blank=True)
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="meetings"
    )
    cancelled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_it_starts",
                violation_error_message="The meeting must end after it starts.",
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:meeting_detail", args=[self.pk])


class Decision(models.Model):
    """An entry of the committee's decision log: what was decided, by whom, when."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="decisions")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    title = models.CharField(max_length=300, help_text="What was decided.")
    details = models.TextField(blank=True)
    decided_by = models.CharField(max_length=300, help_text="Who decided: people or the body.")
    decided_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title


class ActionItem(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        DONE = "done", "done"
        CANCELLED = "cancelled", "cancelled"

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="action_items"
    )
    title = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="action_items",
    )  # fmt: skip
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner", "status", "due_on"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.title

    def days_overdue(self, today: dt.date) -> int:
        late = self.status == self.Status.OPEN and self.due_on < today
        return (today - self.due_on).days if late else 0


class CalendarFeed(models.Model):
    """A user's secret link to the meetings it attends, for a calendar application. Only the
    token's hash is kept; revoking deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user}"


class Escalation(Versioned, SharedItem):
    """An issue raised by either side that climbs a path of people until it is resolved. Each
    step starts the clock again: the one holding it has its severity's time to answer."""

    class Severity(models.TextChoices):
        LOW = "low", "low"
        MEDIUM = "medium", "medium"
        HIGH = "high", "high"
        CRITICAL = "critical", "critical"

    # Hours the one holding an escalation has to resolve it or pass it on.
    SLA_HOURS = {"low": 168, "medium": 72, "high": 24, "critical": 4}

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="escalations"
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    raised_at = models.DateTimeField()
    level = models.PositiveSmallIntegerField(default=0, help_text="Who on the path holds it.")
    level_since = models.DateTimeField()
    resolution = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["resolved_at", "level_since"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("governance:escalation_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def sla_hours(self) -> int:
        return self.SLA_HOURS[self.severity]

    def due_at(self) -> dt.datetime:
        return self.level_since + dt.timedelta(hours=self.sla_hours)

    def hours_over(self, now: dt.datetime) -> int:
        """Whole hours past the SLA while open; 0 within it or once resolved."""
        if not self.is_open or now <= self.due_at():
            return 0
        return max(1, int((now - self.due_at()).total_seconds() // 3600))


class EscalationStep(models.Model):
    """One person on an escalation's path, in order."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="path")
    position = models.PositiveSmallIntegerField()
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")  # fmt: skip

    class Meta:
        ordering = ["escalation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["escalation", "position"], name="one_step_per_position")
        ]

    def __str__(self) -> str:
        return f"{self.position + 1}. {self.person}"
