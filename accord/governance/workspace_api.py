"""Joint governance in the partner workspace API, under `/workspace/`: the committees,
meetings, decisions, action items and escalations shared with the caller's organization, with
another party's people unnamed. A row not shared with it answers 404, like a missing one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accord.core import policy
from accord.core.api_access import api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import WORKSPACE_VIEW, get_visible_or_404, visible_to
from accord.core.schemas import InputSchema, Text
from accord.governance import escalations, selectors, services
from accord.governance.models import ActionItem, Committee, Decision, Escalation, Meeting
from accord.governance.schemas import ActionStatusIn, DecisionOut
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

router = Router(tags=["workspace"])


def _seen(context: Any, person: Any) -> str | None:
    return policy.person_name_for(context["request"].auth, person)


class WorkspaceCommitteeOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    name: str
    charter: str
    cadence: str


class WorkspaceMeetingOut(Schema):
    id: int
    committee: int = Field(..., alias="committee_id")
    title: str
    starts_at: dt.datetime = Field(..., description="UTC")
    ends_at: dt.datetime = Field(..., description="UTC")
    location: str
    agenda: str
    minutes: str
    cancelled: bool


class WorkspaceActionItemOut(Schema):
    id: int
    committee: int = Field(..., alias="committee_id")
    title: str
    owner: str | None
    yours: bool = Field(..., description="Whether the caller owns it and may change its status")
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    version: int

    @staticmethod
    def resolve_owner(obj: ActionItem, context: Any) -> str | None:
        return _seen(context, obj.owner)

    @staticmethod
    def resolve_yours(obj: ActionItem, context: Any) -> bool:
        return bool(obj.owner_id == context["request"].auth.pk)


class WorkspaceEscalationOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    title: str
    description: str
    severity: str
    raised_by: str | None
    raised_at: dt.datetime
    answer_by: dt.datetime | None
    resolution: str
    resolved_at: dt.datetime | None

    @staticmethod
    def resolve_raised_by(obj: Escalation, context: Any) -> str | None:
        return _seen(context, obj.raised_by)

    @staticmethod
    def resolve_answer_by(obj: Escalation) -> dt.datetime | None:
        return obj.due_at() if obj.is_open else None


class WorkspaceEscalationIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Text(max_length=5000)
    severity: Escalation.Severity = Escalation.Severity.MEDIUM


@router.get("/workspace/committees", response=list[WorkspaceCommitteeOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_committee_list(request: ApiRequest):
    return visible_to(request.auth, Committee).order_by("partnership_id", "name", "id")


@router.get("/workspace/meetings", response=list[WorkspaceMeetingOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_meeting_list(request: ApiRequest):
    """Partner users: the meetings of committees shared with them, latest first."""
    return visible_to(request.auth, Meeting).order_by("-starts_at", "-id")


@router.get("/workspace/decisions", response=list[DecisionOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_decision_list(request: ApiRequest):
    return visible_to(request.auth, Decision).order_by("-decided_on", "-id")


@router.get("/workspace/action-items", response=list[WorkspaceActionItemOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_action_item_list(request: ApiRequest):
    """Partner users: the action items of committees shared with them, open first."""
    rows = visible_to(request.auth, ActionItem).select_related("owner")
    return rows.order_by("status", "due_on", "id")


@router.post("/workspace/action-items/{item_id}/status", response=WorkspaceActionItemOut)
@api_access(WORKSPACE_VIEW, model=ActionItem)
def workspace_action_item_status(request: ApiRequest, item_id: int, payload: ActionStatusIn):
    """Done, open or cancelled, for an action item the caller owns."""
    item = get_visible_or_404(request.auth, ActionItem, pk=item_id)
    return services.action_item_update(
        actor=request.auth, item=item, data={"status": payload.status},
        expected_version=payload.version, read_through_policy=True,
    )  # fmt: skip


@router.get("/workspace/escalations", response=list[WorkspaceEscalationOut])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_escalation_list(request: ApiRequest):
    return selectors.escalation_rows(request.auth).order_by("-raised_at", "-id")


@router.post(
    "/workspace/partnerships/{partnership_id}/escalations", response={201: WorkspaceEscalationOut}
)
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_escalation_raise(
    request: ApiRequest, partnership_id: int, payload: WorkspaceEscalationIn
):
    """Raise an issue with our side: it goes to the partnership's owner, then its sponsor, and
    is shared with the caller's organization alone."""
    partnership = get_object_or_404(
        partnership_selectors.workspace_partnerships(request.auth), pk=partnership_id
    )
    escalation = escalations.escalation_raise(
        actor=request.auth, partnership=partnership, data=payload.model_dump()
    )
    return Status(201, escalation)
