"""What the directory's pickers offer as one types: organizations, people and tags the user
may read (core/pickers.py)."""

from django.http import HttpResponse

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.pickers import picker_answer
from accord.core.policy import access, visible_to
from accord.directory.models import Organization, Person, Tag
from accord.directory.normalize import country_name


@access(policy.DIRECTORY_VIEW)
def organization_picker(request: SignedInRequest) -> HttpResponse:
    rows = visible_to(request.user, Organization).only("name", "kind", "country")
    if request.GET.get("partners") == "1":
        rows = rows.filter(is_self=False)
    return picker_answer(
        request,
        rows,
        search=("name",),
        hint=lambda o: " · ".join(
            part for part in (o.get_kind_display(), country_name(o.country)) if part
        ),
    )


@access(policy.DIRECTORY_VIEW)
def person_picker(request: SignedInRequest) -> HttpResponse:
    rows = visible_to(request.user, Person).select_related("organization")
    return picker_answer(
        request,
        rows.only("full_name", "email", "title", "organization__name"),
        search=("full_name", "email"),
        label=lambda p: p.full_name,
        hint=lambda p: " · ".join(
            part for part in (p.title, p.organization.name if p.organization else "") if part
        ),
    )


@access(policy.DIRECTORY_VIEW)
def tag_picker(request: SignedInRequest) -> HttpResponse:
    """Tags by id, or by slug with `by=slug` (the filters, whose links name tags so)."""
    rows = visible_to(request.user, Tag).only("name", "slug", "description")
    by_slug = request.GET.get("by") == "slug"
    return picker_answer(
        request,
        rows,
        search=("name",),
        hint=lambda t: t.description,
        value=(lambda t: t.slug) if by_slug else (lambda t: t.pk),
    )
