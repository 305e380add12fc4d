"""The corporate-venture portfolio: funds, their investments in companies of the directory,
the option rights that come with them, the cash that moved, and the marks (fair values).

Money is exact (`Decimal`), in the currency of each row; returns are computed in the base
currency at the rate of each row's day (metrics' exchange rates).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accord.core.versions import Versioned

POSITIVE = [MinValueValidator(Decimal("0"))]


class Fund(Versioned):
    name = models.CharField(max_length=200, unique=True)
    currency = models.CharField(max_length=3, help_text="ISO 4217 code, such as EUR or USD.")
    committed_capital = models.DecimalField(max_digits=18, decimal_places=2, validators=POSITIVE)
    vintage = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
        help_text="The year of its first investment or close.",
    )
    strategy = models.TextField(blank=True, help_text="What it invests in, and why.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-vintage", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ventures:fund_detail", args=[self.pk])


class Investment(Versioned):
    class Round(models.TextChoices):
        PRE_SEED = "pre_seed", "pre-seed"
        SEED = "seed", "seed"
        SERIES_A = "series_a", "Series A"
        SERIES_B = "series_b", "Series B"
        SERIES_C = "series_c", "Series C"
        LATER = "later", "Series D or later"
        BRIDGE = "bridge", "bridge"

    class Instrument(models.TextChoices):
        EQUITY = "equity", "equity"
        SAFE = "safe", "SAFE"
        CONVERTIBLE_NOTE = "convertible_note", "convertible note"

    class Board(models.TextChoices):
        NONE = "none", "none"
        OBSERVER = "observer", "observer"
        SEAT = "seat", "board seat"

    class Status(models.TextChoices):
        ACTIVE = "active", "active"
        EXITED = "exited", "exited"
        WRITTEN_OFF = "written_off", "written off"

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="investments")
    organization = models.ForeignKey(
        "directory.Organization", on_delete=models.PROTECT, related_name="investments"
    )
    partnership = models.ForeignKey(
        "partnerships.Partnership",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="investments",
        help_text="The strategic partnership it serves; a confidential one hides it too.",
    )
    round = models.CharField(max_length=20, choices=Round.choices)
    instrument = models.CharField(max_length=20, choices=Instrument.choices)
    invested_on = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=POSITIVE)
    currency = models.CharField(max_length=3)
    pre_money = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    post_money = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, validators=POSITIVE
    )
    ownership = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="Per cent of the company held after the round.",
    )
    board = models.CharField(max_length=10, choices=Board.choices, default=Board.NONE)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ACTIVE)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-invested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ownership__isnull=True)
                | models.Q(ownership__gte=0, ownership__lte=100),
                name="investment_ownership_is_a_share",
                violation_error_message="Ownership is a per cent between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} ({self.get_round_display()}, {self.invested_on})"

    def get_absolute_url(self) -> str:
        return reverse("ventures:investment_detail", args=[self.pk])


class OptionRight(Versioned):
    class Kind(models.TextChoices):
        PRO_RATA = "pro_rata", "pro-rata follow-on"
        ROFR = "rofr", "right of first refusal"
        ROFN = "rofn", "right of first negotiation"
        CALL = "call", "call option"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        EXERCISED = "exercised", "exercised"
        WAIVED = "waived", "waived"
        LAPSED = "lapsed", "lapsed"

    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="options")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    deadline = models.DateField(null=True, blank=True, help_text="When it must be used by.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    terms = models.TextField(blank=True)

    class Meta:
        ordering = ["deadline", "id"]

    def __str__(self) -> str:
        until = f" until {self.deadline}" if self.deadline else ""
        return f"{self.get_kind_display()} in {self.investment.organization}{until}"

    def days_left(self, today: dt.date) -> int | None:
        if self.deadline is None or self.status != self.Status.OPEN:
            return None
        return (self.deadline - today).days


class CashFlow(models.Model):
    """Money that moved, as a positive amount; its kind says which way (see SIGNS)."""

    class Kind(models.TextChoices):
        CAPITAL_CALL = "capital_call", "capital call"
        INVESTMENT = "investment", "investment"
        DISTRIBUTION = "distribution", "distribution"
        FEE = "fee", "fee"

    fund = models.ForeignKey(Fund, on_delete=models.CASCADE, related_name="cash_flows")
    investment = models.ForeignKey(
        Investment, null=True, blank=True, on_delete=models.CASCADE, related_name="cash_flows"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    on = models.DateField("date")
    amount = models.DecimalField(
        max_digits=18, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.amount:,} {self.currency} on {self.on}"


# Which way each kind of cash flow goes, seen from the company: paid in (-1) or received (+1).
SIGNS = {
    CashFlow.Kind.CAPITAL_CALL: -1,
    CashFlow.Kind.INVESTMENT: -1,
    CashFlow.Kind.FEE: -1,
    CashFlow.Kind.DISTRIBUTION: 1,
}


class Mark(models.Model):
    """What an investment is worth on a day (its fair value), and how that was judged."""

    class Method(models.TextChoices):
        COST = "cost", "at cost"
        LAST_ROUND = "last_round", "price of the last round"
        MULTIPLE = "multiple", "comparable multiples"
        DCF = "dcf", "discounted cash flow"
        WRITE_DOWN = "write_down", "written down"
        OTHER = "other", "other"

    investment = models.ForeignKey(Investment, on_delete=models.CASCADE, related_name="marks")
    on = models.DateField("date")
    fair_value = models.DecimalField(max_digits=18, decimal_places=2, validators=POSITIVE)
    currency = models.CharField(max_length=3)
    method = models.CharField(max_length=12, choices=Method.choices)
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "on"],
                name="one_mark_per_investment_per_day",
                violation_error_message="That investment already has a mark on that day.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fair_value:,} {self.currency} on {self.on} ({self.get_method_display()})"


# Figures asked of portfolio companies ---------------------------------------------------------

# A reporting period: a quarter (2026Q3) or a month (2026-07).
PERIOD = re.compile(r"^(?P<year>\d{4})(?:Q(?P<quarter>[1-4])|-(?P<month>0[1-9]|1[0-2]))$")


def period_bounds(period: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of `period`, or None when it is not one."""
    found = PERIOD.match(period or "")
    if found is None:
        return None
    year = int(found["year"])
    if not 1900 <= year <= 2200:
        return None
    first_month = 3 * int(found["quarter"]) - 2 if found["quarter"] else int(found["month"])
    months = 3 if found["quarter"] else 1
    start = dt.date(year, first_month, 1)
    after = dt.date(year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


class KpiMetric(models.TextChoices):
    """The figures every request may ask for; a request may also ask for custom named ones."""

    REVENUE = "revenue", "revenue"
    BURN = "burn", "net burn"
    RUNWAY = "runway", "runway"
    HEADCOUNT = "headcount", "headcount"


class KpiRequest(models.Model):
    """Figures of one period asked of a portfolio company through an e-mailed link that works
    once, until it expires; no account is needed. Only the link's hash is stored, with the
    nonce from which the secret key makes it again for a reminder. Asking again for a period
    not answered yet replaces the link; an answered period stays answered."""

    investment = models.ForeignKey(
        Investment, on_delete=models.CASCADE, related_name="kpi_requests"
    )
    period = models.CharField(max_length=7, help_text="A quarter (2026Q3) or a month (2026-07).")
    email = models.EmailField(help_text="Who at the company is asked.")
    metrics = models.JSONField(
        default=list,
        help_text="The figures asked, in order: revenue, burn, runway, headcount (by these "
        "keys) and custom ones by their name.",
    )
    currency = models.CharField(max_length=3, help_text="The currency money is asked in.")
    token_hash = models.CharField(max_length=64, unique=True)
    token_nonce = models.CharField(max_length=32)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "period"],
                name="one_kpi_request_per_investment_and_period",
                violation_error_message="That period is already asked of this company.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} figures of {self.investment.organization}"

    def status(self) -> str:
        if self.answered_at is not None:
            return "answered"
        return "expired" if self.expires_at <= timezone.now() else "open"


class KpiAnswer(models.Model):
    """One figure a company gave, exactly as given: its record is the request it came
    through (the company has no account to audit it under)."""

    request = models.ForeignKey(KpiRequest, on_delete=models.CASCADE, related_name="answers")
    metric = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "metric"],
                name="one_kpi_answer_per_metric",
                violation_error_message="That figure is already answered.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric}: {self.value}"


class KpiThreshold(models.Model):
    """A line an investment's figure should not cross, such as runway below 6 months: the
    latest figure past it is flagged."""

    class Comparator(models.TextChoices):
        BELOW = "below", "below"
        ABOVE = "above", "above"

    investment = models.ForeignKey(
        Investment, on_delete=models.CASCADE, related_name="kpi_thresholds"
    )
    metric = models.CharField(max_length=60)
    comparator = models.CharField(max_length=5, choices=Comparator.choices)
    value = models.DecimalField(max_digits=24, decimal_places=4)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["metric", "comparator"]
        constraints = [
            models.UniqueConstraint(
                fields=["investment", "metric", "comparator"],
                name="one_kpi_threshold_per_side",
                violation_error_message="That figure already has a threshold on that side.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.comparator} {self.value.normalize():f}"

    def crossed_by(self, value: Decimal) -> bool:
        return (
            value < self.value if self.comparator == self.Comparator.BELOW else value > self.value
        )
