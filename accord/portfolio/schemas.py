"""API shapes of the portfolio review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN
from accord.portfolio.models import Recommendation


class ReviewItemOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    partnership_title: str = Field(..., alias="partnership.title")
    recommendation: str
    rule: str = Field(..., description="The rule that fired; empty: none did (continue)")
    evidence: list[str]
    unevaluated: list[str]
    is_zombie: bool
    facts: dict[str, Any]
    decision: str
    rationale: str
    decided_at: dt.datetime | None
    version: int


class ReviewOut(Schema):
    id: int
    quarter: str
    created_at: dt.datetime

    @staticmethod
    def resolve_quarter(obj: Any) -> str:
        from accord.metrics.periods import label

        quarter = obj["quarter"] if isinstance(obj, dict) else obj.quarter
        return label(quarter)


class ReviewDetailOut(ReviewOut):
    items: list[ReviewItemOut]


class ReviewIn(InputSchema):
    quarter: str = Field(..., description="e.g. 2026Q3", max_length=20)


class DecisionIn(InputSchema):
    decision: Recommendation
    rationale: str = Text(min_length=1, max_length=5000)
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class OptimizerIn(InputSchema):
    budget: float = Field(..., ge=0)
    capacity: float = Field(..., ge=0, description="FTE the candidates chosen may commit")
    required: list[str] = Field(default_factory=list, description="Keys of options to include",
                                max_length=500)  # fmt: skip


class OptionOut(Schema):
    key: str = Field(..., description="play:ID, pilot:ID or partnership:ID")
    title: str
    cost: float
    fte: float
    gaps: list[int]
    adds: float | None = Field(None, description="Weight lost if it were left out")


class PlanOut(Schema):
    value: float = Field(..., description="Importance-weighted gap coverage of the choice")
    possible: float
    cost: float
    fte: float
    chosen: list[OptionOut]
    binding: list[str]
    relaxed: dict[str, float] = Field(..., description="What a fifth more of a limit would add")
    problem: str
