"""Columns to fields: the fields each kind of import knows, and how a file's columns map to them.

A column maps to a field by (in order) an explicit `--map` / mapping file entry, or by its
header matching the field's name or a common alias (case, spaces and dashes ignored).
Columns that map to nothing are ignored and listed in the preview.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from accord.directory.importing.errors import ImportUsageError

ORGANIZATIONS, PEOPLE = "organizations", "people"
KINDS = (ORGANIZATIONS, PEOPLE)
IGNORE = "-"  # map a column to "-" to leave it out
EXTERNAL_ID_PREFIX = "external_id:"  # `external_id:cik` stores the column as ExternalId(cik)

FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    ORGANIZATIONS: {
        "id": ("external_id", "source_id"),
        "name": ("organization", "organisation", "company", "company_name", "organization_name"),
        "kind": ("type", "organization_type"),
        "country": ("country_code", "country_name"),
        "city": ("town", "location", "headquarters"),
        "website": ("url", "homepage", "web", "site", "web_site"),
        "founded_year": ("founded", "year_founded", "established", "founding_year"),
        "size_band": ("size", "employees", "team_size", "headcount", "company_size"),
        "stage": ("status",),
        "one_liner": ("short_description", "tagline", "summary"),
        "description": ("long_description", "about"),
        "tags": ("tag", "categories", "category", "industries", "keywords"),
    },
    PEOPLE: {
        "id": ("external_id", "source_id"),
        "full_name": ("name", "person", "contact", "contact_name"),
        "first_name": ("given_name", "firstname"),
        "last_name": ("family_name", "surname", "lastname"),
        "email": ("e_mail", "email_address", "mail"),
        "title": ("job_title", "position", "role"),
        "organization": ("company", "organisation", "employer", "organization_id"),
        "phone": ("telephone", "phone_number", "mobile"),
        "relation": ("relationship",),
        "is_internal": ("internal",),
        "linkedin_url": ("linkedin",),
        "country": ("country_code",),
        "city": ("town", "location"),
        "notes": ("note", "comments"),
        "tags": ("tag",),
    },
}


def _key(header: str) -> str:
    return re.sub(r"[\s\-]+", "_", header.strip().lower())


def valid_fields(kind: str) -> list[str]:
    return [*FIELDS[kind], f"{EXTERNAL_ID_PREFIX}SOURCE", IGNORE]


def check_field(kind: str, target: str) -> str:
    target = target.strip()
    if target in FIELDS[kind] or target == IGNORE:
        return target
    if target.startswith(EXTERNAL_ID_PREFIX) and target[len(EXTERNAL_ID_PREFIX) :].strip():
        return target
    raise ImportUsageError(
        f"unknown field {target!r} for {kind}; valid fields: {', '.join(valid_fields(kind))}"
    )


@dataclass
class ColumnMapping:
    """Which column feeds which field (`columns`: header → field)."""

    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def column_for(self, target: str) -> str | None:
        for header, name in self.columns.items():
            if name == target:
                return header
        return None


def resolve(kind: str, headers: list[str], explicit: dict[str, str]) -> ColumnMapping:
    """The mapping for a file with `headers`: explicit entries first, then names and aliases."""
    by_key: dict[str, str] = {}
    for name, aliases in FIELDS[kind].items():
        for alias in (name, *aliases):
            by_key.setdefault(_key(alias), name)
    explicit_by_key = {_key(k): v for k, v in explicit.items()}
    mapping = ColumnMapping()
    taken = {v for v in explicit.values() if v != IGNORE}
    for header in headers:
        target = explicit_by_key.get(_key(header))
        if target is None:
            guess = by_key.get(_key(header))
            target = guess if guess and guess not in taken else None
            if target:
                taken.add(target)
        if target and target != IGNORE:
            mapping.columns[header] = target
        else:
            mapping.ignored.append(header)
    return mapping


def parse_map_options(kind: str, entries: list[str]) -> dict[str, str]:
    """`["Company=name", "Ticker=external_id:ticker"]` → `{"Company": "name", ...}`."""
    result = {}
    for entry in entries:
        source, sep, target = entry.rpartition("=")
        if not sep or not source.strip():
            raise ImportUsageError(f"--map {entry!r} is not SOURCE_COLUMN=FIELD")
        result[source.strip()] = check_field(kind, target)
    return result


def load_mapping_file(kind: str, path: Path) -> dict[str, str]:
    """A saved mapping: `{"columns": {"Company": "name", "HQ": "city", "Ticker": "-"}}`.

    A flat object `{"Company": "name", ...}` is read the same way.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ImportUsageError(f"cannot read the mapping file {path}: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ImportUsageError(f"the mapping file {path} is not valid JSON: {error}") from None
    columns = data.get("columns", data) if isinstance(data, dict) else None
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise ImportUsageError(
            f'the mapping file {path} must hold {{"columns": {{"SOURCE COLUMN": "field"}}}}'
        )
    return {k: check_field(kind, v) for k, v in columns.items()}


@dataclass
class MappedRow:
    """One row's values by field, with the source column each came from (for error messages)."""

    number: int
    values: dict[str, str] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)
    external_ids: list[tuple[str, str, str]] = field(default_factory=list)  # source, value, col
    raw: dict[str, str] = field(default_factory=dict)

    def put(self, target: str, value: str, column: str) -> None:
        self.values[target] = value
        self.columns[target] = column

    def column(self, target: str) -> str:
        return self.columns.get(target, target)


def map_row(number: int, raw: dict[str, str], mapping: ColumnMapping) -> MappedRow:
    row = MappedRow(number, raw=raw)
    for header, target in mapping.columns.items():
        value = (raw.get(header) or "").strip()
        if target.startswith(EXTERNAL_ID_PREFIX):
            if value:
                row.external_ids.append((target[len(EXTERNAL_ID_PREFIX) :], value, header))
        else:
            row.put(target, value, header)
    return row
