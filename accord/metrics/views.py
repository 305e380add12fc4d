"""Metrics pages: the KPI library, exchange rates, and a partnership's Metrics tab with its
KPIs against targets, its ROI and the forms its team records with. Thin views over the
selectors, services and the access policy."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.audit import audit_channel
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.metrics import importing, selectors, services
from accord.metrics.charts import kpi_chart, roi_chart
from accord.metrics.forms import (
    CostForm,
    ImportForm,
    KpiForm,
    ObservationForm,
    RateForm,
    TargetForm,
)
from accord.metrics.models import Kpi
from accord.metrics.money import base_currency
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

SECTION = {"section": "partnerships"}


# The KPI library ----------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def kpi_list(request: SignedInRequest) -> HttpResponse:
    return _library(request)


def _library(
    request: SignedInRequest, *, form: KpiForm | None = None, rate_form: RateForm | None = None,
    import_form: ImportForm | None = None, import_errors: list[Any] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    may_define = policy.can(request.user, policy.METRICS_DEFINE)
    context = {
        **SECTION,
        "kpis": selectors.kpi_rows(request.user),
        "rates": selectors.rate_rows(request.user)[:100],
        "base_currency": base_currency(),
        "form": form or (KpiForm() if may_define else None),
        "rate_form": rate_form or (RateForm() if may_define else None),
        "import_form": import_form
        or (ImportForm() if policy.can(request.user, policy.PARTNERSHIP_CHANGE) else None),
        "import_errors": import_errors or [],
    }
    return render(request, "metrics/kpi_list.html", context, status=status)


@access(policy.METRICS_DEFINE)
@require_POST
def kpi_create(request: SignedInRequest) -> HttpResponse:
    form = KpiForm(request.POST)
    if form.is_valid():
        try:
            kpi = services.kpi_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"KPI “{kpi}” was added to the library.")
            return redirect("metrics:kpi_list")
    return _library(request, form=form, status=422)


@access(policy.METRICS_DEFINE)
def kpi_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    kpi = get_visible_or_404(request.user, Kpi, pk=pk)
    form = KpiForm(request.POST or None, kpi=kpi)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                services.kpi_update(actor=request.user, kpi=kpi, data=data,
                                    expected_version=form.cleaned_data.get("version"))  # fmt: skip
            except EditConflict as conflict:
                show_conflict(form, conflict)
                status = 409
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"KPI “{kpi}” was saved.")
                return redirect("metrics:kpi_list")
    context = {**SECTION, "form": form, "kpi": kpi}
    return render(request, "metrics/kpi_form.html", context, status=status)


@access(policy.METRICS_DEFINE)
@require_POST
def exchangerate_set(request: SignedInRequest) -> HttpResponse:
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rate = services.rate_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{rate} was recorded.")
            return redirect(reverse("metrics:kpi_list") + "#rates")
    return _library(request, rate_form=form, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def observation_import(request: SignedInRequest) -> HttpResponse:
    """Check every row of the uploaded file, then write them all or none."""
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _library(request, import_form=form, status=422)
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    with tempfile.NamedTemporaryFile(suffix=suffix) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        with audit_channel("import"):
            result = importing.import_observations(
                actor=request.user, path=Path(copy.name), name=upload.name
            )
    if result.errors:
        return _library(request, import_form=form, import_errors=result.errors, status=422)
    messages.success(request, f"{result.written} value(s) imported from {upload.name}.")
    return redirect("metrics:kpi_list")


# A partnership's metrics ---------------------------------------------------------------------


def _url(partnership_id: int) -> str:
    return reverse("metrics:partnership_metrics", args=[partnership_id])


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def partnership_metrics(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, partnership_selectors.partnership_detail(request.user, pk))


def _page(
    request: SignedInRequest, partnership: Partnership, *, bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    actor, bound = request.user, bound or {}
    team = policy.can_change_partnership(actor, partnership)
    lines = selectors.scorecard(actor, partnership)
    roi = selectors.roi(actor, partnership)
    forms: dict[str, Any] = {}
    if team:
        kpis = selectors.active_kpis(actor)
        forms["observation_form"] = bound.get("observation") or ObservationForm(prefix="o")
        forms["target_form"] = bound.get("target") or TargetForm(prefix="t")
        forms["observation_form"].set_kpis(kpis)
        forms["target_form"].set_kpis(kpis)
        forms["cost_form"] = bound.get("cost") or CostForm(prefix="c")
    context = {
        **SECTION,
        "partnership": partnership,
        "lines": lines,
        "chart": kpi_chart(lines),
        "roi": roi,
        "roi_chart": roi_chart(roi),
        "observations": selectors.observation_rows(actor)
        .filter(partnership=partnership)
        .order_by("-observed_on", "-id")[:20],
        "costs": selectors.cost_rows(actor)
        .filter(partnership=partnership)
        .order_by("-spent_on", "-id")[:20],
        "team": team,
        **forms,
    }
    return render(request, "metrics/partnership_metrics.html", context, status=status)


def _team_partnership(request: SignedInRequest, pk: int) -> Partnership:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    policy.require_change_partnership(request.user, partnership)
    return partnership


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_observation_add(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _team_partnership(request, pk)
    form = ObservationForm(request.POST, prefix="o")
    form.set_kpis(selectors.active_kpis(request.user))
    if form.is_valid():
        try:
            services.observation_record(actor=request.user, partnership=partnership,
                                        **form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['kpi']} was recorded.")
            return redirect(_url(partnership.pk))
    return _page(request, partnership, bound={"observation": form}, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_target_set(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _team_partnership(request, pk)
    form = TargetForm(request.POST, prefix="t")
    form.set_kpis(selectors.active_kpis(request.user))
    if form.is_valid():
        try:
            services.target_set(actor=request.user, partnership=partnership, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"The target of {form.cleaned_data['kpi']} was set.")
            return redirect(_url(partnership.pk))
    return _page(request, partnership, bound={"target": form}, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_cost_add(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _team_partnership(request, pk)
    form = CostForm(request.POST, prefix="c")
    if form.is_valid():
        try:
            services.cost_record(actor=request.user, partnership=partnership,
                                 data=form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "The cost was recorded.")
            return redirect(_url(partnership.pk))
    return _page(request, partnership, bound={"cost": form}, status=422)
