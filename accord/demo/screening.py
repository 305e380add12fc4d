"""Demo screening data: a rubric from the standard template and one round per open screening
need, scored by a small committee (one reviewer still to submit), so the comparison, radar and
sensitivity pages have something true to show. Deterministic for a seed."""

from __future__ import annotations

import random

from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.partnerships.models import Partnership, Stage
from accord.screening import rounds, rubrics
from accord.screening.models import Rubric
from accord.strategy.models import CapabilityGap

EVIDENCE = [
    "Reference call with two customers.",
    "From the data room: audited accounts and cap table.",
    "Pitch and technical deep-dive with their CTO.",
    "Our engineers' review of their API and documentation.",
    "Site visit at their pilot line.",
]


def load_screening_demo(*, admin: User, rng: random.Random) -> dict[str, int]:
    if Rubric.objects.exists():
        return {}
    change = rubrics.rubric_from_template(actor=admin, template="Standard partner screening")
    rubrics.rubric_from_template(actor=admin, template="Technology partner screening")
    criteria = list(change.version.criteria.all())
    committee = list(
        User.objects.filter(username__in=["alliance", "reviewer", "ceo", "bu-lead"]).order_by(
            "username"
        )
    )
    candidates_at_screening = list(
        Partnership.objects.filter(stage=Stage.SCREENING)
        .prefetch_related("gaps")
        .order_by("pk")[:6]
    )
    gap = next(
        (g for p in candidates_at_screening for g in p.gaps.all()),
        CapabilityGap.objects.order_by("pk").first(),
    )
    screening = rounds.screening_create(
        actor=admin,
        rubric=change.version.rubric,
        data={"title": f"Screening for {gap.title}" if gap else "Partner screening", "gap": gap},
    )
    candidates = []
    for partnership in candidates_at_screening:
        try:
            candidates.append(
                rounds.candidate_add(actor=admin, screening=screening, partnership=partnership)
            )
        except ValidationError:  # two partnerships with the same partner: the first one stays
            continue
    assignments = rounds.reviewers_assign(actor=admin, candidates=candidates, reviewers=committee)
    # Each candidate has a true quality; reviewers see it with noise, one disagrees loudly.
    quality = {c.pk: rng.uniform(2.9, 4.6) for c in candidates}
    pending = committee[-1] if committee else None
    scores = 0
    for assignment in assignments:
        base = quality[assignment.candidate_id]
        values = {}
        for criterion in criteria:
            noise = rng.gauss(0, 0.7) + (1.8 if rng.random() < 0.05 else 0)
            values[criterion.pk] = {
                "score": max(1, min(5, round(base + noise))),
                "evidence": rng.choice(EVIDENCE),
                "confidence": rng.choice(["medium", "high", "low"]),
            }
        submit = assignment.reviewer != pending or rng.random() < 0.5
        rounds.scores_save(
            actor=assignment.reviewer, assignment=assignment, scores=values, submit=submit
        )
        scores += len(values)
    return {"rubrics": 2, "screenings": 1, "candidates": len(candidates), "scores": scores}
