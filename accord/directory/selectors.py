"""Every read of the directory, always on behalf of a user and through the access policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import QueryDict

from accord.accounts.models import User
from accord.core.policy import get_visible_or_404, visible_to
from accord.directory.filters import OrganizationFilter, PersonFilter, TagFilter
from accord.directory.models import ExternalId, Organization, Person, Tag


def filter_params(params: Mapping[str, Any] | None) -> QueryDict:
    """The filter values a person gave: blank fields of a submitted form mean "any"."""
    cleaned = QueryDict(mutable=True)
    if params is None:
        return cleaned
    for key in params:
        values = params.getlist(key) if hasattr(params, "getlist") else [params[key]]
        kept = [v for v in values if not (isinstance(v, str) and v.strip() == "")]
        if kept:
            cleaned.setlist(key, kept)
    return cleaned


def organizations_visible(actor: User) -> QuerySet[Organization]:
    return visible_to(actor, Organization)


def organization_list(actor: User, params: Mapping[str, Any] | None = None) -> OrganizationFilter:
    """The filter bound to `params`; `.qs` is the filtered queryset, each organization with
    the tags the actor may see as `visible_tags` (a list: no queryset per row)."""
    tags = visible_to(actor, Tag).only("id", "name", "slug")
    queryset = organizations_visible(actor).prefetch_related(
        Prefetch("tags", queryset=tags, to_attr="visible_tags")
    )
    return OrganizationFilter(filter_params(params), queryset=queryset)


def tag_names(actor: User, organization_ids: Iterable[int]) -> dict[int, list[str]]:
    """The names of the tags the actor may see on each organization, by name: one query and
    no model instances, for the rows of a list. Asked from the tags' side, so SQLite reads
    the page's links by organization rather than every tag's."""
    found: dict[int, list[str]] = defaultdict(list)
    pairs = (
        visible_to(actor, Tag)
        .filter(organizations__in=list(organization_ids))
        .order_by("name")
        .values_list("organizations", "name")
    )
    for organization_id, name in pairs:
        found[organization_id].append(name)
    return found


def organization_detail(actor: User, pk: int) -> Organization:
    return get_visible_or_404(actor, Organization, pk=pk)


def organization_external_ids(actor: User, organization: Organization) -> QuerySet[ExternalId]:
    return visible_to(actor, ExternalId).filter(organization=organization)


def organization_people(actor: User, organization: Organization) -> QuerySet[Person]:
    return visible_to(actor, Person).filter(organization=organization)


def person_list(actor: User, params: Mapping[str, Any] | None = None) -> PersonFilter:
    queryset = visible_to(actor, Person).select_related("organization")
    return PersonFilter(filter_params(params), queryset=queryset)


def tag_list(actor: User, params: Mapping[str, Any] | None = None) -> TagFilter:
    queryset = visible_to(actor, Tag).annotate(
        organization_count=Count("organizations", distinct=True),
        person_count=Count("people", distinct=True),
    )
    return TagFilter(filter_params(params), queryset=queryset)


def organization_by_reference(actor: User, reference: str) -> Organization | None:
    """An organization by id or `SOURCE:EXTERNAL_ID`, if `actor` may see it; else None."""
    rows = visible_to(actor, Organization)
    if reference.isdigit():
        return rows.filter(pk=int(reference)).first()
    if ":" in reference:
        source, _, value = reference.partition(":")
        return rows.filter(external_ids__source=source, external_ids__value=value).first()
    return None
