"""Governance pages: thin views over the selectors, services and the access policy."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from accord.core import policy
from accord.core.errors import EditConflict
from accord.core.forms import add_validation_errors, show_conflict
from accord.core.history import history_for
from accord.core.http import SignedInRequest
from accord.core.policy import access, get_visible_or_404
from accord.governance import calendar, escalations, selectors, services
from accord.governance.forms import (
    ActionItemForm,
    CommitteeForm,
    DecisionForm,
    EscalationForm,
    MeetingForm,
    MinutesForm,
    ResolveForm,
)
from accord.governance.models import ActionItem, Committee, Escalation, Meeting
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

SECTION = {"section": "partnerships"}


def _team(request: SignedInRequest, partnership: Partnership) -> None:
    policy.require_change_partnership(request.user, partnership)


# A partnership's committees ---------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def partnership_governance(request: SignedInRequest, pk: int) -> HttpResponse:
    return _governance_page(request, partnership_selectors.partnership_detail(request.user, pk))


def _governance_page(
    request: SignedInRequest, partnership: Partnership, *, form: CommitteeForm | None = None,
    escalation_form: EscalationForm | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    team = policy.can_change_partnership(request.user, partnership)
    if form is None and team:
        form = CommitteeForm(partnership=partnership)
        form.set_people(partnership_selectors.people_of(partnership))
    if escalation_form is None and team:
        escalation_form = _escalation_form(request, partnership)
    context = {
        **SECTION,
        "partnership": partnership,
        "committees": selectors.partnership_committees(request.user, partnership),
        "open_items": selectors.action_items_of(
            request.user, committee__partnership=partnership, status="open"
        ),
        "escalations": selectors.mark_clock(
            list(selectors.escalation_rows(request.user).filter(partnership=partnership)),
            timezone.now(),
        ),
        "form": form,
        "escalation_form": escalation_form,
    }
    return render(request, "governance/partnership_governance.html", context, status=status)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_committee_create(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    _team(request, partnership)
    form = CommitteeForm(request.POST, partnership=partnership)
    form.set_people(partnership_selectors.people_of(partnership))
    if form.is_valid():
        data = form.cleaned_data
        try:
            committee = services.committee_create(
                actor=request.user, partnership=partnership, data=data,
                members=data["members"], visibility=data["visibility"],
                shared_with=data["shared_with"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Committee “{committee}” was created.")
            return redirect(committee)
    return _governance_page(request, partnership, form=form, status=422)


# A committee --------------------------------------------------------------------------------


def _committee_forms(request: SignedInRequest, committee: Committee, bound: dict[str, Any]):
    people = partnership_selectors.people_of(committee.partnership)
    meetings = selectors.meetings_queryset(request.user, committee)
    meeting = bound.get("meeting") or MeetingForm(prefix="meeting")
    meeting.set_people(people)
    decision = bound.get("decision") or DecisionForm(prefix="decision")
    decision.set_meetings(meetings)
    action = bound.get("action") or ActionItemForm(prefix="action")
    action.set_choices(people, meetings, selectors.decisions_of(request.user, committee=committee))
    return {"meeting_form": meeting, "decision_form": decision, "action_form": action}


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def committee_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _committee_page(request, selectors.committee_detail(request.user, pk))


def _committee_page(
    request: SignedInRequest, committee: Committee, *, bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    actor = request.user
    now = timezone.now()
    meetings = selectors.meetings_of(actor, committee)
    team = policy.can_change_partnership(actor, committee.partnership)
    items = selectors.action_items_of(actor, committee=committee)
    for item in items:
        item.may_update = policy.can_work_on(  # type: ignore[attr-defined]
            actor, item, committee.partnership, item.owner_id, changes_partnership=team,
            read_through_policy=True,
        )  # fmt: skip
    context = {
        **SECTION,
        "committee": committee,
        "partnership": committee.partnership,
        "upcoming": [m for m in meetings if m.ends_at >= now],
        "past": [m for m in meetings if m.ends_at < now][::-1],
        "decisions": selectors.decisions_of(actor, committee=committee),
        "items": items,
        "team": team,
        **(_committee_forms(request, committee, bound or {}) if team else {}),
    }
    return render(request, "governance/committee_detail.html", context, status=status)


def _team_committee(request: SignedInRequest, pk: int) -> Committee:
    committee = selectors.committee_detail(request.user, pk)
    _team(request, committee.partnership)
    return committee


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def committee_meeting_add(request: SignedInRequest, pk: int) -> HttpResponse:
    committee = _team_committee(request, pk)
    form = MeetingForm(request.POST, prefix="meeting")
    form.set_people(partnership_selectors.people_of(committee.partnership))
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_create(actor=request.user, committee=committee, data=data,
                                              attendees=data["attendees"])  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Meeting “{meeting}” was scheduled.")
            return redirect(meeting)
    return _committee_page(request, committee, bound={"meeting": form}, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def committee_decision_add(request: SignedInRequest, pk: int) -> HttpResponse:
    committee = _team_committee(request, pk)
    form = DecisionForm(request.POST, prefix="decision")
    form.set_meetings(selectors.meetings_queryset(request.user, committee))
    if form.is_valid():
        try:
            services.decision_record(actor=request.user, committee=committee,
                                     data=form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "The decision was logged.")
            return redirect(committee)
    return _committee_page(request, committee, bound={"decision": form}, status=422)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def committee_action_add(request: SignedInRequest, pk: int) -> HttpResponse:
    committee = _team_committee(request, pk)
    form = ActionItemForm(request.POST, prefix="action")
    form.set_choices(
        partnership_selectors.people_of(committee.partnership),
        selectors.meetings_queryset(request.user, committee),
        selectors.decisions_of(request.user, committee=committee),
    )
    if form.is_valid():
        try:
            services.action_item_create(actor=request.user, committee=committee,
                                        data=form.cleaned_data)  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Action “{form.cleaned_data['title']}” was added.")
            return redirect(committee)
    return _committee_page(request, committee, bound={"action": form}, status=422)


# A meeting ----------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def meeting_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, selectors.meeting_detail(request.user, pk))


def _meeting_page(
    request: SignedInRequest, meeting: Meeting, *, form: MinutesForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    committee = meeting.committee
    if form is None and policy.can_change_partnership(request.user, committee.partnership):
        form = MinutesForm(meeting=meeting)
    context = {
        **SECTION,
        "meeting": meeting,
        "committee": committee,
        "partnership": committee.partnership,
        "decisions": selectors.decisions_of(request.user, meeting=meeting),
        "items": selectors.action_items_of(request.user, meeting=meeting),
        "form": form,
    }
    return render(request, "governance/meeting_detail.html", context, status=status)


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def meeting_minutes(request: SignedInRequest, pk: int) -> HttpResponse:
    """Save the minutes, or call the meeting off; the version read guards both."""
    meeting = selectors.meeting_detail(request.user, pk)
    _team(request, meeting.committee.partnership)
    form = MinutesForm(request.POST, meeting=meeting)
    status = 422
    if form.is_valid():
        try:
            services.meeting_update(
                actor=request.user, meeting=meeting,
                data={"minutes": form.cleaned_data["minutes"],
                      "cancelled": form.cleaned_data["cancelled"]},
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        except EditConflict as conflict:
            show_conflict(form, conflict)
            status = 409
        else:
            messages.success(request, "The minutes were saved.")
            return redirect(meeting)
    return _meeting_page(request, meeting, form=form, status=status)


@access(policy.PARTNERSHIP_VIEW)
def meeting_invite(request: SignedInRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar invitation (.ics) with its attendees."""
    meeting = selectors.meeting_detail(request.user, pk)
    return invitation_response(meeting, meeting.attendees.all())


def invitation_response(meeting: Meeting, attendees: Iterable[Any]) -> HttpResponse:
    response = HttpResponse(
        calendar.invitation(meeting, attendees),
        content_type="text/calendar; charset=utf-8; method=REQUEST",
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


# Action items ---------------------------------------------------------------------------------


@access(policy.PARTNERSHIP_VIEW)
@require_POST
def actionitem_status(request: SignedInRequest, pk: int) -> HttpResponse:
    """Done, open again or cancelled: for its owner on either side and the partnership's team."""
    item = get_visible_or_404(request.user, ActionItem, pk=pk)
    back = request.POST.get("next") or reverse("governance:committee_detail",
                                               args=[item.committee_id])  # fmt: skip
    return status_change(request, item, back if back.startswith("/") else "/")


def status_change(request: SignedInRequest, item: ActionItem, back: str) -> HttpResponse:
    """Apply the status and version a page posted, say how it went, and go `back`."""
    version, status = request.POST.get("version", ""), request.POST.get("status", "")
    if not version.isdigit() or status not in ActionItem.Status.values:
        messages.error(request, "The page sent no version or status of the action; reload it.")
        return redirect(back)
    try:
        services.action_item_update(actor=request.user, item=item, data={"status": status},
                                    expected_version=int(version),
                                    read_through_policy=True)  # fmt: skip
    except EditConflict:
        messages.error(request, f"“{item}” was changed meanwhile; see it now and try again.")
    else:
        messages.success(request, f"“{item}” is {ActionItem.Status(status).label}.")
    return redirect(back)


@access(policy.PARTNERSHIP_VIEW)
def my_action_items(request: SignedInRequest) -> HttpResponse:
    show_all = request.GET.get("all") == "1"
    items, total = selectors.my_action_items(request.user, include_closed=show_all)
    for item in items:
        item.may_update = True  # type: ignore[attr-defined]  # its owner, reading it
    context = {**SECTION, "items": items, "total": total, "show_all": show_all}
    return render(request, "governance/my_action_items.html", context)


# The calendar feed ----------------------------------------------------------------------------


@access(policy.SIGNED_IN)
def calendar_settings(request: SignedInRequest) -> HttpResponse:
    """Make (or make anew) or revoke the secret link of one's meetings feed."""
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(actor=request.user)
            messages.success(request, "The calendar link was revoked; it opens nothing now.")
            return redirect("governance:calendar_settings")
        token = services.calendar_feed_create(actor=request.user)
    feed_url = None
    if token is not None:
        feed_url = request.build_absolute_uri(
            reverse("governance:calendar_feed") + f"?token={token}"
        )
    context = {
        "section": "account",
        "has_feed": selectors.has_calendar_feed(request.user),
        "feed_url": feed_url,
    }
    return render(request, "governance/calendar_settings.html", context)


@access(policy.PUBLIC)
def calendar_feed(request: SignedInRequest) -> HttpResponse:
    """The meetings of the user whose secret token is given, as a calendar to subscribe to."""
    token = request.GET.get("token", "")
    if not token:
        return HttpResponse("Give the feed's token (?token=...).", status=400,
                            content_type="text/plain")  # fmt: skip
    user = services.calendar_feed_user(token)
    if user is None:
        return HttpResponse("This calendar link was revoked or never existed.", status=410,
                            content_type="text/plain")  # fmt: skip
    body = calendar.feed(selectors.feed_meetings(user))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# Escalations ----------------------------------------------------------------------------------


def _escalation_form(
    request: SignedInRequest, partnership: Partnership, data: Any = None
) -> EscalationForm:
    form = EscalationForm(data, partnership=partnership, prefix="escalation")
    form.set_people(partnership_selectors.people_of(partnership))
    return form


@access(policy.PARTNERSHIP_CHANGE)
@require_POST
def partnership_escalation_raise(request: SignedInRequest, pk: int) -> HttpResponse:
    partnership = partnership_selectors.partnership_detail(request.user, pk)
    _team(request, partnership)
    form = _escalation_form(request, partnership, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            escalation = escalations.escalation_raise(
                actor=request.user, partnership=partnership, data=data, path=form.path(),
                visibility=data["visibility"], shared_with=data["shared_with"],
            )  # fmt: skip
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, f"Escalation “{escalation}” was raised.")
            return redirect(escalation)
    return _governance_page(request, partnership, escalation_form=form, status=422)


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def escalation_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _escalation_page(request, selectors.escalation_detail(request.user, pk))


def _escalation_page(
    request: SignedInRequest, escalation: Escalation, *, form: ResolveForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    can_act = escalation.is_open and escalations.may_act(request.user, escalation)
    context = {
        **SECTION,
        "escalation": escalation,
        "partnership": escalation.partnership,
        "can_act": can_act,
        "has_next": escalation.level + 1 < len(escalation.steps),  # type: ignore[attr-defined]
        "form": form or (ResolveForm(initial={"version": escalation.version}) if can_act else None),
        "events": history_for(request.user, escalation)[:50],
    }
    return render(request, "governance/escalation_detail.html", context, status=status)


@access(policy.PARTNERSHIP_VIEW)
@require_POST
def escalation_act(request: SignedInRequest, pk: int) -> HttpResponse:
    """Pass it on or resolve it: for the one holding it and the partnership's team (the service
    refuses anyone else)."""
    escalation = selectors.escalation_detail(request.user, pk)
    form = ResolveForm(request.POST)
    step_up = request.POST.get("action") == "step_up"
    if step_up:
        form.fields["resolution"].required = False
    if not form.is_valid():
        return _escalation_page(request, escalation, form=form, status=422)
    try:
        if step_up:
            escalations.escalation_step_up(
                actor=request.user,
                escalation=escalation,
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, "Passed to the next person on its path.")
        else:
            escalations.escalation_resolve(
                actor=request.user, escalation=escalation,
                resolution=form.cleaned_data["resolution"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
            messages.success(request, "Resolved.")
    except ValidationError as error:
        add_validation_errors(form, error)
        return _escalation_page(request, escalation, form=form, status=422)
    except EditConflict:
        messages.error(request, "It was changed meanwhile; here it is now.")
    return redirect(escalation)
