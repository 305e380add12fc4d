"""A shared pilot of the sample partnership, with a criterion, an actual, readiness and a
decision, a milestone and a sprint; the same of the confidential partnership."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accord.partnerships.models import Partnership
from accord.pilots import milestones, services
from accord.pilots.models import (
    CriterionActual,
    Milestone,
    Pilot,
    PilotDecision,
    ReadinessScore,
    Sprint,
    SuccessCriterion,
)
from tests.matrix_samples import confidential_samples, samples


def _pilot(actor: Any, partnership: Partnership, title: str, evidence: str) -> dict[Any, Any]:
    today = dt.date.today()
    pilot = services.pilot_create(
        actor=actor,
        partnership=partnership,
        data={"title": title, "hypothesis": evidence, "starts_on": today - dt.timedelta(days=30),
              "ends_on": today + dt.timedelta(days=30)},
        visibility="shared",
    )  # fmt: skip
    criterion = services.criterion_add(
        actor=actor,
        pilot=pilot,
        data={"metric": f"{title} rate", "unit": "%", "target": Decimal(90)},
    )
    actual = services.actual_record(
        actor=actor, criterion=criterion, value=Decimal(91), observed_on=today, note=evidence
    )
    services.readiness_assess(
        actor=actor,
        pilot=pilot,
        scores={d: {"score": 4, "evidence": evidence} for d in ReadinessScore.Dimension.values},
    )
    decided = services.pilot_decide(
        actor=actor, pilot=pilot, decision="iterate", rationale=evidence,
        ends_on=today + dt.timedelta(days=60),
    )  # fmt: skip
    return {
        Pilot: pilot, SuccessCriterion: criterion, CriterionActual: actual,
        ReadinessScore: pilot.readiness.first(), PilotDecision: decided,
    }  # fmt: skip


@samples
def pilot_samples(world: dict[str, Any]) -> dict[Any, Any]:
    partnership = world["samples"][Partnership]
    return _pilot(world["users"]["admin"], partnership, "Matrix pilot", "Matrix pilot evidence")


@confidential_samples
def confidential_pilot(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    rows = _pilot(world["users"]["admin"], secret, "Sealed pilot", world["secret_evidence"])
    return {f"{model.__name__} of the confidential pilot": row for model, row in rows.items()}


def _milestone_and_sprint(actor: Any, partnership: Partnership, title: str) -> dict[Any, Any]:
    today = dt.date.today()
    milestone = milestones.milestone_create(
        actor=actor, partnership=partnership, visibility="shared",
        data={"title": f"{title} milestone", "due_on": today, "description": title},
    )  # fmt: skip
    sprint = milestones.sprint_create(
        actor=actor, partnership=partnership, visibility="shared",
        data={"title": f"{title} sprint", "starts_on": today, "ends_on": today,
              "outcomes": title},
    )  # fmt: skip
    return {Milestone: milestone, Sprint: sprint}


@samples
def milestone_samples(world: dict[str, Any]) -> dict[Any, Any]:
    partnership = world["samples"][Partnership]
    return _milestone_and_sprint(world["users"]["admin"], partnership, "Matrix")


@confidential_samples
def confidential_milestone(world: dict[str, Any]) -> dict[Any, Any]:
    secret = world["secret"][Partnership]
    rows = _milestone_and_sprint(world["users"]["admin"], secret, world["secret_evidence"])
    return {f"{model.__name__} of the confidential partnership": row for model, row in rows.items()}
