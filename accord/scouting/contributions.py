"""What scouting adds to the strategy's pages: a gap's scans and what came of them."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accord.accounts.models import User
from accord.core.contributions import GAP_PAGE, contributes_to
from accord.core.policy import visible_to
from accord.scouting.models import Scan


@contributes_to(GAP_PAGE)
def gap_page(actor: User, gap: Any) -> dict[str, Any]:
    scans = (
        visible_to(actor, Scan)
        .filter(gap=gap)
        .annotate(
            shortlisted=Count("candidates", filter=Q(candidates__status="shortlisted")),
            promoted=Count("candidates", filter=Q(candidates__status="promoted")),
        )
    )
    return {"scans": scans}
