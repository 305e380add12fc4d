"""Screening API: rubrics (versioned, AHP weights), rounds, candidates, reviewers, scores,
rankings with sensitivity, and due diligence. Thin: every write goes through the services,
every read through the access policy; scores are audited by the services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.accounts.selectors import colleague_named
from accord.core import versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page
from accord.core.http import ApiRequest
from accord.core.policy import (
    PARTNERSHIP_CHANGE,
    PARTNERSHIP_VIEW,
    SCREENING_ASSESS,
    SCREENING_MANAGE,
    SCREENING_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.directory.models import Organization
from accord.partnerships.models import Partnership
from accord.scouting.models import ScanCandidate
from accord.screening import due_diligence, rounds, rubrics
from accord.screening.models import (
    Assessment,
    DueDiligenceItem,
    Rubric,
    Screening,
    ScreeningCandidate,
)
from accord.screening.results import screening_results, weight_sweep
from accord.screening.schemas import (
    AHPIn,
    AssessmentOut,
    AssignmentOut,
    CandidateIn,
    DueDiligenceIn,
    DueDiligenceOut,
    DueDiligencePatch,
    RankingOut,
    RankingQuery,
    ReviewersIn,
    RubricIn,
    RubricOut,
    RubricPatch,
    ScoresIn,
    ScreeningCandidateOut,
    ScreeningIn,
    ScreeningOut,
    SweepOut,
)
from accord.screening.selectors import own_assignment
from accord.strategy.models import CapabilityGap

router = Router(tags=["screening"])


def _user(username: str | None, field: str) -> User | None:
    if username is None:
        return None
    user = colleague_named(username)
    if user is None:
        raise ValidationError({field: f"No internal user {username!r}."})
    return user


# Due diligence


def _dd_data(payload: Any) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    if "owner" in data:
        data["owner"] = _user(data["owner"], "owner")
    return data


@router.get("/partnerships/{partnership_id}/due-diligence-items", response=list[DueDiligenceOut])
@api_access(PARTNERSHIP_VIEW, model=Partnership)
def due_diligence_list(request: ApiRequest, partnership_id: int):
    """The partnership's due-diligence checklist, in order."""
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    return visible_to(request.auth, DueDiligenceItem).filter(partnership=partnership)


def _editable(request: ApiRequest, partnership_id: int) -> Partnership:
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    if not due_diligence.may_edit(request.auth, partnership):
        raise PermissionDenied("Only the partnership's owner, its team or an administrator may.")
    return partnership


@router.post(
    "/partnerships/{partnership_id}/due-diligence-items/start",
    response={201: list[DueDiligenceOut]},
)
@api_access(PARTNERSHIP_CHANGE, model=Partnership)
def due_diligence_start(request: ApiRequest, partnership_id: int):
    """Copy the checklist template onto the partnership; answers the items added."""
    partnership = _editable(request, partnership_id)
    return Status(
        201, due_diligence.due_diligence_start(actor=request.auth, partnership=partnership)
    )


@router.post("/partnerships/{partnership_id}/due-diligence-items", response={201: DueDiligenceOut})
@api_access(PARTNERSHIP_CHANGE, model=Partnership)
def due_diligence_add(request: ApiRequest, partnership_id: int, payload: DueDiligenceIn):
    partnership = _editable(request, partnership_id)
    data = _dd_data(payload)
    if not data.get("title"):
        raise ValidationError({"title": "Name the item."})
    item = due_diligence.due_diligence_add(actor=request.auth, partnership=partnership, data=data)
    return Status(201, item)


@router.patch(
    "/due-diligence-items/{item_id}", response=DueDiligenceOut, openapi_extra=EDIT_OPENAPI
)
@api_access(PARTNERSHIP_CHANGE, model=DueDiligenceItem)
def due_diligence_update(
    request: ApiRequest, item_id: int, payload: DueDiligencePatch, response: HttpResponse
):
    """Change an item; `done` needs the evidence of what was checked. Send the `version` read
    (If-Match or in the body) so an edit made meanwhile is refused rather than overwritten."""
    item = get_visible_or_404(request.auth, DueDiligenceItem, pk=item_id)
    expected = versions.expected_version(request, payload.version)
    data = _dd_data(payload)
    item = due_diligence.due_diligence_update(
        actor=request.auth, item=item, data=data, expected_version=expected
    )
    versions.tag_response(response, item)
    return item


@router.delete("/due-diligence-items/{item_id}", response={204: None})
@api_access(PARTNERSHIP_CHANGE, model=DueDiligenceItem)
def due_diligence_delete(request: ApiRequest, item_id: int):
    item = get_visible_or_404(request.auth, DueDiligenceItem, pk=item_id)
    due_diligence.due_diligence_delete(actor=request.auth, item=item)
    return Status(204, None)


# Rubrics


def _rubric_out(rubric: Rubric, notices: list[str] | None = None) -> dict[str, Any]:
    return {
        "id": rubric.pk,
        "name": rubric.name,
        "description": rubric.description,
        "status": rubric.status,
        "version": rubrics.current_version(rubric),
        "edit_version": rubric.version,
        "notices": notices or [],
    }


@router.get("/rubrics", response=list[RubricOut])
@api_access(SCREENING_VIEW)
@paginate(Page)
def rubric_list(request: ApiRequest):
    """Rubrics with their current version's criteria."""
    return [_rubric_out(r) for r in visible_to(request.auth, Rubric)]


@router.get("/rubrics/{rubric_id}", response=RubricOut)
@api_access(SCREENING_VIEW, model=Rubric)
def rubric_get(request: ApiRequest, rubric_id: int, response: HttpResponse):
    """With its `edit_version` as the ETag: send it in If-Match to edit safely."""
    rubric = get_visible_or_404(request.auth, Rubric, pk=rubric_id)
    versions.tag_response(response, rubric)
    return _rubric_out(rubric)


@router.post("/rubrics", response={201: RubricOut})
@api_access(SCREENING_MANAGE)
def rubric_create(request: ApiRequest, payload: RubricIn):
    """A rubric from `criteria`, or from a built-in `template`; weights normalized to sum 1."""
    if payload.template:
        change = rubrics.rubric_from_template(
            actor=request.auth, template=payload.template, name=payload.name
        )
    else:
        if not payload.criteria:
            raise ValidationError({"criteria": "Give the criteria, or a template."})
        change = rubrics.rubric_create(
            actor=request.auth,
            name=payload.name,
            description=payload.description,
            criteria=[c.model_dump() for c in payload.criteria],
        )
    return Status(201, _rubric_out(change.version.rubric, change.notices))


@router.patch("/rubrics/{rubric_id}", response=RubricOut, openapi_extra=EDIT_OPENAPI)
@api_access(SCREENING_MANAGE, model=Rubric)
def rubric_update(
    request: ApiRequest, rubric_id: int, payload: RubricPatch, response: HttpResponse
):
    """Change a rubric; new criteria on a scored rubric make a new version. Send the
    `edit_version` read (If-Match or in the body) so an edit made meanwhile is refused."""
    rubric = get_visible_or_404(request.auth, Rubric, pk=rubric_id)
    data = payload.model_dump(exclude_unset=True)
    criteria = data.get("criteria")
    change = rubrics.rubric_update(
        actor=request.auth,
        rubric=rubric,
        name=data.get("name"),
        description=data.get("description"),
        criteria=criteria,
        expected_version=versions.expected_version(request, payload.edit_version),
    )
    versions.tag_response(response, rubric)
    return _rubric_out(rubric, change.notices)


@router.post("/rubrics/{rubric_id}/ahp", response=RubricOut, openapi_extra=EDIT_OPENAPI)
@api_access(SCREENING_MANAGE, model=Rubric)
def rubric_ahp(request: ApiRequest, rubric_id: int, payload: AHPIn, response: HttpResponse):
    """Set the weights from an AHP pairwise comparison; a CR above 0.10 comes as a notice."""
    rubric = get_visible_or_404(request.auth, Rubric, pk=rubric_id)
    change, _ = rubrics.rubric_weights_from_ahp(
        actor=request.auth,
        rubric=rubric,
        pairwise=payload.pairwise,
        random_index=payload.random_index,
        expected_version=versions.expected_version(request, payload.edit_version),
    )
    versions.tag_response(response, rubric)
    return _rubric_out(rubric, change.notices)


@router.post("/rubrics/{rubric_id}/archive", response=RubricOut)
@api_access(SCREENING_MANAGE, model=Rubric)
def rubric_archive(request: ApiRequest, rubric_id: int):
    rubric = get_visible_or_404(request.auth, Rubric, pk=rubric_id)
    return _rubric_out(rubrics.rubric_archive(actor=request.auth, rubric=rubric))


# Screenings


def _screenings(request: ApiRequest):
    return visible_to(request.auth, Screening).select_related("rubric_version")


@router.get("/screenings", response=list[ScreeningOut])
@api_access(SCREENING_VIEW)
@paginate(Page)
def screening_list(request: ApiRequest):
    return _screenings(request)


@router.get("/screenings/{screening_id}", response=ScreeningOut)
@api_access(SCREENING_VIEW, model=Screening)
def screening_get(request: ApiRequest, screening_id: int):
    return get_visible_or_404(request.auth, Screening, pk=screening_id)


@router.post("/screenings", response={201: ScreeningOut})
@api_access(SCREENING_MANAGE)
def screening_create(request: ApiRequest, payload: ScreeningIn):
    rubric = visible_to(request.auth, Rubric).filter(pk=payload.rubric).first()
    if rubric is None:
        raise ValidationError({"rubric": f"No rubric {payload.rubric}."})
    data = payload.model_dump(exclude={"rubric", "gap"})
    if payload.gap is not None:
        data["gap"] = visible_to(request.auth, CapabilityGap).filter(pk=payload.gap).first()
        if data["gap"] is None:
            raise ValidationError({"gap": f"No capability gap {payload.gap}."})
    screening = rounds.screening_create(actor=request.auth, rubric=rubric, data=data)
    return Status(201, _screenings(request).get(pk=screening.pk))


@router.get("/screenings/{screening_id}/screening-candidates", response=list[ScreeningCandidateOut])
@api_access(SCREENING_VIEW, model=Screening)
def candidate_list(request: ApiRequest, screening_id: int):
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    return (
        visible_to(request.auth, ScreeningCandidate)
        .filter(screening=screening)
        .select_related("organization")
    )


@router.post(
    "/screenings/{screening_id}/screening-candidates", response={201: ScreeningCandidateOut}
)
@api_access(SCREENING_MANAGE, model=Screening)
def candidate_add(request: ApiRequest, screening_id: int, payload: CandidateIn):
    """Add an organization, or a partnership at the screening stage."""
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    organization = partnership = scan_candidate = None
    if payload.scan_candidate is not None:
        scan_candidate = (
            visible_to(request.auth, ScanCandidate).filter(pk=payload.scan_candidate).first()
        )
        if scan_candidate is None:
            raise ValidationError(
                {"scan_candidate": f"No scan candidate {payload.scan_candidate}."}
            )
    elif payload.partnership is not None:
        partnership = visible_to(request.auth, Partnership).filter(pk=payload.partnership).first()
        if partnership is None:
            raise ValidationError({"partnership": f"No partnership {payload.partnership}."})
    elif payload.organization is not None:
        organization = (
            visible_to(request.auth, Organization).filter(pk=payload.organization).first()
        )
        if organization is None:
            raise ValidationError({"organization": f"No organization {payload.organization}."})
    candidate = rounds.candidate_add(
        actor=request.auth,
        screening=screening,
        organization=organization,
        partnership=partnership,
        scan_candidate=scan_candidate,
    )
    return Status(201, candidate)


@router.post("/screenings/{screening_id}/review-assignments", response={201: list[AssignmentOut]})
@api_access(SCREENING_MANAGE, model=Screening)
def reviewers_assign(request: ApiRequest, screening_id: int, payload: ReviewersIn):
    """Ask reviewers to score candidates (all of the round's when `candidates` is omitted)."""
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    candidates = visible_to(request.auth, ScreeningCandidate).filter(screening=screening)
    if payload.candidates is not None:
        candidates = candidates.filter(pk__in=payload.candidates)
        unknown = set(payload.candidates) - set(candidates.values_list("pk", flat=True))
        if unknown:
            raise ValidationError({"candidates": f"Not in this round: {sorted(unknown)}."})
    reviewers = [_user(name, "reviewers") for name in payload.reviewers]
    created = rounds.reviewers_assign(
        actor=request.auth, candidates=list(candidates), reviewers=reviewers
    )
    return Status(201, created)


@router.get("/screenings/{screening_id}/assessments", response=list[AssessmentOut])
@api_access(SCREENING_VIEW, model=Screening)
def assessment_list(request: ApiRequest, screening_id: int):
    """The scores you may see: others' scores of a candidate only once you submitted yours."""
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    return (
        visible_to(request.auth, Assessment)
        .filter(assignment__candidate__screening=screening)
        .select_related("assignment__reviewer")
    )


@router.put("/screening-candidates/{candidate_id}/scores", response=AssignmentOut)
@api_access(SCREENING_ASSESS, model=ScreeningCandidate)
def scores_save(request: ApiRequest, candidate_id: int, payload: ScoresIn):
    """Your scores of the candidate by criterion id; `submit` when every criterion is scored."""
    candidate = get_visible_or_404(request.auth, ScreeningCandidate, pk=candidate_id)
    assignment = own_assignment(request.auth, candidate)
    if assignment is None:
        raise PermissionDenied("You are not a reviewer of this candidate.")
    scores = {s.criterion: s.model_dump(exclude={"criterion"}) for s in payload.scores}
    if len(scores) != len(payload.scores):
        raise ValidationError({"scores": "A criterion is scored twice."})
    return rounds.scores_save(
        actor=request.auth, assignment=assignment, scores=scores, submit=payload.submit
    )


# Results


@router.get("/screenings/{screening_id}/ranking", response=RankingOut)
@api_access(SCREENING_VIEW, model=Screening)
def screening_ranking(request: ApiRequest, screening_id: int, query: Query[RankingQuery]):
    """Aggregated scores, disagreements, knock-outs and the ranking (TOPSIS or weighted sum);
    with `samples`, each candidate's probability of rank 1 and of the top k as weights vary."""
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    return screening_results(
        request.auth,
        screening,
        method=query.method,
        normalization=query.normalization,
        samples=query.samples,
        concentration=query.concentration,
        top_k=query.top_k,
        seed=query.seed,
    ).as_dict()


@router.get("/screenings/{screening_id}/sweep", response=SweepOut)
@api_access(SCREENING_VIEW, model=Screening)
def screening_sweep(request: ApiRequest, screening_id: int, criterion: int, method: str = "topsis"):
    """Each candidate's score as one criterion's weight goes from 0 to 1, and where the
    leader changes."""
    screening = get_visible_or_404(request.auth, Screening, pk=screening_id)
    found = screening.rubric_version.criteria.filter(pk=criterion).first()
    if found is None:
        raise ValidationError({"criterion": f"No criterion {criterion} in this round's rubric."})
    if method not in ("topsis", "wsm"):
        raise ValidationError({"method": "Use topsis or wsm."})
    return weight_sweep(request.auth, screening, found, method=method)
