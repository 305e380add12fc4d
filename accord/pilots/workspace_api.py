"""Pilots and milestones in the partner workspace API, under `/workspace/`: what is shared
with the caller's organization, with internal fields (budget, readiness, decisions) left out
and another party's people unnamed. A row not shared with it answers 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accord.core import policy
from accord.core.api_access import api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import WORKSPACE_VIEW, get_visible_or_404, visible_to
from accord.pilots import milestones, selectors, services
from accord.pilots.models import Milestone, Pilot, SuccessCriterion
from accord.pilots.schemas import ActualIn, ActualOut, CompletionIn

router = Router(tags=["workspace"])


def _seen(context: Any, person: Any) -> str | None:
    return policy.person_name_for(context["request"].auth, person)


class WorkspacePilotOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    title: str
    hypothesis: str
    scope: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    overdue_days: int = Field(..., description="Days past the timebox without a decision")
    owner: str | None = Field(None, description="Our owner")
    partner_owner: str | None = Field(None, description="The partner's owner")

    @staticmethod
    def resolve_overdue_days(obj: Pilot) -> int:
        return obj.days_overdue(timezone.localdate())

    @staticmethod
    def resolve_owner(obj: Pilot, context: Any) -> str | None:
        return _seen(context, obj.owner)

    @staticmethod
    def resolve_partner_owner(obj: Pilot, context: Any) -> str | None:
        return _seen(context, obj.partner_owner)


class WorkspaceCriterionOut(Schema):
    id: int
    pilot: int = Field(..., alias="pilot_id")
    metric: str
    unit: str
    comparator: str
    target: Decimal
    yours: bool = Field(..., description="Whether the caller records its actuals")

    @staticmethod
    def resolve_yours(obj: SuccessCriterion, context: Any) -> bool:
        return bool(obj.assignee_id == context["request"].auth.pk)


class WorkspaceMilestoneOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    pilot: int | None = Field(..., alias="pilot_id")
    title: str
    side: str
    owner: str | None
    due_on: dt.date
    completed_on: dt.date | None
    version: int

    @staticmethod
    def resolve_owner(obj: Milestone, context: Any) -> str | None:
        return _seen(context, obj.owner)


@router.get("/workspace/pilots", response=list[WorkspacePilotOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_pilot_list(request: ApiRequest):
    """Partner users: the pilots shared with their organization, latest start first."""
    return selectors.pilot_rows(request.auth).order_by("-starts_on", "-id")


@router.get("/workspace/pilots/{pilot_id}", response=WorkspacePilotOut)
@api_access(WORKSPACE_VIEW, model=Pilot)
def workspace_pilot_get(request: ApiRequest, pilot_id: int):
    return selectors.pilot_detail(request.auth, pilot_id)


@router.get("/workspace/pilots/{pilot_id}/success-criteria", response=list[WorkspaceCriterionOut])
@api_access(WORKSPACE_VIEW, model=Pilot)
def workspace_criterion_list(request: ApiRequest, pilot_id: int):
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    return visible_to(request.auth, SuccessCriterion).filter(pilot=pilot)


@router.post("/workspace/success-criteria/{criterion_id}/actuals", response={201: ActualOut})
@api_access(WORKSPACE_VIEW, model=SuccessCriterion)
def workspace_actual_record(request: ApiRequest, criterion_id: int, payload: ActualIn):
    """Record a measured value of a criterion assigned to the caller; `unit`, if sent, must be
    the criterion's."""
    criterion = get_visible_or_404(request.auth, SuccessCriterion, pk=criterion_id)
    actual = services.actual_record(
        actor=request.auth, criterion=criterion, value=payload.value,
        observed_on=payload.observed_on, unit=payload.unit, note=payload.note or "",
    )  # fmt: skip
    return Status(201, actual)


@router.get("/workspace/milestones", response=list[WorkspaceMilestoneOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_milestone_list(request: ApiRequest):
    """Partner users: the milestones shared with their organization, soonest due first."""
    return selectors.milestone_rows(request.auth).order_by("due_on", "id")


@router.post("/workspace/milestones/{milestone_id}/completion", response=WorkspaceMilestoneOut)
@api_access(WORKSPACE_VIEW, model=Milestone)
def workspace_milestone_complete(request: ApiRequest, milestone_id: int, payload: CompletionIn):
    """Mark one of the caller's milestones done today, or open it again."""
    milestone = get_visible_or_404(request.auth, Milestone, pk=milestone_id)
    return milestones.milestone_complete(
        actor=request.auth, milestone=milestone, done=payload.done,
        expected_version=payload.version,
    )  # fmt: skip
