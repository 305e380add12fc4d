"""The traceability page: from each strategic priority down to the partnerships carrying it
out. It belongs to the strategy section but needs the partnerships, so it lives here."""

from django.http import HttpResponse
from django.shortcuts import render

from accord.core import policy
from accord.core.http import SignedInRequest
from accord.core.policy import access
from accord.partnerships.traceability import traceability as trace_tree
from accord.partnerships.traceability import with_links


@access(policy.STRATEGY_VIEW)
def traceability(request: SignedInRequest) -> HttpResponse:
    tree = trace_tree(request.user)
    for priority in tree:
        for gap in priority.gaps:
            with_links(gap.direct)
            for play in gap.plays:
                with_links(play.partnerships)
    return render(request, "partnerships/traceability.html", {"section": "strategy", "tree": tree})
