"""A round's results: reviewers' scores aggregated per candidate and criterion, disagreements
flagged, must-have knock-outs excluded with their reason, the rest ranked by TOPSIS or weighted
sum, and the ranking's sensitivity to the weights. Reads go through the access policy, so a
reviewer who has not submitted sees only its own scores in the figures too."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.screening import mcda
from accord.screening.models import Assessment, Criterion, Screening, ScreeningCandidate


@dataclass
class CandidateResult:
    candidate: ScreeningCandidate
    scores: dict[int, float] = field(default_factory=dict)  # criterion id -> aggregated score
    spreads: dict[int, int] = field(default_factory=dict)  # criterion id -> max - min
    reviewers: int = 0  # submitted reviews counted
    disagreements: list[str] = field(default_factory=list)  # criterion names
    knocked_out: list[str] = field(default_factory=list)  # reasons
    score: float | None = None
    rank: int | None = None
    p_first: float | None = None
    p_top_k: float | None = None

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    def as_dict(self, criteria: list[Criterion]) -> dict[str, Any]:
        return {
            "candidate": self.candidate.pk,
            "organization": self.candidate.organization.name,
            "reviewers": self.reviewers,
            "scores": [self.scores.get(c.pk) for c in criteria],  # in the criteria's order
            "disagreements": self.disagreements,
            "knocked_out": self.knocked_out,
            "score": self.score,
            "rank": self.rank,
            "p_first": self.p_first,
            "p_top_k": self.p_top_k,
        }


@dataclass
class Results:
    screening: Screening
    criteria: list[Criterion]
    rows: list[CandidateResult]  # ranked first (by rank), then knocked out, then unscored
    method: str
    normalization: str
    notices: list[str] = field(default_factory=list)
    stability: str | None = None
    samples: int = 0
    top_k: int = 3

    @property
    def ranked(self) -> list[CandidateResult]:
        return [row for row in self.rows if row.ranked]

    def as_dict(self) -> dict[str, Any]:
        return {
            "screening": self.screening.pk,
            "method": self.method,
            "normalization": self.normalization,
            "criteria": [
                {"id": c.pk, "name": c.name, "weight": c.weight, "direction": c.direction}
                for c in self.criteria
            ],
            "candidates": [row.as_dict(self.criteria) for row in self.rows],
            "stability": self.stability,
            "samples": self.samples,
            "top_k": self.top_k,
            "notices": self.notices,
        }


# What a result shows of its candidate; the round's page also links the partnership.
CANDIDATE_FIELDS = ("screening_id", "organization__name", "partnership__title")


def _aggregate(values: list[int], how: str) -> float:
    return float(statistics.median(values) if how == Screening.Aggregation.MEDIAN else
                 statistics.fmean(values))  # fmt: skip


def screening_results(
    actor: User,
    screening: Screening,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    samples: int = 0,
    concentration: float = mcda.DEFAULT_CONCENTRATION,
    top_k: int = 3,
    seed: int = 0,
) -> Results:
    """Aggregate, flag, knock out and rank; with `samples` > 0, also the sensitivity run."""
    # Ordered here: the model's ordering would join the version and the rubric to sort by.
    criteria = list(screening.rubric_version.criteria.order_by("position", "id"))
    candidates = list(
        visible_to(actor, ScreeningCandidate)
        .filter(screening=screening)
        .select_related("organization", "partnership")
        .only(*CANDIDATE_FIELDS)
    )
    submitted = (
        visible_to(actor, Assessment)
        .filter(assignment__candidate__screening=screening, assignment__submitted_at__isnull=False)
        .values_list("assignment__candidate_id", "assignment_id", "criterion_id", "score")
        .order_by()
    )
    by_cell: dict[tuple[int, int], list[int]] = defaultdict(list)
    reviewers: dict[int, set[int]] = defaultdict(set)
    for candidate_id, assignment_id, criterion_id, score in submitted:
        by_cell[(candidate_id, criterion_id)].append(score)
        reviewers[candidate_id].add(assignment_id)

    rows = []
    for candidate in candidates:
        row = CandidateResult(candidate, reviewers=len(reviewers[candidate.pk]))
        for criterion in criteria:
            values = by_cell.get((candidate.pk, criterion.pk))
            if not values:
                continue
            row.scores[criterion.pk] = _aggregate(values, screening.aggregation)
            row.spreads[criterion.pk] = max(values) - min(values)
            if row.spreads[criterion.pk] > screening.disagreement_threshold:
                row.disagreements.append(criterion.name)
        rows.append(row)

    scored = [row for row in rows if len(row.scores) == len(criteria) and criteria]
    types = [mcda.COST if c.direction == Criterion.Direction.COST else mcda.BENEFIT
             for c in criteria]  # fmt: skip
    results = Results(
        screening, criteria, [], method, normalization or mcda.DEFAULT_NORMALIZATION[method]
    )
    if scored:
        matrix = np.array([[row.scores[c.pk] for c in criteria] for row in scored])
        for knockout in mcda.knockouts(
            matrix,
            [c.knockout_threshold for c in criteria],
            types,
            criteria=[c.name for c in criteria],
        ):
            scored[knockout.alternative].knocked_out.append(knockout.reason)
        standing = [i for i, row in enumerate(scored) if not row.knocked_out]
        if standing:
            _rank(results, matrix[standing], [scored[i] for i in standing], types)
            if samples and len(standing) > 1:
                _sensitivity(
                    results, matrix[standing], [scored[i] for i in standing], types,
                    samples=samples, concentration=concentration, top_k=top_k, seed=seed,
                )  # fmt: skip
    scored_ids = {id(row) for row in scored}
    unscored = [row for row in rows if id(row) not in scored_ids]
    if unscored:
        results.notices.append(
            f"{len(unscored)} candidate(s) not ranked yet: no submitted score on every criterion."
        )
    ranked = sorted((r for r in rows if r.ranked), key=lambda r: (r.rank, -(r.score or 0)))
    knocked = [r for r in rows if r.knocked_out]
    results.rows = ranked + knocked + unscored
    return results


def _rank(
    results: Results, matrix: np.ndarray, rows: list[CandidateResult], types: list[int]
) -> None:
    weights = [c.weight for c in results.criteria]
    ranking = mcda.rank(
        matrix, weights, types, method=results.method, normalization=results.normalization
    )
    results.notices += list(ranking.notices)
    for row, score, rank in zip(rows, ranking.scores.tolist(), ranking.ranking.tolist(),
                                strict=True):  # fmt: skip
        row.score, row.rank = round(score, 6), rank


def _sensitivity(
    results: Results,
    matrix: np.ndarray,
    rows: list[CandidateResult],
    types: list[int],
    **options: Any,
) -> None:
    weights = [c.weight for c in results.criteria]
    outcome = mcda.sensitivity(
        matrix,
        weights,
        types,
        method=results.method,
        normalization=results.normalization,
        **options,
    )
    results.stability, results.samples, results.top_k = (
        outcome.stability,
        outcome.samples,
        outcome.top_k,
    )
    for row, first, top in zip(rows, outcome.p_first.tolist(), outcome.p_top_k.tolist(),
                               strict=True):  # fmt: skip
        row.p_first, row.p_top_k = first, top


def weight_sweep(
    actor: User, screening: Screening, criterion: Criterion, *, method: str = "topsis",
    points: int = 21,
) -> dict[str, Any]:  # fmt: skip
    """The leader as one criterion's weight moves from 0 to 1 (the others keep proportion)."""
    results = screening_results(actor, screening, method=method)
    ranked = results.ranked
    criteria = results.criteria
    if len(ranked) < 2:
        return {"criterion": criterion.name, "points": [], "changes": []}
    matrix = np.array([[row.scores[c.pk] for c in criteria] for row in ranked])
    types = [mcda.COST if c.direction == Criterion.Direction.COST else mcda.BENEFIT
             for c in criteria]  # fmt: skip
    sweep = mcda.weight_sweep(
        matrix, [c.weight for c in criteria], types, criteria.index(criterion),
        method=method, points=points,
    )  # fmt: skip
    names = [row.candidate.organization.name for row in ranked]
    return {
        "criterion": criterion.name,
        "current_weight": criterion.weight,
        "weights": sweep.weight.tolist(),
        "series": {name: sweep.scores[:, i].tolist() for i, name in enumerate(names)},
        "leaders": [names[i] for i in sweep.leaders.tolist()],
        "changes": [
            {"weight": change.weight, "from": names[change.previous], "to": names[change.leader]}
            for change in sweep.changes
        ],
    }
