"""Scouting: organizations' sentence embeddings, and scans — a gap's search with its
candidates, each new, shortlisted, rejected with a reason, or promoted into a partnership.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accord.core.versions import Versioned


class OrganizationEmbedding(models.Model):
    """An organization's text as a unit vector of `model`; recomputed when the text changes."""

    organization = models.OneToOneField(
        "directory.Organization",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="embedding",
    )
    model = models.CharField(max_length=100)
    text_hash = models.CharField(max_length=32, help_text="BLAKE2 of the text that was encoded.")
    vector = models.BinaryField(help_text="float32, little-endian, L2-normalized.")
    embedded_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"embedding of organization {self.organization_id}"


class IndexState(models.Model):
    """One row per model: a token that changes with every change of the stored embeddings, so
    a process holding a copy of the vectors knows when to reload it."""

    model = models.CharField(max_length=100, unique=True)
    dimensions = models.PositiveIntegerField()
    token = models.CharField(max_length=32)
    count = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.model}: {self.count} vectors"


class Scan(Versioned):
    """A saved search for partners: the text (a gap's, editable), filters, and its runs."""

    class Mode(models.TextChoices):
        HYBRID = "hybrid", "hybrid (words and meaning)"
        LEXICAL = "lexical", "words only"
        SEMANTIC = "semantic", "meaning only"

    title = models.CharField(max_length=200)
    gap = models.ForeignKey(
        "strategy.CapabilityGap",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scans",
    )
    text = models.TextField(help_text="What we are looking for, in plain words.")
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.HYBRID)
    filters = models.JSONField(default=dict, blank=True)
    top = models.PositiveSmallIntegerField(default=30)
    run_count = models.PositiveIntegerField(default=0)
    last_run_at = models.DateTimeField(null=True, blank=True)
    notices = models.JSONField(default=list, blank=True, help_text="What the last run warned of.")
    unmatched_terms = models.JSONField(
        default=list, blank=True, help_text="The text's words that the last run found nowhere."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("scouting:scan_detail", args=[self.pk])


class ScanCandidate(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "new"
        SHORTLISTED = "shortlisted", "shortlisted"
        REJECTED = "rejected", "rejected"
        PROMOTED = "promoted", "promoted"

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="candidates")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.CASCADE, related_name="scan_candidates"
    )
    rank = models.PositiveIntegerField(help_text="Position in the run that last found it.")
    score = models.FloatField()
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    reject_reason = models.CharField(max_length=500, blank=True)
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="scan_candidates",
    )
    first_run = models.PositiveIntegerField(help_text="The run that first found it.")
    last_run = models.PositiveIntegerField(help_text="The latest run that found it.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scan", "rank", "id"]
        indexes = [
            models.Index(fields=["scan", "organization"]),
            models.Index(fields=["organization", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(reject_reason=""),
                name="scan_candidate_rejection_has_reason",
                violation_error_message="Say why the candidate is rejected.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} in {self.scan}"

    @property
    def is_new(self) -> bool:
        """Found by the scan's latest run and by no run before it."""
        return self.first_run == self.scan.run_count and self.scan.run_count > 1
