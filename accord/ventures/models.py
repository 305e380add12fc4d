"""The corporate-venture portfolio: funds, their investments in companies of the directory,
the option rights that come with them, the cash that moved, and the marks (fair values).

Money is exact (`Decimal`), in the currency of each row; returns are computed in the base
currency at the rate of each row's day (metrics' exchange rates).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

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
        return f"{self.get_kind_display()} of {self.amount} {self.currency} on {self.on}"


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
        return f"{self.fair_value} {self.currency} on {self.on} ({self.get_method_display()})"
