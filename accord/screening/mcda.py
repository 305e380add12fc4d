"""Multi-criteria decision analysis: weights, AHP, TOPSIS and weighted-sum ranking, knock-outs
and Monte Carlo sensitivity. Pure numpy, no Django: the screening service, the API and the
`accord mcda` calculator call the same functions.

Conventions, shared by every function here:

- A decision matrix has one row per alternative and one column per criterion. Criterion types
  are 1 (benefit: larger is better) or -1 (cost: smaller is better).
- Rows, columns and weights are numbered from 0, as in a JSON file; error messages name them
  both ways, e.g. "matrix[3][1] (row 3, column 1)".
- Weights are zero or more; weights that do not sum to 1 are divided by their sum, and the
  result carries a notice saying so.
- Normalization turns every column so that larger is better (pymcdm's convention):
  `vector` r = x / sqrt(sum x^2) for a benefit, 1 - r for a cost; `minmax` (x - min)/(max - min)
  for a benefit, (max - x)/(max - min) for a cost. A column whose values cannot be normalized
  (all equal under min-max, all zero under vector) becomes 0: it separates nobody, so it adds
  nothing to any score instead of dividing by zero. TOPSIS uses vector normalization by
  default, the weighted sum min-max (so its scores lie between 0 and 1). For TOPSIS, turning a
  cost column into 1 - r moves the ideal and anti-ideal with it, so distances and closeness
  are exactly those of the textbook formulation (ideal = min of a cost column).
- TOPSIS closeness is C = D- / (D+ + D-) on the weighted normalized matrix; when every
  alternative is identical (D+ = D- = 0) every closeness is 0.5.
- Ranks: 1 = best, one rank per alternative in input order. Alternatives whose scores are
  equal (to within TIE_TOLERANCE, relative for scores above 1) share the better rank and the
  next rank is skipped (1, 2, 2, 4: "competition" ranking). The leader of a set of scores is the
  first alternative, in input order, of those ranked 1.
- Sensitivity: weights are drawn from a Dirichlet distribution centred on the chosen weights
  (alpha = concentration * weights; a weight of 0 stays 0). The result is labelled by the
  probability that the leader under the chosen weights is still ranked 1: "stable" at
  STABLE_AT (0.8) or more, "fragile" below FRAGILE_BELOW (0.5), "contested" in between.
"""

from __future__ import annotations

import bisect
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Normalization = Literal["vector", "minmax"]

BENEFIT = 1
COST = -1
METHODS: tuple[str, ...] = ("topsis", "wsm")
NORMALIZATIONS: tuple[str, ...] = ("vector", "minmax")
DEFAULT_NORMALIZATION: dict[str, Normalization] = {"topsis": "vector", "wsm": "minmax"}

TIE_TOLERANCE = 1e-12
WEIGHT_SUM_TOLERANCE = 1e-9
STABLE_AT = 0.8
FRAGILE_BELOW = 0.5
DEFAULT_SAMPLES = 1000
DEFAULT_CONCENTRATION = 100.0
# Samples are scored a chunk at a time, chunk x alternatives floats per array: half a million
# (4 MB) bounds memory whatever the size, and measured faster than larger chunks (the arrays
# stay nearer the cache) while each matrix product is still big enough for BLAS.
CHUNK_ELEMENTS = 500_000

# AHP: the consistency threshold, the scale and the random index tables.
CONSISTENCY_THRESHOLD = 0.10
SAATY_MIN = 1 / 9
SAATY_MAX = 9.0
# Relative slack for entries typed to three decimals: 0.333 * 3 = 0.999, 0.143 * 7 = 1.001.
RECIPROCAL_TOLERANCE = 5e-3

# Random consistency indices RI(n), published figures only.
# "saaty": Saaty, T. L. (1980), The Analytic Hierarchy Process, McGraw-Hill, for n = 1..10;
#   n = 11..15 as tabulated in most AHP software (pyDecision's table), keeping the
#   non-monotone 1.48 at n = 12.
# "saaty-2005": Saaty, T. L. (2005), Theory and Applications of the Analytic Network Process,
#   RWS Publications, p. 31.
# "donegan-dodd": Donegan, H. A. and Dodd, F. J. (1991), A Note on Saaty's Random Indexes,
#   Mathematical and Computer Modelling 15(10), 135-137. Between tabulated sizes the index is
#   interpolated linearly, as AHPy does.
RANDOM_INDEX_TABLES: dict[str, dict[int, float]] = {
    "saaty": {
        1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45,
        10: 1.49, 11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
    },
    "saaty-2005": {
        3: 0.52, 4: 0.89, 5: 1.11, 6: 1.25, 7: 1.35, 8: 1.40, 9: 1.45, 10: 1.49, 11: 1.52,
        12: 1.54, 13: 1.56, 14: 1.58, 15: 1.59,
    },
    "donegan-dodd": {
        3: 0.4914, 4: 0.8286, 5: 1.0591, 6: 1.1797, 7: 1.2519, 8: 1.3171, 9: 1.3733,
        10: 1.4055, 11: 1.4213, 12: 1.4497, 13: 1.4643, 14: 1.4822, 15: 1.4969, 16: 1.5078,
        17: 1.5153, 18: 1.5262, 19: 1.5313, 20: 1.5371, 25: 1.5619, 30: 1.5772, 40: 1.5976,
        50: 1.6102, 60: 1.6178, 70: 1.6237, 80: 1.6277, 90: 1.6213, 100: 1.6339,
    },
}  # fmt: skip
RANDOM_INDEX_ALIASES = {
    "saaty-classic": "saaty",
    "saaty-1980": "saaty",
    "donegan-dodd-1991": "donegan-dodd",
    "dd": "donegan-dodd",
}
DEFAULT_RANDOM_INDEX = "saaty"


# --- Results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    scores: FloatArray  # per alternative in input order; TOPSIS closeness or weighted sum
    ranking: IntArray  # 1 = best, per alternative in input order
    method: str
    normalization: str
    weights: FloatArray  # as used, summing to 1
    notices: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "scores": self.scores.tolist(),
            "ranking": self.ranking.tolist(),
            "method": self.method,
            "normalization": self.normalization,
            "weights": self.weights.tolist(),
            "notices": list(self.notices),
        }


@dataclass(frozen=True)
class KnockOut:
    """An alternative that misses a must-have threshold on one criterion."""

    alternative: int
    criterion: int
    value: float  # nan when the alternative has no score there
    threshold: float
    kind: int  # BENEFIT: the threshold is a minimum; COST: a maximum
    criterion_name: str = ""

    @property
    def reason(self) -> str:
        name = self.criterion_name or f"criterion {self.criterion}"
        if math.isnan(self.value):
            return f"{name}: no score, must-have threshold {_fmt(self.threshold)}"
        side = "below the minimum" if self.kind == BENEFIT else "above the maximum"
        return f"{name}: {_fmt(self.value)} is {side} {_fmt(self.threshold)}"


@dataclass(frozen=True)
class Comparison:
    """One pairwise judgement set against what the derived weights imply."""

    row: int
    column: int
    value: float  # a[row][column] as entered
    implied: float  # w[row] / w[column]

    @property
    def log_deviation(self) -> float:
        return abs(math.log(self.value / self.implied))

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "implied": self.implied,
        }


@dataclass(frozen=True)
class AhpResult:
    weights: FloatArray  # principal right eigenvector, summing to 1
    lambda_max: float
    ci: float
    cr: float
    random_index: float  # RI(n) used for CR
    table: str  # name of the RI table
    most_inconsistent: Comparison | None  # None when n < 3 or the matrix is consistent

    @property
    def consistent(self) -> bool:
        return self.cr <= CONSISTENCY_THRESHOLD

    def as_dict(self) -> dict[str, Any]:
        worst = self.most_inconsistent
        return {
            "weights": self.weights.tolist(),
            "lambda_max": self.lambda_max,
            "ci": self.ci,
            "cr": self.cr,
            "consistent": self.consistent,
            "most_inconsistent": worst.as_dict() if worst else None,
            "random_index": self.table,
            "ri": self.random_index,
        }


@dataclass(frozen=True)
class Sensitivity:
    p_first: FloatArray  # per alternative: share of samples where it is ranked 1
    p_top_k: FloatArray  # per alternative: share of samples where its rank is k or better
    top_k: int
    leader: int  # ranked 1 under the chosen weights
    leader_p_first: float
    stability: str  # "stable", "contested" or "fragile"
    samples: int
    concentration: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "p_first": self.p_first.tolist(),
            "p_top_k": self.p_top_k.tolist(),
            "top_k": self.top_k,
            "leader": self.leader,
            "leader_p_first": self.leader_p_first,
            "stability": self.stability,
            "samples": self.samples,
            "concentration": self.concentration,
        }


@dataclass(frozen=True)
class LeaderChange:
    point: int  # index into WeightSweep.weight where the new leader first leads
    weight: float  # the swept criterion's weight there
    previous: int
    leader: int


@dataclass(frozen=True)
class WeightSweep:
    criterion: int
    weight: FloatArray  # (points,) the swept weight, 0 to 1
    weights: FloatArray  # (points, criteria) the full weight vector at each point
    scores: FloatArray  # (points, alternatives)
    leaders: IntArray  # (points,)
    changes: tuple[LeaderChange, ...]


# --- Input checks ----------------------------------------------------------------------------


def _fmt(value: float) -> str:
    return f"{value:g}"


def check_matrix(matrix: ArrayLike) -> FloatArray:
    """A decision matrix as floats: two-dimensional, not empty, every entry finite."""
    try:
        values = np.asarray(matrix, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"matrix must be a table of numbers: {error}") from None
    if values.ndim != 2 or values.shape[0] == 0 or values.shape[1] == 0:
        raise ValueError(
            "matrix must have at least one row (alternative) and one column (criterion)"
        )
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        row, column = (int(i) for i in bad[0])
        raise ValueError(
            f"matrix[{row}][{column}] (row {row}, column {column}) is not a finite number: "
            f"{values[row, column]}"
        )
    return values


def check_types(types: ArrayLike, criteria: int) -> IntArray:
    """Criterion types: 1 (benefit) or -1 (cost), one per column."""
    kinds = np.asarray(types)
    if kinds.ndim != 1 or len(kinds) != criteria:
        raise ValueError(f"types must hold {criteria} values, one per criterion (column)")
    for index, kind in enumerate(kinds.tolist()):
        if isinstance(kind, bool) or kind not in (BENEFIT, COST):
            raise ValueError(f"types[{index}] must be 1 (benefit) or -1 (cost), not {kind!r}")
    return kinds.astype(np.int64)


def normalize_weights(
    weights: ArrayLike, criteria: int | None = None
) -> tuple[FloatArray, str | None]:
    """Weights divided by their sum, and a notice when they did not already sum to 1.

    Refuses negative, non-finite or all-zero weights, and a count other than `criteria`."""
    try:
        values = np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"weights must be numbers: {error}") from None
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("weights must be a non-empty list of numbers")
    if criteria is not None and len(values) != criteria:
        raise ValueError(
            f"weights hold {len(values)} values; the matrix has {criteria} criteria (columns)"
        )
    for index, value in enumerate(values.tolist()):
        if not math.isfinite(value):
            raise ValueError(f"weights[{index}] is not a finite number: {value}")
        if value < 0:
            raise ValueError(f"weights[{index}] is negative ({_fmt(value)}); weights must be >= 0")
    total = float(values.sum())
    if total <= 0:
        raise ValueError("weights are all zero; give at least one criterion a positive weight")
    if abs(total - 1.0) <= WEIGHT_SUM_TOLERANCE:
        return values / total, None
    return values / total, f"weights summed to {total:.6g}; divided by their sum to make 1"


def _check_method(method: str, normalization: str | None) -> Normalization:
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, not {method!r}")
    if normalization is None:
        return DEFAULT_NORMALIZATION[method]
    if normalization not in NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {', '.join(NORMALIZATIONS)}, not {normalization!r}"
        )
    return cast(Normalization, normalization)


# --- Normalization and scoring ---------------------------------------------------------------


def normalize_matrix(
    matrix: ArrayLike, types: ArrayLike, normalization: Normalization = "vector"
) -> FloatArray:
    """The matrix normalized column by column, every column turned so that larger is better."""
    values = check_matrix(matrix)
    kinds = check_types(types, values.shape[1])
    return _normalized(values, kinds, normalization)


def _normalized(values: FloatArray, kinds: IntArray, normalization: str) -> FloatArray:
    cost = kinds == COST
    if normalization == "vector":
        # Divided by the column's largest magnitude first, so squaring cannot overflow.
        peak = np.abs(values).max(axis=0)
        usable = peak > 0
        shrunk = np.divide(values, peak, out=np.zeros_like(values), where=usable)
        norms = np.sqrt((shrunk**2).sum(axis=0))
        scaled = np.divide(shrunk, norms, out=np.zeros_like(values), where=usable)
        turned = np.where(cost, 1.0 - scaled, scaled)
    elif normalization == "minmax":
        low, high = values.min(axis=0), values.max(axis=0)
        spread = high - low
        usable = spread > 0
        rising = np.divide(values - low, spread, out=np.zeros_like(values), where=usable)
        turned = np.where(cost, 1.0 - rising, rising)
    else:
        raise ValueError(f"normalization must be one of {', '.join(NORMALIZATIONS)}")
    return np.where(usable, turned, 0.0)


@dataclass(frozen=True)
class _Scorer:
    """Scores for many weight vectors at once: one matrix product per chunk of samples.

    TOPSIS with weights w: D+_i^2 = sum_j w_j^2 (r_ij - max_i r_ij)^2 since w >= 0 (and D-
    likewise with the minimum), so the squared gaps to both ideals are computed once, side by
    side, and a chunk of samples costs one product of w^2 with them."""

    method: str
    normalized: FloatArray  # (alternatives, criteria)
    gaps: FloatArray  # TOPSIS: (criteria, 2 * alternatives): squared gaps to ideal, anti-ideal

    @classmethod
    def build(cls, values: FloatArray, kinds: IntArray, method: str, normalization: str) -> _Scorer:
        normalized = _normalized(values, kinds, normalization)
        if method == "wsm":
            return cls(method, normalized, np.empty((0, 0)))
        to_best = (normalized - normalized.max(axis=0)) ** 2
        to_worst = (normalized - normalized.min(axis=0)) ** 2
        return cls(method, normalized, np.ascontiguousarray(np.vstack([to_best, to_worst]).T))

    def _squared_distances(self, weights: FloatArray) -> tuple[FloatArray, FloatArray]:
        both = (weights**2) @ self.gaps
        alternatives = self.normalized.shape[0]
        return both[:, :alternatives], both[:, alternatives:]

    def scores(self, weights: FloatArray) -> FloatArray:
        """(samples, alternatives) scores for (samples, criteria) weights."""
        if self.method == "wsm":
            return weights @ self.normalized.T
        to_best, to_worst = self._squared_distances(weights)
        # In place: a chunk's memory stays at the product's own output.
        total = np.sqrt(to_best, out=to_best)
        to_worst = np.sqrt(to_worst, out=to_worst)
        total += to_worst
        apart = total > 0
        closeness = np.divide(to_worst, total, out=np.full_like(total, 0.5), where=apart)
        return closeness  # 0.5 where every alternative is alike: ideal and anti-ideal coincide

    def score(self, weights: FloatArray) -> FloatArray:
        """(alternatives,) scores for one (criteria,) weight vector."""
        scores: FloatArray = self.scores(weights[np.newaxis, :])[0]
        return scores

    def order_keys(self, weights: FloatArray) -> FloatArray:
        """Like `scores` (larger is better, same order and ties) but cheaper, for sampling.

        TOPSIS: C = 1 / (1 + D+/D-) falls as D+^2/D-^2 rises, so -D+^2/D-^2 orders the
        alternatives as C does with one division and no square roots, about half the work."""
        if self.method == "wsm":
            return self.scores(weights)
        to_best, to_worst = self._squared_distances(weights)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.divide(to_best, to_worst)
        ratio[np.isnan(ratio)] = 1.0  # 0/0: on both ideals at once, C = 0.5 as in `scores`
        return np.negative(ratio, out=ratio)


def _prepare(
    matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, method: str, normalization: str | None
) -> tuple[_Scorer, FloatArray, str, str | None]:
    chosen = _check_method(method, normalization)
    values = check_matrix(matrix)
    kinds = check_types(types, values.shape[1])
    normalized_weights, notice = normalize_weights(weights, values.shape[1])
    return _Scorer.build(values, kinds, method, chosen), normalized_weights, chosen, notice


def topsis(
    matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, *, normalization: str = "vector"
) -> FloatArray:
    """TOPSIS closeness C = D- / (D+ + D-) per alternative, in input order."""
    scorer, normalized_weights, _, _ = _prepare(matrix, weights, types, "topsis", normalization)
    return scorer.score(normalized_weights)


def wsm(
    matrix: ArrayLike, weights: ArrayLike, types: ArrayLike, *, normalization: str = "minmax"
) -> FloatArray:
    """Weighted sum of the normalized matrix per alternative, in input order."""
    scorer, normalized_weights, _, _ = _prepare(matrix, weights, types, "wsm", normalization)
    return scorer.score(normalized_weights)


def _tolerance(best: FloatArray | float) -> FloatArray | float:
    return TIE_TOLERANCE * np.maximum(1.0, np.abs(best))


def rank_scores(scores: ArrayLike) -> IntArray:
    """Competition ranks, 1 = highest score; near-equal scores share the better rank."""
    values = np.asarray(scores, dtype=np.float64)
    count = len(values)
    order = np.argsort(-values, kind="stable")
    ordered = values[order]
    starts = np.ones(count, dtype=bool)
    starts[1:] = (ordered[:-1] - ordered[1:]) > _tolerance(ordered[:-1])
    positions = np.arange(1, count + 1)
    group_rank = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty(count, dtype=np.int64)
    ranks[order] = group_rank
    return ranks


def rank(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    *,
    method: str = "topsis",
    normalization: str | None = None,
) -> Ranking:
    """Scores and ranks of every alternative by TOPSIS or weighted sum.

    `normalization` None takes the method's default (TOPSIS vector, weighted sum min-max)."""
    scorer, normalized_weights, chosen, notice = _prepare(
        matrix, weights, types, method, normalization
    )
    scores = scorer.score(normalized_weights)
    return Ranking(
        scores=scores,
        ranking=rank_scores(scores),
        method=method,
        normalization=chosen,
        weights=normalized_weights,
        notices=(notice,) if notice else (),
    )


def knockouts(
    matrix: ArrayLike,
    thresholds: Sequence[float | None] | Mapping[int, float],
    types: ArrayLike,
    *,
    criteria: Sequence[str] | None = None,
) -> list[KnockOut]:
    """Every (alternative, criterion) that misses a must-have threshold, by alternative.

    A benefit threshold is a minimum, a cost threshold a maximum; None means no threshold. A
    missing score (nan) on a criterion with a threshold fails it. `criteria` names the
    columns in the reasons."""
    values = np.asarray(matrix, dtype=np.float64)
    if values.ndim != 2:
        raise ValueError("matrix must have one row per alternative and one column per criterion")
    kinds = check_types(types, values.shape[1])
    limits = _thresholds(thresholds, values.shape[1])
    failures: list[KnockOut] = []
    for column, limit in limits.items():
        scores = values[:, column]
        with np.errstate(invalid="ignore"):
            missed = scores < limit if kinds[column] == BENEFIT else scores > limit
        for row in np.flatnonzero(missed | np.isnan(scores)).tolist():
            name = criteria[column] if criteria else ""
            failures.append(
                KnockOut(row, column, float(scores[row]), limit, int(kinds[column]), name)
            )
    failures.sort(key=lambda item: (item.alternative, item.criterion))
    return failures


def _thresholds(
    thresholds: Sequence[float | None] | Mapping[int, float], criteria: int
) -> dict[int, float]:
    if isinstance(thresholds, Mapping):
        pairs = list(thresholds.items())
    else:
        if len(thresholds) != criteria:
            raise ValueError(f"thresholds must hold {criteria} values (None for no threshold)")
        pairs = [(index, value) for index, value in enumerate(thresholds) if value is not None]
    limits: dict[int, float] = {}
    for index, value in pairs:
        if not 0 <= index < criteria:
            raise ValueError(f"thresholds name criterion {index}; the matrix has {criteria}")
        if not math.isfinite(float(value)):
            raise ValueError(f"thresholds[{index}] is not a finite number: {value}")
        limits[index] = float(value)
    return limits


# --- Sensitivity -----------------------------------------------------------------------------


def sample_weights(
    weights: ArrayLike,
    *,
    samples: int = DEFAULT_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
    seed: int | np.random.Generator | None = 0,
) -> FloatArray:
    """(samples, criteria) weight vectors from a Dirichlet centred on `weights`.

    alpha = concentration * weights, so each weight varies with standard deviation
    sqrt(w (1 - w) / (concentration + 1)): about 0.04 for a weight of 0.2 at 100. A zero
    weight stays zero."""
    base, _ = normalize_weights(weights)
    if samples < 1:
        raise ValueError("samples must be at least 1")
    if not concentration > 0 or not math.isfinite(concentration):
        raise ValueError("concentration must be a positive number")
    rng = np.random.default_rng(seed)
    drawn = np.zeros((samples, len(base)))
    positive = base > 0
    if positive.sum() == 1:
        drawn[:, positive] = 1.0
    else:
        drawn[:, positive] = rng.dirichlet(concentration * base[positive], size=samples)
    return drawn


def _leaders(scores: FloatArray) -> IntArray:
    """Per row of scores, the first column within the tie tolerance of the row's best."""
    best = scores.max(axis=1, keepdims=True)
    leaders: IntArray = np.argmax(scores >= best - _tolerance(best), axis=1)
    return leaders


def stability_label(leader_p_first: float) -> str:
    """The label of a sensitivity run: stable, contested or fragile (see the module notes)."""
    if leader_p_first >= STABLE_AT:
        return "stable"
    if leader_p_first < FRAGILE_BELOW:
        return "fragile"
    return "contested"


def sensitivity(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    samples: int = DEFAULT_SAMPLES,
    concentration: float = DEFAULT_CONCENTRATION,
    top_k: int = 3,
    seed: int | np.random.Generator | None = 0,
    chunk_size: int | None = None,
) -> Sensitivity:
    """How often each alternative is ranked 1, and k or better, as the weights vary.

    Weight samples come from `sample_weights` (the same seed gives the same samples); they are
    scored a chunk at a time, never one by one. Tied alternatives all count as ranked 1 (or in
    the top k), so the probabilities of rank 1 can add up to more than 1."""
    scorer, base, _, _ = _prepare(matrix, weights, types, method, normalization)
    if top_k < 1:
        raise ValueError("top_k must be at least 1")
    drawn = sample_weights(base, samples=samples, concentration=concentration, seed=seed)
    alternatives = scorer.normalized.shape[0]
    k = min(top_k, alternatives)
    step = chunk_size or max(1, CHUNK_ELEMENTS // alternatives)
    first = np.zeros(alternatives)
    top = np.zeros(alternatives)
    for start in range(0, samples, step):
        keys = scorer.order_keys(drawn[start : start + step])
        best = keys.max(axis=1, keepdims=True)
        first += (keys >= best - _tolerance(best)).sum(axis=0)
        kth = np.partition(keys, alternatives - k, axis=1)[:, alternatives - k, np.newaxis]
        top += (keys >= kth - _tolerance(kth)).sum(axis=0)
    leader = int(_leaders(scorer.score(base)[np.newaxis, :])[0])
    p_first = first / samples
    return Sensitivity(
        p_first=p_first,
        p_top_k=top / samples,
        top_k=k,
        leader=leader,
        leader_p_first=float(p_first[leader]),
        stability=stability_label(float(p_first[leader])),
        samples=samples,
        concentration=float(concentration),
    )


def sweep_weights(weights: ArrayLike, criterion: int, points: int = 21) -> FloatArray:
    """(points, criteria) weights with criterion's weight from 0 to 1 and the others scaled
    proportionally to make up the rest (equally, when they are all zero)."""
    base, _ = normalize_weights(weights)
    if not 0 <= criterion < len(base):
        raise ValueError(f"criterion {criterion} does not exist; there are {len(base)}")
    if len(base) < 2:
        raise ValueError("a sweep needs at least 2 criteria")
    if points < 2:
        raise ValueError("a sweep needs at least 2 points")
    swept = np.linspace(0.0, 1.0, points)
    others = base.copy()
    others[criterion] = 0.0
    if others.sum() > 0:
        others /= others.sum()
    else:
        others[:] = 1.0 / (len(base) - 1)
        others[criterion] = 0.0
    grid = np.outer(1.0 - swept, others)
    grid[:, criterion] = swept
    return grid


def weight_sweep(
    matrix: ArrayLike,
    weights: ArrayLike,
    types: ArrayLike,
    criterion: int,
    *,
    method: str = "topsis",
    normalization: str | None = None,
    points: int = 21,
) -> WeightSweep:
    """Scores and leader as one criterion's weight goes from 0 to 1, and where the lead
    changes hands."""
    scorer, base, _, _ = _prepare(matrix, weights, types, method, normalization)
    grid = sweep_weights(base, criterion, points)
    scores = scorer.scores(grid)
    leaders = _leaders(scores)
    changes = tuple(
        LeaderChange(
            int(point), float(grid[point, criterion]), int(leaders[point - 1]), int(leader)
        )
        for point, leader in enumerate(leaders.tolist())
        if point > 0 and leader != leaders[point - 1]
    )
    return WeightSweep(criterion, grid[:, criterion].copy(), grid, scores, leaders, changes)


# --- AHP -------------------------------------------------------------------------------------


def random_index_for(n: int, table: str = DEFAULT_RANDOM_INDEX) -> float:
    """RI(n) from a published table; 0 for n <= 2, whose matrices are always consistent."""
    name = RANDOM_INDEX_ALIASES.get(table, table)
    if name not in RANDOM_INDEX_TABLES:
        known = ", ".join(RANDOM_INDEX_TABLES)
        raise ValueError(f"random_index must be one of {known}, not {table!r}")
    if n <= 2:
        return 0.0
    values = RANDOM_INDEX_TABLES[name]
    if n in values:
        return values[n]
    sizes = sorted(values)
    if n > sizes[-1]:
        raise ValueError(
            f"random index table {name!r} stops at n = {sizes[-1]}; the matrix has n = {n}"
            " (donegan-dodd goes up to 100)"
        )
    above = bisect.bisect_left(sizes, n)
    low, high = sizes[above - 1], sizes[above]
    return values[low] + (values[high] - values[low]) * (n - low) / (high - low)


def check_pairwise(pairwise: ArrayLike) -> FloatArray:
    """A pairwise comparison matrix as floats: square, entries within Saaty's 1/9..9 and
    reciprocal (a_ij * a_ji = 1 within RECIPROCAL_TOLERANCE)."""
    try:
        values = np.asarray(pairwise, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"pairwise must be a square table of numbers: {error}") from None
    if values.ndim != 2 or values.shape[0] != values.shape[1] or values.shape[0] == 0:
        raise ValueError(f"pairwise must be a square matrix; it has shape {values.shape}")
    low, high = SAATY_MIN * (1 - RECIPROCAL_TOLERANCE), SAATY_MAX * (1 + RECIPROCAL_TOLERANCE)
    for (row, column), value in np.ndenumerate(values):
        where = f"pairwise[{row}][{column}] (row {row}, column {column})"
        if not math.isfinite(value) or value <= 0:
            raise ValueError(f"{where} must be a positive number, not {_fmt(value)}")
        if not low <= value <= high:
            raise ValueError(f"{where} = {_fmt(value)} is outside Saaty's scale 1/9..9")
    product = values * values.T
    bad = np.argwhere(np.abs(product - 1.0) > RECIPROCAL_TOLERANCE)
    if len(bad):
        row, column = (int(i) for i in bad[0])
        raise ValueError(
            f"pairwise is not reciprocal at row {row}, column {column}: "
            f"a[{row}][{column}] * a[{column}][{row}] = {_fmt(product[row, column])}, expected 1"
        )
    return values


def pairwise_from_comparisons(n: int, comparisons: Mapping[tuple[int, int], float]) -> FloatArray:
    """The full reciprocal matrix from one judgement per pair: {(i, j): a_ij}."""
    values = np.ones((n, n))
    given = np.eye(n, dtype=bool)
    for (row, column), value in comparisons.items():
        if not (0 <= row < n and 0 <= column < n) or row == column:
            raise ValueError(f"comparison ({row}, {column}) is not a pair of 0..{n - 1}")
        if not value > 0:
            raise ValueError(f"comparison ({row}, {column}) must be positive, not {value}")
        values[row, column], values[column, row] = value, 1.0 / value
        given[row, column] = given[column, row] = True
    missing = np.argwhere(~given)
    if len(missing):
        row, column = (int(i) for i in missing[0])
        raise ValueError(f"no comparison for the pair ({row}, {column})")
    return check_pairwise(values)


def ahp(pairwise: ArrayLike, *, random_index: str = DEFAULT_RANDOM_INDEX) -> AhpResult:
    """Priorities from the principal right eigenvector, lambda_max, CI = (lambda_max - n)/(n - 1),
    CR = CI / RI(n), and the comparison that departs most from the derived weights."""
    values = check_pairwise(pairwise)
    n = len(values)
    ri = random_index_for(n, random_index)
    eigenvalues, eigenvectors = np.linalg.eig(values)
    principal = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, principal].real)
    weights = vector / vector.sum()
    lambda_max = float(eigenvalues[principal].real)
    # lambda_max >= n for a positive reciprocal matrix; clip rounding noise below it.
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 1 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    return AhpResult(
        weights=weights,
        lambda_max=lambda_max,
        ci=ci,
        cr=cr,
        random_index=ri,
        table=RANDOM_INDEX_ALIASES.get(random_index, random_index),
        most_inconsistent=_most_inconsistent(values, weights),
    )


def _most_inconsistent(values: FloatArray, weights: FloatArray) -> Comparison | None:
    """The pair (i < j) whose a_ij departs most from w_i / w_j, by absolute log ratio."""
    n = len(values)
    if n < 3:
        return None
    implied = np.outer(weights, 1.0 / weights)
    deviation = np.abs(np.log(values / implied))
    deviation[np.tril_indices(n)] = -1.0
    row, column = (int(i) for i in np.unravel_index(np.argmax(deviation), deviation.shape))
    if deviation[row, column] <= 1e-9:
        return None
    return Comparison(row, column, float(values[row, column]), float(implied[row, column]))


def synthesize(weights: ArrayLike, local_priorities: ArrayLike) -> FloatArray:
    """Global priorities of alternatives: (alternatives, criteria) local priorities times the
    criteria's weights."""
    criteria_weights, _ = normalize_weights(weights)
    local = np.asarray(local_priorities, dtype=np.float64)
    if local.ndim != 2 or local.shape[1] != len(criteria_weights):
        raise ValueError(
            f"local_priorities must have one column per criterion ({len(criteria_weights)})"
        )
    return local @ criteria_weights


# --- The calculator's JSON files -------------------------------------------------------------


@dataclass(frozen=True)
class RankInput:
    matrix: FloatArray
    weights: list[float]
    types: list[int]
    method: str
    normalization: str | None
    alternatives: list[str] | None


@dataclass(frozen=True)
class AhpInput:
    pairwise: FloatArray
    random_index: str
    elements: list[str] | None


def load_json_file(path: Path) -> object:
    """A JSON file's content; ValueError with a one-line reason when it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"no file {str(path)!r}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"cannot read {str(path)!r}: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{path.name} is not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def rank_input_from_json(data: object) -> RankInput:
    """Read {"matrix", "weights", "types", "method"?, "normalization"?, "alternatives"?}.

    `types` holds 1/-1 or "benefit"/"cost"; `directions` is accepted in its place."""
    fields = _json_object(data, ("matrix", "weights"))
    if "types" not in fields and "directions" not in fields:
        raise ValueError("missing key 'types' (1 benefit, -1 cost per criterion)")
    matrix = _json_matrix(fields["matrix"], "matrix")
    criteria = matrix.shape[1]
    weights = _json_numbers(fields["weights"], "weights", criteria, "criteria (columns)")
    key = "types" if "types" in fields else "directions"
    types = _json_types(fields[key], key, criteria)
    method = _json_choice(fields, "method", METHODS, "topsis")
    normalization = _json_choice(fields, "normalization", NORMALIZATIONS, None)
    alternatives = _json_labels(fields, "alternatives", matrix.shape[0])
    return RankInput(matrix, weights, types, method or "topsis", normalization, alternatives)


def ahp_input_from_json(data: object) -> AhpInput:
    """Read {"pairwise", "random_index"?, "elements"?}; entries may be numbers or "1/3"."""
    fields = _json_object(data, ("pairwise",))
    pairwise = _json_matrix(fields["pairwise"], "pairwise", fractions=True)
    if pairwise.shape[0] != pairwise.shape[1]:
        raise ValueError(
            f"'pairwise' must be square; it has {pairwise.shape[0]} rows of {pairwise.shape[1]}"
        )
    tables = (*RANDOM_INDEX_TABLES, *RANDOM_INDEX_ALIASES)
    table = _json_choice(
        fields, "random_index", tables, DEFAULT_RANDOM_INDEX, shown=tuple(RANDOM_INDEX_TABLES)
    )
    elements = _json_labels(fields, "elements", pairwise.shape[0])
    return AhpInput(pairwise, table or DEFAULT_RANDOM_INDEX, elements)


def _json_object(data: object, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ValueError(f"the file must hold a JSON object with the keys {', '.join(required)}")
    for key in required:
        if key not in data:
            raise ValueError(f"missing key {key!r}")
    return data


def _json_number(value: object, where: str, *, fractions: bool = False) -> float:
    if fractions and isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            pass
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} is not a number: {json.dumps(value)[:40]}")
    if not math.isfinite(value):
        raise ValueError(f"{where} is not a finite number: {value}")
    return float(value)


def _cell(key: str, row: int, column: int) -> str:
    return f"{key}[{row}][{column}] (row {row}, column {column})"


def _json_matrix(value: object, key: str, *, fractions: bool = False) -> FloatArray:
    if not isinstance(value, list) or not value or not all(isinstance(r, list) for r in value):
        raise ValueError(f"{key!r} must be a non-empty list of rows (lists of numbers)")
    width = len(value[0])
    if width == 0:
        raise ValueError(f"{key!r} row 0 is empty")
    rows: list[list[float]] = []
    for row, entries in enumerate(value):
        if len(entries) != width:
            raise ValueError(f"{key!r} row {row} has {len(entries)} values; row 0 has {width}")
        rows.append(
            [
                _json_number(entry, _cell(key, row, column), fractions=fractions)
                for column, entry in enumerate(entries)
            ]
        )
    return np.array(rows, dtype=np.float64)


def _json_numbers(value: object, key: str, count: int, what: str) -> list[float]:
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list of numbers")
    if len(value) != count:
        raise ValueError(f"{key!r} has {len(value)} values; 'matrix' has {count} {what}")
    return [_json_number(entry, f"{key}[{index}]") for index, entry in enumerate(value)]


def _json_types(value: object, key: str, count: int) -> list[int]:
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list of 1 (benefit) or -1 (cost)")
    if len(value) != count:
        raise ValueError(f"{key!r} has {len(value)} values; 'matrix' has {count} criteria")
    words = {"benefit": BENEFIT, "cost": COST}
    kinds: list[int] = []
    for index, entry in enumerate(value):
        if isinstance(entry, str) and entry.lower() in words:
            kinds.append(words[entry.lower()])
        elif not isinstance(entry, bool) and entry in (BENEFIT, COST):
            kinds.append(int(entry))
        else:
            raise ValueError(
                f"{key}[{index}] must be 1 (benefit) or -1 (cost), not {json.dumps(entry)[:40]}"
            )
    return kinds


def _json_choice(
    fields: dict[str, Any],
    key: str,
    choices: tuple[str, ...],
    default: str | None,
    *,
    shown: tuple[str, ...] = (),
) -> str | None:
    value = fields.get(key)
    if value is None:
        return default
    if value not in choices:
        names = ", ".join(shown or choices)
        raise ValueError(f"{key!r} must be one of {names}, not {json.dumps(value)[:40]}")
    return str(value)


def _json_labels(fields: dict[str, Any], key: str, count: int) -> list[str] | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != count:
        raise ValueError(f"{key!r} must be a list of {count} names")
    return [str(label) for label in value]
