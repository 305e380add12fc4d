"""The quarterly portfolio review: each open partnership gets a recommendation (scale,
continue, fix governance, exit) from configurable rules over its facts, with the rule that
fired and the evidence; the executives' decision is recorded beside it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accord.core.versions import Versioned
from accord.partnerships.models import Partnership


class Recommendation(models.TextChoices):
    SCALE = "scale", "scale / double down"
    CONTINUE = "continue", "continue"
    FIX = "fix", "fix governance"
    EXIT = "exit", "exit"


class ReviewRule(Versioned):
    """When every condition holds, recommend `recommendation`. Rules are tried in `position`
    order; the first that fires decides. Each condition is [fact, operator, value]."""

    name = models.CharField(max_length=120, unique=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    conditions = models.JSONField(default=list)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    quarter = models.DateField(unique=True, help_text="The first day of the quarter reviewed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-quarter"]

    def __str__(self) -> str:
        from accord.metrics.periods import label

        return f"{label(self.quarter)} portfolio review"


class ReviewItem(Versioned):
    """One partnership in a review: its facts as they were, the recommendation with the rule
    that gave it, and the decision taken."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="items")
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="review_items"
    )
    facts = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    rule = models.CharField(max_length=120, help_text="The rule that fired; empty: the default.")
    evidence = models.JSONField(default=list)
    unevaluated = models.JSONField(default=list, help_text="Rules that lacked a fact, and why.")
    is_zombie = models.BooleanField(default=False)
    decision = models.CharField(max_length=10, choices=Recommendation.choices, blank=True)
    rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["review", "recommendation", "partnership__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "partnership"],
                name="review_item_once",
                violation_error_message="This partnership is already in the review.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} in {self.review}"
