"""Audit entries as the pages say things (core/audit_words.py)."""

from typing import Any

from django import template

from accord.core import audit_words
from accord.core.models import AuditEvent

register = template.Library()


@register.filter
def readable_changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field label, before, after) of each change, in words."""
    return audit_words.readable(event)


@register.filter
def kind_label(label: str) -> str:
    """A model label as the pages name that kind of object."""
    return audit_words.kind_label(label)


@register.filter
def change_summary(event: Any) -> str:
    """One line for a feed: a stage move, or the labels of the fields changed."""
    return audit_words.summary(event)
