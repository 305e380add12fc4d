"""Directory API: organizations, people, tags. Thin: reads through selectors, writes through
services, access declared per operation with `@api_access` (see accord/core/api_access.py)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status
from ninja.pagination import paginate

from accord.core import policy, versions
from accord.core.api_access import EDIT_OPENAPI, api_access
from accord.core.api_lists import Page, filter_params, filtered
from accord.core.http import ApiRequest
from accord.core.policy import DIRECTORY_CHANGE, DIRECTORY_VIEW
from accord.directory import selectors, services
from accord.directory.models import ExternalId, Organization, Person, Tag
from accord.directory.schemas import (
    OrganizationFilters,
    OrganizationIn,
    OrganizationOut,
    OrganizationPatch,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    TagFilters,
    TagIn,
    TagOut,
    TagPatch,
)

router = Router(tags=["directory"])

ORGANIZATION_ORDERING = {
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    "founded_year": ("founded_year", "name", "id"),
    "-founded_year": ("-founded_year", "name", "id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "country": ("country", "name", "id"),
}
PERSON_ORDERING = {
    "name": ("full_name", "id"),
    "-name": ("-full_name", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
}


def _ordered(queryset: QuerySet, ordering: str | None, choices: Mapping[str, tuple]) -> QuerySet:
    return queryset.order_by(*choices[ordering]) if ordering else queryset


def _tags(request: ApiRequest, names: list[str] | None) -> list[Tag] | None:
    if names is None:
        return None
    return services.tags_get_or_create(actor=request.auth, names=names)


def _data(payload: Any) -> dict[str, Any]:
    """Only the fields the caller sent (PATCH changes those; POST leaves model defaults)."""
    return payload.model_dump(mode="json", exclude_unset=True, exclude={"tags", "version"})


def _tagged(response: HttpResponse, found: Any) -> Any:
    versions.tag_response(response, found)
    return found


def _with_external_ids(request: ApiRequest, rows: QuerySet) -> QuerySet[Organization]:
    external_ids = policy.visible_to(request.auth, ExternalId).only(
        "source", "value", "organization"
    )
    return rows.prefetch_related(
        Prefetch("external_ids", queryset=external_ids, to_attr="visible_external_ids")
    )


def _organization_out(request: ApiRequest, pk: int) -> Organization:
    rows = _with_external_ids(request, selectors.organization_list(request.auth).qs)
    return get_object_or_404(rows, pk=pk)


# Organizations


@router.get("/organizations", response=list[OrganizationOut])
@api_access(DIRECTORY_VIEW)
@paginate(Page)
def organization_list(request: ApiRequest, filters: Query[OrganizationFilters]):
    """Organizations, filtered like the directory page; `ordering` from a fixed list."""
    filterset = selectors.organization_list(request.auth, filter_params(filters))
    rows = _with_external_ids(request, filtered(filterset))
    return _ordered(rows, filters.ordering, ORGANIZATION_ORDERING)


@router.get("/organizations/{organization_id}", response=OrganizationOut)
@api_access(DIRECTORY_VIEW, model=Organization)
def organization_get(request: ApiRequest, organization_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _organization_out(request, organization_id))


@router.post("/organizations", response={201: OrganizationOut})
@api_access(DIRECTORY_CHANGE)
def organization_create(request: ApiRequest, payload: OrganizationIn):
    with transaction.atomic():
        tags = _tags(request, payload.tags) or []
        organization = services.organization_create(
            actor=request.auth, data=_data(payload), tags=tags
        )
    return Status(201, _organization_out(request, organization.pk))


@router.patch(
    "/organizations/{organization_id}", response=OrganizationOut, openapi_extra=EDIT_OPENAPI
)
@api_access(DIRECTORY_CHANGE, model=Organization)
def organization_update(
    request: ApiRequest, organization_id: int, payload: OrganizationPatch, response: HttpResponse
):
    organization = selectors.organization_detail(request.auth, organization_id)
    expected = versions.expected_version(request, payload.version)
    with transaction.atomic():
        tags = _tags(request, payload.tags)
        services.organization_update(
            actor=request.auth,
            organization=organization,
            data=_data(payload),
            tags=tags,
            expected_version=expected,
        )
    return _tagged(response, _organization_out(request, organization_id))


@router.delete("/organizations/{organization_id}", response={204: None})
@api_access(DIRECTORY_CHANGE, model=Organization)
def organization_delete(request: ApiRequest, organization_id: int):
    organization = selectors.organization_detail(request.auth, organization_id)
    services.organization_delete(actor=request.auth, organization=organization)
    return HttpResponse(status=204)


# People


def _person_rows(request: ApiRequest) -> QuerySet[Person]:
    tags = policy.visible_to(request.auth, Tag).only("id", "name", "slug")
    return selectors.person_list(request.auth).qs.prefetch_related(Prefetch("tags", queryset=tags))


def _person_data(request: ApiRequest, payload: PersonIn | PersonPatch) -> dict[str, Any]:
    data = _data(payload)
    if data.get("organization") is not None:
        organization_id = data["organization"]
        data["organization"] = (
            selectors.organizations_visible(request.auth).filter(pk=organization_id).first()
        )
        if data["organization"] is None:
            raise ValidationError({"organization": f"No organization has id {organization_id}."})
    return data


@router.get("/people", response=list[PersonOut])
@api_access(DIRECTORY_VIEW)
@paginate(Page)
def person_list(request: ApiRequest, filters: Query[PersonFilters]):
    """People, filtered like the directory page."""
    filterset = selectors.person_list(request.auth, filter_params(filters))
    tags = policy.visible_to(request.auth, Tag).only("id", "name", "slug")
    rows = filtered(filterset).prefetch_related(Prefetch("tags", queryset=tags))
    return _ordered(rows, filters.ordering, PERSON_ORDERING)


@router.get("/people/{person_id}", response=PersonOut)
@api_access(DIRECTORY_VIEW, model=Person)
def person_get(request: ApiRequest, person_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, get_object_or_404(_person_rows(request), pk=person_id))


@router.post("/people", response={201: PersonOut})
@api_access(DIRECTORY_CHANGE)
def person_create(request: ApiRequest, payload: PersonIn):
    with transaction.atomic():
        data = _person_data(request, payload)
        tags = _tags(request, payload.tags) or []
        person = services.person_create(actor=request.auth, data=data, tags=tags)
    return Status(201, get_object_or_404(_person_rows(request), pk=person.pk))


@router.patch("/people/{person_id}", response=PersonOut, openapi_extra=EDIT_OPENAPI)
@api_access(DIRECTORY_CHANGE, model=Person)
def person_update(
    request: ApiRequest, person_id: int, payload: PersonPatch, response: HttpResponse
):
    person = policy.get_visible_or_404(request.auth, Person, pk=person_id)
    expected = versions.expected_version(request, payload.version)
    with transaction.atomic():
        data = _person_data(request, payload)
        tags = _tags(request, payload.tags)
        services.person_update(
            actor=request.auth, person=person, data=data, tags=tags, expected_version=expected
        )
    return _tagged(response, get_object_or_404(_person_rows(request), pk=person_id))


@router.delete("/people/{person_id}", response={204: None})
@api_access(DIRECTORY_CHANGE, model=Person)
def person_delete(request: ApiRequest, person_id: int):
    person = policy.get_visible_or_404(request.auth, Person, pk=person_id)
    services.person_delete(actor=request.auth, person=person)
    return HttpResponse(status=204)


# Tags


def _tag_out(request: ApiRequest, pk: int) -> Tag:
    return get_object_or_404(selectors.tag_list(request.auth).qs, pk=pk)


@router.get("/tags", response=list[TagOut])
@api_access(DIRECTORY_VIEW)
@paginate(Page)
def tag_list(request: ApiRequest, filters: Query[TagFilters]):
    """Tags with the number of organizations and people carrying each."""
    return filtered(selectors.tag_list(request.auth, filter_params(filters)))


@router.get("/tags/{tag_id}", response=TagOut)
@api_access(DIRECTORY_VIEW, model=Tag)
def tag_get(request: ApiRequest, tag_id: int, response: HttpResponse):
    """With its version as the ETag: send it in If-Match to edit safely."""
    return _tagged(response, _tag_out(request, tag_id))


@router.post("/tags", response={201: TagOut})
@api_access(DIRECTORY_CHANGE)
def tag_create(request: ApiRequest, payload: TagIn):
    tag = services.tag_create(actor=request.auth, data=_data(payload))
    return Status(201, _tag_out(request, tag.pk))


@router.patch("/tags/{tag_id}", response=TagOut, openapi_extra=EDIT_OPENAPI)
@api_access(DIRECTORY_CHANGE, model=Tag)
def tag_update(request: ApiRequest, tag_id: int, payload: TagPatch, response: HttpResponse):
    tag = policy.get_visible_or_404(request.auth, Tag, pk=tag_id)
    expected = versions.expected_version(request, payload.version)
    services.tag_update(actor=request.auth, tag=tag, data=_data(payload), expected_version=expected)
    return _tagged(response, _tag_out(request, tag_id))


@router.delete("/tags/{tag_id}", response={204: None})
@api_access(DIRECTORY_CHANGE, model=Tag)
def tag_delete(request: ApiRequest, tag_id: int):
    tag = policy.get_visible_or_404(request.auth, Tag, pk=tag_id)
    services.tag_delete(actor=request.auth, tag=tag)
    return HttpResponse(status=204)
