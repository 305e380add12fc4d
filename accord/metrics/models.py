"""What partnerships deliver and cost: a library of KPI definitions, targets per partnership
and quarter, observations over time, cost entries, and the dated exchange rates that bring
money in other currencies to the base currency (`ACCORD_BASE_CURRENCY`).

Money is kept in exact decimals with its currency; it is converted only when figures are
added up, at the rate of the day it was observed or spent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from accord.core.versions import Versioned
from accord.partnerships.models import Partnership


class Kpi(Versioned):
    class Category(models.TextChoices):
        BUSINESS = "business", "business"
        INNOVATION = "innovation", "innovation"
        RELATIONSHIP = "relationship", "relationship"

    class Direction(models.TextChoices):
        HIGHER = "higher", "higher is better"
        LOWER = "lower", "lower is better"

    class Aggregation(models.TextChoices):
        SUM = "sum", "sum over the quarter"
        AVERAGE = "average", "average over the quarter"
        LAST = "last", "latest in the quarter"

    name = models.CharField(max_length=120, unique=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    unit = models.CharField(max_length=30, help_text="e.g. EUR, patents, %, days")
    is_money = models.BooleanField(
        default=False, help_text="Values are amounts of money, each with its currency."
    )
    is_benefit = models.BooleanField(
        default=False, help_text="Money the partnership brings in or saves: counts in its ROI."
    )
    direction = models.CharField(max_length=6, choices=Direction.choices, default="higher")
    aggregation = models.CharField(max_length=7, choices=Aggregation.choices, default="sum")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = "KPI"
        verbose_name_plural = "KPIs"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_benefit=False) | models.Q(is_money=True),
                name="kpi_benefit_is_money",
                violation_error_message="Only a KPI in money counts in the ROI.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class KpiTarget(Versioned):
    """What a partnership should reach on a KPI in one quarter."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="kpi_targets"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="targets")
    quarter = models.DateField(help_text="The first day of the quarter.")
    value = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3, blank=True)

    class Meta:
        ordering = ["quarter", "kpi__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kpi", "quarter"],
                name="kpi_target_once_per_quarter",
                violation_error_message="This KPI already has a target for that quarter.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {self.quarter}: {self.value}"


class Observation(models.Model):
    """One measured value of a KPI for a partnership, on the day it stands for."""

    class Source(models.TextChoices):
        WEB = "web", "web"
        API = "api", "API"
        IMPORT = "import", "import"

    class Attribution(models.TextChoices):
        NONE = "", "—"
        SOURCED = "sourced", "partner-sourced"
        INFLUENCED = "influenced", "partner-influenced"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="observations"
    )
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="observations")
    observed_on = models.DateField()
    value = models.DecimalField(max_digits=18, decimal_places=4)
    currency = models.CharField(max_length=3, blank=True)
    attribution = models.CharField(
        max_length=10, choices=Attribution.choices, blank=True, default=""
    )
    note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.WEB)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["observed_on", "id"]
        indexes = [models.Index(fields=["partnership", "kpi", "observed_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "kpi", "observed_on", "attribution"],
                name="observation_once_per_day",
                violation_error_message="This KPI already has a value on that day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} on {self.observed_on}: {self.value}"


class CostEntry(models.Model):
    """What we put into a partnership: money (with its currency) or people (FTE-months)."""

    class Kind(models.TextChoices):
        MONEY = "money", "money"
        FTE = "fte", "FTE-months"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="costs")
    spent_on = models.DateField()
    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.MONEY)
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3, blank=True)
    description = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["spent_on", "id"]
        verbose_name_plural = "cost entries"
        indexes = [models.Index(fields=["partnership", "spent_on"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency or self.get_kind_display()} on {self.spent_on}"


class ExchangeRate(models.Model):
    """How much one unit of `currency` is worth in the base currency from `valid_from` on."""

    currency = models.CharField(max_length=3)
    valid_from = models.DateField()
    rate = models.DecimalField(max_digits=18, decimal_places=8)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "valid_from"],
                name="exchange_rate_once_per_day",
                violation_error_message="That currency already has a rate from that day.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} from {self.valid_from}"
