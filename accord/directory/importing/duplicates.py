"""Likely duplicates: the same normalized name, the same web domain, or a similar name.

Similar names are compared with rapidfuzz only inside a block of names sharing their most
distinctive word, and a block is searched only up to `BLOCK_LIMIT` names, so finding
duplicates for n rows against m existing ones stays O(n + m).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from rapidfuzz import fuzz, process

SIMILARITY = 90
BLOCK_LIMIT = 500
MATCHES_PER_ROW = 3
# Words too common to say two names are alike; the block key is the first word not in here.
_GENERIC = {
    "of", "and", "for", "de", "la", "le", "der", "die", "des", "du", "di", "del", "university",
    "universite", "universidad", "universitat", "universita", "college", "institute", "institut",
    "instituto", "national", "international", "research", "center", "centre", "hospital",
    "school", "foundation", "association", "society", "group", "holdings", "technologies",
    "technology", "labs", "lab", "ai", "systems", "solutions", "global", "american", "bank",
    "ministry", "department", "agency", "council", "first", "new", "health", "medical",
}  # fmt: skip
# Shared hosts say nothing about who owns a page.
_SHARED_DOMAINS = {
    "linkedin.com",
    "facebook.com",
    "github.com",
    "github.io",
    "medium.com",
    "sites.google.com",
    "google.com",
    "twitter.com",
    "x.com",
    "instagram.com",
}


def block_key(normalized_name: str) -> str:
    words = normalized_name.split()
    for word in words:
        if word not in _GENERIC and len(word) > 1:
            return word
    return words[0] if words else ""


@dataclass(frozen=True)
class Candidate:
    """Something a row may duplicate: a stored object (`existing_id`) or an earlier row."""

    name: str
    existing_id: int | None = None
    other_row: int | None = None


@dataclass(frozen=True)
class PossibleDuplicate:
    row: int
    name: str
    reason: str
    existing_id: int | None
    existing_name: str | None
    other_row: int | None

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class DuplicateIndex:
    """Names and domains seen so far, looked up without comparing against everything."""

    def __init__(self) -> None:
        self.by_name: dict[str, list[Candidate]] = defaultdict(list)
        self.by_domain: dict[str, list[Candidate]] = defaultdict(list)
        self.by_email: dict[str, list[Candidate]] = defaultdict(list)
        self.block_names: dict[str, list[str]] = defaultdict(list)
        self.block_items: dict[str, list[Candidate]] = defaultdict(list)

    def add(
        self, normalized_name: str, candidate: Candidate, *, domain: str = "", email: str = ""
    ) -> None:
        if normalized_name:
            self.by_name[normalized_name].append(candidate)
            key = block_key(normalized_name)
            if len(self.block_names[key]) < BLOCK_LIMIT:
                self.block_names[key].append(normalized_name)
                self.block_items[key].append(candidate)
        if domain and domain not in _SHARED_DOMAINS:
            self.by_domain[domain].append(candidate)
        if email:
            self.by_email[email].append(candidate)

    def find(
        self,
        row: int,
        name: str,
        normalized_name: str,
        *,
        domain: str = "",
        email: str = "",
        skip_id: int | None = None,
    ) -> list[PossibleDuplicate]:
        found: list[tuple[Candidate, str]] = []
        found += [(c, "same e-mail address") for c in self.by_email.get(email, ())] if email else []
        found += [(c, "same normalized name") for c in self.by_name.get(normalized_name, ())]
        if domain:
            found += [(c, "same web domain") for c in self.by_domain.get(domain, ())]
        if normalized_name and not self.by_name.get(normalized_name):
            key = block_key(normalized_name)
            names = self.block_names.get(key)
            if names:
                best = process.extractOne(
                    normalized_name, names, scorer=fuzz.ratio, score_cutoff=SIMILARITY
                )
                if best is not None:
                    reason = f"similar name ({best[1]:.0f}% alike)"
                    found.append((self.block_items[key][best[2]], reason))
        result: list[PossibleDuplicate] = []
        seen: set[Candidate] = set()
        for candidate, reason in found:
            if candidate in seen or (skip_id is not None and candidate.existing_id == skip_id):
                continue
            seen.add(candidate)
            result.append(
                PossibleDuplicate(
                    row=row,
                    name=name,
                    reason=reason,
                    existing_id=candidate.existing_id,
                    existing_name=candidate.name if candidate.existing_id is not None else None,
                    other_row=candidate.other_row,
                )
            )
            if len(result) == MATCHES_PER_ROW:
                break
        return result
