"""What every service does before it saves a row: assign the fields submitted, then validate
by the model's own rules and the service's, reporting every problem at once."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


def assign(instance: models.Model, data: Mapping[str, Any], fields: Iterable[str]) -> None:
    """Set the `fields` present in `data`; None is stored as "" in a text column that takes
    no null."""
    for name in fields:
        if name in data:
            value = data[name]
            setattr(instance, name, "" if value is None and _is_text(instance, name) else value)


def _is_text(instance: models.Model, name: str) -> bool:
    field = instance._meta.get_field(name)
    return isinstance(field, models.CharField | models.TextField) and not field.null


def validate(instance: models.Model, errors: dict[str, list[str]]) -> None:
    """The model's validation and the service's own `errors`, as one ValidationError."""
    try:
        instance.full_clean()
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def decimal_of(value: Any, field: str, what: str) -> Decimal:
    """`value` as an exact finite decimal, or a ValidationError on `field` naming `what`."""
    try:
        number = Decimal(str(value).strip()) if value is not None else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise ValidationError({field: f"{what} must be a number, not {value!r}."})
    return number
