"""The strategy API's typed input and output (ninja Schemas, published in the OpenAPI spec)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.strategy.models import (
    CapabilityGap,
    PartnershipPlay,
    PartnershipType,
    StrategicPriority,
)

# Output


class UserRef(Schema):
    id: int
    username: str


class PriorityRef(Schema):
    id: int
    title: str


class PriorityOut(Schema):
    id: int
    title: str
    description: str
    horizon_year: int
    owner: UserRef | None
    weight: int
    status: str
    position: int
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime
    updated_at: dt.datetime


class GapOut(Schema):
    id: int
    priority: PriorityRef
    title: str
    kind: str
    importance: int
    description: str
    target_date: dt.date | None
    status: str
    position: int
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime
    updated_at: dt.datetime


class PlayOut(Schema):
    id: int
    title: str
    type: str
    gaps: list[int] = Field(..., description="Ids of the capability gaps the play addresses")
    objective: str
    budget: Decimal | None
    owner: UserRef | None
    status: str
    position: int
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_gaps(obj: PartnershipPlay) -> list[int]:
        return [gap.pk for gap in obj.gaps.all()]


# Input. Every field of a PATCH schema is optional; only the fields sent are changed.


class PriorityFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    description: str = Text()
    horizon_year: int | None = Field(None, description="This year to 15 years ahead, on create")
    owner: int | None = Field(None, description="Id of an internal user")
    weight: int | None = Field(None, ge=1, le=100)
    status: StrategicPriority.Status | None = None


class PriorityPatch(PriorityFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class PriorityIn(PriorityFields):
    title: str = Field(..., min_length=1, max_length=200)
    horizon_year: int = Field(..., description="This year to 15 years ahead")


class GapFields(InputSchema):
    priority: int | None = Field(None, description="Id of the strategic priority")
    title: str = Text(min_length=1, max_length=200)
    kind: CapabilityGap.Kind | None = None
    importance: int | None = Field(None, ge=1, le=5)
    description: str = Text()
    target_date: dt.date | None = Field(None, description="Not in the past, on create")
    status: CapabilityGap.Status | None = None


class GapPatch(GapFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class GapIn(GapFields):
    priority: int = Field(..., description="Id of the strategic priority")
    title: str = Field(..., min_length=1, max_length=200)


class PlayFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    type: PartnershipType | None = None
    gaps: list[int] | None = Field(None, description="Ids of the capability gaps it addresses")
    objective: str = Text()
    budget: Decimal | None = Field(
        None, description="Zero or more", max_digits=14, decimal_places=2
    )
    owner: int | None = Field(None, description="Id of an internal user")
    status: PartnershipPlay.Status | None = None


class PlayPatch(PlayFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class PlayIn(PlayFields):
    title: str = Field(..., min_length=1, max_length=200)
    type: PartnershipType


# Filters


class PriorityFilters(Schema):
    status: list[StrategicPriority.Status] = Field(default_factory=list)


class GapFilters(Schema):
    priority: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of the priority")
    kind: list[CapabilityGap.Kind] = Field(default_factory=list)
    status: list[CapabilityGap.Status] = Field(default_factory=list)
    min_importance: int | None = Field(None, ge=1, le=5)


class PlayFilters(Schema):
    status: list[PartnershipPlay.Status] = Field(default_factory=list)
    type: list[PartnershipType] = Field(default_factory=list)
    gap: int | None = Field(None, ge=1, le=2**63 - 1, description="Id of a gap it addresses")
