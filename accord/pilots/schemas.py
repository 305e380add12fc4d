"""API shapes of pilots, success criteria, actuals, readiness and decisions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from ninja import Field, Schema

from accord.accounts.models import User
from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.partnerships.models import Visibility
from accord.pilots.models import Milestone, Pilot, ReadinessScore, Side, Sprint, SuccessCriterion

USER_REF = "Username or id of a user: ours, or a partner user of a party for the partner's side"


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


class PilotOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    title: str
    hypothesis: str
    scope: str
    starts_on: dt.date
    ends_on: dt.date
    budget: Decimal | None
    owner: str | None
    partner_owner: str | None
    status: str
    decision: str
    decided_at: dt.datetime | None
    overdue_days: int = Field(..., description="Days past the timebox without a decision")
    visibility: str
    version: int = Field(..., description=VERSION_OUT)
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Pilot) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_partner_owner(obj: Pilot) -> str | None:
        return _username(obj.partner_owner)

    @staticmethod
    def resolve_overdue_days(obj: Pilot) -> int:
        return obj.days_overdue(timezone.localdate())


class PilotFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    hypothesis: str = Text(min_length=1)
    scope: str = Text()
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    owner: int | str | None = Field(None, description=USER_REF)
    partner_owner: int | str | None = Field(None, description=USER_REF)


class PilotIn(PilotFields):
    partnership: int = Field(..., description="Id of the partnership it pilots")
    title: str = Field(..., min_length=1, max_length=200)
    hypothesis: str = Field(..., min_length=1)
    starts_on: dt.date
    ends_on: dt.date
    visibility: Visibility = Visibility.INTERNAL
    shared_with: list[int] | None = Field(
        None, description="Organization ids of the parties it is shared with"
    )


class PilotPatch(PilotFields):
    status: Pilot.Status | None = Field(
        None, description="planned, running, evaluating or stopped; the rest follow a decision"
    )
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class PilotFilters(Schema):
    q: str | None = Field(None, description="Words of the title, hypothesis or partnership")
    status: list[Pilot.Status] = Field(default_factory=list)
    decision: list[Pilot.Decision] = Field(default_factory=list)
    partnership: int | None = None
    owner: int | None = Field(None, description="Id of our owner")
    overdue: bool | None = Field(None, description="Past the timebox without a decision")


class CriterionOut(Schema):
    id: int
    pilot: int = Field(..., alias="pilot_id")
    metric: str
    unit: str
    comparator: str
    target: Decimal
    assignee: str | None
    position: int
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_assignee(obj: SuccessCriterion) -> str | None:
        return _username(obj.assignee)


class CriterionFields(InputSchema):
    metric: str = Text(min_length=1, max_length=200)
    unit: str = Text(min_length=1, max_length=30)
    comparator: SuccessCriterion.Comparator | None = None
    target: Decimal | None = Field(None, max_digits=18, decimal_places=4)
    assignee: int | str | None = Field(None, description=USER_REF)


class CriterionIn(CriterionFields):
    metric: str = Field(..., min_length=1, max_length=200)
    unit: str = Field(..., min_length=1, max_length=30)


class CriterionPatch(CriterionFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class ActualOut(Schema):
    id: int
    criterion: int = Field(..., alias="criterion_id")
    value: Decimal
    observed_on: dt.date
    note: str
    recorded_by: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_recorded_by(obj: object) -> str | None:
        return _username(getattr(obj, "recorded_by", None))


class ActualIn(InputSchema):
    value: Decimal = Field(..., max_digits=18, decimal_places=4)
    observed_on: dt.date
    unit: str | None = Field(None, description="If sent, must be the criterion's unit")
    note: str = Text(max_length=300)


class ReadinessIn(InputSchema):
    score: int = Field(..., ge=1, le=5)
    evidence: str = Field(..., min_length=1)


class ReadinessAssessIn(InputSchema):
    """The dimensions to score; those left out keep their scores."""

    technical: ReadinessIn | None = None
    commercial: ReadinessIn | None = None
    organisational: ReadinessIn | None = None
    legal: ReadinessIn | None = None


class ReadinessOut(Schema):
    dimension: ReadinessScore.Dimension
    score: int
    evidence: str
    assessed_by: str | None
    assessed_at: dt.datetime

    @staticmethod
    def resolve_assessed_by(obj: ReadinessScore) -> str | None:
        return _username(obj.assessed_by)


class DecisionIn(InputSchema):
    decision: Pilot.Decision
    rationale: str = Field(..., description="Why; a decision without one is refused")
    ends_on: dt.date | None = Field(None, description="To iterate: the new end of the timebox")
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class DecisionOut(Schema):
    id: int
    pilot: int = Field(..., alias="pilot_id")
    decision: str
    rationale: str
    decided_by: str = Field(..., alias="decided_by_name")
    decided_at: dt.datetime
    evidence: dict[str, object]


class MilestoneOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    pilot: int | None = Field(..., alias="pilot_id")
    title: str
    description: str
    side: Side
    owner: str | None
    due_on: dt.date
    completed_on: dt.date | None
    overdue_days: int = Field(..., description="Days past due while not done")
    visibility: str
    version: int = Field(..., description=VERSION_OUT)
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Milestone) -> str | None:
        return _username(obj.owner)

    @staticmethod
    def resolve_overdue_days(obj: Milestone) -> int:
        return obj.days_overdue(timezone.localdate())


class MilestoneFields(InputSchema):
    pilot: int | None = Field(None, description="Id of a pilot of the same partnership")
    title: str = Text(min_length=1, max_length=200)
    description: str = Text()
    side: Side | None = None
    owner: int | str | None = Field(None, description=USER_REF)
    due_on: dt.date | None = None
    completed_on: dt.date | None = None


class MilestoneIn(MilestoneFields):
    partnership: int = Field(..., description="Id of the partnership")
    title: str = Field(..., min_length=1, max_length=200)
    due_on: dt.date
    visibility: Visibility = Visibility.INTERNAL
    shared_with: list[int] | None = Field(
        None, description="Organization ids of the parties it is shared with"
    )


class MilestonePatch(MilestoneFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class CompletionIn(InputSchema):
    done: bool
    version: int = Field(..., ge=0, description=VERSION_IN)


class MilestoneFilters(Schema):
    partnership: int | None = None
    pilot: int | None = None
    side: Side | None = None
    owner: int | None = Field(None, description="Id of its owner")
    completed: bool | None = None
    overdue: bool | None = Field(None, description="Past due and not done")


class SprintOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    pilot: int | None = Field(..., alias="pilot_id")
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    participants: list[str]
    guests: str
    outcomes: str
    visibility: str
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_participants(obj: Sprint) -> list[str]:
        return [user.get_username() for user in obj.participants.all()]


class SprintFields(InputSchema):
    pilot: int | None = Field(None, description="Id of a pilot of the same partnership")
    kind: Sprint.Kind | None = None
    title: str = Text(min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    participants: list[int | str] | None = Field(None, description=f"{USER_REF}; replaces")
    guests: str = Text()
    outcomes: str = Text()


class SprintIn(SprintFields):
    partnership: int = Field(..., description="Id of the partnership")
    title: str = Field(..., min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    visibility: Visibility = Visibility.INTERNAL
    shared_with: list[int] | None = Field(
        None, description="Organization ids of the parties it is shared with"
    )


class SprintPatch(SprintFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class SprintFilters(Schema):
    partnership: int | None = None
    pilot: int | None = None
    kind: Sprint.Kind | None = None
