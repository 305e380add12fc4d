"""How venture figures read: rates as per cent, multiples as 1.85x, money grouped."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    if value is None:
        return "—"
    shown = f"{value * 100:.1f}%"
    return "0.0%" if shown == "-0.0%" else shown  # a root a hair below zero, at cost


@register.filter
def multiple(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


@register.filter
def money(value: Decimal | float | int | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@register.filter
def figure(figures: Any, name: str) -> Any:
    return getattr(figures, name, None)


@register.filter
def figure_text(value: Decimal | None) -> str:
    """A company's figure as it was given: grouped, without trailing zeros."""
    return "—" if value is None else f"{value.normalize():,f}"
