"""Stage gates: what a partnership needs before it may enter a stage. Pure rules, no writes.

A gate names required fields (of the partnership, or `parties`, `gaps`, `value_for_us`...), a
checklist the mover must confirm item by item, and optionally the role whose member must make
the move. `missing_for_move` lists, in words a person reads, everything that stops a move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from accord.accounts.models import User
from accord.core import policy
from accord.partnerships.models import EXITS, PIPELINE, Partnership, Stage, StageGate

# Fields a gate may require, with the words used to name them in refusals.
REQUIRABLE_FIELDS: dict[str, str] = {
    "parties": "at least one partner organization",
    "gaps": "at least one capability gap addressed",
    "play": "a partnership play",
    "owner": "an owner",
    "executive_sponsor": "an executive sponsor",
    "value_for_us": "the value for us",
    "value_for_partner": "the value for the partner",
    "nda_signed_on": "the NDA date",
    "signed_on": "the date the agreement was signed",
    "start_date": "a start date",
    "end_date": "an end date",
    "ip_terms": "the IP terms",
    "budget": "a budget",
    "committed_fte": "the committed people (FTE)",
    "next_review_date": "a next review date",
    "renewal_notice_days": "the renewal notice period",
    "due_diligence": "the due diligence completed",
}


@dataclass(frozen=True)
class Requirement:
    """What an app above this one adds to the gates: `missing(partnership)` says what is
    still lacking, in sentences, or nothing."""

    words: str
    missing: Callable[[Partnership], list[str]]


_REQUIREMENTS: dict[str, Requirement] = {}


def requirement(
    name: str, words: str
) -> Callable[[Callable[[Partnership], list[str]]], Callable[[Partnership], list[str]]]:
    """Register the decorated check as a requirement gates may name (`AppConfig.ready`)."""

    def register(missing: Callable[[Partnership], list[str]]) -> Callable[[Partnership], list[str]]:
        _REQUIREMENTS[name] = Requirement(words, missing)
        return missing

    return register


def requirable() -> list[tuple[str, str]]:
    """Every requirement a gate may name, with its words: fields first, then the apps'."""
    extra = [(name, r.words) for name, r in _REQUIREMENTS.items()]
    return [*REQUIRABLE_FIELDS.items(), *extra]


DEFAULT_GATES: dict[str, dict[str, Any]] = {
    Stage.SCREENING: {"required_fields": ["parties", "gaps"], "checklist": []},
    Stage.ENGAGING: {
        "required_fields": ["owner", "value_for_us", "due_diligence"],
        "checklist": ["Screening rubric completed", "Fit with the strategy confirmed"],
    },
    Stage.NEGOTIATING: {
        "required_fields": ["executive_sponsor", "value_for_partner", "nda_signed_on"],
        "checklist": ["Due diligence on ethics and compliance done"],
    },
    Stage.PILOTING: {
        "required_fields": ["start_date", "budget"],
        "checklist": ["Pilot success criteria agreed with the partner"],
    },
    Stage.ACTIVE: {
        "required_fields": [
            "signed_on",
            "start_date",
            "ip_terms",
            "next_review_date",
            "pilot_scaled",
        ],
        "checklist": ["Joint steering committee named"],
        "approver_role": policy.EXECUTIVE,
    },
    Stage.RENEWAL_REVIEW: {"required_fields": ["end_date"], "checklist": []},
}


def allowed_targets(stage: str) -> list[str]:
    """Where a partnership in `stage` may go: one step on, any step back, or out."""
    if stage in EXITS:
        return [Stage.CANDIDATE.value]  # a declined or exited partner can be reconsidered
    index = PIPELINE.index(stage)
    forward = PIPELINE[index + 1 : index + 2]
    if stage == Stage.RENEWAL_REVIEW:
        forward = [Stage.ACTIVE.value]  # renewed
    backward = [s for s in reversed(PIPELINE[:index]) if s not in forward]
    return [*forward, *backward, *EXITS]


def _has(partnership: Partnership, field: str) -> bool:
    if field == "parties":
        return partnership.pk is not None and partnership.parties.exists()
    if field == "gaps":  # named directly, or through the play it carries out
        direct = partnership.pk is not None and partnership.gaps.exists()
        play = partnership.play if partnership.play_id is not None else None
        return direct or (play is not None and play.gaps.exists())
    value = getattr(
        partnership,
        field if field not in ("play", "owner", "executive_sponsor") else f"{field}_id",
        None,
    )
    return value not in (None, "")


def _due_diligence_missing(partnership: Partnership) -> list[str]:
    """The due-diligence items still open, by name; the checklist must exist and be done."""
    items = list(partnership.due_diligence.all()) if partnership.pk else []
    if not items:
        return ["Missing the due diligence: no checklist has been started."]
    open_items = [item for item in items if item.status not in item.DONE_STATUSES]
    return [f"Due diligence not done: {item.title}." for item in open_items]


def missing_for(partnership: Partnership, requirement: str) -> list[str]:
    """What `partnership` still lacks of one requirement a gate names; empty when met."""
    if requirement == "due_diligence":
        return _due_diligence_missing(partnership)
    if requirement in _REQUIREMENTS:
        return _REQUIREMENTS[requirement].missing(partnership)
    if requirement not in REQUIRABLE_FIELDS:
        return [f"Missing {requirement}: no installed part of Accord can check it."]
    return [] if _has(partnership, requirement) else [f"Missing {REQUIRABLE_FIELDS[requirement]}."]


def missing_for_move(
    *,
    partnership: Partnership,
    to_stage: str,
    actor: User,
    confirmed: Iterable[str] = (),
    reason: str = "",
    gate: StageGate | None = None,
) -> list[str]:
    """Everything that stops `actor` moving `partnership` to `to_stage`; empty when it may."""
    if to_stage not in Stage.values:
        return [f"“{to_stage}” is not a stage."]
    if to_stage == partnership.stage:
        return [f"The partnership is already at {Stage(to_stage).label}."]
    if to_stage not in allowed_targets(partnership.stage):
        return [
            f"A partnership at {Stage(partnership.stage).label} cannot move to "
            f"{Stage(to_stage).label}; the next stage is one step at a time."
        ]
    missing = []
    if not reason.strip():
        missing.append("A reason for the move.")
    if not policy.can_move_partnership(actor, partnership):
        missing.append("Your role may not move this partnership.")
    moving_forward = to_stage in PIPELINE and (
        partnership.stage in EXITS
        or PIPELINE.index(to_stage) > PIPELINE.index(partnership.stage)
        or (partnership.stage == Stage.RENEWAL_REVIEW and to_stage == Stage.ACTIVE)
    )
    if gate is None or not moving_forward:
        return missing
    for field in gate.required_fields:
        missing += missing_for(partnership, field)
    confirmed_items = set(confirmed)
    missing += [f"Not confirmed: {item}." for item in gate.checklist if item not in confirmed_items]
    if gate.approver_role and not policy.may_approve(actor, gate.approver_role):
        missing.append(f"Only a user with the {gate.approver_role} role may approve this move.")
    return missing
