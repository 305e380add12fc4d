"""Due diligence: the checklist a candidate passes before engagement (the engaging gate asks
for it complete). Each item has an owner, a status and its evidence; every change is audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.partnerships.models import Partnership
from accord.screening.defaults import DUE_DILIGENCE_ITEMS
from accord.screening.models import DueDiligenceItem, DueDiligenceTemplateItem

ITEM_FIELDS = ("title", "kind", "owner", "status", "evidence")


def may_edit(actor: User, item_or_partnership: DueDiligenceItem | Partnership) -> bool:
    """Whoever may change the partnership keeps its checklist; an item's owner is accountable
    for getting it done, and reports through them."""
    if isinstance(item_or_partnership, DueDiligenceItem):
        return policy.can_change_partnership(actor, item_or_partnership.partnership)
    return policy.can_change_partnership(actor, item_or_partnership)


def _require(actor: User, target: DueDiligenceItem | Partnership) -> None:
    if not may_edit(actor, target):
        raise PermissionDenied("Only the partnership's owner, its team or an administrator may.")


@transaction.atomic
def due_diligence_start(*, actor: User, partnership: Partnership) -> list[DueDiligenceItem]:
    """Copy the checklist template onto the partnership; items already there are kept."""
    _require(actor, partnership)
    existing = set(partnership.due_diligence.values_list("title", flat=True))
    created = []
    for template in DueDiligenceTemplateItem.objects.all():
        if template.title in existing:
            continue
        item = DueDiligenceItem.objects.create(
            partnership=partnership,
            kind=template.kind,
            title=template.title,
            position=template.position,
            owner=partnership.owner,
        )
        audit.record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            instance=item,
            changes=audit.diff({}, {"partnership": partnership.pk, "title": item.title}),
        )
        created.append(item)
    return created


@transaction.atomic
def due_diligence_add(
    *, actor: User, partnership: Partnership, data: Mapping[str, Any]
) -> DueDiligenceItem:
    _require(actor, partnership)
    position = partnership.due_diligence.count()
    item = DueDiligenceItem(partnership=partnership, position=position)
    return _save(actor, item, data, action=AuditEvent.Action.CREATE)


@transaction.atomic
def due_diligence_update(
    *,
    actor: User,
    item: DueDiligenceItem,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> DueDiligenceItem:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read."""
    _require(actor, item)
    return _save(
        actor, item, data, action=AuditEvent.Action.UPDATE, expected_version=expected_version
    )


def _save(
    actor: User,
    item: DueDiligenceItem,
    data: Mapping[str, Any],
    *,
    action: str,
    expected_version: int | None = None,
) -> DueDiligenceItem:
    before = audit.snapshot(item, ITEM_FIELDS) if item.pk else {}
    loaded = versions.loaded(item)
    for name in ITEM_FIELDS:
        if name in data:
            setattr(item, name, data[name])
    if item.status == DueDiligenceItem.Status.DONE and not (item.evidence or "").strip():
        raise ValidationError({"evidence": "Say what was checked before marking it done."})
    item.full_clean()
    if item.pk is None:
        item.save()
    else:
        submitted = {name: data[name] for name in ITEM_FIELDS if name in data}
        versions.save_changes(item, loaded, submitted=submitted, expected_version=expected_version)
    changes = audit.diff(before, audit.snapshot(item, ITEM_FIELDS))
    if changes:
        audit.record(actor=actor, action=action, instance=item, changes=changes)
    return item


@transaction.atomic
def due_diligence_delete(*, actor: User, item: DueDiligenceItem) -> None:
    _require(actor, item)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=item,
        changes={"title": [item.title, None]},
    )
    item.delete()


def is_complete(partnership: Partnership) -> bool:
    items = list(partnership.due_diligence.all())
    return bool(items) and all(item.status in item.DONE_STATUSES for item in items)


def _require_manager(actor: User) -> None:
    if not policy.can(actor, policy.SCREENING_MANAGE):
        raise PermissionDenied("Only administrators and alliance managers keep the template.")


@transaction.atomic
def template_item_add(*, actor: User, data: Mapping[str, Any]) -> DueDiligenceTemplateItem:
    """Add an item to the checklist new due diligence starts from (existing ones keep theirs)."""
    _require_manager(actor)
    item = DueDiligenceTemplateItem(
        kind=data.get("kind") or "other",
        title=str(data.get("title") or "").strip(),
        position=DueDiligenceTemplateItem.objects.count(),
    )
    item.full_clean()
    item.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=item,
        changes={"title": [None, item.title], "kind": [None, item.kind]},
    )
    return item


@transaction.atomic
def template_item_delete(*, actor: User, item: DueDiligenceTemplateItem) -> None:
    _require_manager(actor)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=item,
        changes={"title": [item.title, None]},
    )
    item.delete()


def template_install_defaults() -> None:
    """Put the standard checklist back (what the data migration installs on a new database)."""
    for position, (kind, title) in enumerate(DUE_DILIGENCE_ITEMS):
        DueDiligenceTemplateItem.objects.get_or_create(
            title=title, defaults={"kind": kind, "position": position}
        )
