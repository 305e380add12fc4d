"""The bulk write path of an import: creates, updates, tags, external ids and audit events.

The per-row services would run a few queries per row; an import of 100,000 rows instead
writes each kind of new row with one `executemany` per batch (accord/core/bulk.py), changed
ones with `bulk_update`, and records one audit event per created or updated object
(field-level before and after) in bulk, all inside the caller's transaction. New
organizations are indexed for word search in one pass per transaction rather than by a
trigger per row (accord/directory/bulk_indexing.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import timezone

from accord.accounts.models import User
from accord.core.audit import audit_event, json_value, record_each, record_many
from accord.core.bulk import db_value, insert_rows, needs_conversion
from accord.core.models import AuditEvent
from accord.directory.bulk_indexing import Inserted, deferred_indexing
from accord.directory.models import ExternalId, Organization, Tag, tag_slug
from accord.directory.signals import organizations_changed

BATCH = 2000
CHANNEL = "import"


@dataclass
class Create:
    row: int
    data: dict[str, Any]  # model attribute names (attname) → value
    tags: list[str] | None
    external_ids: list[tuple[str, str]]
    # The derived attributes, when planning computed them already: `prepare` is then skipped.
    derived: dict[str, Any] | None = None


@dataclass
class Update:
    row: int
    instance: models.Model
    data: dict[str, Any]  # only the attributes that change
    tags: list[str] | None  # the new tag names, when they change
    old_tags: list[str]
    external_ids: list[tuple[str, str]]  # ids to add


@dataclass
class Plan:
    creates: list[Create] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    unchanged: int = 0


@dataclass(frozen=True)
class ModelSpec:
    model: type[models.Model]
    fields: tuple[str, ...]  # audited field names
    owner: str  # the ExternalId / tag-through foreign key naming the object
    prepare: Callable[[Any, list[str] | None], None]  # derived fields before saving

    def attname(self, name: str) -> str:
        field = self.model._meta.get_field(name)
        assert isinstance(field, models.Field)  # audited fields are the model's own
        return field.attname

    def tag_links(self) -> type[models.Model]:
        """The model linking an object to its tags."""
        field = self.model._meta.get_field("tags")
        assert isinstance(field, models.ManyToManyField)
        through = field.remote_field.through
        assert through is not None  # Django creates it when the models load
        return through


def _chunks(items: list[Any], size: int = BATCH) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique_slug(name: str, taken: set[str]) -> str:
    slug = tag_slug(name, taken)
    taken.add(slug)
    return slug


def tags_by_name(names: Iterable[str], *, actor: User) -> dict[str, Tag]:
    """Tags by lowercased name, creating the missing ones in bulk (and auditing them)."""
    wanted = {n.lower(): n for n in names}
    found: dict[str, Tag] = {}
    slugs: set[str] = set()
    for tag in Tag.objects.only("id", "name", "slug"):
        slugs.add(tag.slug)
        if tag.name.lower() in wanted:
            found.setdefault(tag.name.lower(), tag)
    missing = [Tag(name=name, slug="") for key, name in wanted.items() if key not in found]
    for tag in missing:
        tag.slug = unique_slug(tag.name, slugs)
    Tag.objects.bulk_create(missing, batch_size=BATCH)
    if missing and missing[0].pk is None:  # backends that return no ids
        stored = Tag.objects.filter(name__in=[t.name for t in missing])
        missing = list(stored)
    record_many(
        [
            audit_event(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                instance=tag,
                changes={"name": [None, tag.name], "slug": [None, tag.slug]},
                channel=CHANNEL,
            )
            for tag in missing
        ]
    )
    found.update({t.name.lower(): t for t in missing})
    return found


def _audited(spec: ModelSpec) -> list[tuple[str, str]]:
    return [(name, spec.attname(name)) for name in spec.fields]


_PLAIN = (str, int, bool, type(None))  # JSON-safe as they are


def _values(audited: list[tuple[str, str]], instance: models.Model, tags: list[str]):
    values = {}
    for name, attname in audited:
        value = getattr(instance, attname)
        values[name] = value if type(value) in _PLAIN else json_value(value)
    values["tags"] = sorted(tags)
    return values


def apply_plan(
    plan: Plan,
    *,
    actor: User,
    spec: ModelSpec,
    source: str | None,
    on_progress: Callable[[int], None] | None = None,
) -> None:
    """Write `plan` (the caller holds the transaction)."""
    names = {n for c in plan.creates for n in c.tags or ()}
    names |= {n for u in plan.updates for n in u.tags or ()}
    tags = tags_by_name(names, actor=actor) if names else {}
    with deferred_indexing() if spec.model is Organization else nullcontext() as inserted:
        _write_creates(
            plan.creates, actor=actor, spec=spec, tags=tags, progress=on_progress, inserted=inserted
        )
    _write_updates(plan.updates, actor=actor, spec=spec, tags=tags, progress=on_progress)
    if spec.model is Organization and (plan.creates or plan.updates):
        organizations_changed.send(sender=Organization)


def _through_rows(spec: ModelSpec, owner_id: int, names: Iterable[str], tags: dict[str, Tag]):
    through = spec.tag_links()
    return [through(**{f"{spec.owner}_id": owner_id, "tag_id": tags[n.lower()].pk}) for n in names]


def _external_rows(spec: ModelSpec, owner_id: int, pairs: Iterable[tuple[str, str]]):
    return [ExternalId(source=s, value=v, **{f"{spec.owner}_id": owner_id}) for s, v in pairs]


def _write_creates(
    creates: list[Create],
    *,
    actor: User,
    spec: ModelSpec,
    tags: dict[str, Tag],
    progress,
    inserted: Inserted | None,
) -> None:
    """Each batch of objects, their tag links and external ids: one executemany per table."""
    model = spec.model
    through = spec.tag_links()
    concrete = list(model._meta.concrete_fields)  # the primary key first
    fields = concrete[1:]
    columns = [f.attname for f in fields]
    # An instance from all its field values in order is Django's fast path (as from the
    # database); the keyword one looked each field up again, for every row.
    position = {f.attname: i for i, f in enumerate(concrete)}
    position.update({f.name: i for i, f in enumerate(concrete)})
    defaults = [None if callable(f.default) else f.get_default() for f in concrete]
    computed = [i for i, f in enumerate(concrete) if callable(f.default)]
    # Timestamps set on saving (auto_now, auto_now_add): the batch's time, converted once.
    stamped = [
        i
        for i, f in enumerate(concrete)
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    converted = [
        (i, db_value(f)) for i, f in enumerate(concrete) if i not in stamped and needs_conversion(f)
    ]
    audited = _audited(spec)
    owner = f"{spec.owner}_id"
    for batch in _chunks(creates):
        now = timezone.now()
        stamps = {i: db_value(concrete[i])(now) for i in stamped}
        instances, rows = [], []
        for create in batch:
            if create.derived is None:
                instance = model(**create.data)
                spec.prepare(instance, create.tags)
                for i in stamped:
                    setattr(instance, concrete[i].attname, now)
                values = [getattr(instance, f.attname) for f in concrete]
            else:
                values = defaults.copy()
                for i in computed:
                    values[i] = concrete[i].get_default()
                for name, value in (*create.data.items(), *create.derived.items()):
                    values[position[name]] = value
                for i in stamped:
                    values[i] = now
                instance = model(*values)
            for i, convert in converted:
                values[i] = convert(values[i])
            for i, stamp in stamps.items():
                values[i] = stamp
            instances.append(instance)
            rows.append(values[1:])
        ids = insert_rows(model, columns, rows)
        if inserted is not None:
            inserted.add(ids)
        links, externals, entries = [], [], []
        for create, instance, pk in zip(batch, instances, ids, strict=True):
            instance.pk = pk
            links += [(pk, tags[n.lower()].pk) for n in create.tags or ()]
            externals += [(s, v, pk) for s, v in create.external_ids]
            after = _values(audited, instance, create.tags or [])
            changes = {k: [None, v] for k, v in after.items() if v not in ("", None, [])}
            changes.update(_external_change([], create.external_ids))
            entries.append((pk, str(instance), changes))
        insert_rows(through, (owner, "tag_id"), links)
        insert_rows(ExternalId, ("source", "value", owner), externals)
        record_each(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            model=model,
            entries=entries,
            channel=CHANNEL,
        )
        if progress:
            progress(len(batch))


def _external_change(before: list[str], added: list[tuple[str, str]]) -> dict[str, Any]:
    if not added:
        return {}
    return {"external_ids": [before or None, sorted([*before, *(f"{s}:{v}" for s, v in added)])]}


def _write_updates(
    updates: list[Update], *, actor: User, spec: ModelSpec, tags: dict[str, Tag], progress
) -> None:
    through = spec.tag_links()
    audited = _audited(spec)
    now = timezone.now()
    for batch in _chunks(updates):
        entries = []
        changed_fields: set[str] = {"updated_at"}
        retagged: list[int] = []
        links, externals = [], []
        for update in batch:
            instance = update.instance
            before = _values(audited, instance, update.old_tags)
            for attname, value in update.data.items():
                setattr(instance, attname, value)
            spec.prepare(instance, update.tags if update.tags is not None else update.old_tags)
            instance.updated_at = now
            if update.data or update.tags is not None:
                # A new version, so that an edit form loaded before the import is refused
                # rather than putting the imported values back.
                instance.version += 1
            changed_fields |= set(update.data) | _derived_fields(spec) | {"version"}
            if update.tags is not None:
                retagged.append(instance.pk)
                links += _through_rows(spec, instance.pk, update.tags, tags)
            externals += _external_rows(spec, instance.pk, update.external_ids)
            new_tags = update.tags if update.tags is not None else update.old_tags
            after = _values(audited, instance, new_tags)
            changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
            changes.update(_external_change([], update.external_ids))
            entries.append((instance.pk, str(instance), changes))
        instances = [u.instance for u in batch if u.data or u.tags is not None]
        if instances:
            manager = spec.model._default_manager
            manager.bulk_update(instances, sorted(changed_fields), batch_size=500)
        if retagged:
            through._default_manager.filter(**{f"{spec.owner}_id__in": retagged}).delete()
            through._default_manager.bulk_create(links, batch_size=BATCH)
        ExternalId.objects.bulk_create(externals, batch_size=BATCH)
        record_each(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            model=spec.model,
            entries=entries,
            channel=CHANNEL,
        )
        if progress:
            progress(len(batch))


def _derived_fields(spec: ModelSpec) -> set[str]:
    names = {f.name for f in spec.model._meta.concrete_fields}
    return {n for n in ("normalized_name", "domain", "tag_names") if n in names}
