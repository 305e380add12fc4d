"""The matching engine: from a need in plain words to a ranked, explained list of organizations.

Two retrievers — BM25 over stemmed words (`lexical`) and cosine over sentence embeddings
(`vectors`) — each return a pool of candidates; hybrid mode fuses their ranks by reciprocal
rank fusion, which needs no score calibration between the two. Filters apply inside each
retriever (SQL for words; for meaning, the pool is filtered and, if a selective filter leaves
too few, searched again exactly within the allowed organizations). Without the model or the
index, matching falls back to words and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accord.accounts.models import User
from accord.core.policy import visible_to
from accord.directory.models import ExternalId, Organization
from accord.directory.organization_filter import OrganizationCriteria
from accord.scouting import embeddings, vectors, words
from accord.scouting.reasons import explain
from accord.scouting.relevance import doubt
from accord.scouting.text import MAX_QUERY_CHARS, query_terms

logger = logging.getLogger(__name__)

MODES = ("hybrid", "lexical", "semantic")
MAX_TOP = 200
RRF_K = 60
# Weight of each retriever's ranks in the fusion (tuned on the dev set only).
RRF_WEIGHTS = {"lexical": 1.0, "semantic": 1.0}
POOL = 150
FILTERED_POOL = 2_000
EXACT_WITHIN_LIMIT = 200_000
# Below this cosine similarity a text is unrelated for all-MiniLM-L6-v2 (measured: 0.05-0.15
# between unrelated descriptions); such hits would only pad a small directory's results.
SEMANTIC_FLOOR = 0.2
# How long a search waits for the meaning side (encoding the query, searching the vectors)
# before answering by words alone: a query takes milliseconds once the model is loaded, and
# loading it takes a few seconds; anything longer is a fault, never a reason to hang.
MEANING_TIMEOUT_SECONDS = 15.0
MEANING_TIMED_OUT = "Matching by meaning did not answer in time; these results match by words only."


@dataclass
class Match:
    organization: Organization
    score: float
    reasons: dict[str, Any]
    source: str | None = None
    external_id: str | None = None

    @property
    def band(self) -> str:
        """How sure the match is (relevance.BANDS), from its evidence; not from the score."""
        return self.reasons["band"]

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.organization.pk,
            "source": self.source,
            "external_id": self.external_id,
            "name": self.organization.name,
            "band": self.band,
            "score": round(self.score, 6),
            "reasons": self.reasons,
        }


@dataclass
class ScoutResult:
    mode: str  # the mode that actually ran
    items: list[Match]
    notices: list[str]
    unmatched: list[str] = field(default_factory=list)  # the need's words no result contains


def clean_query(text: str | None) -> tuple[str, list[str]]:
    """The query to run and what the user should know about it."""
    text = " ".join((text or "").split())
    if not text:
        raise ValidationError({"query": ["Say what you are looking for: the query is empty."]})
    notices = []
    if len(text) > MAX_QUERY_CHARS:
        notices.append(
            f"The query is {len(text):,} characters long; only its first "
            f"{MAX_QUERY_CHARS:,} were used."
        )
        text = text[:MAX_QUERY_CHARS]
    return text, notices


def scout(
    text: str | None,
    *,
    user: User,
    mode: str = "hybrid",
    top: int = 20,
    filters: OrganizationCriteria | None = None,
    exclude: Iterable[int] = (),
    explain_by_meaning: bool = True,
) -> ScoutResult:
    """The `top` organizations best matching `text`, each with its reasons."""
    if mode not in MODES:
        raise ValidationError({"mode": [f"Unknown mode {mode!r}; one of {', '.join(MODES)}."]})
    if not 1 <= top <= MAX_TOP:
        raise ValidationError({"top": [f"Ask for 1 to {MAX_TOP} results, not {top}."]})
    text, notices = clean_query(text)
    filters = filters or OrganizationCriteria()
    terms = query_terms(text)
    index, why_not = _semantic_index() if mode != "lexical" else (None, None)
    if mode in ("hybrid", "semantic") and index is None:
        notices.append(why_not or "")
        mode = "lexical"
    elif index is not None and mode != "lexical":
        missing = _organizations_count() - index.size
        if missing > 0:
            notices.append(
                f"{missing:,} organizations are not in the meaning index yet "
                "(the background refresh or `accord index build` adds them); "
                "they can still be found by words."
            )
    if mode == "lexical" and not terms:
        notices.append("The query has no searchable words (only common ones such as 'the').")

    # Not your own organization, left out by id: a test of is_self would read every
    # filtered row, where the filter's index alone answers (US at a million: 131 -> 17 ms).
    # Unordered: ordered by name, SQLite would walk the whole name index rather than use the
    # filter's (seconds at a million organizations).
    own = Organization.objects.filter(is_self=True).values("pk")
    visible = visible_to(user, Organization).exclude(pk__in=own).order_by()
    organizations = filters.apply(visible)
    excluded = set(exclude)
    wanted = top + len(excluded) if len(excluded) < 1000 else top
    pools: dict[str, list[int]] = {}
    similarity: dict[int, float] = {}
    query_vector = None
    pool = max(POOL, wanted * 2)
    # The meaning side runs on the other core while the database matches the words.
    by_meaning = (
        embeddings.on_query_thread(lambda: _nearest(index, text, pool, bool(filters)))
        if index is not None and mode != "lexical"
        else None
    )
    if mode in ("hybrid", "lexical"):
        pools["lexical"] = _lexical_pool(terms, pool, filters, organizations)
    if by_meaning is not None and index is not None:
        try:
            query_vector, nearest = by_meaning.result(timeout=MEANING_TIMEOUT_SECONDS)
        except TimeoutError:
            logger.error(
                "scouting: the query encoder did not answer within %ss", MEANING_TIMEOUT_SECONDS
            )
            notices.append(MEANING_TIMED_OUT)
            mode = "lexical"
            if "lexical" not in pools:
                pools["lexical"] = _lexical_pool(terms, pool, filters, organizations)
        else:
            hits = _semantic_pool(index, query_vector, nearest, pool, filters, organizations)
            pools["semantic"] = [pk for pk, _ in hits]
            similarity = dict(hits)
    ranked = fuse(pools)
    ranked = [(pk, score) for pk, score in ranked if pk not in excluded]
    items = _load(ranked, organizations, top)
    explain(
        items,
        terms=terms,
        pools=pools,
        query=text if explain_by_meaning and query_vector is not None else None,
        similarity=similarity,
    )
    doubts = doubt(items, terms)
    notices.append(doubts.notice or "")
    return ScoutResult(
        mode=mode,
        items=items,
        notices=[n for n in notices if n],
        unmatched=doubts.unmatched,
    )


def warm_up() -> None:
    """Load the model and the vectors now, so the first search of a new server process does
    not wait for them (several seconds)."""
    if embeddings.available():
        embeddings.encode_query("warm up")
        vectors.current(embeddings.model_name())


def fuse(pools: dict[str, list[int]]) -> list[tuple[int, float]]:
    """Reciprocal rank fusion, scaled so that first in every pool scores 1."""
    if not pools:
        return []
    best = sum(RRF_WEIGHTS[name] / (RRF_K + 1) for name in pools)
    scores: dict[int, float] = {}
    for name, ids in pools.items():
        weight = RRF_WEIGHTS[name]
        for rank, pk in enumerate(ids, start=1):
            scores[pk] = scores.get(pk, 0.0) + weight / (RRF_K + rank)
    return sorted(((pk, s / best) for pk, s in scores.items()), key=lambda p: (-p[1], p[0]))


def _semantic_index() -> tuple[vectors.VectorIndex | None, str | None]:
    reason = embeddings.unavailable_reason()
    if reason:
        return None, reason
    index = vectors.current(embeddings.model_name())
    if index is None or index.size == 0:
        return None, (
            "The meaning index is not built yet: run `accord index build` "
            "(or wait for the background refresh); matching by words only."
        )
    return index, None


def _organizations_count() -> int:
    return words.document_count()


def _lexical_pool(
    terms: list[str], k: int, filters: OrganizationCriteria, organizations: QuerySet
) -> list[int]:
    within = organizations if filters else None
    return [pk for pk, _ in words.search(terms, k, within=within)]


def _nearest(
    index: vectors.VectorIndex, text: str, k: int, filtered: bool
) -> tuple[np.ndarray, list[tuple[int, float]]]:
    """The query's vector and its nearest organizations above the floor, more of them when a
    filter will drop some. Runs on the query thread, so it touches no database (connections
    belong to threads)."""
    query = embeddings.encode([text], batch_size=1)[0]
    hits = index.search(query, max(k, FILTERED_POOL) if filtered else k)
    return query, [hit for hit in hits if hit[1] >= SEMANTIC_FLOOR]


def _semantic_pool(
    index: vectors.VectorIndex,
    query: np.ndarray,
    nearest: list[tuple[int, float]],
    k: int,
    filters: OrganizationCriteria,
    organizations: QuerySet,
) -> list[tuple[int, float]]:
    """(organization id, cosine similarity) found by meaning among those `filters` allow."""
    if not filters:
        return nearest
    allowed = set(
        organizations.filter(pk__in=[pk for pk, _ in nearest]).values_list("pk", flat=True)
    )
    kept = [hit for hit in nearest if hit[0] in allowed]
    if len(kept) >= k:
        return kept[:k]
    # A selective filter: search exactly among the organizations it allows.
    allowed_ids = list(organizations.values_list("pk", flat=True)[: EXACT_WITHIN_LIMIT + 1])
    if len(allowed_ids) > EXACT_WITHIN_LIMIT:
        return kept
    within = np.array(sorted(allowed_ids))
    return [hit for hit in index.search(query, k, within=within) if hit[1] >= SEMANTIC_FLOOR]


def _load(ranked: list[tuple[int, float]], organizations: QuerySet, top: int) -> list[Match]:
    """The first `top` ranked organizations that still exist and pass the filters."""
    candidates = ranked[: top * 2 + 20]
    found = {
        o.pk: o
        for o in organizations.filter(pk__in=[pk for pk, _ in candidates]).only(
            "id", "name", "one_liner", "description", "tag_names", "kind", "country", "city"
        )
    }
    items = [Match(found[pk], score, {}) for pk, score in candidates if pk in found][:top]
    external: dict[int, tuple[str, str]] = {}
    for organization_id, source, value in ExternalId.objects.filter(
        organization_id__in=[m.organization.pk for m in items]
    ).values_list("organization_id", "source", "value"):
        external.setdefault(organization_id, (source, value))
    for match in items:
        match.source, match.external_id = external.get(match.organization.pk, (None, None))
    return items
