"""The coverage page: a heat map of capability gaps against pipeline stages.

Each cell counts the partnerships at a stage that cover the gap; its colour grows with
count x importance, so an important gap with little behind it reads as a pale row. Uncovered
and thin gaps come first within their priority. Three queries for the whole matrix (see
`gap_coverage`), whatever the number of gaps and partnerships.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from accord.accounts.models import User
from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.partnerships.coverage import GapCoverage, gap_coverage, status_badge
from accord.partnerships.models import PIPELINE, Stage
from accord.strategy.models import CapabilityGap

STATUS_ORDER = {"uncovered": 0, "thin": 1, "covered": 2}
HEAT_RGB = "25, 135, 84"  # Bootstrap's success green: more weight behind a gap, deeper green
KIND_LABELS = dict(CapabilityGap.Kind.choices)


@dataclass(frozen=True)
class Tone:
    """How a coverage status shows: the row's left border, the bar's colour and the badge."""

    border: str
    bar: str
    badge: SafeString


TONES = {
    "uncovered": Tone("#dc3545", "bg-danger", status_badge("uncovered")),
    "thin": Tone("#ffc107", "bg-warning", status_badge("thin")),
    "covered": Tone("transparent", "bg-success", status_badge("covered")),
}


@dataclass
class Cell:
    stage: str
    count: int
    url: str
    style: str

    @property
    def html(self) -> str:
        # Only values of ours (a stage name, numbers, a URL of ids): only the URL's & to escape.
        if not self.count:
            return (
                f'<td class="text-center" data-stage="{self.stage}">'
                '<span class="text-muted opacity-50">·</span></td>'
            )
        noun = "partnership" if self.count == 1 else "partnerships"
        return (
            f'<td class="text-center" style="{self.style}" data-stage="{self.stage}">'
            f'<a href="{escape(self.url)}" style="color:inherit"'
            f' title="{self.count} {noun} at {self.stage}">{self.count}</a></td>'
        )


@dataclass
class Row:
    coverage: GapCoverage
    cells: list[Cell]
    url: str
    scout_url: str = ""  # for a gap not yet covered, where the user may scout

    @property
    def gap(self) -> CapabilityGap:
        return self.coverage.gap

    @property
    def percent(self) -> int:
        return round(self.coverage.coverage * 100)

    @property
    def html(self) -> SafeString:
        """The row's markup, written here rather than in the template: 200 rows of a dozen
        template variables and 7 cells each were most of the page's time."""
        status = self.coverage.status
        tone = TONES[status]
        return format_html(
            '<tr data-testid="gap-row" data-status="{}" style="border-left: 4px solid {}">'
            '<td class="{}"><a class="text-reset" href="{}">{}</a>{}</td>'
            '<td><span class="badge text-bg-light border">{}</span></td>'
            '<td class="text-center">{}</td>{}'
            '<td><div class="d-flex align-items-center gap-2">'
            '<div class="progress flex-grow-1" style="height:8px" title="{}% covered">'
            '<div class="progress-bar {}" style="width: {}%"></div></div>{}</div></td>'
            '<td class="text-end">{}</td></tr>',
            status,
            tone.border,
            "" if status == "covered" else "fw-semibold",
            self.url,
            self.gap.title,
            format_html(
                ' <a class="badge text-bg-success text-decoration-none" href="{}" '
                'data-testid="scout">Scout</a>',
                self.scout_url,
            )
            if self.scout_url
            else "",
            KIND_LABELS.get(self.gap.kind, self.gap.kind),
            self.gap.importance,
            # Cell.html holds only values of ours, and format_html costs ~20 us a cell.
            mark_safe("".join(cell.html for cell in self.cells)),  # noqa: S308
            self.percent,
            tone.bar,
            self.percent,
            tone.badge,
            self.coverage.exposure,
        )


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
    actor: User, *, priority_id: int | None = None, kind: str | None = None
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
    # Scouting sits above this app: its page is named, not imported.
    scout_url = reverse("scouting:scan_create") if policy.can(actor, policy.SCOUTING_MANAGE) else ""
    groups: dict[int, list[Row]] = {}
    for c in shown:
        cells = []
        for stage in PIPELINE:
            count = c.by_stage.get(stage, 0)
            url = f"{list_url}?gap={c.gap.pk}&stage={stage}"  # ids and stage names: URL-safe
            cells.append(Cell(stage, count, url, _heat_style(count * c.gap.importance, highest)))
        url = reverse("strategy:gap_detail", args=[c.gap.pk])
        scout = f"{scout_url}?gap={c.gap.pk}" if scout_url and c.status != "covered" else ""
        groups.setdefault(c.gap.priority_id, []).append(Row(c, cells, url, scout))
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
def matrix(request: SignedInRequest) -> HttpResponse:
    priority_id = _int_or_none(request.GET.get("priority"))
    kind = request.GET.get("kind", "")
    kind = kind if kind in CapabilityGap.Kind.values else ""
    context = coverage_matrix(request.user, priority_id=priority_id, kind=kind)
    return render(
        request,
        "coverage/matrix.html",
        {"section": "strategy", "selected_priority": priority_id, "selected_kind": kind, **context},
    )
