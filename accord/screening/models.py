"""Screening: rubrics of weighted criteria, rounds in which reviewers score candidates, and the
due diligence a candidate passes before engagement.

A rubric is versioned: criteria belong to a `RubricVersion`, and a change to a rubric whose
current version has scores makes a new version, so an assessment always keeps the criteria it
was made with.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from accord.core.versions import Versioned

SCALE = (1, 5)  # every criterion is scored on 1..5, each level described


class Rubric(Versioned):
    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        ARCHIVED = "archived", "archived"

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class RubricVersion(models.Model):
    class Weighting(models.TextChoices):
        DIRECT = "direct", "entered directly"
        AHP = "ahp", "AHP pairwise comparison"

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    weighting = models.CharField(max_length=10, choices=Weighting.choices, default=Weighting.DIRECT)
    pairwise = models.JSONField(
        null=True, blank=True, help_text="The AHP comparison matrix, criteria in position order."
    )
    consistency_ratio = models.FloatField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["rubric", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rubric", "number"], name="rubric_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.rubric.name} v{self.number}"


class Criterion(models.Model):
    class Direction(models.TextChoices):
        BENEFIT = "benefit", "benefit (higher is better)"
        COST = "cost", "cost (lower is better)"

    version = models.ForeignKey(RubricVersion, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    weight = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    direction = models.CharField(max_length=10, choices=Direction.choices, default="benefit")
    levels = models.JSONField(default=list, blank=True, help_text="What each score 1-5 means.")
    knockout_threshold = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])],
        help_text="A must-have: for a benefit the lowest aggregated score accepted, for a cost "
        "the highest; a candidate beyond it is excluded from the ranking.",
    )

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "name"], name="criterion_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Screening(models.Model):
    """A round: a committee scores a set of candidates on one rubric version."""

    class Aggregation(models.TextChoices):
        MEAN = "mean", "mean"
        MEDIAN = "median", "median"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        CLOSED = "closed", "closed"

    title = models.CharField(max_length=200)
    rubric_version = models.ForeignKey(
        RubricVersion, on_delete=models.PROTECT, related_name="screenings"
    )
    gap = models.ForeignKey(
        "strategy.CapabilityGap",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screenings",
    )
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices, default="mean")
    disagreement_threshold = models.FloatField(
        default=2.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(4.0)],
        help_text="Flag a criterion when reviewers' scores spread by more than this.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ScreeningCandidate(models.Model):
    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="screenings"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screening_candidates",
    )
    scan_candidate = models.ForeignKey(
        "scouting.ScanCandidate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="screening_candidates",
        help_text="The scouting shortlist entry it came from.",
    )

    class Meta:
        ordering = ["screening", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "organization"], name="screening_candidate_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)


class ReviewAssignment(models.Model):
    """A reviewer asked to score one candidate; others' scores stay hidden until submitted."""

    candidate = models.ForeignKey(
        ScreeningCandidate, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_assignments"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["candidate", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "reviewer"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.candidate}"


class Assessment(models.Model):
    """One reviewer's score of one candidate on one criterion, with its evidence."""

    class Confidence(models.TextChoices):
        LOW = "low", "low"
        MEDIUM = "medium", "medium"
        HIGH = "high", "high"

    assignment = models.ForeignKey(
        ReviewAssignment, on_delete=models.CASCADE, related_name="assessments"
    )
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="assessments")
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(SCALE[0]), MaxValueValidator(SCALE[1])]
    )
    evidence = models.TextField(blank=True)
    confidence = models.CharField(max_length=10, choices=Confidence.choices, default="medium")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assignment", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "criterion"], name="assessment_unique"),
            models.CheckConstraint(
                condition=Q(score__gte=SCALE[0], score__lte=SCALE[1]), name="assessment_on_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class DueDiligenceKind(models.TextChoices):
    FINANCIAL = "financial", "financial health"
    ETHICS = "ethics", "ethics and compliance"
    IP = "ip", "IP ownership"
    SECURITY = "security", "security"
    REFERENCES = "references", "references"
    OTHER = "other", "other"


class DueDiligenceTemplateItem(models.Model):
    """The checklist every candidate's due diligence starts from; administrators edit it."""

    kind = models.CharField(max_length=20, choices=DueDiligenceKind.choices, default="other")
    title = models.CharField(max_length=200, unique=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class DueDiligenceItem(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", "open"
        IN_PROGRESS = "in_progress", "in progress"
        DONE = "done", "done"
        NOT_APPLICABLE = "not_applicable", "not applicable"

    DONE_STATUSES = (Status.DONE, Status.NOT_APPLICABLE)

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="due_diligence"
    )
    kind = models.CharField(max_length=20, choices=DueDiligenceKind.choices, default="other")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    evidence = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partnership", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "title"], name="due_diligence_unique")
        ]

    def __str__(self) -> str:
        return self.title
