from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accord.core.versions import Versioned


class PartnershipType(models.TextChoices):
    """The kinds of partnership the seeds name (DESIGN §2); shared by plays and partnerships."""

    RD_ALLIANCE = "rd_alliance", "R&D alliance"
    CO_DEVELOPMENT = "co_development", "co-development"
    DISTRIBUTION = "distribution", "distribution / market access"
    JOINT_VENTURE = "joint_venture", "joint venture"
    LICENSING = "licensing", "licensing"
    CVC = "cvc", "corporate venture investment"
    OPEN_INNOVATION = "open_innovation", "open innovation"
    CONSORTIUM = "consortium", "consortium / standards body"
    CUSTOMER_CO_INNOVATION = "customer_co_innovation", "customer co-innovation"
    SUPPLIER_CO_INNOVATION = "supplier_co_innovation", "supplier co-innovation"
    INNOVATION_HUB = "innovation_hub", "innovation hub / academic"
    TECHNOLOGY_ALLIANCE = "technology_alliance", "technology / platform alliance"
    CHANNEL = "channel", "channel / reseller"


class StrategicPriority(Versioned):
    """A 3-5-year strategic pillar the partnerships serve."""

    class Status(models.TextChoices):
        DRAFT = "draft", "draft"
        ACTIVE = "active", "active"
        ACHIEVED = "achieved", "achieved"
        ARCHIVED = "archived", "archived"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    horizon_year = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        help_text="The year the priority should be reached by.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Relative weight among the priorities.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "strategic priorities"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:priority_detail", args=[self.pk])


class CapabilityGap(Versioned):
    """A capability we lack that a partner could fill; its text is what scouting searches."""

    class Kind(models.TextChoices):
        TECHNOLOGY = "technology", "technology"
        TALENT = "talent", "talent"
        CHANNEL = "channel", "channel"
        GEOGRAPHY = "geography", "geography"
        MANUFACTURING = "manufacturing", "manufacturing"
        REGULATORY = "regulatory", "regulatory"
        DATA = "data", "data"
        BRAND = "brand", "brand"
        OTHER = "other", "other"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        ADDRESSING = "addressing", "being addressed"
        CLOSED = "closed", "closed"
        ARCHIVED = "archived", "archived"

    priority = models.ForeignKey(StrategicPriority, on_delete=models.PROTECT, related_name="gaps")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=15, choices=Kind.choices, default=Kind.TECHNOLOGY)
    importance = models.PositiveSmallIntegerField(
        default=3, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    description = models.TextField(blank=True, help_text="In your own words; scouting searches it.")
    target_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(importance__gte=1, importance__lte=5),
                name="gap_importance_1_to_5",
                violation_error_message="Importance is from 1 to 5.",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:gap_detail", args=[self.pk])


class PartnershipPlay(Versioned):
    """A planned move against one or more gaps: a type of partnership, an objective, a budget."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", "proposed"
        ACTIVE = "active", "active"
        DONE = "done", "done"
        ARCHIVED = "archived", "archived"

    title = models.CharField(max_length=200)
    type = models.CharField(max_length=30, choices=PartnershipType.choices)
    gaps = models.ManyToManyField(CapabilityGap, related_name="plays", blank=True)
    objective = models.TextField(blank=True)
    budget = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:play_detail", args=[self.pk])
