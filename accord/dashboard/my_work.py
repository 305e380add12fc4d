"""What is the acting user's to do, across the apps, each read through the access policy:
scores to submit, moves waiting at a gate their role approves, decisions to take, reviews
and renewals of partnerships they own, their action items and milestones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from accord.accounts.models import User
from accord.core import policy
from accord.core.policy import visible_to
from accord.dashboard.selectors import upcoming_renewals, upcoming_reviews
from accord.governance.models import ActionItem
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage, StageGate
from accord.pilots.models import Milestone, Pilot
from accord.portfolio.models import Review, ReviewItem
from accord.screening.models import ReviewAssignment, Screening

SHOWN = 20


@dataclass
class Task:
    title: str
    url: str
    detail: str = ""
    due: dt.date | None = None
    late: bool = False


@dataclass
class Section:
    key: str
    title: str
    tasks: list[Task] = field(default_factory=list)
    total: int = 0


def _late(due: dt.date | None, today: dt.date) -> bool:
    return due is not None and due < today


def scores_to_submit(actor: User) -> Section:
    rows = visible_to(actor, ReviewAssignment).filter(
        reviewer=actor,
        submitted_at__isnull=True,
        candidate__screening__status=Screening.Status.OPEN,
    )
    section = Section("scores", "Scores to submit", total=rows.count())
    shown = rows.select_related("candidate__organization", "candidate__screening").only(
        "candidate__organization__name", "candidate__screening__title"
    )
    for assignment in shown.order_by("candidate__screening_id", "candidate_id")[:SHOWN]:
        candidate = assignment.candidate
        section.tasks.append(Task(
            candidate.organization.name,
            reverse("screening:screeningcandidate_score", args=[candidate.pk]),
            candidate.screening.title,
        ))  # fmt: skip
    return section


def moves_to_approve(actor: User) -> Section:
    """Partnerships one stage before a gate that `actor`'s role approves."""
    section = Section("approvals", "Moves waiting for your approval")
    gates = StageGate.objects.exclude(approver_role="").only("stage", "approver_role")
    waiting = {
        PIPELINE[PIPELINE.index(gate.stage) - 1]: gate.stage
        for gate in gates
        if gate.stage in PIPELINE[1:] and policy.may_approve(actor, gate.approver_role)
    }
    if not waiting or not policy.can(actor, policy.PARTNERSHIP_MOVE):
        return section
    rows = visible_to(actor, Partnership).filter(stage__in=waiting)
    section.total = rows.count()
    for partnership in rows.only("title", "stage").order_by("title", "pk")[:SHOWN]:
        target = waiting[partnership.stage]
        section.tasks.append(Task(
            partnership.title,
            reverse("partnerships:partnership_move", args=[partnership.pk]) + f"?to={target}",
            f"{Stage(partnership.stage).label} → {Stage(target).label}",
        ))  # fmt: skip
    return section


def decisions_to_take(actor: User, today: dt.date) -> Section:
    """Items of the latest portfolio review without a decision (for those who review the
    portfolio) and pilots `actor` owns (or whose partnership they own) past their timebox,
    undecided."""
    section = Section("decisions", "Decisions to take")
    total = 0
    if policy.can(actor, policy.PORTFOLIO_REVIEW):
        latest = Review.objects.order_by("-quarter").only("pk", "quarter").first()
        if latest is not None:
            items = visible_to(actor, ReviewItem).filter(review=latest, decision="")
            total += items.count()
            for item in items.select_related("partnership").only(
                "recommendation", "partnership__title"
            )[:SHOWN]:
                section.tasks.append(Task(
                    item.partnership.title,
                    reverse("portfolio:review_detail", args=[latest.pk]),
                    f"{latest}: recommended {item.get_recommendation_display()}",
                ))  # fmt: skip
    pilots = visible_to(actor, Pilot).filter(
        Q(owner=actor) | Q(partnership__owner=actor),
        status__in=Pilot.OPEN_STATUSES,
        ends_on__lt=today,
    )
    total += pilots.count()
    for pilot in pilots.only("title", "ends_on").order_by("ends_on", "pk")[:SHOWN]:
        section.tasks.append(Task(
            pilot.title, reverse("pilots:pilot_detail", args=[pilot.pk]),
            "pilot past its timebox: scale, extend or stop", pilot.ends_on, late=True,
        ))  # fmt: skip
    section.total = total
    return section


def reviews_and_renewals(actor: User, today: dt.date) -> Section:
    owned = visible_to(actor, Partnership).filter(owner=actor).exclude(stage__in=EXITS)
    section = Section("reviews", "Reviews and renewals of your partnerships")
    for row in upcoming_reviews(actor, today, rows=owned):
        section.tasks.append(Task(
            row.title, reverse("partnerships:partnership_detail", args=[row.pk]),
            "review", row.next_review_date, late=row.overdue,
        ))  # fmt: skip
    for item in upcoming_renewals(actor, today, rows=owned):
        partnership = item["partnership"]
        section.tasks.append(Task(
            partnership.title, reverse("partnerships:partnership_detail", args=[partnership.pk]),
            item["what"], item["on"],
        ))  # fmt: skip
    section.tasks.sort(key=lambda t: (t.due or today, t.title))
    section.total = len(section.tasks)
    return section


def action_items(actor: User, today: dt.date) -> Section:
    rows = visible_to(actor, ActionItem).filter(owner=actor, status=ActionItem.Status.OPEN)
    section = Section("actions", "Your action items", total=rows.count())
    shown = rows.select_related("committee__partnership").only(
        "title", "due_on", "committee_id", "committee__partnership__title"
    )
    for item in shown.order_by("due_on", "pk")[:SHOWN]:
        section.tasks.append(Task(
            item.title, reverse("governance:committee_detail", args=[item.committee_id]),
            item.committee.partnership.title, item.due_on, _late(item.due_on, today),
        ))  # fmt: skip
    return section


def milestones(actor: User, today: dt.date) -> Section:
    rows = visible_to(actor, Milestone).filter(owner=actor, completed_on__isnull=True)
    section = Section("milestones", "Your milestones", total=rows.count())
    shown = rows.select_related("partnership").only("title", "due_on", "partnership__title")
    for milestone in shown.order_by("due_on", "pk")[:SHOWN]:
        section.tasks.append(Task(
            milestone.title,
            reverse("pilots:partnership_milestones", args=[milestone.partnership_id]),
            milestone.partnership.title, milestone.due_on, _late(milestone.due_on, today),
        ))  # fmt: skip
    return section


def my_work(actor: User, today: dt.date) -> list[Section]:
    """Every section that applies to `actor`'s role, in the order work usually comes."""
    sections = []
    if policy.can(actor, policy.SCREENING_ASSESS):
        sections.append(scores_to_submit(actor))
    if policy.can(actor, policy.PARTNERSHIP_VIEW):
        sections += [
            moves_to_approve(actor),
            decisions_to_take(actor, today),
            reviews_and_renewals(actor, today),
            action_items(actor, today),
            milestones(actor, today),
        ]
    return sections
