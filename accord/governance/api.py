"""Governance API: committees, meetings, the decision log, action items and escalations. Thin:
reads through selectors and the access policy, writes through services, access declared per
operation with `@api_access`. A row the caller may not see answers 404, like a missing one.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page, filter_params, filtered
from accord.core.http import ApiRequest
from accord.core.policy import (
    PARTNERSHIP_CHANGE,
    PARTNERSHIP_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.governance import escalations, selectors, services
from accord.governance.filters import ActionItemFilter, MeetingFilter
from accord.governance.models import ActionItem, Committee, Decision, Escalation, Meeting
from accord.governance.schemas import (
    ActionItemFilters,
    ActionItemIn,
    ActionItemOut,
    ActionItemPatch,
    ActionStatusIn,
    CommitteeIn,
    CommitteeOut,
    CommitteePatch,
    DecisionFilters,
    DecisionIn,
    DecisionOut,
    EscalationFilters,
    EscalationIn,
    EscalationOut,
    EscalationStepIn,
    MeetingFilters,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    ResolutionIn,
)
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership

router = Router(tags=["governance"])


def _person(field: str, ref: int | str, partnership: Partnership) -> User:
    people = partnership_selectors.people_of(partnership)
    by_id = isinstance(ref, int) or str(ref).isdigit()
    found: User | None = (
        people.filter(pk=int(ref)) if by_id else people.filter(username=ref)
    ).first()
    if found is None:
        raise ValidationError({field: f"No active user {ref!r} of ours or of a party."})
    return found


def _people(field: str, refs: list[int | str] | None, partnership: Partnership) -> Any:
    return None if refs is None else [_person(field, ref, partnership) for ref in refs]


def _visible(request: ApiRequest, model: Any, field: str, pk: int | None) -> Any:
    if pk is None:
        return None
    found = visible_to(request.auth, model).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"No {model._meta.verbose_name} has id {pk}."})
    return found


# Committees


def _committees(request: ApiRequest) -> QuerySet[Committee]:
    return selectors.committee_rows(request.auth)


@router.get("/committees", response=list[CommitteeOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def committee_list(request: ApiRequest, partnership: int | None = None):
    """Committees the caller may see; filter by partnership."""
    rows = _committees(request)
    return rows.filter(partnership_id=partnership) if partnership is not None else rows


@router.get("/committees/{committee_id}", response=CommitteeOut)
@api_access(PARTNERSHIP_VIEW, model=Committee)
def committee_get(request: ApiRequest, committee_id: int, response: HttpResponse):
    committee = get_visible_or_404(request.auth, Committee, pk=committee_id)
    versions.tag_response(response, committee)
    return _committees(request).get(pk=committee.pk)


@router.post("/committees", response={201: CommitteeOut})
@api_access(PARTNERSHIP_CHANGE)
def committee_create(request: ApiRequest, payload: CommitteeIn):
    """A committee of a partnership with members from both sides; what it holds is shared with
    the parties in `shared_with` (the only party by default) unless `visibility` is internal."""
    partnership = _visible(request, Partnership, "partnership", payload.partnership)
    data = payload.model_dump(exclude_unset=True, include={"name", "charter", "cadence"})
    if payload.chair is not None:
        data["chair"] = _person("chair", payload.chair, partnership)
    committee = services.committee_create(
        actor=request.auth, partnership=partnership, data=data,
        members=_people("members", payload.members, partnership) or [],
        visibility=payload.visibility, shared_with=payload.shared_with,
    )  # fmt: skip
    return Status(201, _committees(request).get(pk=committee.pk))


@router.patch("/committees/{committee_id}", response=CommitteeOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=Committee)
def committee_update(
    request: ApiRequest, committee_id: int, payload: CommitteePatch, response: HttpResponse
):
    committee = get_visible_or_404(request.auth, Committee, pk=committee_id)
    data = payload.model_dump(exclude_unset=True, include={"name", "charter", "cadence", "chair"})
    if data.get("chair") is not None:
        data["chair"] = _person("chair", data["chair"], committee.partnership)
    saved = services.committee_update(
        actor=request.auth, committee=committee, data=data,
        members=_people("members", payload.members, committee.partnership),
        expected_version=versions.expected_version(request, payload.version),
    )  # fmt: skip
    versions.tag_response(response, saved)
    return _committees(request).get(pk=committee.pk)


# Meetings


def _meetings(request: ApiRequest) -> QuerySet[Meeting]:
    return selectors.meeting_rows(request.auth)


@router.get("/meetings", response=list[MeetingOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def meeting_list(request: ApiRequest, filters: Query[MeetingFilters]):
    """Meetings the caller may see, soonest first; filter by committee, partnership, upcoming."""
    return filtered(MeetingFilter(filter_params(filters), queryset=_meetings(request)))


@router.get("/meetings/{meeting_id}", response=MeetingOut)
@api_access(PARTNERSHIP_VIEW, model=Meeting)
def meeting_get(request: ApiRequest, meeting_id: int, response: HttpResponse):
    meeting = get_visible_or_404(request.auth, Meeting, pk=meeting_id)
    versions.tag_response(response, meeting)
    return _meetings(request).get(pk=meeting.pk)


def _meeting_data(payload: MeetingIn | MeetingPatch) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude={"committee", "attendees", "version"})


@router.post("/meetings", response={201: MeetingOut})
@api_access(PARTNERSHIP_CHANGE)
def meeting_create(request: ApiRequest, payload: MeetingIn):
    committee = _visible(request, Committee, "committee", payload.committee)
    meeting = services.meeting_create(
        actor=request.auth, committee=committee, data=_meeting_data(payload),
        attendees=_people("attendees", payload.attendees, committee.partnership) or [],
    )  # fmt: skip
    return Status(201, _meetings(request).get(pk=meeting.pk))


@router.patch("/meetings/{meeting_id}", response=MeetingOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=Meeting)
def meeting_update(
    request: ApiRequest, meeting_id: int, payload: MeetingPatch, response: HttpResponse
):
    """Change the fields sent: the minutes, a new time, `cancelled`; `attendees` replaces."""
    meeting = get_visible_or_404(request.auth, Meeting, pk=meeting_id)
    saved = services.meeting_update(
        actor=request.auth, meeting=meeting, data=_meeting_data(payload),
        attendees=_people("attendees", payload.attendees, meeting.committee.partnership),
        expected_version=versions.expected_version(request, payload.version),
    )  # fmt: skip
    versions.tag_response(response, saved)
    return _meetings(request).get(pk=meeting.pk)


# The decision log


@router.get("/decisions", response=list[DecisionOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def decision_list(request: ApiRequest, filters: Query[DecisionFilters]):
    """The decision log the caller may see, newest first; filter by committee or meeting."""
    rows = visible_to(request.auth, Decision)
    if filters.committee is not None:
        rows = rows.filter(committee_id=filters.committee)
    if filters.meeting is not None:
        rows = rows.filter(meeting_id=filters.meeting)
    return rows


@router.post("/decisions", response={201: DecisionOut})
@api_access(PARTNERSHIP_CHANGE)
def decision_record(request: ApiRequest, payload: DecisionIn):
    """Log what was decided, by whom and when (not after today)."""
    committee = _visible(request, Committee, "committee", payload.committee)
    data = payload.model_dump(exclude_unset=True, exclude={"committee"})
    data["meeting"] = _visible(request, Meeting, "meeting", payload.meeting)
    return Status(201, services.decision_record(actor=request.auth, committee=committee,
                                                data=data))  # fmt: skip


# Action items


def _items(request: ApiRequest) -> QuerySet[ActionItem]:
    return visible_to(request.auth, ActionItem).select_related("owner")


@router.get("/action-items", response=list[ActionItemOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def action_item_list(request: ApiRequest, filters: Query[ActionItemFilters]):
    """Action items the caller may see, soonest due first; `mine=true` for the caller's own
    across partnerships; filter by committee, partnership, meeting, owner, status, overdue."""
    params = filter_params(filters)
    params.pop("mine", None)
    rows = filtered(ActionItemFilter(params, queryset=_items(request)))
    return rows.filter(owner=request.auth) if filters.mine else rows


@router.get("/action-items/{item_id}", response=ActionItemOut)
@api_access(PARTNERSHIP_VIEW, model=ActionItem)
def action_item_get(request: ApiRequest, item_id: int, response: HttpResponse):
    item = get_visible_or_404(request.auth, ActionItem, pk=item_id)
    versions.tag_response(response, item)
    return item


def _item_data(
    request: ApiRequest, payload: ActionItemIn | ActionItemPatch, committee: Committee
) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"committee", "version"})
    if "meeting" in data:
        data["meeting"] = _visible(request, Meeting, "meeting", data["meeting"])
    if "decision" in data:
        data["decision"] = _visible(request, Decision, "decision", data["decision"])
    if data.get("owner") is not None:
        data["owner"] = _person("owner", data["owner"], committee.partnership)
    return data


@router.post("/action-items", response={201: ActionItemOut})
@api_access(PARTNERSHIP_CHANGE)
def action_item_create(request: ApiRequest, payload: ActionItemIn):
    committee = _visible(request, Committee, "committee", payload.committee)
    item = services.action_item_create(
        actor=request.auth, committee=committee, data=_item_data(request, payload, committee)
    )
    return Status(201, item)


@router.patch("/action-items/{item_id}", response=ActionItemOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=ActionItem)
def action_item_update(
    request: ApiRequest, item_id: int, payload: ActionItemPatch, response: HttpResponse
):
    item = get_visible_or_404(request.auth, ActionItem, pk=item_id)
    saved = services.action_item_update(
        actor=request.auth, item=item, data=_item_data(request, payload, item.committee),
        expected_version=versions.expected_version(request, payload.version),
    )  # fmt: skip
    versions.tag_response(response, saved)
    return saved


@router.post("/action-items/{item_id}/status", response=ActionItemOut)
@api_access(PARTNERSHIP_VIEW, model=ActionItem)
def action_item_status(request: ApiRequest, item_id: int, payload: ActionStatusIn):
    """Done, open or cancelled: for its owner on either side and the partnership's team."""
    item = get_visible_or_404(request.auth, ActionItem, pk=item_id)
    return services.action_item_update(
        actor=request.auth, item=item, data={"status": payload.status},
        expected_version=payload.version, read_through_policy=True,
    )  # fmt: skip


# Escalations


@router.get("/escalations", response=list[EscalationOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def escalation_list(request: ApiRequest, filters: Query[EscalationFilters]):
    """Escalations the caller may see, newest first; filter by partnership, open, severity."""
    rows = selectors.escalation_rows(request.auth)
    if filters.partnership is not None:
        rows = rows.filter(partnership_id=filters.partnership)
    if filters.open is not None:
        rows = rows.filter(resolved_at__isnull=filters.open)
    if filters.severity is not None:
        rows = rows.filter(severity=filters.severity)
    return rows


@router.get("/escalations/{escalation_id}", response=EscalationOut)
@api_access(PARTNERSHIP_VIEW, model=Escalation)
def escalation_get(request: ApiRequest, escalation_id: int, response: HttpResponse):
    escalation = selectors.escalation_detail(request.auth, escalation_id)
    versions.tag_response(response, escalation)
    return escalation


@router.post("/escalations", response={201: EscalationOut})
@api_access(PARTNERSHIP_CHANGE)
def escalation_raise(request: ApiRequest, payload: EscalationIn):
    """Raise an issue on a path of people; the first holds it now, within its severity's time
    (critical 4 h, high 24 h, medium 72 h, low a week)."""
    partnership = _visible(request, Partnership, "partnership", payload.partnership)
    escalation = escalations.escalation_raise(
        actor=request.auth, partnership=partnership,
        data=payload.model_dump(include={"title", "description", "severity"}),
        path=_people("path", payload.path, partnership),
        visibility=payload.visibility, shared_with=payload.shared_with,
    )  # fmt: skip
    return Status(201, selectors.escalation_detail(request.auth, escalation.pk))


@router.post("/escalations/{escalation_id}/step-up", response=EscalationOut)
@api_access(PARTNERSHIP_VIEW, model=Escalation)
def escalation_step_up(request: ApiRequest, escalation_id: int, payload: EscalationStepIn):
    """Pass it to the next on its path: for the one holding it and the partnership's team."""
    escalation = selectors.escalation_detail(request.auth, escalation_id)
    escalations.escalation_step_up(actor=request.auth, escalation=escalation,
                                   expected_version=payload.version)  # fmt: skip
    return selectors.escalation_detail(request.auth, escalation_id)


@router.post("/escalations/{escalation_id}/resolution", response=EscalationOut)
@api_access(PARTNERSHIP_VIEW, model=Escalation)
def escalation_resolve(request: ApiRequest, escalation_id: int, payload: ResolutionIn):
    """Resolve it, saying how: for the one holding it and the partnership's team."""
    escalation = selectors.escalation_detail(request.auth, escalation_id)
    escalations.escalation_resolve(actor=request.auth, escalation=escalation,
                                   resolution=payload.resolution,
                                   expected_version=payload.version)  # fmt: skip
    return selectors.escalation_detail(request.auth, escalation_id)
