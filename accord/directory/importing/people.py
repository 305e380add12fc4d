"""Planning a people import: clean, resolve each person's organization, match, flag duplicates.

A row matches a stored person by its id in `source` when the import names one, otherwise by
e-mail address when exactly one stored person has it. The organization cell may hold an id,
`SOURCE:EXTERNAL_ID` or a name (which must name exactly one organization).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from accord.directory.importing.duplicates import Candidate, DuplicateIndex, PossibleDuplicate
from accord.directory.importing.errors import RowError
from accord.directory.importing.mapping import MappedRow
from accord.directory.importing.validation import clean_person
from accord.directory.importing.writing import Create, ModelSpec, Plan, Update
from accord.directory.models import ExternalId, Organization, Person
from accord.directory.normalize import normalize_name
from accord.directory.services import PERSON_FIELDS

_EXTERNAL_REF = re.compile(r"^([A-Za-z][\w.-]{0,39}):(?!//)(.+)$")


def prepare(person: Person, tags: list[str] | None) -> None:
    person.full_name = person.full_name.strip()


SPEC = ModelSpec(model=Person, fields=PERSON_FIELDS, owner="person", prepare=prepare)


class _Organizations:
    """Resolves the organization references of every row with three queries in all."""

    def __init__(self, refs: set[str]) -> None:
        ids = {int(r) for r in refs if r.isdigit()}
        self.ids = set(Organization.objects.filter(pk__in=ids).values_list("pk", flat=True))
        pairs = [m.groups() for r in refs if not r.isdigit() and (m := _EXTERNAL_REF.match(r))]
        self.external: dict[tuple[str, str], int] = {}
        if pairs:
            found = ExternalId.objects.filter(
                source__in={s for s, _ in pairs},
                value__in={v for _, v in pairs},
                organization__isnull=False,
            )
            for src, value, owner in found.values_list("source", "value", "organization_id"):
                self.external[(src, value)] = owner
        names = {normalize_name(r) for r in refs}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for pk, normalized in Organization.objects.filter(normalized_name__in=names).values_list(
            "pk", "normalized_name"
        ):
            self.by_name[normalized].append(pk)

    def resolve(self, ref: str) -> int:
        if ref.isdigit():
            if int(ref) in self.ids:
                return int(ref)
            raise ValueError(f"no organization has the id {ref}")
        match = _EXTERNAL_REF.match(ref)
        if match and (owner := self.external.get((match[1], match[2]))) is not None:
            return owner
        found = self.by_name.get(normalize_name(ref), [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(
                f"{len(found)} organizations are named {ref!r}: give its id or SOURCE:EXTERNAL_ID"
            )
        raise ValueError(f"no organization {ref!r} (give its name, id or SOURCE:EXTERNAL_ID)")


def plan_people(
    rows: list[MappedRow],
    *,
    source: str | None,
    errors: list[RowError],
    duplicates: list[PossibleDuplicate],
) -> Plan:
    refs = {row.values.get("organization", "") for row in rows} - {""}
    organizations = _Organizations(refs)
    by_email: dict[str, list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    index = DuplicateIndex()
    for pk, full_name, email in Person.objects.values_list("pk", "full_name", "email").iterator(
        chunk_size=5000
    ):
        names[pk] = full_name
        if email:
            by_email[email.lower()].append(pk)
        index.add(normalize_name(full_name), Candidate(full_name, existing_id=pk), email=email)
    external: dict[str, int] = {}
    if source:
        found = ExternalId.objects.filter(source=source, person__isnull=False)
        external = dict(found.values_list("value", "person_id"))
    extra_sources = {s for row in rows for s, _, _ in row.external_ids}
    taken = set(
        ExternalId.objects.filter(source__in=extra_sources, person__isnull=False).values_list(
            "source", "value"
        )
    )
    seen_ids: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    matched: dict[int, tuple[MappedRow, dict[str, Any], list[tuple[str, str]]]] = {}
    file_index = DuplicateIndex()
    plan = Plan()
    for row in rows:
        data, row_errors = clean_person(row)
        own_id = data.pop("id", "")
        if data.get("organization"):
            try:
                data["organization"] = organizations.resolve(data["organization"])
            except ValueError as error:
                row_errors.append(RowError(row.number, row.column("organization"), str(error)))
        elif "organization" in data:
            data["organization"] = None
        if own_id and source:
            if own_id in seen_ids:
                row_errors.append(
                    RowError(row.number, row.column("id"), f"the id {own_id!r} is also on row"
                             f" {seen_ids[own_id]}")
                )  # fmt: skip
            seen_ids.setdefault(own_id, row.number)
        email = data.get("email", "")
        if email:
            if email in seen_emails:
                row_errors.append(
                    RowError(row.number, row.column("email"), f"the e-mail address is also on"
                             f" row {seen_emails[email]}")
                )  # fmt: skip
            seen_emails.setdefault(email, row.number)
        if row_errors:
            errors.extend(row_errors)
            continue
        if "organization" in data:
            data["organization_id"] = data.pop("organization")
        if source and own_id:
            match = external.get(own_id)
        else:
            emails = by_email.get(email, []) if email else []
            match = emails[0] if len(emails) == 1 else None
        externals = [(source, own_id)] if source and own_id else []
        for pair in ((s, v) for s, v, _ in row.external_ids):
            if pair not in taken:
                taken.add(pair)
                externals.append(pair)
        name, normalized = data["full_name"], normalize_name(data["full_name"])
        if match is None:
            duplicates.extend(
                index.find(row.number, name, normalized, email=email)
                + file_index.find(row.number, name, normalized)
            )
            file_index.add(normalized, Candidate(name, other_row=row.number))
            plan.creates.append(Create(row.number, data, data.pop("tags", None), externals))
        else:
            matched[match] = (row, data, externals)
    _plan_updates(matched, plan)
    return plan


def _plan_updates(
    matched: dict[int, tuple[MappedRow, dict[str, Any], list[tuple[str, str]]]], plan: Plan
) -> None:
    ids = list(matched)
    through = Person.tags.through
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        tag_names: dict[int, list[str]] = defaultdict(list)
        for owner, name in through.objects.filter(person_id__in=chunk).values_list(
            "person_id", "tag__name"
        ):
            tag_names[owner].append(name)
        known = set(ExternalId.objects.filter(person_id__in=chunk).values_list("source", "value"))
        for person in Person.objects.filter(pk__in=chunk):
            row, data, externals = matched[person.pk]
            tags = data.pop("tags", None)
            old_tags = sorted(tag_names[person.pk])
            changed = {k: v for k, v in data.items() if getattr(person, k) != v}
            same_tags = tags is None or {t.lower() for t in tags} == {t.lower() for t in old_tags}
            added = [pair for pair in externals if pair not in known]
            if changed or not same_tags or added:
                plan.updates.append(
                    Update(row.number, person, changed, None if same_tags else tags, old_tags,
                           added)
                )  # fmt: skip
            else:
                plan.unchanged += 1
