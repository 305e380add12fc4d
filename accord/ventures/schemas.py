"""The venture API's typed input and output (ninja Schemas, published in the OpenAPI spec).

Money is exact and in the currency of its row; returns are in the base currency. Values are
checked by the models and services (ownership a per cent, a currency with a rate on its day,
a mark not before its investment), which name the field refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import WithJsonSchema

from accord.core.schemas import InputSchema, Text
from accord.core.versions import VERSION_IN, VERSION_OUT
from accord.ventures.models import CashFlow, Investment, Mark, OptionRight

ID_MAX = 2**63 - 1  # beyond a 64-bit SQL integer the database errors out
CURRENCY = "ISO 4217 code, such as EUR; other than the base currency it needs a rate on its day"
CURRENCY_OF = "ISO 4217 code; by default the {}'s currency"


def _id(description: str) -> Any:
    return Field(..., ge=1, le=ID_MAX, description=description)


def _optional_id(description: str) -> Any:
    return Field(None, ge=1, le=ID_MAX, description=description)


def _money(default: Any = None) -> Any:
    """An amount as its column holds it: 16 digits and cents."""
    return Field(default, max_digits=18, decimal_places=2)


def _inline(choices: type[Enum]) -> WithJsonSchema:
    """The choices written out where used: the API's components name an enum by its class
    name, and every app has its own `Kind` and `Status`, which would overwrite each other."""
    return WithJsonSchema({"type": "string", "enum": [c.value for c in choices]})


Round = Annotated[Investment.Round, _inline(Investment.Round)]
Instrument = Annotated[Investment.Instrument, _inline(Investment.Instrument)]
Board = Annotated[Investment.Board, _inline(Investment.Board)]
InvestmentStatus = Annotated[Investment.Status, _inline(Investment.Status)]
OptionKind = Annotated[OptionRight.Kind, _inline(OptionRight.Kind)]
OptionStatus = Annotated[OptionRight.Status, _inline(OptionRight.Status)]
FlowKind = Annotated[CashFlow.Kind, _inline(CashFlow.Kind)]
MarkMethod = Annotated[Mark.Method, _inline(Mark.Method)]


# Output


class Ref(Schema):
    id: int
    name: str


class PartnershipRef(Schema):
    id: int
    title: str


class FundOut(Schema):
    id: int
    name: str
    currency: str
    committed_capital: Decimal
    vintage: int
    strategy: str
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime


class InvestmentOut(Schema):
    id: int
    fund: int = Field(..., alias="fund_id")
    organization: Ref
    partnership: PartnershipRef | None
    round: str
    instrument: str
    invested_on: dt.date
    amount: Decimal
    currency: str
    pre_money: Decimal | None
    post_money: Decimal | None
    ownership: Decimal | None = Field(..., description="Per cent held after the round")
    board: str
    status: str
    notes: str
    version: int = Field(..., description=VERSION_OUT)
    created_at: dt.datetime


class OptionRightOut(Schema):
    id: int
    investment: int = Field(..., alias="investment_id")
    kind: str
    deadline: dt.date | None
    status: str
    terms: str
    version: int = Field(..., description=VERSION_OUT)


class CashFlowOut(Schema):
    id: int
    fund: int = Field(..., alias="fund_id")
    investment: int | None = Field(..., alias="investment_id")
    kind: str = Field(..., description="capital_call, investment and fee are paid in; "
                                       "distribution is received")  # fmt: skip
    on: dt.date
    amount: Decimal = Field(..., description="Positive; the kind says which way it went")
    currency: str
    note: str
    recorded_at: dt.datetime


class MarkOut(Schema):
    id: int
    investment: int = Field(..., alias="investment_id")
    on: dt.date
    fair_value: Decimal
    currency: str
    method: str
    note: str
    recorded_at: dt.datetime


class ReturnsOut(Schema):
    irr: float | None = Field(..., description="XIRR, actual/365; null when undefined")
    irr_roots: list[float] = Field(..., description="Every rate that balances the flows")
    moic: float | None
    tvpi: float | None
    dpi: float | None
    rvpi: float | None
    paid_in: Decimal | None = Field(..., description="In `currency`; null without a rate")
    distributed: Decimal | None
    nav: Decimal | None = Field(..., description="Residual value on `as_of`")
    currency: str = Field(..., description="The base currency every figure is in")
    as_of: dt.date
    undefined: dict[str, str] = Field(..., description="Why each null figure is undefined")
    notes: list[str]
    problem: str | None = Field(..., description="Why nothing could be computed (a missing "
                                                 "exchange rate), else null")  # fmt: skip
    hidden: int = Field(..., description="Investments of confidential partnerships the caller "
                                         "is not on, left out of the figures")  # fmt: skip


# Input. Every field of a PATCH schema is optional; only the fields sent are changed.


class FundFields(InputSchema):
    name: str = Text(min_length=1, max_length=200)
    currency: str = Text(min_length=1, max_length=3, description=CURRENCY)
    committed_capital: Decimal | None = _money()
    vintage: int | None = Field(None, description="1950 to 2100")
    strategy: str = Text()


class FundIn(FundFields):
    name: str = Field(..., min_length=1, max_length=200)
    currency: str = Field(..., min_length=1, max_length=3, description=CURRENCY)
    committed_capital: Decimal = _money(...)
    vintage: int = Field(..., description="1950 to 2100")


class FundPatch(FundFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class InvestmentFields(InputSchema):
    organization: int | None = _optional_id("Id of the company in the directory")
    partnership: int | None = _optional_id("Id of the partnership it serves; null for none")
    round: Round | None = None
    instrument: Instrument | None = None
    invested_on: dt.date | None = None
    amount: Decimal | None = _money()
    currency: str = Text(min_length=1, max_length=3, description=CURRENCY_OF.format("fund"))
    pre_money: Decimal | None = _money()
    post_money: Decimal | None = _money()
    ownership: Decimal | None = Field(
        None, max_digits=7, decimal_places=4, description="Per cent held after the round, 0-100"
    )
    board: Board | None = None
    status: InvestmentStatus | None = None
    notes: str = Text()


class InvestmentIn(InvestmentFields):
    fund: int = _id("Id of the fund; for good")
    organization: int = _id("Id of the company in the directory")
    round: Round
    instrument: Instrument
    invested_on: dt.date
    amount: Decimal = _money(...)


class InvestmentPatch(InvestmentFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class OptionRightFields(InputSchema):
    kind: OptionKind | None = None
    deadline: dt.date | None = Field(None, description="When it must be used by")
    status: OptionStatus | None = None
    terms: str = Text()


class OptionRightIn(OptionRightFields):
    investment: int = _id("Id of the investment it came with")
    kind: OptionKind


class OptionRightPatch(OptionRightFields):
    version: int | None = Field(None, ge=0, description=VERSION_IN)


class CashFlowIn(InputSchema):
    fund: int | None = _optional_id("Id of the fund; by default the investment's")
    investment: int | None = _optional_id("Id of the investment; none for the fund's own")
    kind: FlowKind
    on: dt.date
    amount: Decimal = _money(...)
    currency: str = Text(min_length=1, max_length=3, description=CURRENCY_OF.format("fund"))
    note: str = Text(max_length=200)


class MarkIn(InputSchema):
    investment: int = _id("Id of the investment marked")
    on: dt.date = Field(..., description="Not before the investment")
    fair_value: Decimal = _money(...)
    currency: str = Text(min_length=1, max_length=3, description=CURRENCY_OF.format("investment"))
    method: MarkMethod
    note: str = Text(max_length=200)


# Filters


class FundFilters(Schema):
    vintage: int | None = Field(None, ge=1950, le=2100)
    currency: str | None = Field(None, max_length=3)


class InvestmentFilters(Schema):
    fund: int | None = _optional_id("Id of the fund")
    organization: int | None = _optional_id("Id of the company")
    partnership: int | None = _optional_id("Id of the partnership")
    round: list[Round] = Field(default_factory=list)
    instrument: list[Instrument] = Field(default_factory=list)
    status: list[InvestmentStatus] = Field(default_factory=list)


class OptionRightFilters(Schema):
    fund: int | None = _optional_id("Id of the fund")
    investment: int | None = _optional_id("Id of the investment")
    kind: list[OptionKind] = Field(default_factory=list)
    status: list[OptionStatus] = Field(default_factory=list)
    due_by: dt.date | None = Field(None, description="A deadline on or before this day")


class CashFlowFilters(Schema):
    fund: int | None = _optional_id("Id of the fund")
    investment: int | None = _optional_id("Id of the investment")
    kind: list[FlowKind] = Field(default_factory=list)
    since: dt.date | None = None
    until: dt.date | None = None


class MarkFilters(Schema):
    fund: int | None = _optional_id("Id of the fund")
    investment: int | None = _optional_id("Id of the investment")
    since: dt.date | None = None
    until: dt.date | None = None


class AsOf(Schema):
    as_of: dt.date | None = Field(None, description="The day measured on (YYYY-MM-DD); today "
                                                    "by default")  # fmt: skip
