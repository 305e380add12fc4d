"""How sure a match is, said in words: a relevance band read from the evidence, and what a
whole result leaves in doubt.

The fused score orders results but is no confidence: rank fusion scores the first result of
every search near 1, however thin its match ("AI regulation compliance" found inspection firms
on the word "ai" alone at 0.936). The band reads the evidence instead: how many of the need's
words an organization shares, and, when the model ran, how close it is in meaning. Either kind
of evidence can carry a match; a single shared word of a longer need never makes it strong.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accord.scouting.text import stem

if TYPE_CHECKING:
    from accord.scouting.matching import Match

STRONG, POSSIBLE, WEAK = "strong", "possible", "weak"
BANDS = (STRONG, POSSIBLE, WEAK)  # best first
LABELS = {STRONG: "Strong match", POSSIBLE: "Possible match", WEAK: "Weak match"}
MEANINGS = {
    STRONG: "shares several of the need's words, or is close to it in meaning",
    POSSIBLE: "shares part of the need, or is related to it in meaning; worth a look",
    WEAK: "rests on a single word of the need or on a loose likeness; check before acting",
}

# Words. Strong: at least two of the need's words and at least half of them; a long need (a
# gap's description) is strong from three. Possible: two words, or a one-word need's word.
# One word of a longer need is weak: it says what the match shares, not what the need is about.
STRONG_WORDS = 3
# Meaning: cosine similarity of all-MiniLM-L6-v2 between the need and the organization's text.
# Measured over 12 needs x 12 organizations of the test directory (18 relevant pairs): no
# irrelevant pair reached 0.45 (the highest, 0.42, was "AI regulation compliance" against an AI
# inspection firm); 78% of relevant pairs reached 0.45 and half reached 0.55.
MEANING_STRONG = 0.55
MEANING_POSSIBLE = 0.45
# The matches a result's doubt is judged on: those a person reads first.
BEST = 3


def band(*, need: int, shared: int, similarity: float | None = None) -> str:
    """The band of a match sharing `shared` of the need's `need` distinct words (by stem),
    `similarity` its cosine similarity when matched by meaning."""
    return min(_by_words(need, shared), _by_meaning(similarity), key=BANDS.index)


def _by_words(need: int, shared: int) -> str:
    if shared >= 2 and (shared >= STRONG_WORDS or 2 * shared >= need):
        return STRONG
    if shared >= 2 or (shared == 1 and need == 1):
        return POSSIBLE
    return WEAK


def _by_meaning(similarity: float | None) -> str:
    if similarity is None or similarity < MEANING_POSSIBLE:
        return WEAK
    return STRONG if similarity >= MEANING_STRONG else POSSIBLE


def distinct_stems(terms: Sequence[str]) -> int:
    return len({stem(term) for term in terms})


@dataclass(frozen=True)
class Doubt:
    notice: str | None  # what the best matches lack, and what to do about it
    unmatched: list[str]  # the need's words that no result contains


def doubt(items: Sequence[Match], terms: Sequence[str]) -> Doubt:
    """What the results as a whole leave in doubt about the need's `terms` (its content
    words, stop words already left out)."""
    found = {term for match in items for term in match.reasons.get("terms", [])}
    unmatched = [term for term in terms if term not in found]
    return Doubt(_notice(items[:BEST], terms), unmatched)


def _notice(best: Sequence[Match], terms: Sequence[str]) -> str | None:
    if not best or distinct_stems(terms) < 2:
        return None  # a one-word need cannot share less than all of itself
    if any(match.reasons.get("band") == STRONG for match in best):
        return None
    shared = [match.reasons.get("terms", []) for match in best]
    if any(distinct_stems(words) > 1 for words in shared):
        return None
    words = list(dict.fromkeys(word for found in shared for word in found))
    if not words:
        return (
            "None of the best matches shares a word with the need: they were found by meaning "
            "alone and are only loosely related. Add the words a good partner would use to "
            "describe itself, or rephrase the need."
        )
    quoted = ", ".join(f"“{word}”" for word in words)
    which = f"the word {quoted}" if len(words) == 1 else f"one word each ({quoted})"
    return (
        f"The best matches share only {which} with the need, so they may be about something "
        "else. Add words that say what you want (a product, a field, a customer), or rephrase "
        "the need."
    )
