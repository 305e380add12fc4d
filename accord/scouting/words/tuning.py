"""Every tuning constant of word search, each with why it has its value.

What they cost and buy, with the benchmark's figures: docs/word-search.md.
"""

# bm25() weights of name, one-liner, tags and description: a name or a summary says more
# about an organization than a word deep in its description (tuned on the dev set only).
COLUMN_WEIGHTS = (2.0, 1.5, 1.5, 1.0)

# BM25's term-frequency saturation and length normalization: FTS5's own values, which the
# PostgreSQL index copies so that both databases rank alike.
K1 = 1.2
B = 0.75

# A word in more than this share of the organizations is left out while rarer ones remain:
# BM25 gives it little weight, yet it would match most rows.
COMMON_SHARE = 0.05

# In a directory smaller than this no word counts as common: scoring every row is cheap.
COMMON_FLOOR = 5_000

# Matching rows scored in one query; beyond, each word's remembered scores are summed, since
# scoring costs a lookup per matching row and a remembered sum does not.
SCORED_ROWS_BUDGET = 5_000

# (organization id, score) pairs remembered per process, 16 bytes each: 64 MB at most.
REMEMBERED_PAIRS = 4_000_000

# The first window of best rows checked against a filter holds this many times the rows
# asked for, and each next one this many times more: few round trips for any filter.
WINDOW_GROWTH = 8

# A filter allowing at most this many organizations is read whole once a window of best
# rows held too few of them: the whole ranking is then kept to it in one pass.
SELECTIVE_FILTER_ROWS = 20_000

# PostgreSQL scores the matching rows a filter allows in one query when its planner expects
# the filter to allow at most this share of the directory: each window check is a random
# read of the table there, while its planner uses the filter's index well.
NARROW_FILTER_SHARE = 0.15

# PostgreSQL counts a word's organizations exactly only when its planner estimates at most
# this many: counting walks every posting, and a common word's estimate is close enough for
# its IDF.
COUNTED_ROWS_LIMIT = 5_000
