"""Field values to model values: every check an imported cell goes through.

Each `clean_*` returns the converted values of the fields the row maps, and the problems
found, each naming the row and the source column. Text is stored as text: formula-like or
HTML-like content is not rewritten here (exports escape formulas, templates escape HTML).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models

from accord.directory.importing.errors import RowError
from accord.directory.importing.mapping import MappedRow
from accord.directory.models import Organization, Person
from accord.directory.normalize import country_code, normalize_website, size_band

_web_address = URLValidator(schemes=["http", "https"])
# The same pattern compiled now: behind Django's lazy proxy each of a large import's
# addresses paid more for reaching the pattern than for matching it.
_lazy_pattern = cast(re.Pattern[str], _web_address.regex)
_web_address.regex = re.compile(_lazy_pattern.pattern, _lazy_pattern.flags)
_email = EmailValidator()
_TAG_SPLIT = re.compile(r"[|;,]")
_TRUE = {"1", "true", "yes", "y", "x", "internal", "ja", "oui", "wahr"}
_FALSE = {"", "0", "false", "no", "n", "external", "nein", "non", "falsch"}
_SIZE_RANGE = re.compile(r"^\s*([0-9][0-9,]*)\s*(?:[-\u2013]\s*([0-9][0-9,]*)|\+)?\s*$")


# A preset's reading of a cell and the row's check ask the same of every address; the import
# empties the cache when it ends.
@cache
def is_web_address(website: str) -> bool:
    try:
        _web_address(website)
    except ValidationError:
        return False
    return True


class RowChecker:
    """Collects one row's converted values and problems."""

    def __init__(self, row: MappedRow) -> None:
        self.row = row
        self.data: dict[str, Any] = {}
        self.errors: list[RowError] = []

    def error(self, target: str, message: str) -> None:
        self.errors.append(RowError(self.row.number, self.row.column(target), message))

    def text(self, target: str, max_length: int, *, required: bool = False) -> None:
        if target not in self.row.values:
            return
        value = self.row.values[target]
        if required and not value:
            self.error(target, f"{target.replace('_', ' ')} is required")
        elif len(value) > max_length:
            self.error(target, f"too long: {len(value)} characters, at most {max_length}")
        else:
            self.data[target] = value

    def convert(self, target: str, converter: Callable[[str], Any]) -> None:
        if target not in self.row.values:
            return
        try:
            self.data[target] = converter(self.row.values[target])
        except ValueError as error:
            self.error(target, str(error))


def _choice(choices: type[models.Choices], what: str) -> Callable[[str], str]:
    lookup: dict[str, str] = {}
    for value, label in choices.choices:
        lookup[value.lower()] = value
        lookup[str(label).lower()] = value
        lookup[str(label).lower().replace("-", "")] = value

    def convert(text: str) -> str:
        if not text:
            return ""
        found = lookup.get(text.strip().lower())
        if found is None:
            valid = ", ".join(str(label) for _, label in choices.choices)
            raise ValueError(f"“{text.strip()}” is not a {what} ({valid})")
        return found

    return convert


_kind = _choice(Organization.Kind, "kind")
_stage = _choice(Organization.Stage, "stage")
_relation = _choice(Person.Relation, "relation")


# Codes in common use that ISO has not assigned (Kosovo's is used by the EU and ROR).
_USER_ASSIGNED = {"xk": "XK", "kosovo": "XK"}


def _country(text: str) -> str:
    code = _USER_ASSIGNED.get(text.strip().lower()) or country_code(text)
    if code is None:
        raise ValueError(f"unknown country {text!r}: give an ISO 3166 code or an English name")
    return code


def _year(text: str) -> int | None:
    if not text:
        return None
    try:
        year = int(float(text)) if re.fullmatch(r"\d{4}(\.0+)?", text) else int(text)
    except ValueError:
        raise ValueError(f"not a year: {text!r}") from None
    if not 1000 <= year <= 2100:
        raise ValueError(f"the year {year} is out of range (1000-2100)")
    return year


def _size_band(text: str) -> str:
    if not text:
        return ""
    if text in Organization.SizeBand.values:
        return text
    match = _SIZE_RANGE.match(text)
    if match is None:
        valid = ", ".join(Organization.SizeBand.values)
        raise ValueError(f"not a size band or a number of employees: {text!r}; valid: {valid}")
    return size_band(int((match.group(2) or match.group(1)).replace(",", "")))


def _website(text: str) -> str:
    if not text:
        return ""
    website = normalize_website(text)
    if len(website) > 300:
        raise ValueError(f"too long: {len(website)} characters, at most 300")
    if not is_web_address(website):
        raise ValueError(f"not a web address: {text!r}")
    return website


def _email_address(text: str) -> str:
    if not text:
        return ""
    if len(text) > 254:
        raise ValueError("too long for an e-mail address")
    try:
        _email(text)
    except ValidationError:
        raise ValueError(f"not an e-mail address: {text!r}") from None
    return text.lower()


def _boolean(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError(f"not yes or no: {text!r}")


def _tags(checker: RowChecker) -> None:
    if "tags" not in checker.row.values:
        return
    names = {t.strip(): None for t in _TAG_SPLIT.split(checker.row.values["tags"]) if t.strip()}
    too_long = [n for n in names if len(n) > 80]
    if too_long:
        checker.error("tags", f"tag {too_long[0][:40]!r}… is longer than 80 characters")
    else:
        checker.data["tags"] = list(names)


def clean_organization(row: MappedRow) -> tuple[dict[str, Any], list[RowError]]:
    check = RowChecker(row)
    if "name" not in row.values:
        check.error("name", "name is required (no column maps to it)")
    check.text("id", 200)
    check.text("name", 200, required=True)
    check.convert("kind", lambda t: _kind(t) or Organization.Kind.STARTUP)
    check.convert("country", _country)
    check.text("city", 120)
    check.convert("website", _website)
    check.convert("founded_year", _year)
    check.convert("size_band", _size_band)
    check.convert("stage", _stage)
    check.text("one_liner", 300)
    check.text("description", 100_000)
    _tags(check)
    return check.data, check.errors


def clean_person(row: MappedRow) -> tuple[dict[str, Any], list[RowError]]:
    values = row.values
    if not values.get("full_name") and ("first_name" in values or "last_name" in values):
        full = " ".join(v for v in (values.get("first_name"), values.get("last_name")) if v)
        row.put("full_name", full, row.column("first_name"))
    check = RowChecker(row)
    if "full_name" not in row.values:
        check.error("full_name", "a name is required (map full_name, or first_name and last_name)")
    check.text("id", 200)
    check.text("full_name", 200, required=True)
    check.text("title", 200)
    check.convert("email", _email_address)
    check.text("phone", 50)
    check.convert("relation", lambda t: _relation(t) or Person.Relation.CONTACT)
    check.convert("is_internal", _boolean)
    check.convert("linkedin_url", _website)
    check.convert("country", _country)
    check.text("city", 120)
    check.text("notes", 100_000)
    check.text("organization", 300)
    _tags(check)
    return check.data, check.errors
