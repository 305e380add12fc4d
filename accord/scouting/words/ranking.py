"""Rankings built from remembered word scores, and a filter applied to a ranking."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from accord.scouting.words import tuning

Ranked = list[tuple[int, float]]  # (organization id, score), best first
Ranking = Callable[[int], Ranked]  # the n best of one ranking
_EVERY_ROW = 2**62  # a window as large as any ranking


def summed(ids: list[np.ndarray], scores: list[np.ndarray]) -> Ranking:
    """The ranking by each id's summed scores, the words' arrays added in the order given:
    BM25 is a sum over the query's words, so this equals scoring every row at once."""
    distinct, totals = _sum_by_id(np.concatenate(ids), np.concatenate(scores))
    return lambda n: [(int(distinct[i]), float(totals[i])) for i in _best(distinct, totals, n)]


def first_allowed(
    best: Ranking, k: int, within: QuerySet | None, listed: Callable[[list[int]], RawSQL]
) -> Ranked:
    """The first `k` of the ranking `best(n)` that `within` allows, checked in growing
    windows: exact, and a filter costs a primary-key lookup per row checked instead of an
    evaluation over the whole directory. When too few pass, the filter is selective: the
    organizations it allows are read, if there are few, and the whole ranking kept to them.
    `listed(ids)` is a subquery of `ids` in one parameter."""
    if within is None:
        return best(k)
    window, read_whole = k * tuning.WINDOW_GROWTH, False
    while True:
        found = best(window)
        checked = within.filter(pk__in=listed([pk for pk, _ in found]))
        allowed = set(checked.values_list("pk", flat=True))
        kept = [(pk, score) for pk, score in found if pk in allowed]
        if len(kept) >= k or len(found) < window:
            return kept[:k]
        window *= tuning.WINDOW_GROWTH
        if window > tuning.SELECTIVE_FILTER_ROWS and not read_whole:
            read_whole = True
            limit = tuning.SELECTIVE_FILTER_ROWS
            allowed = set(within.values_list("pk", flat=True)[: limit + 1])
            if len(allowed) <= limit:
                return [(pk, score) for pk, score in best(_EVERY_ROW) if pk in allowed][:k]


def _sum_by_id(ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids, ascending, and the sum of each one's scores, added in input order:
    by position in an array as long as the largest id when that is not much longer than the
    input, else by sorting."""
    if not len(ids):
        return ids, scores
    if int(ids.max()) < 8 * len(ids):
        totals = np.bincount(ids, weights=scores)
        present = np.flatnonzero(totals)  # every word's share is above zero
        return present, totals[present]
    distinct, position = np.unique(ids, return_inverse=True)
    return distinct, np.bincount(position, weights=scores)


def _best(ids: np.ndarray, totals: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest totals, best first, ties by ascending id (as both
    databases' one query orders them)."""
    chosen = np.arange(len(ids))
    if n < len(ids):
        cutoff = np.partition(totals, len(totals) - n)[len(totals) - n]
        chosen = np.flatnonzero(totals >= cutoff)
    return chosen[np.lexsort((ids[chosen], -totals[chosen]))][:n]
