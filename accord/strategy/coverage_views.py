"""The coverage page: a heat map of capability gaps against pipeline stages.

Each cell counts the partnerships at a stage that cover the gap; its colour grows with
count x importance, so an important gap with little behind it reads as a pale row. Uncovered
and thin gaps come first within their priority. Three queries for the whole matrix (see
`gap_coverage`), whatever the number of gaps and partnerships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from accord.core import policy
from accord.core.policy import access
from accord.partnerships.models import PIPELINE, Stage
from accord.strategy.coverage import GapCoverage, gap_coverage
from accord.strategy.models import CapabilityGap

STATUS_ORDER = {"uncovered": 0, "thin": 1, "covered": 2}
HEAT_RGB = "25, 135, 84"  # Bootstrap's success green: more weight behind a gap, deeper green


@dataclass
class Cell:
    stage: str
    count: int
    url: str
    style: str


@dataclass
class Row:
    coverage: GapCoverage
    cells: list[Cell]

    @property
    def gap(self) -> CapabilityGap:
        return self.coverage.gap

    @property
    def percent(self) -> int:
        return round(self.coverage.coverage * 100)


def _heat_style(value: int, highest: int) -> str:
    if value <= 0 or highest <= 0:
        return ""
    alpha = 0.12 + 0.88 * value / highest
    text = "#fff" if alpha > 0.55 else "inherit"
    return f"background-color: rgba({HEAT_RGB}, {alpha:.2f}); color: {text};"


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def coverage_matrix(
    actor: Any, *, priority_id: int | None = None, kind: str | None = None
) -> dict[str, Any]:
    """The heat map's rows grouped by priority, the filter choices and the status counts."""
    everything = gap_coverage(actor)
    priorities = {c.gap.priority_id: c.gap.priority for c in everything}
    shown = [
        c
        for c in everything
        if (priority_id is None or c.gap.priority_id == priority_id)
        and (not kind or c.gap.kind == kind)
    ]
    highest = max(
        (count * c.gap.importance for c in shown for count in c.by_stage.values()), default=0
    )
    list_url = reverse("partnerships:partnership_list")
    groups: dict[int, list[Row]] = {}
    for c in shown:
        cells = []
        for stage in PIPELINE:
            count = c.by_stage.get(stage, 0)
            url = f"{list_url}?{urlencode({'gap': c.gap.pk, 'stage': stage})}"
            cells.append(Cell(stage, count, url, _heat_style(count * c.gap.importance, highest)))
        groups.setdefault(c.gap.priority_id, []).append(Row(coverage=c, cells=cells))
    ordered = sorted(groups, key=lambda pk: (priorities[pk].position, pk))
    return {
        "groups": [
            {
                "priority": priorities[pk],
                "rows": sorted(
                    groups[pk],
                    key=lambda r: (STATUS_ORDER[r.coverage.status], -r.coverage.exposure),
                ),
            }
            for pk in ordered
        ],
        "stages": [(stage, Stage(stage).label) for stage in PIPELINE],
        "priorities": sorted(priorities.values(), key=lambda p: (p.position, p.pk)),
        "kinds": CapabilityGap.Kind.choices,
        "counts": {status: sum(1 for c in shown if c.status == status) for status in STATUS_ORDER},
        "gap_count": len(shown),
    }


@access(policy.STRATEGY_VIEW)
def matrix(request: HttpRequest) -> HttpResponse:
    priority_id = _int_or_none(request.GET.get("priority"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in CapabilityGap.Kind.values else ""
    context = coverage_matrix(request.user, priority_id=priority_id, kind=kind)
    return render(
        request,
        "coverage/matrix.html",
        {"section": "strategy", "selected_priority": priority_id, "selected_kind": kind, **context},
    )
