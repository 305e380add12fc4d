"""Pilots and milestones in the partner workspace: a partner user reads those shared with its
organization, records actuals of the criteria assigned to it and completes its milestones.

Every row comes through the access policy as the partner user, so anything not shared with its
organization answers 404, like a missing one; readiness, budget and decisions stay internal.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import WORKSPACE_PAGE, contributes_to
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.partnerships.models import Partnership
from accord.pilots import milestones, selectors, services
from accord.pilots.charts import criteria_chart
from accord.pilots.forms import ActualForm
from accord.pilots.models import Milestone, Pilot, SuccessCriterion

SECTION = {"section": "workspace"}


def pilot_url(pilot_id: int) -> str:
    return reverse("pilots_workspace:pilot_detail", args=[pilot_id])


def _may_update(actor: User, milestones_: list[Milestone]) -> list[Milestone]:
    for milestone in milestones_:
        milestone.may_update = milestones.may_update(actor, milestone, team=False)  # type: ignore[attr-defined]
    return milestones_


@contributes_to(WORKSPACE_PAGE)
def workspace_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    """The shared pilots and milestones on the partnership's workspace page."""
    context = {
        "pilots": selectors.partnership_pilots(actor, partnership),
        "milestones": _may_update(actor, selectors.partnership_milestones(actor, partnership)),
        "request_path": reverse("workspace:partnership_detail", args=[partnership.pk]),
    }
    return {"workspace_sections": [("pilots/workspace_section.html", context)]}


@access(policy.WORKSPACE_VIEW)
def pilot_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.pilot_detail(request.user, pk))


def _detail(
    request: SignedInRequest, pilot: Pilot, *, forms: dict[int, ActualForm] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    actor, forms = request.user, forms or {}
    standings = selectors.criteria_standing(actor, pilot)
    for standing in standings:
        criterion = standing.criterion
        mine = pilot.is_open and criterion.assignee_id == actor.pk
        standing.form = forms.get(criterion.pk) or (  # type: ignore[attr-defined]
            ActualForm(prefix=f"c{criterion.pk}") if mine else None
        )
    today = timezone.localdate()
    of_pilot = selectors.milestone_rows(actor).filter(pilot=pilot)
    context = {
        **SECTION,
        "pilot": selectors.mark_overdue([pilot], today)[0],
        "partnership": pilot.partnership,
        "standings": standings,
        "met": sum(s.met is True for s in standings),
        "chart": criteria_chart(standings),
        "milestones": _may_update(actor, selectors.mark_late(list(of_pilot), today)),
        "request_path": request.path,
    }
    return render(request, "pilots/workspace_pilot.html", context, status=status)


@access(policy.WORKSPACE_VIEW)
@require_POST
def successcriterion_actual(request: SignedInRequest, pk: int) -> HttpResponse:
    """Record an actual of a criterion assigned to the partner user (the service checks)."""
    criterion = get_visible_or_404(request.user, SuccessCriterion, pk=pk)
    pilot = selectors.pilot_detail(request.user, criterion.pilot_id)
    form = ActualForm(request.POST, prefix=f"c{criterion.pk}")
    if form.is_valid():
        try:
            services.actual_record(actor=request.user, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Actual of “{criterion.metric}” recorded.")
            return redirect(pilot_url(pilot.pk))
    return _detail(request, pilot, forms={criterion.pk: form}, status=422)


@access(policy.WORKSPACE_VIEW)
@require_POST
def milestone_complete(request: SignedInRequest, pk: int) -> HttpResponse:
    """Done today, or open again, for the milestone's owner (the service checks)."""
    milestone = get_visible_or_404(request.user, Milestone, pk=pk)
    back = request.POST.get("next", "")
    if not back.startswith("/workspace/"):
        back = reverse("workspace:partnership_detail", args=[milestone.partnership_id])
    version = request.POST.get("version", "")
    if not version.isdigit():
        messages.error(request, "The page sent no version of the milestone; reload it.")
        return redirect(back)
    done = request.POST.get("done") != "0"
    try:
        milestones.milestone_complete(actor=request.user, milestone=milestone, done=done,
                                      expected_version=int(version))  # fmt: skip
    except EditConflict:
        messages.error(request, f"“{milestone}” was changed meanwhile; see it now and try again.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"“{milestone}” {'done' if done else 'open again'}.")
    return redirect(back)
