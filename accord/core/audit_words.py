"""Audit entries in the words of the pages: field labels for field names, choice labels for
stored values, and names for the ids of referenced objects. The names are taken when the
change is recorded and kept with it (`AuditEvent.names`), so an entry stays readable after
the objects it names are deleted.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from accord.core.models import AuditEvent

SUMMARY_FIELDS = 3


@cache
def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def kind_label(label: str) -> str:
    """A model label ("directory.organization") as the pages say it ("Organization")."""
    model = model_of(label)
    return capfirst(str(model._meta.verbose_name)) if model else label


@cache
def kinds() -> list[tuple[str, str]]:
    """Every kind of object the audit log may name, as (label, words), by words."""
    found = [
        (model._meta.label_lower, capfirst(str(model._meta.verbose_name)))
        for model in apps.get_models()
        if model.__module__.startswith("accord.")
    ]
    return sorted(found, key=lambda pair: pair[1].lower())


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist, or a name the model no longer has
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    field = _field(model, name)
    words = getattr(field, "verbose_name", None) or name.replace("_", " ")
    return capfirst(str(words))


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    return str(value)


def value_words(field: Any, value: Any, name: str | None = None) -> str:
    """A recorded value as the page shows it: a choice's label, a referenced object's name
    (`name`, kept with the entry; its id when none was kept), yes or no."""
    if value is None or value == "":
        return ""
    if field is not None and getattr(field, "many_to_one", False):
        return name or (f"#{value}" if str(value).isdigit() else str(value))
    choices = dict(getattr(field, "flatchoices", None) or ())
    if choices and not isinstance(value, list | dict):
        return str(choices.get(value, value))
    return _plain(value)


def readable(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(label, before, after) for each change of `event`."""
    model = model_of(event.model)
    names: Mapping[str, Any] = event.names or {}
    rows = []
    for name, pair in (event.changes or {}).items():
        before, after = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
        field = _field(model, name)
        kept = names.get(name) or [None, None]
        rows.append((
            field_label(model, name),
            value_words(field, before, kept[0]),
            value_words(field, after, kept[1]),
        ))  # fmt: skip
    return rows


def summary(event: AuditEvent, limit: int = SUMMARY_FIELDS) -> str:
    """One line for a feed: a stage move as "Stage: screening → engaging", other changes by
    their fields' labels."""
    changes = event.changes or {}
    model = model_of(event.model)
    stage = changes.get("stage")
    if isinstance(stage, list | tuple) and len(stage) == 2 and stage[0]:
        field = _field(model, "stage")
        before, after = (value_words(field, value) for value in stage)
        return f"{field_label(model, 'stage')}: {before} → {after}"
    labels = [field_label(model, name).lower() for name in changes if name != "reason"]
    more = len(labels) - limit
    return ", ".join(labels[:limit]) + (f" and {more} more" if more > 0 else "")


def _id(model: type[models.Model], value: Any) -> Any:
    if value in (None, "") or isinstance(value, bool):
        return None
    try:
        return model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return None


def names_for(instance: models.Model, changes: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The names of the objects a change refers to by id (an owner, a play), taken now so
    that the entry still reads well once they are gone. One query per such field."""
    kept: dict[str, list[Any]] = {}
    for name, pair in changes.items():
        field = _field(type(instance), name)
        if not getattr(field, "many_to_one", False) or not isinstance(pair, list | tuple):
            continue
        related = field.related_model
        ids = [_id(related, value) for value in pair]
        if not any(pk is not None for pk in ids):
            continue  # a service that recorded names already
        wanted = [pk for pk in ids if pk is not None]
        found = {o.pk: str(o) for o in related._default_manager.filter(pk__in=wanted)}
        kept[name] = [found.get(pk) if pk is not None else None for pk in ids]
    return kept
