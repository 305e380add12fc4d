"""Normalization of names, web domains, countries and sizes, shared by forms, API and import."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import pycountry

_LEGAL_SUFFIXES = {
    "inc",
    "incorporated",
    "llc",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "gmbh",
    "ag",
    "sa",
    "sas",
    "sarl",
    "bv",
    "nv",
    "plc",
    "pty",
    "oy",
    "ab",
    "as",
    "spa",
    "srl",
    "kk",
    "kg",
    "se",
    "lp",
    "llp",
    "the",
}
_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalize_name(name: str) -> str:
    """Lowercase ASCII words without punctuation or legal-form suffixes: `ACME, Inc.` → `acme`."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = _NON_WORD.sub(" ", ascii_name.lower()).split()
    kept = [w for w in words if w not in _LEGAL_SUFFIXES]
    return " ".join(kept or words)[:200]


def normalize_domain(website: str) -> str:
    """The host of a website without `www.`: `https://www.Acme.com/about` → `acme.com`."""
    website = website.strip()
    if not website:
        return ""
    if "//" not in website:
        website = "//" + website
    host = (urlsplit(website).hostname or "").lower()
    return host.removeprefix("www.")[:200]


def normalize_website(website: str) -> str:
    website = website.strip()
    if website and "://" not in website:
        website = "https://" + website
    return website


_COUNTRY_ALIASES = {
    "uk": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "great britain": "GB",
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "russia": "RU",
    "iran": "IR",
    "vietnam": "VN",
    "taiwan": "TW",
    "czech republic": "CZ",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "syria": "SY",
    "laos": "LA",
    "moldova": "MD",
    "the netherlands": "NL",
    "holland": "NL",
    "ivory coast": "CI",
    "turkey": "TR",
    "uae": "AE",
    "hong kong": "HK",
}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code (alpha-2 or alpha-3) or a country name.

    Returns "" for an empty value and None when the value names no country.
    """
    value = value.strip()
    if not value:
        return ""
    alias = _COUNTRY_ALIASES.get(value.lower())
    if alias:
        return alias
    if len(value) in (2, 3) and value.isalpha():
        if len(value) == 2:
            found = pycountry.countries.get(alpha_2=value)
        else:
            found = pycountry.countries.get(alpha_3=value)
        if found:
            return found.alpha_2
    try:
        return pycountry.countries.lookup(value).alpha_2
    except LookupError:
        return None


def country_name(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code) if code else None
    if not found:
        return code
    return str(getattr(found, "common_name", None) or getattr(found, "name", code))


def size_band(employees: int) -> str:
    for upper, band in ((10, "1-10"), (50, "11-50"), (200, "51-200"), (1000, "201-1000")):
        if employees <= upper:
            return band
    return "1001-5000" if employees <= 5000 else "5001+"


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    return sorted(
        ((c.alpha_2, country_name(c.alpha_2)) for c in pycountry.countries),
        key=lambda pair: pair[1],
    )
