"""What the network adds to an organization's page: the strongest introduction paths to its
people, or who there is best connected when there is none."""

from __future__ import annotations

from typing import Any

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import ORGANIZATION_PAGE, contributes_to
from accord.directory.models import Organization
from accord.network.paths import introductions


@contributes_to(ORGANIZATION_PAGE)
def organization_page(actor: User, organization: Organization) -> dict[str, Any]:
    if not policy.can(actor, policy.NETWORK_VIEW):
        return {}
    return {"introductions": introductions(organization=organization)}
