"""Scouting API: `/scout` answers a need with ranked, explained organizations; scans save the
search, run it again, and record the decision on each candidate. Thin: the services write,
the access policy decides what is read."""

# No `from __future__ import annotations`: ninja must resolve `Query[...]` under @paginate.

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import (
    SCOUTING_MANAGE,
    SCOUTING_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.directory.organization_filter import OrganizationCriteria
from accord.scouting import indexing, services
from accord.scouting.matching import scout
from accord.scouting.models import Scan, ScanCandidate
from accord.scouting.schemas import (
    CandidateOut,
    CandidateQuery,
    IndexStatusOut,
    PromoteIn,
    PromoteOut,
    RejectIn,
    ScanIn,
    ScanOut,
    ScanPatch,
    ScoutOut,
    ScoutQuery,
)
from accord.strategy.models import CapabilityGap, PartnershipPlay

router = Router(tags=["scouting"])


@router.get("/scout", response=ScoutOut)
@api_access(SCOUTING_VIEW)
def scout_search(request: ApiRequest, params: Query[ScoutQuery]):
    """The `top` organizations best matching `q`, each with the reasons it was found.

    `mode` is hybrid (words and meaning fused), lexical or semantic; without the model or its
    index, the search runs by words and `notices` says why. Each item's `band` says how sure
    the match is (its `score` only orders the results); `notices` warns when the best matches
    share a single word with the need, and `unmatched_terms` lists the words nothing matched.
    """
    filters = OrganizationCriteria.from_data(params.model_dump(exclude={"q", "top", "mode"}))
    try:
        result = scout(
            params.q, user=request.auth, mode=params.mode, top=params.top, filters=filters
        )
    except ValidationError as error:
        if "query" in getattr(error, "message_dict", {}):
            raise ValidationError({"q": error.message_dict["query"]}) from None
        raise
    items = [match.as_json() for match in result.items]
    return {
        "mode": result.mode,
        "notices": result.notices,
        "unmatched_terms": result.unmatched,
        "count": len(items),
        "items": items,
    }


@router.get("/scouting-index", response=IndexStatusOut)
@api_access(SCOUTING_VIEW)
def index_status(request: ApiRequest):
    """Whether matching by meaning is available, and how much of the directory is indexed."""
    return indexing.status()


# Scans


def _scan_data(payload: Any, *, request: ApiRequest) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    if "gap" in data:
        data["gap"] = (
            get_visible_or_404(request.auth, CapabilityGap, pk=data["gap"])
            if data["gap"] is not None
            else None
        )
    if "filters" in data and data["filters"] is not None:
        data["filters"] = {k: v for k, v in data["filters"].items() if v not in (None, [])}
    return data


@router.get("/scans", response=list[ScanOut])
@api_access(SCOUTING_VIEW)
@paginate(Page)
def scan_list(request: ApiRequest):
    """Saved scans, most recently changed first."""
    return visible_to(request.auth, Scan)


@router.post("/scans", response={201: ScanOut})
@api_access(SCOUTING_MANAGE)
def scan_create(request: ApiRequest, payload: ScanIn):
    """Save a scan (for a gap, its text by default) and run it."""
    data = _scan_data(payload, request=request)
    if not data.get("text"):
        gap = data.get("gap")
        data["text"] = f"{gap.title}. {gap.description}".strip() if gap else ""
    scan = services.scan_create(actor=request.auth, data=data)
    return Status(201, services.scan_run(actor=request.auth, scan=scan))


@router.get("/scans/{scan_id}", response=ScanOut)
@api_access(SCOUTING_VIEW, model=Scan)
def scan_get(request: ApiRequest, scan_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    scan = get_visible_or_404(request.auth, Scan, pk=scan_id)
    versions.tag_response(response, scan)
    return scan


@router.patch("/scans/{scan_id}", response=ScanOut, openapi_extra=EDIT_OPENAPI)
@api_access(SCOUTING_MANAGE, model=Scan)
def scan_update(request: ApiRequest, scan_id: int, payload: ScanPatch, response: HttpResponse):
    """Change the text, mode, filters or size; run it again to see the effect."""
    scan = get_visible_or_404(request.auth, Scan, pk=scan_id)
    expected = versions.expected_version(request, payload.version)
    data = _scan_data(payload, request=request)
    data.pop("version", None)
    scan = services.scan_update(actor=request.auth, scan=scan, data=data, expected_version=expected)
    versions.tag_response(response, scan)
    return scan


@router.post("/scans/{scan_id}/run", response=ScanOut)
@api_access(SCOUTING_MANAGE, model=Scan)
def scan_run(request: ApiRequest, scan_id: int):
    """Run again: decisions are kept, organizations found for the first time are new."""
    scan = get_visible_or_404(request.auth, Scan, pk=scan_id)
    return services.scan_run(actor=request.auth, scan=scan)


@router.get("/scans/{scan_id}/candidates", response=list[CandidateOut])
@api_access(SCOUTING_VIEW, model=Scan)
@paginate(Page)
def candidate_list(request: ApiRequest, scan_id: int, filters: Query[CandidateQuery]):
    """The scan's candidates by rank in the run that last found them."""
    scan = get_visible_or_404(request.auth, Scan, pk=scan_id)
    rows = visible_to(request.auth, ScanCandidate).filter(scan=scan)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.new is not None:
        is_new: dict[str, Any] = (
            {"first_run": scan.run_count} if scan.run_count > 1 else {"pk__in": []}
        )
        rows = rows.filter(**is_new) if filters.new else rows.exclude(**is_new)
    return rows.select_related("scan", "organization").order_by("-last_run", "rank", "id")


def _candidate(request: ApiRequest, candidate_id: int) -> ScanCandidate:
    return get_visible_or_404(request.auth, ScanCandidate, pk=candidate_id)


@router.post("/scan-candidates/{candidate_id}/shortlist", response=CandidateOut)
@api_access(SCOUTING_MANAGE, model=ScanCandidate)
def candidate_shortlist(request: ApiRequest, candidate_id: int):
    candidate = _candidate(request, candidate_id)
    return services.candidate_shortlist(actor=request.auth, candidate=candidate)


@router.post("/scan-candidates/{candidate_id}/reject", response=CandidateOut)
@api_access(SCOUTING_MANAGE, model=ScanCandidate)
def candidate_reject(request: ApiRequest, candidate_id: int, payload: RejectIn):
    """Reject with a reason; it is not offered again for the same gap."""
    candidate = _candidate(request, candidate_id)
    return services.candidate_reject(actor=request.auth, candidate=candidate, reason=payload.reason)


@router.post("/scan-candidates/{candidate_id}/reopen", response=CandidateOut)
@api_access(SCOUTING_MANAGE, model=ScanCandidate)
def candidate_reopen(request: ApiRequest, candidate_id: int):
    """Undo a shortlist or a rejection."""
    candidate = _candidate(request, candidate_id)
    return services.candidate_reopen(actor=request.auth, candidate=candidate)


@router.post("/scan-candidates/{candidate_id}/promote", response={201: PromoteOut})
@api_access(SCOUTING_MANAGE, model=ScanCandidate)
def candidate_promote(request: ApiRequest, candidate_id: int, payload: PromoteIn):
    """Create a partnership at the candidate stage, linked to the scan's gap and the play."""
    candidate = _candidate(request, candidate_id)
    play = (
        get_visible_or_404(request.auth, PartnershipPlay, pk=payload.play)
        if payload.play is not None
        else None
    )
    partnership = services.candidate_promote(
        actor=request.auth, candidate=candidate, play=play, type=payload.type, title=payload.title
    )
    return Status(201, {"candidate": candidate, "partnership": partnership.pk})
