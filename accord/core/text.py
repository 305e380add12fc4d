"""Text as stored and exported: without the control characters XML (and so XLSX) forbids.

Tab, line feed and carriage return stay; the other C0 controls are dropped. NUL is among
them, which PostgreSQL also refuses in text.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Exactly what openpyxl refuses to write, so that nothing stored can break an XLSX export.
CONTROL_CHARACTERS = ILLEGAL_CHARACTERS_RE


def clean_text(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


def clean_text_fields(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """pre_save: every text value of the row, whatever wrote it (form, API, service)."""
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
                setattr(instance, field.attname, clean_text(value))
