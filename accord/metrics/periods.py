"""Quarters, the period of targets and reviews: named like 2026Q4, stored as their first day."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q([1-4])\s*$", re.IGNORECASE)
# Quarters this far apart leave room for eight quarters of history and a year ahead of any.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def quarter_of(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def next_quarter(start: dt.date) -> dt.date:
    return dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)


def shift(start: dt.date, quarters: int) -> dt.date:
    """The quarter `quarters` after (or before, when negative) the one starting on `start`."""
    index = start.year * 4 + (start.month - 1) // 3 + quarters
    return dt.date(index // 4, 3 * (index % 4) + 1, 1)


def last_complete() -> dt.date:
    """The first day of the last quarter that has ended: what reviews and packs are about."""
    return shift(quarter_of(timezone.localdate()), -1)


def quarter_end(start: dt.date) -> dt.date:
    return next_quarter(start) - dt.timedelta(days=1)


def label(start: dt.date) -> str:
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def parse(text: str, field: str = "quarter") -> dt.date:
    """The first day of a quarter written like 2026Q4 (or 2026-Q4)."""
    found = QUARTER.match(text or "")
    if not found:
        raise ValidationError({field: f"“{text}” is not a quarter; write it like 2026Q4."})
    if not FIRST_YEAR <= int(found[1]) <= LAST_YEAR:
        raise ValidationError(
            {field: f"{text.strip()} is out of range: a year from {FIRST_YEAR} to {LAST_YEAR}."}
        )
    return dt.date(int(found[1]), 3 * int(found[2]) - 2, 1)


def quarters(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every quarter from the one of `first` to the one of `last`."""
    found, current, end = [], quarter_of(first), quarter_of(last)
    while current <= end:
        found.append(current)
        current = next_quarter(current)
    return found
