"""Word matching at scale on SQLite: the stems FTS5 indexes, and the pruning that scores only
the rows that can rank — exactly the full query's result when it can prove it, a bounded
approximation beyond EXACT_ROWS_LIMIT."""

from __future__ import annotations

import random

import pytest
from django.db import connection

from accord.directory import services as directory
from accord.directory.models import Organization
from accord.scouting import lexical
from accord.scouting.text import query_terms

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the pruning works on SQLite's FTS5 (PostgreSQL scores every matching row)",
)

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
        words = [w for w in COMMON if rng.random() < 0.4]
        words += [w for w, count in RARE.items() if i % (400 // count) == 0]
        words += rng.choices(FILLER, k=rng.randint(2, 40))
        rng.shuffle(words)
        rows.append(
            Organization(
                name=f"Org {i:03d}",
                one_liner=" ".join(words[:3]),
                description=" ".join(words[3:]),
            )
        )
    Organization.objects.bulk_create(rows)
    lexical.forget_document_count()
    return rows


def full_query(terms: list[str], k: int) -> list[tuple[int, float]]:
    return lexical._bm25(lexical.informative(lexical.vocabulary(terms)), k, None)


QUERIES = [
    "perovskite sensor battery",
    "lidar and hydrogel for grid fleet robots",
    "sensor battery grid fleet",
    "robot fleet",
    "battery",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("k", [5, 20])
def test_pruned_word_search_equals_scoring_every_row(directory_of_400, monkeypatch, query, k):
    monkeypatch.setattr(lexical, "SCORED_ROWS_BUDGET", 60)
    monkeypatch.setattr(lexical, "EXACT_ROWS_LIMIT", 10**9)
    terms = query_terms(query)
    assert lexical.search(terms, k) == full_query(terms, k)


def test_rare_words_prove_the_result_without_scoring_every_row(directory_of_400, monkeypatch):
    monkeypatch.setattr(lexical, "SCORED_ROWS_BUDGET", 100)  # the 22 rows of rare words fit
    words = lexical.vocabulary(query_terms("perovskite lidar hydrogel sensor"))
    matching = sum(w.documents for w in words)
    nominated = lexical.nominate(words)
    assert nominated is not None and nominated.rows < matching
    found = lexical._bm25(words, 5, None, only=[(nominated.expression, 100)])
    assert found[-1][1] >= nominated.bound  # the proof holds: no other row could rank
    assert found == full_query(["perovskite", "lidar", "hydrogel", "sensor"], 5)


def test_beyond_the_exact_limit_the_search_is_bounded_but_keeps_the_best(
    directory_of_400, monkeypatch
):
    monkeypatch.setattr(lexical, "SCORED_ROWS_BUDGET", 60)
    monkeypatch.setattr(lexical, "EXACT_ROWS_LIMIT", 0)
    terms = query_terms("hydrogel sensor battery grid fleet robot")
    found = lexical.search(terms, 20)
    exact = full_query(terms, 20)
    assert len(found) == 20
    assert found[:3] == exact[:3]  # the rows with the rare word, then the best of the rest
    assert all(pk in {p for p, _ in exact} or score <= exact[-1][1] for pk, score in found)


def test_query_words_are_stemmed_as_fts5_indexes_them(admin_user):
    directory.organization_create(
        actor=admin_user,
        data={
            "name": "Derma Labs",
            "description": "Dermatology and nanotechnology, with flexible assembly lines.",
        },
    )
    assert lexical.fts5_stem("dermatology") == "dermatolog"
    assert lexical.fts5_stem("assembly") == "assembl"
    for word in ("dermatology", "nanotechnology", "assembly", "flexible", "lines"):
        assert lexical.vocabulary([word])[0].documents == 1, word


def test_word_counts_follow_changes_to_the_directory(admin_user):
    assert lexical.vocabulary(["perovskite"])[0].documents == 0
    directory.organization_create(
        actor=admin_user, data={"name": "Sunfilm", "description": "Perovskite solar films."}
    )
    assert lexical.vocabulary(["perovskite"])[0].documents == 1


@pytest.mark.django_db(transaction=True)
def test_word_counts_see_a_change_committed_elsewhere_at_once():
    """Another process's import sends no signal here; its commit rewrites FTS5's structure
    record, which the remembered counts are checked against."""
    assert lexical.vocabulary(["perovskite"])[0].documents == 0
    assert lexical.document_count() == 0
    Organization.objects.bulk_create(
        [Organization(name=f"Sunfilm {i}", description="Perovskite solar films.") for i in range(3)]
    )
    assert lexical.vocabulary(["perovskite"])[0].documents == 3
    assert lexical.document_count() == 3
