"""Ventures API: funds, investments, option rights, cash flows and marks, and the returns of a
fund or an investment as of a day. Thin: reads through the selectors and the access policy,
writes through the services, access declared per operation with `@api_access`.

Funds, investments and option rights are edited (PATCH, with their version or If-Match);
cash flows and marks are recorded and deleted, as on the pages: a wrong one is removed and
recorded again."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page, filter_params, filtered
from accord.core.http import ApiRequest
from accord.core.policy import VENTURES_CHANGE, VENTURES_VIEW, get_visible_or_404, visible_to
from accord.directory.models import Organization
from accord.partnerships.models import Partnership
from accord.ventures import selectors, services
from accord.ventures.models import CashFlow, Fund, Investment, Mark, OptionRight
from accord.ventures.schemas import (
    AsOf,
    CashFlowFilters,
    CashFlowIn,
    CashFlowOut,
    FundFilters,
    FundIn,
    FundOut,
    FundPatch,
    InvestmentFilters,
    InvestmentIn,
    InvestmentOut,
    InvestmentPatch,
    MarkFilters,
    MarkIn,
    MarkOut,
    OptionRightFilters,
    OptionRightIn,
    OptionRightOut,
    OptionRightPatch,
    ReturnsOut,
)

router = Router(tags=["ventures"])


def _found(rows: QuerySet[Any], pk: int | None, field: str, what: str) -> Any:
    """The row of `rows` with id `pk`, or a refusal naming `field`; None stays None."""
    if pk is None:
        return None
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {what} you can see has id {pk}."})
    return found


def _data(actor: User, payload: Any) -> dict[str, Any]:
    """The fields the caller sent, ids resolved to rows the caller may see."""
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    lookups = {
        "fund": (selectors.fund_rows(actor), "fund"),
        "investment": (selectors.investment_rows(actor), "investment"),
        "organization": (visible_to(actor, Organization), "organization"),
        "partnership": (visible_to(actor, Partnership), "partnership"),
    }
    for field, (rows, what) in lookups.items():
        if field in data:
            data[field] = _found(rows, data[field], field, what)
    return data


def _tagged(response: HttpResponse, found: Any) -> Any:
    versions.tag_response(response, found)
    return found


def _as_of(query: AsOf) -> dt.date:
    return query.as_of or timezone.localdate()


def _returns(performance: selectors.Performance) -> dict[str, Any]:
    figures = performance.figures
    common = {"currency": performance.currency, "as_of": performance.as_of,
              "problem": performance.problem, "hidden": performance.hidden}  # fmt: skip
    if figures is None:
        problem = performance.problem or "The returns could not be computed."
        return {
            **common, "irr": None, "irr_roots": [], "moic": None, "tvpi": None, "dpi": None,
            "rvpi": None, "paid_in": None, "distributed": None, "nav": None, "notes": [],
            "undefined": {name: problem for name in ("irr", "moic", "tvpi", "dpi", "rvpi")},
        }  # fmt: skip
    return {
        **common, **figures.figures(), "irr_roots": list(figures.irr_roots),
        "paid_in": figures.paid_in, "distributed": figures.distributed, "nav": figures.nav,
        "undefined": dict(figures.undefined), "notes": list(figures.notes),
    }  # fmt: skip


# Funds -------------------------------------------------------------------------------------


@router.get("/funds", response=list[FundOut])
@api_access(VENTURES_VIEW)
@paginate(Page)
def fund_list(request: ApiRequest, filters: Query[FundFilters]):
    """Funds, latest vintage first."""
    return filtered(selectors.fund_list(request.auth, filter_params(filters)))


@router.get("/funds/{fund_id}", response=FundOut)
@api_access(VENTURES_VIEW, model=Fund)
def fund_get(request: ApiRequest, fund_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, get_visible_or_404(request.auth, Fund, pk=fund_id))


@router.post("/funds", response={201: FundOut})
@api_access(VENTURES_CHANGE)
def fund_create(request: ApiRequest, payload: FundIn):
    return Status(201, services.fund_create(actor=request.auth, data=_data(request.auth, payload)))


@router.patch("/funds/{fund_id}", response=FundOut, openapi_extra=EDIT_OPENAPI)
@api_access(VENTURES_CHANGE, model=Fund)
def fund_update(request: ApiRequest, fund_id: int, payload: FundPatch, response: HttpResponse):
    fund = get_visible_or_404(request.auth, Fund, pk=fund_id)
    expected = versions.expected_version(request, payload.version)
    services.fund_update(actor=request.auth, fund=fund, data=_data(request.auth, payload),
                         expected_version=expected)  # fmt: skip
    return _tagged(response, fund)


@router.get("/funds/{fund_id}/returns", response=ReturnsOut)
@api_access(VENTURES_VIEW, model=Fund)
def fund_returns(request: ApiRequest, fund_id: int, query: Query[AsOf]):
    """IRR and multiples of the fund as of a day, in the base currency, as its page shows
    them: capital calls and distributions, or without calls the money invested and fees;
    investments of confidential partnerships the caller is not on are left out (`hidden`)."""
    fund = get_visible_or_404(request.auth, Fund, pk=fund_id)
    return _returns(selectors.fund_returns(request.auth, fund, _as_of(query)))


# Investments -------------------------------------------------------------------------------


def _investment(request: ApiRequest, pk: int) -> Investment:
    found = selectors.investment_rows(request.auth).filter(pk=pk).first()
    if found is None:
        raise Http404("No investment matches the given query.")
    return found


@router.get("/investments", response=list[InvestmentOut])
@api_access(VENTURES_VIEW)
@paginate(Page)
def investment_list(request: ApiRequest, filters: Query[InvestmentFilters]):
    """Investments, latest first; those of confidential partnerships only to their team."""
    return filtered(selectors.investment_list(request.auth, filter_params(filters)))


@router.get("/investments/{investment_id}", response=InvestmentOut)
@api_access(VENTURES_VIEW, model=Investment)
def investment_get(request: ApiRequest, investment_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _investment(request, investment_id))


@router.post("/investments", response={201: InvestmentOut})
@api_access(VENTURES_CHANGE)
def investment_create(request: ApiRequest, payload: InvestmentIn):
    """An investment of a fund in a company; its cash flow is recorded on its own."""
    data = _data(request.auth, payload)
    data.setdefault("currency", data["fund"].currency)
    investment = services.investment_create(actor=request.auth, data=data)
    return Status(201, _investment(request, investment.pk))


@router.patch("/investments/{investment_id}", response=InvestmentOut, openapi_extra=EDIT_OPENAPI)
@api_access(VENTURES_CHANGE, model=Investment)
def investment_update(
    request: ApiRequest, investment_id: int, payload: InvestmentPatch, response: HttpResponse
):
    """Its fund stays; every other field may change."""
    investment = get_visible_or_404(request.auth, Investment, pk=investment_id)
    expected = versions.expected_version(request, payload.version)
    services.investment_update(actor=request.auth, investment=investment,
                               data=_data(request.auth, payload),
                               expected_version=expected)  # fmt: skip
    return _tagged(response, _investment(request, investment_id))


@router.get("/investments/{investment_id}/returns", response=ReturnsOut)
@api_access(VENTURES_VIEW, model=Investment)
def investment_returns(request: ApiRequest, investment_id: int, query: Query[AsOf]):
    """IRR and multiples of the investment as of a day, in the base currency, from its own
    cash flows and its latest mark on or before that day (its cost until first marked)."""
    investment = _investment(request, investment_id)
    return _returns(selectors.investment_returns(request.auth, investment, _as_of(query)))


# Option rights -----------------------------------------------------------------------------


@router.get("/option-rights", response=list[OptionRightOut])
@api_access(VENTURES_VIEW)
@paginate(Page)
def option_right_list(request: ApiRequest, filters: Query[OptionRightFilters]):
    """Option rights, soonest deadline first."""
    return filtered(selectors.option_list(request.auth, filter_params(filters)))


@router.get("/option-rights/{option_right_id}", response=OptionRightOut)
@api_access(VENTURES_VIEW, model=OptionRight)
def option_right_get(request: ApiRequest, option_right_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, get_visible_or_404(request.auth, OptionRight, pk=option_right_id))


@router.post("/option-rights", response={201: OptionRightOut})
@api_access(VENTURES_CHANGE)
def option_right_create(request: ApiRequest, payload: OptionRightIn):
    option = services.option_create(actor=request.auth, data=_data(request.auth, payload))
    return Status(201, option)


@router.patch(
    "/option-rights/{option_right_id}", response=OptionRightOut, openapi_extra=EDIT_OPENAPI
)
@api_access(VENTURES_CHANGE, model=OptionRight)
def option_right_update(
    request: ApiRequest, option_right_id: int, payload: OptionRightPatch, response: HttpResponse
):
    """Its deadline, terms or status (exercised, waived, lapsed); its investment stays."""
    option = get_visible_or_404(request.auth, OptionRight, pk=option_right_id)
    expected = versions.expected_version(request, payload.version)
    services.option_update(actor=request.auth, option=option, data=_data(request.auth, payload),
                           expected_version=expected)  # fmt: skip
    return _tagged(response, option)


# Cash flows --------------------------------------------------------------------------------


@router.get("/cash-flows", response=list[CashFlowOut])
@api_access(VENTURES_VIEW)
@paginate(Page)
def cash_flow_list(request: ApiRequest, filters: Query[CashFlowFilters]):
    """Cash flows in date order."""
    return filtered(selectors.cash_flow_list(request.auth, filter_params(filters)))


@router.get("/cash-flows/{cash_flow_id}", response=CashFlowOut)
@api_access(VENTURES_VIEW, model=CashFlow)
def cash_flow_get(request: ApiRequest, cash_flow_id: int):
    return get_visible_or_404(request.auth, CashFlow, pk=cash_flow_id)


@router.post("/cash-flows", response={201: CashFlowOut})
@api_access(VENTURES_CHANGE)
def cash_flow_record(request: ApiRequest, payload: CashFlowIn):
    """Money that moved, as a positive amount of its kind. A flow of an investment belongs to
    its fund; a fund's own (capital calls, fees) names the fund and no investment."""
    data = _data(request.auth, payload)
    if data.get("fund") is None and data.get("investment") is None:
        raise ValidationError({"fund": "Name the fund, or the investment the money went into."})
    if data.get("fund") is None:
        data["fund"] = data["investment"].fund
    data.setdefault("currency", data["fund"].currency)
    return Status(201, services.cash_flow_record(actor=request.auth, data=data))


@router.delete("/cash-flows/{cash_flow_id}", response={204: None})
@api_access(VENTURES_CHANGE, model=CashFlow)
def cash_flow_delete(request: ApiRequest, cash_flow_id: int):
    flow = get_visible_or_404(request.auth, CashFlow, pk=cash_flow_id)
    services.cash_flow_delete(actor=request.auth, flow=flow)
    return HttpResponse(status=204)


# Marks -------------------------------------------------------------------------------------


@router.get("/marks", response=list[MarkOut])
@api_access(VENTURES_VIEW)
@paginate(Page)
def mark_list(request: ApiRequest, filters: Query[MarkFilters]):
    """Marks (fair values) in date order."""
    return filtered(selectors.mark_list(request.auth, filter_params(filters)))


@router.get("/marks/{mark_id}", response=MarkOut)
@api_access(VENTURES_VIEW, model=Mark)
def mark_get(request: ApiRequest, mark_id: int):
    return get_object_or_404(visible_to(request.auth, Mark), pk=mark_id)


@router.post("/marks", response={201: MarkOut})
@api_access(VENTURES_CHANGE)
def mark_record(request: ApiRequest, payload: MarkIn):
    """What an investment is worth on a day (one mark a day), not before the investment."""
    data = _data(request.auth, payload)
    data.setdefault("currency", data["investment"].currency)
    return Status(201, services.mark_record(actor=request.auth, data=data))


@router.delete("/marks/{mark_id}", response={204: None})
@api_access(VENTURES_CHANGE, model=Mark)
def mark_delete(request: ApiRequest, mark_id: int):
    mark = get_visible_or_404(request.auth, Mark, pk=mark_id)
    services.mark_delete(actor=request.auth, mark=mark)
    return HttpResponse(status=204)
