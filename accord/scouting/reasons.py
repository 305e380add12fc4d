"""Why each organization was found: the query words it contains and where, the sentence of its
description that matches best, which retriever (words, meaning) ranked it where, how close it
is in meaning, and the relevance band all that evidence earns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from accord.scouting import embeddings
from accord.scouting.relevance import band, distinct_stems
from accord.scouting.text import sentences, stem, stems

if TYPE_CHECKING:
    from accord.scouting.matching import Match

MAX_SENTENCES = 8
MAX_SENTENCE_CHARS = 300
# Where a word can be found, as the evidence names it.
FIELDS = (
    ("name", "name"),
    ("one_liner", "one-liner"),
    ("tag_names", "tags"),
    ("description", "description"),
)


def explain(
    items: list[Match],
    *,
    terms: list[str],
    pools: dict[str, list[int]],
    query: str | None,
    similarity: dict[int, float] | None = None,
) -> None:
    """Fill each match's `reasons` in place; with `query`, a result sharing no word with it
    gets the sentence closest in meaning (needs the model). `similarity` holds the cosine
    similarity of those found by meaning."""
    similarity = similarity or {}
    need = distinct_stems(terms)
    positions = {name: {pk: i + 1 for i, pk in enumerate(ids)} for name, ids in pools.items()}
    term_stems = [(term, stem(term)) for term in terms]
    by_meaning: list[tuple[Match, list[str]]] = []
    for match in items:
        organization = match.organization
        found_by = [
            label
            for name, label in (("lexical", "words"), ("semantic", "meaning"))
            if match.organization.pk in positions.get(name, {})
        ]
        evidence = _evidence(organization, term_stems)
        matched = [item["term"] for item in evidence]
        candidates = _candidate_sentences(organization)
        sentence, overlap = _best_by_words(candidates, {stem(t) for t in matched})
        close = similarity.get(organization.pk)
        match.reasons = {
            "found_by": found_by,
            "terms": matched,
            "evidence": evidence,
            "sentence": sentence,
            "lexical_rank": positions.get("lexical", {}).get(organization.pk),
            "semantic_rank": positions.get("semantic", {}).get(organization.pk),
            "similarity": None if close is None else round(float(close), 3),
            "band": band(need=need, shared=distinct_stems(matched), similarity=close),
        }
        if overlap == 0 and query is not None and len(candidates) > 1:
            by_meaning.append((match, candidates))
    if by_meaning and query is not None:
        _choose_by_meaning(by_meaning, query)


def _evidence(organization: Any, term_stems: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Each query word the organization's text contains, with the fields that contain it."""
    present = {label: stems(getattr(organization, name) or "") for name, label in FIELDS}
    evidence = []
    for term, root in term_stems:
        fields = [label for _, label in FIELDS if root in present[label]]
        if fields:
            evidence.append({"term": term, "fields": fields})
    return evidence


def _candidate_sentences(organization: Any) -> list[str]:
    found = [organization.one_liner.strip()] if organization.one_liner.strip() else []
    found += sentences(organization.description)
    return [s[:MAX_SENTENCE_CHARS] for s in found[:MAX_SENTENCES]]


def _best_by_words(candidates: list[str], wanted: set[str]) -> tuple[str, int]:
    """The sentence holding most of the matched words (the first on a tie), and how many."""
    best, best_overlap = (candidates[0] if candidates else ""), 0
    if not wanted:
        return best, 0
    for sentence in candidates:
        overlap = len(wanted & stems(sentence))
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    return best, best_overlap


def _choose_by_meaning(pending: list[tuple[Match, list[str]]], query: str) -> None:
    flat = [sentence for _, candidates in pending for sentence in candidates]
    vectors = embeddings.word_piece_vectors([query, *flat])
    similarity = vectors[1:] @ vectors[0]
    start = 0
    for match, candidates in pending:
        scores = similarity[start : start + len(candidates)]
        match.reasons["sentence"] = candidates[int(np.argmax(scores))]
        start += len(candidates)
