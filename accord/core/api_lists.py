"""What every list operation of the API shares: the page size contract and filter handling."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.datastructures import MultiValueDict
from django_filters import FilterSet
from ninja.pagination import LimitOffsetPagination
from pydantic import Field

MAX_OFFSET = 1_000_000_000  # beyond a 64-bit SQL integer the database errors out


class Page(LimitOffsetPagination):
    """`?limit=&offset=`, answering `{"items": [...], "count": N}`: 50 by default, 500 at most."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)


def filter_params(filters: Any) -> MultiValueDict[str, Any]:
    """The validated query as a FilterSet's form expects it (lists stay lists)."""
    params: MultiValueDict[str, Any] = MultiValueDict()
    for name, value in filters.model_dump(mode="json", exclude={"ordering"}).items():
        if value in (None, [], ""):
            continue
        params.setlist(name, [str(v) for v in (value if isinstance(value, list) else [value])])
    return params


def filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The FilterSet's rows, or a ValidationError naming each bad filter."""
    if not filterset.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        )
    rows: QuerySet[Any] = filterset.qs  # django-filter has no type information
    return rows
