"""Metrics in the partner workspace: the joint KPIs of a partnership quarter by quarter against
their targets, and the health checks whose results were shared, with the perception gap.

Every row comes through the access policy as the partner user: KPIs our team did not mark
joint, costs, the ROI, rounds not shared, who was asked and our side's comments never reach
the page.
"""

from __future__ import annotations

from typing import Any

from accord.accounts.models import User
from accord.core.contributions import WORKSPACE_PAGE, contributes_to
from accord.metrics import selectors
from accord.metrics.charts import kpi_chart
from accord.metrics.selectors import RoundResult
from accord.partnerships.models import Partnership

ROUNDS_SHOWN = 4


def shared_health(actor: User, partnership: Partnership) -> list[RoundResult]:
    """The latest rounds of the partnership whose results were shared with the actor."""
    rounds = selectors.survey_rows(actor).filter(partnership=partnership)[:ROUNDS_SHOWN]
    return selectors.round_results(actor, list(rounds))


@contributes_to(WORKSPACE_PAGE)
def workspace_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    """The joint KPIs and the shared health checks on the workspace page."""
    lines = selectors.scorecard(actor, partnership)
    context = {"lines": lines, "chart": kpi_chart(lines),
               "health": shared_health(actor, partnership)}  # fmt: skip
    return {"workspace_sections": [("metrics/workspace_section.html", context)]}
