"""Every read of the strategy, always on behalf of a user and through the access policy."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Prefetch, QuerySet

from accord.accounts.models import User
from accord.core import policy
from accord.core.policy import get_visible_or_404, visible_to
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority

ARCHIVED = "archived"


def priorities_visible(actor: User) -> QuerySet[StrategicPriority]:
    return visible_to(actor, StrategicPriority).select_related("owner")


def gaps_visible(actor: User) -> QuerySet[CapabilityGap]:
    return visible_to(actor, CapabilityGap).select_related("priority")


def plays_visible(actor: User) -> QuerySet[PartnershipPlay]:
    gaps = visible_to(actor, CapabilityGap).only("id", "title", "priority_id")
    return (
        visible_to(actor, PartnershipPlay)
        .select_related("owner")
        .prefetch_related(Prefetch("gaps", queryset=gaps))
    )


def owner_choices(actor: User) -> QuerySet[User]:
    """The internal people a priority or play can be given to (for those who may edit one)."""
    if not policy.can(actor, policy.STRATEGY_CHANGE):
        return User.objects.none()
    return policy.internal_accounts(User.objects.filter(is_active=True)).order_by("username")


def priority_detail(actor: User, pk: int) -> StrategicPriority:
    return get_visible_or_404(actor, StrategicPriority, pk=pk)


def gap_detail(actor: User, pk: int) -> CapabilityGap:
    return get_visible_or_404(actor, CapabilityGap, pk=pk)


def play_detail(actor: User, pk: int) -> PartnershipPlay:
    return get_visible_or_404(actor, PartnershipPlay, pk=pk)


def priority_list(
    actor: User, *, statuses: Sequence[str] | None = None
) -> QuerySet[StrategicPriority]:
    rows = priorities_visible(actor)
    return rows.filter(status__in=statuses) if statuses else rows


def gap_list(
    actor: User,
    *,
    priority: int | None = None,
    kinds: Sequence[str] | None = None,
    statuses: Sequence[str] | None = None,
    min_importance: int | None = None,
) -> QuerySet[CapabilityGap]:
    rows = gaps_visible(actor).order_by("priority__position", "priority_id", "position", "id")
    if priority is not None:
        rows = rows.filter(priority_id=priority)
    if kinds:
        rows = rows.filter(kind__in=kinds)
    if statuses:
        rows = rows.filter(status__in=statuses)
    if min_importance is not None:
        rows = rows.filter(importance__gte=min_importance)
    return rows


def play_list(
    actor: User,
    *,
    statuses: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    gap: int | None = None,
) -> QuerySet[PartnershipPlay]:
    rows = plays_visible(actor)
    if statuses:
        rows = rows.filter(status__in=statuses)
    if types:
        rows = rows.filter(type__in=types)
    if gap is not None:
        rows = rows.filter(gaps=gap)
    return rows


def overview(actor: User, *, show_archived: bool = False) -> list[StrategicPriority]:
    """Priorities in order, each with `.shown_gaps`; archived ones only when asked for."""
    gaps = visible_to(actor, CapabilityGap)
    priorities = priorities_visible(actor)
    if not show_archived:
        gaps = gaps.exclude(status=ARCHIVED)
        priorities = priorities.exclude(status=ARCHIVED)
    return list(priorities.prefetch_related(Prefetch("gaps", queryset=gaps, to_attr="shown_gaps")))


def gap_plays(actor: User, gap: CapabilityGap) -> QuerySet[PartnershipPlay]:
    return visible_to(actor, PartnershipPlay).filter(gaps=gap).select_related("owner")
