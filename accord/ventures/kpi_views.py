"""Figures asked of portfolio companies: asking, reminding and thresholds from the investment
page, and the form a company opens from its link (which shows it nothing else)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.core import policy
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.ventures import kpi, selectors
from accord.ventures.forms import KpiAnswerForm, KpiRequestForm, KpiThresholdForm
from accord.ventures.models import KpiRequest, KpiThreshold
from accord.ventures.views import _investment_or_404, _investment_page

FIGURES = "#figures"


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_POST
@access(policy.VENTURES_CHANGE)
def investment_kpirequests(request: SignedInRequest, pk: int) -> HttpResponse:
    """Ask the company for a period's figures."""
    investment = _investment_or_404(request, pk)
    form = KpiRequestForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            sent = kpi.kpi_request_send(
                actor=request.user, investment=investment, period=data["period"],
                email=data["email"], metrics=data["metrics"], custom=form.custom_names(),
                days=data["days"], site=_site(request),
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{sent.email} was asked for the {sent.period} figures.")
            return redirect(investment.get_absolute_url() + FIGURES)
    return _investment_page(request, investment, status=400, kpi=form)


@require_POST
@access(policy.VENTURES_CHANGE)
def kpirequest_remind(request: SignedInRequest, pk: int) -> HttpResponse:
    asked = get_visible_or_404(request.user, KpiRequest, pk=pk)
    try:
        kpi.kpi_request_remind(actor=request.user, request=asked, site=_site(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{asked.email} was reminded of the {asked.period} figures.")
    return redirect(asked.investment.get_absolute_url() + FIGURES)


@require_POST
@access(policy.VENTURES_CHANGE)
def kpirequest_withdraw(request: SignedInRequest, pk: int) -> HttpResponse:
    asked = get_visible_or_404(request.user, KpiRequest, pk=pk)
    try:
        kpi.kpi_request_withdraw(actor=request.user, request=asked)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The request to {asked.email} for the {asked.period} figures "
                                  "was withdrawn; its link no longer works.")  # fmt: skip
    return redirect(asked.investment.get_absolute_url() + FIGURES)


@require_POST
@access(policy.VENTURES_CHANGE)
def investment_kpithresholds(request: SignedInRequest, pk: int) -> HttpResponse:
    investment = _investment_or_404(request, pk)
    requests = selectors.kpi_request_rows(request.user).filter(investment=investment)
    form = KpiThresholdForm(request.POST, metrics=kpi.known_metrics(requests))
    if form.is_valid():
        data = form.cleaned_data
        try:
            threshold = kpi.kpi_threshold_set(
                actor=request.user, investment=investment, metric=data["metric"],
                comparator=data["comparator"], value=data["value"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"The {investment.organization} figures are flagged when "
                                      f"{threshold}.")  # fmt: skip
            return redirect(investment.get_absolute_url() + FIGURES)
    return _investment_page(request, investment, status=400, threshold=form)


@require_POST
@access(policy.VENTURES_CHANGE)
def kpithreshold_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    threshold = get_visible_or_404(request.user, KpiThreshold, pk=pk)
    kpi.kpi_threshold_delete(actor=request.user, threshold=threshold)
    messages.success(request, f"The threshold “{threshold}” was removed.")
    return redirect(threshold.investment.get_absolute_url() + FIGURES)


@access(policy.PUBLIC)
def kpi_answer(request: HttpRequest) -> HttpResponse:
    """The form behind a company's link: the figures asked, nothing else."""
    raw = request.POST.get("token") if request.method == "POST" else request.GET.get("token")
    context: dict[str, Any] = {}
    try:
        asked = kpi.request_for(raw or "")
    except ValidationError as error:
        context["problem"] = " ".join(error.messages)
        return render(request, "ventures/kpi_answer.html", context, status=400)
    context.update(company=asked.investment.organization.name, fund=asked.investment.fund.name,
                   period=kpi.period_label(asked.period),
                   expires_at=asked.expires_at)  # fmt: skip
    form = KpiAnswerForm(request.POST if request.method == "POST" else None,
                         initial={"token": raw}, metrics=asked.metrics,
                         currency=asked.currency)  # fmt: skip
    if request.method != "POST":
        return render(request, "ventures/kpi_answer.html", {**context, "form": form})
    if form.is_valid():
        try:
            kpi.answers_submit(raw=form.cleaned_data["token"], values=form.values())
        except ValidationError as error:
            _show_on_fields(form, error)
        else:
            return render(request, "ventures/kpi_answer.html", {**context, "thanks": True})
    return render(request, "ventures/kpi_answer.html", {**context, "form": form}, status=400)


def _show_on_fields(form: KpiAnswerForm, error: ValidationError) -> None:
    """The service's words, each on the box of the figure it is about."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for metric, found in error.message_dict.items():
        field = form.field_of_metric(metric) if metric in form.metrics else None
        form.add_error(field, found)
