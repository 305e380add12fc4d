"""Planning an organization import: clean each row, match it to what is stored, flag duplicates.

A row matches a stored organization by its id in `source` (ExternalId) when the import names
a source; otherwise by the natural key, normalized name + web domain, when exactly one stored
organization has it. Everything needed is loaded once into dictionaries.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from accord.directory.importing.duplicates import Candidate, DuplicateIndex, PossibleDuplicate
from accord.directory.importing.errors import RowError
from accord.directory.importing.mapping import MappedRow
from accord.directory.importing.validation import clean_organization
from accord.directory.importing.writing import Create, ModelSpec, Plan, Update
from accord.directory.models import ExternalId, Organization, joined_tag_names
from accord.directory.normalize import normalize_domain, normalize_name
from accord.directory.services import ORGANIZATION_FIELDS

FIELDS = tuple(f for f in ORGANIZATION_FIELDS if f != "is_self")


def prepare(organization: Organization, tags: list[str] | None) -> None:
    organization.derive_fields(tags or [])


SPEC = ModelSpec(model=Organization, fields=FIELDS, owner="organization", prepare=prepare)


class _Existing:
    """The stored organizations, loaded once: natural keys, external ids, names for duplicates."""

    def __init__(self, source: str | None, extra_sources: set[str]) -> None:
        self.by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.names: dict[int, str] = {}
        self.index = DuplicateIndex()
        rows = Organization.objects.values_list("id", "name", "normalized_name", "domain")
        for pk, name, normalized, domain in rows.iterator(chunk_size=5000):
            self.by_key[(normalized, domain)].append(pk)
            self.names[pk] = name
            self.index.add(normalized, Candidate(name, existing_id=pk), domain=domain)
        self.external: dict[tuple[str, str], int] = {}
        sources = extra_sources | ({source} if source else set())
        if sources:
            found = ExternalId.objects.filter(source__in=sources, organization__isnull=False)
            for src, value, owner in found.values_list("source", "value", "organization_id"):
                self.external[(src, value)] = owner


def plan_organizations(
    rows: list[MappedRow],
    *,
    source: str | None,
    errors: list[RowError],
    duplicates: list[PossibleDuplicate],
    on_progress: Callable[[int], None] | None = None,
) -> Plan:
    """The creates and updates `rows` ask for; problems are appended to `errors`."""
    extra_sources = {s for row in rows for s, _, _ in row.external_ids}
    existing = _Existing(source, extra_sources)
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple[str, str], int] = {}
    claimed: dict[tuple[str, str], int] = {}
    matched: dict[int, tuple[MappedRow, dict[str, Any], list[tuple[str, str]]]] = {}
    file_index = DuplicateIndex()
    plan = Plan()
    for count, row in enumerate(rows, start=1):
        data, row_errors = clean_organization(row)
        own_id = data.pop("id", "") if "id" in data else ""
        if source and not own_id and "id" in row.values:
            row_errors.append(RowError(row.number, row.column("id"), "the id is empty"))
        normalized = normalize_name(data.get("name", ""))
        domain = normalize_domain(data.get("website", ""))
        if own_id and source:
            if own_id in seen_ids:
                row_errors.append(
                    RowError(
                        row.number,
                        row.column("id"),
                        f"the id {own_id!r} is also on row {seen_ids[own_id]}",
                    )
                )
            seen_ids.setdefault(own_id, row.number)
        elif normalized and not row_errors:
            key = (normalized, domain)
            if key in seen_keys:
                row_errors.append(
                    RowError(
                        row.number,
                        row.column("name"),
                        f"the same name{' and website' if domain else ''}"
                        f" is also on row {seen_keys[key]}",
                    )
                )
            seen_keys.setdefault(key, row.number)
        if row_errors:
            errors.extend(row_errors)
            continue
        match = _match(existing, source, own_id, normalized, domain)
        externals = [(source, own_id)] if source and own_id else []
        for ext_source, value, column in row.external_ids:
            if len(value) > 200:
                errors.append(RowError(row.number, column, "the id is longer than 200 characters"))
                continue
            owner = existing.external.get((ext_source, value))
            other_row = claimed.get((ext_source, value))
            if owner is not None and owner != match:
                duplicates.append(
                    _duplicate(row, data, f"same {ext_source} id", owner, existing.names)
                )
            elif other_row is not None:
                duplicates.append(
                    PossibleDuplicate(
                        row.number, data["name"], f"same {ext_source} id", None, None, other_row
                    )
                )
            elif owner is None:
                claimed[(ext_source, value)] = row.number
                externals.append((ext_source, value))
        if match is None:
            duplicates.extend(
                existing.index.find(row.number, data["name"], normalized, domain=domain)
                + file_index.find(row.number, data["name"], normalized, domain=domain)
            )
            file_index.add(normalized, Candidate(data["name"], other_row=row.number), domain=domain)
            tags = data.pop("tags", None)
            own = {
                "normalized_name": normalized,
                "domain": domain,
                "tag_names": joined_tag_names(tags or []),
            }
            plan.creates.append(Create(row.number, data, tags, _unique(externals), own))
        else:
            matched[match] = (row, data, _unique(externals))
        if on_progress and count % 1000 == 0:
            on_progress(1000)
    _plan_updates(matched, plan)
    return plan


def _unique(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return list(dict.fromkeys(pairs))


def _duplicate(
    row: MappedRow, data: dict[str, Any], reason: str, owner: int, names: dict[int, str]
) -> PossibleDuplicate:
    return PossibleDuplicate(row.number, data["name"], reason, owner, names.get(owner), None)


def _match(
    existing: _Existing, source: str | None, own_id: str, normalized: str, domain: str
) -> int | None:
    if source and own_id:
        return existing.external.get((source, own_id))
    candidates = existing.by_key.get((normalized, domain), [])
    return candidates[0] if len(candidates) == 1 else None


def _plan_updates(
    matched: dict[int, tuple[MappedRow, dict[str, Any], list[tuple[str, str]]]], plan: Plan
) -> None:
    ids = list(matched)
    through = Organization.tags.through
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        tag_names: dict[int, list[str]] = defaultdict(list)
        for owner, name in through.objects.filter(organization_id__in=chunk).values_list(
            "organization_id", "tag__name"
        ):
            tag_names[owner].append(name)
        known = set(
            ExternalId.objects.filter(organization_id__in=chunk).values_list("source", "value")
        )
        for organization in Organization.objects.filter(pk__in=chunk):
            row, data, externals = matched[organization.pk]
            tags = data.pop("tags", None)
            old_tags = sorted(tag_names[organization.pk])
            changed = {k: v for k, v in data.items() if getattr(organization, k) != v}
            new_tags = tags if tags is not None and sorted(tags) != old_tags else None
            if new_tags is not None and {t.lower() for t in tags} == {t.lower() for t in old_tags}:
                new_tags = None
            added = [pair for pair in externals if pair not in known]
            if changed or new_tags is not None or added:
                plan.updates.append(
                    Update(row.number, organization, changed, new_tags, old_tags, added)
                )
            else:
                plan.unchanged += 1
