"""What the partnership picker offers as one types: the partnerships the user may read, a
confidential one only to those who see it (core/pickers.py)."""

from django.http import HttpResponse

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.pickers import picker_answer
from accord.core.policy import access, visible_to
from accord.partnerships.models import Partnership


@access(policy.PARTNERSHIP_VIEW)
def partnership_picker(request: SignedInRequest) -> HttpResponse:
    rows = visible_to(request.user, Partnership).only("title", "stage", "type")
    return picker_answer(
        request,
        rows,
        search=("title",),
        hint=lambda p: f"{p.get_type_display()} · {p.get_stage_display()}",
    )
