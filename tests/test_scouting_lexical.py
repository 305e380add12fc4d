"""Word matching at scale: the stems FTS5 indexes, and the remembered scores of each word that
add up to exactly what one BM25 query over every matching row returns (FTS5's bm25() on
SQLite, the same formula in SQL on PostgreSQL)."""

from __future__ import annotations

import random

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.directory import services as directory
from accord.directory.models import Organization
from accord.scouting import words
from accord.scouting.text import query_terms
from accord.scouting.words import bm25, tuning
from accord.scouting.words.cache import CACHE

COMMON = ["sensor", "battery", "grid", "fleet", "robot"]
RARE = {"perovskite": 4, "lidar": 7, "hydrogel": 11}
FILLER = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "zeta",
    "theta",
    "kappa",
    "lambda",
    "sigma",
    "omega",
]


@pytest.fixture
def directory_of_400(db):
    """400 organizations: five common words in about 40% of them each (often together), three
    rare ones in a few, descriptions of varying length so that BM25 scores differ."""
    rng = random.Random(7)
    rows = []
    for i in range(400):
        chosen = [w for w in COMMON if rng.random() < 0.4]
        chosen += [w for w, count in RARE.items() if i % (400 // count) == 0]
        chosen += rng.choices(FILLER, k=rng.randint(2, 40))
        rng.shuffle(chosen)
        rows.append(
            Organization(
                name=f"Org {i:03d}",
                one_liner=" ".join(chosen[:3]),
                description=" ".join(chosen[3:]),
            )
        )
    Organization.objects.bulk_create(rows)
    words.forget()
    return rows


def full_query(terms: list[str], k: int) -> list[tuple[int, float]]:
    """One query scoring every matching row."""
    index = words.current()
    seen = index.seen()
    return index.scored(index.informative(index.vocabulary(terms, seen), seen), k, None, seen)


QUERIES = [
    "perovskite sensor battery",
    "lidar and hydrogel for grid fleet robots",
    "sensor battery grid fleet",
    "robot fleet",
    "battery",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("k", [5, 20])
def test_remembered_word_scores_add_up_to_scoring_every_row(
    directory_of_400, monkeypatch, query, k
):
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 60)
    terms = query_terms(query)
    assert words.search(terms, k) == full_query(terms, k)  # same rows, order and scores
    assert words.search(terms, k) == full_query(terms, k)  # and again from memory


@pytest.mark.parametrize("budget", [60, 10**6])  # words' scores summed; one bm25() query
@pytest.mark.parametrize("selective", [50, 20_000])  # read whole when it allows at most this
@pytest.mark.parametrize("suffix", ["7", "13", "Org 399"])
def test_a_filter_keeps_the_best_rows_it_allows(
    directory_of_400, monkeypatch, budget, selective, suffix
):
    """The filter is checked on the best rows in growing windows; a selective one ("13"
    allows 4 of 400, "Org 399" one) either reaches the end of the ranking or, when it allows
    few enough organizations, is read whole."""
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", budget)
    monkeypatch.setattr(tuning, "SELECTIVE_FILTER_ROWS", selective)
    monkeypatch.setattr(tuning, "NARROW_FILTER_SHARE", 0)  # PostgreSQL checks windows too
    terms = query_terms("sensor battery grid fleet")
    within = Organization.objects.filter(name__endswith=suffix)
    allowed = set(within.values_list("pk", flat=True))
    everything = full_query(terms, 400)
    assert (
        words.search(terms, 10, within=within)
        == [(pk, score) for pk, score in everything if pk in allowed][:10]
    )


def test_a_filter_is_read_whole_at_most_once(directory_of_400, monkeypatch):
    """A filter allowing 20 rows ranked 100th to 119th, with at most 5 read whole: windows of
    8 and 64 best rows hold none, the filter is read once and found too large, and the window
    of 512 finds the best of them."""
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 60)
    monkeypatch.setattr(tuning, "SELECTIVE_FILTER_ROWS", 5)
    monkeypatch.setattr(tuning, "NARROW_FILTER_SHARE", 0)
    terms = query_terms("sensor battery grid fleet")
    ranking = full_query(terms, 400)
    within = Organization.objects.filter(pk__in=[pk for pk, _ in ranking[100:120]])
    words.search(terms, 1)  # the words' rows, remembered
    with CaptureQueriesContext(connection) as queries:
        assert words.search(terms, 1, within=within) == ranking[100:101]
    filtered = [
        q["sql"]
        for q in queries
        if '"directory_organization"' in q["sql"] and not q["sql"].startswith("EXPLAIN")
    ]
    listed = ("json_each", "unnest")  # a window's ids, checked against the filter
    assert sum(not any(marker in sql for marker in listed) for sql in filtered) == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner decides")
@pytest.mark.parametrize(("allowing", "windows"), [(4, False), (40, False), (400, True)])
def test_postgresql_scores_a_filter_its_planner_expects_to_be_narrow_in_one_query(
    directory_of_400, monkeypatch, allowing, windows
):
    """A filter allowing 4 or 40 of 400 organizations, at most 15%: one query; all of them:
    the best rows of the remembered ranking, checked in windows."""
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 60)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_organization")
    terms = query_terms("sensor battery grid fleet")
    within = Organization.objects.filter(pk__lt=directory_of_400[0].pk + allowing)
    allowed = set(within.values_list("pk", flat=True))
    expected = [(pk, score) for pk, score in full_query(terms, 400) if pk in allowed][:10]
    with CaptureQueriesContext(connection) as queries:
        assert words.search(terms, 10, within=within) == expected
    checked = [q["sql"] for q in queries if "unnest" in q["sql"]]
    assert bool(checked) == windows


def test_remembered_scores_follow_changes_to_the_directory(
    directory_of_400, admin_user, monkeypatch
):
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 60)
    terms = query_terms("sensor battery grid fleet robot")
    before = words.search(terms, 5)
    best = directory.organization_create(
        actor=admin_user,
        data={"name": "Sensor Battery Grid", "one_liner": "fleet robot sensor battery grid"},
    )
    after = words.search(terms, 5)
    assert after[0][0] == best.pk and after != before
    assert after == full_query(terms, 5)  # every score moved with the new row counts


def test_remembered_scores_are_bounded(directory_of_400, monkeypatch):
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 60)
    monkeypatch.setattr(tuning, "REMEMBERED_PAIRS", 200)  # about one common word's rows
    for query in QUERIES:
        terms = query_terms(query)
        assert words.search(terms, 5) == full_query(terms, 5)
    assert len(CACHE) == 1 or CACHE.held <= 200


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5's porter stems")
def test_query_words_are_stemmed_as_fts5_indexes_them(admin_user):
    directory.organization_create(
        actor=admin_user,
        data={
            "name": "Derma Labs",
            "description": "Dermatology and nanotechnology, with flexible assembly lines.",
        },
    )
    assert words.fts5_stem("dermatology") == "dermatolog"
    assert words.fts5_stem("assembly") == "assembl"
    for word in ("dermatology", "nanotechnology", "assembly", "flexible", "lines"):
        assert words.vocabulary([word])[0].documents == 1, word


def test_word_counts_follow_changes_to_the_directory(admin_user):
    assert words.vocabulary(["perovskite"])[0].documents == 0
    directory.organization_create(
        actor=admin_user, data={"name": "Sunfilm", "description": "Perovskite solar films."}
    )
    assert words.vocabulary(["perovskite"])[0].documents == 1


def another_process_imports(rows: list[Organization]) -> None:
    """What another process's import does: no signal reaches this one, and once committed,
    its services advance the change marker (on SQLite FTS5's commit already rewrote it)."""
    Organization.objects.bulk_create(rows)
    words.directory_changed()


@pytest.mark.django_db(transaction=True)
def test_word_counts_and_scores_see_a_change_committed_elsewhere_at_once(monkeypatch):
    """The remembered counts and scores are checked against FTS5's structure record on
    SQLite and the change marker on PostgreSQL, both moved by any committed change."""
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 0)  # every search sums remembered scores
    assert words.vocabulary(["perovskite"])[0].documents == 0
    assert words.document_count() == 0
    another_process_imports([Organization(name="Sunfilm", description="Perovskite.")])
    assert len(words.search(["perovskite"], 10)) == 1
    another_process_imports(
        [Organization(name=f"Sunfilm {i}", description="Perovskite solar films.") for i in range(3)]
    )
    assert words.vocabulary(["perovskite"])[0].documents == 4
    assert words.document_count() == 4
    assert len(words.search(["perovskite"], 10)) == 4


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_through_the_services_moves_the_change_marker(admin_user):
    """Other processes see it: their remembered counts and scores were read at the old one."""
    before = words.current().version()
    directory.organization_create(actor=admin_user, data={"name": "Sunfilm"})
    assert words.current().version() != before


def test_sums_equal_one_query_to_the_last_bit_for_every_length(db, monkeypatch):
    """Rows of 1 to 240 distinct words: every length normalization BM25 can meet in a row,
    each rounded alike by the remembered sums and by the one query."""
    rng = random.Random(11)
    Organization.objects.bulk_create(
        Organization(
            name=f"Org {size}",
            one_liner=" ".join(rng.sample(COMMON, 2)),
            description=" ".join(f"w{rng.randrange(10**6)}x" for _ in range(size)),
        )
        for size in range(1, 241)
    )
    words.forget()
    monkeypatch.setattr(tuning, "SCORED_ROWS_BUDGET", 0)
    for query in QUERIES:
        terms = query_terms(query)
        assert words.search(terms, 240) == full_query(terms, 240), query


@pytest.mark.skipif(connection.vendor != "postgresql", reason="FTS5's bm25() scores SQLite")
def test_bm25_in_sql_and_in_python_agree_to_the_last_bit(db):
    """The one query's SQL and the remembered sums' Python are built from bm25.py: the same
    operations in the same order, for frequencies ts_rank_cd() can give and any length."""
    rng = random.Random(3)
    cases = [
        (rng.uniform(1e-6, 12), rng.choice([0.1, 1.0, 1.5, 2.0, 3.5]), rng.randint(1, 500))
        for _ in range(200)
    ]
    average = 37
    with connection.cursor() as cursor:
        for idf, frequency, size in cases:
            sql, params = bm25.term_sql("f", "size", idf, average)
            cursor.execute(
                f"SELECT {sql} "  # noqa: S608 - built from constants
                "FROM (SELECT %s::float4::float8 AS f, %s::integer AS size) AS one",
                [*params, frequency, size],
            )
            in_sql = cursor.fetchone()[0]
            expected = bm25.term(idf, np.float64(np.float32(frequency)), np.int64(size), average)
            assert in_sql == float(expected), (idf, frequency, size)
