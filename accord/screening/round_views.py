"""Screening round pages: create a round, add candidates and reviewers, score as a reviewer,
compare the candidates (ranked table, radar chart) and test the ranking's sensitivity."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accord.accounts.models import User
from accord.accounts.selectors import active_users
from accord.core import policy
from accord.core.contributions import ORGANIZATIONS_LISTED, contributed
from accord.core.forms import add_validation_errors
from accord.core.fragments import render_fragment
from accord.core.http import SignedInRequest
from accord.core.pickers import is_id
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.core.prefetch import prefetched
from accord.directory.models import Organization
from accord.partnerships.models import Partnership, Stage
from accord.scouting.models import ScanCandidate
from accord.screening import charts, rounds
from accord.screening.forms import ScoreFormSet, ScreeningForm
from accord.screening.models import (
    Assessment,
    ReviewAssignment,
    Rubric,
    Screening,
    ScreeningCandidate,
)
from accord.screening.results import screening_results, weight_sweep
from accord.screening.selectors import (
    own_assignment,
    round_or_404,
    with_assignments,
)
from accord.strategy.models import CapabilityGap

SECTION = {"section": "screening"}
SAMPLE_CHOICES = (0, 1000, 5000)


def _form(request: HttpRequest, data: Any = None) -> ScreeningForm:
    return ScreeningForm(
        data,
        rubrics=visible_to(request.user, Rubric).filter(status=Rubric.Status.ACTIVE),
        gaps=visible_to(request.user, CapabilityGap).exclude(status="archived"),
    )


@access(policy.SCREENING_MANAGE)
def screening_create(request: SignedInRequest) -> HttpResponse:
    form = _form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "rubric"}
        try:
            screening = rounds.screening_create(
                actor=request.user, rubric=form.cleaned_data["rubric"], data=data
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("screening:screening_detail", screening.pk)
    status = 422 if form.errors else 200
    return render(
        request, "screening/screening_form.html", {**SECTION, "form": form}, status=status
    )


def _int(value: str | None, default: int, allowed: tuple[int, ...] | None = None) -> int:
    try:
        number = int(value) if value else default
    except ValueError:
        return default
    return number if allowed is None or number in allowed else default


@access(policy.SCREENING_VIEW)
@require_GET
def screening_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    screening = round_or_404(request.user, pk)
    method = request.GET.get("method", "")
    method = method if method in ("topsis", "wsm") else "topsis"
    samples = _int(request.GET.get("samples"), 0, SAMPLE_CHOICES)
    results = screening_results(request.user, screening, method=method, samples=samples)
    criteria = results.criteria
    sweep_id = _int(request.GET.get("sweep"), criteria[0].pk if criteria else 0)
    sweep_criterion = next((c for c in criteria if c.pk == sweep_id), None)
    sweep = (
        weight_sweep(request.user, screening, sweep_criterion, method=method)
        if samples and sweep_criterion and len(results.ranked) > 1
        else None
    )
    candidates = with_assignments([row.candidate for row in results.rows])
    mine = {
        a.candidate_id: a
        for c in candidates
        for a in prefetched(c, "assignment_list", ReviewAssignment)
        if a.reviewer_id == request.user.pk
    }
    can_manage = (
        policy.can(request.user, policy.SCREENING_MANAGE)
        and screening.status == Screening.Status.OPEN
    )
    # What a manager adds from is read when asked for, or when the round still lacks
    # candidates or reviewers.
    manage = can_manage and (
        request.GET.get("manage") == "1"
        or not any(prefetched(c, "assignment_list", ReviewAssignment) for c in candidates)
    )
    listed = contributed(
        ORGANIZATIONS_LISTED, request.user, [c.organization_id for c in candidates]
    )
    radar = charts.radar(results) if results.ranked else ""
    sensitivity = charts.sensitivity_bars(results) if results.stability else ""
    body = render_fragment(
        "screening/round.html",
        csrf_token=get_token(request),
        screening=screening,
        results=results,
        rows=[(row, [row.scores.get(c.pk) for c in criteria]) for row in results.rows],
        method=method,
        samples=samples,
        sample_choices=SAMPLE_CHOICES[1:],
        candidates=candidates,
        introductions=listed.get("introductions"),
        mine=mine,
        can_manage=can_manage,
        manage=manage,
        get=request.GET,
        radar=radar,
        sensitivity=sensitivity,
        sweep=charts.sweep_lines(sweep) if sweep else "",
        sweep_data=sweep,
        sweep_criterion=sweep_criterion,
        **(_manage_choices(request.user, screening) if manage else {}),
    )
    context = {**SECTION, "screening": screening, "body": body, "charts": radar or sensitivity}
    return render(request, "screening/screening_detail.html", context)


def _manage_choices(actor: User, screening: Screening) -> dict[str, Any]:
    """What a manager of an open round picks from to add candidates and reviewers."""
    return {
        "screening_partnerships": visible_to(actor, Partnership)
        .filter(stage=Stage.SCREENING)
        .only("title"),
        "shortlisted": visible_to(actor, ScanCandidate)
        .filter(status=ScanCandidate.Status.SHORTLISTED)
        .exclude(organization__screenings__screening=screening)
        .select_related("organization", "scan")
        .only("organization__name", "scan__title")
        .order_by("scan__title", "rank")[:200],
        "reviewer_choices": _reviewers(actor).only("username", "role"),
    }


def _back_to_manage(pk: int) -> HttpResponse:
    return redirect(reverse("screening:screening_detail", args=[pk]) + "?manage=1#manage")


def _reviewers(actor: User) -> Any:
    return policy.accounts_granted(active_users(actor), policy.SCREENING_ASSESS).order_by(
        "username"
    )


@access(policy.SCREENING_MANAGE)
@require_POST
def screening_candidates(request: SignedInRequest, pk: int) -> HttpResponse:
    screening = get_visible_or_404(request.user, Screening, pk=pk)
    organization = partnership = scan_candidate = None
    if is_id(request.POST.get("scan_candidate")):
        scan_candidate = (
            visible_to(request.user, ScanCandidate)
            .filter(pk=request.POST["scan_candidate"])
            .first()
        )
    if is_id(request.POST.get("partnership")):
        partnership = (
            visible_to(request.user, Partnership).filter(pk=request.POST["partnership"]).first()
        )
    ref = (request.POST.get("organization") or "").strip()
    if ref and partnership is None and scan_candidate is None:
        # The picker sends an id; a script may send the exact name.
        organizations = visible_to(request.user, Organization)
        found = (
            organizations.filter(pk=ref) if is_id(ref) else organizations.filter(name__iexact=ref)
        )
        organization = found.first()
        if organization is None:
            messages.error(request, f"No organization “{ref}” in the directory.")
            return _back_to_manage(pk)
    try:
        candidate = rounds.candidate_add(
            actor=request.user,
            screening=screening,
            organization=organization,
            partnership=partnership,
            scan_candidate=scan_candidate,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{candidate.organization.name} added.")
    return _back_to_manage(pk)


@access(policy.SCREENING_MANAGE)
@require_POST
def screening_reviewers(request: SignedInRequest, pk: int) -> HttpResponse:
    screening = get_visible_or_404(request.user, Screening, pk=pk)
    reviewers = list(active_users(request.user).filter(pk__in=request.POST.getlist("reviewers")))
    if not reviewers:
        messages.error(request, "Choose at least one reviewer.")
        return _back_to_manage(pk)
    try:
        created = rounds.reviewers_assign(
            actor=request.user,
            candidates=list(
                visible_to(request.user, ScreeningCandidate).filter(screening=screening)
            ),
            reviewers=reviewers,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{len(created)} review(s) assigned.")
    return _back_to_manage(pk)


@access(policy.SCREENING_ASSESS)
def screeningcandidate_score(request: SignedInRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(request.user, ScreeningCandidate, pk=pk)
    assignment = own_assignment(request.user, candidate)
    if assignment is None:
        raise PermissionDenied("You are not a reviewer of this candidate.")
    screening = candidate.screening
    criteria = list(screening.rubric_version.criteria.all())
    formset = ScoreFormSet(
        request.POST if request.method == "POST" else None,
        criteria=criteria,
        saved={a.criterion_id: a for a in assignment.assessments.all()},
    )
    if request.method == "POST" and formset.is_valid():
        submit = "submit" in request.POST
        try:
            rounds.scores_save(
                actor=request.user, assignment=assignment, scores=formset.scores(), submit=submit
            )
        except ValidationError as error:
            formset.add_error(error)
        else:
            done = "submitted" if submit else "saved"
            messages.success(request, f"Your scores of {candidate.organization.name} are {done}.")
            return redirect("screening:screeningcandidate_score", candidate.pk)
    others = _others_by_criterion(request.user, candidate, assignment)
    rows = [
        {
            "criterion": form.criterion,
            "levels": [(str(n), text) for n, text in enumerate(form.criterion.levels, start=1)],
            "others": others.get(form.criterion.pk, []),
            **form.values(),
        }
        for form in formset.forms
    ]
    errors = formset.errors
    return render(
        request,
        "screening/score.html",
        {
            **SECTION,
            "candidate": candidate,
            "screening": screening,
            "assignment": assignment,
            "rows": rows,
            "errors": errors,
            "open": screening.status == Screening.Status.OPEN,
        },
        status=422 if errors else 200,
    )


def _others_by_criterion(
    user: User, candidate: ScreeningCandidate, assignment: ReviewAssignment
) -> dict[int, list[Assessment]]:
    """The other reviewers' scores of the candidate that `user` may see."""
    others = (
        visible_to(user, Assessment)
        .filter(assignment__candidate=candidate)
        .exclude(assignment=assignment)
        .select_related("assignment__reviewer")
    )
    by_criterion: dict[int, list[Assessment]] = {}
    for assessment in others:
        by_criterion.setdefault(assessment.criterion_id, []).append(assessment)
    return by_criterion
