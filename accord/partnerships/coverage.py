"""Gap coverage: which capability gaps are covered by which partnerships, at which stage.

A partnership covers a gap when it names the gap directly or through its play. Each covering
partnership adds the weight of its stage (an active partnership covers fully, a candidate
barely); a gap's coverage is that sum capped at 1. Exited and declined partnerships cover
nothing. Gaps are ranked by exposure: importance * (1 - coverage).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db.models import Q
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accord.accounts.models import User
from accord.core import audit
from accord.core.policy import visible_to
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage
from accord.strategy.models import CapabilityGap

STAGE_WEIGHT: dict[str, float] = {
    Stage.CANDIDATE: 0.1,
    Stage.SCREENING: 0.2,
    Stage.ENGAGING: 0.3,
    Stage.NEGOTIATING: 0.5,
    Stage.PILOTING: 0.7,
    Stage.ACTIVE: 1.0,
    Stage.RENEWAL_REVIEW: 0.9,
}
THIN_BELOW = 0.5
STATUS_COLOURS = {"uncovered": "danger", "thin": "warning", "covered": "success"}


@cache
def status_badge(status: str) -> SafeString:
    """A coverage status as the heat map and the home page show it."""
    colour = STATUS_COLOURS[status]
    return format_html('<span class="badge text-bg-{}" data-coverage="{}">{}</span>', colour,
                       status, status)  # fmt: skip


@dataclass
class GapCoverage:
    gap: CapabilityGap
    by_stage: dict[str, int] = field(default_factory=dict)
    partnership_ids: list[int] = field(default_factory=list)
    coverage: float = 0.0

    @property
    def status(self) -> str:
        if not self.partnership_ids:
            return "uncovered"
        return "thin" if self.coverage < THIN_BELOW else "covered"

    @property
    def badge(self) -> SafeString:
        return status_badge(self.status)

    @property
    def exposure(self) -> float:
        return round(self.gap.importance * (1 - self.coverage), 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.gap.pk,
            "title": self.gap.title,
            "kind": self.gap.kind,
            "importance": self.gap.importance,
            "priority": {"id": self.gap.priority_id, "title": self.gap.priority.title},
            "status": self.status,
            "coverage": round(self.coverage, 2),
            "exposure": self.exposure,
            "partnerships": len(self.partnership_ids),
            "by_stage": {stage: self.by_stage.get(stage, 0) for stage in PIPELINE},
        }


def gap_coverage(
    actor: User, *, include_archived: bool = False, stages: Mapping[int, str] | None = None,
    as_of: dt.datetime | None = None,
) -> list[GapCoverage]:  # fmt: skip
    """Every gap the actor can see with its coverage, most exposed first. Three queries.

    `stages` puts the partnerships where they stood at another time (see `history`); those
    it leaves out did not exist then. `as_of` takes the gaps that existed then, with their
    importance and status then (from the audit log, one query more)."""
    gaps = list(visible_to(actor, CapabilityGap).select_related("priority"))
    if as_of is not None:
        since = audit.changes_since(CapabilityGap, as_of)
        gaps = [gap for gap in gaps if gap.created_at <= as_of]
        for gap in gaps:
            gap.importance = since.value(gap, "importance")
            gap.status = since.value(gap, "status")
    if not include_archived:
        gaps = [gap for gap in gaps if gap.status != CapabilityGap.Status.ARCHIVED]
    rows = {gap.pk: GapCoverage(gap=gap) for gap in gaps}
    partnerships = visible_to(actor, Partnership)
    if stages is None:
        partnerships = partnerships.exclude(stage__in=EXITS)
    links = set()
    directly = Q(gaps__isnull=False)
    by_play = Q(play__isnull=False) & Q(play__gaps__isnull=False)
    for linked, path in ((directly, "gaps"), (by_play, "play__gaps")):
        for partnership_id, stage, gap_id in partnerships.filter(linked).values_list(
            "pk", "stage", path
        ):
            if stages is not None:
                stage = stages.get(partnership_id, Stage.EXITED)
            if stage not in EXITS:
                links.add((partnership_id, stage, gap_id))
    counted: dict[int, set[int]] = defaultdict(set)
    for partnership_id, stage, gap_id in links:
        row = rows.get(gap_id)
        if row is None or partnership_id in counted[gap_id]:
            continue
        counted[gap_id].add(partnership_id)
        row.partnership_ids.append(partnership_id)
        row.by_stage[stage] = row.by_stage.get(stage, 0) + 1
        row.coverage = min(1.0, row.coverage + STAGE_WEIGHT[stage])
    return sorted(rows.values(), key=lambda r: (-r.exposure, -r.gap.importance, r.gap.title))
