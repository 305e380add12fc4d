"""Venture pages: the funds, an investment, and their returns as of a day; thin views over
the selectors, services and the access policy."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.audit import audit_channel
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.directory.importing.errors import RowError
from accord.directory.models import Organization
from accord.metrics.money import Rates
from accord.partnerships.models import Partnership
from accord.ventures import (
    charts,
    importing,
    kpi,
    report,
    returns,
    selectors,
    services,
    strategic,
)
from accord.ventures.forms import (
    CashFlowForm,
    FundForm,
    ImportForm,
    InvestmentForm,
    KpiRequestForm,
    KpiThresholdForm,
    MarkForm,
    OptionForm,
)
from accord.ventures.models import CashFlow, Fund, Investment, Mark, OptionRight

SECTION = {"section": "ventures"}


def _can_change(request: HttpRequest) -> bool:
    return policy.can(request.user, policy.VENTURES_CHANGE)


def _as_of(request: HttpRequest) -> dt.date:
    """The day returns are measured on: ?as_of=YYYY-MM-DD, else today."""
    today = timezone.localdate()
    text = request.GET.get("as_of", "").strip()
    if not text:
        return today
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        messages.error(request, f"as_of: “{text[:40]}” is not a date (YYYY-MM-DD); today's "
                                "figures are shown.")  # fmt: skip
        return today


def _figures_context(performance: selectors.Performance) -> dict[str, Any]:
    return {
        "performance": performance,
        "definitions": [(returns.NAMES[k], returns.DEFINITIONS[k]) for k in returns.FIGURES],
    }


def _save(
    request: HttpRequest, form: Any, save: Callable[[], Any], template: str, context: dict
) -> HttpResponse:
    """Run the service for a valid form; show its refusal on the form, or go to the result."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                saved = save()
            except ValidationError as error:
                add_validation_errors(form, error)
            except EditConflict as conflict:
                show_conflict(form, conflict)
                status = 409
            else:
                messages.success(request, f"“{saved}” was saved.")
                return redirect(saved)
    return render(request, template, {**SECTION, "form": form, **context}, status=status)


# Funds -------------------------------------------------------------------------------------


@access(policy.VENTURES_VIEW)
def fund_list(request: SignedInRequest) -> HttpResponse:
    as_of = _as_of(request)
    rates = Rates()
    investments = list(selectors.investment_rows(request.user))
    rows = []
    for fund in selectors.fund_rows(request.user):
        mine = [i for i in investments if i.fund_id == fund.pk]
        performance = selectors.fund_performance(request.user, fund, mine, as_of, rates)
        rows.append((fund, len(mine), performance))
    context = {
        **SECTION, "rows": rows, "as_of": as_of, "can_change": _can_change(request),
        "options_due": selectors.options_due(request.user, timezone.localdate()),
        "today": timezone.localdate(), "kpi_flags": selectors.kpi_flags(request.user),
    }  # fmt: skip
    return render(request, "ventures/fund_list.html", context)


@access(policy.VENTURES_VIEW)
def fund_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _fund_page(request, get_visible_or_404(request.user, Fund, pk=pk))


def _fund_page(
    request: SignedInRequest, fund: Fund, form: CashFlowForm | None = None, status: int = 200,
    import_form: ImportForm | None = None, import_errors: list[RowError] | None = None,
) -> HttpResponse:  # fmt: skip
    as_of = _as_of(request)
    rates = Rates()
    rows, performance = selectors.fund_lines(request.user, fund, as_of, rates)
    can_change = _can_change(request)
    if form is None and can_change:
        form = CashFlowForm(
            initial={"currency": fund.currency}, investments=_choices(request, fund=fund)
        )
    if import_form is None and can_change:
        import_form = ImportForm()
    context = {
        **SECTION, "fund": fund, "rows": rows, "as_of": as_of, "can_change": can_change,
        "flows": selectors.cash_flow_rows(request.user).filter(fund=fund), "form": form,
        "import_form": import_form, "import_errors": import_errors or [],
        **_figures_context(performance),
    }  # fmt: skip
    return render(request, "ventures/fund_detail.html", context, status=status)


def _choices(request: SignedInRequest, **lookup: Any) -> Any:
    """The investments a cash flow may name: those of `lookup` the user may see."""
    return visible_to(request.user, Investment).filter(**lookup).select_related("organization")


@access(policy.VENTURES_CHANGE)
def fund_create(request: SignedInRequest) -> HttpResponse:
    form = FundForm(request.POST or None)
    save = lambda: services.fund_create(actor=request.user, data=form.cleaned_data)  # noqa: E731
    return _save(request, form, save, "ventures/fund_form.html", {})


@access(policy.VENTURES_CHANGE)
def fund_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    fund = get_visible_or_404(request.user, Fund, pk=pk)
    form = FundForm(request.POST or None, instance=fund)

    def save() -> Fund:
        stored = get_visible_or_404(request.user, Fund, pk=pk)
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.fund_update(actor=request.user, fund=stored, data=data,
                                    expected_version=form.cleaned_data["version"])  # fmt: skip

    return _save(request, form, save, "ventures/fund_form.html", {"fund": fund})


@require_POST
@access(policy.VENTURES_CHANGE)
def fund_cashflows(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record a cash flow of the fund."""
    fund = get_visible_or_404(request.user, Fund, pk=pk)
    form = CashFlowForm(request.POST, investments=_choices(request, fund=fund))
    if form.is_valid():
        try:
            flow = services.cash_flow_record(
                actor=request.user, data={**form.cleaned_data, "fund": fund}
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"The {flow} was recorded.")
            return redirect(fund)
    return _fund_page(request, fund, form, status=400)


@require_POST
@access(policy.VENTURES_CHANGE)
def fund_import(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record the cash flows and marks of an uploaded ledger: every row, or none."""
    fund = get_visible_or_404(request.user, Fund, pk=pk)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _fund_page(request, fund, import_form=form, status=422)
    upload = form.cleaned_data["file"]
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        with audit_channel("import"):
            result = importing.import_ledger(
                actor=request.user, path=Path(copy.name), fund=fund, name=upload.name
            )
    if result.errors:
        return _fund_page(request, fund, import_form=form, import_errors=result.errors,
                          status=422)  # fmt: skip
    messages.success(request, f"{result.cash_flows} cash flow(s) and {result.marks} mark(s) "
                     f"imported from {upload.name}.")  # fmt: skip
    return redirect(fund)


def _report(request: SignedInRequest, pk: int) -> report.FundReport:
    fund = get_visible_or_404(request.user, Fund, pk=pk)
    return report.build(request.user, fund, _as_of(request))


@require_safe
@access(policy.VENTURES_VIEW)
def fund_report_csv(request: SignedInRequest, pk: int) -> HttpResponse:
    built = _report(request, pk)
    response = HttpResponse(report.csv_text(built), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{built.basename}.csv"'
    return response


@require_safe
@access(policy.VENTURES_VIEW)
def fund_report_pdf(request: SignedInRequest, pk: int) -> HttpResponse:
    built = _report(request, pk)
    response = HttpResponse(report.pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{built.basename}.pdf"'
    return response


@require_POST
@access(policy.VENTURES_CHANGE)
def cashflow_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    flow = get_visible_or_404(request.user, CashFlow, pk=pk)
    services.cash_flow_delete(actor=request.user, flow=flow)
    messages.success(request, f"The {flow} was removed.")
    return redirect(flow.investment or flow.fund)


@access(policy.VENTURES_VIEW)
def strategic_view(request: SignedInRequest) -> HttpResponse:
    """Strategic value against financial return, the follow-on candidates, and the investments
    whose strategic reason has lapsed."""
    as_of, rates = _as_of(request), Rates()
    investments = list(selectors.investment_rows(request.user).select_related(
        "partnership").order_by("organization__name"))  # fmt: skip
    flows = list(selectors.cash_flow_rows(request.user).filter(investment__isnull=False))
    options = list(selectors.option_rows(request.user))
    found = strategic.standings(request.user, investments, timezone.localdate())
    points, follow_ons, lapsed, unmapped = [], [], [], []
    for investment in investments:
        mine = [f for f in flows if f.investment_id == investment.pk]
        figures = selectors.investment_performance(investment, mine, as_of, rates).figures
        moic = figures.moic if figures else None
        standing = found[investment.pk]
        if standing.value is None or not moic:
            unmapped.append(investment)
        else:
            points.append(
                {
                    "company": investment.organization.name,
                    "fund": investment.fund.name,
                    "moic": moic,
                    "value": standing.value,
                    "invested": investment.amount,
                }
            )
        rights = [o for o in options if o.investment_id == investment.pk]
        if reasons := strategic.follow_on_reasons(investment, standing, moic, rights):
            follow_ons.append((investment, reasons))
        if standing.lapsed:
            lapsed.append(investment)
    context = {
        **SECTION, "as_of": as_of, "chart": charts.strategic_map(points),
        "follow_ons": follow_ons, "lapsed": lapsed, "unmapped": unmapped,
        "rows": [(i, found[i.pk]) for i in investments],
    }  # fmt: skip
    return render(request, "ventures/strategic_view.html", context)


# Investments -------------------------------------------------------------------------------


def _investment_or_404(request: SignedInRequest, pk: int) -> Investment:
    """An investment the user may read, with its fund, company, partnership and marks."""
    found = selectors.investment_rows(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("No investment matches the given query.")
    return found


def _investment_form(request: SignedInRequest, *args: Any, **kwargs: Any) -> InvestmentForm:
    return InvestmentForm(
        *args,
        organizations=visible_to(request.user, Organization),
        partnerships=visible_to(request.user, Partnership),
        **kwargs,
    )


@access(policy.VENTURES_CHANGE)
def fund_investment_create(request: SignedInRequest, pk: int) -> HttpResponse:
    fund = get_visible_or_404(request.user, Fund, pk=pk)
    form = _investment_form(request, request.POST or None, initial={"currency": fund.currency})

    def save() -> Investment:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.investment_create(actor=request.user, data={**data, "fund": fund})

    return _save(request, form, save, "ventures/investment_form.html", {"fund": fund})


@access(policy.VENTURES_CHANGE)
def investment_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    investment = get_visible_or_404(request.user, Investment, pk=pk)
    form = _investment_form(request, request.POST or None, instance=investment)

    def save() -> Investment:
        stored = get_visible_or_404(request.user, Investment, pk=pk)
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        return services.investment_update(
            actor=request.user, investment=stored, data=data,
            expected_version=form.cleaned_data["version"],
        )  # fmt: skip

    context = {"fund": investment.fund, "investment": investment}
    return _save(request, form, save, "ventures/investment_form.html", context)


@access(policy.VENTURES_VIEW)
def investment_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    investment = _investment_or_404(request, pk)
    return _investment_page(request, investment)


def _investment_page(
    request: SignedInRequest,
    investment: Investment,
    status: int = 200,
    **forms: Any,
) -> HttpResponse:
    as_of = _as_of(request)
    flows = list(selectors.cash_flow_rows(request.user).filter(investment=investment))
    performance = selectors.investment_performance(investment, flows, as_of, Rates())
    can_change = _can_change(request)
    currency = {"currency": investment.currency}
    context = {
        **SECTION, "investment": investment, "fund": investment.fund, "as_of": as_of,
        "flows": flows, "marks": list(investment.marks.all()),
        "options": list(selectors.option_rows(request.user).filter(investment=investment)),
        "latest_mark": selectors.latest_mark(investment, as_of),
        "can_change": can_change, "today": timezone.localdate(),
        "mark_form": forms.get("mark") or (MarkForm(initial=currency) if can_change else None),
        "option_form": forms.get("option") or (OptionForm() if can_change else None),
        "flow_form": forms.get("flow") or (
            CashFlowForm(initial={**currency, "investment": investment.pk},
                         investments=_choices(request, pk=investment.pk))
            if can_change else None),
        **_figures_context(performance), **_kpi_context(request, investment, forms),
    }  # fmt: skip
    return render(request, "ventures/investment_detail.html", context, status=status)


def _kpi_context(
    request: SignedInRequest, investment: Investment, forms: dict[str, Any]
) -> dict[str, Any]:
    """The figures asked of the company: the requests, the trends with their thresholds and
    what crosses them, and the forms to ask and to set a threshold."""
    requests = list(selectors.kpi_request_rows(request.user).filter(investment=investment))
    thresholds = list(selectors.kpi_threshold_rows(request.user).filter(investment=investment))
    trends = selectors.kpi_trends(requests, thresholds)
    can_change = _can_change(request)
    metrics = kpi.known_metrics(requests)
    return {
        "kpi_requests": [(r, r.status(), kpi.period_label(r.period)) for r in requests],
        "kpi_thresholds": thresholds, "kpi_chart": charts.kpi_trend_chart(trends),
        "kpi_flags": selectors.flags_of(trends, investment.pk),
        "kpi_form": forms.get("kpi") or (
            KpiRequestForm(initial={"metrics": list(kpi.RULES), "days": kpi.DEFAULT_DAYS,
                                    "period": _last_quarter()})
            if can_change else None),
        "threshold_form": forms.get("threshold") or (
            KpiThresholdForm(metrics=metrics) if can_change else None),
    }  # fmt: skip


def _last_quarter() -> str:
    """The quarter before today's, the one a company can report on."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3
    return f"{today.year - 1}Q4" if quarter == 0 else f"{today.year}Q{quarter}"


def _child_post(
    request: SignedInRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Investment], Any],
    record: Callable[[Investment, dict], Any],
) -> HttpResponse:
    investment = _investment_or_404(request, pk)
    form = make_form(investment)
    if form.is_valid():
        try:
            saved = record(investment, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"“{saved}” was recorded.")
            return redirect(investment)
    return _investment_page(request, investment, status=400, **{form_name: form})


@require_POST
@access(policy.VENTURES_CHANGE)
def investment_marks(request: SignedInRequest, pk: int) -> HttpResponse:
    return _child_post(
        request, pk, "mark", lambda _: MarkForm(request.POST),
        lambda investment, data: services.mark_record(
            actor=request.user, data={**data, "investment": investment}),
    )  # fmt: skip


@require_POST
@access(policy.VENTURES_CHANGE)
def investment_options(request: SignedInRequest, pk: int) -> HttpResponse:
    return _child_post(
        request, pk, "option", lambda _: OptionForm(request.POST),
        lambda investment, data: services.option_create(
            actor=request.user,
            data={**{k: v for k, v in data.items() if k != "version"}, "investment": investment}),
    )  # fmt: skip


@require_POST
@access(policy.VENTURES_CHANGE)
def investment_cashflows(request: SignedInRequest, pk: int) -> HttpResponse:
    return _child_post(
        request, pk, "flow",
        lambda investment: CashFlowForm(
            request.POST, investments=_choices(request, pk=investment.pk)),
        lambda investment, data: services.cash_flow_record(
            actor=request.user, data={**data, "investment": investment, "fund": investment.fund}),
    )  # fmt: skip


@require_POST
@access(policy.VENTURES_CHANGE)
def optionright_status(request: SignedInRequest, pk: int) -> HttpResponse:
    option = get_visible_or_404(request.user, OptionRight, pk=pk)
    try:
        services.option_update(actor=request.user, option=option,
                               data={"status": request.POST.get("status", "")})  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The {option.get_kind_display()} is now {option.status}.")
    return redirect(option.investment)


@require_POST
@access(policy.VENTURES_CHANGE)
def mark_delete(request: SignedInRequest, pk: int) -> HttpResponse:
    mark = get_visible_or_404(request.user, Mark, pk=pk)
    services.mark_delete(actor=request.user, mark=mark)
    messages.success(request, f"The mark of {mark.on} was removed.")
    return redirect(mark.investment)
