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
# An organization is met by many people: one recent meeting with it is worth about 15.
STANDING_SCALE = 6.0
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
    """One interaction two people shared, or we had with an organization."""

    kind: str
    occurred_at: dt.datetime
    initiated_by: str = ""
    executive: bool = False


@dataclass
class Strength:
    score: int
    reasons: list[str] = field(default_factory=list)


def _interactions(touches: list[Touch], now: dt.datetime, reasons: list[str]) -> float:
    """Recency-weighted evidence of the touches (oldest first), with its reasons."""
    evidence = 0.0
    for touch in touches:
        age = max(0.0, (now - touch.occurred_at).total_seconds() / 86400)
        evidence += KIND_WEIGHT.get(touch.kind, 0.5) * 0.5 ** (age / HALF_LIFE_DAYS)
    kinds = sorted({t.kind for t in touches})
    reasons.append(f"{len(touches)} shared interaction(s) ({', '.join(kinds)}), the last on "
                   f"{touches[-1].occurred_at.date()}: evidence {evidence:.2f}")  # fmt: skip
    return evidence


def _reciprocity(touches: list[Touch], reasons: list[str]) -> float:
    sides = {t.initiated_by for t in touches} - {""}
    if sides == {"ours", "theirs"}:
        reasons.append("both sides reached out: x1.2")
        return 1.2
    if len(touches) >= 3 and len(sides) == 1:
        reasons.append(f"only {'we' if sides == {'ours'} else 'they'} reached out: x0.8")
        return 0.8
    return 1.0


def _score(base: float, evidence: float, factor: float, scale: float) -> int:
    """Evidence (scaled by its factors) as a chance, combined with a base as independent signs."""
    interactions = 1 - math.exp(-evidence * factor / scale)
    return min(100, max(0, round(100 * (1 - (1 - base) * (1 - interactions)))))


def _gone_quiet(touches: list[Touch], now: dt.datetime, reasons: list[str]) -> None:
    if touches and (now - touches[-1].occurred_at).days > 2 * HALF_LIFE_DAYS:
        reasons.append(f"no interaction for {(now - touches[-1].occurred_at).days} days")


def pair_strength(
    *, stated: int | None, known: bool, touches: Iterable[Touch], titles: tuple[str, str],
    now: dt.datetime,
) -> Strength:  # fmt: skip
    """The strength of two people's relationship and why."""
    reasons: list[str] = []
    touches = sorted(touches, key=lambda t: t.occurred_at)
    evidence, factor = 0.0, 1.0
    if touches:
        evidence = _interactions(touches, now, reasons)
        factor = _reciprocity(touches, reasons)
        levels = seniority(titles[0]) + seniority(titles[1])
        if levels > 2:
            factor *= 1 + 0.1 * (levels - 2)
            reasons.append(f"seniority {levels} of 6: x{1 + 0.1 * (levels - 2):.1f}")
        _gone_quiet(touches, now, reasons)
    if stated is not None:
        base = stated / 100
        reasons.insert(0, f"stated {stated}")
    elif known and not touches:
        base = KNOWN_ONLY / 100
        reasons.insert(0, f"connected, nothing else known: {KNOWN_ONLY}")
    else:
        base = 0.0
    return Strength(_score(base, evidence, factor, EVIDENCE_SCALE), reasons)


def standing(*, link: tuple[str, int] | None, touches: Iterable[Touch], now: dt.datetime) -> (
    Strength
):  # fmt: skip
    """How well we know an organization (or a partnership's partners): the strongest link
    between one of our people and one of theirs (`link`: who, and its strength), and every
    interaction with them, weighted by recency, mutuality and executive presence."""
    reasons: list[str] = []
    touches = sorted(touches, key=lambda t: t.occurred_at)
    base = 0.0
    if link is not None:
        base = link[1] / 100
        reasons.append(f"strongest link between our people and theirs: {link[0]}, {link[1]}")
    else:
        reasons.append("none of our people is connected to theirs")
    evidence, factor = 0.0, 1.0
    if touches:
        evidence = _interactions(touches, now, reasons)
        factor = _reciprocity(touches, reasons)
        executive = sum(t.executive for t in touches)
        if executive:
            factor *= 1 + 0.3 * executive / len(touches)
            reasons.append(f"executive-level in {executive} of {len(touches)}: "
                           f"x{1 + 0.3 * executive / len(touches):.2f}")  # fmt: skip
        else:
            reasons.append("no executive-level interaction")
        _gone_quiet(touches, now, reasons)
    else:
        reasons.append("no interaction recorded")
    return Strength(_score(base, evidence, factor, STANDING_SCALE), reasons)


def path_strength(edges: Iterable[int]) -> int:
    """A chain is as strong as the product of its links: 80 then 50 make 40."""
    product = 1.0
    for score in edges:
        product *= score / 100
    return round(100 * product)
