"""What relationships add to other pages: an organization's strongest introduction paths (or
who there is best connected) and how well we know it; a person's paths, connections and latest
interactions; a partnership's interactions on its timeline, a tab to them and how well we know
its partners."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import (
    ORGANIZATION_PAGE,
    ORGANIZATIONS_LISTED,
    PARTNERSHIP_PAGE,
    PARTNERSHIP_TIMELINE,
    PERSON_PAGE,
    contributes_to,
)
from accord.directory.models import Organization, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import TimelineEntry
from accord.relationships.paths import best_introductions, introductions
from accord.relationships.selectors import (
    connections_of,
    interaction_rows,
    organization_standing,
    partnership_standing,
)
from accord.relationships.services import is_ours


@contributes_to(ORGANIZATION_PAGE)
def organization_page(actor: User, organization: Organization) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW):
        return {}
    found = introductions(organization=organization)
    return {
        "introductions": found,
        "standing": organization_standing(actor, organization, found.targets),
    }


@contributes_to(PERSON_PAGE)
def person_page(actor: User, person: Person) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW):
        return {}
    met = (
        interaction_rows(actor)
        .filter(attendees__person=person)
        .prefetch_related("attendees__person")
        .order_by("-occurred_at")
    )
    return {
        "introductions": None if is_ours(person) else introductions(person=person),
        "connections": connections_of(actor, person),
        "interactions": list(met[:5]),
    }


@contributes_to(PARTNERSHIP_TIMELINE)
def partnership_timeline(actor: User, partnership: Partnership) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW):
        return {}
    rows = (
        interaction_rows(actor)
        .filter(partnership=partnership)
        .prefetch_related("attendees__person")
    )
    return {
        "timeline": [
            TimelineEntry(i.occurred_at, "interaction", i, "relationships/_interaction_row.html")
            for i in rows[:500]
        ]
    }


@contributes_to(PARTNERSHIP_PAGE)
def partnership_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW):
        return {}
    url = reverse("relationships:interaction_list") + f"?partnership={partnership.pk}"
    return {"tabs": [("Interactions", url, 0)],
            "standing": partnership_standing(actor, partnership)}  # fmt: skip


@contributes_to(ORGANIZATIONS_LISTED)
def organizations_listed(actor: User, organization_ids: list[int]) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW) or not organization_ids:
        return {}
    return {"introductions": best_introductions(organization_ids)}
