"""How the strategy is carried out: the partnerships behind each gap and play, and the tree
from each priority down to them. Read through the access policy, for a user."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.core.prefetch import attach, prefetched
from accord.partnerships.coverage import GapCoverage, gap_coverage
from accord.partnerships.models import Partnership
from accord.partnerships.tables import STAGE_BADGE
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority

ARCHIVED = "archived"
# In the strategy's trees an exit is struck through rather than red: history, not an alarm.
TRACE_STAGE_BADGE = {
    **STAGE_BADGE,
    "declined": "text-bg-light text-decoration-line-through",
    "exited": "text-bg-light text-decoration-line-through",
}


def coverage_by_gap(actor: User) -> dict[int, GapCoverage]:
    return {row.gap.pk: row for row in gap_coverage(actor, include_archived=True)}


def gap_partnerships(actor: User, gap: CapabilityGap) -> QuerySet[Partnership]:
    """Partnerships that name the gap directly or through their play."""
    linked = Q(gaps=gap) | Q(play__gaps=gap)
    ids = visible_to(actor, Partnership).filter(linked).values("pk")
    return visible_to(actor, Partnership).filter(pk__in=ids).select_related("play")


def play_partnerships(actor: User, play: PartnershipPlay) -> QuerySet[Partnership]:
    return visible_to(actor, Partnership).filter(play=play)


def with_links(partnerships: Iterable[Partnership]) -> list[Partnership]:
    """Give each partnership the link and badge class the strategy's templates show."""
    rows = list(partnerships)
    for partnership in rows:
        attach(
            partnership,
            trace_url=partnership.get_absolute_url(),
            stage_class=TRACE_STAGE_BADGE.get(partnership.stage, "text-bg-light"),
        )
    return rows


@dataclass
class TracePlay:
    play: PartnershipPlay
    partnerships: list[Partnership]


@dataclass
class TraceGap:
    gap: CapabilityGap
    coverage: GapCoverage | None
    plays: list[TracePlay] = field(default_factory=list)
    direct: list[Partnership] = field(default_factory=list)

    @property
    def coverage_status(self) -> str:
        return self.coverage.status if self.coverage else "uncovered"


@dataclass
class TracePriority:
    priority: StrategicPriority
    gaps: list[TraceGap]


def traceability(actor: User) -> list[TracePriority]:
    """Priority → gaps → plays → partnerships, in a fixed number of queries at any size.

    A gap's partnerships are those naming it directly (`direct`, unless already shown under one
    of its plays) and those of the plays that address it.
    """
    partnerships = visible_to(actor, Partnership).only("id", "title", "stage", "play_id")
    plays = visible_to(actor, PartnershipPlay).exclude(status=ARCHIVED)
    gaps = visible_to(actor, CapabilityGap).exclude(status=ARCHIVED)
    priorities = (
        visible_to(actor, StrategicPriority)
        .exclude(status=ARCHIVED)
        .prefetch_related(
            Prefetch("gaps", queryset=gaps, to_attr="open_gaps"),
            Prefetch("open_gaps__plays", queryset=plays, to_attr="open_plays"),
            Prefetch(
                "open_gaps__open_plays__partnerships",
                queryset=partnerships,
                to_attr="linked_partnerships",
            ),
            Prefetch("open_gaps__partnerships", queryset=partnerships, to_attr="direct"),
        )
    )
    coverage = coverage_by_gap(actor)
    return [
        TracePriority(
            priority,
            [
                _trace_gap(gap, coverage.get(gap.pk))
                for gap in prefetched(priority, "open_gaps", CapabilityGap)
            ],
        )
        for priority in priorities
    ]


def _trace_gap(gap: CapabilityGap, coverage: GapCoverage | None) -> TraceGap:
    row = TraceGap(gap=gap, coverage=coverage)
    shown: set[int] = set()
    for play in prefetched(gap, "open_plays", PartnershipPlay):
        linked = prefetched(play, "linked_partnerships", Partnership)
        row.plays.append(TracePlay(play, linked))
        shown.update(p.pk for p in linked)
    row.direct = [p for p in prefetched(gap, "direct", Partnership) if p.pk not in shown]
    return row
