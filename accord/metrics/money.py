"""Money in the base currency: amounts converted at the rate valid on their own day."""

from __future__ import annotations

import bisect
import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from accord.core import audit
from accord.metrics.models import ExchangeRate

CURRENCY = re.compile(r"^[A-Z]{3}$")


def base_currency() -> str:
    return str(settings.BASE_CURRENCY)


def currency_errors(currency: str, field: str = "currency") -> dict[str, list[str]]:
    if not CURRENCY.match(currency or ""):
        return {field: [f"“{currency}” is not a currency code such as EUR or USD."]}
    return {}


def usable_errors(
    currency: str, day: dt.date, rates: Rates | None = None, field: str = "currency"
) -> dict[str, list[str]]:
    """A currency code with a rate to the base currency on `day` (the base needs none)."""
    errors = currency_errors(currency, field)
    if not errors and not (rates or Rates()).has_rate(currency, day):
        errors = {field: [MissingRate(currency, day).messages[0]]}
    return errors


class MissingRate(ValidationError):
    def __init__(self, currency: str, day: dt.date) -> None:
        super().__init__(
            f"No exchange rate of {currency} to {base_currency()} on or before {day}: "
            "add one under Metrics → Exchange rates."
        )
        self.currency, self.day = currency, day


class Rates:
    """Every exchange rate, read once (one query), for converting many amounts; with
    `as_of`, the rates as they were recorded then (one query more, into the audit log)."""

    def __init__(self, as_of: dt.datetime | None = None) -> None:
        self._by_currency: dict[str, tuple[list[dt.date], list[Decimal]]] = {}
        since = audit.changes_since(ExchangeRate, as_of) if as_of else None
        for row in ExchangeRate.objects.order_by("currency", "valid_from"):
            if since is not None and not since.existed(row):
                continue
            rate = Decimal(since.value(row, "rate")) if since is not None else row.rate
            days, rates = self._by_currency.setdefault(row.currency, ([], []))
            days.append(row.valid_from)
            rates.append(rate)

    def to_base(self, amount: Decimal, currency: str, day: dt.date) -> Decimal:
        if not currency or currency == base_currency():
            return amount
        days, rates = self._by_currency.get(currency, ([], []))
        index = bisect.bisect_right(days, day) - 1
        if index < 0:
            raise MissingRate(currency, day)
        return amount * rates[index]

    def has_rate(self, currency: str, day: dt.date) -> bool:
        try:
            self.to_base(Decimal(0), currency, day)
        except MissingRate:
            return False
        return True
