"""Portfolio pages: executive scorecards, the quarterly review and its rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.metrics import charts as metrics_charts
from accord.metrics import periods
from accord.metrics import selectors as metrics_selectors
from accord.metrics import services as metrics_services
from accord.metrics.money import base_currency
from accord.portfolio import boardpack, charts, optimizer, rules, selectors, services
from accord.portfolio.forms import (
    CompanyRevenueForm,
    DecideForm,
    OptimizerForm,
    RuleForm,
    RunForm,
)
from accord.portfolio.models import Recommendation, Review, ReviewItem, ReviewRule

SECTION = {"section": "partnerships"}


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def scorecard_list(request: SignedInRequest) -> HttpResponse:
    quarter, cards = selectors.scorecards(request.user)
    context = {**SECTION, "quarter": periods.label(quarter), "cards": cards}
    return render(request, "portfolio/scorecard_list.html", context)


# The portfolio's impact ------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def impact_page(request: SignedInRequest) -> HttpResponse:
    return _impact(request)


def _impact(request: SignedInRequest, form: CompanyRevenueForm | None = None, status: int = 200):
    last = periods.last_complete()
    found = metrics_selectors.impact(request.user, last=last)
    may_define = policy.can(request.user, policy.METRICS_DEFINE)
    context = {
        **SECTION,
        "impact": found,
        "latest": found.quarters[-1],
        "currency": base_currency(),
        "chart": metrics_charts.impact_chart(found, base_currency()),
        "form": form or (CompanyRevenueForm(initial={"quarter": periods.label(last),
                                                     "currency": base_currency()})
                         if may_define else None),
    }  # fmt: skip
    return render(request, "portfolio/impact.html", context, status=status)


@access(policy.METRICS_DEFINE)
@require_POST
def companyrevenue_set(request: SignedInRequest) -> HttpResponse:
    form = CompanyRevenueForm(request.POST)
    if form.is_valid():
        try:
            row = metrics_services.company_revenue_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"The {row} was recorded.")
            return redirect("portfolio:impact")
    return _impact(request, form=form, status=422)


# Reviews --------------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def review_list(request: SignedInRequest) -> HttpResponse:
    return _reviews(request)


def _reviews(request: SignedInRequest, form: RunForm | None = None, status: int = 200):
    may_run = policy.can(request.user, policy.PORTFOLIO_REVIEW)
    last = periods.label(periods.last_complete())
    context = {
        **SECTION,
        "reviews": visible_to(request.user, Review).select_related("created_by"),
        "form": form or (RunForm(initial={"quarter": last}) if may_run else None),
        "last_quarter": last,
        "today": timezone.localdate(),
    }
    return render(request, "portfolio/review_list.html", context, status=status)


@access(policy.PORTFOLIO_REVIEW)
@require_POST
def review_run(request: SignedInRequest) -> HttpResponse:
    form = RunForm(request.POST)
    if form.is_valid():
        try:
            review = services.review_run(actor=request.user, quarter=form.cleaned_data["quarter"])
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{review} is ready for your decisions.")
            return redirect("portfolio:review_detail", review.pk)
    return _reviews(request, form, status=422)


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def review_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visible_or_404(request.user, Review, pk=pk))


def _detail(
    request: SignedInRequest, review: Review, *, bound: dict[int, DecideForm] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    may_decide = policy.can(request.user, policy.PORTFOLIO_REVIEW)
    items = list(
        visible_to(request.user, ReviewItem).filter(review=review)
        .select_related("partnership", "decided_by").order_by("partnership__title")
    )  # fmt: skip
    bound = bound or {}
    for item in items:
        item.form = bound.get(item.pk) or (  # type: ignore[attr-defined]
            DecideForm(item=item, prefix=f"i{item.pk}") if may_decide and not item.decision
            else None
        )  # fmt: skip
    groups = [(r.label, [i for i in items if i.recommendation == r.value]) for r in Recommendation]
    chart, not_drawn = charts.review_map(items)
    context = {
        **SECTION, "review": review, "groups": [(label, rows) for label, rows in groups if rows],
        "zombies": [i for i in items if i.is_zombie],
        "decided": sum(bool(i.decision) for i in items), "total": len(items),
        "facts": rules.FACTS, "chart": chart, "not_drawn": not_drawn,
    }  # fmt: skip
    return render(request, "portfolio/review_detail.html", context, status=status)


@access(policy.PORTFOLIO_REVIEW)
@require_POST
def reviewitem_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(request.user, ReviewItem, pk=pk)
    form = DecideForm(request.POST, item=item, prefix=f"i{item.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.item_decide(actor=request.user, item=item, decision=data["decision"],
                                 rationale=data["rationale"],
                                 expected_version=data.get("version"))  # fmt: skip
        except EditConflict:
            messages.error(request, f"{item.partnership} was decided meanwhile; see it now.")
        except ValidationError as error:
            add_validation_errors(form, error)
            return _detail(request, item.review, bound={item.pk: form}, status=422)
        else:
            messages.success(request, f"{item.partnership}: {item.get_decision_display()}.")
        return redirect("portfolio:review_detail", item.review_id)
    return _detail(request, item.review, bound={item.pk: form}, status=422)


# Rules ----------------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def reviewrule_list(request: SignedInRequest) -> HttpResponse:
    return _rules(request)


def _rules(request: SignedInRequest, form: RuleForm | None = None, status: int = 200):
    context = {
        **SECTION,
        "rules": visible_to(request.user, ReviewRule),
        "defaults": rules.DEFAULT_RULES,
        "facts": rules.FACTS,
        "form": form or (RuleForm() if policy.can(request.user, policy.GATES_MANAGE) else None),
    }
    return render(request, "portfolio/reviewrule_list.html", context, status=status)


@access(policy.GATES_MANAGE)
@require_POST
def reviewrule_create(request: SignedInRequest) -> HttpResponse:
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            rule = services.rule_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Rule “{rule}” was added last.")
            return redirect("portfolio:reviewrule_list")
    return _rules(request, form, status=422)


# The optimizer ----------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def optimizer_page(request: SignedInRequest) -> HttpResponse:
    """What to fund under a budget and a team capacity; computed on request, nothing stored."""
    inputs = selectors.optimizer_inputs(request.user)
    asked = "budget" in request.GET
    form = OptimizerForm(request.GET if asked else None, options=inputs.options)
    plan = None
    if asked and form.is_valid():
        data = form.cleaned_data
        plan = optimizer.optimise(inputs.options, inputs.weights, budget=float(data["budget"]),
                                  capacity=float(data["capacity"]),
                                  required=data["required"])  # fmt: skip
    chosen = {o.key for o in plan.chosen} if plan else set()
    covered = {g for o in plan.chosen for g in o.gaps} if plan else set()
    context = {
        **SECTION, "form": form, "plan": plan, "inputs": inputs, "chosen": chosen,
        "possible": sum(inputs.weights.values()),
        "gaps": sorted(((inputs.gap_titles[g], w, g in covered)
                        for g, w in inputs.weights.items() if w > 0), key=lambda r: -r[1]),
    }  # fmt: skip
    return render(request, "portfolio/optimizer.html", context, status=422 if asked and (
        not form.is_valid() or (plan and plan.problem)) else 200)  # fmt: skip


# The board pack ---------------------------------------------------------------------------------


def _pack_asked(request: SignedInRequest) -> tuple[Any, Any, str]:
    """The quarter asked for (the last complete one by default) and the day the pack stands
    as of (now by default), or why they cannot be used."""
    text = request.GET.get("quarter") or periods.label(periods.last_complete())
    try:
        quarter = periods.parse(text)
        as_of = boardpack.as_of_day(request.GET.get("as_of", ""))
    except ValidationError as error:
        return None, None, " ".join(error.messages)
    return quarter, as_of, ""


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def boardpack_view(request: SignedInRequest) -> HttpResponse:
    quarter, as_of, problem = _pack_asked(request)
    if quarter is None:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    return HttpResponse(boardpack.html(boardpack.build(request.user, quarter, as_of=as_of)))


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def boardpack_pdf(request: SignedInRequest) -> HttpResponse:
    quarter, as_of, problem = _pack_asked(request)
    if quarter is None:
        return HttpResponse(problem, status=400, content_type="text/plain; charset=utf-8")
    pack = boardpack.build(request.user, quarter, as_of=as_of)
    response = HttpResponse(boardpack.pdf(pack), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="board-pack-{pack.label}.pdf"'
    return response
