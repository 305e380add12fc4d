"""The partnerships API's typed input and output (ninja Schemas, published in the OpenAPI spec).

Two families of output: the internal one (`Partnership*Out`), and the partner workspace's
(`Workspace*Out`), which carries only what is shared with a partner: never values, budgets,
internal notes or the other parties.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from accord.accounts.models import User
from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.directory.schemas import tag_names
from accord.partnerships.models import PartnershipParty, Stage, Visibility
from accord.strategy.models import PartnershipType

UserRef = int | str  # a user's id or username


def _username(user: User | None) -> str | None:
    return user.get_username() if user is not None else None


# Output


class OrganizationRef(Schema):
    id: int
    name: str


class PartyOut(Schema):
    id: int
    organization: OrganizationRef
    role: str


class GapRef(Schema):
    id: int
    title: str


class TagRef(Schema):
    id: int
    name: str
    slug: str


class PlayRef(Schema):
    id: int
    title: str


class UserOut(Schema):
    id: int
    username: str


class PartnershipOut(Schema):
    id: int
    title: str
    type: str
    stage: str
    stage_version: int
    version: int = Field(..., description=VERSION_OUT)
    parties: list[PartyOut]
    gaps: list[GapRef]
    tags: list[TagRef]
    play: PlayRef | None
    owner: UserOut | None
    executive_sponsor: UserOut | None
    value_for_us: str
    value_for_partner: str
    signed_on: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    renewal_notice_days: int | None
    ip_terms: str
    exclusivity: str
    nda_signed_on: dt.date | None
    nda_expires_on: dt.date | None
    budget: Decimal | None
    committed_fte: Decimal | None
    next_review_date: dt.date | None
    deal_value: Decimal | None
    expected_close: dt.date | None
    is_confidential: bool
    equity_split: str
    fees: str
    working_groups: str
    voting_rules: str
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime

    # The lists prefetched for the reader (selectors.partnership_list, api._rows)
    @staticmethod
    def resolve_parties(partnership: Any) -> list[Any]:
        return list(partnership.visible_parties)

    @staticmethod
    def resolve_gaps(partnership: Any) -> list[Any]:
        return list(partnership.visible_gaps)

    @staticmethod
    def resolve_tags(partnership: Any) -> list[Any]:
        return list(partnership.visible_tags)


class TransitionOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    actor_name: str
    at: dt.datetime
    reason: str
    checklist: list[str]


class CommentOut(Schema):
    id: int
    author: str | None
    body: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return _username(obj.author)


def _shared_with(obj: Any) -> list[int]:
    return [party.organization_id for party in obj.shared_with.all()]


SHARED_WITH_OUT = "Organization ids of the parties it is shared with (a partner: its own only)"


class NoteOut(Schema):
    id: int
    author: str | None
    body: str
    visibility: str
    shared_with: list[int] = Field(..., description=SHARED_WITH_OUT)
    created_at: dt.datetime
    comments: list[CommentOut]

    @staticmethod
    def resolve_author(obj: Any) -> str | None:
        return _username(obj.author)

    @staticmethod
    def resolve_shared_with(obj: Any) -> list[int]:
        return _shared_with(obj)


class DocumentOut(Schema):
    id: int
    title: str
    content_type: str
    size: int
    visibility: str
    shared_with: list[int] = Field(..., description=SHARED_WITH_OUT)
    uploaded_by: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> str | None:
        return _username(obj.uploaded_by)

    @staticmethod
    def resolve_shared_with(obj: Any) -> list[int]:
        return _shared_with(obj)


class CoveragePriority(Schema):
    id: int
    title: str


class CoverageByStage(Schema):
    """How many of the gap's partnerships are at each pipeline stage."""

    candidate: int
    screening: int
    engaging: int
    negotiating: int
    piloting: int
    active: int
    renewal_review: int


class GapCoverageOut(Schema):
    id: int
    title: str
    kind: str
    importance: int
    priority: CoveragePriority
    status: str = Field(..., description="uncovered, thin or covered")
    coverage: float = Field(..., description="0 to 1: the stage weights of its partnerships")
    exposure: float = Field(..., description="importance * (1 - coverage)")
    partnerships: int = Field(..., description="How many partnerships cover it")
    by_stage: CoverageByStage


# The partner workspace: shared fields only.


class WorkspacePartnershipRef(Schema):
    id: int
    title: str
    type: str
    stage: str
    role: str = Field(..., description="The caller's own organization's role in it")


class WorkspacePartnershipOut(WorkspacePartnershipRef):
    notes: list[NoteOut] = Field(..., description="Shared notes with their comments")
    documents: list[DocumentOut] = Field(..., description="Shared documents")


# Input. Every field of a PATCH schema is optional; only the fields sent are changed.


class PartyIn(InputSchema):
    organization: int | str = Field(..., description="Organization id or SOURCE:EXTERNAL_ID")
    role: PartnershipParty.Role = PartnershipParty.Role.PARTNER


class PartnershipFields(InputSchema):
    title: str = Text(min_length=1, max_length=200)
    type: PartnershipType | None = None
    parties: list[PartyIn] | None = Field(None, description="Replaces the parties when given")
    gaps: list[int] | None = Field(None, description="Ids of capability gaps")
    tags: list[str] | None = Field(None, description="Tag names; missing tags are created")
    play: int | None = Field(None, description="Id of the partnership play")
    owner: UserRef | None = Field(None, description="Username or id of an internal user")
    executive_sponsor: UserRef | None = Field(None, description="Username or id")
    team: list[UserRef] | None = Field(None, description="Usernames or ids")
    value_for_us: str = Text()
    value_for_partner: str = Text()
    signed_on: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    renewal_notice_days: int | None = Field(None, ge=0, le=3650)
    ip_terms: str = Text()
    exclusivity: str = Text(max_length=300)
    nda_signed_on: dt.date | None = None
    nda_expires_on: dt.date | None = None
    budget: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    committed_fte: Decimal | None = Field(None, ge=0, max_digits=6, decimal_places=1)
    next_review_date: dt.date | None = None
    deal_value: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    expected_close: dt.date | None = None
    is_confidential: bool | None = None
    equity_split: str = Text(max_length=300)
    fees: str = Text(max_length=300)
    working_groups: str = Text()
    voting_rules: str = Text()
    notes: str = Text()

    _check_tags = field_validator("tags")(tag_names)


class PartnershipPatch(PartnershipFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class PartnershipIn(PartnershipFields):
    title: str = Field(..., min_length=1, max_length=200)
    type: PartnershipType


class TransitionIn(InputSchema):
    to_stage: Stage
    reason: str = Field("", max_length=5000)
    confirmed: list[str] = Field(default_factory=list, description="Checklist items confirmed")
    expected_version: int | None = Field(
        None, description="The stage_version read; a move made meanwhile answers 409"
    )


SHARED_WITH_IN = (
    'A shared item\'s parties: organization ids, or "all" (a consortium sharing with every '
    "party); default: the only party"
)


class NoteIn(InputSchema):
    # Optional here so that a caller who may not see the partnership gets 404, not 422.
    body: str = Field("", max_length=20_000)
    visibility: Visibility = Visibility.INTERNAL
    shared_with: list[int] | Literal["all"] | None = Field(None, description=SHARED_WITH_IN)


class WorkspaceNoteIn(InputSchema):
    body: str = Field("", max_length=20_000)


# Filters


class PartnershipFilters(Schema):
    stage: list[Stage] = Field(default_factory=list)
    type: list[PartnershipType] = Field(default_factory=list)
    organization: int | None = Field(None, description="Id of a party organization")
    gap: int | None = Field(None, description="Id of a capability gap addressed")
    tag: list[str] = Field(default_factory=list, description="Tag slugs; each must be carried")
