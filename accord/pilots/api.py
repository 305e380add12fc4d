"""Pilots API: pilots, their success criteria and actuals, readiness and decisions, milestones
and sprints. Thin: reads through selectors and the access policy, writes through services,
access declared per operation with `@api_access`. A row the caller may not see answers 404,
like a missing one.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import policy, versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page, filter_params, filtered
from accord.core.http import ApiRequest
from accord.core.policy import (
    PARTNERSHIP_CHANGE,
    PARTNERSHIP_MOVE,
    PARTNERSHIP_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.partnerships import selectors as partnership_selectors
from accord.partnerships.models import Partnership
from accord.pilots import milestones, selectors, services
from accord.pilots.models import (
    CriterionActual,
    Milestone,
    Pilot,
    PilotDecision,
    Sprint,
    SuccessCriterion,
)
from accord.pilots.schemas import (
    ActualIn,
    ActualOut,
    CompletionIn,
    CriterionIn,
    CriterionOut,
    CriterionPatch,
    DecisionIn,
    DecisionOut,
    MilestoneFilters,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    PilotFields,
    PilotFilters,
    PilotIn,
    PilotOut,
    PilotPatch,
    ReadinessAssessIn,
    ReadinessOut,
    SprintFilters,
    SprintIn,
    SprintOut,
    SprintPatch,
)

router = Router(tags=["pilots"])


def _user(field: str, ref: int | str, allowed: Any) -> User:
    by_id = isinstance(ref, int) or str(ref).isdigit()
    found = allowed.filter(pk=int(ref)) if by_id else allowed.filter(username=ref)
    user: User | None = found.first()
    if user is None:
        raise ValidationError({field: f"No active user {ref!r} may take this part."})
    return user


def _people(payload: PilotFields | CriterionIn | CriterionPatch, pilot: Pilot | None,
            partnership: Partnership) -> dict[str, Any]:  # fmt: skip
    """The users named in the payload, resolved among those who may take each part."""
    found: dict[str, Any] = {}
    sent = payload.model_dump(exclude_unset=True)
    choices = {
        "owner": partnership_selectors.internal_users(),
        "partner_owner": selectors.partner_users_of(partnership),
        "assignee": selectors.assignable_users(pilot) if pilot else None,
    }
    for field in ("owner", "partner_owner", "assignee"):
        if field in sent:
            ref = sent[field]
            found[field] = None if ref is None else _user(field, ref, choices[field])
    return found


def _pilot_data(payload: PilotFields, pilot: Pilot | None, partnership: Partnership) -> dict:
    data = payload.model_dump(
        exclude_unset=True,
        exclude={"partnership", "visibility", "shared_with", "version", "owner", "partner_owner"},
    )
    return {**data, **_people(payload, pilot, partnership)}


def _changeable(request: ApiRequest, pilot: Pilot) -> None:
    policy.require_change_partnership(request.auth, pilot.partnership)


# Pilots


@router.get("/pilots", response=list[PilotOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def pilot_list(request: ApiRequest, filters: Query[PilotFilters]):
    """Pilots the caller may see, latest start first; filter by status, decision, partnership,
    owner or overdue (past the timebox without a decision)."""
    return filtered(selectors.pilot_list(request.auth, filter_params(filters)))


@router.get("/pilots/{pilot_id}", response=PilotOut)
@api_access(PARTNERSHIP_VIEW, model=Pilot)
def pilot_get(request: ApiRequest, pilot_id: int, response: HttpResponse):
    """The pilot, with its version as the ETag (send it in If-Match to edit safely)."""
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    versions.tag_response(response, pilot)
    return pilot


@router.post("/pilots", response={201: PilotOut})
@api_access(PARTNERSHIP_CHANGE)
def pilot_create(request: ApiRequest, payload: PilotIn):
    """Start a pilot of a partnership the caller may change; shared with the parties named in
    `shared_with` (the only party by default) when `visibility` is `shared`."""
    partnership = visible_to(request.auth, Partnership).filter(pk=payload.partnership).first()
    if partnership is None:
        raise ValidationError({"partnership": f"No partnership has id {payload.partnership}."})
    pilot = services.pilot_create(
        actor=request.auth,
        partnership=partnership,
        data=_pilot_data(payload, None, partnership),
        visibility=payload.visibility,
        shared_with=payload.shared_with,
    )
    return Status(201, selectors.pilot_detail(request.auth, pilot.pk))


@router.patch("/pilots/{pilot_id}", response=PilotOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=Pilot)
def pilot_update(request: ApiRequest, pilot_id: int, payload: PilotPatch, response: HttpResponse):
    """Change the fields sent. Send the version read (If-Match or `version`) so an edit made
    meanwhile is refused rather than overwritten."""
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    _changeable(request, pilot)
    expected = versions.expected_version(request, payload.version)
    services.pilot_update(
        actor=request.auth,
        pilot=pilot,
        data=_pilot_data(payload, pilot, pilot.partnership),
        expected_version=expected,
    )
    saved = selectors.pilot_detail(request.auth, pilot_id)
    versions.tag_response(response, saved)
    return saved


# Success criteria and actuals


@router.get("/pilots/{pilot_id}/success-criteria", response=list[CriterionOut])
@api_access(PARTNERSHIP_VIEW, model=Pilot)
def criterion_list(request: ApiRequest, pilot_id: int):
    pilot = get_visible_or_404(request.auth, Pilot, pk=pilot_id)
    rows = visible_to(request.auth, SuccessCriterion).filter(pilot=pilot)
    return rows.select_related("assignee")


@router.post("/pilots/{pilot_id}/success-criteria", response={201: CriterionOut})
@api_access(PARTNERSHIP_CHANGE, model=Pilot)
def criterion_add(request: ApiRequest, pilot_id: int, payload: CriterionIn):
    """Add a criterion: a metric, its unit, a comparator and the target it must reach."""
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    _changeable(request, pilot)
    data = payload.model_dump(exclude_unset=True, exclude={"assignee"})
    data.update(_people(payload, pilot, pilot.partnership))
    return Status(201, services.criterion_add(actor=request.auth, pilot=pilot, data=data))


@router.patch("/success-criteria/{criterion_id}", response=CriterionOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=SuccessCriterion)
def criterion_update(
    request: ApiRequest, criterion_id: int, payload: CriterionPatch, response: HttpResponse
):
    criterion = get_visible_or_404(request.auth, SuccessCriterion, pk=criterion_id)
    pilot = criterion.pilot
    _changeable(request, pilot)
    data = payload.model_dump(exclude_unset=True, exclude={"assignee", "version"})
    data.update(_people(payload, pilot, pilot.partnership))
    saved = services.criterion_update(
        actor=request.auth,
        criterion=criterion,
        data=data,
        expected_version=versions.expected_version(request, payload.version),
    )
    versions.tag_response(response, saved)
    return saved


@router.get("/success-criteria/{criterion_id}/actuals", response=list[ActualOut])
@api_access(PARTNERSHIP_VIEW, model=SuccessCriterion)
@paginate(Page)
def actual_list(request: ApiRequest, criterion_id: int):
    """The criterion's actuals, oldest first."""
    criterion = get_visible_or_404(request.auth, SuccessCriterion, pk=criterion_id)
    rows = visible_to(request.auth, CriterionActual).filter(criterion=criterion)
    return rows.select_related("recorded_by").order_by("observed_on", "id")


@router.post("/success-criteria/{criterion_id}/actuals", response={201: ActualOut})
@api_access(PARTNERSHIP_VIEW, model=SuccessCriterion)
def actual_record(request: ApiRequest, criterion_id: int, payload: ActualIn):
    """Record a measured value. Open to the partnership's team and to the criterion's
    assignee; `unit`, if sent, must be the criterion's."""
    criterion = get_visible_or_404(request.auth, SuccessCriterion, pk=criterion_id)
    actual = services.actual_record(
        actor=request.auth,
        criterion=criterion,
        value=payload.value,
        observed_on=payload.observed_on,
        unit=payload.unit,
        note=payload.note or "",
    )
    return Status(201, actual)


# Readiness and decisions


@router.get("/pilots/{pilot_id}/readiness", response=list[ReadinessOut])
@api_access(PARTNERSHIP_VIEW, model=Pilot)
def readiness_get(request: ApiRequest, pilot_id: int):
    pilot = get_visible_or_404(request.auth, Pilot, pk=pilot_id)
    return list(selectors.readiness_of(request.auth, pilot).values())


@router.put("/pilots/{pilot_id}/readiness", response=list[ReadinessOut])
@api_access(PARTNERSHIP_CHANGE, model=Pilot)
def readiness_assess(request: ApiRequest, pilot_id: int, payload: ReadinessAssessIn):
    """Score the dimensions sent, 1-5 each with its evidence; answers every dimension scored."""
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    _changeable(request, pilot)
    scores = payload.model_dump(exclude_none=True)
    if not scores:
        raise ValidationError({"readiness": "Score at least one dimension, with its evidence."})
    services.readiness_assess(actor=request.auth, pilot=pilot, scores=scores)
    return list(selectors.readiness_of(request.auth, pilot).values())


@router.get("/pilots/{pilot_id}/decisions", response=list[DecisionOut])
@api_access(PARTNERSHIP_VIEW, model=Pilot)
def decision_list(request: ApiRequest, pilot_id: int):
    """The pilot's decisions, newest first, each with the evidence it was taken on."""
    pilot = get_visible_or_404(request.auth, Pilot, pk=pilot_id)
    return visible_to(request.auth, PilotDecision).filter(pilot=pilot)


@router.post("/pilots/{pilot_id}/decisions", response={201: DecisionOut})
@api_access(PARTNERSHIP_MOVE, model=Pilot)
def pilot_decide(request: ApiRequest, pilot_id: int, payload: DecisionIn):
    """Record scale, iterate (with a new `ends_on`) or kill, with its rationale. Scaling needs
    every readiness dimension scored; a scale decision opens the gate into `active`."""
    pilot = selectors.pilot_detail(request.auth, pilot_id)
    decision = services.pilot_decide(
        actor=request.auth,
        pilot=pilot,
        decision=payload.decision,
        rationale=payload.rationale,
        ends_on=payload.ends_on,
        expected_version=versions.expected_version(request, payload.version),
    )
    return Status(201, decision)


# Milestones and sprints


def _partnership(request: ApiRequest, pk: int) -> Partnership:
    partnership = visible_to(request.auth, Partnership).filter(pk=pk).first()
    if partnership is None:
        raise ValidationError({"partnership": f"No partnership has id {pk}."})
    return partnership


def _pilot_of(request: ApiRequest, data: dict[str, Any]) -> None:
    """Replace the pilot id sent by the pilot, among those the caller may see."""
    if data.get("pilot") is not None:
        pilot_id = data["pilot"]
        data["pilot"] = visible_to(request.auth, Pilot).filter(pk=pilot_id).first()
        if data["pilot"] is None:
            raise ValidationError({"pilot": f"No pilot has id {pilot_id}."})


def _milestone_data(
    request: ApiRequest, payload: MilestoneIn | MilestonePatch, partnership: Partnership
) -> dict[str, Any]:
    data = payload.model_dump(
        exclude_unset=True, exclude={"partnership", "visibility", "shared_with", "version"}
    )
    _pilot_of(request, data)
    if data.get("owner") is not None:
        data["owner"] = _user("owner", data["owner"], partnership_selectors.people_of(partnership))
    return data


@router.get("/milestones", response=list[MilestoneOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def milestone_list(request: ApiRequest, filters: Query[MilestoneFilters]):
    """Milestones the caller may see, soonest due first; filter by partnership, pilot, side,
    owner, completed or overdue."""
    return filtered(selectors.milestone_list(request.auth, filter_params(filters)))


@router.get("/milestones/{milestone_id}", response=MilestoneOut)
@api_access(PARTNERSHIP_VIEW, model=Milestone)
def milestone_get(request: ApiRequest, milestone_id: int, response: HttpResponse):
    milestone = get_visible_or_404(request.auth, Milestone, pk=milestone_id)
    versions.tag_response(response, milestone)
    return milestone


@router.post("/milestones", response={201: MilestoneOut})
@api_access(PARTNERSHIP_CHANGE)
def milestone_create(request: ApiRequest, payload: MilestoneIn):
    """Add a milestone owned by either side, to a partnership or one of its pilots."""
    partnership = _partnership(request, payload.partnership)
    milestone = milestones.milestone_create(
        actor=request.auth,
        partnership=partnership,
        data=_milestone_data(request, payload, partnership),
        visibility=payload.visibility,
        shared_with=payload.shared_with,
    )
    return Status(201, milestone)


@router.patch("/milestones/{milestone_id}", response=MilestoneOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=Milestone)
def milestone_update(
    request: ApiRequest, milestone_id: int, payload: MilestonePatch, response: HttpResponse
):
    """Change the fields sent. Send the version read (If-Match or `version`) so an edit made
    meanwhile is refused rather than overwritten."""
    milestone = get_visible_or_404(request.auth, Milestone, pk=milestone_id)
    saved = milestones.milestone_update(
        actor=request.auth,
        milestone=milestone,
        data=_milestone_data(request, payload, milestone.partnership),
        expected_version=versions.expected_version(request, payload.version),
    )
    versions.tag_response(response, saved)
    return saved


@router.post("/milestones/{milestone_id}/completion", response=MilestoneOut)
@api_access(PARTNERSHIP_VIEW, model=Milestone)
def milestone_complete(request: ApiRequest, milestone_id: int, payload: CompletionIn):
    """Mark it done today (`done: true`) or open it again: for its owner, on either side, and
    the partnership's team. `version` is the one read."""
    milestone = get_visible_or_404(request.auth, Milestone, pk=milestone_id)
    return milestones.milestone_complete(
        actor=request.auth, milestone=milestone, done=payload.done,
        expected_version=payload.version,
    )  # fmt: skip


def _sprint_data(
    request: ApiRequest, payload: SprintIn | SprintPatch, partnership: Partnership
) -> tuple[dict[str, Any], list[User] | None]:
    data = payload.model_dump(
        exclude_unset=True,
        exclude={"partnership", "visibility", "shared_with", "version", "participants"},
    )
    _pilot_of(request, data)
    people = None
    if payload.participants is not None:
        allowed = partnership_selectors.people_of(partnership)
        people = [_user("participants", ref, allowed) for ref in payload.participants]
    return data, people


@router.get("/sprints", response=list[SprintOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def sprint_list(request: ApiRequest, filters: Query[SprintFilters]):
    """Sprints the caller may see, latest first; filter by partnership, pilot or kind."""
    return filtered(selectors.sprint_list(request.auth, filter_params(filters)))


@router.get("/sprints/{sprint_id}", response=SprintOut)
@api_access(PARTNERSHIP_VIEW, model=Sprint)
def sprint_get(request: ApiRequest, sprint_id: int, response: HttpResponse):
    sprint = get_visible_or_404(request.auth, Sprint, pk=sprint_id)
    versions.tag_response(response, sprint)
    return sprint


@router.post("/sprints", response={201: SprintOut})
@api_access(PARTNERSHIP_CHANGE)
def sprint_create(request: ApiRequest, payload: SprintIn):
    partnership = _partnership(request, payload.partnership)
    data, people = _sprint_data(request, payload, partnership)
    sprint = milestones.sprint_create(
        actor=request.auth,
        partnership=partnership,
        data=data,
        participants=people or [],
        visibility=payload.visibility,
        shared_with=payload.shared_with,
    )
    return Status(201, sprint)


@router.patch("/sprints/{sprint_id}", response=SprintOut, openapi_extra=EDIT_OPENAPI)
@api_access(PARTNERSHIP_CHANGE, model=Sprint)
def sprint_update(
    request: ApiRequest, sprint_id: int, payload: SprintPatch, response: HttpResponse
):
    sprint = get_visible_or_404(request.auth, Sprint, pk=sprint_id)
    data, people = _sprint_data(request, payload, sprint.partnership)
    saved = milestones.sprint_update(
        actor=request.auth,
        sprint=sprint,
        data=data,
        participants=people,
        expected_version=versions.expected_version(request, payload.version),
    )
    versions.tag_response(response, saved)
    return saved
