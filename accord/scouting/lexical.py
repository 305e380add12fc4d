"""Word matching for scouting: BM25 over the stemmed full-text index (migration 0002).

Any query word may match (OR): a gap is written in sentences, and requiring every word would
find nothing. Name and one-liner/tags weigh more than the description.

Two things keep a query's cost down as the directory grows (measured:
benchmarks/scouting.py):

- words found in more than `COMMON_SHARE` of the organizations are left out when rarer ones
  remain: BM25 gives them little weight, yet they would match most rows;
- scoring a matching row costs about 1 µs in FTS5's bm25() (it looks up each row's length)
  and about 5 µs in PostgreSQL (it reads the row's stored document), so beyond
  `SCORED_ROWS_BUDGET` matching rows what each word contributes in every row it appears in
  is remembered in this process until the directory changes (`_index_version()`). BM25 is a
  sum over the query's words, each term depending only on that word and the row, so a
  query's scores are the sums of its words' remembered ones: exact, at a million
  organizations in 3-7 ms on SQLite (scoring every row: 50-190 ms) and 5-26 ms on
  PostgreSQL (0.3-1.8 s). The first query after a change reads each word's rows once.

A filter is checked on the best rows of the ranking, more of them while too few pass
(`_first_allowed()`), rather than inside the word query, where SQLite evaluates it over the
whole directory first. PostgreSQL plans a filter well, and each check is a random read of the
table, so there a filter its planner expects to allow few organizations (`_narrow()`) goes
into the one query when the words match many rows.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import numpy as np
import snowballstemmer
from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

# bm25 weights of name, one_liner, tag_names, description (tuned on the dev set only).
SQLITE_WEIGHTS = (2.0, 1.5, 1.5, 1.0)
K1, B = 1.2, 0.75  # BM25's saturation and length normalization, FTS5's values
COMMON_SHARE = 0.05
COMMON_FLOOR = 5_000  # below this many organizations a word is never "common": all is cheap
SCORED_ROWS_BUDGET = 5_000  # matching rows scored in the query; beyond, remembered
NARROW_FILTER_SHARE = 0.15  # PostgreSQL scores a filter allowing at most this share in SQL
COUNTED_ROWS_LIMIT = 5_000  # on PostgreSQL, a word estimated in more rows keeps the estimate
# (organization id, score) pairs remembered per process: 16 bytes each on SQLite, so 64 MB at
# most; 24 on PostgreSQL (id, weighted frequency, length), 96 MB.
REMEMBERED_PAIRS = 4_000_000
# A filter allowing at most this many organizations is read whole once the best rows of a
# ranking, checked against it, held too few.
SELECTIVE_FILTER_ROWS = 20_000
_EVERY_ROW = 2**62  # a window as large as any ranking
_CHANGES = "scouting_directory_changes"  # PostgreSQL's change marker (migration 0005)
_STEMS_REMEMBERED = 50_000
_document_count: dict[str, tuple[Any, int]] = {}
_documents_with_stem: dict[tuple[str, str], tuple[Any, int]] = {}
_average_lengths: dict[str, tuple[Any, int]] = {}
_word_scores: OrderedDict[tuple[str, str], tuple[Any, WordScores | WordRows]] = OrderedDict()
_word_scores_lock = threading.Lock()


def _new_lock_after_fork() -> None:
    global _word_scores_lock  # one held by another thread at a fork stays held in the child
    _word_scores_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_lock_after_fork)

# ts_rank_cd's weights of classes D, C, B, A: SQLITE_WEIGHTS halved (it takes at most 1), its
# frequencies doubled back.
PG_WEIGHTS = "'{0.05, 0.5, 0.75, 1.0}'"
_FTS = "scouting_organization_fts"
_VOCABULARY = "scouting_organization_vocab"  # fts5vocab over _FTS (migration 0003)


@dataclass(frozen=True)
class WordScores:
    """A word's share of bm25() in each row it appears in (higher is better)."""

    ids: np.ndarray  # int64 organization ids
    scores: np.ndarray  # float64, as bm25() computes them

    @property
    def pairs(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class WordRows:
    """On PostgreSQL, a word's weighted frequency in each row it appears in and the row's
    length: its BM25 term follows from them and the current counts."""

    ids: np.ndarray  # int64 organization ids
    frequencies: np.ndarray  # float64, holding ts_rank_cd()'s float4 exactly
    sizes: np.ndarray  # int64, distinct stems in the row

    @property
    def pairs(self) -> int:
        return len(self.ids)


Remembered = TypeVar("Remembered", WordScores, WordRows)


@dataclass(frozen=True)
class Word:
    text: str
    stem: str  # as FTS5's porter tokenizer indexes it
    documents: int  # organizations containing it

    @property
    def phrase(self) -> str:
        return f'"{self.text}"'  # query words are letters and digits only


def search(terms: list[str], k: int, *, within: QuerySet | None = None) -> list[tuple[int, float]]:
    """The `k` best (organization id, score) for any of `terms`, best first; higher is better.

    `within` holds the organizations allowed (a filter), unordered: ordered by name, SQLite
    would walk the whole name index rather than use the filter's.
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
    COUNTED_ROWS_LIMIT rows keeps that estimate: close enough for a common word's IDF."""

    def count() -> int:
        if connection.vendor == "postgresql":
            estimate = _postgres_estimate(text)
            if estimate > COUNTED_ROWS_LIMIT:
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
    """What remembered counts and scores were read at, so another process's committed change
    is seen at once (changes in this process are forgotten through forget(), even before
    they are committed). On SQLite, FTS5's structure record, which every committed change to
    the index rewrites. On PostgreSQL, the sequence directory_changed() advances, with the
    table's row estimate, which ANALYZE moves with the word estimates of _documents_with()."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT last_value, is_called, (SELECT reltuples FROM pg_class "  # noqa: S608
                f"WHERE oid = 'directory_organization'::regclass) FROM {_CHANGES}"
            )
            return cursor.fetchone()
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
    forget())."""
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


def directory_changed() -> None:
    """Tell every process that organizations changed, once the change is committed: a process
    reading the new marker then reads the new rows too. SQLite needs nothing: FTS5 rewrites
    its structure record in the same commit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [_CHANGES])


def forget() -> None:
    """Forget every remembered count and score: the directory changed in this process."""
    _document_count.clear()
    _documents_with_stem.clear()
    _average_lengths.clear()
    with _word_scores_lock:
        _word_scores.clear()


def _sqlite(terms: list[str], k: int, within: QuerySet | None) -> list[tuple[int, float]]:
    words = informative(vocabulary(terms))
    matching = sum(w.documents for w in words)  # at most: a row with two words counts twice
    if matching <= SCORED_ROWS_BUDGET:
        return _first_allowed(lambda n: _bm25(words, n), k, within)
    return _first_allowed(_summed(words), k, within)


def _first_allowed(
    best: Callable[[int], list[tuple[int, float]]], k: int, within: QuerySet | None
) -> list[tuple[int, float]]:
    """The first `k` of the ranking `best(n)` (its `n` best) that `within` allows, checked in
    growing windows: the result is exact, and a filter costs a primary-key lookup per row
    checked instead of evaluating it over the whole directory (a second or more at a
    million organizations). When too few pass, the filter is selective: the organizations
    it allows are read, if there are few, and the whole ranking kept to them."""
    if within is None:
        return best(k)
    window, read_whole = k * 8, False
    while True:
        found = best(window)
        checked = within.filter(pk__in=_listed([pk for pk, _ in found]))
        allowed = set(checked.values_list("pk", flat=True))
        kept = [(pk, score) for pk, score in found if pk in allowed]
        if len(kept) >= k or len(found) < window:
            return kept[:k]
        window *= 8
        if window > SELECTIVE_FILTER_ROWS and not read_whole:
            read_whole = True
            allowed = set(within.values_list("pk", flat=True)[: SELECTIVE_FILTER_ROWS + 1])
            if len(allowed) <= SELECTIVE_FILTER_ROWS:
                return [(pk, score) for pk, score in best(_EVERY_ROW) if pk in allowed][:k]


def _listed(ids: list[int]) -> RawSQL:
    """A subquery of `ids` in one parameter, however many there are."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _bm25(words: list[Word], n: int) -> list[tuple[int, float]]:
    """The `n` best rows by one bm25() over `words`, scoring every matching row."""
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25({_FTS}, {weights}) AS rank "  # noqa: S608 - constants
            f"FROM {_FTS} WHERE {_FTS} MATCH %s ORDER BY rank LIMIT %s",
            [" OR ".join(w.phrase for w in words), n],
        )
        return [(int(pk), -float(rank)) for pk, rank in cursor.fetchall()]


def _summed(words: list[Word]) -> Callable[[int], list[tuple[int, float]]]:
    """The ranking by the sum of each word's remembered bm25(), the same as one bm25() over
    all the words (added in the same order, so equal to the last bit)."""
    version = _index_version()
    shares = [_remembered_rows(word, version, _fts5_scores) for word in words]
    return _ranking([share.ids for share in shares], [share.scores for share in shares])


def _ranking(
    ids: list[np.ndarray], scores: list[np.ndarray]
) -> Callable[[int], list[tuple[int, float]]]:
    """The ranking by each id's summed scores, the words' arrays added in the order given."""
    distinct, totals = _sum_by_id(np.concatenate(ids), np.concatenate(scores))
    return lambda n: [(int(distinct[i]), float(totals[i])) for i in _best(distinct, totals, n)]


def _remembered_rows(word: Word, version: Any, read: Callable[[Word], Remembered]) -> Remembered:
    """`read(word)`, remembered while the directory stays at `version`, the least recently
    used words forgotten beyond REMEMBERED_PAIRS (reading costs about what scoring each of
    the word's rows does)."""
    key = (connection.settings_dict["NAME"], word.stem)
    with _word_scores_lock:
        counted_at, remembered = _word_scores.get(key, (None, None))
        if remembered is not None and counted_at == version:
            _word_scores.move_to_end(key)
            return remembered
    rows = read(word)
    with _word_scores_lock:
        _word_scores[key] = (version, rows)
        _word_scores.move_to_end(key)
        held = sum(share.pairs for _, share in _word_scores.values())
        while held > REMEMBERED_PAIRS and len(_word_scores) > 1:
            held -= _word_scores.popitem(last=False)[1][1].pairs
    return rows


def _fts5_scores(word: Word) -> WordScores:
    """`word`'s bm25() in every row it appears in."""
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, -bm25({_FTS}, {weights}) FROM {_FTS} WHERE {_FTS} MATCH %s",  # noqa: S608
            [word.phrase],
        )
        rows = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 2)
    return WordScores(ids=rows[:, 0].astype(np.int64), scores=rows[:, 1].copy())


def _sum_by_id(ids: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids, ascending, and the sum of each one's scores, added in input order.
    By position in an array as long as the largest id when that is not much longer than the
    input (2 ms for 200,000 pairs at a million), else by sorting."""
    if not len(ids):
        return ids, scores
    if int(ids.max()) < 8 * len(ids):
        totals = np.bincount(ids, weights=scores)
        present = np.flatnonzero(totals)  # every word's share is above zero
        return present, totals[present]
    distinct, position = np.unique(ids, return_inverse=True)
    return distinct, np.bincount(position, weights=scores)


def _best(ids: np.ndarray, totals: np.ndarray, n: int) -> np.ndarray:
    """Positions of the `n` highest totals, best first, ties by ascending id (as FTS5's ORDER
    BY rank orders them)."""
    chosen = np.arange(len(ids))
    if n < len(ids):
        cutoff = np.partition(totals, len(totals) - n)[len(totals) - n]
        chosen = np.flatnonzero(totals >= cutoff)
    return chosen[np.lexsort((ids[chosen], -totals[chosen]))][:n]


def _idf(word: Word, rows: int) -> float:
    """FTS5's IDF, kept positive as it keeps it."""
    return max(math.log((rows - word.documents + 0.5) / (word.documents + 0.5)), 1e-6)


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


def _postgres(terms: list[str], k: int, within: QuerySet | None) -> list[tuple[int, float]]:
    """BM25 as FTS5 computes it: ts_rank_cd() of a single word with normalization 0 is the sum
    of its occurrences' class weights (A name, B one-liner and tags, C description), the
    weighted term frequency; a document's length is its count of distinct stems. ts_rank_cd()
    over all the words alone has no IDF, so common words outweighed rare ones (measured on
    the dev set: nDCG@10 0.554 against FTS5's 0.837)."""
    words = informative(vocabulary(terms))
    if sum(w.documents for w in words) <= SCORED_ROWS_BUDGET:
        return _first_allowed(lambda n: _postgres_bm25(words, n, None), k, within)
    if _narrow(within):
        return _postgres_bm25(words, k, within)
    return _first_allowed(_postgres_summed(words), k, within)


def _narrow(within: QuerySet | None) -> bool:
    """Whether PostgreSQL's planner expects `within` to allow at most NARROW_FILTER_SHARE of
    the directory. When the query's words match many rows, scoring the matching rows it
    allows in one query is then faster than checking the best rows of the whole ranking
    against it, each check a random read of the table (measured at a million organizations,
    the best 2,000 for the 10 of 20 needs matching over 5,000 rows, p50 in one query against
    windows: a country of 20 organizations 6 ms against 140, one of 44,000 450 against 980,
    a kind of 120,000 820 against 870, one of 330,000 2,640 against 250). When they match
    few, windows win but for the narrowest filters (the other 10 needs: 12-43 ms against
    200-2,100 in one query; that country 10-30 against 3-5)."""
    if within is None:
        return False
    plan = json.loads(within.explain(format="json"))
    return plan[0]["Plan"]["Plan Rows"] <= NARROW_FILTER_SHARE * document_count()


def _bm25_term(idf: Any, frequency: Any, size: Any, average: int) -> Any:
    """One word's BM25 term, in the order of _postgres_bm25()'s SQL so that both round alike."""
    return idf * frequency * (K1 + 1) / (frequency + K1 * (1 - B + B * size / average))


def _postgres_summed(words: list[Word]) -> Callable[[int], list[tuple[int, float]]]:
    """The ranking by the sum of each word's BM25 term from its remembered rows: the same
    floating-point operations, in the same order, as _postgres_bm25()'s SQL."""
    version = _index_version()
    rows, average = document_count(), _average_length()
    shares = [_remembered_rows(word, version, _postgres_rows) for word in words]
    terms = [
        _bm25_term(_idf(word, rows), share.frequencies, share.sizes, average)
        for word, share in zip(words, shares, strict=True)
    ]
    return _ranking([share.ids for share in shares], terms)


def _postgres_rows(word: Word) -> WordRows:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, length(scouting_document), 2 * ts_rank_cd({PG_WEIGHTS}, "  # noqa: S608
            "scouting_document, plainto_tsquery('english', %s), 0) FROM directory_organization "
            "WHERE scouting_document @@ plainto_tsquery('english', %s)",
            [word.text, word.text],
        )
        found = np.array(cursor.fetchall(), dtype=np.float64).reshape(-1, 3)
    return WordRows(
        ids=found[:, 0].astype(np.int64),
        frequencies=found[:, 2].copy(),
        sizes=found[:, 1].astype(np.int64),
    )


def _postgres_bm25(words: list[Word], k: int, within: QuerySet | None) -> list[tuple[int, float]]:
    """The `k` best rows by BM25 over `words` in one query, scoring every matching row."""
    rows, average = document_count(), _average_length()
    frequencies, score, params = [], [], []
    for i, word in enumerate(words):
        # float8 parameters: Django binds them as literals, which PostgreSQL reads as numeric.
        score.append(
            f"%s::float8 * f{i} * %s::float8 / "
            f"(f{i} + %s::float8 * (1 - %s::float8 + %s::float8 * size / %s::float8))"
        )
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
        allowed, allowed_params = within.values("pk").query.sql_with_params()
        sql += f" AND id IN ({allowed})"
        params += list(allowed_params)
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
