"""Built-in mappings for known sources: Y Combinator, ROR and the S&P 500 constituents.

A preset turns one raw row into field values, deriving what a plain column mapping cannot
(stage from YC status, kind from ROR types, the year out of "2013 (1888)"). It names the
source whose ids it stores, so re-importing the same file updates rather than duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from accord.directory.importing.mapping import ORGANIZATIONS, MappedRow
from accord.directory.importing.validation import is_web_address
from accord.directory.normalize import normalize_website

_FOOTNOTE = re.compile(r"\[\w+\]")


@dataclass(frozen=True)
class Preset:
    name: str
    kind: str
    source: str
    id_column: str
    required: tuple[str, ...]
    convert: Callable[[int, dict[str, str]], MappedRow]
    description: str


def _first_url(value: str) -> str:
    """A source's website cell, which may be a bare scheme or several addresses."""
    first = value.replace(",", " ").split()[0] if value.strip() else ""
    if not is_web_address(normalize_website(first)):
        return ""  # known sources hold a few placeholders such as `http://url`
    return first


def _tags(value: str) -> list[str]:
    return [t.strip() for t in value.split("|") if t.strip()]


# Y Combinator -----------------------------------------------------------------------------

_YC_STAGE = {"inactive": "closed", "acquired": "acquired", "public": "public"}


def _yc_stage(status: str, team_size: str) -> str:
    stage = _YC_STAGE.get(status.strip().lower())
    if stage or status.strip().lower() != "active":
        return stage or ""
    if not team_size.isdigit():
        return ""
    employees = int(team_size)
    return "seed" if employees <= 10 else "early" if employees <= 200 else "growth"


def _yc(number: int, raw: dict[str, str]) -> MappedRow:
    row = MappedRow(number, raw=raw)
    get = lambda column: (raw.get(column) or "").strip()  # noqa: E731
    row.put("id", get("company_id"), "company_id")
    row.put("name", get("company_name"), "company_name")
    row.put("kind", "startup", "company_id")
    row.put("one_liner", get("short_description"), "short_description")
    row.put("description", get("long_description"), "long_description")
    row.put("city", get("location"), "location")
    row.put("country", get("country"), "country")
    row.put("founded_year", get("year_founded"), "year_founded")
    team_size = get("team_size")
    row.put("size_band", team_size, "team_size")
    row.put("stage", _yc_stage(get("status"), team_size), "status")
    row.put("website", _first_url(get("website")), "website")
    tags = _tags(get("tags"))
    if get("batch"):
        tags.append(f"yc-{get('batch').lower()}")
    row.put("tags", "|".join(tags), "tags")
    for column, source in (("linkedin_url", "linkedin"), ("cb_url", "crunchbase")):
        if get(column) and len(get(column)) <= 200:
            row.external_ids.append((source, get(column), column))
    return row


# Research Organization Registry ------------------------------------------------------------

# The first type found in this order decides the kind; every type becomes a tag.
_ROR_KIND = (
    ("education", "university"),
    ("government", "government"),
    ("company", "corporate"),
    ("facility", "research"),
    ("healthcare", "research"),
    ("archive", "research"),
    ("nonprofit", "association"),
    ("funder", "investor"),
    ("other", "association"),
)


def _ror_kind(types: list[str]) -> str:
    for ror_type, kind in _ROR_KIND:
        if ror_type in types:
            return kind
    return "research"


def _ror_description(raw: dict[str, str]) -> str:
    parts = []
    names = _tags(raw.get("aliases", "")) + _tags(raw.get("acronyms", ""))
    if names:
        parts.append("Also known as: " + "; ".join(names) + ".")
    other = _tags(raw.get("labels_other_lang", ""))
    if other:
        parts.append("Other languages: " + "; ".join(other) + ".")
    if raw.get("subdivision"):
        parts.append(f"Region: {raw['subdivision']}.")
    if raw.get("wikipedia"):
        parts.append(f"Wikipedia: {raw['wikipedia']}")
    return " ".join(parts)


def _ror(number: int, raw: dict[str, str]) -> MappedRow:
    row = MappedRow(number, raw=raw)
    get = lambda column: (raw.get(column) or "").strip()  # noqa: E731
    row.put("id", get("ror_id").removeprefix("https://ror.org/"), "ror_id")
    row.put("name", get("name"), "name")
    types = _tags(get("types"))
    row.put("kind", _ror_kind(types), "types")
    row.put("tags", "|".join(types), "types")
    row.put("country", get("country_code"), "country_code")
    row.put("city", get("city"), "city")
    row.put("founded_year", get("established"), "established")
    domains = _tags(get("domains"))
    website = _first_url(get("website")) or (domains[0] if domains else "")
    row.put("website", website, "website" if get("website") else "domains")
    row.put("stage", "" if get("status") in ("", "active") else "closed", "status")
    row.put("description", _ror_description(raw), "aliases")
    for column in ("grid", "isni", "wikidata", "fundref"):
        if get(column):
            row.external_ids.append((column, get(column), column))
    return row


# S&P 500 ------------------------------------------------------------------------------------

_US_STATES = {
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
    "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
    "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey",
    "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon",
    "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
    "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
    "district of columbia", "d.c.", "puerto rico",
}  # fmt: skip
_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")


def founded_year_from(text: str) -> str:
    """The first year in text such as `2013 (1888)` or `1881/1894 (1980)`; else the text."""
    found = _YEAR.search(text)
    return found.group(1) if found else text.strip()


def _headquarters(location: str) -> tuple[str, str]:
    """("Saint Paul", "US") from "Saint Paul, Minnesota"; a country after the comma is kept."""
    city, _, region = _FOOTNOTE.sub("", location).rpartition(",")
    if not city:
        return location.strip(), "US"
    region = region.strip()
    return city.strip(), "US" if region.lower() in _US_STATES else region


def _sp500(number: int, raw: dict[str, str]) -> MappedRow:
    row = MappedRow(number, raw=raw)
    get = lambda column: (raw.get(column) or "").strip()  # noqa: E731
    row.put("id", get("Symbol"), "Symbol")
    row.put("name", get("Security"), "Security")
    row.put("kind", "corporate", "Security")
    row.put("stage", "public", "Security")
    city, country = _headquarters(get("Headquarters Location"))
    row.put("city", city, "Headquarters Location")
    row.put("country", country, "Headquarters Location")
    row.put("founded_year", founded_year_from(get("Founded")), "Founded")
    tags = [get("GICS Sector"), get("GICS Sub-Industry"), "S&P 500"]
    row.put("tags", "|".join(t for t in tags if t), "GICS Sector")
    sub_industry = get("GICS Sub-Industry")
    row.put("one_liner", sub_industry and f"{sub_industry} ({get('GICS Sector')})", "Security")
    founded = get("Founded")
    notes = [f"In the S&P 500 since {get('Date added')}." if get("Date added") else ""]
    if founded and founded != founded_year_from(founded):
        notes.append(f"Founded: {founded}.")
    row.put("description", " ".join(n for n in notes if n), "Date added")
    if get("CIK"):
        row.external_ids.append(("cik", get("CIK").lstrip("0") or "0", "CIK"))
    if get("Symbol"):
        row.external_ids.append(("ticker", get("Symbol"), "Symbol"))
    return row


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "yc",
            ORGANIZATIONS,
            "yc",
            "company_id",
            ("company_id", "company_name"),
            _yc,
            "Y Combinator directory export (yc-scraper CSV)",
        ),
        Preset(
            "ror",
            ORGANIZATIONS,
            "ror",
            "ror_id",
            ("ror_id", "name"),
            _ror,
            "Research Organization Registry records (flattened v2 CSV)",
        ),
        Preset(
            "sp500",
            ORGANIZATIONS,
            "sp500",
            "Symbol",
            ("Symbol", "Security"),
            _sp500,
            "S&P 500 constituents (datasets/s-and-p-500-companies CSV)",
        ),
    )
}
