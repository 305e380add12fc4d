from typing import Any

from django import template

register = template.Library()


@register.filter
def audit_value(value: Any) -> str:
    """A recorded before/after value as a person reads it: lists joined, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
