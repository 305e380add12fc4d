"""What partnerships add to the pages of the apps below them: an organization's roles in
partnerships, and the partnerships and coverage behind the strategy's gaps and plays."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accord.accounts.models import User
from accord.core import policy
from accord.core.contributions import (
    GAP_PAGE,
    ORGANIZATION_PAGE,
    PLAY_PAGE,
    STRATEGY_OVERVIEW,
    contributes_to,
)
from accord.partnerships.selectors import organization_roles
from accord.partnerships.traceability import (
    coverage_by_gap,
    gap_partnerships,
    play_partnerships,
    with_links,
)


@contributes_to(ORGANIZATION_PAGE)
def organization_page(actor: User, organization: Any) -> dict[str, Any]:
    context: dict[str, Any] = {"roles": organization_roles(actor, organization)}
    if policy.can(actor, policy.PARTNERSHIP_CHANGE) and not organization.is_self:
        start = reverse("partnerships:partnership_create") + f"?partner={organization.pk}"
        context["actions"] = [("Start a partnership", start, None)]
    return context


@contributes_to(STRATEGY_OVERVIEW)
def strategy_overview(actor: User, _: None) -> dict[str, Any]:
    return {"coverage_by_gap": coverage_by_gap(actor)}


@contributes_to(GAP_PAGE)
def gap_page(actor: User, gap: Any) -> dict[str, Any]:
    coverage = coverage_by_gap(actor).get(gap.pk)
    return {
        "coverage": coverage,
        "coverage_status": coverage.status if coverage else "uncovered",
        "partnerships": with_links(gap_partnerships(actor, gap)),
    }


@contributes_to(PLAY_PAGE)
def play_page(actor: User, play: Any) -> dict[str, Any]:
    return {"partnerships": with_links(play_partnerships(actor, play))}
