"""What an investment does for the strategy, beside what it earns: a strategic value from the
partnership it serves, candidates for a follow-on, and investments whose reason has lapsed.

The strategic value (0 to 100) adds up what is known of the linked partnership, each part
scaled to its share:
- its stage: how far the partnership has come (an active one scores highest, a declined or
  exited one nothing), up to 40;
- its gaps: the importance (1 to 5) of the most important gap it addresses that is still open
  under an active priority, up to 40;
- its KPIs, once it has targets this quarter: the share of them met, up to 20.
An investment without a partnership has no strategic value: it is a financial bet only.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.metrics import periods
from accord.metrics.selectors import quarter_standings
from accord.partnerships.models import Partnership, Stage
from accord.strategy.models import CapabilityGap, StrategicPriority
from accord.ventures.models import Investment, OptionRight

STAGE_POINTS = {
    Stage.CANDIDATE: 5, Stage.SCREENING: 10, Stage.ENGAGING: 15, Stage.NEGOTIATING: 20,
    Stage.PILOTING: 30, Stage.RENEWAL_REVIEW: 35, Stage.ACTIVE: 40,
    Stage.DECLINED: 0, Stage.EXITED: 0,
}  # fmt: skip
STAGE_MOST, GAPS_MOST, KPIS_MOST = 40, 40, 20
POINTS_PER_IMPORTANCE = GAPS_MOST // 5
# A follow-on is worth weighing for a live investment that matters to the strategy and is not
# losing money.
FOLLOW_ON_VALUE = 60
FOLLOW_ON_MOIC = 1.0
FOLLOW_ON_RIGHTS = (OptionRight.Kind.PRO_RATA, OptionRight.Kind.CALL)


@dataclass
class Standing:
    value: int | None = None  # 0 to 100; None without a partnership
    parts: list[str] = field(default_factory=list)  # how the value was made, in words
    gaps: list[CapabilityGap] = field(default_factory=list)  # its live gaps
    lapsed: bool = False  # it served gaps, and none of them is live any more


def _live_gaps() -> Q:
    return Q(status__in=(CapabilityGap.Status.OPEN, CapabilityGap.Status.ADDRESSING)) & Q(
        priority__status=StrategicPriority.Status.ACTIVE
    )


def standings(
    actor: User, investments: Sequence[Investment], today: dt.date
) -> dict[int, Standing]:
    """{investment id: its Standing}, in a constant number of queries."""
    partnership_ids = {i.partnership_id for i in investments if i.partnership_id}
    gap_rows = visible_to(actor, CapabilityGap).filter(partnerships__in=partnership_ids)
    gaps_of: dict[int, list[CapabilityGap]] = defaultdict(list)
    live_of: dict[int, list[CapabilityGap]] = defaultdict(list)
    live_ids = set(gap_rows.filter(_live_gaps()).values_list("pk", flat=True))
    through = Partnership.gaps.through.objects.filter(
        partnership_id__in=partnership_ids, capabilitygap__in=gap_rows
    ).select_related("capabilitygap")
    for row in through:
        gaps_of[row.partnership_id].append(row.capabilitygap)
        if row.capabilitygap_id in live_ids:
            live_of[row.partnership_id].append(row.capabilitygap)
    kpis = quarter_standings(actor, sorted(partnership_ids), periods.quarter_of(today))
    found = {}
    for investment in investments:
        found[investment.pk] = _standing(investment, gaps_of, live_of, kpis)
    return found


def _standing(
    investment: Investment,
    gaps_of: dict[int, list[CapabilityGap]],
    live_of: dict[int, list[CapabilityGap]],
    kpis: dict[int, Any],
) -> Standing:
    partnership = investment.partnership
    if partnership is None:
        return Standing(parts=["no partnership: a financial bet only"])
    stage = STAGE_POINTS.get(Stage(partnership.stage), 0)
    live = sorted(live_of.get(partnership.pk, []), key=lambda g: -g.importance)
    importance = live[0].importance if live else 0
    points, most = stage + importance * POINTS_PER_IMPORTANCE, STAGE_MOST + GAPS_MOST
    parts = [f"stage {partnership.get_stage_display()}: {stage} of {STAGE_MOST}",
             f"most important live gap: {importance} of 5"]  # fmt: skip
    standing = kpis.get(partnership.pk)
    if standing is not None and standing.targets:
        share = standing.met / standing.targets
        points, most = points + round(share * KPIS_MOST), most + KPIS_MOST
        parts.append(f"KPI targets met this quarter: {standing.met} of {standing.targets}")
    lapsed = bool(gaps_of.get(partnership.pk)) and not live
    return Standing(round(100 * points / most), parts, live, lapsed)


def follow_on_reasons(
    investment: Investment, standing: Standing, moic: float | None, options: list[OptionRight]
) -> list[str]:
    """Why a follow-on is worth weighing, or [] when it is not a candidate."""
    if investment.status != Investment.Status.ACTIVE or standing.value is None:
        return []
    if standing.value < FOLLOW_ON_VALUE or moic is None or moic < FOLLOW_ON_MOIC:
        return []
    reasons = [f"strategic value {standing.value}", f"MOIC {moic:.2f}x"]
    rights = [o for o in options if o.kind in FOLLOW_ON_RIGHTS and o.status == o.Status.OPEN]
    reasons += [f"{o.get_kind_display()}{f' until {o.deadline}' if o.deadline else ''}"
                for o in rights]  # fmt: skip
    return reasons
