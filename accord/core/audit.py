"""The audit recorder: services call it inside the transaction that makes the change.

Field-level changes are stored as `{field: [before, after]}` with JSON-safe values. The channel
(web, api, cli, import) comes from the entry point through `audit_channel(...)`; the actor is
always passed explicitly by the service.
"""

from __future__ import annotations

import contextvars
import dataclasses
import datetime as dt
import decimal
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.utils import timezone

from accord.core import audit_words
from accord.core.bulk import db_value, insert_rows
from accord.core.models import AuditEvent

if TYPE_CHECKING:
    from accord.accounts.models import User

_channel: contextvars.ContextVar[str] = contextvars.ContextVar("audit_channel", default="system")


@contextmanager
def audit_channel(channel: str) -> Iterator[None]:
    token = _channel.set(channel)
    try:
        yield
    finally:
        _channel.reset(token)


def current_channel() -> str:
    return _channel.get()


def json_value(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return sorted(json_value(v) for v in value)
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields`, for before/after comparison."""
    values: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if field.many_to_many:
            if instance.pk is None:
                values[name] = []
            else:
                values[name] = sorted(str(o) for o in getattr(instance, name).all())
        elif isinstance(field, models.Field) and field.is_relation:
            values[name] = getattr(instance, field.attname)
        else:
            values[name] = json_value(getattr(instance, name))
    return values


_EMPTY: tuple[Any, ...] = (None, "", [])


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed; nothing and an empty value count as the same."""
    changed = {}
    for name in after:
        old, new = before.get(name), after.get(name)
        if old != new and not (old in _EMPTY and new in _EMPTY):
            changed[name] = [old, new]
    return changed


def removed(before: Mapping[str, Any]) -> dict[str, list[Any]]:
    """The changes of a deleted row: each of its values, gone."""
    return diff(before, dict.fromkeys(before))


def _actor_name(actor: User) -> str:
    if actor is None:
        raise ValueError("an audited write needs a known actor")
    return actor.get_username()


def audit_event(
    *,
    actor: User,
    action: str,
    instance: models.Model,
    changes: Mapping[str, Any] | None = None,
    channel: str | None = None,
) -> AuditEvent:
    changes = dict(changes or {})
    return AuditEvent(
        actor=actor,
        actor_name=_actor_name(actor),
        channel=channel or current_channel(),
        action=action,
        model=instance._meta.label_lower,
        object_id=str(instance.pk),
        object_repr=str(instance)[:300],
        changes=changes,
        names=audit_words.names_for(instance, changes),
    )


def record(
    *,
    actor: User,
    action: str,
    instance: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    event = audit_event(actor=actor, action=action, instance=instance, changes=changes)
    event.save()
    return event


def record_many(events: list[AuditEvent]) -> None:
    AuditEvent.objects.bulk_create(events, batch_size=2000)


def record_each(
    *,
    actor: User,
    action: str,
    model: type[models.Model],
    entries: Iterable[tuple[Any, str, Mapping[str, Any]]],
    channel: str | None = None,
) -> None:
    """One event per (object id, text, changes) of `model`, as `record` would write each, in
    one statement: the many events of an import."""
    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields if not f.primary_key}
    at = db_value(fields["at"])(timezone.now())
    changes = db_value(fields["changes"])
    no_names = db_value(fields["names"])({})
    common = (at, actor.pk, _actor_name(actor), channel or current_channel(), action)
    label = model._meta.label_lower
    rows = [
        (*common, label, str(pk), text[:300], changes(dict(change)), no_names)
        for pk, text, change in entries
    ]
    columns = ("at", "actor_id", "actor_name", "channel", "action", "model", "object_id")
    insert_rows(AuditEvent, (*columns, "object_repr", "changes", "names"), rows)


@dataclass
class Since:
    """What the audit log says changed in a model's rows after a moment: the rows created
    since, and for each row changed since, every changed field's value at that moment."""

    created: set[str] = dataclasses.field(default_factory=set)
    earlier: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)

    def existed(self, instance: models.Model) -> bool:
        return str(instance.pk) not in self.created

    def value(self, instance: models.Model, name: str) -> Any:
        """The field's JSON-safe value at the moment (from `json_value` of the current one)."""
        earlier = self.earlier.get(str(instance.pk), {})
        return earlier[name] if name in earlier else json_value(getattr(instance, name))


def latest_event_id() -> int:
    """The id of the newest audit event, 0 before any: it moves with every audited change,
    of any row, in any process."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {AuditEvent._meta.db_table}")  # noqa: S608
        (latest,) = cursor.fetchone()
    return latest or 0


def changes_since(model: type[models.Model], moment: dt.datetime) -> Since:
    """Replay the model's audit events after `moment` backwards: one query, however many
    rows, reading only the events since."""
    since = Since()
    events = AuditEvent.objects.filter(model=model._meta.label_lower, at__gt=moment)
    for action, object_id, changes in events.order_by("at", "id").values_list(
        "action", "object_id", "changes"
    ):
        if action == AuditEvent.Action.CREATE:
            since.created.add(object_id)
        elif action == AuditEvent.Action.UPDATE:
            earlier = since.earlier.setdefault(object_id, {})
            for name, (before, _) in changes.items():
                earlier.setdefault(name, before)
    return since


def history_of(
    instance_or_label: models.Model | str, object_id: Any = None
) -> models.QuerySet[AuditEvent]:
    if isinstance(instance_or_label, models.Model):
        label, object_id = instance_or_label._meta.label_lower, instance_or_label.pk
    else:
        label = instance_or_label
    return AuditEvent.objects.filter(model=label, object_id=str(object_id)).select_related("actor")
