"""How strong a relationship is, 0-100, with the reasons: what two people stated (or an
import said), and what their shared interactions show, weighted by how recent, how close (a
dinner counts more than an e-mail), how senior and how mutual they were.

Interactions count as evidence that decays by half every HALF_LIFE_DAYS; evidence turns into
a score that approaches 100 without reaching it. A stated strength and the interactions'
score combine as independent signs: 1 - (1 - s)(1 - i).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

HALF_LIFE_DAYS = 180
# One recent meeting of two ordinary contacts is worth about 28: 100 * (1 - exp(-1 / 3)).
EVIDENCE_SCALE = 3.0
KNOWN_ONLY = 25  # connected (say in a connections export), nothing else known
KIND_WEIGHT = {"meeting": 1.0, "site_visit": 1.2, "dinner": 1.2, "call": 0.7, "event": 0.5,
               "email": 0.3}  # fmt: skip
SENIOR = re.compile(
    r"\b(chief|ceo|cto|cfo|coo|cio|cso|president|founder|chair\w*|partner|owner|"
    r"managing director|general manager|board|gm)\b", re.IGNORECASE,
)  # fmt: skip
MIDDLE = re.compile(r"\b(vp|vice president|svp|evp|director|head|lead)\b", re.IGNORECASE)


def seniority(title: str) -> int:
    """3 for the top (chiefs, founders, presidents, chairs), 2 for vice presidents, directors
    and heads, 1 for everyone else."""
    if SENIOR.search(title or ""):
        return 3
    return 2 if MIDDLE.search(title or "") else 1


@dataclass(frozen=True)
class Touch:
    """One interaction two people shared."""

    kind: str
    occurred_at: dt.datetime
    initiated_by: str = ""


@dataclass
class Strength:
    score: int
    reasons: list[str] = field(default_factory=list)


def pair_strength(
    *, stated: int | None, known: bool, touches: Iterable[Touch], titles: tuple[str, str],
    now: dt.datetime,
) -> Strength:  # fmt: skip
    """The strength of two people's relationship and why."""
    reasons: list[str] = []
    touches = sorted(touches, key=lambda t: t.occurred_at)
    evidence = 0.0
    for touch in touches:
        age = max(0.0, (now - touch.occurred_at).total_seconds() / 86400)
        evidence += KIND_WEIGHT.get(touch.kind, 0.5) * 0.5 ** (age / HALF_LIFE_DAYS)
    interactions = 0.0
    if touches:
        kinds = sorted({t.kind for t in touches})
        last = touches[-1].occurred_at.date()
        reasons.append(f"{len(touches)} shared interaction(s) ({', '.join(kinds)}), the last "
                       f"on {last}: evidence {evidence:.2f}")  # fmt: skip
        factor = 1.0
        sides = {t.initiated_by for t in touches} - {""}
        if sides == {"ours", "theirs"}:
            factor *= 1.2
            reasons.append("both sides reached out: x1.2")
        elif len(touches) >= 3 and len(sides) == 1:
            factor *= 0.8
            reasons.append(f"only {'we' if sides == {'ours'} else 'they'} reached out: x0.8")
        levels = seniority(titles[0]) + seniority(titles[1])
        if levels > 2:
            factor *= 1 + 0.1 * (levels - 2)
            reasons.append(f"seniority {levels} of 6: x{1 + 0.1 * (levels - 2):.1f}")
        interactions = 1 - math.exp(-evidence * factor / EVIDENCE_SCALE)
        if (now - touches[-1].occurred_at).days > 2 * HALF_LIFE_DAYS:
            reasons.append(f"no interaction for {(now - touches[-1].occurred_at).days} days")
    if stated is not None:
        base = stated / 100
        reasons.insert(0, f"stated {stated}")
    elif known and not touches:
        base = KNOWN_ONLY / 100
        reasons.insert(0, f"connected, nothing else known: {KNOWN_ONLY}")
    else:
        base = 0.0
    score = round(100 * (1 - (1 - base) * (1 - interactions)))
    return Strength(min(100, max(0, score)), reasons)


def path_strength(edges: Iterable[int]) -> int:
    """A chain is as strong as the product of its links: 80 then 50 make 40."""
    product = 1.0
    for score in edges:
        product *= score / 100
    return round(100 * product)
