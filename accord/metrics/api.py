"""Metrics API: the KPI library, exchange rates, a partnership's targets, observations and
costs, its scorecard and ROI. Thin: reads through selectors and the access policy, writes
through services, access declared per operation with `@api_access`."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import (
    METRICS_DEFINE,
    PARTNERSHIP_CHANGE,
    PARTNERSHIP_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.metrics import periods, selectors, services, surveys
from accord.metrics.models import CompanyRevenue, Kpi, Observation, SurveyRound
from accord.metrics.money import base_currency
from accord.metrics.schemas import (
    CompanyRevenueIn,
    CompanyRevenueOut,
    CostIn,
    CostOut,
    ImpactOut,
    KpiIn,
    KpiOut,
    KpiPatch,
    ObservationFilters,
    ObservationIn,
    ObservationOut,
    PartnershipFilter,
    RateIn,
    RateOut,
    RoiOut,
    RoundResultOut,
    ScorecardLineOut,
    SharingIn,
    SurveyRoundIn,
    SurveyRoundOut,
    TargetIn,
    TargetOut,
)
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

router = Router(tags=["metrics"])


def _partnership(actor: User, pk: int) -> Partnership:
    found = visible_to(actor, Partnership).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"partnership": f"No partnership has id {pk}."})
    return found


def _kpi(actor: User, pk: int) -> Kpi:
    found = selectors.kpi_rows(actor).filter(pk=pk).first()
    if found is None:
        raise ValidationError({"kpi": f"No KPI has id {pk}."})
    return found


@router.get("/kpis", response=list[KpiOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def kpi_list(request: ApiRequest):
    return selectors.kpi_rows(request.auth)


@router.get("/kpis/{kpi_id}", response=KpiOut)
@api_access(PARTNERSHIP_VIEW, model=Kpi)
def kpi_get(request: ApiRequest, kpi_id: int, response: HttpResponse):
    kpi = get_visible_or_404(request.auth, Kpi, pk=kpi_id)
    versions.tag_response(response, kpi)
    return kpi


@router.post("/kpis", response={201: KpiOut})
@api_access(METRICS_DEFINE)
def kpi_create(request: ApiRequest, payload: KpiIn):
    return Status(201, services.kpi_create(actor=request.auth, data=payload.model_dump()))


@router.patch("/kpis/{kpi_id}", response=KpiOut, openapi_extra=EDIT_OPENAPI)
@api_access(METRICS_DEFINE, model=Kpi)
def kpi_update(request: ApiRequest, kpi_id: int, payload: KpiPatch, response: HttpResponse):
    kpi = get_visible_or_404(request.auth, Kpi, pk=kpi_id)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    expected = versions.expected_version(request, payload.version)
    saved = services.kpi_update(actor=request.auth, kpi=kpi, data=data, expected_version=expected)
    versions.tag_response(response, saved)
    return saved


@router.get("/exchange-rates", response=list[RateOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def rate_list(request: ApiRequest):
    """One unit of each currency in the base currency (ACCORD_BASE_CURRENCY), from a day on."""
    return selectors.rate_rows(request.auth)


@router.post("/exchange-rates", response={201: RateOut})
@api_access(METRICS_DEFINE)
def rate_set(request: ApiRequest, payload: RateIn):
    return Status(201, services.rate_set(actor=request.auth, **payload.model_dump()))


@router.get("/company-revenues", response=list[CompanyRevenueOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def companyrevenue_list(request: ApiRequest):
    """The whole company's revenue per quarter, latest first."""
    return visible_to(request.auth, CompanyRevenue)


@router.post("/company-revenues", response={201: CompanyRevenueOut})
@api_access(METRICS_DEFINE)
def companyrevenue_set(request: ApiRequest, payload: CompanyRevenueIn):
    """Record (or correct) the company's revenue in a quarter."""
    return Status(201, services.company_revenue_set(actor=request.auth, **payload.model_dump()))


@router.get("/impact", response=ImpactOut)
@api_access(PARTNERSHIP_VIEW)
def portfolio_impact(request: ApiRequest):
    """The last eight complete quarters: revenue from partnered innovation and its share of the
    company's, savings, patents, prototypes, time to market, and projected against actual."""
    last = periods.last_complete()
    found = selectors.impact(request.auth, last=last)
    return {"currency": base_currency(), "quarters": found.quarters, "problems": found.problems,
            "time_to_market_change": found.time_to_market_change}  # fmt: skip


@router.get("/kpi-targets", response=list[TargetOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def target_list(request: ApiRequest, filters: Query[PartnershipFilter]):
    rows = selectors.target_rows(request.auth)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows.order_by("partnership_id", "quarter", "kpi__name")


@router.post("/kpi-targets", response={201: TargetOut})
@api_access(PARTNERSHIP_CHANGE)
def target_set(request: ApiRequest, payload: TargetIn):
    """Set (or change) a partnership's target of a KPI for a quarter."""
    target = services.target_set(
        actor=request.auth, partnership=_partnership(request.auth, payload.partnership),
        kpi=_kpi(request.auth, payload.kpi), quarter=payload.quarter, value=payload.value,
        currency=payload.currency,
    )  # fmt: skip
    return Status(201, target)


@router.get("/observations", response=list[ObservationOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def observation_list(request: ApiRequest, filters: Query[ObservationFilters]):
    rows = selectors.observation_rows(request.auth)
    lookups: dict[str, Any] = {
        "partnership_id": filters.partnership, "kpi_id": filters.kpi,
        "observed_on__gte": filters.since, "observed_on__lte": filters.until,
    }  # fmt: skip
    rows = rows.filter(**{k: v for k, v in lookups.items() if v is not None})
    return rows.order_by("observed_on", "id")


@router.post("/observations", response={201: ObservationOut})
@api_access(PARTNERSHIP_CHANGE)
def observation_record(request: ApiRequest, payload: ObservationIn):
    """Record a KPI's value for a partnership on a day; money with its currency."""
    data = payload.model_dump(exclude={"partnership", "kpi"})
    observation = services.observation_record(
        actor=request.auth, partnership=_partnership(request.auth, payload.partnership),
        kpi=_kpi(request.auth, payload.kpi), source=Observation.Source.API, **data,
    )  # fmt: skip
    return Status(201, observation)


@router.get("/cost-entries", response=list[CostOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def cost_list(request: ApiRequest, filters: Query[PartnershipFilter]):
    rows = selectors.cost_rows(request.auth)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows.order_by("spent_on", "id")


@router.post("/cost-entries", response={201: CostOut})
@api_access(PARTNERSHIP_CHANGE)
def cost_record(request: ApiRequest, payload: CostIn):
    partnership = _partnership(request.auth, payload.partnership)
    data = payload.model_dump(exclude={"partnership"})
    return Status(201, services.cost_record(actor=request.auth, partnership=partnership,
                                            data=data))  # fmt: skip


@router.get("/partnerships/{partnership_id}/roi", response=RoiOut)
@api_access(PARTNERSHIP_VIEW, model=Partnership)
def partnership_roi(request: ApiRequest, partnership_id: int):
    """Benefits, costs and the ROI with its formula, in the base currency."""
    partnership = partnership_selectors.partnership_detail(request.auth, partnership_id)
    return selectors.roi(request.auth, partnership).as_dict()


@router.get("/partnerships/{partnership_id}/scorecard", response=list[ScorecardLineOut])
@api_access(PARTNERSHIP_VIEW, model=Partnership)
def partnership_scorecard(request: ApiRequest, partnership_id: int):
    """Each KPI's last eight quarters: the actual by its aggregation, against its target."""
    partnership = partnership_selectors.partnership_detail(request.auth, partnership_id)
    return [
        {"kpi": line.kpi.pk, "name": line.kpi.name, "unit": line.unit,
         "quarters": [{"quarter": c.label, "actual": c.actual, "target": c.target,
                       "met": c.met, "problem": c.problem} for c in line.cells]}
        for line in selectors.scorecard(request.auth, partnership)
    ]  # fmt: skip


@router.get("/survey-rounds", response=list[SurveyRoundOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def survey_round_list(request: ApiRequest, filters: Query[PartnershipFilter]):
    rows = selectors.survey_rows(request.auth)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    return rows


@router.post("/survey-rounds", response={201: SurveyRoundOut})
@api_access(PARTNERSHIP_CHANGE)
def survey_round_open(request: ApiRequest, payload: SurveyRoundIn):
    """Send the health questions to both sides; each address gets a link that works once."""
    survey = surveys.round_open(
        actor=request.auth, partnership=_partnership(request.auth, payload.partnership),
        title=payload.title, closes_at=payload.closes_at, ours=payload.ours,
        theirs=payload.theirs, share_results=payload.results_shared,
        link_for=lambda raw: request.build_absolute_uri(
            reverse("metrics:survey_answer") + f"?token={raw}"),
    )  # fmt: skip
    return Status(201, survey)


@router.put("/survey-rounds/{round_id}/sharing", response=SurveyRoundOut)
@api_access(PARTNERSHIP_CHANGE, model=SurveyRound)
def survey_round_share(request: ApiRequest, round_id: int, payload: SharingIn):
    """Share the round's results with the partner's users of its partnership, or stop: they
    see the averages per question and side, the gap and their own side's comments."""
    survey = get_visible_or_404(request.auth, SurveyRound, pk=round_id)
    return surveys.round_share(actor=request.auth, survey=survey, shared=payload.results_shared)


@router.get("/survey-rounds/{round_id}/results", response=RoundResultOut)
@api_access(PARTNERSHIP_VIEW, model=SurveyRound)
def survey_round_results(request: ApiRequest, round_id: int):
    """Average score per question and side, the perception gap (ours minus theirs)."""
    survey = get_visible_or_404(request.auth, SurveyRound, pk=round_id)
    [result] = selectors.round_results(request.auth, [survey])
    return {
        "round": survey.pk, "ours": result.ours, "theirs": result.theirs, "gap": result.gap,
        "asked": result.asked, "answered": result.answered,
        "questions": [{"question": q.question.value, "text": q.question.label, "ours": q.ours,
                       "theirs": q.theirs, "gap": q.gap} for q in result.questions],
    }  # fmt: skip
