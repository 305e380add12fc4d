"""API shapes of committees, meetings, decisions and action items."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from ninja import Field, Schema

from accord.accounts.models import User
from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.governance.models import ActionItem, Committee, Escalation, Meeting
from accord.partnerships.models import Visibility

USER_REF = "Username or id of one of our users or of a user of a party"


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


def _usernames(users: object) -> list[str]:
    return [user.get_username() for user in users.all()]  # type: ignore[attr-defined]


class CommitteeOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    name: str
    charter: str
    cadence: str
    chair: str | None
    members: list[str]
    visibility: str
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_chair(obj: Committee) -> str | None:
        return _username(obj.chair)

    @staticmethod
    def resolve_members(obj: Committee) -> list[str]:
        return _usernames(obj.members)


class CommitteeFields(InputSchema):
    name: str = Text(min_length=1, max_length=200)
    charter: str = Text()
    cadence: Committee.Cadence | None = None
    chair: int | str | None = Field(None, description=USER_REF)
    members: list[int | str] | None = Field(None, description=f"{USER_REF}; replaces")


class CommitteeIn(CommitteeFields):
    partnership: int
    name: str = Field(..., min_length=1, max_length=200)
    visibility: Visibility = Visibility.SHARED
    shared_with: list[int] | None = Field(
        None, description="Organization ids of the parties it is shared with"
    )


class CommitteePatch(CommitteeFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class MeetingOut(Schema):
    id: int
    committee: int = Field(..., alias="committee_id")
    title: str
    starts_at: dt.datetime = Field(..., description="UTC")
    ends_at: dt.datetime = Field(..., description="UTC")
    location: str
    agenda: str
    minutes: str
    attendees: list[str]
    cancelled: bool
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_attendees(obj: Meeting) -> list[str]:
        return _usernames(obj.attendees)


class MeetingFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    starts_at: dt.datetime | None = Field(None, description="With a zone; stored in UTC")
    ends_at: dt.datetime | None = Field(None, description="With a zone; stored in UTC")
    location: str = Text(max_length=300)
    agenda: str = Text()
    minutes: str = Text()
    cancelled: bool | None = None
    attendees: list[int | str] | None = Field(None, description=f"{USER_REF}; replaces")


class MeetingIn(MeetingFields):
    committee: int
    title: str = Field(..., min_length=1, max_length=200)
    starts_at: dt.datetime = Field(..., description="With a zone; stored in UTC")
    ends_at: dt.datetime = Field(..., description="With a zone; stored in UTC")


class MeetingPatch(MeetingFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class MeetingFilters(Schema):
    committee: int | None = None
    partnership: int | None = None
    upcoming: bool | None = Field(None, description="Not yet over")


class DecisionOut(Schema):
    id: int
    committee: int = Field(..., alias="committee_id")
    meeting: int | None = Field(..., alias="meeting_id")
    title: str
    details: str
    decided_by: str
    decided_on: dt.date
    recorded_at: dt.datetime


class DecisionIn(InputSchema):
    committee: int
    meeting: int | None = Field(None, description="A meeting of the same committee")
    title: str = Field(..., min_length=1, max_length=300)
    details: str = Text()
    decided_by: str = Field(..., min_length=1, max_length=300)
    decided_on: dt.date


class DecisionFilters(Schema):
    committee: int | None = None
    meeting: int | None = None


class ActionItemOut(Schema):
    id: int
    committee: int = Field(..., alias="committee_id")
    meeting: int | None = Field(..., alias="meeting_id")
    decision: int | None = Field(..., alias="decision_id")
    title: str
    owner: str | None
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    overdue_days: int
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_owner(obj: ActionItem) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_overdue_days(obj: ActionItem) -> int:
        return obj.days_overdue(timezone.localdate())


class ActionItemFields(InputSchema):
    meeting: int | None = Field(None, description="A meeting of the same committee")
    decision: int | None = Field(None, description="A decision of the same committee")
    title: str = Text(min_length=1, max_length=300)
    owner: int | str | None = Field(None, description=USER_REF)
    due_on: dt.date | None = None
    status: ActionItem.Status | None = None


class ActionItemIn(ActionItemFields):
    committee: int
    title: str = Field(..., min_length=1, max_length=300)
    due_on: dt.date


class ActionItemPatch(ActionItemFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class ActionStatusIn(InputSchema):
    status: ActionItem.Status
    version: int = Field(..., ge=0, description=VERSION_IN)


class ActionItemFilters(Schema):
    committee: int | None = None
    partnership: int | None = None
    meeting: int | None = None
    owner: int | None = Field(None, description="Id of its owner")
    mine: bool | None = Field(None, description="Only the caller's own")
    status: list[ActionItem.Status] = Field(default_factory=list)
    overdue: bool | None = Field(None, description="Open past its due date")


class EscalationOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    title: str
    description: str
    severity: str
    raised_by: str | None
    raised_at: dt.datetime
    path: list[str]
    held_by: str | None
    answer_by: dt.datetime | None = Field(..., description="When the one holding it must answer")
    hours_over: int = Field(..., description="Hours past that time, while open")
    resolution: str
    resolved_at: dt.datetime | None
    visibility: str
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_raised_by(obj: Escalation) -> str | None:
        return _username(obj.raised_by)

    @staticmethod
    def resolve_path(obj: Escalation) -> list[str]:
        return [step.person.get_username() for step in obj.path.all()]

    @staticmethod
    def resolve_held_by(obj: Escalation) -> str | None:
        held = [s.person for s in obj.path.all() if s.position == obj.level]
        return held[0].get_username() if held and obj.is_open else None

    @staticmethod
    def resolve_answer_by(obj: Escalation) -> dt.datetime | None:
        return obj.due_at() if obj.is_open else None

    @staticmethod
    def resolve_hours_over(obj: Escalation) -> int:
        return obj.hours_over(timezone.now())


class EscalationIn(InputSchema):
    partnership: int
    title: str = Field(..., min_length=1, max_length=300)
    description: str = Text()
    severity: Escalation.Severity = Escalation.Severity.MEDIUM
    path: list[int | str] | None = Field(
        None, description=f"{USER_REF}, in the order it climbs; its owner then sponsor if left out"
    )
    visibility: Visibility = Visibility.INTERNAL
    shared_with: list[int] | None = Field(
        None, description="Organization ids of the parties it is shared with"
    )


class EscalationStepIn(InputSchema):
    version: int = Field(..., ge=0, description=VERSION_IN)


class ResolutionIn(InputSchema):
    resolution: str = Field(..., description="How it was resolved")
    version: int = Field(..., ge=0, description=VERSION_IN)


class EscalationFilters(Schema):
    partnership: int | None = None
    open: bool | None = None
    severity: Escalation.Severity | None = None
