"""Strategy API: priorities, gaps, plays. Thin: reads through selectors, writes through
services, access declared per operation with `@api_access` (see accord/core/api_access.py).
Nothing is deleted: `POST …/{id}/archive` archives."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import STRATEGY_CHANGE, STRATEGY_VIEW
from accord.strategy import selectors, services
from accord.strategy.models import CapabilityGap, PartnershipPlay, StrategicPriority
from accord.strategy.schemas import (
    GapFilters,
    GapIn,
    GapOut,
    GapPatch,
    PlayFilters,
    PlayIn,
    PlayOut,
    PlayPatch,
    PriorityFilters,
    PriorityIn,
    PriorityOut,
    PriorityPatch,
)

router = Router(tags=["strategy"])


def _data(request: ApiRequest, payload: Any) -> dict[str, Any]:
    """Only the fields the caller sent, with ids of users and priorities resolved."""
    data = payload.model_dump(exclude_unset=True, exclude={"gaps", "version"})
    if data.get("owner") is not None:
        owner_id = data["owner"]
        data["owner"] = selectors.owner_choices(request.auth).filter(pk=owner_id).first()
        if data["owner"] is None:
            raise ValidationError({"owner": f"No internal user has id {owner_id}."})
    if "priority" in data:
        priority_id = data["priority"]
        found = selectors.priorities_visible(request.auth).filter(pk=priority_id).first()
        if found is None:
            raise ValidationError({"priority": f"No strategic priority has id {priority_id}."})
        data["priority"] = found
    return data


def _gaps(request: ApiRequest, ids: list[int] | None) -> list[CapabilityGap] | None:
    if ids is None:
        return None
    found = list(selectors.gaps_visible(request.auth).filter(pk__in=ids))
    missing = sorted(set(ids) - {gap.pk for gap in found})
    if missing:
        raise ValidationError({"gaps": f"No capability gap has id {', '.join(map(str, missing))}."})
    return found


def _tagged(response: HttpResponse, found: Any) -> Any:
    versions.tag_response(response, found)
    return found


# Priorities


def _priority_out(request: ApiRequest, pk: int) -> StrategicPriority:
    return get_object_or_404(selectors.priorities_visible(request.auth), pk=pk)


@router.get("/priorities", response=list[PriorityOut])
@api_access(STRATEGY_VIEW)
@paginate(Page)
def priority_list(request: ApiRequest, filters: Query[PriorityFilters]):
    """Strategic priorities in their order; archived ones included unless `status` says."""
    return selectors.priority_list(request.auth, statuses=filters.status)


@router.get("/priorities/{priority_id}", response=PriorityOut)
@api_access(STRATEGY_VIEW, model=StrategicPriority)
def priority_get(request: ApiRequest, priority_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _priority_out(request, priority_id))


@router.post("/priorities", response={201: PriorityOut})
@api_access(STRATEGY_CHANGE)
def priority_create(request: ApiRequest, payload: PriorityIn):
    priority = services.priority_create(actor=request.auth, data=_data(request, payload))
    return Status(201, _priority_out(request, priority.pk))


@router.patch("/priorities/{priority_id}", response=PriorityOut, openapi_extra=EDIT_OPENAPI)
@api_access(STRATEGY_CHANGE, model=StrategicPriority)
def priority_update(
    request: ApiRequest, priority_id: int, payload: PriorityPatch, response: HttpResponse
):
    priority = selectors.priority_detail(request.auth, priority_id)
    expected = versions.expected_version(request, payload.version)
    services.priority_update(
        actor=request.auth,
        priority=priority,
        data=_data(request, payload),
        expected_version=expected,
    )
    return _tagged(response, _priority_out(request, priority_id))


@router.post("/priorities/{priority_id}/archive", response=PriorityOut)
@api_access(STRATEGY_CHANGE, model=StrategicPriority)
def priority_archive(request: ApiRequest, priority_id: int):
    """Archive the priority (nothing is ever deleted); its gaps stay linked to it."""
    priority = selectors.priority_detail(request.auth, priority_id)
    services.priority_archive(actor=request.auth, priority=priority)
    return _priority_out(request, priority_id)


# Gaps


def _gap_out(request: ApiRequest, pk: int) -> CapabilityGap:
    return get_object_or_404(selectors.gaps_visible(request.auth), pk=pk)


@router.get("/gaps", response=list[GapOut])
@api_access(STRATEGY_VIEW)
@paginate(Page)
def gap_list(request: ApiRequest, filters: Query[GapFilters]):
    """Capability gaps in the order of their priorities, then their own order."""
    return selectors.gap_list(
        request.auth,
        priority=filters.priority,
        kinds=filters.kind,
        statuses=filters.status,
        min_importance=filters.min_importance,
    )


@router.get("/gaps/{gap_id}", response=GapOut)
@api_access(STRATEGY_VIEW, model=CapabilityGap)
def gap_get(request: ApiRequest, gap_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _gap_out(request, gap_id))


@router.post("/gaps", response={201: GapOut})
@api_access(STRATEGY_CHANGE)
def gap_create(request: ApiRequest, payload: GapIn):
    gap = services.gap_create(actor=request.auth, data=_data(request, payload))
    return Status(201, _gap_out(request, gap.pk))


@router.patch("/gaps/{gap_id}", response=GapOut, openapi_extra=EDIT_OPENAPI)
@api_access(STRATEGY_CHANGE, model=CapabilityGap)
def gap_update(request: ApiRequest, gap_id: int, payload: GapPatch, response: HttpResponse):
    gap = selectors.gap_detail(request.auth, gap_id)
    if payload.model_dump(exclude_unset=True).get("priority", 0) is None:
        raise ValidationError({"priority": "A gap always belongs to a priority."})
    expected = versions.expected_version(request, payload.version)
    data = _data(request, payload)
    services.gap_update(actor=request.auth, gap=gap, data=data, expected_version=expected)
    return _tagged(response, _gap_out(request, gap_id))


@router.post("/gaps/{gap_id}/archive", response=GapOut)
@api_access(STRATEGY_CHANGE, model=CapabilityGap)
def gap_archive(request: ApiRequest, gap_id: int):
    """Archive the gap (nothing is ever deleted); plays and partnerships keep the link."""
    gap = selectors.gap_detail(request.auth, gap_id)
    services.gap_archive(actor=request.auth, gap=gap)
    return _gap_out(request, gap_id)


# Plays


def _play_out(request: ApiRequest, pk: int) -> PartnershipPlay:
    return get_object_or_404(selectors.plays_visible(request.auth), pk=pk)


@router.get("/plays", response=list[PlayOut])
@api_access(STRATEGY_VIEW)
@paginate(Page)
def play_list(request: ApiRequest, filters: Query[PlayFilters]):
    """Partnership plays with the ids of the gaps each addresses."""
    return selectors.play_list(
        request.auth, statuses=filters.status, types=filters.type, gap=filters.gap
    )


@router.get("/plays/{play_id}", response=PlayOut)
@api_access(STRATEGY_VIEW, model=PartnershipPlay)
def play_get(request: ApiRequest, play_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _play_out(request, play_id))


@router.post("/plays", response={201: PlayOut})
@api_access(STRATEGY_CHANGE)
def play_create(request: ApiRequest, payload: PlayIn):
    data = _data(request, payload)
    gaps = _gaps(request, payload.gaps) or []
    play = services.play_create(actor=request.auth, data=data, gaps=gaps)
    return Status(201, _play_out(request, play.pk))


@router.patch("/plays/{play_id}", response=PlayOut, openapi_extra=EDIT_OPENAPI)
@api_access(STRATEGY_CHANGE, model=PartnershipPlay)
def play_update(request: ApiRequest, play_id: int, payload: PlayPatch, response: HttpResponse):
    play = selectors.play_detail(request.auth, play_id)
    expected = versions.expected_version(request, payload.version)
    data = _data(request, payload)
    services.play_update(
        actor=request.auth,
        play=play,
        data=data,
        gaps=_gaps(request, payload.gaps),
        expected_version=expected,
    )
    return _tagged(response, _play_out(request, play_id))


@router.post("/plays/{play_id}/archive", response=PlayOut)
@api_access(STRATEGY_CHANGE, model=PartnershipPlay)
def play_archive(request: ApiRequest, play_id: int):
    """Archive the play (nothing is ever deleted); partnerships started from it keep the link."""
    play = selectors.play_detail(request.auth, play_id)
    services.play_archive(actor=request.auth, play=play)
    return _play_out(request, play_id)
