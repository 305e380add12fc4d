"""Every write to the directory: validated, saved and audited in one transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accord.accounts.models import User
from accord.core import audit, policy, versions
from accord.core.models import AuditEvent
from accord.core.writes import assign
from accord.directory.models import ExternalId, Organization, Person, Tag, tag_slug
from accord.directory.normalize import normalize_website
from accord.directory.signals import organizations_changed

ORGANIZATION_FIELDS = (
    "name",
    "kind",
    "country",
    "city",
    "website",
    "founded_year",
    "size_band",
    "stage",
    "one_liner",
    "description",
    "is_self",
)
PERSON_FIELDS = (
    "full_name",
    "organization",
    "title",
    "email",
    "phone",
    "is_internal",
    "relation",
    "linkedin_url",
    "country",
    "city",
    "notes",
)
TAG_FIELDS = ("name", "slug", "description")


def _prepare_organization(organization: Organization) -> None:
    organization.name = organization.name.strip()
    organization.website = normalize_website(organization.website)
    organization.country = (organization.country or "").upper()
    organization.derive_fields()


def _set_tags(instance: Organization | Person, tags: Iterable[Tag]) -> None:
    tags = list(tags)
    instance.tags.set(tags)
    if isinstance(instance, Organization):
        instance.derive_fields(t.name for t in tags)
        instance.save(update_fields=["tag_names"])


def _submitted(
    data: Mapping[str, Any], fields: Iterable[str], tags: list[Tag] | None
) -> dict[str, Any]:
    submitted = {name: data[name] for name in fields if name in data}
    if tags is not None:
        submitted["tags"] = tags
    return submitted


def _tags_change(instance: Organization | Person, tags: list[Tag] | None) -> bool:
    return tags is not None and {t.pk for t in tags} != set(
        instance.tags.values_list("pk", flat=True)
    )


def _authorize(actor: User | None) -> None:
    if actor is None:
        raise ValueError("a directory write needs a known actor")
    policy.require(actor, policy.DIRECTORY_CHANGE)


def _audited_values(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return audit.snapshot(instance, [*fields, "tags"])


@transaction.atomic
def organization_create(
    *, actor: User, data: Mapping[str, Any], tags: Iterable[Tag] = ()
) -> Organization:
    _authorize(actor)
    organization = Organization()
    assign(organization, data, ORGANIZATION_FIELDS)
    _prepare_organization(organization)
    organization.full_clean()
    organization.save()
    _set_tags(organization, tags)
    after = _audited_values(organization, ORGANIZATION_FIELDS)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=organization,
        changes=audit.diff({}, after),
    )
    organizations_changed.send(sender=Organization)
    return organization


@transaction.atomic
def organization_update(
    *,
    actor: User,
    organization: Organization,
    data: Mapping[str, Any],
    tags: Iterable[Tag] | None = None,
    expected_version: int | None = None,
) -> Organization:
    """Change the fields in `data` and, when given, the tags; EditConflict if edited since
    `expected_version` was read."""
    _authorize(actor)
    before = _audited_values(organization, ORGANIZATION_FIELDS)
    loaded = versions.loaded(organization)
    tags = None if tags is None else list(tags)
    assign(organization, data, ORGANIZATION_FIELDS)
    _prepare_organization(organization)
    organization.full_clean()
    tags_changed = _tags_change(organization, tags)
    if tags_changed:
        organization.derive_fields(t.name for t in tags or [])
    versions.save_changes(
        organization,
        loaded,
        submitted=_submitted(data, ORGANIZATION_FIELDS, tags),
        expected_version=expected_version,
        related_changed=tags_changed,
    )
    if tags_changed:
        organization.tags.set(tags or [])
    changes = audit.diff(before, _audited_values(organization, ORGANIZATION_FIELDS))
    if changes:
        audit.record(
            actor=actor, action=AuditEvent.Action.UPDATE, instance=organization, changes=changes
        )
        organizations_changed.send(sender=Organization)
    return organization


@transaction.atomic
def organization_delete(*, actor: User, organization: Organization) -> None:
    _authorize(actor)
    if organization.is_self:
        raise ValidationError("Our own company cannot be deleted.")
    if organization.partner_users.exists():
        raise ValidationError(
            "Partner users belong to this organization; move or remove them first."
        )
    parties = organization.partnership_parties.select_related("partnership")
    titles = sorted({party.partnership.title for party in parties})
    if titles:
        raise ValidationError(
            f"{organization.name} is a party to {len(titles)} partnership(s): "
            f"{', '.join(titles)}; remove it from them first."
        )
    before = _audited_values(organization, ORGANIZATION_FIELDS)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=organization,
        changes=audit.removed(before),
    )
    organization.delete()
    organizations_changed.send(sender=Organization)


@transaction.atomic
def organization_merge(*, actor: User, keep: Organization, duplicate: Organization) -> Organization:
    """Move every reference from `duplicate` to `keep`, fill `keep`'s blanks, delete `duplicate`.

    References are found through the model's relations, so apps added later are covered.
    """
    _authorize(actor)
    if keep.pk == duplicate.pk:
        raise ValidationError("An organization cannot be merged into itself.")
    if duplicate.is_self:
        raise ValidationError("Our own company cannot be merged away; merge the other into it.")
    # Locked, so an edit of `keep` racing the merge waits, then finds a new version (refused).
    keep = Organization.objects.select_for_update().get(pk=keep.pk)
    loaded = versions.loaded(keep)
    moved: dict[str, int] = {}
    for relation in Organization._meta.related_objects:
        if relation.many_to_many or relation.one_to_one:
            continue
        related_model = relation.related_model
        count = related_model._base_manager.filter(**{relation.field.name: duplicate}).update(
            **{relation.field.name: keep}
        )
        if count:
            moved[related_model._meta.label_lower] = count
    before = _audited_values(keep, ORGANIZATION_FIELDS)
    filled = {
        name: getattr(duplicate, name)
        for name in ORGANIZATION_FIELDS
        if name != "is_self" and getattr(keep, name) in ("", None) and getattr(duplicate, name)
    }
    assign(keep, filled, filled)
    tags = list({*keep.tags.all(), *duplicate.tags.all()})
    _prepare_organization(keep)
    keep.derive_fields(t.name for t in tags)
    versions.save_changes(keep, loaded, submitted=filled, related_changed=True)
    keep.tags.set(tags)
    changes = audit.diff(before, _audited_values(keep, ORGANIZATION_FIELDS))
    audit.record(
        actor=actor,
        action=AuditEvent.Action.MERGE,
        instance=keep,
        changes={
            **changes,
            "merged": [f"{duplicate.pk}: {duplicate.name}", None],
            "moved": [None, moved],
        },
    )
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=duplicate,
        changes={"merged_into": [None, f"{keep.pk}: {keep.name}"]},
    )
    duplicate.delete()
    organizations_changed.send(sender=Organization)
    return keep


def external_id_set(*, organization: Organization, source: str, value: str) -> ExternalId:
    found, _ = ExternalId.objects.update_or_create(
        source=source,
        value=value,
        organization__isnull=False,
        defaults={"organization": organization},
    )
    return found


@transaction.atomic
def person_create(*, actor: User, data: Mapping[str, Any], tags: Iterable[Tag] = ()) -> Person:
    _authorize(actor)
    person = Person()
    assign(person, data, PERSON_FIELDS)
    person.full_clean()
    person.save()
    _set_tags(person, tags)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=person,
        changes=audit.diff({}, _audited_values(person, PERSON_FIELDS)),
    )
    return person


@transaction.atomic
def person_update(
    *,
    actor: User,
    person: Person,
    data: Mapping[str, Any],
    tags: Iterable[Tag] | None = None,
    expected_version: int | None = None,
) -> Person:
    """Change the fields in `data` and, when given, the tags; EditConflict if edited since
    `expected_version` was read."""
    _authorize(actor)
    before = _audited_values(person, PERSON_FIELDS)
    loaded = versions.loaded(person)
    tags = None if tags is None else list(tags)
    assign(person, data, PERSON_FIELDS)
    person.full_clean()
    tags_changed = _tags_change(person, tags)
    versions.save_changes(
        person,
        loaded,
        submitted=_submitted(data, PERSON_FIELDS, tags),
        expected_version=expected_version,
        related_changed=tags_changed,
    )
    if tags_changed:
        person.tags.set(tags or [])
    changes = audit.diff(before, _audited_values(person, PERSON_FIELDS))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=person, changes=changes)
    return person


@transaction.atomic
def person_delete(*, actor: User, person: Person) -> None:
    _authorize(actor)
    before = _audited_values(person, PERSON_FIELDS)
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=person,
        changes=audit.removed(before),
    )
    person.delete()


def _tag_values(tag: Tag) -> dict[str, Any]:
    return audit.snapshot(tag, TAG_FIELDS)


@transaction.atomic
def tag_create(*, actor: User, data: Mapping[str, Any]) -> Tag:
    _authorize(actor)
    tag = Tag()
    assign(tag, data, TAG_FIELDS)
    if not tag.slug:
        tag.slug = tag_slug(tag.name)
    tag.full_clean()
    tag.save()
    audit.record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        instance=tag,
        changes=audit.diff({}, _tag_values(tag)),
    )
    return tag


@transaction.atomic
def tag_update(
    *, actor: User, tag: Tag, data: Mapping[str, Any], expected_version: int | None = None
) -> Tag:
    """Change the fields in `data`; EditConflict if edited since `expected_version` was read."""
    _authorize(actor)
    before = _tag_values(tag)
    loaded = versions.loaded(tag)
    assign(tag, data, TAG_FIELDS)
    tag.full_clean()
    versions.save_changes(
        tag, loaded, submitted=_submitted(data, TAG_FIELDS, None), expected_version=expected_version
    )
    changes = audit.diff(before, _tag_values(tag))
    if changes:
        audit.record(actor=actor, action=AuditEvent.Action.UPDATE, instance=tag, changes=changes)
        if "name" in changes:
            for organization in tag.organizations.prefetch_related("tags"):
                organization.derive_fields(t.name for t in organization.tags.all())
                organization.save(update_fields=["tag_names", "updated_at"])
            organizations_changed.send(sender=Organization)
    return tag


@transaction.atomic
def tag_delete(*, actor: User, tag: Tag) -> None:
    _authorize(actor)
    organizations = list(tag.organizations.all())
    audit.record(
        actor=actor,
        action=AuditEvent.Action.DELETE,
        instance=tag,
        changes=audit.removed(_tag_values(tag)),
    )
    tag.delete()
    for organization in organizations:
        organization.derive_fields(t.name for t in organization.tags.all())
        organization.save(update_fields=["tag_names", "updated_at"])
    if organizations:
        organizations_changed.send(sender=Organization)


def tags_get_or_create(*, actor: User, names: Iterable[str]) -> list[Tag]:
    """Tags by name, creating (and auditing) the missing ones."""
    _authorize(actor)
    wanted = {tag_slug(n.strip()): n.strip() for n in names if n and n.strip()}
    existing = {t.slug: t for t in Tag.objects.filter(slug__in=list(wanted))}
    result = []
    for slug, name in wanted.items():
        tag = existing.get(slug)
        if tag is None:
            tag = tag_create(actor=actor, data={"name": name, "slug": slug})
        result.append(tag)
    return result
