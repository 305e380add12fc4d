"""Every read of partnerships, always on behalf of a user and through the access policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accord.accounts.models import User
from accord.core import policy
from accord.core.policy import get_visible_or_404, visible_to
from accord.directory.models import Organization
from accord.directory.selectors import filter_params
from accord.partnerships.filters import PartnershipFilter
from accord.partnerships.gates import REQUIRABLE_FIELDS, allowed_targets, missing_for_move
from accord.partnerships.models import (
    EXITS,
    PIPELINE,
    Document,
    Note,
    Partnership,
    PartnershipParty,
    Stage,
    StageGate,
    StageTransition,
)
from accord.strategy.models import CapabilityGap

EXPIRY_WARNING_DAYS = 60


def partnerships_visible(actor: Any) -> QuerySet[Partnership]:
    return visible_to(actor, Partnership)


def _with_parties(actor: Any, queryset: QuerySet[Partnership]) -> QuerySet[Partnership]:
    parties = visible_to(actor, PartnershipParty).select_related("organization")
    return queryset.select_related("owner").prefetch_related(
        Prefetch("parties", queryset=parties.order_by("id"))
    )


def partnership_list(actor: Any, params: Mapping[str, Any] | None = None) -> PartnershipFilter:
    """The filter bound to `params`; `.qs` is the filtered, prefetched queryset."""
    queryset = _with_parties(actor, partnerships_visible(actor))
    return PartnershipFilter(filter_params(params), queryset=queryset)


@dataclass
class BoardColumn:
    stage: str
    label: str
    cards: list[Partnership]
    is_exit: bool = False


def partnership_board(actor: Any, params: Mapping[str, Any] | None = None) -> list[BoardColumn]:
    """One column per pipeline stage, then one of the exits; one query for cards and one for
    their parties, whatever their number."""
    filterset = partnership_list(actor, params)
    queryset = filterset.qs if filterset.is_valid() else Partnership.objects.none()
    by_stage: dict[str, list[Partnership]] = {stage: [] for stage in [*PIPELINE, *EXITS]}
    for partnership in queryset.order_by("next_review_date", "title", "id"):
        by_stage[partnership.stage].append(partnership)
    columns = [BoardColumn(stage, Stage(stage).label, by_stage[stage]) for stage in PIPELINE]
    exits = [card for stage in EXITS for card in by_stage[stage]]
    return [*columns, BoardColumn("exits", "declined / exited", exits, is_exit=True)]


def partnership_detail(actor: Any, pk: int) -> Partnership:
    return get_visible_or_404(actor, Partnership, pk=pk)


def partnership_parties(actor: Any, partnership: Partnership) -> QuerySet[PartnershipParty]:
    return (
        visible_to(actor, PartnershipParty)
        .filter(partnership=partnership)
        .select_related("organization")
        .order_by("id")
    )


def partnership_transitions(actor: Any, partnership: Partnership) -> QuerySet[StageTransition]:
    return visible_to(actor, StageTransition).filter(partnership=partnership)


def partnership_notes(actor: Any, partnership: Partnership) -> QuerySet[Note]:
    return (
        visible_to(actor, Note)
        .filter(partnership=partnership)
        .select_related("author")
        .prefetch_related("comments__author")
    )


def partnership_documents(actor: Any, partnership: Partnership) -> QuerySet[Document]:
    return visible_to(actor, Document).filter(partnership=partnership).select_related("uploaded_by")


@dataclass
class TimelineEntry:
    at: dt.datetime
    kind: str  # "move" or "note"
    item: Any


def partnership_timeline(actor: Any, partnership: Partnership) -> list[TimelineEntry]:
    """Stage moves and notes, newest first."""
    entries = [
        TimelineEntry(t.at, "move", t) for t in partnership_transitions(actor, partnership)[:500]
    ]
    entries += [
        TimelineEntry(n.created_at, "note", n) for n in partnership_notes(actor, partnership)[:500]
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)


def expiry_warnings(
    partnership: Partnership, today: dt.date | None = None
) -> list[tuple[str, str]]:
    """(level, text) for an agreement or NDA that has expired or expires within 60 days."""
    today = today or timezone.localdate()
    warnings = []
    for label, date in (("The agreement", partnership.end_date),
                        ("The NDA", partnership.nda_expires_on)):  # fmt: skip
        if date is None:
            continue
        days = (date - today).days
        if days < 0:
            warnings.append(("danger", f"{label} expired on {date:%Y-%m-%d} ({-days} days ago)."))
        elif days <= EXPIRY_WARNING_DAYS:
            warnings.append(("warning", f"{label} expires on {date:%Y-%m-%d} (in {days} days)."))
    return warnings


def gates_all(actor: Any) -> QuerySet[StageGate]:
    return visible_to(actor, StageGate)


def gate_for(actor: Any, stage: str) -> StageGate | None:
    return gates_all(actor).filter(stage=stage).first()


@dataclass
class MovePreview:
    """The gate into `to_stage` and what still stops the move (checklist and reason aside)."""

    to_stage: str
    gate: StageGate | None
    fields: list[tuple[str, bool]]  # (words, present)
    blocking: list[str]


def move_preview(actor: Any, partnership: Partnership, to_stage: str) -> MovePreview:
    gate = gate_for(actor, to_stage)
    if to_stage not in allowed_targets(partnership.stage):
        gate = None
    blocking = missing_for_move(
        partnership=partnership,
        to_stage=to_stage,
        actor=actor,
        confirmed=gate.checklist if gate else (),
        reason="(preview)",
        gate=gate,
    )
    fields = []
    if gate is not None:
        for name in gate.required_fields:
            words = REQUIRABLE_FIELDS.get(name, name)
            fields.append((words, f"Missing {words}." not in blocking))
    return MovePreview(to_stage, gate, fields, blocking)


def internal_users() -> QuerySet[User]:
    """People of our company who may own, sponsor or work on a partnership."""
    return User.objects.filter(role__in=policy.INTERNAL_ROLES, is_active=True).order_by("username")


def gaps_visible(actor: Any) -> QuerySet[CapabilityGap]:
    return visible_to(actor, CapabilityGap).select_related("priority")


def organization_roles(actor: Any, organization: Organization) -> QuerySet[PartnershipParty]:
    """Every role `organization` plays in partnerships the actor may see, with links."""
    if not policy.can(actor, policy.PARTNERSHIP_VIEW):
        return PartnershipParty.objects.none()
    return (
        visible_to(actor, PartnershipParty)
        .filter(organization=organization)
        .select_related("partnership")
        .order_by("partnership__title", "id")
    )
