"""A shared committee of the sample partnership with a meeting, a decision and an action item;
the same of the confidential partnership; the administrator's calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accord.governance import escalations, services
from accord.governance.models import (
    ActionItem,
    CalendarFeed,
    Committee,
    Decision,
    Escalation,
    EscalationStep,
    Meeting,
)
from accord.partnerships.models import Partnership
from tests.matrix_samples import confidential_samples, samples


def _governance(actor: Any, partnership: Partnership, text: str) -> dict[Any, Any]:
    committee = services.committee_create(
        actor=actor, partnership=partnership, data={"name": f"{text} committee", "charter": text}
    )
    starts = timezone.now() + dt.timedelta(days=2)
    meeting = services.meeting_create(
        actor=actor, committee=committee,
        data={"title": f"{text} meeting", "starts_at": starts,
              "ends_at": starts + dt.timedelta(hours=1), "agenda": text},
    )  # fmt: skip
    decision = services.decision_record(
        actor=actor, committee=committee,
        data={"title": f"{text} decision", "decided_by": "the committee",
              "decided_on": dt.date.today(), "meeting": meeting},
    )  # fmt: skip
    item = services.action_item_create(
        actor=actor, committee=committee,
        data={"title": f"{text} action", "due_on": dt.date.today(), "owner": actor},
    )  # fmt: skip
    return {Committee: committee, Meeting: meeting, Decision: decision, ActionItem: item}


@samples
def governance_samples(world: dict[str, Any]) -> dict[Any, Any]:
    admin = world["users"]["admin"]
    rows = _governance(admin, world["samples"][Partnership], "Matrix")
    services.calendar_feed_create(actor=admin)
    return {**rows, CalendarFeed: CalendarFeed.objects.get(user=admin)}


@confidential_samples
def confidential_governance(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    rows = _governance(world["users"]["admin"], secret, world["secret_evidence"])
    return {f"{model.__name__} of the confidential partnership": row for model, row in rows.items()}


def _escalation(actor: Any, partnership: Partnership, text: str) -> Escalation:
    return escalations.escalation_raise(
        actor=actor, partnership=partnership, path=[actor],
        data={"title": f"{text} escalation", "description": text, "severity": "high"},
        visibility="shared",
    )  # fmt: skip


@samples
def escalation_samples(world: dict[str, Any]) -> dict[Any, Any]:
    escalation = _escalation(world["users"]["admin"], world["samples"][Partnership], "Matrix")
    return {Escalation: escalation, EscalationStep: escalation.path.get()}


@confidential_samples
def confidential_escalation(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    escalation = _escalation(world["users"]["admin"], secret, world["secret_evidence"])
    return {"Escalation of the confidential partnership": escalation,
            "its path": escalation.path.get()}  # fmt: skip
