"""Joint governance in the partner workspace: the committees, meetings, minutes, decisions,
action items and escalations shared with a partner user's organization. It updates the
action items it owns and raises escalations, which are shared with its organization only.

Every row comes through the access policy as the partner user; anything else answers 404.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import WORKSPACE_PAGE, contributes_to
from accord.core.forms import BootstrapFormMixin, add_validation_errors
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.governance import escalations, selectors
from accord.governance.models import ActionItem, Escalation
from accord.governance.views import invitation_response, status_change
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

SECTION = {"section": "workspace"}


class RaiseForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(max_length=300, label="Issue")
    severity = forms.ChoiceField(choices=Escalation.Severity.choices, initial="medium")
    description = forms.CharField(
        required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _owned(actor: User, items: list[ActionItem]) -> list[ActionItem]:
    for item in items:
        item.may_update = item.owner_id == actor.pk  # type: ignore[attr-defined]
    return items


@contributes_to(WORKSPACE_PAGE)
def workspace_page(actor: User, partnership: Partnership) -> dict[str, Any]:
    """The shared committees, open action items and escalations on the workspace page."""
    items = selectors.action_items_of(
        actor, committee__partnership=partnership, status=ActionItem.Status.OPEN
    )
    raised = selectors.escalation_rows(actor).filter(partnership=partnership).order_by("-raised_at")
    context = {
        "partnership": partnership,
        "committees": selectors.partnership_committees(actor, partnership),
        "items": _owned(actor, items),
        "escalations": selectors.mark_clock(list(raised[:50]), timezone.now()),
        "request_path": reverse("workspace:partnership_detail", args=[partnership.pk]),
    }
    return {"workspace_sections": [("governance/workspace_section.html", context)]}


@access(policy.WORKSPACE_VIEW)
@require_safe
def committee_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    actor = request.user
    committee = selectors.committee_detail(actor, pk)
    now = timezone.now()
    meetings = selectors.meetings_of(actor, committee)
    context = {
        **SECTION,
        "committee": committee,
        "partnership": committee.partnership,
        "upcoming": [m for m in meetings if m.ends_at >= now],
        "past": [m for m in meetings if m.ends_at < now][::-1],
        "decisions": selectors.decisions_of(actor, committee=committee),
        "items": _owned(actor, selectors.action_items_of(actor, committee=committee)),
        "request_path": request.path,
    }
    return render(request, "governance/workspace_committee.html", context)


@access(policy.WORKSPACE_VIEW)
@require_safe
def meeting_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    context = {
        **SECTION,
        "meeting": meeting,
        "committee": meeting.committee,
        "partnership": meeting.committee.partnership,
        "decisions": selectors.decisions_of(request.user, meeting=meeting),
        "items": _owned(request.user, selectors.action_items_of(request.user, meeting=meeting)),
        "request_path": request.path,
    }
    return render(request, "governance/workspace_meeting.html", context)


@access(policy.WORKSPACE_VIEW)
@require_safe
def meeting_invite(request: SignedInRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar invitation (.ics), to the partner user alone: the other
    attendees may include another party's people."""
    return invitation_response(selectors.meeting_detail(request.user, pk), [request.user])


@access(policy.WORKSPACE_VIEW)
@require_POST
def actionitem_status(request: SignedInRequest, pk: int) -> HttpResponse:
    """Done, open again or cancelled, by the action's owner (the service checks)."""
    item = get_visible_or_404(request.user, ActionItem, pk=pk)
    back = request.POST.get("next", "")
    if not back.startswith("/workspace/"):
        back = reverse("governance_workspace:committee_detail", args=[item.committee_id])
    return status_change(request, item, back)


@access(policy.WORKSPACE_VIEW)
def partnership_escalation_raise(request: SignedInRequest, pk: int) -> HttpResponse:
    """GET shows the form; POST raises the issue with our side, shared with the partner's
    organization alone."""
    partnership = get_object_or_404(
        partnership_selectors.workspace_partnerships(request.user), pk=pk
    )
    form = RaiseForm(request.POST or None, prefix="escalation")
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                escalation = escalations.escalation_raise(
                    actor=request.user, partnership=partnership, data=form.cleaned_data
                )
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, f"Escalation “{escalation}” was raised with our team.")
                url = reverse("workspace:partnership_detail", args=[partnership.pk])
                return redirect(f"{url}#escalations")
    context = {**SECTION, "partnership": partnership, "form": form}
    return render(request, "governance/workspace_escalation.html", context, status=status)
