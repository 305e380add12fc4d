"""Word matching for scouting: BM25 over the stemmed full-text index (migration 0002).

Any query word may match (OR): a gap is written in sentences, and requiring every word would
find nothing. Name and one-liner/tags weigh more than the description.

On SQLite two things keep a query's cost down as the directory grows (measured:
benchmarks/scouting.py). FTS5's bm25() costs about 1 µs per matching row (it looks up each
row's length), while walking the postings costs about 0.05 µs, so:

- words found in more than `COMMON_SHARE` of the organizations are left out when rarer ones
  remain: BM25 gives them little weight, yet they would match most rows;
- when the words match more than `SCORED_ROWS_BUDGET` rows, the rows that can rank are
  scored first (the "max-score" idea of search engines): rows with one of the rarest words or
  with at least L of the others, for the smallest L whose rows fit the budget. A row left out
  can score at most the ceilings of its L - 1 best words (IDF x (k1 + 1)); when the k-th
  score found is at least that, the result is exactly the full query's;
- otherwise every row is scored, up to `EXACT_ROWS_LIMIT` matching rows. Beyond it the
  result is approximate, and no level is counted (each count walks the postings, and the
  proof seldom holds there): the rows with a rare word or all the others, and those with a
  query word in the name, one-liner or tags, are scored (up to the budget each), while rows
  with only some common words in their description are not. Scores are always exact BM25
  over every query word.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection

# bm25 weights of name, one_liner, tag_names, description (tuned on the dev set only).
SQLITE_WEIGHTS = (2.0, 1.5, 1.5, 1.0)
K1, B = 1.2, 0.75  # BM25's saturation and length normalization, FTS5's values
COMMON_SHARE = 0.05
COMMON_FLOOR = 5_000  # below this many organizations a word is never "common": all is cheap
SCORED_ROWS_BUDGET = 5_000
EXACT_ROWS_LIMIT = 25_000  # beyond this, if pruning cannot prove the result, it approximates
RARE_SHARE_OF_BUDGET = 0.3  # the rarest words nominate rows alone, up to this share
# Beyond EXACT_ROWS_LIMIT, rows with a rare word or all the common ones scored at most.
TOP_ROWS = 1_500
MAX_GROUPS = 64  # AND groups of the commoner words in one nominating expression
_COUNT_TTL_SECONDS = 300.0
_STEMS_REMEMBERED = 50_000
_document_count: dict[str, tuple[Any, int]] = {}
_documents_with_stem: dict[tuple[str, str], tuple[Any, int]] = {}
_average_lengths: dict[str, tuple[Any, int]] = {}
# ts_rank_cd's weights of classes D, C, B, A: SQLITE_WEIGHTS halved (it takes at most 1), its
# frequencies doubled back.
PG_WEIGHTS = "'{0.05, 0.5, 0.75, 1.0}'"
_FTS = "scouting_organization_fts"
_VOCABULARY = "scouting_organization_vocab"  # fts5vocab over _FTS (migration 0003)


@dataclass(frozen=True)
class Word:
    text: str
    stem: str  # as FTS5's porter tokenizer indexes it
    documents: int  # organizations containing it

    @property
    def phrase(self) -> str:
        return f'"{self.text}"'  # query words are letters and digits only


def search(
    terms: list[str], k: int, *, within: tuple[str, list] | None = None
) -> list[tuple[int, float]]:
    """The `k` best (organization id, score) for any of `terms`, best first; higher is better.

    `within` is an SQL subquery (with its parameters) selecting the organization ids allowed.
    """
    if not terms or k <= 0:
        return []
    if connection.vendor == "postgresql":
        return _postgres(terms, k, within)
    return _sqlite(terms, k, within)


@lru_cache(maxsize=1)
def _porter() -> Any:
    return snowballstemmer.stemmer("porter")


def fts5_stem(word: str) -> str:
    """The stem FTS5's porter tokenizer gives `word`: Snowball's original Porter algorithm plus
    the two rules of Porter's later revision that SQLite applies ('-logi' to '-log', '-bli' to
    '-ble', whose final 'e' then goes)."""
    stem = _porter().stemWord(word)
    return stem[:-1] if stem.endswith(("logi", "bli")) else stem


def vocabulary(terms: list[str]) -> list[Word]:
    """The distinct words of `terms` (one per stem, first kept) with their document counts."""
    by_stem: dict[str, str] = {}
    for term in terms:
        by_stem.setdefault(fts5_stem(term), term)
    version = _index_version()
    return [
        Word(text, stem, _documents_with(stem, text, version)) for stem, text in by_stem.items()
    ]


def _documents_with(stem: str, text: str, version: Any) -> int:
    """How many organizations contain the word, remembered like document_count(): fts5vocab
    counts them by walking the word's postings (about 3 ms for a word in 50,000 rows).
    PostgreSQL counts by the same walk (20 ms for a word in 20,000 rows at 100,000), so a word
    its planner estimates (from ANALYZE's statistics of the commonest words) in more than
    SCORED_ROWS_BUDGET rows keeps that estimate: close enough for a common word's IDF."""

    def count() -> int:
        if connection.vendor == "postgresql":
            estimate = _postgres_estimate(text)
            if estimate > SCORED_ROWS_BUDGET:
                return estimate
            sql = (
                "SELECT count(*) FROM directory_organization "
                "WHERE scouting_document @@ plainto_tsquery('english', %s)"
            )
            params = [text]
        else:
            sql, params = f"SELECT doc FROM {_VOCABULARY} WHERE term = %s", [stem]  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return row[0] if row else 0

    if len(_documents_with_stem) >= _STEMS_REMEMBERED:
        _documents_with_stem.clear()
    key = (connection.settings_dict["NAME"], stem)
    return _remembered(_documents_with_stem, key, count, version)


def _index_version() -> Any:
    """What remembered counts were read at. On SQLite, FTS5's structure record, which every
    committed change to the index rewrites (so another process's import is seen at once;
    changes in this process are forgotten through forget_document_count(), even before they
    are committed). On PostgreSQL, which has no such record, the current
    _COUNT_TTL_SECONDS period."""
    if connection.vendor != "sqlite":
        return int(time.monotonic() // _COUNT_TTL_SECONDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT block FROM {_FTS}_data WHERE id = 10")  # noqa: S608 - constant
        row = cursor.fetchone()
    return bytes(row[0]) if row else b""


def _remembered(
    cache: dict[Any, tuple[Any, int]],
    key: Any,
    count: Callable[[], int],
    version: Any,
    *,
    recount_zero: bool = False,
) -> int:
    """`count()`, kept in `cache` while the index stays at `version` (and until
    forget_document_count())."""
    counted_at, value = cache.get(key, (None, 0))
    if counted_at != version or (recount_zero and value == 0):
        value = count()
        cache[key] = (version, value)
    return value


def informative(words: list[Word]) -> list[Word]:
    """`words` without those in more than COMMON_SHARE of the organizations (and more than
    COMMON_FLOOR), unless nothing rarer would remain."""
    limit = max(COMMON_SHARE * document_count(), COMMON_FLOOR)
    kept = [w for w in words if w.documents <= limit]
    return kept or words


def informative_terms(terms: list[str]) -> list[str]:
    return [w.text for w in informative(vocabulary(terms))]


def document_count() -> int:
    """Organizations in the directory, counted again after a change (see _index_version();
    a count scans the table: ~10 ms at a million)."""

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM directory_organization")
            return cursor.fetchone()[0]

    # An empty directory is counted again at once: another process may be importing into it.
    return _remembered(
        _document_count,
        connection.settings_dict["NAME"],
        count,
        _index_version(),
        recount_zero=True,
    )


def forget_document_count() -> None:
    _document_count.clear()
    _documents_with_stem.clear()
    _average_lengths.clear()


def _sqlite(terms: list[str], k: int, within: tuple[str, list] | None) -> list[tuple[int, float]]:
    words = informative(vocabulary(terms))
    matching = sum(w.documents for w in words)  # at most: a row with two words counts twice
    if matching <= SCORED_ROWS_BUDGET:
        return _bm25(words, k, within)
    if matching > EXACT_ROWS_LIMIT:
        # Approximate (see the module's docstring). One bm25() call: each costs a pass over
        # every word's postings (for the IDF).
        phrases = " OR ".join(w.phrase for w in words)
        scored = [(f"{{name one_liner tag_names}} : ({phrases})", SCORED_ROWS_BUDGET)]
        rare, common = _rare_and_common(words)
        top = [w.phrase for w in rare]
        if len(common) > 1:
            top.append("(" + " AND ".join(w.phrase for w in common) + ")")
        if top:
            scored.append((" OR ".join(top), TOP_ROWS))
        return _bm25(words, k, within, only=scored)
    nominated = nominate(words)
    if nominated:
        found = _bm25(words, k, within, only=[(nominated.expression, SCORED_ROWS_BUDGET)])
        if len(found) == k and found[-1][1] >= nominated.bound:
            return found  # exact: no row left out could have ranked
    return _bm25(words, k, within)


def _bm25(
    words: list[Word],
    k: int,
    within: tuple[str, list] | None,
    *,
    only: list[tuple[str, int]] | None = None,
) -> list[tuple[int, float]]:
    """The `k` best rows by bm25() over `words`; with `only`, among the rows matching those
    expressions, at most the given number of each."""
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    sql = (
        f"SELECT rowid, bm25({_FTS}, {weights}) AS rank "  # noqa: S608 - constants
        f"FROM {_FTS} WHERE {_FTS} MATCH %s"
    )
    params: list = [" OR ".join(w.phrase for w in words)]
    if only is not None:
        # The unary + keeps FTS5 from seeking each id (slow): the ids only filter its rows.
        # They stay inside SQLite: fetching thousands of ids into Python takes the GIL once
        # per row, which waits on the query encoder's thread (measured: lexical 55% slower).
        chosen = " UNION ".join(
            f"SELECT * FROM (SELECT rowid FROM {_FTS} WHERE {_FTS} MATCH %s LIMIT %s)"  # noqa: S608
            for _ in only
        )
        sql += f" AND +rowid IN ({chosen})"
        params += [value for pair in only for value in pair]
    if within is not None:
        sql += f" AND rowid IN ({within[0]})"
        params += list(within[1])
    sql += " ORDER BY rank LIMIT %s"
    params.append(k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]


@dataclass
class Nominated:
    expression: str  # an FTS5 query matching the rows to score
    rows: int  # how many (at most SCORED_ROWS_BUDGET)
    bound: float  # no other row can score above this


def _rare_and_common(words: list[Word]) -> tuple[list[Word], list[Word]]:
    """The rarest words, as many as nominate RARE_SHARE_OF_BUDGET of the budget, and the
    others; each by rising document count."""
    ordered = sorted(words, key=lambda w: w.documents)
    rare: list[Word] = []
    for word in ordered:
        if sum(w.documents for w in [*rare, word]) > RARE_SHARE_OF_BUDGET * SCORED_ROWS_BUDGET:
            break
        rare.append(word)
    return rare, ordered[len(rare) :]


def nominate(words: list[Word]) -> Nominated | None:
    """The rows worth scoring first, or None when no level fits SCORED_ROWS_BUDGET (see the
    module's docstring)."""
    rare, common = _rare_and_common(words)
    ceilings = [_ceiling(w) for w in common]  # highest first: common is by rising count
    # From rows with all the common words down to rows with two: each level holds the one
    # above it, and the highest levels are the cheapest to find.
    fitting = None
    for level in range(max(len(common), 2), 1, -1):
        if not common or math.comb(len(common), level) > MAX_GROUPS:
            break
        groups = [
            "(" + " AND ".join(w.phrase for w in group) + ")"
            for group in itertools.combinations(common, level)
        ]
        if not rare and not groups:
            break
        expression = " OR ".join([w.phrase for w in rare] + groups)
        rows = _matching_rows(expression)
        if rows > SCORED_ROWS_BUDGET:
            break
        # A row left out has no rare word and fewer than `level` of the others.
        fitting = Nominated(expression, rows, bound=sum(ceilings[: level - 1]))
    return fitting


def _ceiling(word: Word) -> float:
    """The most `word` can add to a row's bm25() score, whatever the row: FTS5's IDF times
    (K1 + 1), with a margin for the row count read at another moment."""
    return _idf(word, document_count()) * (K1 + 1) * 1.01


def _idf(word: Word, rows: int) -> float:
    """FTS5's IDF, kept positive as it keeps it."""
    return max(math.log((rows - word.documents + 0.5) / (word.documents + 0.5)), 1e-6)


def _matching_rows(expression: str) -> int:
    """How many rows match `expression`, counted up to SCORED_ROWS_BUDGET + 1 (no scoring:
    cheap)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {_FTS} WHERE {_FTS} MATCH %s LIMIT %s)",  # noqa: S608
            [expression, SCORED_ROWS_BUDGET + 1],
        )
        return cursor.fetchone()[0]


def _postgres_estimate(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (FORMAT JSON) SELECT 1 FROM directory_organization "
            "WHERE scouting_document @@ plainto_tsquery('english', %s)",
            [text],
        )
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def _postgres(terms: list[str], k: int, within: tuple[str, list] | None) -> list[tuple[int, float]]:
    """BM25 as FTS5 computes it, in SQL: ts_rank_cd() of a single word with normalization 0
    is the sum of its occurrences' class weights (A name, B one-liner and tags, C
    description), the weighted term frequency; a document's length is its count of distinct
    stems. ts_rank_cd() over all the words alone has no IDF, so common words outweighed rare
    ones (measured on the dev set: nDCG@10 0.554 against FTS5's 0.837)."""
    words = informative(vocabulary(terms))
    rows, average = document_count(), _average_length()
    frequencies, score, params = [], [], []
    for i, word in enumerate(words):
        score.append(f"%s * f{i} * %s / (f{i} + %s * (1 - %s + %s * size / %s))")
        params += [_idf(word, rows), K1 + 1, K1, B, B, average]
        frequencies.append(
            f"2 * ts_rank_cd({PG_WEIGHTS}, scouting_document, "
            f"plainto_tsquery('english', %s), 0) AS f{i}"
        )
    params += [word.text for word in words]
    sql = (
        f"SELECT id, {' + '.join(score)} AS rank FROM ("  # noqa: S608 - built from constants
        f"SELECT id, length(scouting_document) AS size, {', '.join(frequencies)} "
        "FROM directory_organization WHERE scouting_document @@ to_tsquery('english', %s)"
    )
    # Query words are letters and digits only, so no tsquery syntax.
    params.append(" | ".join(w.text for w in words))
    if within is not None:
        sql += f" AND id IN ({within[0]})"
        params += list(within[1])
    sql += ") AS matched ORDER BY rank DESC, id LIMIT %s"
    params.append(k)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(pk), float(rank)) for pk, rank in cursor.fetchall()]


def _average_length() -> int:
    """Distinct stems per organization on average, remembered like document_count()."""

    def average() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT avg(length(scouting_document)) FROM directory_organization")
            value = cursor.fetchone()[0]
        return max(round(float(value or 1.0)), 1)

    key = connection.settings_dict["NAME"]
    return _remembered(_average_lengths, key, average, _index_version(), recount_zero=True)
