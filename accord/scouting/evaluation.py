"""Measure scouting against a relevance file: nDCG@10, recall@50 and MRR per mode.

The file holds `queries`, each with `query` and `relevant` organizations given by `source` and
`external_id` (the format of the shared scouting_dev.json). Gains are binary.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError

from accord.accounts.models import User
from accord.directory.models import ExternalId
from accord.scouting.matching import scout

RETRIEVED = 100  # MRR looks this deep; nDCG and recall need 10 and 50


@dataclass
class ModeScores:
    mode: str
    ran_as: str
    ndcg_at_10: float
    recall_at_50: float
    mrr: float
    per_query: list[dict[str, Any]]


def ndcg_at(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, pk in enumerate(ranked[:k]) if pk in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[int], relevant: set[int], k: int = 50) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list[int], relevant: set[int]) -> float:
    return next((1 / (i + 1) for i, pk in enumerate(ranked) if pk in relevant), 0.0)


def load_relevance(path: Path) -> list[dict[str, Any]]:
    """The queries of the file, each with the ids of its relevant organizations found here."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        queries = data["queries"]
        pairs = {(r["source"], str(r["external_id"])) for q in queries for r in q["relevant"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            f"{path}: not a relevance file ({error}); expected "
            '{"queries": [{"id", "query", "relevant": [{"source", "external_id"}]}]}'
        ) from None
    sources = {source for source, _ in pairs}
    known = {
        (source, value): pk
        for source, value, pk in ExternalId.objects.filter(
            source__in=sources, organization__isnull=False
        ).values_list("source", "value", "organization_id")
    }
    if not known:
        raise ValidationError(
            f"{path}: none of its relevant organizations ({', '.join(sorted(sources))}) are in "
            "the directory; import the corpus first, e.g. "
            "`accord import organizations yc_companies.csv --preset yc`."
        )
    return [
        {
            "id": q.get("id") or q["query"],
            "query": q["query"],
            "relevant": {known[key] for key in _keys(q) if key in known},
            "missing": sum(key not in known for key in _keys(q)),
        }
        for q in queries
    ]


def _keys(query: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["source"], str(r["external_id"])) for r in query["relevant"]]


def evaluate(queries: list[dict[str, Any]], *, mode: str, user: User) -> ModeScores:
    per_query = []
    ran_as = mode
    for query in queries:
        result = scout(
            query["query"], user=user, mode=mode, top=RETRIEVED, explain_by_meaning=False
        )
        ran_as = result.mode
        ranked = [match.organization.pk for match in result.items]
        relevant = query["relevant"]
        per_query.append(
            {
                "id": query["id"],
                "ndcg_at_10": ndcg_at(ranked, relevant),
                "recall_at_50": recall_at(ranked, relevant),
                "mrr": reciprocal_rank(ranked, relevant),
            }
        )
    count = len(per_query) or 1
    return ModeScores(
        mode=mode,
        ran_as=ran_as,
        ndcg_at_10=sum(q["ndcg_at_10"] for q in per_query) / count,
        recall_at_50=sum(q["recall_at_50"] for q in per_query) / count,
        mrr=sum(q["mrr"] for q in per_query) / count,
        per_query=per_query,
    )
