"""BM25 as FTS5 computes it, for the PostgreSQL index: its SQL and the remembered sums in
Python are built from these two definitions, which must round alike to the last bit
(tests/test_scouting_lexical.py checks that they do). On SQLite, FTS5's bm25() computes it.
"""

from __future__ import annotations

import math
from typing import Any

from accord.scouting.words import tuning


def idf(documents: int, rows: int) -> float:
    """FTS5's IDF of a word in `documents` of `rows` organizations, kept positive as it keeps
    it."""
    return max(math.log((rows - documents + 0.5) / (documents + 0.5)), 1e-6)


def term(idf: float, frequency: Any, size: Any, average: int) -> Any:
    """One word's BM25 term in a row (or arrays of rows) from its weighted frequency and the
    row's length, in the order of term_sql()'s operations."""
    k1, b = tuning.K1, tuning.B
    return idf * frequency * (k1 + 1) / (frequency + k1 * (1 - b + b * size / average))


def term_sql(frequency: str, size: str, idf: float, average: int) -> tuple[str, list[Any]]:
    """term() as an SQL expression over the columns `frequency` and `size`, with its
    parameters. float8 parameters: Django binds them as literals, which PostgreSQL would
    read as numeric."""
    k1, b = tuning.K1, tuning.B
    sql = (
        f"%s::float8 * {frequency} * %s::float8 / "
        f"({frequency} + %s::float8 * (1 - %s::float8 + %s::float8 * {size} / %s::float8))"
    )
    return sql, [idf, k1 + 1, k1, b, b, average]
