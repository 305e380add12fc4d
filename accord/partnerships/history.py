"""Where the partnerships stood at a past moment, read back from their recorded moves."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from accord.partnerships.models import Partnership, StageTransition


def stages_as_of(partnerships: QuerySet[Partnership], moment: dt.datetime) -> dict[int, str]:
    """The stage each of `partnerships` stood in at `moment`, for those that existed then: the
    stage its last move before entered, else the one its first move after left, else the
    stage it is in. Two queries."""
    rows = list(partnerships.values_list("pk", "stage", "created_at"))
    entered: dict[int, str] = {}
    left: dict[int, str] = {}
    moves = StageTransition.objects.filter(partnership__in=partnerships.values("pk"))
    for partnership_id, from_stage, to_stage, at in moves.order_by("at", "id").values_list(
        "partnership_id", "from_stage", "to_stage", "at"
    ):
        if at <= moment:
            entered[partnership_id] = to_stage
        else:
            left.setdefault(partnership_id, from_stage)
    return {
        pk: entered.get(pk) or left.get(pk) or stage
        for pk, stage, created_at in rows
        if pk in entered or created_at <= moment
    }
