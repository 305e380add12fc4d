"""The organization filter: its fields, their names, their checks and what they select.

The directory list, its API and exports, quick scouting searches, saved scans and the CLI all
read it. The names are those the API documents as query parameters (`kind`, `country`, ...).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import QueryDict

from accord.directory.models import Organization

FIELDS = ("kind", "country", "stage", "size_band", "tag", "founded_from", "founded_to")
LIST_FIELDS = ("kind", "country", "stage", "size_band", "tag")
CHOICES: dict[str, list[str]] = {
    "kind": Organization.Kind.values,
    "stage": Organization.Stage.values,
    "size_band": Organization.SizeBand.values,
}
FOUNDED_YEARS = (1000, 2100)
# Saved scans, and scouting links bookmarked before the names were unified, use these.
FORMER_NAMES = {"kinds": "kind", "countries": "country", "stages": "stage", "tags": "tag"}


@overload
def with_current_names(data: QueryDict) -> QueryDict: ...
@overload
def with_current_names(data: Mapping[str, Any]) -> Mapping[str, Any]: ...
def with_current_names(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """`data` (a dict, or a QueryDict such as a page's GET) with former filter names read as the
    current ones; a current name given alongside its former one wins."""
    renamed = data.copy()  # type: ignore[attr-defined]
    for former, current in FORMER_NAMES.items():
        if former not in renamed:
            continue
        if current in renamed:
            del renamed[former]
        elif hasattr(renamed, "setlist"):
            renamed.setlist(current, renamed.getlist(former))
            del renamed[former]
        else:
            renamed[current] = renamed.pop(former)
    return renamed


@dataclass(frozen=True)
class OrganizationCriteria:
    kind: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    size_band: list[str] = field(default_factory=list)
    # Slugs, all of which an organization must carry. Unknown slugs match nothing rather than
    # failing, so that a saved scan still loads after one of its tags is deleted.
    tag: list[str] = field(default_factory=list)
    founded_from: int | None = None
    founded_to: int | None = None

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> OrganizationCriteria:
        """Checked criteria; a ValidationError names each bad field."""
        data = _lists(with_current_names(data or {}))
        errors: dict[str, list[str]] = {}
        chosen: dict[str, list[str]] = {}
        for name, allowed in CHOICES.items():
            chosen[name] = _strings(data.get(name))
            bad = [v for v in chosen[name] if v not in allowed]
            if bad:
                label = name.replace("_", " ")
                errors[name] = [
                    f"Unknown {label} {', '.join(map(repr, bad))}; one of {', '.join(allowed)}."
                ]
        countries = [c.upper() for c in _strings(data.get("country"))]
        bad = [c for c in countries if len(c) != 2 or not c.isalpha()]
        if bad:
            errors["country"] = [f"{', '.join(map(repr, bad))}: give two-letter ISO codes."]
        years: dict[str, int | None] = {}
        low, high = FOUNDED_YEARS
        for name in ("founded_from", "founded_to"):
            value = data.get(name)
            if value in (None, ""):
                years[name] = None
                continue
            try:
                years[name] = int(str(value).strip())
            except (TypeError, ValueError):
                errors[name] = [f"{value!r} is not a year."]
                continue
            if not low <= years[name] <= high:  # type: ignore[operator]
                errors[name] = [f"{value} is not a plausible founding year ({low}-{high})."]
        if errors:
            raise ValidationError(errors)
        return cls(
            kind=chosen["kind"],
            country=countries,
            stage=chosen["stage"],
            size_band=chosen["size_band"],
            tag=[t.lower() for t in _strings(data.get("tag"))],
            founded_from=years["founded_from"],
            founded_to=years["founded_to"],
        )

    def as_data(self) -> dict[str, Any]:
        """The criteria given, by their current names: what a saved scan stores."""
        return {k: v for k, v in asdict(self).items() if v not in (None, [])}

    def __bool__(self) -> bool:
        return bool(self.as_data())

    def apply(self, organizations: QuerySet) -> QuerySet:
        # Columns of the organization itself need no join, so no DISTINCT (which made counting
        # 100,000 rows cost ~70 ms in SQLite); each tag is one join.
        if self.kind:
            organizations = organizations.filter(kind__in=self.kind)
        if self.country:
            organizations = organizations.filter(country__in=self.country)
        if self.stage:
            organizations = organizations.filter(stage__in=self.stage)
        if self.size_band:
            organizations = organizations.filter(size_band__in=self.size_band)
        if self.founded_from is not None:
            organizations = organizations.filter(founded_year__gte=self.founded_from)
        if self.founded_to is not None:
            organizations = organizations.filter(founded_year__lte=self.founded_to)
        for tag in self.tag:
            organizations = organizations.filter(tags__slug=tag)
        return organizations


def _lists(data: Mapping[str, Any]) -> Mapping[str, Any]:
    if not hasattr(data, "getlist"):
        return data
    return {k: data.getlist(k) if k in LIST_FIELDS else data.get(k) for k in data}


def _strings(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [str(v).strip() for v in value if str(v).strip()]
