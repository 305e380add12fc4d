"""A demo portfolio review of the last quarter, decided: the executives scale one partnership,
fix another's governance and exit a third, as its recommendations (and the evidence) suggest."""

from __future__ import annotations

from typing import Any

from accord.accounts.models import User
from accord.metrics import periods
from accord.partnerships.models import Partnership
from accord.portfolio import services
from accord.portfolio.facts import facts_for
from accord.portfolio.models import Review
from accord.portfolio.services import REVIEWED_STAGES
from accord.strategy import services as strategy
from accord.strategy.models import CapabilityGap

RATIONALE = {
    "scale": "Targets met two quarters running and the partner is content: fund a second line.",
    "fix": "The partner scores us well below our own view: move the steering committee to "
    "their site and answer escalations within the week.",
    "exit": "The capability it was for is now in-house and it missed its targets: exit, and "
    "keep the contact warm.",
}


def _close_a_gap_behind_a_laggard(executive: User, quarter: Any) -> None:
    """The story's exit: a gap one under-target partnership addresses was closed in-house (an
    acquisition brought the capability), so the partnership is no longer strategic."""
    reviewed = list(Partnership.objects.filter(stage__in=REVIEWED_STAGES).order_by("pk"))
    facts = facts_for(executive, reviewed, quarter)
    laggard = next((p for p in reviewed if facts[p.pk]["kpis_met_share"] == 0), None)
    if laggard is None:
        return
    for gap in laggard.gaps.exclude(status=CapabilityGap.Status.CLOSED):
        strategy.gap_update(actor=executive, gap=gap, data={"status": CapabilityGap.Status.CLOSED})


def load_review_demo(*, executive: User) -> dict[str, int]:
    if Review.objects.exists():
        return {"reviews": Review.objects.count()}
    quarter = periods.last_complete()
    _close_a_gap_behind_a_laggard(executive, quarter)
    review = services.review_run(actor=executive, quarter=quarter)
    decided = 0
    for recommendation, rationale in RATIONALE.items():
        item = review.items.filter(recommendation=recommendation).order_by("pk").first()
        if item is not None:
            services.item_decide(actor=executive, item=item, decision=recommendation,
                                 rationale=rationale)  # fmt: skip
            decided += 1
    return {"reviews": 1, "review_decisions": decided}
