from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from accord.accounts.models import User
from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.screening.models import (
    Assessment,
    Criterion,
    DueDiligenceItem,
    DueDiligenceKind,
    Screening,
)


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


# Due diligence


class DueDiligenceOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    kind: str
    title: str
    owner: str | None
    status: str
    evidence: str
    version: int = Field(..., description=VERSION_OUT)
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: DueDiligenceItem) -> str | None:
        return _username(obj.owner)


class DueDiligenceFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    kind: DueDiligenceKind | None = None
    owner: str | None = Field(None, description="Username of an internal user")
    status: DueDiligenceItem.Status | None = None
    evidence: str = Text()


class DueDiligencePatch(DueDiligenceFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class DueDiligenceIn(DueDiligenceFields):
    title: str = Text(min_length=1, max_length=200)


# Rubrics


class CriterionIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    description: str = ""
    weight: float = Field(..., description="Any non-negative numbers; normalized to sum 1")
    direction: Criterion.Direction = Criterion.Direction.BENEFIT
    levels: list[str] | None = Field(None, description="What each score 1-5 means (5 texts)")
    knockout_threshold: int | None = Field(
        None, ge=1, le=5, description="Must-have: minimum score (benefit) or maximum (cost)"
    )


class CriterionOut(Schema):
    id: int
    position: int
    name: str
    description: str
    weight: float
    direction: str
    levels: list[str]
    knockout_threshold: int | None


class RubricVersionOut(Schema):
    id: int
    number: int
    weighting: str
    consistency_ratio: float | None
    created_at: dt.datetime
    criteria: list[CriterionOut]

    @staticmethod
    def resolve_criteria(obj: Any) -> list[Any]:
        return list(obj.criteria.all())


class RubricOut(Schema):
    id: int
    name: str
    description: str
    status: str
    version: RubricVersionOut
    edit_version: int = Field(..., description=VERSION_OUT)
    notices: list[str] = Field(default_factory=list)


class RubricIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    template: str | None = Field(None, description="Start from a built-in template instead")
    criteria: list[CriterionIn] | None = None


class RubricPatch(InputSchema):
    name: str = Text(min_length=1, max_length=200)
    description: str = Text()
    criteria: list[CriterionIn] | None = Field(
        None, description="Replaces the criteria; versions the rubric if it has scores"
    )
    edit_version: int | None = Field(None, ge=0, description=VERSION_IN)


class AHPIn(InputSchema):
    pairwise: list[list[float]] = Field(
        ..., description="Square matrix of Saaty 1-9 comparisons, criteria in rubric order"
    )
    random_index: str = Field("saaty", description="saaty, saaty-2005 or donegan-dodd")
    edit_version: int | None = Field(None, ge=0, description=VERSION_IN)


# Screenings


class ScreeningIn(InputSchema):
    title: str = Field(..., min_length=1, max_length=200)
    rubric: int = Field(..., description="Id of the rubric; its current version is used")
    gap: int | None = Field(None, description="Id of the capability gap screened for")
    aggregation: Screening.Aggregation = Screening.Aggregation.MEAN
    disagreement_threshold: float = Field(2.0, ge=0, le=4)


class ScreeningOut(Schema):
    id: int
    title: str
    rubric: int = Field(..., alias="rubric_version.rubric_id")
    rubric_version: int = Field(..., alias="rubric_version.number")
    gap: int | None = Field(None, alias="gap_id")
    aggregation: str
    disagreement_threshold: float
    status: str
    created_at: dt.datetime


class CandidateIn(InputSchema):
    organization: int | None = Field(None, description="Id of the organization")
    partnership: int | None = Field(None, description="Id of a partnership at screening")
    scan_candidate: int | None = Field(None, description="Id of a shortlisted scan candidate")


class ScreeningCandidateOut(Schema):
    id: int
    organization: int = Field(..., alias="organization_id")
    organization_name: str = Field(..., alias="organization.name")
    partnership: int | None = Field(None, alias="partnership_id")


class ReviewersIn(InputSchema):
    reviewers: list[str] = Field(..., description="Usernames")
    candidates: list[int] | None = Field(None, description="Candidate ids; all when omitted")


class AssignmentOut(Schema):
    id: int
    candidate: int = Field(..., alias="candidate_id")
    reviewer: str
    submitted_at: dt.datetime | None

    @staticmethod
    def resolve_reviewer(obj: Any) -> str:
        return obj.reviewer.get_username()


class ScoreIn(InputSchema):
    criterion: int = Field(..., description="Id of the criterion")
    score: int = Field(..., description="1 to 5")
    evidence: str = ""
    confidence: Assessment.Confidence = Assessment.Confidence.MEDIUM


class ScoresIn(InputSchema):
    scores: list[ScoreIn] = Field(default_factory=list)
    submit: bool = Field(False, description="Submit: every criterion must be scored")


class AssessmentOut(Schema):
    id: int
    candidate: int = Field(..., alias="assignment.candidate_id")
    reviewer: str
    criterion: int = Field(..., alias="criterion_id")
    score: int
    evidence: str
    confidence: str
    submitted: bool

    @staticmethod
    def resolve_reviewer(obj: Any) -> str:
        return obj.assignment.reviewer.get_username()

    @staticmethod
    def resolve_submitted(obj: Any) -> bool:
        return obj.assignment.submitted_at is not None


class RankingQuery(Schema):
    method: str = Field("topsis", pattern="^(topsis|wsm)$")
    normalization: str | None = Field(None, pattern="^(vector|minmax)$")
    samples: int = Field(0, ge=0, le=10000, description="Monte Carlo samples; 0 for none")
    concentration: float = Field(100.0, gt=0, le=100000)
    top_k: int = Field(3, ge=1, le=50)
    seed: int = Field(0, ge=0, le=2**32 - 1)


class RankingCriterion(Schema):
    id: int
    name: str
    weight: float
    direction: str


class RankingRow(Schema):
    candidate: int
    organization: str
    reviewers: int
    scores: list[float | None] = Field(
        ..., description="Aggregated score per criterion, in the order of `criteria`"
    )
    disagreements: list[str]
    knocked_out: list[str]
    score: float | None
    rank: int | None
    p_first: float | None
    p_top_k: float | None


class RankingOut(Schema):
    screening: int
    method: str
    normalization: str
    criteria: list[RankingCriterion]
    candidates: list[RankingRow]
    stability: str | None
    samples: int
    top_k: int
    notices: list[str]


class SweepChange(Schema):
    weight: float
    from_: str = Field(..., alias="from")
    to: str


class SweepOut(Schema):
    criterion: str
    current_weight: float | None = None
    weights: list[float] = Field(default_factory=list)
    series: dict[str, list[float]] = Field(default_factory=dict)
    leaders: list[str] = Field(default_factory=list)
    changes: list[SweepChange] = Field(default_factory=list)
