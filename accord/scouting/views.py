"""Scouting pages: saved scans, a scan's ranked and explained candidates with the decisions on
them, and a quick search. URL names start with the model they show (the role-matrix test
fills `<int:pk>` from it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import ORGANIZATIONS_LISTED, contributed
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, add_version_field, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.directory.organization_filter import OrganizationCriteria, with_current_names
from accord.scouting import indexing, services
from accord.scouting.forms import PromoteForm, RejectForm, ScanForm
from accord.scouting.matching import scout
from accord.scouting.models import Scan, ScanCandidate
from accord.strategy.models import CapabilityGap, PartnershipPlay, PartnershipType

SECTION = {"section": "scouting"}
TABS = {
    "results": "Latest results",
    "shortlisted": "Shortlist",
    "rejected": "Rejected",
    "promoted": "Promoted",
}


@access(policy.SCOUTING_VIEW)
@require_GET
def scan_list(request: SignedInRequest) -> HttpResponse:
    scans = (
        visible_to(request.user, Scan)
        .select_related("gap", "created_by")
        .annotate(
            shortlisted=Count("candidates", filter=Q(candidates__status="shortlisted")),
            promoted=Count("candidates", filter=Q(candidates__status="promoted")),
        )[:200]
    )
    return render(
        request,
        "scouting/scan_list.html",
        {
            **SECTION,
            "scans": scans,
            "can_manage": policy.can(request.user, policy.SCOUTING_MANAGE),
            "index": indexing.status(),
        },
    )


@access(policy.SCOUTING_VIEW)
@require_GET
def search_page(request: SignedInRequest) -> HttpResponse:
    """A quick search that saves nothing; "Save as scan" keeps it."""
    params = with_current_names(request.GET)
    for name in ("mode", "top"):  # a shared link may carry only the words
        params.setdefault(name, ScanForm.base_fields[name].initial)
    form = ScanForm(params if request.GET else None)
    result, error = None, None
    if request.GET.get("text") is not None and form.is_valid():
        data = form.scan_data()
        try:
            result = scout(
                data["text"],
                user=request.user,
                mode=data["mode"],
                top=data["top"],
                filters=OrganizationCriteria.from_data(data["filters"]),
            )
        except ValidationError as invalid:
            add_validation_errors(form, invalid)
    status = 422 if form.is_bound and form.errors else 200
    return render(
        request,
        "scouting/search.html",
        {
            **SECTION,
            "form": form,
            "result": result,
            "error": error,
            "can_manage": policy.can(request.user, policy.SCOUTING_MANAGE),
        },
        status=status,
    )


def _gap(request: HttpRequest) -> CapabilityGap | None:
    gap_id = request.GET.get("gap") or request.POST.get("gap")
    if not gap_id or not str(gap_id).isdigit():
        return None
    return get_visible_or_404(request.user, CapabilityGap, pk=int(gap_id))


@access(policy.SCOUTING_MANAGE)
def scan_create(request: SignedInRequest) -> HttpResponse:
    gap = _gap(request)
    initial = {"text": f"{gap.title}. {gap.description}".strip(), "title": gap.title} if gap else {}
    if request.method == "GET" and request.GET.get("text"):
        initial = {**initial, **with_current_names(request.GET.dict())}
    form = ScanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            scan = services.scan_create(actor=request.user, data={**form.scan_data(), "gap": gap})
            services.scan_run(actor=request.user, scan=scan)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect(scan.get_absolute_url())
    status = 422 if form.errors else 200
    return render(
        request,
        "scouting/scan_form.html",
        {**SECTION, "form": form, "gap": gap, "scan": None},
        status=status,
    )


@access(policy.SCOUTING_MANAGE)
def scan_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    scan = get_visible_or_404(request.user, Scan, pk=pk)
    form = ScanForm(request.POST or None, initial=ScanForm.initial_for(scan))
    add_version_field(form, scan)
    conflicted = False
    if request.method == "POST" and form.is_valid():
        try:
            services.scan_update(
                actor=request.user,
                scan=scan,
                data=form.scan_data(),
                expected_version=form.cleaned_data["version"],
            )
            services.scan_run(actor=request.user, scan=scan)
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            conflicted = True
        else:
            return redirect(scan.get_absolute_url())
    status = 409 if conflicted else 422 if form.errors else 200
    return render(
        request,
        "scouting/scan_form.html",
        {**SECTION, "form": form, "gap": scan.gap, "scan": scan},
        status=status,
    )


@access(policy.SCOUTING_MANAGE)
@require_POST
def scan_run(request: SignedInRequest, pk: int) -> HttpResponse:
    scan = get_visible_or_404(request.user, Scan, pk=pk)
    scan = services.scan_run(actor=request.user, scan=scan)
    fresh = scan.candidates.filter(first_run=scan.run_count).count() if scan.run_count > 1 else 0
    messages.success(request, f"Run {scan.run_count} done: {fresh} new since the last run.")
    return redirect(scan.get_absolute_url())


def _candidates(user: User, scan: Scan, tab: str):
    rows = (
        visible_to(user, ScanCandidate)
        .filter(scan=scan)
        .select_related("scan", "organization", "partnership")
    )
    if tab == "results":
        return rows.filter(last_run=scan.run_count, status__in=["new", "shortlisted"]).order_by(
            "rank", "id"
        )
    return rows.filter(status=tab).order_by("-decided_at", "rank", "id")


@access(policy.SCOUTING_VIEW)
@require_GET
def scan_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    scan = get_visible_or_404(request.user, Scan, pk=pk)
    tab = request.GET.get("tab", "")
    tab = tab if tab in TABS else "results"
    counts = dict(
        visible_to(request.user, ScanCandidate)
        .filter(scan=scan)
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts["results"] = (
        visible_to(request.user, ScanCandidate)
        .filter(scan=scan, last_run=scan.run_count, status__in=["new", "shortlisted"])
        .count()
    )
    can_manage = policy.can(request.user, policy.SCOUTING_MANAGE)
    can_promote = can_manage and policy.can(request.user, policy.PARTNERSHIP_CHANGE)
    plays = _plays(request.user, scan)
    candidates = list(_candidates(request.user, scan, tab))
    return render(
        request,
        "scouting/scan_detail.html",
        {
            **SECTION,
            "scan": scan,
            "tab": tab,
            "tabs": [(key, label, counts.get(key, 0)) for key, label in TABS.items()],
            "candidates": candidates,
            **contributed(
                ORGANIZATIONS_LISTED, request.user, [c.organization_id for c in candidates]
            ),
            "can_manage": can_manage,
            "can_promote": can_promote,
            "reject_form": RejectForm(auto_id=False),
            "plays": list(plays) if can_promote else [],
            "partnership_types": PartnershipType.choices,
            "filters": OrganizationCriteria.from_data(scan.filters),
        },
    )


def _plays(user: User, scan: Scan):
    plays = visible_to(user, PartnershipPlay).exclude(status=PartnershipPlay.Status.ARCHIVED)
    return plays.filter(gaps=scan.gap) if scan.gap_id else plays


def _candidate(request: HttpRequest, pk: int) -> ScanCandidate:
    return get_visible_or_404(request.user, ScanCandidate, pk=pk)


def _back(candidate: ScanCandidate, request: HttpRequest) -> HttpResponse:
    tab = request.POST.get("tab") if request.POST.get("tab") in TABS else "results"
    return redirect(f"{candidate.scan.get_absolute_url()}?tab={tab}#candidate-{candidate.pk}")


@access(policy.SCOUTING_MANAGE)
@require_POST
def scancandidate_shortlist(request: SignedInRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    try:
        services.candidate_shortlist(actor=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{candidate.organization.name} is on the shortlist.")
    return _back(candidate, request)


@access(policy.SCOUTING_MANAGE)
@require_POST
def scancandidate_reject(request: SignedInRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    try:
        services.candidate_reject(
            actor=request.user, candidate=candidate, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, f"{candidate.organization.name}: {' '.join(error.messages)}")
    else:
        messages.success(request, f"{candidate.organization.name} rejected.")
    return _back(candidate, request)


@access(policy.SCOUTING_MANAGE)
@require_POST
def scancandidate_reopen(request: SignedInRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    try:
        services.candidate_reopen(actor=request.user, candidate=candidate)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{candidate.organization.name} is back among the results.")
    return _back(candidate, request)


@access(policy.SCOUTING_MANAGE)
@require_POST
def scancandidate_promote(request: SignedInRequest, pk: int) -> HttpResponse:
    candidate = _candidate(request, pk)
    if not policy.can(request.user, policy.PARTNERSHIP_CHANGE):
        raise PermissionDenied("Your role may not create partnerships.")
    form = PromoteForm(request.POST, plays=_plays(request.user, candidate.scan))
    if not form.is_valid():
        messages.error(request, f"{candidate.organization.name}: {_form_errors(form)}")
        return _back(candidate, request)
    try:
        partnership = services.candidate_promote(
            actor=request.user,
            candidate=candidate,
            play=form.cleaned_data["play"],
            type=form.cleaned_data["type"] or None,
            title=form.cleaned_data["title"],
        )
    except ValidationError as error:
        messages.error(request, f"{candidate.organization.name}: {' '.join(error.messages)}")
        return _back(candidate, request)
    messages.success(request, f"{partnership.title} is in the pipeline as a candidate.")
    return redirect(partnership.get_absolute_url())


def _form_errors(form: Any) -> str:
    return " ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
