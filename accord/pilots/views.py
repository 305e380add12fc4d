"""Pilot pages: thin views over the selectors, services and the access policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.history import history_for
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership
from accord.pilots import selectors, services
from accord.pilots.charts import criteria_chart
from accord.pilots.forms import (
    ActualForm,
    CriterionForm,
    DecisionForm,
    PilotCreateForm,
    PilotEditForm,
    ReadinessForm,
)
from accord.pilots.models import Pilot, SuccessCriterion

SECTION = {"section": "partnerships"}
LIST_LIMIT = 200


@access(policy.PARTNERSHIP_VIEW)
def pilot_list(request: SignedInRequest) -> HttpResponse:
    filters = selectors.pilot_list(request.user, request.GET)
    rows = filters.qs if filters.is_valid() else selectors.pilot_rows(request.user).none()
    total = rows.count()
    pilots = selectors.mark_overdue(list(rows[:LIST_LIMIT]), timezone.localdate())
    context = {**SECTION, "filters": filters, "pilots": pilots, "total": total}
    return render(request, "pilots/pilot_list.html", context)


@access(policy.PARTNERSHIP_VIEW)
def partnership_pilots(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    context = {
        **SECTION,
        "partnership": partnership,
        "pilots": selectors.partnership_pilots(request.user, partnership),
        "can_change": policy.can_change_partnership(request.user, partnership),
    }
    return render(request, "pilots/partnership_pilots.html", context)


def _changeable(request: SignedInRequest, partnership: Partnership) -> None:
    policy.require_change_partnership(request.user, partnership)


def _people(pilot_or_partnership: Pilot | Partnership) -> dict[str, Any]:
    partnership = (
        pilot_or_partnership.partnership
        if isinstance(pilot_or_partnership, Pilot)
        else pilot_or_partnership
    )
    return {
        "ours": partnership_selectors.internal_users(),
        "theirs": selectors.partner_users_of(partnership),
    }


@access(policy.PARTNERSHIP_CHANGE)
def pilot_create(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    _changeable(request, partnership)
    form = PilotCreateForm(request.POST or None, partnership=partnership)
    form.set_people(**_people(partnership))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                pilot = services.pilot_create(
                    actor=request.user,
                    partnership=partnership,
                    data=data,
                    visibility=data["visibility"],
                    shared_with=data["shared_with"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"Pilot “{pilot}” was created.")
                return redirect(pilot)
    context = {**SECTION, "partnership": partnership, "form": form, "pilot": None}
    return render(request, "pilots/pilot_form.html", context, status=status)


@access(policy.PARTNERSHIP_CHANGE)
def pilot_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    pilot = selectors.pilot_detail(request.user, pk)
    _changeable(request, pilot.partnership)
    form = PilotEditForm(request.POST or None, pilot=pilot)
    form.set_people(**_people(pilot))
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if form.fields["status"].disabled:
                data.pop("status")
            try:
                services.pilot_update(
                    actor=request.user,
                    pilot=pilot,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except EditConflict as conflict:
                show_conflict(form, conflict)
                status = 409
            else:
                messages.success(request, f"Pilot “{pilot}” was saved.")
                return redirect(pilot)
    context = {**SECTION, "partnership": pilot.partnership, "form": form, "pilot": pilot}
    return render(request, "pilots/pilot_form.html", context, status=status)


@access(policy.PARTNERSHIP_VIEW)
def pilot_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.pilot_detail(request.user, pk))


def _detail(
    request: SignedInRequest,
    pilot: Pilot,
    *,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pilot page; `forms` are bound forms re-shown with their errors."""
    actor, forms = request.user, forms or {}
    selectors.mark_overdue([pilot], timezone.localdate())
    can_change = policy.can_change_partnership(actor, pilot.partnership)
    can_decide = pilot.is_open and policy.can_move_partnership(actor, pilot.partnership)
    standings = selectors.criteria_standing(actor, pilot)
    for standing in standings:
        criterion = standing.criterion
        recordable = pilot.is_open and policy.can_work_on(
            actor,
            criterion,
            pilot.partnership,
            criterion.assignee_id,
            changes_partnership=can_change,
            read_through_policy=True,
        )
        standing.form = (  # type: ignore[attr-defined]
            forms.get(f"actual-{criterion.pk}")
            or (ActualForm(prefix=f"c{criterion.pk}") if recordable else None)
        )
    readiness = selectors.readiness_of(actor, pilot)
    context = {
        **SECTION,
        "pilot": pilot,
        "partnership": pilot.partnership,
        "standings": standings,
        "met": sum(s.met is True for s in standings),
        "chart": criteria_chart(standings),
        "readiness": [(d.label, readiness.get(d.value)) for d in services.DIMENSIONS],
        "readiness_missing": services.readiness_missing(pilot),
        "decisions": selectors.decisions_of(actor, pilot),
        "milestones": selectors.mark_late(
            list(selectors.milestone_rows(actor).filter(pilot=pilot)), timezone.localdate()
        ),
        "can_change": can_change,
        "criterion_form": forms.get("criterion")
        or (
            CriterionForm(assignees=selectors.assignable_users(pilot))
            if can_change and pilot.is_open
            else None
        ),
        "readiness_form": forms.get("readiness")
        or (ReadinessForm(scores=readiness) if can_change and pilot.is_open else None),
        "decision_form": forms.get("decision")
        or (DecisionForm(initial={"version": pilot.version}) if can_decide else None),
        "events": history_for(actor, pilot)[:50],
    }
    return render(request, "pilots/pilot_detail.html", context, status=status)


def _refused(request: SignedInRequest, pilot: Pilot, name: str, form: Any) -> HttpResponse:
    return _detail(request, pilot, forms={name: form}, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def criterion_add(request: SignedInRequest, pk: int) -> HttpResponse:
    pilot = selectors.pilot_detail(request.user, pk)
    _changeable(request, pilot.partnership)
    form = CriterionForm(request.POST, assignees=selectors.assignable_users(pilot))
    if not form.is_valid():
        return _refused(request, pilot, "criterion", form)
    try:
        criterion = services.criterion_add(actor=request.user, pilot=pilot, data=form.cleaned_data)
    except ValidationError as error:
        add_validation_errors(form, error)
        return _refused(request, pilot, "criterion", form)
    messages.success(request, f"Success criterion “{criterion.metric}” was added.")
    return redirect(pilot)


@access(policy.PARTNERSHIP_VIEW)
@require_POST
def actual_record(request: SignedInRequest, pk: int) -> HttpResponse:
    """Open to every reader of the pilot: the service lets the team and the assignee record."""
    criterion = get_visible_or_404(request.user, SuccessCriterion, pk=pk)
    pilot = selectors.pilot_detail(request.user, criterion.pilot_id)
    form = ActualForm(request.POST, prefix=f"c{criterion.pk}")
    name = f"actual-{criterion.pk}"
    if not form.is_valid():
        return _refused(request, pilot, name, form)
    try:
        services.actual_record(actor=request.user, criterion=criterion, **form.cleaned_data)
    except ValidationError as error:
        add_validation_errors(form, error)
        return _refused(request, pilot, name, form)
    messages.success(request, f"Actual of “{criterion.metric}” recorded.")
    return redirect(pilot)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def readiness_assess(request: SignedInRequest, pk: int) -> HttpResponse:
    pilot = selectors.pilot_detail(request.user, pk)
    _changeable(request, pilot.partnership)
    form = ReadinessForm(request.POST, scores=selectors.readiness_of(request.user, pilot))
    if not form.is_valid() or not form.scores():
        if form.is_valid():
            form.add_error(None, "Score at least one dimension, with its evidence.")
        return _refused(request, pilot, "readiness", form)
    try:
        services.readiness_assess(actor=request.user, pilot=pilot, scores=form.scores())
    except ValidationError as error:
        add_validation_errors(form, error)
        return _refused(request, pilot, "readiness", form)
    messages.success(request, "Readiness saved.")
    return redirect(pilot)


@access(policy.PARTNERSHIP_MOVE)
@require_POST
def pilot_decide(request: SignedInRequest, pk: int) -> HttpResponse:
    pilot = selectors.pilot_detail(request.user, pk)
    if not policy.can_move_partnership(request.user, pilot.partnership):
        raise PermissionDenied("Only the partnership's team, an executive or an administrator.")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, pilot, "decision", form)
    data = form.cleaned_data
    try:
        services.pilot_decide(
            actor=request.user,
            pilot=pilot,
            decision=data["decision"],
            rationale=data["rationale"],
            ends_on=data["ends_on"],
            expected_version=data["version"],
        )
    except ValidationError as error:
        add_validation_errors(form, error)
        return _refused(request, pilot, "decision", form)
    except EditConflict:
        form.add_error(None, "The pilot was changed meanwhile; read it again and decide.")
        return _detail(request, selectors.pilot_detail(request.user, pk), forms={"decision": form},
                       status=409)  # fmt: skip
    messages.success(request, f"Decision recorded: {Pilot.Decision(data['decision']).label}.")
    return redirect(pilot)
