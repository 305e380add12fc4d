"""Metrics in the partner workspace API, under `/workspace/`: a partnership's joint KPIs
quarter by quarter against their targets, and its health checks whose results were shared.
Costs, the ROI, who was asked and our side's comments are never included. A partnership
outside the caller's workspace answers 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from accord.core.api_access import api_access
from accord.core.http import ApiRequest
from accord.core.policy import WORKSPACE_VIEW
from accord.metrics import selectors
from accord.metrics.workspace_views import shared_health
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

router = Router(tags=["workspace"])


class WorkspaceQuarterOut(Schema):
    quarter: str = Field(..., description="e.g. 2026Q4")
    actual: Decimal | None = Field(..., description="The quarter's value by the KPI's aggregation")
    target: Decimal | None
    met: bool | None


class WorkspaceKpiOut(Schema):
    kpi: int
    name: str
    unit: str = Field(..., description="Money is given in the base currency")
    direction: str = Field(..., description="higher or lower is better")
    quarters: list[WorkspaceQuarterOut]


class WorkspaceQuestionOut(Schema):
    question: str
    text: str
    our_side: Decimal | None = Field(..., description="Our people's average score, 1 to 5")
    your_side: Decimal | None = Field(..., description="Your side's average score, 1 to 5")
    gap: Decimal | None = Field(..., description="our_side minus your_side")
    your_comments: list[str]


class WorkspaceHealthOut(Schema):
    round: int
    title: str
    created_at: dt.datetime
    closes_at: dt.datetime
    our_side: Decimal | None
    your_side: Decimal | None
    gap: Decimal | None = Field(..., description="our_side minus your_side, overall")
    questions: list[WorkspaceQuestionOut]


def _partnership(request: ApiRequest, partnership_id: int) -> Partnership:
    return get_object_or_404(
        partnership_selectors.workspace_partnerships(request.auth), pk=partnership_id
    )


@router.get("/workspace/partnerships/{partnership_id}/kpis", response=list[WorkspaceKpiOut])
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_kpi_list(request: ApiRequest, partnership_id: int):
    """The joint KPIs of the partnership over the last eight quarters: each quarter's actual
    against its target."""
    partnership = _partnership(request, partnership_id)
    return [
        {"kpi": line.kpi.pk, "name": line.kpi.name, "unit": line.unit,
         "direction": line.kpi.direction,
         "quarters": [{"quarter": c.label, "actual": c.actual, "target": c.target, "met": c.met}
                      for c in line.cells]}
        for line in selectors.scorecard(request.auth, partnership)
    ]  # fmt: skip


@router.get("/workspace/partnerships/{partnership_id}/health", response=list[WorkspaceHealthOut])
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_health_list(request: ApiRequest, partnership_id: int):
    """The latest health checks of the partnership whose results were shared, newest first:
    each side's average per question, the gap and your side's comments."""
    partnership = _partnership(request, partnership_id)
    return [
        {"round": r.survey.pk, "title": r.survey.title, "created_at": r.survey.created_at,
         "closes_at": r.survey.closes_at, "our_side": r.ours, "your_side": r.theirs,
         "gap": r.gap,
         "questions": [{"question": q.question.value, "text": q.question.label,
                        "our_side": q.ours, "your_side": q.theirs, "gap": q.gap,
                        "your_comments": [text for side, text in q.comments if side == "partner"]}
                       for q in r.questions]}
        for r in shared_health(request.auth, partnership)
    ]  # fmt: skip
