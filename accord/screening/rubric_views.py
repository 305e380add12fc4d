"""Rubric pages: the list of rubrics and rounds, a rubric with its criteria and versions, and
its weights set directly or by AHP pairwise comparison."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, add_version_field, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404, visible_to
from accord.screening import rubrics
from accord.screening.forms import (
    CriterionFormSet,
    PairwiseForm,
    RubricFromTemplateForm,
    WeightsForm,
)
from accord.screening.models import Rubric, Screening

SECTION = {"section": "screening"}


@access(policy.SCREENING_VIEW)
@require_GET
def index(request: SignedInRequest) -> HttpResponse:
    screenings = (
        visible_to(request.user, Screening)
        .select_related("rubric_version__rubric", "gap")
        .order_by("-created_at")
    )
    return render(
        request,
        "screening/index.html",
        {
            **SECTION,
            "screenings": screenings,
            "rubrics": visible_to(request.user, Rubric),
            "can_manage": policy.can(request.user, policy.SCREENING_MANAGE),
        },
    )


@access(policy.SCREENING_MANAGE)
def rubric_create(request: SignedInRequest) -> HttpResponse:
    form = RubricFromTemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            change = rubrics.rubric_from_template(
                actor=request.user,
                template=form.cleaned_data["template"],
                name=form.cleaned_data["name"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            return redirect("screening:rubric_detail", change.version.rubric_id)
    status = 422 if form.errors else 200
    return render(request, "screening/rubric_form.html", {**SECTION, "form": form}, status=status)


def _versioned(form: Any, rubric: Rubric) -> Any:
    add_version_field(form, rubric)
    return form


def _detail(
    request: HttpRequest,
    rubric: Rubric,
    *,
    weights: WeightsForm | None = None,
    pairwise: PairwiseForm | None = None,
    status: int = 200,
) -> HttpResponse:
    version = rubrics.current_version(rubric)
    criteria = list(version.criteria.all())
    return render(
        request,
        "screening/rubric_detail.html",
        {
            **SECTION,
            "rubric": rubric,
            "version": version,
            "criteria": criteria,
            "versions": rubric.versions.all(),
            "can_manage": policy.can(request.user, policy.SCREENING_MANAGE),
            "weights_form": weights or _versioned(WeightsForm(criteria=criteria), rubric),
            "pairwise_form": pairwise
            or _versioned(PairwiseForm(criteria=criteria, pairwise=version.pairwise), rubric),
        },
        status=status,
    )


@access(policy.SCREENING_VIEW)
@require_GET
def rubric_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail(request, get_visible_or_404(request.user, Rubric, pk=pk))


def _criteria_with(rubric: Rubric, weights: dict[int, float]) -> list[dict]:
    return [
        {name: getattr(c, name) for name in rubrics.CRITERION_FIELDS} | {"weight": weights[c.pk]}
        for c in rubrics.current_version(rubric).criteria.all()
    ]


@access(policy.SCREENING_MANAGE)
@require_POST
def rubric_weights(request: SignedInRequest, pk: int) -> HttpResponse:
    rubric = get_visible_or_404(request.user, Rubric, pk=pk)
    criteria = list(rubrics.current_version(rubric).criteria.all())
    form = _versioned(WeightsForm(request.POST, criteria=criteria), rubric)
    if form.is_valid():
        weights = {c.pk: form.cleaned_data[f"w{c.pk}"] for c in criteria}
        try:
            change = rubrics.rubric_update(
                actor=request.user,
                rubric=rubric,
                criteria=_criteria_with(rubric, weights),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            return _detail(request, rubric, weights=form, status=409)
        else:
            for notice in change.notices:
                messages.info(request, notice)
            return redirect("screening:rubric_detail", rubric.pk)
    return _detail(request, rubric, weights=form, status=422)


@access(policy.SCREENING_MANAGE)
@require_POST
def rubric_ahp(request: SignedInRequest, pk: int) -> HttpResponse:
    rubric = get_visible_or_404(request.user, Rubric, pk=pk)
    criteria = list(rubrics.current_version(rubric).criteria.all())
    form = _versioned(PairwiseForm(request.POST, criteria=criteria), rubric)
    if form.is_valid():
        try:
            change, result = rubrics.rubric_weights_from_ahp(
                actor=request.user,
                rubric=rubric,
                pairwise=form.matrix(),
                random_index=form.cleaned_data["random_index"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            return _detail(request, rubric, pairwise=form, status=409)
        else:
            summary = (
                f"Weights from AHP: λmax {result.lambda_max:.3f}, CI {result.ci:.3f}, "
                f"CR {result.cr:.3f}."
            )
            messages.success(request, summary)
            for notice in change.notices:
                messages.warning(request, notice)
            return redirect("screening:rubric_detail", rubric.pk)
    return _detail(request, rubric, pairwise=form, status=422)


@access(policy.SCREENING_MANAGE)
def rubric_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """Edit the criteria; on a rubric with scores this makes a new version."""
    rubric = get_visible_or_404(request.user, Rubric, pk=pk)
    version = rubrics.current_version(rubric)
    initial = [
        {
            "name": c.name,
            "description": c.description,
            "weight": round(c.weight, 4),
            "direction": c.direction,
            "knockout_threshold": c.knockout_threshold,
            "levels": "\n".join(c.levels),
        }
        for c in version.criteria.all()
    ]
    formset = CriterionFormSet(request.POST or None, initial=initial, prefix="criteria")
    errors: list[str] = []
    posted = request.POST.get("version", "")
    context: dict[str, Any] = {"edit_version": rubric.version, "conflict": None}
    status = 422 if request.method == "POST" else 200
    if request.method == "POST" and formset.is_valid():
        criteria = [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in formset.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        try:
            change = rubrics.rubric_update(
                actor=request.user,
                rubric=rubric,
                criteria=criteria,
                expected_version=int(posted) if posted.isdigit() and len(posted) < 10 else None,
            )
        except ValidationError as error:
            # Django has no public way to add an error to the formset as a whole.
            formset._non_form_errors = formset.error_class(error.messages)  # type: ignore[attr-defined]
        except EditConflict as conflict:
            # The criteria typed stay in the formset; the new version makes saving again deliberate.
            errors.append(str(conflict))
            context = {"edit_version": conflict.version, "conflict": {"conflict": conflict}}
            status = 409
        else:
            for notice in change.notices:
                messages.info(request, notice)
            return redirect("screening:rubric_detail", rubric.pk)
    return render(
        request,
        "screening/rubric_edit.html",
        {
            **SECTION,
            **context,
            "rubric": rubric,
            "version": version,
            "formset": formset,
            "errors": errors,
        },
        status=status,
    )
