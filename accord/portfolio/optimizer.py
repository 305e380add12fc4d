"""Which plays, pilots and candidate partnerships to fund under a budget and a team capacity,
so that the capability gaps they would cover weigh the most: an integer programme solved with
`scipy.optimize.milp`.

Each gap weighs its importance times what is still uncovered of it (1 - coverage by the
partnerships already under way); an option covers the gaps it addresses. The choice maximises
the weight covered; among equal choices, the cheaper. The answer says what each chosen option
adds, which limit binds and what loosening it would buy; a setting that cannot be met (the
options required cost more than the budget) is explained instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

RELAX_SHARE = 0.2  # what "loosening a limit" means: a fifth more


@dataclass(frozen=True)
class Option:
    key: str  # e.g. "play:4"
    title: str
    cost: float
    fte: float
    gaps: frozenset[int]


@dataclass
class Plan:
    chosen: list[Option]
    value: float
    cost: float
    fte: float
    adds: dict[str, float] = field(default_factory=dict)
    binding: list[str] = field(default_factory=list)
    relaxed: dict[str, tuple[float, list[str]]] = field(default_factory=dict)
    problem: str = ""


def _solve(
    options: Sequence[Option], weights: dict[int, float], budget: float, capacity: float,
    required: frozenset[str] = frozenset(), excluded: frozenset[str] = frozenset(),
) -> tuple[list[Option], float] | None:  # fmt: skip
    gaps = sorted({g for o in options for g in o.gaps if weights.get(g, 0) > 0})
    n, m = len(options), len(gaps)
    if n == 0:
        return [], 0.0
    total_cost = sum(o.cost for o in options) or 1.0
    # Minimise -(weight covered) plus a tie-break too small to trade any weight for money.
    tie = 1e-6 / total_cost
    c = np.concatenate([np.array([tie * o.cost for o in options]),
                        -np.array([weights[g] for g in gaps])])  # fmt: skip
    rows: list[np.ndarray] = []
    lower: list[float] = []
    upper: list[float] = []
    for j, gap in enumerate(gaps):  # a gap counts only as far as a chosen option covers it
        row = np.zeros(n + m)
        row[n + j] = 1
        for i, option in enumerate(options):
            if gap in option.gaps:
                row[i] = -1
        rows.append(row)
        lower.append(-np.inf)
        upper.append(0)
    limits = [(budget, [o.cost for o in options]), (capacity, [o.fte for o in options])]
    for limit, amounts in limits:
        rows.append(np.concatenate([np.array(amounts), np.zeros(m)]))
        lower.append(-np.inf)
        upper.append(limit)
    low = np.array([1.0 if o.key in required else 0.0 for o in options] + [0.0] * m)
    high = np.array([0.0 if o.key in excluded else 1.0 for o in options] + [1.0] * m)
    result = milp(
        c, constraints=LinearConstraint(np.array(rows), lower, upper),
        integrality=np.array([1] * n + [0] * m), bounds=Bounds(low, high),
    )  # fmt: skip
    if result.status != 0 or result.x is None:
        return None
    chosen = [o for i, o in enumerate(options) if result.x[i] > 0.5]
    covered = {g for o in chosen for g in o.gaps}
    return chosen, sum(weights.get(g, 0.0) for g in covered)


def _infeasible(options: Sequence[Option], required: frozenset[str], budget: float,
                capacity: float) -> str:  # fmt: skip
    must = [o for o in options if o.key in required]
    cost, fte = sum(o.cost for o in must), sum(o.fte for o in must)
    if cost > budget:
        return (f"The options you require cost {cost:,.0f}, more than the budget of "
                f"{budget:,.0f}: raise the budget or require fewer.")  # fmt: skip
    if fte > capacity:
        return (f"The options you require need {fte:g} FTE, more than the capacity of "
                f"{capacity:g}: raise the capacity or require fewer.")  # fmt: skip
    return ""


def optimise(
    options: Sequence[Option], weights: dict[int, float], *, budget: float, capacity: float,
    required: Sequence[str] = (),
) -> Plan:  # fmt: skip
    must = frozenset(required)
    unknown = must - {o.key for o in options}
    if unknown:
        return Plan([], 0, 0, 0, problem=f"No option {', '.join(sorted(unknown))} to require.")
    if budget < 0 or capacity < 0:
        return Plan([], 0, 0, 0, problem="The budget and the capacity cannot be negative.")
    problem = _infeasible(options, must, budget, capacity)
    if problem:
        return Plan([], 0, 0, 0, problem=problem)
    solved = _solve(options, weights, budget, capacity, must)
    if solved is None:
        return Plan([], 0, 0, 0, problem="The solver found no plan within these limits.")
    chosen, value = solved
    plan = Plan(chosen, value, sum(o.cost for o in chosen), sum(o.fte for o in chosen))
    for option in chosen:  # what each adds: the weight lost if it were left out
        if option.key in must:
            continue
        without = _solve(options, weights, budget, capacity, must, frozenset({option.key}))
        plan.adds[option.key] = value - (without[1] if without else 0.0)
    rest = [o for o in options if o not in chosen]
    room = {"budget": budget - plan.cost, "capacity": capacity - plan.fte}
    for name, slack, need in (("budget", room["budget"], "cost"),
                              ("capacity", room["capacity"], "fte")):  # fmt: skip
        if any(getattr(o, need) > slack and o.gaps - {g for c in chosen for g in c.gaps}
               for o in rest):  # fmt: skip
            plan.binding.append(name)
    for name in plan.binding:
        looser = (budget * (1 + RELAX_SHARE), capacity) if name == "budget" else (
            budget, capacity * (1 + RELAX_SHARE))  # fmt: skip
        relaxed = _solve(options, weights, *looser, must)
        if relaxed is not None:
            more = [o.title for o in relaxed[0] if o not in chosen]
            plan.relaxed[name] = (relaxed[1] - value, more)
    return plan


def money(value: Decimal | None) -> float:
    return float(value or 0)
