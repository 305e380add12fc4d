"""Reads of governance, each through the access policy and given the acting user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accord.accounts.models import User
from accord.core.models import AuditEvent
from accord.core.policy import get_visible_or_404, visible_to
from accord.core.prefetch import attach
from accord.governance.models import (
    ActionItem,
    CalendarFeed,
    Committee,
    Decision,
    Escalation,
    EscalationStep,
    Meeting,
)
from accord.partnerships.models import Partnership

FEED_PAST_DAYS = 90  # how far back a calendar feed reaches


def _people() -> Prefetch[Any]:
    return Prefetch("members", queryset=User.objects.order_by("username"))


def committee_detail(actor: User, pk: Any) -> Committee:
    committee = get_visible_or_404(actor, Committee, pk=pk)
    rows = visible_to(actor, Committee).select_related("partnership", "chair")
    return rows.prefetch_related(_people()).get(pk=committee.pk)


def partnership_committees(actor: User, partnership: Partnership) -> QuerySet[Committee]:
    rows = visible_to(actor, Committee).filter(partnership=partnership)
    return rows.select_related("chair").prefetch_related(_people())


def meetings_of(actor: User, committee: Committee) -> list[Meeting]:
    rows = visible_to(actor, Meeting).filter(committee=committee)
    return list(rows.prefetch_related(Prefetch("attendees", queryset=User.objects.order_by(
        "username"))))  # fmt: skip


def meeting_detail(actor: User, pk: Any) -> Meeting:
    meeting = get_visible_or_404(actor, Meeting, pk=pk)
    rows = visible_to(actor, Meeting).select_related(
        "committee", "committee__partnership", "committee__chair"
    )
    return rows.prefetch_related(
        Prefetch("attendees", queryset=User.objects.order_by("username"))
    ).get(pk=meeting.pk)


def decisions_of(actor: User, **lookup: Any) -> QuerySet[Decision]:
    return visible_to(actor, Decision).filter(**lookup).select_related("meeting")


def mark_late(items: list[ActionItem], today: dt.date) -> list[ActionItem]:
    for item in items:
        days = item.days_overdue(today)
        attach(item, overdue=days > 0, days_over=days)
    return items


def action_items_of(actor: User, **lookup: Any) -> list[ActionItem]:
    rows = visible_to(actor, ActionItem).filter(**lookup).select_related("owner", "decision")
    return mark_late(list(rows.order_by("status", "due_on", "pk")), timezone.localdate())


MY_ITEMS_SHOWN = 200


def my_action_items(actor: User, *, include_closed: bool = False) -> tuple[list[ActionItem], int]:
    """The action items `actor` owns across partnerships, open ones first, soonest due, the
    first MY_ITEMS_SHOWN of them, and how many there are. Two queries however many."""
    rows = visible_to(actor, ActionItem).filter(owner=actor)
    if not include_closed:
        rows = rows.filter(status=ActionItem.Status.OPEN)
    total = rows.count()
    rows = rows.select_related("committee", "committee__partnership", "owner", "decision")
    shown = list(rows.order_by("status", "due_on", "pk")[:MY_ITEMS_SHOWN])
    return mark_late(shown, timezone.localdate()), total


def overdue_action_items(actor: User, today: dt.date, limit: int = 10) -> list[ActionItem]:
    rows = (
        visible_to(actor, ActionItem)
        .filter(status=ActionItem.Status.OPEN, due_on__lt=today)
        .select_related("committee", "committee__partnership", "owner")
        .only("pk", "title", "status", "due_on", "committee__partnership__title", "owner__username")
        .order_by("due_on", "pk")[:limit]
    )
    return mark_late(list(rows), today)


def feed_meetings(user: User) -> QuerySet[Meeting]:
    """The meetings a user attends or whose committee it sits on, that it may still see."""
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    mine = Q(attendees=user) | Q(committee__members=user) | Q(committee__chair=user)
    ids = Meeting.objects.filter(mine).values("pk")
    return (
        visible_to(user, Meeting)
        .filter(pk__in=ids, ends_at__gte=since)
        .select_related("committee", "committee__chair")
        .order_by("starts_at", "pk")
    )


def meetings_queryset(actor: User, committee: Committee) -> QuerySet[Meeting]:
    return visible_to(actor, Meeting).filter(committee=committee).order_by("-starts_at")


def committee_rows(actor: User) -> QuerySet[Committee]:
    return visible_to(actor, Committee).select_related("chair").prefetch_related(_people())


def meeting_rows(actor: User) -> QuerySet[Meeting]:
    attendees = Prefetch("attendees", queryset=User.objects.order_by("username"))
    return visible_to(actor, Meeting).prefetch_related(attendees)


def has_calendar_feed(user: User) -> bool:
    return visible_to(user, CalendarFeed).exists()


def escalation_rows(actor: User) -> QuerySet[Escalation]:
    steps = Prefetch("path", queryset=EscalationStep.objects.select_related("person"))
    rows = visible_to(actor, Escalation).select_related("partnership", "raised_by")
    return rows.prefetch_related(steps)


def mark_clock(escalations: list[Escalation], now: dt.datetime) -> list[Escalation]:
    for escalation in escalations:
        steps = list(escalation.path.all())
        held = [s.person for s in steps if s.position == escalation.level]
        attach(escalation, late_hours=escalation.hours_over(now), holder=held[0] if held else None,
               steps=steps)  # fmt: skip
    return escalations


def as_they_stood(escalations: list[Escalation], moment: dt.datetime) -> list[Escalation]:
    """The escalations as they were at `moment`, in memory: open if resolved since, held at
    the level they had, since the step-up that brought them there (from the audit log). One
    query."""
    later: dict[str, int] = defaultdict(int)
    reached: dict[str, dt.datetime] = {}
    steps = AuditEvent.objects.filter(
        model=Escalation._meta.label_lower, object_id__in=[str(e.pk) for e in escalations],
        action=AuditEvent.Action.UPDATE, changes__has_key="held_by",
    ).order_by("at", "id")  # fmt: skip
    for object_id, at in steps.values_list("object_id", "at"):
        if at > moment:
            later[object_id] += 1
        else:
            reached[object_id] = at
    for escalation in escalations:
        key = str(escalation.pk)
        if escalation.resolved_at is not None and escalation.resolved_at > moment:
            escalation.resolved_at = None
        escalation.level -= later[key]
        escalation.level_since = reached.get(key, escalation.raised_at)
    return escalations


def open_escalations(actor: User, *, limit: int = 10, **lookup: Any) -> list[Escalation]:
    """Open escalations, the longest past their clock first, then the most severe. Every open
    one's clock is read, but only the `limit` shown are loaded with their paths. Three
    queries."""
    now = timezone.now()
    severity_rank = {s: n for n, s in enumerate(("critical", "high", "medium", "low"))}

    def urgency(escalation: Escalation) -> tuple[int, int, dt.datetime]:
        return (-escalation.hours_over(now), severity_rank[escalation.severity],
                escalation.raised_at)  # fmt: skip

    open_ones = visible_to(actor, Escalation).filter(resolved_at__isnull=True, **lookup)
    clocks = open_ones.only("pk", "severity", "level", "level_since", "raised_at", "resolved_at")
    shown = [e.pk for e in sorted(clocks.order_by(), key=urgency)[:limit]]
    if not shown:
        return []
    rows = escalation_rows(actor).filter(pk__in=shown).only(
        "pk", "title", "severity", "level", "level_since", "raised_at", "resolved_at",
        "partnership__title", "raised_by__username",
    )  # fmt: skip
    return sorted(mark_clock(list(rows), now), key=urgency)


def escalation_detail(actor: User, pk: Any) -> Escalation:
    escalation = get_visible_or_404(actor, Escalation, pk=pk)
    found = escalation_rows(actor).get(pk=escalation.pk)
    return mark_clock([found], timezone.now())[0]
