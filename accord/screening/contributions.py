"""What screening adds to the pages of the apps below it: on an organization's page, a quick
way to put it into an open round."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import ORGANIZATION_PAGE, contributes_to
from accord.core.policy import visible_to
from accord.screening.models import Screening

ROUNDS_OFFERED = 5


@contributes_to(ORGANIZATION_PAGE)
def organization_page(actor: User, organization: Any) -> dict[str, Any]:
    if organization.is_self or not policy.can(actor, policy.SCREENING_MANAGE):
        return {}
    rounds = (
        visible_to(actor, Screening)
        .filter(status=Screening.Status.OPEN)
        .exclude(candidates__organization=organization)
        .only("title")
        .order_by("-created_at", "-pk")[:ROUNDS_OFFERED]
    )
    return {
        "actions": [
            (
                f"Screen in “{screening.title}”",
                reverse("screening:screening_candidates", args=[screening.pk]),
                {"organization": organization.pk},
            )
            for screening in rounds
        ]
    }
