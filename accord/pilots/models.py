"""Pilots of a partnership: a hypothesis tested within a timebox against success criteria,
ended by a recorded decision (scale, iterate, kill); scaling also needs a readiness assessment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from accord.core.versions import Versioned
from accord.partnerships.models import Partnership, SharedItem


def plain(number: Decimal) -> str:
    """A stored decimal as people write it: 2, 1.7, 100 (not 2.0000 or 1E+2)."""
    return f"{number.normalize():f}"


class Pilot(Versioned, SharedItem):
    class Status(models.TextChoices):
        PLANNED = "planned", "planned"
        RUNNING = "running", "running"
        EVALUATING = "evaluating", "evaluating"
        SUCCEEDED = "succeeded", "succeeded"
        FAILED = "failed", "failed"
        STOPPED = "stopped", "stopped"

    class Decision(models.TextChoices):
        SCALE = "scale", "scale"
        ITERATE = "iterate", "iterate"
        KILL = "kill", "kill"

    # A pilot in one of these is still waiting for its decision.
    OPEN_STATUSES = (Status.PLANNED, Status.RUNNING, Status.EVALUATING)

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="pilots")
    title = models.CharField(max_length=200)
    hypothesis = models.TextField(help_text="What the pilot sets out to show.")
    scope = models.TextField(blank=True)
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The end of the timebox: the decision is due then.")
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_pilots",
        help_text="Our side's owner.",
    )
    partner_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_owned_pilots",
        help_text="The partner's owner: a user of one of its parties.",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    # The latest decision; every decision is kept in PilotDecision.
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="pilot_ends_after_it_starts",
                violation_error_message="The timebox cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["status", "ends_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:pilot_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def days_overdue(self, today: dt.date) -> int:
        """Days since the timebox ended without a decision; 0 when none is due yet."""
        return (today - self.ends_on).days if self.is_open and self.ends_on < today else 0


class SuccessCriterion(Versioned):
    class Comparator(models.TextChoices):
        AT_LEAST = "at_least", "at least"
        AT_MOST = "at_most", "at most"
        EQUAL = "equal", "equal to"

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="criteria")
    metric = models.CharField(max_length=200)
    unit = models.CharField(max_length=30, help_text="e.g. %, EUR, ms, units")
    comparator = models.CharField(
        max_length=10, choices=Comparator.choices, default=Comparator.AT_LEAST
    )
    target = models.DecimalField(max_digits=18, decimal_places=4)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_criteria",
        help_text="Who records its actuals, on either side.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "success criteria"

    def __str__(self) -> str:
        return f"{self.metric} {self.get_comparator_display()} {plain(self.target)} {self.unit}"

    @property
    def target_text(self) -> str:
        return plain(self.target)

    def is_met_by(self, value: Decimal) -> bool:
        if self.comparator == self.Comparator.AT_LEAST:
            return value >= self.target
        if self.comparator == self.Comparator.AT_MOST:
            return value <= self.target
        return value == self.target


class CriterionActual(models.Model):
    """One measured value of a criterion; the series over time is what the chart draws."""

    criterion = models.ForeignKey(
        SuccessCriterion, on_delete=models.CASCADE, related_name="actuals"
    )
    value = models.DecimalField(max_digits=18, decimal_places=4)
    observed_on = models.DateField()
    note = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed_on", "id"]
        indexes = [models.Index(fields=["criterion", "observed_on"])]

    def __str__(self) -> str:
        return f"{plain(self.value)} on {self.observed_on}"


class ReadinessScore(models.Model):
    """One dimension of the assessment a scale decision needs, scored 1-5 with its evidence."""

    class Dimension(models.TextChoices):
        TECHNICAL = "technical", "technical"
        COMMERCIAL = "commercial", "commercial"
        ORGANISATIONAL = "organisational", "organisational"
        LEGAL = "legal", "legal"

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="readiness")
    dimension = models.CharField(max_length=20, choices=Dimension.choices)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    evidence = models.TextField()
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_at = models.DateTimeField()

    class Meta:
        ordering = ["pilot", "dimension"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "dimension"], name="one_readiness_score_per_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}: {self.score}"


class PilotDecision(models.Model):
    """A go / iterate / kill decision with its rationale, as taken; never edited."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="decisions")
    decision = models.CharField(max_length=10, choices=Pilot.Decision.choices)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(max_length=150)
    decided_at = models.DateTimeField()
    # The readiness scores and the criteria's standing when it was taken.
    evidence = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.pilot}: {self.get_decision_display()}"


class Side(models.TextChoices):
    OURS = "ours", "ours"
    PARTNER = "partner", "the partner's"


class Milestone(Versioned, SharedItem):
    """A dated step of a partnership or one of its pilots, owned by either side."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="milestones"
    )
    pilot = models.ForeignKey(
        Pilot, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.OURS)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_milestones",
    )
    due_on = models.DateField()
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["completed_on", "due_on"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:milestone_edit", args=[self.pk])

    def days_overdue(self, today: dt.date) -> int:
        """Days past its due date while not completed; 0 otherwise."""
        late = self.completed_on is None and self.due_on < today
        return (today - self.due_on).days if late else 0


class Sprint(Versioned, SharedItem):
    """A short joint push (a hackathon, a design sprint) with its people and what came of it."""

    class Kind(models.TextChoices):
        HACKATHON = "hackathon", "hackathon"
        DESIGN_SPRINT = "design_sprint", "design sprint"
        OTHER = "other", "other"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="sprints")
    pilot = models.ForeignKey(
        Pilot, null=True, blank=True, on_delete=models.SET_NULL, related_name="sprints"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DESIGN_SPRINT)
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="sprints"
    )
    guests = models.TextField(blank=True, help_text="Participants without an account, one a line.")
    outcomes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="sprint_ends_after_it_starts",
                violation_error_message="The sprint cannot end before it starts.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pilots:sprint_edit", args=[self.pk])
