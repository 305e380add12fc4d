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


@register.filter
def change_summary(changes: dict[str, Any] | None, limit: int = 3) -> str:
    """One line for a feed: a stage move as "stage: from → to", other changes by field name."""
    if not changes:
        return ""
    stage = changes.get("stage")
    if isinstance(stage, list | tuple) and len(stage) == 2 and stage[0]:
        return f"stage: {audit_value(stage[0])} → {audit_value(stage[1])}"
    names = [name.replace("_", " ") for name in changes if name != "reason"]
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")
