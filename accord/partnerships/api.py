"""Partnerships API: partnerships, parties, transitions, notes, documents, gap coverage, and the
partner workspace. Thin: reads through selectors and the access policy, writes through
services, access declared per operation with `@api_access` (see accord/core/api_access.py).

Internal operations declare `partnership.*` actions, which partner users do not hold; partner
users read their own partnerships under `/workspace/partnerships`, which answers only what is
shared with them. A partnership the caller may not see answers 404, like a missing one.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import File, Form, Query, Router, Status, UploadedFile
from ninja.pagination import paginate

from accord.accounts.models import User
from accord.core import policy, versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page, filter_params, filtered
from accord.core.errors import ConflictError
from accord.core.http import ApiRequest
from accord.core.policy import (
    PARTNERSHIP_CHANGE,
    PARTNERSHIP_MOVE,
    PARTNERSHIP_VIEW,
    STRATEGY_VIEW,
    WORKSPACE_VIEW,
    get_visible_or_404,
    visible_to,
)
from accord.core.prefetch import annotated
from accord.directory import services as directory_services
from accord.directory.models import Organization, Tag
from accord.partnerships import selectors, services
from accord.partnerships.coverage import gap_coverage
from accord.partnerships.downloads import document_response
from accord.partnerships.models import Document, Partnership, PartnershipParty, Visibility
from accord.partnerships.schemas import (
    DocumentOut,
    GapCoverageOut,
    NoteIn,
    NoteOut,
    PartnershipFields,
    PartnershipFilters,
    PartnershipIn,
    PartnershipOut,
    PartnershipPatch,
    PartyIn,
    TransitionIn,
    TransitionOut,
    WorkspaceNoteIn,
    WorkspacePartnershipOut,
    WorkspacePartnershipRef,
)
from accord.strategy.models import CapabilityGap, PartnershipPlay

router = Router(tags=["partnerships"])
END_BEFORE_START = "The end date cannot be before the start date."


# Reading


def _with_details(actor: User, rows: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """With their play, sponsor and the gaps and tags the actor may see (`visible_gaps`,
    `visible_tags`)."""
    gaps = visible_to(actor, CapabilityGap).only("id", "title")
    tags = visible_to(actor, Tag).only("id", "name", "slug")
    return rows.select_related("play", "executive_sponsor").prefetch_related(
        Prefetch("gaps", queryset=gaps, to_attr="visible_gaps"),
        Prefetch("tags", queryset=tags, to_attr="visible_tags"),
    )


def _rows(request: ApiRequest) -> QuerySet[Partnership]:
    """Visible partnerships with their visible parties, gaps, tags, play and people: 5
    queries."""
    return _with_details(request.auth, selectors.partnership_list(request.auth).qs)


def _partnership_out(request: ApiRequest, pk: int) -> Partnership:
    return get_object_or_404(_rows(request), pk=pk)


# Writing: references in the payload resolved through the access policy


def _organization(actor: User, ref: int | str) -> Organization:
    organizations = visible_to(actor, Organization)
    found = None
    if isinstance(ref, int) or str(ref).isdigit():
        found = organizations.filter(pk=int(ref)).first()
    elif ":" in ref:
        source, _, value = ref.partition(":")
        found = organizations.filter(external_ids__source=source, external_ids__value=value).first()
    if found is None:
        raise ValidationError(
            {"parties": f"No organization {ref!r} (give its id or SOURCE:EXTERNAL_ID)."}
        )
    return found


def _parties(actor: User, parties: list[PartyIn] | None) -> list[tuple[Organization, str]] | None:
    if parties is None:
        return None
    resolved: list[tuple[Organization, str]] = [
        (_organization(actor, party.organization), party.role) for party in parties
    ]
    if len({organization.pk for organization, _ in resolved}) < len(resolved):
        raise ValidationError({"parties": "An organization is named twice."})
    return resolved


def _user(field: str, ref: int | str) -> Any:
    users = selectors.internal_users()
    by_id = isinstance(ref, int) or str(ref).isdigit()
    found = users.filter(pk=int(ref)).first() if by_id else users.filter(username=ref).first()
    if found is None:
        raise ValidationError({field: f"No active internal user {ref!r}."})
    return found


def _gaps(actor: User, ids: list[int] | None) -> list[CapabilityGap] | None:
    if ids is None:
        return None
    found = list(selectors.gaps_visible(actor).filter(pk__in=ids))
    missing = sorted(set(ids) - {gap.pk for gap in found})
    if missing:
        raise ValidationError({"gaps": f"No capability gap has id {', '.join(map(str, missing))}."})
    return found


def _tags(actor: User, names: list[str] | None) -> list[Tag] | None:
    """Tags by name, as the directory's API takes them: missing ones are created."""
    if names is None:
        return None
    return directory_services.tags_get_or_create(actor=actor, names=names)


def _data(request: ApiRequest, payload: PartnershipFields) -> dict[str, Any]:
    """Only the fields the caller sent, with ids and usernames resolved to objects."""
    related = {"parties", "gaps", "team", "tags", "version"}
    data = payload.model_dump(exclude_unset=True, exclude=related)
    for field in ("owner", "executive_sponsor"):
        if data.get(field) is not None:
            data[field] = _user(field, data[field])
    if data.get("play") is not None:
        play_id = data["play"]
        data["play"] = visible_to(request.auth, PartnershipPlay).filter(pk=play_id).first()
        if data["play"] is None:
            raise ValidationError({"play": f"No partnership play has id {play_id}."})
    return data


def _check_dates(data: dict[str, Any], partnership: Partnership | None = None) -> None:
    """Named on `end_date` (the model's constraint names no field)."""
    start = data.get("start_date", partnership.start_date if partnership else None)
    end = data.get("end_date", partnership.end_date if partnership else None)
    if start is not None and end is not None and end < start:
        raise ValidationError({"end_date": END_BEFORE_START})


def _team(payload: PartnershipFields) -> list[Any] | None:
    return None if payload.team is None else [_user("team", ref) for ref in payload.team]


def _changeable(request: ApiRequest, partnership_id: int) -> Partnership:
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    if not policy.can_change_partnership(request.auth, partnership):
        raise PermissionDenied("Only its owner, its team or an administrator may change it.")
    return partnership


# Partnerships


@router.get("/partnerships", response=list[PartnershipOut])
@api_access(PARTNERSHIP_VIEW)
@paginate(Page)
def partnership_list(request: ApiRequest, filters: Query[PartnershipFilters]):
    """Partnerships the caller may see, by title; filter by stage, type, party or gap."""
    params = filter_params(filters)
    params.pop("organization", None)
    rows = filtered(selectors.partnership_list(request.auth, params))
    if filters.organization is not None:
        parties = visible_to(request.auth, PartnershipParty).filter(
            organization_id=filters.organization
        )
        rows = rows.filter(pk__in=parties.values("partnership_id"))
    return _with_details(request.auth, rows).order_by("title", "id")


@router.get("/partnerships/{partnership_id}", response=PartnershipOut)
@api_access(PARTNERSHIP_VIEW, model=Partnership)
def partnership_get(request: ApiRequest, partnership_id: int, response: HttpResponse):
    """The partnership, with its version as the ETag (send it in If-Match to edit safely)."""
    partnership = _partnership_out(request, partnership_id)
    versions.tag_response(response, partnership)
    return partnership


@router.post("/partnerships", response={201: PartnershipOut})
@api_access(PARTNERSHIP_CHANGE)
def partnership_create(request: ApiRequest, payload: PartnershipIn):
    """Create a partnership; a manager who creates it becomes its owner unless one is named."""
    actor = request.auth
    data = _data(request, payload)
    _check_dates(data)
    partnership = services.partnership_create(
        actor=actor,
        data=data,
        parties=_parties(actor, payload.parties) or [],
        gaps=_gaps(actor, payload.gaps) or [],
        team=_team(payload) or [],
        tags=_tags(actor, payload.tags) or [],
    )
    return Status(201, _partnership_out(request, partnership.pk))


@router.patch(
    "/partnerships/{partnership_id}",
    response=PartnershipOut,
    openapi_extra=EDIT_OPENAPI,
)
@api_access(PARTNERSHIP_CHANGE, model=Partnership)
def partnership_update(
    request: ApiRequest, partnership_id: int, payload: PartnershipPatch, response: HttpResponse
):
    """Change the fields sent, never the stage; `parties`, `gaps`, `team` and `tags`, when
    sent, replace the old ones. Send the version read (If-Match or `version`) so an edit made
    meanwhile is refused rather than overwritten."""
    actor = request.auth
    partnership = _changeable(request, partnership_id)
    expected = versions.expected_version(request, payload.version)
    data = _data(request, payload)
    _check_dates(data, partnership)
    services.partnership_update(
        actor=actor,
        partnership=partnership,
        data=data,
        parties=_parties(actor, payload.parties),
        gaps=_gaps(actor, payload.gaps),
        team=_team(payload),
        tags=_tags(actor, payload.tags),
        expected_version=expected,
    )
    saved = _partnership_out(request, partnership_id)
    versions.tag_response(response, saved)
    return saved


# Stage transitions


@router.get("/partnerships/{partnership_id}/transitions", response=list[TransitionOut])
@api_access(PARTNERSHIP_VIEW, model=Partnership)
@paginate(Page)
def transition_list(request: ApiRequest, partnership_id: int):
    """The partnership's stage moves, newest first."""
    partnership = selectors.partnership_detail(request.auth, partnership_id)
    return selectors.partnership_transitions(request.auth, partnership)


@router.post(
    "/partnerships/{partnership_id}/transitions",
    response={201: TransitionOut},
    openapi_extra={
        "responses": {
            409: {"description": "Moved by someone else since `expected_version` was read."},
            422: {"description": "Invalid, or refused by the gate: `details` lists every "
                  "missing item."},
        }
    },
)  # fmt: skip
@api_access(PARTNERSHIP_MOVE, model=Partnership)
def transition_create(request: ApiRequest, partnership_id: int, payload: TransitionIn):
    """Move the partnership to `to_stage` through its gate (one step on, back, or out)."""
    partnership = selectors.partnership_detail(request.auth, partnership_id)
    expected = payload.expected_version
    if expected is not None and expected != partnership.stage_version:
        # Checked before the gate: against the new stage a stale move would read as invalid.
        raise ConflictError(
            f"{partnership.title} was moved by someone else meanwhile; reload and try again."
        )
    return Status(
        201,
        services.partnership_move(
            actor=request.auth,
            partnership=partnership,
            to_stage=payload.to_stage,
            reason=payload.reason,
            confirmed=payload.confirmed,
            expected_version=expected,
        ),
    )


# Notes and documents


@router.get("/partnerships/{partnership_id}/notes", response=list[NoteOut])
@api_access(PARTNERSHIP_VIEW, model=Partnership)
@paginate(Page)
def note_list(request: ApiRequest, partnership_id: int):
    """Notes, internal and shared, newest first, with their comments."""
    partnership = selectors.partnership_detail(request.auth, partnership_id)
    return selectors.partnership_notes(request.auth, partnership)


def _note_body(body: str) -> str:
    if not body.strip():
        raise ValidationError({"body": "Write something."})
    return body


@router.post("/partnerships/{partnership_id}/notes", response={201: NoteOut})
@api_access(PARTNERSHIP_CHANGE, model=Partnership)
def note_create(request: ApiRequest, partnership_id: int, payload: NoteIn):
    """Add a note; `shared` ones are read by the partner organizations in their workspace."""
    partnership = _changeable(request, partnership_id)
    note = services.note_create(
        actor=request.auth,
        partnership=partnership,
        body=_note_body(payload.body),
        visibility=payload.visibility,
        shared_with=payload.shared_with,
    )
    return Status(201, selectors.partnership_notes(request.auth, partnership).get(pk=note.pk))


@router.get("/partnerships/{partnership_id}/documents", response=list[DocumentOut])
@api_access(PARTNERSHIP_VIEW, model=Partnership)
@paginate(Page)
def document_list(request: ApiRequest, partnership_id: int):
    """Documents' metadata, newest first; each file is at /partnerships/documents/{id}/file."""
    partnership = selectors.partnership_detail(request.auth, partnership_id)
    return selectors.partnership_documents(request.auth, partnership)


def _shared_with_field(value: str) -> Any:
    value = value.strip()
    if value in ("", services.ALL_PARTIES):
        return value or None
    try:
        return [int(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise ValidationError(
            {"shared_with": f'"{value}" is not organization ids separated by commas, or "all".'}
        ) from None


def _upload(upload: UploadedFile | None) -> UploadedFile:
    # Optional in the signature so that a caller who may not see the partnership gets 404.
    if upload is None:
        raise ValidationError({"file": "Attach the file to upload (multipart field `file`)."})
    return upload


@router.post("/partnerships/{partnership_id}/documents", response={201: DocumentOut})
@api_access(PARTNERSHIP_CHANGE, model=Partnership)
def document_create(
    request: ApiRequest,
    partnership_id: int,
    file: File[UploadedFile | None] = None,
    title: Form[str] = "",
    visibility: Form[Visibility] = Visibility.INTERNAL,
    shared_with: Form[str] = "",
):
    """Upload a document (multipart); `shared` ones are read in their workspace by the parties
    in `shared_with`: organization ids separated by commas, or `all` (default: the only party).
    The size limit and the accepted types are those of the pages."""
    partnership = _changeable(request, partnership_id)
    document = services.document_upload(
        actor=request.auth,
        partnership=partnership,
        upload=_upload(file),
        title=title,
        visibility=visibility,
        shared_with=_shared_with_field(shared_with),
    )
    return Status(201, document)


@router.get("/partnerships/documents/{document_id}/file", response={200: None})
@api_access(PARTNERSHIP_VIEW, model=Document)
def document_file(request: ApiRequest, document_id: int):
    """The document's file, as an attachment."""
    return document_response(request.auth, document_id)


# Gap coverage


@router.get("/coverage", response=list[GapCoverageOut], tags=["strategy"])
@api_access(STRATEGY_VIEW)
@paginate(Page)
def coverage_list(request: ApiRequest):
    """Every open capability gap with its coverage by partnerships, most exposed first."""
    return [row.as_dict() for row in gap_coverage(request.auth)]


# The partner workspace: what is shared with the caller's organization, nothing else.


@router.get("/workspace/partnerships", response=list[WorkspacePartnershipRef], tags=["workspace"])
@api_access(WORKSPACE_VIEW)
@paginate(Page)
def workspace_partnership_list(request: ApiRequest):
    """Partner users: the partnerships their organization is a party to."""
    return selectors.workspace_partnerships(request.auth).only("id", "title", "type", "stage")


@router.get(
    "/workspace/partnerships/{partnership_id}",
    response=WorkspacePartnershipOut,
    tags=["workspace"],
)
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_partnership_get(request: ApiRequest, partnership_id: int):
    """Partner users: one partnership with its shared notes and documents."""
    partnership = get_object_or_404(
        selectors.workspace_partnerships(request.auth), pk=partnership_id
    )
    return {
        "id": partnership.pk,
        "title": partnership.title,
        "type": partnership.type,
        "stage": partnership.stage,
        "role": annotated(partnership, "role"),
        "notes": list(selectors.partnership_notes(request.auth, partnership)),
        "documents": list(selectors.partnership_documents(request.auth, partnership)),
    }


@router.post(
    "/workspace/partnerships/{partnership_id}/notes", response={201: NoteOut}, tags=["workspace"]
)
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_note_create(request: ApiRequest, partnership_id: int, payload: WorkspaceNoteIn):
    """Partner users: add a note, shared with our company by nature."""
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    note = services.note_create(
        actor=request.auth,
        partnership=partnership,
        body=_note_body(payload.body),
        visibility=Visibility.SHARED,
    )
    return Status(201, selectors.partnership_notes(request.auth, partnership).get(pk=note.pk))


@router.post(
    "/workspace/partnerships/{partnership_id}/documents",
    response={201: DocumentOut},
    tags=["workspace"],
)
@api_access(WORKSPACE_VIEW, model=Partnership)
def workspace_document_create(
    request: ApiRequest,
    partnership_id: int,
    file: File[UploadedFile | None] = None,
    title: Form[str] = "",
):
    """Partner users: share a document (multipart) with our company, not with other partners."""
    partnership = get_visible_or_404(request.auth, Partnership, pk=partnership_id)
    document = services.document_upload(
        actor=request.auth,
        partnership=partnership,
        upload=_upload(file),
        title=title,
        visibility=Visibility.SHARED,
    )
    return Status(201, document)


@router.get("/workspace/documents/{document_id}/file", response={200: None}, tags=["workspace"])
@api_access(WORKSPACE_VIEW, model=Document)
def workspace_document_file(request: ApiRequest, document_id: int):
    """Partner users: a shared document's file, as an attachment."""
    return document_response(request.auth, document_id)
