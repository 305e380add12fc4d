"""Scouting at scale: query latency per mode, the vector index against exact search, and index
build throughput against the raw model.

    python benchmarks/scouting.py [--quick] [--json] [--sizes 100000,1000000]
                                  [--database-url postgres://user@host:port/empty_db]

Needs the `accord[ai]` extra (the sentence model). Seeds a fresh SQLite database in a temporary
ACCORD_DATA_DIR with the real organizations of the reference data sets (read in place, never copied)
padded with generated ones (benchmarks/directory.py's generator). Then:

1. Build throughput: the first organizations (real ones, with descriptions) are indexed by
   `indexing.refresh()` — database reads, hashing, encoding, writes, index files — and the
   same texts are encoded by the bare model, in the same run (`build_ratio_vs_raw_encoding`,
   target >= 0.90).
2. At each size: the rest of the directory gets vectors synthesized from those real embeddings
   (mixtures of two plus noise: encoding a million descriptions here would take days), stored
   and published as `refresh()` does, so the index files and, beyond `EXACT_LIMIT`, the
   approximate (IVF) index are built by the product's own code (timed).
3. Latency of `scout()` (top 20, reasons included, model loaded) per mode over realistic needs,
   against raw FTS5 running the same BM25 query over every matching row
   (`lexical_ratio_vs_raw_fts5`, target <= 2; and how much of raw FTS5's top 20 the lexical
   search, which sums remembered scores of each word, returns:
   `lexical_top20_agreement_with_raw_fts5`, 1 when exact). The lexical mode is measured once
   more on the first query of each need after a change of the directory, when it scores
   each word's rows to remember them (`lexical_first_after_change`), once more with one
   query scoring every matching row however many match, as without remembered scores
   (`lexical_every_row_scored`, and whether the top 20 is the same), and hybrid mode with a
   filter: the commonest country, and a country with few organizations (at least 20),
   and the vector search against exact numpy brute force on the same matrix (ratio and
   recall@10, target >= 0.95). Target: hybrid p95 <= 50 ms at 1,000,000 organizations.
   On PostgreSQL the word baselines are ts_rank_cd over every word of the need, from the
   stored document column and by parsing each matching row's texts again (how the lexical
   mode ranked before that column), and the FTS5 targets do not apply.

Human-readable output goes to stdout (stderr with --json); with --json the last line on stdout
is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import directory as directory_bench  # noqa: E402 - the shared generator and seeder

FULL = {"build": 1_000, "base": 4_000, "sizes": [100_000, 1_000_000], "reps": 3}
QUICK = {"build": 200, "base": 400, "sizes": [10_000], "reps": 2}
TARGETS = {"hybrid_p95_ms": 50.0, "lexical_ratio": 2.0, "recall_at_10": 0.95, "build_ratio": 0.9}
NEEDS = [
    "Computer vision for quality inspection on our factory lines",
    "Battery technology and energy storage for our grid assets and fleet",
    "Satellite imagery and earth observation data",
    "Hydrogen and alternative fuels for heavy industry and aviation",
    "AI for medical imaging and radiology",
    "Construction technology for our building sites",
    "Data labeling and training data for our AI programs",
    "Autonomous trucks and self-driving vehicles",
    "Payroll and HR for global, distributed teams",
    "Digital mental health services for our employees",
    "Payments and banking partners in Africa",
    "Industrial IoT sensors and predictive maintenance",
    "Augmented and virtual reality technology",
    "Identity and access management, authentication",
    "Carbon capture and removal for our plants",
    "Robotic process automation for back-office finance",
    "Cold chain logistics monitoring for pharmaceuticals",
    "Cybersecurity for operational technology in factories",
    "Precision agriculture with drones and soil sensors",
    "Recycling of lithium-ion batteries",
]


class Report(directory_bench.Report):
    pass


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def timed(function: Callable[[], Any], reps: int) -> list[float]:
    samples = []
    for _ in range(reps):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 95), 2),
    }


# 1. Build throughput ------------------------------------------------------------------------


def measure_build(report: Report, count: int) -> np.ndarray:
    """Index the first `count` organizations; answers their vectors (the synthesis base)."""
    from accord.directory.models import Organization
    from accord.scouting import embeddings, indexing
    from accord.scouting.text import organization_text

    rows = list(
        Organization.objects.order_by("pk").values_list(
            "name", "one_liner", "tag_names", "description"
        )[:count]
    )
    texts = [organization_text(*row) for row in rows]
    embeddings.encode(texts[:64])  # load and warm the model
    raw_seconds = []
    for _ in range(2):  # before and after the build; the faster one is the baseline
        started = time.perf_counter()
        raw = embeddings.encode(texts)
        raw_seconds.append(time.perf_counter() - started)
        if len(raw_seconds) == 1:
            started = time.perf_counter()
            result = indexing.refresh()
            build_seconds = time.perf_counter() - started
    # The bare model runs before and after the build, bracketing it against drift; the
    # baseline is their mean, and the ratio to the faster run is reported too.
    raw_rates = [len(texts) / seconds for seconds in raw_seconds]
    raw_rate, build_rate = statistics.mean(raw_rates), result.encoded / build_seconds
    ratio = build_rate / raw_rate
    report.figures.update(
        {
            "build_organizations": result.encoded,
            "raw_encoding_per_s": round(raw_rate, 1),
            "raw_encoding_per_s_runs": [round(rate, 1) for rate in raw_rates],
            "build_ratio_vs_fastest_raw_run": round(build_rate / max(raw_rates), 3),
            "build_per_s": round(build_rate, 1),
            "build_ratio_vs_raw_encoding": round(ratio, 3),
        }
    )
    report.say(
        f"[bold]Index build[/bold] of {result.encoded:,} organizations: {build_rate:,.1f}/s "
        f"against the bare model's {raw_rate:,.1f}/s on the same texts (runs before and after: "
        f"{raw_rates[0]:,.1f}/s, {raw_rates[1]:,.1f}/s): ratio {ratio:.3f} "
        f"(target >= {TARGETS['build_ratio']})"
    )
    if ratio < TARGETS["build_ratio"]:
        report.fail(f"index build ratio {ratio:.3f} < {TARGETS['build_ratio']}")
    return raw


def more_base_vectors(report: Report, base: np.ndarray, start: int, count: int) -> np.ndarray:
    """Real embeddings of further real organizations, so the synthetic ones are as varied as
    a directory of real texts (mixtures of too few vectors make near-ties everywhere)."""
    from accord.directory.models import Organization
    from accord.scouting import embeddings
    from accord.scouting.text import organization_text

    rows = Organization.objects.exclude(description="").order_by("pk")[start : start + count]
    texts = [organization_text(o.name, o.one_liner, o.tag_names, o.description) for o in rows]
    started = time.perf_counter()
    more = embeddings.encode(texts)
    report.say(
        f"  {len(texts):,} more real texts encoded for synthesis "
        f"({time.perf_counter() - started:.0f} s)"
    )
    return np.concatenate([base, more])


# 2. Vectors for the rest ----------------------------------------------------------------


def synthesize_vectors(report: Report, base: np.ndarray, seed: int) -> float:
    """Give every organization without an embedding a synthetic one; publish; time the files."""
    import uuid

    from django.db import connection, transaction
    from django.utils import timezone

    from accord.directory.models import Organization
    from accord.scouting import embeddings, vectors
    from accord.scouting.models import IndexState, OrganizationEmbedding

    rng = np.random.default_rng(seed)
    model = embeddings.model_name()
    missing = Organization.objects.filter(embedding__isnull=True).order_by("pk")
    pending = list(missing.values_list("pk", "updated_at"))
    from rich.progress import Progress

    with Progress(console=report.err, transient=True) as bar:
        task = bar.add_task("Storing synthetic vectors", total=len(pending))
        for start in range(0, len(pending), 10_000):
            batch = pending[start : start + 10_000]
            a = base[rng.integers(0, len(base), len(batch))]
            b = base[rng.integers(0, len(base), len(batch))]
            weights = rng.uniform(0.3, 1.0, (len(batch), 2)).astype(np.float32)
            noise = rng.normal(0, 0.35 / np.sqrt(base.shape[1]), a.shape).astype(np.float32)
            mixed = weights[:, :1] * a + weights[:, 1:] * b + noise
            mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
            with transaction.atomic():
                OrganizationEmbedding.objects.bulk_create(
                    [
                        OrganizationEmbedding(
                            organization_id=pk,
                            model=model,
                            text_hash="synthetic",
                            vector=mixed[i].astype("<f4").tobytes(),
                            embedded_at=updated_at,
                        )
                        for i, (pk, updated_at) in enumerate(batch)
                    ],
                    batch_size=2_000,
                )
            bar.update(task, completed=start + len(batch))
    token = uuid.uuid4().hex
    count = OrganizationEmbedding.objects.count()
    IndexState.objects.update_or_create(
        model=model,
        defaults={
            "dimensions": embeddings.DIMENSIONS,
            "token": token,
            "count": count,
            "built_at": timezone.now(),
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    vectors.forget()
    vectors.write_files(model, token)
    return time.perf_counter() - started


# 3. Latency -----------------------------------------------------------------------------


def raw_fts5(terms: list[str], k: int) -> list[Any]:
    from django.db import connection

    from accord.scouting.words.tuning import COLUMN_WEIGHTS

    match = " OR ".join(f'"{t}"' for t in terms)
    weights = ", ".join(str(w) for w in COLUMN_WEIGHTS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid, bm25(scouting_organization_fts, {weights}) AS r "  # noqa: S608
            "FROM scouting_organization_fts WHERE scouting_organization_fts MATCH %s "
            "ORDER BY r LIMIT %s",
            [match, k],
        )
        return cursor.fetchall()


def fts5_baselines(reps: int) -> dict[str, Any]:
    """Raw FTS5 running the lexical mode's BM25 query over every matching row, and over every
    word of the need; how much of raw FTS5's top 20 the lexical search returns."""
    from accord.scouting import matching
    from accord.scouting import words as lexical
    from accord.scouting.text import query_terms

    figures: dict[str, Any] = {}
    raw, raw_all = [], []
    for need in NEEDS:
        terms = query_terms(need)
        # The same match expression as the lexical mode (common words left out), and, for
        # comparison, every word of the need.
        informative = lexical.informative_terms(terms)
        raw += timed(lambda t=informative: raw_fts5(t, matching.POOL), reps)
        raw_all += timed(lambda t=terms: raw_fts5(t, matching.POOL), reps)
    figures["raw_fts5"] = summary(raw)
    figures["raw_fts5_every_word"] = summary(raw_all)
    # Beyond tuning.SCORED_ROWS_BUDGET matches the lexical mode sums each word's remembered
    # scores instead of scoring the rows in one query: how much of raw FTS5's top 20 it returns.
    agreement = []
    for need in NEEDS:
        terms = query_terms(need)
        truth = {pk for pk, _ in raw_fts5(lexical.informative_terms(terms), 20)}
        found = {pk for pk, _ in lexical.search(terms, 20)}
        agreement.append(len(truth & found) / max(len(truth), 1))
    figures["lexical_top20_agreement_with_raw_fts5"] = round(float(np.mean(agreement)), 4)
    return figures


def raw_postgres(terms: list[str], k: int, *, document: str = "scouting_document") -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ts_rank_cd({document}, q) AS r "  # noqa: S608 - constants
            "FROM directory_organization, to_tsquery('english', %s) q "
            "WHERE scouting_document @@ q ORDER BY r DESC, id LIMIT %s",
            [" | ".join(terms), k],
        )
        return cursor.fetchall()


def postgres_baselines(reps: int) -> dict[str, Any]:
    """ts_rank_cd() over every word of the need, from the stored document column and by
    parsing each matching row's texts again (how the lexical mode ranked before both the
    column and BM25); how much of that top 20 the lexical mode (BM25 over the informative
    words) shares: a measure of how differently it ranks, not of results lost."""
    from accord.scouting import matching
    from accord.scouting import words as lexical
    from accord.scouting.text import query_terms

    migration = importlib.import_module("accord.scouting.migrations.0004_scouting_document")
    parsing = migration.PG_DOCUMENT  # the expression the stored column holds
    stored, parsed, agreement = [], [], []
    for need in NEEDS:
        terms = query_terms(need)
        stored += timed(lambda t=terms: raw_postgres(t, matching.POOL), reps)
        parsed += timed(lambda t=terms: raw_postgres(t, matching.POOL, document=parsing), 1)
        truth = {pk for pk, _ in raw_postgres(terms, 20)}
        found = {pk for pk, _ in lexical.search(terms, 20)}
        agreement.append(len(truth & found) / max(len(truth), 1))
    return {
        "ts_rank_cd_every_word": summary(stored),
        "ts_rank_cd_every_word_parsing_each_row": summary(parsed),
        "lexical_top20_agreement_with_every_word": round(float(np.mean(agreement)), 4),
    }


def every_row_scored(admin: Any, reps: int) -> dict[str, Any]:
    """The lexical mode with one query scoring every matching row, however many: what the
    remembered word scores (beyond tuning.SCORED_ROWS_BUDGET matches) save, and whether
    they return the same ranking."""
    from accord.scouting import matching
    from accord.scouting import words as lexical
    from accord.scouting.text import query_terms
    from accord.scouting.words import tuning

    remembered = {need: lexical.search(query_terms(need), 20) for need in NEEDS}
    budget, tuning.SCORED_ROWS_BUDGET = tuning.SCORED_ROWS_BUDGET, 2**62
    try:
        samples = []
        for need in NEEDS:
            samples += timed(lambda n=need: matching.scout(n, user=admin, mode="lexical"), reps)
        same = sum(lexical.search(query_terms(n), 20) == remembered[n] for n in NEEDS)
    finally:
        tuning.SCORED_ROWS_BUDGET = budget
    return {
        "lexical_every_row_scored": summary(samples),
        "lexical_same_top20_as_every_row_scored": f"{same} of {len(NEEDS)} needs",
    }


def filtered_queries(admin: Any, reps: int) -> dict[str, Any]:
    """Hybrid mode filtered by the commonest country and by one with few organizations (at
    least 20), which the filter's windows of best rows rarely satisfy."""
    from django.db.models import Count

    from accord.directory.models import Organization
    from accord.directory.organization_filter import OrganizationCriteria
    from accord.scouting import matching

    countries = list(
        Organization.objects.exclude(country="")
        .values("country")
        .annotate(organizations=Count("id"))
        .order_by("-organizations", "country")
    )
    few = [c for c in countries if c["organizations"] >= 20]
    if not few:
        return {}
    figures: dict[str, Any] = {}
    for name, country in (("hybrid_common_country", few[0]), ("hybrid_rare_country", few[-1])):
        filters = OrganizationCriteria(country=[country["country"]])
        samples = []
        for need in NEEDS:
            samples += timed(
                lambda n=need, f=filters: matching.scout(n, user=admin, filters=f), reps
            )
        figures[name] = summary(samples)
        figures[f"{name}_filter"] = f"{country['country']}, {country['organizations']:,}"
    return figures


def measure_queries(report: Report, admin: Any, reps: int, label: str) -> dict[str, Any]:
    from django.db import connection

    from accord.scouting import embeddings, matching, vectors
    from accord.scouting import words as lexical

    figures: dict[str, Any] = {}
    index = vectors.current(embeddings.model_name())
    for need in NEEDS[:3]:  # warm caches and the model
        matching.scout(need, user=admin)
    # The first query of each need after a change of the directory, which counts its words
    # again and, beyond tuning.SCORED_ROWS_BUDGET matches, scores each word's rows to
    # remember them; the modes below run on what it remembered.
    lexical.forget()
    first = []
    for need in NEEDS:
        first += timed(lambda n=need: matching.scout(n, user=admin, mode="lexical"), 1)
    figures["lexical_first_after_change"] = summary(first)
    for mode in ("lexical", "semantic", "hybrid"):
        samples = []
        for need in NEEDS:
            samples += timed(lambda n=need, m=mode: matching.scout(n, user=admin, mode=m), reps)
        figures[mode] = summary(samples)
    figures.update(every_row_scored(admin, reps))
    figures.update(filtered_queries(admin, reps))
    if connection.vendor == "sqlite":
        figures.update(fts5_baselines(reps))
    else:
        figures.update(postgres_baselines(reps))
    encode = []
    for need in NEEDS:
        encode += timed(lambda n=need: embeddings.encode_query(n), reps)
    figures["query_encoding"] = summary(encode)
    queries = embeddings.encode(NEEDS)
    exact, searched, recall = [], [], []
    for query in queries:
        truth = {pk for pk, _ in index.exact(query, 10)}
        exact += timed(lambda q=query: index.exact(q, 10), reps)
        searched += timed(lambda q=query: index.search(q, 10), reps)
        recall.append(len(truth & {pk for pk, _ in index.search(query, 10)}) / 10)
    figures["vector_exact"] = summary(exact)
    figures["vector_index"] = summary(searched)
    figures["vector_index_kind"] = "ivf-flat (faiss)" if index.approximate else "exact (numpy)"
    figures["recall_at_10"] = round(float(np.mean(recall)), 4)
    figures["vector_ratio_vs_exact"] = round(
        figures["vector_exact"]["p50_ms"] / max(figures["vector_index"]["p50_ms"], 1e-6), 2
    )
    if "raw_fts5" in figures:
        figures["lexical_ratio_vs_raw_fts5"] = round(
            figures["lexical"]["p95_ms"] / max(figures["raw_fts5"]["p95_ms"], 1e-6), 2
        )
    else:
        figures["lexical_ratio_vs_parsing_each_row"] = round(
            figures["lexical"]["p95_ms"]
            / max(figures["ts_rank_cd_every_word_parsing_each_row"]["p95_ms"], 1e-6),
            3,
        )
    _print(report, figures, label)
    return figures


def _print(report: Report, figures: dict[str, Any], label: str) -> None:
    from rich.table import Table

    table = Table(title=f"Scouting at {label}")
    for column in ("what", "p50 (ms)", "p95 (ms)"):
        table.add_column(column, justify="left" if column == "what" else "right")
    rows = [
        "lexical",
        "lexical_first_after_change",
        "lexical_every_row_scored",
        "semantic",
        "hybrid",
        "hybrid_common_country",
        "hybrid_rare_country",
        "raw_fts5",
        "raw_fts5_every_word",
        "ts_rank_cd_every_word",
        "ts_rank_cd_every_word_parsing_each_row",
        "query_encoding",
        "vector_exact",
        "vector_index",
    ]
    for name in [row for row in rows if row in figures]:
        label = f"{name} ({figures[name + '_filter']})" if name + "_filter" in figures else name
        table.add_row(label, f"{figures[name]['p50_ms']:.2f}", f"{figures[name]['p95_ms']:.2f}")
    report.console.print(table)
    if "raw_fts5" in figures:
        words = (
            f"lexical mode {figures['lexical_ratio_vs_raw_fts5']}x raw FTS5 at p95, with "
            f"{figures['lexical_top20_agreement_with_raw_fts5']:.3f} of its top 20"
        )
    else:
        words = (
            f"lexical mode {figures['lexical_ratio_vs_parsing_each_row']}x ranking by parsing "
            f"each row at p95, with {figures['lexical_top20_agreement_with_every_word']:.3f} "
            "of the every-word top 20"
        )
    report.say(
        "  remembered word scores against scoring every row: same top 20 for "
        f"{figures['lexical_same_top20_as_every_row_scored']}"
    )
    report.say(
        f"  vector index: {figures['vector_index_kind']}, recall@10 {figures['recall_at_10']:.3f}"
        f" of exact, {figures['vector_ratio_vs_exact']}x faster at p50; {words}"
    )


def check_targets(report: Report, figures: dict[str, Any], size: int, largest: bool) -> None:
    if figures.get("lexical_ratio_vs_raw_fts5", 0) > TARGETS["lexical_ratio"]:
        report.fail(f"lexical {figures['lexical_ratio_vs_raw_fts5']}x raw FTS5 at {size:,}")
    if figures["recall_at_10"] < TARGETS["recall_at_10"]:
        report.fail(f"recall@10 {figures['recall_at_10']} < {TARGETS['recall_at_10']} at {size:,}")
    if largest and figures["hybrid"]["p95_ms"] > TARGETS["hybrid_p95_ms"]:
        report.fail(f"hybrid p95 {figures['hybrid']['p95_ms']} ms > 50 ms at {size:,}")


def page_latency(admin: Any, reps: int) -> dict[str, float]:
    """The quick-search page as a user opens it (hybrid, 20 results, rendered)."""
    from django.test import Client

    client = Client()
    client.force_login(admin)
    samples = []
    for need in NEEDS[:10]:
        url = f"/scouting/search/?text={need}&mode=hybrid&top=20"
        client.get(url)
        samples += timed(lambda u=url: client.get(u), reps)
    return summary(samples)


def directory_sizes(text: str) -> list[int]:
    """'100000,1M' or '100k' as numbers of organizations."""
    return [directory_size(size) for size in text.split(",")]


def directory_size(text: str) -> int:
    text = text.strip().lower()
    multiplier = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    digits = text[:-1] if multiplier > 1 else text
    try:
        size = int(float(digits) * multiplier)
    except ValueError:
        size = 0
    if size <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size like 100000, 100k or 1M")
    return size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", action="store_true", help="last stdout line is JSON figures")
    parser.add_argument(
        "--sizes", type=directory_sizes, help="comma-separated directory sizes (default 100k,1M)"
    )
    parser.add_argument(
        "--database-url",
        help="an empty PostgreSQL database to run on instead of a fresh SQLite file "
        "(postgres://user@host:port/name); the raw FTS5 baselines become PostgreSQL ones",
    )
    args = parser.parse_args()
    plan = dict(QUICK if args.quick else FULL)
    if args.sizes:
        plan["sizes"] = args.sizes
    report = Report(args.json)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-bench-scouting-") as tmp:
        directory_bench.setup_django(Path(tmp), args.database_url)
        from accord.accounts.services import user_create
        from accord.core import policy
        from accord.scouting import embeddings

        if not embeddings.available():
            report.say(f"Skipped: {embeddings.unavailable_reason()}")
            return 0
        if not (directory_bench.DATA / "yc_companies_2024-05-11.csv").exists():
            report.say(f"note: {directory_bench.DATA} is absent; every organization is generated")
        admin = user_create(actor=None, username="bench-admin", role=policy.ADMIN)
        seeder = directory_bench.Seeder(report, people_per_org=0)
        seeder.rows = real_first(seeder.used)
        seeder.grow_to(plan["build"])
        base = measure_build(report, plan["build"])
        seeder.grow_to(plan["base"])
        base = more_base_vectors(report, base, plan["build"], plan["base"] - plan["build"])
        for position, size in enumerate(plan["sizes"]):
            seconds = seeder.grow_to(size)
            report.say(f"[bold]{size:,} organizations[/bold] (seeded in {seconds:.0f} s)")
            files = synthesize_vectors(report, base, seed=position)
            report.say(f"  index files written in {files:.1f} s")
            figures = measure_queries(report, admin, plan["reps"], f"{size:,} organizations")
            figures["index_files_s"] = round(files, 1)
            figures["search_page"] = page_latency(admin, plan["reps"])
            report.say(
                f"  quick-search page (hybrid, 20 results): p50 "
                f"{figures['search_page']['p50_ms']} ms, p95 {figures['search_page']['p95_ms']} ms"
            )
            check_targets(report, figures, size, largest=position == len(plan["sizes"]) - 1)
            report.figures[str(size)] = figures
    report.figures["seconds"] = round(time.perf_counter() - started, 1)
    report.figures["failures"] = report.failures
    if args.json:
        print(json.dumps(report.figures))
    return 1 if report.failures else 0


def real_first(used: set[str]):
    """Real organizations with descriptions first (the build measurement encodes real text),
    then the directory benchmark's mix of generated and real rows."""
    real = (r for r in directory_bench.real_organizations() if r["description"])
    first = []
    for row in real:
        used.add(row["name"])
        first.append(row)
        if len(first) >= 5_000:
            break
    yield from first
    yield from directory_bench.organization_stream(used)


if __name__ == "__main__":
    sys.exit(main())
