"""The interface every database's word index implements, and the search they share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

import numpy as np
import snowballstemmer
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from accord.scouting.words import tuning
from accord.scouting.words.cache import CACHE, VersionedView
from accord.scouting.words.ranking import Ranked, Ranking, first_allowed, summed


@dataclass(frozen=True)
class Word:
    text: str
    stem: str  # as FTS5's porter tokenizer indexes it
    documents: int  # organizations containing it

    @property
    def phrase(self) -> str:
        return f'"{self.text}"'  # query words are letters and digits only


@dataclass(frozen=True)
class WordScores:
    """A word's BM25 term in each row it appears in (higher is better)."""

    ids: np.ndarray  # int64 organization ids
    scores: np.ndarray  # float64

    @property
    def pairs(self) -> int:
        return len(self.ids)


class WordIndex(ABC):
    """BM25 over one database's stemmed full-text index of the directory.

    Any query word may match (OR): a need is written in sentences, and requiring every word
    would find nothing. Words in most organizations are left out while rarer ones remain.
    When the words match few rows, one query scores them all (`scored()`); beyond, each
    word's terms in every row it appears in are read once (`word_scores()`) and remembered
    until the directory changes, and a query's ranking is their sum.
    """

    @abstractmethod
    def version(self) -> Hashable:
        """What remembered counts and scores were read at: moved by every committed change
        to the directory, in any process."""

    @abstractmethod
    def count_with(self, stem: str, text: str) -> int:
        """How many organizations contain the word."""

    @abstractmethod
    def scored(
        self, words: list[Word], n: int, within: QuerySet | None, seen: VersionedView
    ) -> Ranked:
        """The `n` best rows by BM25 over `words` in one query scoring every matching row,
        among those `within` allows."""

    @abstractmethod
    def word_scores(self, word: Word, seen: VersionedView) -> WordScores:
        """`word`'s BM25 term in every row it appears in, which added up over a query's
        words in their order equal scored()'s scores to the last bit."""

    @abstractmethod
    def listed(self, ids: list[int]) -> RawSQL:
        """A subquery of `ids` in one parameter, however many there are."""

    @abstractmethod
    def directory_changed(self) -> None:
        """Tell every process that organizations changed, once the change is committed."""

    def search(self, terms: list[str], k: int, within: QuerySet | None = None) -> Ranked:
        """The `k` best (organization id, score) for any of `terms`, best first; higher is
        better. `within` holds the organizations allowed (a filter), unordered: ordered by
        name, SQLite would walk the whole name index rather than use the filter's."""
        if not terms or k <= 0:
            return []
        seen = self.seen()
        words = self.informative(self.vocabulary(terms, seen), seen)
        if sum(w.documents for w in words) <= tuning.SCORED_ROWS_BUDGET:
            one_query = partial(self.scored, words, within=None, seen=seen)
            return first_allowed(one_query, k, within, self.listed)
        return self.search_remembered(words, k, within, seen)

    def search_remembered(
        self, words: list[Word], k: int, within: QuerySet | None, seen: VersionedView
    ) -> Ranked:
        """search() when the words match more rows than one query should score."""
        return first_allowed(self.summed(words, seen), k, within, self.listed)

    def summed(self, words: list[Word], seen: VersionedView) -> Ranking:
        shares = [self._remembered_scores(word, seen) for word in words]
        return summed([s.ids for s in shares], [s.scores for s in shares])

    def seen(self) -> VersionedView:
        """The cache as of the index's current version."""
        return CACHE.at((connection.settings_dict["NAME"], self.version()))

    def vocabulary(self, terms: list[str], seen: VersionedView) -> list[Word]:
        """The distinct words of `terms` (one per stem, first kept) with their counts."""
        by_stem: dict[str, str] = {}
        for term in terms:
            by_stem.setdefault(fts5_stem(term), term)
        return [
            Word(text, stem, self._documents(stem, text, seen)) for stem, text in by_stem.items()
        ]

    def _documents(self, stem: str, text: str, seen: VersionedView) -> int:
        return seen.get(("documents", stem), lambda: self.count_with(stem, text))

    def informative(self, words: list[Word], seen: VersionedView) -> list[Word]:
        """`words` without those in more than COMMON_SHARE of the organizations (and more
        than COMMON_FLOOR), unless nothing rarer would remain."""
        limit = max(tuning.COMMON_SHARE * self.document_count(seen), tuning.COMMON_FLOOR)
        kept = [w for w in words if w.documents <= limit]
        return kept or words

    def document_count(self, seen: VersionedView) -> int:
        """Organizations in the directory. An empty directory is counted again at once:
        another process may be importing into it."""

        def count() -> int:
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM directory_organization")
                return cursor.fetchone()[0]

        return seen.get("organizations", count, keep_zero=False)

    def _remembered_scores(self, word: Word, seen: VersionedView) -> WordScores:
        return seen.get(("scores", word.stem), lambda: self.word_scores(word, seen))


@lru_cache(maxsize=1)
def _porter() -> Any:
    return snowballstemmer.stemmer("porter")


def fts5_stem(word: str) -> str:
    """The stem FTS5's porter tokenizer gives `word`: Snowball's original Porter algorithm plus
    the two rules of Porter's later revision that SQLite applies ('-logi' to '-log', '-bli' to
    '-ble', whose final 'e' then goes)."""
    stem = _porter().stemWord(word)
    return stem[:-1] if stem.endswith(("logi", "bli")) else stem
