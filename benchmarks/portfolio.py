"""The quarterly review and the board pack at scale, against the plain aggregation queries.

    python benchmarks/portfolio.py [--quick] [--json]

Seeds a fresh SQLite database in a temporary ACCORD_DATA_DIR with the pipeline of
`benchmarks/pipeline.py` (partnerships over every stage with their parties, gaps, moves,
pilots, milestones and committees), then the metrics of every partnership that got as far as
a pilot: six KPIs (revenue in euros and dollars, savings, patents, prototypes, time to market,
satisfaction), two years of observations spread over them, targets for the last four quarters,
quarterly costs, and two health rounds answered by both sides.

Then, as an administrator, it times (median of the repetitions, with the SQL query count):
  - the review: `review_run` for the last complete quarter, rolled back after each run;
  - the board pack: `boardpack.build` now and as of a day ago, its HTML, and its PDF;
  - the plain aggregation queries that give the same figures (the same GROUP BYs with no
    access policy and no objects), in the same run, as the baseline of each.
at the small size and again at the large one (200 -> 2,000 partnerships, 100,000 ->
1,000,000 observations; --quick: 60 -> 300 and 20,000 -> 100,000). Last, the rows per
second of importing 100,000 values (10,000), against recording them one by one. Targets: the
review and the pack within 2 times their baseline, the same number of queries at both sizes,
and the PDF of the large portfolio within 30 s.

Human-readable output goes to stdout (stderr with --json); with --json the last line on stdout
is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pipeline  # the seeder of the partnerships, beside this script

RATIO_TARGET = 2.0
PDF_TARGET_S = 30.0
MEASURED_STAGES = ("piloting", "active", "renewal_review", "exited")
KPIS = [  # name, category, unit, money, benefit, aggregation, direction, typical value
    ("Partner revenue", "business", "EUR", True, True, "sum", "higher", 40_000),
    ("Cost savings", "business", "EUR", True, True, "sum", "higher", 15_000),
    ("Co-developed patents", "innovation", "patents", False, False, "sum", "higher", 1),
    ("Prototypes built", "innovation", "prototypes", False, False, "sum", "higher", 2),
    ("Time to market", "innovation", "days", False, False, "last", "lower", 180),
    ("Customer satisfaction", "relationship", "points", False, False, "average", "higher", 7),
]
QUESTIONS = ("trust", "communication", "value", "governance", "alignment")


@dataclass(frozen=True)
class Size:
    pipeline: pipeline.Size
    observations: int


FULL = {
    "small": Size(pipeline.Size(200, 20, 2_000, 400, 2_000), 100_000),
    "large": Size(pipeline.Size(2_000, 200, 20_000, 4_000, 20_000), 1_000_000),
    "reps": 5,
    "import": 100_000,
}
QUICK = {
    "small": Size(pipeline.Size(60, 6, 600, 120, 600), 20_000),
    "large": Size(pipeline.Size(300, 30, 3_000, 600, 3_000), 100_000),
    "reps": 3,
    "import": 10_000,
}


class MetricsSeeder:
    """Adds the metrics of the partnerships seeded since the last call, in bulk."""

    def __init__(self, admin: Any) -> None:
        from django.utils import timezone

        self.admin = admin
        self.rng = random.Random(31)
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.seeded: set[int] = set()
        self.observations = 0
        self.kpis = self._kpis()
        self._rates()

    def _kpis(self) -> list[Any]:
        from accord.metrics.models import Kpi

        return Kpi.objects.bulk_create(
            Kpi(name=name, category=category, unit=unit, is_money=money, is_benefit=benefit,
                aggregation=aggregation, direction=direction)
            for name, category, unit, money, benefit, aggregation, direction, _ in KPIS
        )  # fmt: skip

    def _rates(self) -> None:
        from accord.metrics.models import ExchangeRate

        first = self.today.replace(day=1) - dt.timedelta(days=3 * 366)
        months = [dt.date(first.year + (first.month - 1 + n) // 12, (first.month - 1 + n) % 12 + 1,
                          1) for n in range(40)]  # fmt: skip
        ExchangeRate.objects.bulk_create(
            ExchangeRate(currency="USD", valid_from=m, rate=Decimal("0.9") - Decimal(n) / 1000,
                         recorded_by=self.admin) for n, m in enumerate(months)
        )  # fmt: skip

    def grow_to(self, observations: int) -> float:
        from django.db import transaction

        from accord.partnerships.models import Partnership

        started = time.perf_counter()
        new = list(
            Partnership.objects.filter(stage__in=MEASURED_STAGES)
            .exclude(pk__in=self.seeded).values_list("pk", flat=True)
        )  # fmt: skip
        everyone = len(self.seeded) + len(new)
        with transaction.atomic():
            self._observations(new, observations - self.observations, everyone)
            self._targets_and_costs(new)
            self._surveys(new)
        self.seeded.update(new)
        return time.perf_counter() - started

    def _observations(self, partnerships: list[int], count: int, everyone: int) -> None:
        """The new partnerships get their share of `count` more values; the earlier ones keep
        theirs, so each partnership has about as many values at both sizes' end."""
        from accord.core.bulk import db_value, insert_rows
        from accord.metrics.models import Observation

        rng, fields = self.rng, {f.attname: f for f in Observation._meta.concrete_fields}
        per_series = max(1, count // max(1, len(partnerships) * len(self.kpis)))
        days = [self.today - dt.timedelta(days=n) for n in range(1, 2 * 365)]
        at = db_value(fields["recorded_at"])
        columns = ("partnership_id", "kpi_id", "observed_on", "value", "currency", "attribution",
                   "note", "source", "recorded_by_id", "recorded_at")  # fmt: skip
        rows = []
        for pk in partnerships:
            for kpi, spec in zip(self.kpis, KPIS, strict=True):
                typical = spec[-1]
                for day in rng.sample(days, min(per_series, len(days))):
                    dollars = kpi.is_money and rng.random() < 0.2
                    value = Decimal(rng.randint(1, 2 * typical * 100)) / 100
                    attribution = rng.choice(("sourced", "influenced", "")) if kpi.is_money else ""
                    recorded = self.now - dt.timedelta(days=(self.today - day).days - 2)
                    rows.append((pk, kpi.pk, day, str(value), "USD" if dollars else
                                 ("EUR" if kpi.is_money else ""), attribution, "", "import",
                                 self.admin.pk, at(min(recorded, self.now))))  # fmt: skip
        for start in range(0, len(rows), 20_000):
            insert_rows(Observation, columns, rows[start : start + 20_000])
        self.observations += len(rows)

    def _targets_and_costs(self, partnerships: list[int]) -> None:
        from accord.core.bulk import db_value, insert_rows
        from accord.metrics import periods
        from accord.metrics.models import CostEntry, KpiTarget

        rng = self.rng
        last = periods.shift(periods.quarter_of(self.today), -1)
        quarters = [periods.shift(last, -n) for n in range(4)]
        targets, costs = [], []
        at = db_value({f.attname: f for f in CostEntry._meta.concrete_fields}["recorded_at"])
        for pk in partnerships:
            for kpi, spec in zip(self.kpis, KPIS, strict=True):
                share = {"sum": 30, "average": 1, "last": 1}[kpi.aggregation]
                for quarter in quarters:
                    goal = Decimal(spec[-1] * share * rng.uniform(0.6, 1.4)).quantize(Decimal(1))
                    targets.append((1, pk, kpi.pk, quarter, str(goal),
                                    "EUR" if kpi.is_money else ""))  # fmt: skip
            for quarter in periods.quarters(periods.shift(last, -7), last):
                amount = Decimal(rng.randint(5_000, 200_000))
                costs.append((pk, quarter, "money", str(amount), "EUR", "", self.admin.pk,
                               at(self.now)))  # fmt: skip
        insert_rows(KpiTarget, ("version", "partnership_id", "kpi_id", "quarter", "value",
                                "currency"), targets)  # fmt: skip
        insert_rows(CostEntry, ("partnership_id", "spent_on", "kind", "amount", "currency",
                                "description", "recorded_by_id", "recorded_at"), costs)  # fmt: skip

    def _surveys(self, partnerships: list[int]) -> None:
        import hashlib

        from accord.core.bulk import insert_rows
        from accord.metrics.models import SurveyAnswer, SurveyRespondent, SurveyRound

        rng = self.rng
        rounds = SurveyRound.objects.bulk_create(
            SurveyRound(partnership_id=pk, title=f"Health check {n}", created_by=self.admin,
                        created_at=self.now - dt.timedelta(days=200 - 100 * n),
                        closes_at=self.now - dt.timedelta(days=186 - 100 * n))
            for pk in partnerships for n in (0, 1)
        )  # fmt: skip
        people = []
        for survey in rounds:
            for n, side in enumerate(("ours", "ours", "partner", "partner")):
                token = hashlib.sha256(f"{survey.pk}-{n}".encode()).hexdigest()
                people.append((survey.pk, side, f"r{n}@{survey.pk}.example", token,
                               survey.created_at + dt.timedelta(days=3)))  # fmt: skip
        ids = insert_rows(SurveyRespondent, ("round_id", "side", "email", "token_hash",
                                             "answered_at"), people)  # fmt: skip
        answers = [
            (respondent, question, min(5, rng.randint(2, 4) + (side == "ours")), "")
            for respondent, (_, side, *_) in zip(ids, people, strict=True)
            for question in QUESTIONS
        ]
        insert_rows(SurveyAnswer, ("respondent_id", "question", "score", "comment"), answers)


# The plain aggregation queries: the same figures, with no policy and no objects ----------------


def plain_review(quarter: dt.date, today: dt.date) -> int:
    """The aggregates the review's facts come from, straight from the tables."""
    from django.db.models import Avg, Count, Max, Q, Sum

    from accord.governance.models import ActionItem, Escalation, Meeting
    from accord.metrics import periods
    from accord.metrics.models import KpiTarget, Observation, SurveyAnswer
    from accord.partnerships.models import Note, Partnership, StageTransition
    from accord.pilots.models import Milestone, Pilot

    reviewed = Partnership.objects.filter(stage__in=("active", "renewal_review"))
    ids = list(reviewed.values_list("pk", flat=True))
    end = periods.quarter_end(quarter)
    rows = [
        list(Partnership.gaps.through.objects.filter(partnership__in=ids).values_list(
            "partnership_id", "capabilitygap_id")),
        list(KpiTarget.objects.filter(partnership__in=ids, quarter=quarter).values_list(
            "partnership_id", "kpi_id", "value")),
        list(Observation.objects.filter(partnership__in=ids, observed_on__gte=quarter,
                                        observed_on__lte=end)
             .values("partnership_id", "kpi_id", "currency", "observed_on")
             .annotate(total=Sum("value"), n=Count("pk")).order_by()),
        list(SurveyAnswer.objects.filter(respondent__round__partnership__in=ids)
             .values("respondent__round_id", "respondent__side", "question")
             .annotate(score=Avg("score")).order_by()),
        list(StageTransition.objects.filter(partnership__in=ids).values("partnership_id")
             .annotate(last=Max("at")).order_by()),
        list(Meeting.objects.filter(committee__partnership__in=ids).values(
            "committee__partnership_id").annotate(last=Max("starts_at")).order_by()),
        list(Milestone.objects.filter(partnership__in=ids).values("partnership_id")
             .annotate(last=Max("completed_on")).order_by()),
        list(Observation.objects.filter(partnership__in=ids).values("partnership_id")
             .annotate(last=Max("observed_on"), recent=Count(
                 "pk", filter=Q(observed_on__gte=periods.shift(periods.quarter_of(today), -2))))
             .order_by()),
        list(Note.objects.filter(partnership__in=ids).values("partnership_id")
             .annotate(last=Max("created_at")).order_by()),
        list(Pilot.objects.filter(partnership__in=ids).values("partnership_id")
             .annotate(scaled=Count("pk", filter=Q(decision="scale")),
                       overdue=Count("pk", filter=Q(status__in=Pilot.OPEN_STATUSES,
                                                    ends_on__lt=today))).order_by()),
        list(Escalation.objects.filter(partnership__in=ids, resolved_at__isnull=True)
             .values("partnership_id").annotate(n=Count("pk")).order_by()),
        list(Milestone.objects.filter(partnership__in=ids, completed_on__isnull=True,
                                      due_on__lt=today).values("partnership_id")
             .annotate(n=Count("pk")).order_by()),
        list(ActionItem.objects.filter(committee__partnership__in=ids, status="open",
                                       due_on__lt=today).values("committee__partnership_id")
             .annotate(n=Count("pk")).order_by()),
    ]  # fmt: skip
    return sum(len(r) for r in rows)


def plain_pack(quarter: dt.date) -> int:
    """The aggregates the board pack's figures come from, straight from the tables."""
    from django.db.models import Avg, Count, Sum

    from accord.governance.models import Escalation
    from accord.metrics import periods
    from accord.metrics.models import CostEntry, KpiTarget, Observation, SurveyAnswer
    from accord.partnerships.models import Partnership, StageTransition
    from accord.pilots.models import Pilot

    end = periods.quarter_end(quarter)
    in_quarter = {"observed_on__gte": quarter, "observed_on__lte": end}
    rows = [
        list(Partnership.objects.values("stage").annotate(n=Count("pk")).order_by()),
        list(StageTransition.objects.filter(at__date__gte=quarter, at__date__lte=end)
             .values("to_stage").annotate(n=Count("pk")).order_by()),
        list(Partnership.gaps.through.objects.values_list("partnership_id", "capabilitygap_id")),
        list(Observation.objects.filter(kpi__is_benefit=True, **in_quarter)
             .values("currency", "observed_on").annotate(total=Sum("value")).order_by()),
        list(CostEntry.objects.filter(kind="money", spent_on__gte=quarter, spent_on__lte=end)
             .values("currency", "spent_on").annotate(total=Sum("amount")).order_by()),
        list(KpiTarget.objects.filter(quarter=quarter).values_list(
            "partnership_id", "kpi_id", "value")),
        list(Observation.objects.filter(partnership__executive_sponsor__isnull=False,
                                        **in_quarter)
             .values("partnership_id", "kpi_id", "currency", "observed_on")
             .annotate(total=Sum("value"), n=Count("pk")).order_by()),
        list(SurveyAnswer.objects.values("respondent__round_id", "respondent__side")
             .annotate(score=Avg("score")).order_by()),
        list(Pilot.objects.filter(decided_at__date__gte=quarter, decided_at__date__lte=end)
             .values_list("pk", "decision")),
        list(Escalation.objects.filter(resolved_at__isnull=True).order_by("severity")[:200]
             .values_list("pk", "severity")),
    ]  # fmt: skip
    return sum(len(r) for r in rows)


# Measuring -------------------------------------------------------------------------------------


def timed(work: Callable[[], Any], reps: int) -> dict[str, Any]:
    """Median and best seconds of `reps` runs, and the SQL reads and inserts of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        work()
    seconds = []
    for _ in range(reps):
        started = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - started)
    # Reads must not grow with the data; the review's items are inserted in batches whose
    # number follows the number of partnerships reviewed, as the database driver limits them.
    writes = sum(q["sql"].lstrip().upper().startswith("INSERT") for q in queries.captured_queries)
    return {"median_s": round(statistics.median(seconds), 3), "best_s": round(min(seconds), 3),
            "queries": len(queries) - writes, "inserts": writes}  # fmt: skip


def measure(admin: Any, reps: int) -> dict[str, dict[str, Any]]:
    from django.db import transaction
    from django.utils import timezone

    from accord.metrics import periods
    from accord.portfolio import boardpack, services

    today = timezone.localdate()
    quarter = periods.shift(periods.quarter_of(today), -1)
    yesterday = boardpack.end_of(today - dt.timedelta(days=1))

    def review() -> None:
        with transaction.atomic():
            services.review_run(actor=admin, quarter=quarter)
            transaction.set_rollback(True)

    pack = boardpack.build(admin, quarter)
    figures = {
        "review": timed(review, reps),
        "plain review": timed(lambda: plain_review(quarter, today), reps),
        "pack": timed(lambda: boardpack.build(admin, quarter), reps),
        "pack as of yesterday": timed(
            lambda: boardpack.build(admin, quarter, as_of=yesterday), reps
        ),
        "plain pack": timed(lambda: plain_pack(quarter), reps),
        "pack html": timed(lambda: boardpack.html(pack), reps),
        "pack pdf": timed(lambda: boardpack.pdf(boardpack.build(admin, quarter)), 1),
    }
    figures["pack"]["kpis_met"] = list(pack.kpis_met)
    figures["pack"]["benefits"] = str(pack.benefits.quantize(Decimal(1)))
    return figures


def measure_import(admin: Any, rows: int, workdir: Path, report: Any) -> None:
    """Rows per second of `accord metrics import` (a CSV of new values, checked then written in
    batches), against recording values one at a time through the service, in the same run;
    both rolled back."""
    import csv

    from django.db import transaction

    from accord.metrics import importing, services
    from accord.metrics.models import Kpi
    from accord.partnerships.models import Partnership

    kpi = Kpi.objects.get(name="Prototypes built")
    ids = list(Partnership.objects.filter(stage="active").values_list("pk", flat=True)[:50])
    first = dt.date(2000, 1, 1)
    planned = [(ids[n % len(ids)], first + dt.timedelta(days=n // len(ids))) for n in range(rows)]
    path = workdir / "values.csv"
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["partnership", "kpi", "date", "value"])
        writer.writerows([pk, kpi.name, day.isoformat(), 1] for pk, day in planned)
    started = time.perf_counter()
    with transaction.atomic():
        result = importing.import_observations(actor=admin, path=path)
        transaction.set_rollback(True)
    bulk = rows / (time.perf_counter() - started)
    if result.errors or result.written != rows:
        report.fail(f"the import wrote {result.written} of {rows}: {result.errors[:3]}")
    one_by_one = planned[: rows // 20]
    partnerships = Partnership.objects.in_bulk(ids)
    started = time.perf_counter()
    with transaction.atomic():
        for pk, day in one_by_one:
            services.observation_record(actor=admin, partnership=partnerships[pk], kpi=kpi,
                                        observed_on=day, value=1)  # fmt: skip
        transaction.set_rollback(True)
    single = len(one_by_one) / (time.perf_counter() - started)
    report.figures.update(import_rows=rows, import_rows_per_s=round(bulk),
                          service_rows_per_s=round(single),
                          import_ratio_vs_service=round(bulk / single, 1))  # fmt: skip
    report.say(f"import: {rows:,} rows at {bulk:,.0f} rows/s (checked, written, audited); "
               f"one value at a time through the service: {single:,.0f} rows/s; "
               f"{bulk / single:.1f} x")  # fmt: skip


def summarize(report: Any, sizes: dict[str, Size], measured: dict[str, Any]) -> None:
    from rich.table import Table

    small, large = measured["small"], measured["large"]
    s, l_ = sizes["small"], sizes["large"]
    table = Table(
        title=f"S = {s.pipeline.partnerships:,} partnerships and {s.observations:,} observations,"
        f" L = {l_.pipeline.partnerships:,} and {l_.observations:,} (seconds; q = SQL reads)",
        caption=f"targets: review and pack <= {RATIO_TARGET:g} x their plain aggregation,"
        f" q the same at S and L, PDF <= {PDF_TARGET_S:g} s at L",
    )
    for column in ("work", "S median", "S q", "L median", "L best", "L q", "L ratio", "result"):
        table.add_column(column, justify="left" if column in ("work", "result") else "right")
    baseline = {"review": "plain review", "pack": "plain pack"}
    baseline["pack as of yesterday"] = "plain pack"
    for name in small:
        a, b = small[name], large[name]
        for key in ("median_s", "best_s", "queries", "inserts"):
            for label, f in (("small", a), ("large", b)):
                report.figures[f"{name.replace(' ', '_')}_{key}_{label}"] = f[key]
        problems, ratio = [], ""
        if name in baseline:
            value = b["median_s"] / max(large[baseline[name]]["median_s"], 1e-6)
            report.figures[f"{name.replace(' ', '_')}_ratio_to_plain_large"] = round(value, 2)
            ratio = f"{value:.2f}"
            if value > RATIO_TARGET:
                problems.append("ratio")
                report.fail(f"{name}: {value:.2f} x the plain aggregation at the large size")
        if a["queries"] != b["queries"] and not name.startswith("plain"):
            problems.append("queries")
            report.fail(f"{name}: {a['queries']} queries small, {b['queries']} large")
        if name == "pack pdf" and b["median_s"] > PDF_TARGET_S:
            problems.append("pdf")
            report.fail(f"the PDF took {b['median_s']} s > {PDF_TARGET_S:g} s")
        verdict = "[red]FAIL " + ", ".join(problems) + "[/red]" if problems else "[green]PASS"
        table.add_row(name, f"{a['median_s']:.3f}", str(a["queries"]), f"{b['median_s']:.3f}",
                      f"{b['best_s']:.3f}", str(b["queries"]), ratio, verdict)  # fmt: skip
    report.say(table)


def main() -> int:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, about a minute")
    parser.add_argument("--json", action="store_true", help="last stdout line is JSON figures")
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    report = pipeline.Report(args.json)
    report.figures["load_average_1min_at_start"] = round(os.getloadavg()[0], 2)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-bench-portfolio-") as tmp:
        pipeline.setup_django(Path(tmp))
        from accord.accounts.services import user_create
        from accord.core import policy
        from accord.metrics.models import Observation

        admin = user_create(actor=None, username="bench-admin", role=policy.ADMIN)
        seeder = pipeline.Seeder(report, admin)
        metrics = MetricsSeeder(admin)
        measured = {}
        for label in ("small", "large"):
            size = sizes[label]
            seconds = seeder.grow_to(size.pipeline) + metrics.grow_to(size.observations)
            pipeline.analyze()
            report.say(f"[bold]{pipeline.describe(seeder)}, "
                       f"{Observation.objects.count():,} observations[/bold]"
                       f"\n  seeded in {seconds:.1f} s")  # fmt: skip
            measured[label] = measure(admin, sizes["reps"])
            report.figures[f"observations_{label}"] = Observation.objects.count()
            report.figures[f"seed_seconds_{label}"] = round(seconds, 1)
        measure_import(admin, sizes["import"], Path(tmp), report)
        report.figures["kpis_met_large"] = measured["large"]["pack"]["kpis_met"]
        report.figures["benefits_large"] = measured["large"]["pack"]["benefits"]
        summarize(report, sizes, measured)
    report.figures["load_average_1min_at_end"] = round(os.getloadavg()[0], 2)
    report.figures["failures"] = report.failures
    report.figures["seconds"] = round(time.perf_counter() - started, 1)
    report.say(f"done in {report.figures['seconds']} s, {len(report.failures)} failure(s)")
    if args.json:
        print(json.dumps(report.figures))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
