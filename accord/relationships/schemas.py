"""API shapes of interactions, connections and introduction paths."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.relationships.models import Connection, Interaction


class PersonRef(Schema):
    id: int
    name: str = Field(..., alias="full_name")
    organization: int | None = Field(None, alias="organization_id")


class AttendeeOut(Schema):
    person: PersonRef
    ours: bool = Field(..., alias="is_ours")


class InteractionOut(Schema):
    id: int
    kind: str
    title: str
    occurred_at: dt.datetime
    summary: str
    sentiment: str
    follow_ups: str
    initiated_by: str
    is_executive: bool
    is_private: bool
    partnership: int | None = Field(None, alias="partnership_id")
    source: str
    attendees: list[AttendeeOut]
    organizations: list[int]
    version: int = Field(..., description=VERSION_OUT)

    @staticmethod
    def resolve_attendees(obj: Interaction) -> list[object]:
        return list(obj.attendees.all())

    @staticmethod
    def resolve_organizations(obj: Interaction) -> list[int]:
        return [o.pk for o in obj.organizations.all()]


# An id the database can hold: a larger one is refused (422), not passed on to fail there.
RowId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class InteractionFields(InputSchema):
    kind: Interaction.Kind | None = None
    title: str = Text(min_length=1, max_length=200)
    occurred_at: dt.datetime | None = None
    summary: str = Text()
    sentiment: Interaction.Sentiment | None = None
    follow_ups: str = Text()
    initiated_by: Interaction.Initiator | None = None
    is_executive: bool | None = None
    is_private: bool | None = None
    partnership: RowId | None = Field(None, description="The partnership's id, if any.")
    attendees: list[RowId] | None = Field(None, description="People's ids, ours and theirs.")
    organizations: list[RowId] | None = Field(
        None, description="Organizations' ids; by default those of the attendees not ours."
    )


class InteractionIn(InteractionFields):
    kind: Interaction.Kind
    title: str = Field(..., min_length=1, max_length=200)
    occurred_at: dt.datetime
    attendees: list[RowId] = Field(..., min_length=1, description="People's ids.")


class InteractionPatch(InteractionFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


ID = Field(None, ge=1, le=2**63 - 1)


class InteractionFilters(Schema):
    organization: int | None = ID
    person: int | None = ID
    partnership: int | None = ID


class ConnectionOut(Schema):
    id: int
    person_a: PersonRef
    person_b: PersonRef
    strength: int | None
    score: int
    source: str
    last_contact: dt.date | None
    note: str


class ConnectionIn(InputSchema):
    person: int
    other: int
    strength: int | None = Field(None, ge=0, le=100, description="0-100, as stated.")
    source: Connection.Source | None = None
    last_contact: dt.date | None = None
    note: str = Text(max_length=300)


class ConnectionFilters(Schema):
    person: int | None = ID


class PathPersonOut(Schema):
    id: int
    name: str
    organization: str | None
    ours: bool


class PathOut(Schema):
    strength: int
    links: list[int]
    people: list[PathPersonOut]


class IntroductionsOut(Schema):
    paths: list[PathOut]
    closest: list[PathPersonOut] = Field(
        ..., description="With no path: the target's people with the most links."
    )


class CadenceRuleOut(Schema):
    id: int
    name: str
    partnership_type: str
    stage: str
    every_days: int
    is_active: bool


class CadenceRuleIn(InputSchema):
    name: str = Field(..., min_length=1, max_length=120)
    partnership_type: str = Text(max_length=20, description="Empty: any type.")
    stage: str = Text(max_length=20, description="Empty: any open stage.")
    every_days: int = Field(..., ge=1, le=3650)
    is_active: bool | None = None


class TouchpointOut(Schema):
    partnership: int
    title: str
    stage: str
    sponsor: str | None
    rule: str
    every_days: int
    last_executive_touchpoint: dt.datetime | None
    days_since: int | None
    overdue_days: int


class StrengthOut(Schema):
    score: int = Field(..., description="0-100, from what is known now")
    reasons: list[str] = Field(..., description="What raised or lowered it")
