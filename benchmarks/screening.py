"""Screening MCDA at scale: TOPSIS ranking and Monte Carlo weight sensitivity, against pymcdm.

    python benchmarks/screening.py [--quick] [--json]

Generates a decision matrix of 10,000 candidates x 12 criteria (8 benefits, 4 costs; --quick:
2,000 x 12) with weights drawn around a rubric's, then, through `accord.screening.mcda`:

- a TOPSIS ranking plus a 1,000-sample sensitivity run (--quick: 200), which draws Dirichlet
  weights around the chosen ones and counts each candidate's rank-1 and top-3 shares. Target:
  ranking plus sensitivity within 0.5 s (best of several runs, as timeit reports; the median
  and the CPU time are printed beside it);
- the same sensitivity figures from pymcdm's TOPSIS called once per weight sample, with its
  input validation switched off (`validation=False`), on the same samples, in the same run.
  Target: accord at least 4 times faster. Both must agree: the same closeness to 1e-9 for one
  weight sample, and the same rank-1 and top-3 shares.

BLAS runs on one thread unless OPENBLAS_NUM_THREADS (or OMP_/MKL_NUM_THREADS) says otherwise:
OpenBLAS's idle workers spin after each product, and on a machine shared with other work that
made the sensitivity run three to four times slower (about 0.45 s against 0.13 s at a load
average of 2.5 on 2 cores). A server running several workers should pin it the same way.

pymcdm is only for this comparison and is not among the project's dependencies (it brings
scipy, pandas and matplotlib); without it the comparison is skipped with a message, and
`pip install pymcdm` enables it.

Human-readable output goes to stdout (stderr with --json); with --json the last line on stdout
is one JSON object of figures. Exits non-zero when a target is missed or the two disagree.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import inspect
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")  # before numpy loads BLAS; see the docstring

import numpy as np  # noqa: E402

from accord.screening import mcda  # noqa: E402

TOTAL_TARGET_S = 0.5
SPEEDUP_TARGET = 4.0
AGREEMENT = 1e-9
TOP_K = 3
SEED = 7

FULL = {"alternatives": 10_000, "criteria": 12, "samples": 1_000, "repeats": 7, "pymcdm": 2}
QUICK = {"alternatives": 2_000, "criteria": 12, "samples": 200, "repeats": 5, "pymcdm": 2}


class Report:
    """Prints progress for people (stdout, or stderr in --json mode) and collects figures."""

    def __init__(self, as_json: bool) -> None:
        from rich.console import Console

        self.console = Console(stderr=as_json, highlight=False, soft_wrap=True)
        self.figures: dict[str, Any] = {}
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        self.console.print(text)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        self.console.print(f"[bold red]FAIL[/bold red] {text}")


def make_problem(alternatives: int, criteria: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rubric-like scores: a latent quality per candidate plus noise per criterion, 0..10."""
    rng = np.random.default_rng(SEED)
    quality = rng.normal(5.0, 1.5, (alternatives, 1))
    matrix = np.clip(quality + rng.normal(0.0, 2.0, (alternatives, criteria)), 0.0, 10.0)
    types = np.array([mcda.BENEFIT] * (criteria - criteria // 3) + [mcda.COST] * (criteria // 3))
    matrix[:, types == mcda.COST] = 10.0 - matrix[:, types == mcda.COST]
    weights = rng.dirichlet(np.full(criteria, 4.0))
    return matrix, weights, types


def timed(function: Callable[[], Any], repeats: int) -> tuple[Any, list[float], list[float]]:
    """The last result, and wall and CPU seconds of each run."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = function()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return result, walls, cpus


def measure_accord(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    sizes: dict[str, int],
    report: Report,
) -> tuple[mcda.Sensitivity, float]:
    samples = sizes["samples"]

    def ranking() -> mcda.Ranking:
        return mcda.rank(matrix, weights, types, method="topsis")

    def sensitivity() -> mcda.Sensitivity:
        return mcda.sensitivity(
            matrix, weights, types, method="topsis", samples=samples, top_k=TOP_K, seed=SEED
        )

    def both() -> tuple[mcda.Ranking, mcda.Sensitivity]:
        return ranking(), sensitivity()

    both()  # warm up: first-touch of memory and BLAS threads
    (ranked, result), walls, cpus = timed(both, sizes["repeats"])
    _, rank_walls, _ = timed(ranking, sizes["repeats"])
    _, sensitivity_walls, _ = timed(sensitivity, sizes["repeats"])
    tracemalloc.start()
    sensitivity()
    peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    best, median = min(walls), statistics.median(walls)
    report.figures.update(
        accord_rank_s=round(min(rank_walls), 4),
        accord_sensitivity_s=round(min(sensitivity_walls), 4),
        accord_rank_plus_sensitivity_s=round(best, 4),
        accord_rank_plus_sensitivity_median_s=round(median, 4),
        accord_rank_plus_sensitivity_cpu_s=round(min(cpus), 4),
        accord_sensitivity_peak_mb=round(peak_mb, 1),
        leader=result.leader,
        leader_p_first=result.leader_p_first,
        stability=result.stability,
    )
    report.say(
        f"  ranking {min(rank_walls) * 1000:.1f} ms; sensitivity ({samples:,} samples)"
        f" {min(sensitivity_walls) * 1000:.1f} ms; both {best * 1000:.1f} ms best,"
        f" {median * 1000:.1f} ms median, {min(cpus) * 1000:.1f} ms CPU"
        f" (target <= {TOTAL_TARGET_S * 1000:.0f} ms); peak memory {peak_mb:.0f} MB"
    )
    report.say(
        f"  leader: candidate {result.leader} (rank {ranked.ranking[result.leader]}), ranked 1 in"
        f" {result.leader_p_first:.1%} of samples: {result.stability}"
    )
    if best > TOTAL_TARGET_S:
        report.fail(f"ranking plus sensitivity {best:.3f} s > {TOTAL_TARGET_S} s")
    return result, min(sensitivity_walls)


def pymcdm_topsis() -> Callable[..., np.ndarray] | None:
    try:
        from pymcdm import normalizations
        from pymcdm.methods import TOPSIS
    except ImportError:
        return None
    method = TOPSIS(normalization_function=normalizations.vector_normalization)
    # pymcdm >= 1.2 checks every input on each call unless told not to; older ones always do.
    switch_off = "validation" in inspect.signature(method.__call__).parameters
    options = {"validation": False} if switch_off else {}

    def closeness(matrix: np.ndarray, weights: np.ndarray, types: np.ndarray) -> np.ndarray:
        return np.asarray(method(matrix, weights, types, **options))

    return closeness


def measure_pymcdm(
    matrix: np.ndarray,
    weights: np.ndarray,
    types: np.ndarray,
    sizes: dict[str, int],
    ours: mcda.Sensitivity,
    ours_s: float,
    report: Report,
) -> None:
    topsis = pymcdm_topsis()
    if topsis is None:
        report.figures["pymcdm_status"] = "missing"
        report.say(
            "  [yellow]SKIP[/yellow] pymcdm is not installed: no comparison"
            " (pip install pymcdm to run it)"
        )
        return
    version = importlib.metadata.version("pymcdm")
    drawn = mcda.sample_weights(weights, samples=sizes["samples"], seed=SEED)
    alternatives = len(matrix)

    def per_sample() -> tuple[np.ndarray, np.ndarray]:
        first, top = np.zeros(alternatives), np.zeros(alternatives)
        for sample in drawn:
            closeness = topsis(matrix, sample, types)
            first += closeness >= closeness.max() - mcda.TIE_TOLERANCE
            kth = np.partition(closeness, alternatives - TOP_K)[alternatives - TOP_K]
            top += closeness >= kth - mcda.TIE_TOLERANCE
        return first / len(drawn), top / len(drawn)

    (first, top), walls, _ = timed(per_sample, sizes["pymcdm"])
    theirs_s = min(walls)
    speedup = theirs_s / ours_s
    one_sample = mcda.topsis(matrix, drawn[0], types) - topsis(matrix, drawn[0], types)
    difference = float(np.abs(one_sample).max())
    shares = float(max(np.abs(first - ours.p_first).max(), np.abs(top - ours.p_top_k).max()))
    report.figures.update(
        pymcdm_status="ok",
        pymcdm_version=version,
        pymcdm_per_sample_s=round(theirs_s, 4),
        speedup_vs_pymcdm=round(speedup, 2),
        closeness_max_difference=difference,
        shares_max_difference=shares,
    )
    report.say(
        f"  pymcdm {version} TOPSIS once per sample, validation off:"
        f" {theirs_s * 1000:.0f} ms; accord is {speedup:.1f}x faster (target >= {SPEEDUP_TARGET}x)"
    )
    report.say(
        f"  agreement: closeness for one weight sample differs by at most {difference:.1e}"
        f" (limit {AGREEMENT:.0e}); rank-1 and top-{TOP_K} shares by at most {shares:.1e}"
    )
    if speedup < SPEEDUP_TARGET:
        report.fail(f"speedup vs pymcdm {speedup:.2f}x < {SPEEDUP_TARGET}x")
    if difference > AGREEMENT:
        report.fail(f"closeness differs from pymcdm's by {difference:.2e} > {AGREEMENT:.0e}")
    if shares > 1 / sizes["samples"]:
        report.fail(f"rank-1/top-{TOP_K} shares differ from pymcdm's by {shares:.3f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few seconds")
    parser.add_argument("--json", action="store_true", help="last stdout line is JSON figures")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    report = Report(args.json)
    started = time.perf_counter()
    matrix, weights, types = make_problem(sizes["alternatives"], sizes["criteria"])
    report.figures.update(
        alternatives=sizes["alternatives"],
        criteria=sizes["criteria"],
        samples=sizes["samples"],
        top_k=TOP_K,
        rank_plus_sensitivity_target_s=TOTAL_TARGET_S,
        speedup_target=SPEEDUP_TARGET,
        blas_threads=os.environ["OPENBLAS_NUM_THREADS"],
    )
    report.say(
        f"[bold]{sizes['alternatives']:,} candidates x {sizes['criteria']} criteria,"
        f" {sizes['samples']:,} weight samples[/bold] (BLAS threads:"
        f" {os.environ['OPENBLAS_NUM_THREADS']})"
    )
    ours, ours_s = measure_accord(matrix, weights, types, sizes, report)
    measure_pymcdm(matrix, weights, types, sizes, ours, ours_s, report)
    # Other work on the machine inflates wall-clock figures; the load shows how much to trust them.
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    report.figures["load_average_1min_at_end"] = round(load, 2)
    report.figures["cpu_count"] = cores
    if load > cores:
        report.say(
            f"[yellow]WARN[/yellow] load average {load:.1f} on {cores} cores: other work inflated"
            " the wall-clock figures."
        )
    report.figures["failures"] = report.failures
    report.figures["seconds"] = round(time.perf_counter() - started, 1)
    report.say(f"done in {report.figures['seconds']} s, {len(report.failures)} failure(s)")
    if args.json:
        print(json.dumps(report.figures))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
