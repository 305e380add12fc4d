"""Milestone and sprint pages of a partnership: thin views over the selectors, the services in
`milestones.py` and the access policy."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership
from accord.pilots import milestones, selectors
from accord.pilots.forms import (
    MilestoneCreateForm,
    MilestoneEditForm,
    SprintCreateForm,
    SprintEditForm,
)
from accord.pilots.models import Milestone, Sprint

SECTION = {"section": "partnerships"}


def _url(partnership: Partnership | int) -> str:
    pk = partnership if isinstance(partnership, int) else partnership.pk
    return reverse("pilots:partnership_milestones", args=[pk])


def _choices(form: Any, request: SignedInRequest, partnership: Partnership) -> Any:
    pilots = selectors.pilot_rows(request.user).filter(partnership=partnership)
    form.set_choices(pilots, partnership_selectors.people_of(partnership))
    return form


@access(policy.PARTNERSHIP_VIEW)
def partnership_milestones(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    return _page(request, partnership)


def _page(
    request: SignedInRequest,
    partnership: Partnership,
    *,
    milestone_form: MilestoneCreateForm | None = None,
    sprint_form: SprintCreateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = request.user
    team = policy.can_change_partnership(actor, partnership)
    rows = selectors.partnership_milestones(actor, partnership)
    for milestone in rows:
        milestone.may_update = milestones.may_update(actor, milestone, team=team)  # type: ignore[attr-defined]
    if team:
        milestone_form = milestone_form or _choices(
            MilestoneCreateForm(partnership=partnership, prefix="m"), request, partnership
        )
        sprint_form = sprint_form or _choices(
            SprintCreateForm(partnership=partnership, prefix="s"), request, partnership
        )
    context = {
        **SECTION,
        "partnership": partnership,
        "milestones": rows,
        "done": sum(m.completed_on is not None for m in rows),
        "sprints": selectors.sprint_rows(actor).filter(partnership=partnership),
        "can_change": team,
        "milestone_form": milestone_form,
        "sprint_form": sprint_form,
    }
    return render(request, "pilots/partnership_milestones.html", context, status=status)


def _team_partnership(request: SignedInRequest, pk: int) -> Partnership:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    policy.require_change_partnership(request.user, partnership)
    return partnership


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def milestone_create(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _team_partnership(request, pk)
    form = _choices(
        MilestoneCreateForm(request.POST, partnership=partnership, prefix="m"), request, partnership
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            milestone = milestones.milestone_create(
                actor=request.user, partnership=partnership, data=data,
                visibility=data["visibility"], shared_with=data["shared_with"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Milestone “{milestone}” was added.")
            return redirect(_url(partnership))
    return _page(request, partnership, milestone_form=form, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def sprint_create(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = _team_partnership(request, pk)
    form = _choices(
        SprintCreateForm(request.POST, partnership=partnership, prefix="s"), request, partnership
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            sprint = milestones.sprint_create(
                actor=request.user, partnership=partnership, data=data,
                participants=data["participants"], visibility=data["visibility"],
                shared_with=data["shared_with"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Sprint “{sprint}” was added.")
            return redirect(_url(partnership))
    return _page(request, partnership, sprint_form=form, status=422)


@access(policy.PARTNERSHIP_CHANGE)
def milestone_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    milestone = get_visible_or_404(request.user, Milestone, pk=pk)
    partnership = _team_partnership(request, milestone.partnership_id)
    form = _choices(MilestoneEditForm(request.POST or None, milestone=milestone), request,
                    partnership)  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                milestones.milestone_update(
                    actor=request.user,
                    milestone=milestone,
                    data=data,
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            except EditConflict as conflict:
                show_conflict(form, conflict)
                status = 409
            else:
                messages.success(request, f"Milestone “{milestone}” was saved.")
                return redirect(_url(partnership))
    context = {**SECTION, "partnership": partnership, "form": form, "item": milestone,
               "kind": "milestone"}  # fmt: skip
    return render(request, "pilots/item_form.html", context, status=status)


@access(policy.PARTNERSHIP_VIEW)
@require_POST
def milestone_complete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Done today, or open again: for its owner on either side and the partnership's team."""
    milestone = get_visible_or_404(request.user, Milestone, pk=pk)
    done = request.POST.get("done") != "0"
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, "The page sent no version of the milestone; reload it.")
        return redirect(_url(milestone.partnership_id))
    try:
        milestones.milestone_complete(actor=request.user, milestone=milestone, done=done,
                                      expected_version=int(version))  # fmt: skip
    except EditConflict:
        messages.error(request, f"“{milestone}” was changed meanwhile; see it now and try again.")
    else:
        messages.success(request, f"“{milestone}” {'done' if done else 'open again'}.")
    return redirect(_url(milestone.partnership_id))


@access(policy.PARTNERSHIP_CHANGE)
def sprint_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    sprint = get_visible_or_404(request.user, Sprint, pk=pk)
    partnership = _team_partnership(request, sprint.partnership_id)
    form = _choices(SprintEditForm(request.POST or None, sprint=sprint), request, partnership)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                milestones.sprint_update(
                    actor=request.user, sprint=sprint, data=data,
                    participants=data.pop("participants"),
                    expected_version=form.cleaned_data["version"],
                )  # fmt: skip
            except ValidationError as error:
                add_validation_errors(form, error)
            except EditConflict as conflict:
                show_conflict(form, conflict)
                status = 409
            else:
                messages.success(request, f"Sprint “{sprint}” was saved.")
                return redirect(_url(partnership))
    context = {**SECTION, "partnership": partnership, "form": form, "item": sprint,
               "kind": "sprint"}  # fmt: skip
    return render(request, "pilots/item_form.html", context, status=status)
