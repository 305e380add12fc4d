"""Where the partnerships stood at a past moment, read back from their recorded moves."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from accord.partnerships.models import Partnership, StageTransition


def stages_as_of(partnerships: QuerySet[Partnership], moment: dt.datetime) -> dict[int, str]:
    """The stage each of `partnerships` stood in at `moment`, for those that existed then (were
    created or had moved by then): the stage its first move since left, else the one it is in.
    Two queries, the second reading only the moves since."""
    moved_by_then = StageTransition.objects.filter(partnership=OuterRef("pk"), at__lte=moment)
    existed = partnerships.filter(Q(created_at__lte=moment) | Exists(moved_by_then))
    stages = dict(existed.values_list("pk", "stage"))
    left: dict[int, str] = {}
    since = StageTransition.objects.filter(partnership__in=existed.values("pk"), at__gt=moment)
    for partnership_id, from_stage in since.order_by("at", "id").values_list(
        "partnership_id", "from_stage"
    ):
        left.setdefault(partnership_id, from_stage)
    return {pk: left.get(pk, stage) for pk, stage in stages.items()}
