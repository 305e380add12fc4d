"""Portfolio pages: the executive scorecards."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.metrics import periods
from accord.portfolio import selectors


@access(policy.PARTNERSHIP_VIEW)
@require_safe
def scorecard_list(request: SignedInRequest) -> HttpResponse:
    quarter, cards = selectors.scorecards(request.user)
    context = {"section": "partnerships", "quarter": periods.label(quarter), "cards": cards}
    return render(request, "portfolio/scorecard_list.html", context)
