"""What relationships add to other pages: an organization's strongest introduction paths (or
who there is best connected), a partnership's interactions on its timeline and a tab to them."""

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
    contributes_to,
)
from accord.directory.models import Organization
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import TimelineEntry
from accord.relationships.paths import best_introductions, introductions
from accord.relationships.selectors import interaction_rows


@contributes_to(ORGANIZATION_PAGE)
def organization_page(actor: User, organization: Organization) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW):
        return {}
    return {"introductions": introductions(organization=organization)}


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
    return {"tabs": [("Interactions", url, 0)]}


@contributes_to(ORGANIZATIONS_LISTED)
def organizations_listed(actor: User, organization_ids: list[int]) -> dict[str, Any]:
    if not policy.can(actor, policy.RELATIONSHIPS_VIEW) or not organization_ids:
        return {}
    return {"introductions": best_introductions(organization_ids)}
