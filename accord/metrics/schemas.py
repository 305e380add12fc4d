"""API shapes of KPIs, targets, observations, costs, exchange rates and ROI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.metrics.models import CostEntry, Kpi, Observation

MONEY = Field(None, max_digits=18, decimal_places=4)
CURRENCY = "ISO 4217 code, for money only"
JOINT = "Joint KPI: the partner of each partnership tracking it sees its targets and values"
SHARED = (
    "The partner's users see the averages per question and side, the gap and their own side's "
    "comments; never who answered, never our comments"
)


class KpiOut(Schema):
    id: int
    name: str
    category: str
    unit: str
    is_money: bool
    is_benefit: bool
    direction: str
    aggregation: str
    figure: str
    description: str
    is_active: bool
    is_joint: bool = Field(..., description=JOINT)
    version: int = Field(..., description=VERSION_OUT)


class KpiFields(InputSchema):
    name: str = Text(min_length=1, max_length=120)
    category: Kpi.Category | None = None
    unit: str = Text(min_length=1, max_length=30)
    is_money: bool | None = None
    is_benefit: bool | None = None
    direction: Kpi.Direction | None = None
    aggregation: Kpi.Aggregation | None = None
    figure: Kpi.Figure | Literal[""] | None = Field(
        None, description="The portfolio figure its values add up to; empty: none."
    )
    description: str = Text()
    is_joint: bool | None = Field(None, description=JOINT)


class KpiIn(KpiFields):
    name: str = Field(..., min_length=1, max_length=120)
    category: Kpi.Category
    unit: str = Field(..., min_length=1, max_length=30)
    is_joint: bool = Field(False, description=JOINT)


class KpiPatch(KpiFields):
    is_active: bool | None = None
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class RateOut(Schema):
    id: int
    currency: str
    valid_from: dt.date
    rate: Decimal


class RateIn(InputSchema):
    currency: str = Field(..., min_length=1, max_length=3)
    valid_from: dt.date
    rate: Decimal = Field(..., max_digits=18, decimal_places=8)


class CompanyRevenueOut(Schema):
    id: int
    quarter: str
    amount: Decimal
    currency: str

    @staticmethod
    def resolve_quarter(obj: object) -> str:
        from accord.metrics.periods import label

        return label(obj.quarter)  # type: ignore[attr-defined]


class CompanyRevenueIn(InputSchema):
    quarter: str = Field(..., min_length=1, max_length=6, description="e.g. 2026Q3")
    amount: Decimal = Field(..., max_digits=18, decimal_places=2)
    currency: str = Field(..., min_length=1, max_length=3)


class QuarterImpactOut(Schema):
    quarter: str = Field(..., alias="label")
    projected: Decimal
    revenue: Decimal
    savings: Decimal
    actual: Decimal
    company_revenue: Decimal | None
    share_percent: Decimal | None = Field(..., alias="share")
    patents: Decimal
    prototypes: Decimal
    time_to_market: Decimal | None


class ImpactOut(Schema):
    currency: str
    quarters: list[QuarterImpactOut]
    time_to_market_change_percent: Decimal | None = Field(..., alias="time_to_market_change")
    problems: list[str]


class TargetOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    kpi: int = Field(..., alias="kpi_id")
    quarter: str
    value: Decimal
    currency: str

    @staticmethod
    def resolve_quarter(obj: object) -> str:
        from accord.metrics.periods import label

        return label(obj.quarter)  # type: ignore[attr-defined]


class TargetIn(InputSchema):
    partnership: int
    kpi: int
    quarter: str = Field(..., description="e.g. 2026Q4", max_length=10)
    value: Decimal = Field(..., max_digits=18, decimal_places=4)
    currency: str = Text(max_length=3, description=CURRENCY)


class ObservationOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    kpi: int = Field(..., alias="kpi_id")
    observed_on: dt.date
    value: Decimal
    currency: str
    attribution: str
    note: str
    source: str
    recorded_at: dt.datetime


class ObservationIn(InputSchema):
    partnership: int
    kpi: int
    observed_on: dt.date
    value: Decimal = Field(..., max_digits=18, decimal_places=4)
    currency: str = Text(max_length=3, description=CURRENCY)
    attribution: Observation.Attribution = Observation.Attribution.NONE
    note: str = Text(max_length=300)


class ObservationFilters(Schema):
    partnership: int | None = None
    kpi: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


class CostOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    spent_on: dt.date
    kind: str
    amount: Decimal
    currency: str
    description: str


class CostIn(InputSchema):
    partnership: int
    spent_on: dt.date
    kind: CostEntry.Kind = CostEntry.Kind.MONEY
    amount: Decimal = Field(..., max_digits=18, decimal_places=2)
    currency: str = Text(max_length=3, description=CURRENCY)
    description: str = Text(max_length=300)


class PartnershipFilter(Schema):
    partnership: int | None = None


class RoiOut(Schema):
    currency: str
    benefits: Decimal
    costs: Decimal
    fte_months: Decimal
    sourced: Decimal
    influenced: Decimal
    ratio: Decimal | None = Field(..., description="(benefits - costs) / costs; none without costs")
    formula: str
    problems: list[str]


class QuarterOut(Schema):
    quarter: str
    actual: Decimal | None
    target: Decimal | None
    met: bool | None
    problem: str


class ScorecardLineOut(Schema):
    kpi: int
    name: str
    unit: str = Field(..., description="Money in the base currency")
    quarters: list[QuarterOut]


class SurveyRoundOut(Schema):
    id: int
    partnership: int = Field(..., alias="partnership_id")
    title: str
    created_at: dt.datetime
    closes_at: dt.datetime
    results_shared: bool = Field(..., description=SHARED)


class SurveyRoundIn(InputSchema):
    partnership: int
    title: str = Field(..., min_length=1, max_length=200)
    closes_at: dt.datetime = Field(..., description="When the links stop working (60 days at most)")
    ours: list[str] = Field(..., description="E-mail addresses of our people", max_length=200)
    theirs: list[str] = Field(..., description="E-mail addresses of the partner's people",
                              max_length=200)  # fmt: skip
    results_shared: bool = Field(False, description=SHARED)


class SharingIn(InputSchema):
    results_shared: bool = Field(..., description=SHARED)


class QuestionResultOut(Schema):
    question: str
    text: str
    ours: Decimal | None
    theirs: Decimal | None
    gap: Decimal | None = Field(..., description="Ours minus the partner's")


class RoundResultOut(Schema):
    round: int
    ours: Decimal | None
    theirs: Decimal | None
    gap: Decimal | None
    asked: dict[str, int]
    answered: dict[str, int]
    questions: list[QuestionResultOut]
