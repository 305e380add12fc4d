"""Portfolio API: the quarterly reviews, their items with the rule and evidence, and the
decisions. Thin: reads through the access policy, writes through services."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status
from ninja.pagination import paginate

from accord.core.api_access import api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import PARTNERSHIP_VIEW, PORTFOLIO_REVIEW, visible_to
from accord.portfolio import selectors, services
from accord.portfolio.models import Review, ReviewItem
from accord.portfolio.optimizer import optimise
from accord.portfolio.schemas import (
    DecisionIn,
    OptimizerIn,
    PlanOut,
    ReviewDetailOut,
    ReviewIn,
    ReviewItemOut,
    ReviewOut,
)

router = Router(tags=["portfolio"])


def _detail(request: ApiRequest, review: Review) -> dict:
    items = visible_to(request.auth, ReviewItem).filter(review=review).select_related("partnership")
    return {"id": review.pk, "quarter": review.quarter, "created_at": review.created_at,
            "items": list(items.order_by("partnership__title"))}  # fmt: skip


@router.get("/reviews", response=list[ReviewOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def review_list(request: ApiRequest):
    return visible_to(request.auth, Review)


@router.get("/reviews/{review_id}", response=ReviewDetailOut)
@api_access(PARTNERSHIP_VIEW, model=Review)
def review_get(request: ApiRequest, review_id: int):
    """The review with each partnership's recommendation, the rule, its evidence and facts."""
    return _detail(request, get_object_or_404(visible_to(request.auth, Review), pk=review_id))


@router.post("/reviews", response={201: ReviewDetailOut})
@api_access(PORTFOLIO_REVIEW)
def review_run(request: ApiRequest, payload: ReviewIn):
    """Run the review of a quarter (once): every active partnership gets its recommendation."""
    review = services.review_run(actor=request.auth, quarter=payload.quarter)
    return Status(201, _detail(request, review))


@router.post("/review-items/{item_id}/decision", response=ReviewItemOut)
@api_access(PORTFOLIO_REVIEW, model=ReviewItem)
def review_item_decide(request: ApiRequest, item_id: int, payload: DecisionIn):
    """Record the decision; an exit or a renewal moves the partnership through its gate."""
    item = get_object_or_404(
        visible_to(request.auth, ReviewItem).select_related("partnership", "review"), pk=item_id
    )
    return services.item_decide(actor=request.auth, item=item, decision=payload.decision,
                                rationale=payload.rationale,
                                expected_version=payload.version)  # fmt: skip


@router.post("/optimizer", response=PlanOut)
@api_access(PARTNERSHIP_VIEW)
def optimizer_run(request: ApiRequest, payload: OptimizerIn):
    """Which plays, planned pilots and candidates with a budget to fund under `budget` and
    `capacity`, maximising importance-weighted gap coverage. Nothing is stored."""
    inputs = selectors.optimizer_inputs(request.auth)
    plan = optimise(inputs.options, inputs.weights, budget=payload.budget,
                    capacity=payload.capacity, required=payload.required)  # fmt: skip
    return {
        "value": plan.value, "possible": sum(inputs.weights.values()), "cost": plan.cost,
        "fte": plan.fte, "binding": plan.binding, "problem": plan.problem,
        "relaxed": {name: gain for name, (gain, _) in plan.relaxed.items()},
        "chosen": [{"key": o.key, "title": o.title, "cost": o.cost, "fte": o.fte,
                    "gaps": sorted(o.gaps), "adds": plan.adds.get(o.key)} for o in plan.chosen],
    }  # fmt: skip
