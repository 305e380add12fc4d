"""The words of scouting: an organization's text, query terms, stems and sentences.

Lexical search and the reasons shown beside each result must agree on what a "word" is, so
both come from here: Unicode word characters, lower-cased, English stop words dropped, reduced
to their Snowball stem (the stemmer PostgreSQL's `english` configuration uses; SQLite's
porter tokenizer differs only in rare endings).
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

import snowballstemmer

MAX_QUERY_CHARS = 2_000
MAX_QUERY_TERMS = 32

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")

# Function words, and the words an executive wraps a need in ("partners for our ...").
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers him his how i if in into is it its itself
    just me more most my no nor not now of off on once only or other our ours out over own same
    she should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why will
    with would you your yours us via etc
    need needs want looking find partner partners partnering company companies organization
    organizations someone help provide provider providers solution solutions""".split()  # noqa: SIM905 - reads better as text
)


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def query_terms(text: str) -> list[str]:
    """The distinct content words of a query, in order, at most MAX_QUERY_TERMS."""
    seen: dict[str, None] = {}
    for word in words(text[:MAX_QUERY_CHARS]):
        if word not in STOP_WORDS and (len(word) > 1 or word.isdigit()):
            seen.setdefault(word, None)
    return list(seen)[:MAX_QUERY_TERMS]


def stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOP_WORDS}


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(text or "") if s.strip()]


def organization_text(name: str, one_liner: str, tag_names: str, description: str) -> str:
    """What an organization is, as one passage: the text that is embedded."""
    parts = [name, one_liner, description]
    if tag_names.strip():
        parts.append("Tags: " + ", ".join(tag_names.split()))
    return ". ".join(p.strip().rstrip(".") for p in parts if p and p.strip()) + "."


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
