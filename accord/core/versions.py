"""Edits that neither lose nor overwrite another person's work (optimistic concurrency).

Every editable model carries a `version` (the `Versioned` base). An edit is loaded at one
version and saved by `save_changes`, which writes only the fields that differ from what was
loaded, in one `UPDATE ... SET fields, version = version + 1 WHERE pk = ... AND version = ...`.
When the version read is no longer the stored one, nothing is written and `EditConflict` says,
per field, what the user submitted and what is stored now. Pages carry the version in a hidden
field; the API in `If-Match` (`W/"<version>"`, the ETag of a GET) or a `version` body field
(`edit_version` for rubrics, whose `version` names the criteria's version). Without either, an
API edit still writes only the fields sent, so existing clients keep working.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accord.core.audit import json_value
from accord.core.errors import EditConflict

ETAG = re.compile(r'^(?:W/)?"(\d{1,18})"$')
VERSION_IN = (
    "The version read (or send its ETag in If-Match); an edit made since answers 409 (412 with "
    "If-Match) naming each field's two values. Without either, the fields sent overwrite."
)
VERSION_OUT = "Bumped by every edit; the ETag of a GET. Send it back to edit safely."


class Versioned(models.Model):
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text="Bumped by every edit."
    )

    class Meta:
        abstract = True


V = TypeVar("V", bound=Versioned)


@dataclass(frozen=True)
class FieldConflict:
    field: str
    label: str
    yours: Any
    theirs: Any

    @property
    def yours_text(self) -> str:
        return shown(self.yours)

    @property
    def theirs_text(self) -> str:
        return shown(self.theirs)

    def as_detail(self) -> dict[str, Any]:
        yours, theirs = json_value(self.yours), json_value(self.theirs)
        return {
            "field": self.field,
            "message": f"You sent {shown(self.yours)}; it is now {shown(self.theirs)}.",
            "yours": yours,
            "theirs": theirs,
        }


def shown(value: Any) -> str:
    """A value as a person reads it beside another: related objects by name, lists joined."""
    if value is None or value == "" or value == []:
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set):
        return ", ".join(sorted(shown(v) for v in value))
    return str(value)


def loaded(instance: models.Model) -> dict[str, Any]:
    """The values of `instance`'s own columns as read, to compare against after the edit."""
    return {f.attname: getattr(instance, f.attname) for f in _columns(instance)}


def save_changes(
    instance: V,
    before: Mapping[str, Any],
    *,
    submitted: Mapping[str, Any],
    expected_version: int | None = None,
    related_changed: bool = False,
    related: Callable[[V], Mapping[str, Any]] | None = None,
) -> list[str]:
    """Write the columns of `instance` that differ from `before`, if it is still the version
    the user read (`expected_version`, or the one loaded); return the names written.

    `related_changed` bumps the version for an edit of related rows only (tags, parties);
    `related(stored)` gives the stored values of submitted names that are not columns.
    Raises EditConflict, writing nothing, when the stored version differs.
    """
    expected = instance.version if expected_version is None else expected_version
    if expected != instance.version:
        raise conflict(instance, submitted, related)
    fields = [f for f in _columns(instance) if getattr(instance, f.attname) != before[f.attname]]
    if not fields and not related_changed:
        return []
    values = {f.attname: getattr(instance, f.attname) for f in fields}
    now = timezone.now()
    for field in instance._meta.concrete_fields:
        if getattr(field, "auto_now", False):  # what save() would stamp, an UPDATE does not
            values[field.attname] = now
            setattr(instance, field.attname, now)
    rows = type(instance)._base_manager.filter(pk=instance.pk, version=expected)
    if not rows.update(**values, version=F("version") + 1):
        raise conflict(instance, submitted, related)
    instance.version = expected + 1
    return [f.name for f in fields]


def conflict(
    instance: V,
    submitted: Mapping[str, Any],
    related: Callable[[V], Mapping[str, Any]] | None = None,
) -> EditConflict:
    """The refusal of an edit of `instance`: each submitted value that differs from the stored."""
    stored = type(instance)._base_manager.get(pk=instance.pk)
    extra = dict(related(stored)) if related else {}
    conflicts = []
    for name, yours in submitted.items():
        theirs = extra[name] if name in extra else _stored(stored, name)
        if not _same(yours, theirs):
            conflicts.append(FieldConflict(name, _label(stored, name), yours, theirs))
    subject = f"{str(stored._meta.verbose_name).capitalize()} “{stored}”"
    return EditConflict(subject, conflicts, stored.version)


def _stored(stored: models.Model, name: str) -> Any:
    field = stored._meta.get_field(name)
    if field.many_to_many:
        return list(getattr(stored, name).all())
    return getattr(stored, name)


def _same(yours: Any, theirs: Any) -> bool:
    empty: tuple[Any, ...] = (None, "", [])
    a, b = json_value(_listed(yours)), json_value(_listed(theirs))
    return a == b or (a in empty and b in empty)


def _listed(value: Any) -> Any:
    return list(value) if isinstance(value, models.QuerySet | set | tuple) else value


def _label(stored: models.Model, name: str) -> str:
    try:
        field = stored._meta.get_field(name)
    except FieldDoesNotExist:  # a submitted name that is not a field, such as parties
        return name.replace("_", " ")
    return str(field.verbose_name) if isinstance(field, models.Field) else name.replace("_", " ")


def _columns(instance: models.Model) -> Iterable[models.Field[Any, Any]]:
    return [
        f
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name not in ("version", "updated_at", "created_at")
    ]


# The API side ---------------------------------------------------------------------------------


def etag(instance: Versioned) -> str:
    return f'W/"{instance.version}"'


def tag_response(response: HttpResponse, instance: Versioned) -> None:
    response["ETag"] = etag(instance)


def expected_version(request: HttpRequest, body_version: int | None = None) -> int | None:
    """The version an API edit was made from: `If-Match` or the body's `version`; None, when
    the caller sent neither, means the fields sent overwrite whatever is stored."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return body_version
    match = ETAG.match(header)
    if match is None:
        raise ValidationError(
            {"If-Match": f'Send the ETag of a GET, such as W/"3"; got {header[:40]!r}.'}
        )
    version = int(match.group(1))
    if body_version is not None and body_version != version:
        raise ValidationError(
            {"version": f"The body says version {body_version}, If-Match says {version}."}
        )
    return version
