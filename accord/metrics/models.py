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

    class Figure(models.TextChoices):
        REVENUE = "revenue", "revenue from partnered innovation"
        SAVINGS = "savings", "cost savings"
        PATENTS = "patents", "co-developed patents"
        PROTOTYPES = "prototypes", "prototypes built"
        TIME_TO_MARKET = "time_to_market", "time to market"

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
    figure = models.CharField(
        max_length=14, choices=Figure.choices, blank=True,
        help_text="The portfolio figure its values add up to, if any.",
    )  # fmt: skip
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_joint = models.BooleanField(
        "joint KPI",
        default=False,
        help_text="Joint KPI: the partner of each partnership tracking it sees its targets and "
        "values.",
    )

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
            models.CheckConstraint(
                condition=~models.Q(figure__in=("revenue", "savings")) | models.Q(is_benefit=True),
                name="kpi_revenue_is_benefit",
                violation_error_message="Revenue and savings are money the partnership brings "
                "in: count the KPI in the ROI.",
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


class CompanyRevenue(models.Model):
    """The whole company's revenue in a quarter, of which the partnerships' is a share."""

    quarter = models.DateField(unique=True, help_text="The first day of the quarter.")
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    currency = models.CharField(max_length=3)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-quarter"]
        verbose_name_plural = "company revenues"

    def __str__(self) -> str:
        from accord.metrics.periods import label

        return f"company revenue {label(self.quarter)}: {self.amount:,.2f} {self.currency}"


class HealthQuestion(models.TextChoices):
    """The same five questions to both sides, each scored 1-5 with a comment."""

    TRUST = "trust", "Trust: we can rely on each other to do what we say."
    COMMUNICATION = "communication", "Communication: information flows openly and in time."
    VALUE = "value", "Value delivered: the partnership delivers what we expected of it."
    GOVERNANCE = "governance", "Governance: decisions are made and escalations resolved well."
    ALIGNMENT = "alignment", "Strategic alignment: our goals for it still point the same way."


class SurveyRound(models.Model):
    """One health check of a partnership, answered by people of both sides."""

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="survey_rounds"
    )
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    closes_at = models.DateTimeField(help_text="Links stop working then.")
    results_shared = models.BooleanField(
        default=False,
        help_text="The partner's users see the averages per question and side, the gap and "
        "their own side's comments; never who answered, never our comments.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class SurveyRespondent(models.Model):
    """Someone asked to answer a round, on our side or the partner's, through a link that works
    once until the round closes. Only the link's hash is stored."""

    class Side(models.TextChoices):
        OURS = "ours", "ours"
        PARTNER = "partner", "the partner's"

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="respondents")
    side = models.CharField(max_length=7, choices=Side.choices)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["side", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "email"],
                name="survey_respondent_once_per_round",
                violation_error_message="This address is already asked in this round.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_side_display()})"


class SurveyAnswer(models.Model):
    respondent = models.ForeignKey(
        SurveyRespondent, on_delete=models.CASCADE, related_name="answers"
    )
    question = models.CharField(max_length=20, choices=HealthQuestion.choices)
    score = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["respondent", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["respondent", "question"],
                name="survey_answer_once",
                violation_error_message="This question is already answered.",
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5),
                name="survey_score_1_to_5",
                violation_error_message="A score is from 1 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"
