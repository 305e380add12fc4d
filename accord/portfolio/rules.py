"""The review's rules: pure functions over a partnership's facts, no database.

A rule is a list of conditions [fact, operator, value], all of which must hold. Rules are tried
in order and the first that fires gives the recommendation; none firing means "continue". A
condition over a fact the partnership lacks (no health check yet, no KPI target) cannot be
evaluated: its rule does not fire, and the item says which rule and why.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# name: (label, kind) where kind is "bool" or "number"
FACTS: dict[str, tuple[str, str]] = {
    "strategic_fit": ("a gap it addresses is still open under an active priority", "bool"),
    "covered_elsewhere": ("every gap it addresses is also covered by another partnership", "bool"),
    "kpi_targets": ("KPI targets set for the quarter", "number"),
    "kpis_met_share": ("share of the quarter's KPI targets met (0-1)", "number"),
    "health_partner": ("the partner's overall score in the latest health check (1-5)", "number"),
    "health_gap": ("our overall score minus the partner's", "number"),
    "health_trend": ("the partner's score now minus in the check before", "number"),
    "days_since_activity": ("days since anything moved (meetings, milestones, values, notes)",
                            "number"),
    "kpi_values_recent": ("KPI values recorded in the last two quarters", "number"),
    "pilots_scaled": ("pilots decided to scale", "number"),
    "pilots_killed": ("pilots killed", "number"),
    "open_escalations": ("escalations open", "number"),
    "overdue_items": ("pilots, milestones and action items overdue", "number"),
    "zombie": ("no activity for 180 days and no KPI value in two quarters", "bool"),
}  # fmt: skip
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "==": operator.eq, "!=": operator.ne,
}  # fmt: skip


def condition_errors(conditions: Any) -> list[str]:
    """What is wrong with a rule's conditions, each named; empty when they can be evaluated."""
    if not isinstance(conditions, list) or not conditions:
        return ["Give at least one condition [fact, operator, value]."]
    errors = []
    for number, condition in enumerate(conditions, start=1):
        if not isinstance(condition, list | tuple) or len(condition) != 3:
            errors.append(f"Condition {number} is not [fact, operator, value].")
            continue
        fact, op, value = condition
        if fact not in FACTS:
            errors.append(f"Condition {number}: no fact named “{fact}”.")
            continue
        if op not in OPERATORS:
            errors.append(f"Condition {number}: “{op}” is not one of {' '.join(OPERATORS)}.")
        kind = FACTS[fact][1]
        if kind == "bool" and (not isinstance(value, bool) or op not in ("==", "!=")):
            errors.append(f"Condition {number}: “{fact}” is true or false; compare with == or !=.")
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
            errors.append(f"Condition {number}: “{fact}” is a number; compare it with one.")
    return errors


@dataclass
class Outcome:
    recommendation: str
    rule: str = ""
    evidence: list[str] = field(default_factory=list)
    unevaluated: list[str] = field(default_factory=list)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def evaluate(
    rules: Sequence[tuple[str, str, list[Any]]], facts: Mapping[str, Any], default: str
) -> Outcome:
    """The first of `rules` (name, recommendation, conditions) whose conditions all hold."""
    outcome = Outcome(default)
    for name, recommendation, conditions in rules:
        missing = [fact for fact, _, _ in conditions if facts.get(fact) is None]
        if missing:
            outcome.unevaluated.append(f"{name}: no value for {', '.join(missing)}")
            continue
        if all(OPERATORS[op](facts[fact], value) for fact, op, value in conditions):
            outcome.recommendation, outcome.rule = recommendation, name
            outcome.evidence = [
                f"{fact} = {_shown(facts[fact])} {op} {_shown(value)}"
                for fact, op, value in conditions
            ]
            return outcome
    return outcome


DEFAULT_RULES: list[tuple[str, str, list[Any]]] = [
    ("Zombie: nothing moves", "exit", [["zombie", "==", True]]),
    ("No longer strategic and under target", "exit",
     [["strategic_fit", "==", False], ["kpis_met_share", "<", 0.5]]),
    ("The partner is unhappy", "fix", [["health_partner", "<", 3]]),
    ("The sides see it differently", "fix", [["health_gap", ">=", 1]]),
    ("Escalations pile up", "fix", [["open_escalations", ">=", 2]]),
    ("Winning: targets met, partner content, still strategic", "scale",
     [["kpis_met_share", ">=", 0.8], ["health_partner", ">=", 3.5], ["strategic_fit", "==", True]]),
]  # fmt: skip
