from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import model_validator

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.directory.organization_filter import with_current_names
from accord.scouting.models import Scan, ScanCandidate
from accord.scouting.relevance import BANDS, MEANINGS

Band = Literal["strong", "possible", "weak"]
BAND_HELP = (
    "How sure the match is, from its evidence (the need's words it shares, its closeness in "
    "meaning), not from the score: "
    + "; ".join(f"{band}: {MEANINGS[band]}" for band in BANDS)
    + "."
)
SCORE_HELP = "Orders the results (1 is first by every method); not a probability."
UNMATCHED_HELP = "The need's words (common words left out) that no result contains."


class Evidence(Schema):
    term: str = Field(..., description="A word of the need the organization's text contains")
    fields: list[str] = Field(..., description="Where: name, one-liner, tags, description")


class Reasons(Schema):
    found_by: list[str] = Field(..., description="Which retrievers found it: words, meaning")
    terms: list[str] = Field(..., description="Query words the organization's text contains")
    evidence: list[Evidence] = Field(default_factory=list, description="Each term and where")
    sentence: str = Field(..., description="The sentence of its description that matches best")
    lexical_rank: int | None = None
    semantic_rank: int | None = None
    similarity: float | None = Field(
        None, description="Cosine similarity to the need when found by meaning"
    )


class ScoutItem(Schema):
    id: int
    source: str | None
    external_id: str | None
    name: str
    band: Band = Field(..., description=BAND_HELP)
    score: float = Field(..., description=SCORE_HELP)
    reasons: Reasons


class ScoutOut(Schema):
    mode: str = Field(..., description="The mode that ran (words only when meaning is off)")
    notices: list[str]
    unmatched_terms: list[str] = Field(..., description=UNMATCHED_HELP)
    count: int
    items: list[ScoutItem]


class Filters(Schema):
    """The organization filter: the names, and the checks, of the directory list."""

    kind: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list, description="Two-letter ISO codes")
    stage: list[str] = Field(default_factory=list)
    size_band: list[str] = Field(default_factory=list)
    tag: list[str] = Field(default_factory=list, description="Tag slugs, all of which must match")
    founded_from: int | None = None
    founded_to: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _current_names(cls, data: Any) -> Any:
        # Ninja's own validator has wrapped the data before this one sees it.
        given = data._obj if isinstance(data, DjangoGetter) else data
        return with_current_names(given) if isinstance(given, Mapping) else data


class ScoutQuery(Filters):
    q: str = Field("", description="What you are looking for, in plain words")
    top: int = Field(20, ge=1, le=200)
    mode: Scan.Mode = Scan.Mode.HYBRID


class ScanIn(InputSchema):
    text: str | None = Field(None, description="The need; the gap's own text when omitted")
    gap: int | None = Field(None, description="Id of the capability gap scouted for")
    title: str = Field("", max_length=200)
    mode: Scan.Mode = Scan.Mode.HYBRID
    filters: Filters = Field(default_factory=Filters)
    top: int = Field(30, ge=1, le=200)


class ScanPatch(InputSchema):
    text: str = Text()
    title: str = Text(max_length=200)
    mode: Scan.Mode | None = None
    filters: Filters | None = None
    top: int | None = Field(None, ge=1, le=200)
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class ScanOut(Schema):
    id: int
    title: str
    gap: int | None = Field(..., alias="gap_id")
    text: str
    mode: str
    filters: dict[str, Any]
    top: int
    run_count: int
    last_run_at: dt.datetime | None
    notices: list[str]
    unmatched_terms: list[str] = Field(..., description=f"{UNMATCHED_HELP[:-1]} (last run).")
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime

    @staticmethod
    def resolve_filters(obj: Scan) -> dict[str, Any]:
        return dict(with_current_names(obj.filters))


class CandidateOut(Schema):
    id: int
    scan: int = Field(..., alias="scan_id")
    organization: int = Field(..., alias="organization_id")
    name: str
    rank: int
    band: Band | None = Field(..., description=f"{BAND_HELP} Null for a run made before bands.")
    score: float = Field(..., description=SCORE_HELP)
    reasons: dict[str, Any]
    status: str
    reject_reason: str
    partnership: int | None = Field(..., alias="partnership_id")
    is_new: bool
    in_latest_run: bool

    @staticmethod
    def resolve_name(obj: ScanCandidate) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_band(obj: ScanCandidate) -> str | None:
        band = (obj.reasons or {}).get("band")
        return band if band in BANDS else None

    @staticmethod
    def resolve_in_latest_run(obj: ScanCandidate) -> bool:
        return obj.last_run == obj.scan.run_count


class CandidateQuery(Schema):
    status: ScanCandidate.Status | None = None
    new: bool | None = Field(None, description="Only those found first by the latest run")


class RejectIn(InputSchema):
    reason: str = Field("", description="Why; required")


class PromoteIn(InputSchema):
    play: int | None = Field(None, description="Id of the play; the gap's only play by default")
    type: str | None = Field(None, description="Partnership type; the play's by default")
    title: str = Field("", max_length=200)


class PromoteOut(Schema):
    candidate: CandidateOut
    partnership: int


class IndexStatusOut(Schema):
    model: str
    available: bool
    reason: str | None
    built: bool
    embedded: int
    organizations: int
    built_at: dt.datetime | None
