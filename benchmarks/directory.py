"""Directory at scale: import throughput, list page and API latency, constant query counts.

    python benchmarks/directory.py [--quick] [--json] [--screenshots]
    python benchmarks/directory.py --import-only [--import-rows 54012,100000]

Seeds a fresh SQLite database in a temporary ACCORD_DATA_DIR with generated organizations
(names, one-liners, descriptions, countries, kinds, tags) and people, padded with the real
rows of the reference data sets (ACCORD_REFERENCE_DATA) when present (never copied). Then:

- the import path (validation, duplicate detection, audit) against a raw `bulk_create` of the
  same rows, measured in the same run (`import_ratio_vs_bulk_insert`, target >= 0.25);
- p50/p95 latency, CPU time and SQL query count of the organization list page (plain,
  searches, filter, sort, last page) and of the API list, at the small size and again after
  growing to the large size; query counts must not change with size. The seed is a bulk load,
  so it is followed by ANALYZE (the filter is also timed before it, to show what statistics
  are worth); the slowest page's statements are printed with their query plans;
- the ROR preset import (its file repeated with new ids, names and domains to reach the size)
  into an empty directory, each size in a fresh database, against a raw sqlite3 `executemany`
  of the very rows it wrote into a copy of the same empty schema with its search indexes, kept
  by their triggers and filled in one pass after the rows (as the import does); target >= 0.5
  of the first. Skipped with a message when the ROR file is absent;
- with `--screenshots`, Playwright screenshots of the list, a search, a detail page and its
  history tab at the large size, under artifacts/screenshots/.

Human-readable output goes to stdout (stderr with --json); with --json the last line on stdout
is one JSON object of figures.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import inspect
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("ACCORD_REFERENCE_DATA", ROOT.parent / "shared" / "data"))
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("ACCORD_CHROMIUM", "/usr/bin/chromium")
P95_TARGET_MS = 150.0
IMPORT_RATIO_TARGET = 0.25
BATCH = 5000

FULL = {"small": 1_000, "large": 100_000, "people_per_org": 2, "reps": 50, "import_rows": 20_000}
QUICK = {"small": 500, "large": 2_000, "people_per_org": 2, "reps": 15, "import_rows": 1_000}
# Rows of the ROR preset imported into an empty directory (four copies of the file: 54,012).
EMPTY_IMPORT_ROWS = {"full": [54_012, 100_000], "quick": [2_000]}

# Searches: prefix words matching ~4% of rows, one word matching ~16%, and a rare combination.
REQUESTS = {
    "page_list": "/directory/organizations/",
    "page_search": "/directory/organizations/?q=battery+stor",
    "page_search_broad": "/directory/organizations/?q=energy",
    "page_search_rare": "/directory/organizations/?q=hydrogen+robotics+munich",
    "page_filter": "/directory/organizations/?country=DE&kind=startup",
    "page_sort": "/directory/organizations/?sort=-founded_year",
    "page_last_page": "/directory/organizations/?page=last",
    "api_list": "/api/v1/organizations",
}


class Report:
    """Prints progress for people (stdout, or stderr in --json mode) and collects figures."""

    def __init__(self, as_json: bool) -> None:
        from rich.console import Console

        self.as_json = as_json
        self.console = Console(stderr=as_json, highlight=False)
        self.err = Console(stderr=True)
        self.figures: dict[str, Any] = {}
        self.failures: list[str] = []

    def say(self, text: str) -> None:
        self.console.print(text)

    def fail(self, text: str) -> None:
        self.failures.append(text)
        self.console.print(f"[bold red]FAIL[/bold red] {text}")


# Generated organizations ---------------------------------------------------------------

HEADS = [
    "Nova", "Quanta", "Helio", "Terra", "Volt", "Lumen", "Axi", "Cogni", "Pura", "Strata",
    "Vireo", "Kinet", "Orbi", "Sensa", "Ferro", "Aero", "Cira", "Zeni", "Hexa", "Magna",
    "Opti", "Tessel", "Brio", "Delta", "Evo", "Fluxi", "Graphe", "Iono", "Juno", "Kyro",
    "Alto", "Bora", "Cobal", "Dyna", "Echo", "Fathom", "Gale", "Halo", "Indi", "Jade",
    "Kelvi", "Lyra", "Mira", "Nexo", "Onyx", "Poli", "Quill", "Rho", "Sila", "Tundra",
]  # fmt: skip
MIDDLES = ["", "", "", "ra", "vo", "ti", "lo", "ne", "ma", "xi", "ro", "di"]
TAILS = [
    "labs", "works", "ware", "grid", "sense", "forge", "loop", "scale", "mind", "path",
    "cell", "flow", "tech", "systems", "dynamics", "bio", "motion", "core", "line", "metrics",
    "bit", "craft", "field", "gen", "hub", "ion", "ly", "nautics", "point", "quest",
]  # fmt: skip
LEGAL = {"DE": "GmbH", "US": "Inc.", "GB": "Ltd", "FR": "SAS", "NL": "B.V.", "SE": "AB"}
PRODUCTS = [
    "platform", "sensors", "software", "analytics", "robots", "materials", "devices",
    "marketplace", "API", "chips", "services", "models", "controllers", "drones", "kits",
]  # fmt: skip
AUDIENCES = [
    "factories", "utilities", "hospitals", "insurers", "retailers", "farmers", "banks",
    "logistics operators", "city governments", "telecom operators", "automakers", "labs",
]  # fmt: skip
VERBS = ["builds", "develops", "sells", "operates", "designs", "licenses"]
PROOF = [
    "Its customers include several Fortune 500 companies.",
    "The team came out of a university spin-off program.",
    "It runs paid pilots with three industrial partners.",
    "It raised its last round from corporate venture funds.",
    "Its technology is patented in Europe and the United States.",
    "It is looking for distribution partners in Asia.",
    "It certified its product for safety-critical environments.",
]  # fmt: skip


def _unique_name(rng: random.Random, country: str, used: set[str]) -> str:
    for _ in range(50):
        name = (rng.choice(HEADS) + rng.choice(MIDDLES) + rng.choice(TAILS)).capitalize()
        if rng.random() < 0.4:
            name = f"{name} {LEGAL.get(country, 'Ltd')}"
        elif rng.random() < 0.2:
            name = f"{name} {rng.choice(['Robotics', 'Energy', 'Health', 'Analytics', 'Labs'])}"
        if name not in used:
            used.add(name)
            return name
    # Beyond a few hundred thousand the combinations run out: number the name.
    name = f"{name} {len(used)}"
    used.add(name)
    return name


def generated_organizations(seed: int, used: set[str]) -> Iterator[dict[str, Any]]:
    """Endless deterministic organizations with text worth searching."""
    from accord.demo import directory as demo

    rng = random.Random(seed)
    kinds, weights = zip(*demo.KIND_WEIGHTS.items(), strict=True)
    sectors = list(demo.SECTORS)
    while True:
        kind = str(rng.choices(kinds, weights)[0])
        country = rng.choice(demo.COUNTRIES)
        city = rng.choice(demo.CITIES.get(country, ["Capital City"]))
        name = _unique_name(rng, country, used)
        sector = rng.choice(sectors)
        topics = rng.sample(demo.SECTORS[sector], 2)
        product, audience = rng.choice(PRODUCTS), rng.choice(AUDIENCES)
        startup_like = kind in ("startup", "scaleup")
        slug = "".join(ch for ch in name.lower() if ch.isalnum())[:40]
        yield {
            "name": name,
            "kind": kind,
            "country": country,
            "city": city,
            "website": f"https://{slug}.example",
            "founded_year": rng.randint(2005, 2024) if startup_like else rng.randint(1850, 2015),
            "size_band": rng.choice(["1-10", "11-50", "51-200"])
            if startup_like
            else rng.choice(["201-1000", "1001-5000", "5001+"]),
            "stage": rng.choice(["idea", "seed", "early", "growth"]) if startup_like else "",
            "one_liner": f"{topics[0].capitalize()} {product} for {audience}.",
            "description": (
                f"{name} {rng.choice(VERBS)} {topics[0]} {product} and {topics[1]} tools for "
                f"{audience} in {sector}. Based in {city}, it works with partners to move "
                f"from pilot to production. {rng.choice(PROOF)} {rng.choice(PROOF)}"
            ),
            "tags": sorted({sector, *topics}),
        }


def _year(text: str) -> int | None:
    try:
        year = int(text[:4])
    except (TypeError, ValueError):
        return None
    return year if 1000 <= year <= 2100 else None


ROR_KINDS = {
    "education": "university",
    "funder": "investor",
    "company": "corporate",
    "government": "government",
    "nonprofit": "association",
}


def real_organizations() -> Iterator[dict[str, Any]]:
    """Rows of the shared reference files, mapped to organization fields (when present)."""
    yc, ror = DATA / "yc_companies_2024-05-11.csv", DATA / "ror_organizations_v2_records.csv"
    sp500 = DATA / "sp500_constituents.csv"
    if yc.exists():
        with yc.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield {
                    "name": row["company_name"][:200],
                    "kind": "startup",
                    "country": (row["country"] or "")[:2].upper(),
                    "city": (row["location"] or "").split(",")[0][:120],
                    "website": (row["website"] or "")[:300],
                    "founded_year": _year(row["year_founded"]),
                    "size_band": "",
                    "stage": "",
                    "one_liner": (row["short_description"] or "")[:300],
                    "description": row["long_description"] or "",
                    "tags": [t for t in (row["tags"] or "").split("|") if t][:4],
                }
    if ror.exists():
        with ror.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                first_type = (row["types"] or "other").split("|")[0]
                yield {
                    "name": row["name"][:200],
                    "kind": ROR_KINDS.get(first_type, "research"),
                    "country": (row["country_code"] or "")[:2].upper(),
                    "city": (row["city"] or "")[:120],
                    "website": (row["website"] or "")[:300],
                    "founded_year": _year(row["established"]),
                    "size_band": "",
                    "stage": "",
                    "one_liner": f"{first_type.capitalize()} in {row['country_name']}."[:300],
                    "description": row["aliases"] or "",
                    "tags": [first_type],
                }
    if sp500.exists():
        with sp500.open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield {
                    "name": row["Security"][:200],
                    "kind": "corporate",
                    "country": "US",
                    "city": row["Headquarters Location"].split(",")[0][:120],
                    "website": "",
                    "founded_year": _year(row["Founded"]),
                    "size_band": "5001+",
                    "stage": "public",
                    "one_liner": f"{row['GICS Sub-Industry']} ({row['GICS Sector']})."[:300],
                    "description": "",
                    "tags": [row["GICS Sector"]],
                }


def organization_stream(used: set[str]) -> Iterator[dict[str, Any]]:
    """Generated rows with one real row in every five while real rows last."""
    generated, real = generated_organizations(11, used), real_organizations()
    for index in itertools.count():
        row = next(real, None) if index % 5 == 4 else None
        if row is not None and row["name"]:
            used.add(row["name"])
            yield row
        else:
            yield next(generated)


# Seeding -----------------------------------------------------------------------------------


def _organization(row: dict[str, Any]) -> Any:
    from accord.directory.models import Organization
    from accord.directory.normalize import normalize_domain, normalize_name

    fields = {k: v for k, v in row.items() if k != "tags"}
    return Organization(
        **fields,
        normalized_name=normalize_name(row["name"]),
        domain=normalize_domain(row["website"]),
        tag_names=" ".join(sorted(row["tags"]))[:1000],
    )


class Seeder:
    """Grows the directory in batches: organizations, their tags, then people."""

    def __init__(self, report: Report, people_per_org: int) -> None:
        self.report = report
        self.people_per_org = people_per_org
        self.used: set[str] = set()
        self.rows = organization_stream(self.used)
        self.tags: dict[str, int] = {}
        self.people_rng = random.Random(13)
        self.count = 0

    def grow_to(self, target: int) -> float:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        started = time.perf_counter()
        columns = [*Progress.get_default_columns()[:2], BarColumn(), MofNCompleteColumn()]
        with Progress(
            *columns, TimeRemainingColumn(), console=self.report.err, transient=True
        ) as bar:
            task = bar.add_task(f"Seeding to {target:,} organizations", total=target)
            bar.update(task, completed=self.count)
            while self.count < target:
                size = min(BATCH, target - self.count)
                self._insert(list(itertools.islice(self.rows, size)))
                self.count += size
                bar.update(task, completed=self.count)
        return time.perf_counter() - started

    def _tag_ids(self, names: set[str]) -> None:
        from django.utils.text import slugify

        from accord.directory.models import Tag

        missing = sorted(n for n in names if n not in self.tags)
        taken = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for name in missing:
            slug = slugify(name)[:70] or "tag"
            while slug in taken:
                slug += "-x"
            taken.add(slug)
            new.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(new)
        self.tags.update(Tag.objects.filter(name__in=missing).values_list("name", "id"))

    def _insert(self, rows: list[dict[str, Any]]) -> None:
        from django.db import transaction

        from accord.directory.models import Organization, Person

        with transaction.atomic():
            self._tag_ids({t for r in rows for t in r["tags"]})
            created = Organization.objects.bulk_create([_organization(r) for r in rows])
            through = Organization.tags.through
            links = [
                through(organization_id=o.pk, tag_id=self.tags[t])
                for o, r in zip(created, rows, strict=True)
                for t in set(r["tags"])
            ]
            through.objects.bulk_create(links, batch_size=BATCH)
            Person.objects.bulk_create(self._people(created), batch_size=BATCH)

    def _people(self, organizations: list[Any]) -> Iterator[Any]:
        from accord.demo import directory as demo
        from accord.directory.models import Person

        rng = self.people_rng
        for organization in organizations:
            for _ in range(self.people_per_org):
                first, last = rng.choice(demo.FIRST), rng.choice(demo.LAST)
                domain = organization.domain or "example.org"
                yield Person(
                    full_name=f"{first} {last}",
                    organization_id=organization.pk,
                    title=rng.choice(demo.TITLES),
                    email=f"{first}.{last}{rng.randint(1, 9999)}@{domain}".lower()[:254],
                    relation=rng.choice(["contact", "contact", "board", "advisor", "investor"]),
                    country=organization.country,
                    city=organization.city,
                )


# Latency and query counts --------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure_requests(
    client: Any, reps: int, report: Report, label: str, only: tuple[str, ...] = ()
) -> dict[str, Any]:
    """p50/p95 ms and the SQL query count of every request, or None for a missing one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results: dict[str, Any] = {}
    for name, url in REQUESTS.items():
        if only and name not in only:
            continue
        response = client.get(url)
        if response.status_code == 404 and name.startswith("api"):
            report.say(f"  {name:<17} {url}: [yellow]missing (404)[/yellow]")
            results[name] = None
            continue
        if response.status_code != 200:
            report.fail(f"{name} {url} answered {response.status_code} at {label}")
            results[name] = None
            continue
        for _ in range(2):
            client.get(url)
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Read the statements now: the next request's request_started signal clears the log.
        statements = [q["sql"] for q in captured.captured_queries]
        timings, cpu = [], []
        for _ in range(reps):
            started, cpu_started = time.perf_counter(), time.process_time()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        results[name] = {
            "p50_ms": round(statistics.median(timings), 1),
            "p95_ms": round(_percentile(timings, 0.95), 1),
            # CPU time of this process (SQLite runs in it): what the page costs when the
            # machine is shared, as wall-clock percentiles then include waiting for a core.
            "cpu_p50_ms": round(statistics.median(cpu), 1),
            "queries": len(statements),
            "sql": statements,
        }
        figures = results[name]
        report.say(
            f"  {name:<17} p50 {figures['p50_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms"
            f"  cpu p50 {figures['cpu_p50_ms']:6.1f} ms  {figures['queries']:2d} queries"
        )
    return results


def explain_slowest(results: dict[str, Any], report: Report) -> None:
    """EXPLAIN QUERY PLAN and time of each SQL statement of the slowest page request."""
    from django.db import connection

    timed = {k: v for k, v in results.items() if v and k.startswith("page")}
    if not timed:
        return
    name = max(timed, key=lambda k: timed[k]["p95_ms"])
    report.say(f"  slowest page request: {name}; its statements:")
    with connection.cursor() as cursor:
        for sql in timed[name]["sql"]:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            ms = (time.perf_counter() - started) * 1000
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = "; ".join(row[-1] for row in cursor.fetchall())
            report.say(f"    {ms:6.1f} ms  {sql[:110]}...\n             plan: {plan[:220]}")


def analyze() -> float:
    """Gather planner statistics after a bulk load, as SQLite advises after large changes.

    Without them SQLite counts `country=DE AND kind=startup` through the kind index (~37,000
    rows at 100,000 organizations) instead of the country index (~1,200); an import of many
    rows should end with `PRAGMA optimize` for the same reason.
    """
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


# Import ------------------------------------------------------------------------------------

IMPORT_MODULES = ("accord.directory.importing", "accord.directory.importing.engine")
IMPORT_FUNCTIONS = ("import_file", "run_import", "import_organizations", "import_path")
CSV_COLUMNS = [
    "name", "kind", "country", "city", "website", "founded_year", "size_band", "stage",
    "one_liner", "description", "tags",
]  # fmt: skip


def find_import_function() -> tuple[Callable[..., Any] | None, str]:
    """The import engine's file entry point, when it exists yet (it is being written)."""
    import importlib

    reasons = []
    for module_name in IMPORT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError as error:
            reasons.append(f"{module_name} is not importable ({error})")
            continue
        for name in IMPORT_FUNCTIONS:
            function = getattr(module, name, None)
            if callable(function):
                return function, f"{module_name}.{name}"
        reasons.append(f"{module_name} has none of {', '.join(IMPORT_FUNCTIONS)}")
    return None, "; ".join(reasons)


def write_import_csv(rows: list[dict[str, Any]], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "tags": "|".join(row["tags"])})


def call_import(function: Callable[..., Any], path: Path, actor: Any) -> Any:
    """Call the import engine with the file, adapting to the parameters it takes."""
    parameters = inspect.signature(function).parameters
    kwargs: dict[str, Any] = {"actor": actor}
    if "options" in parameters:
        options_class = getattr(inspect.getmodule(function), "ImportOptions", None)
        if options_class is None:
            raise RuntimeError(f"{function.__qualname__} takes options but has no ImportOptions")
        kwargs["options"] = options_class(kind="organizations")
    elif "kind" in parameters:
        kwargs["kind"] = "organizations"
    first = next(iter(parameters))
    if first in {"rows", "records"}:
        with path.open(newline="", encoding="utf-8") as handle:
            return function(list(csv.DictReader(handle)), **kwargs)
    return function(path, **kwargs)


def _import_outcome(result: Any) -> str:
    as_json = getattr(result, "as_json", None)
    outcome = as_json() if callable(as_json) else result
    if isinstance(outcome, dict):
        errors = outcome.get("errors") or []
        return f"created {outcome.get('created')}, {len(errors)} errors {errors[:3]}"
    return str(outcome)[:300]


class _Rollback(Exception):
    pass


def measure_bulk_insert(rows: list[dict[str, Any]]) -> float:
    """Rows per second of a raw bulk_create of the same rows, rolled back afterwards."""
    from django.db import transaction

    from accord.directory.models import Organization

    elapsed = 0.0
    with contextlib.suppress(_Rollback), transaction.atomic():
        started = time.perf_counter()
        Organization.objects.bulk_create([_organization(r) for r in rows], batch_size=BATCH)
        elapsed = time.perf_counter() - started
        raise _Rollback
    return len(rows) / elapsed


def measure_import(seeder: Seeder, count: int, actor: Any, workdir: Path, report: Report) -> None:
    from accord.directory.models import Organization

    rows = list(itertools.islice(generated_organizations(23, seeder.used), count))
    bulk_rate = measure_bulk_insert(rows)
    report.figures["bulk_insert_rows_per_s"] = round(bulk_rate)
    report.say(f"  raw bulk_create: {bulk_rate:,.0f} rows/s ({count:,} rows)")
    function, where = find_import_function()
    if function is None:
        report.say(f"  [yellow]import path skipped:[/yellow] {where}")
        report.figures["import_status"] = "missing"
        return
    path = workdir / "import.csv"
    write_import_csv(rows, path)
    before = Organization.objects.count()
    started = time.perf_counter()
    try:
        result = call_import(function, path, actor)
    except Exception as error:
        report.fail(f"the import engine ({where}) raised {type(error).__name__}: {error}")
        report.figures["import_status"] = "error"
        return
    elapsed = time.perf_counter() - started
    written = Organization.objects.count() - before
    rate = count / elapsed
    report.figures.update(
        import_status="ok",
        import_function=where,
        import_rows=count,
        import_rows_written=written,
        import_rows_per_s=round(rate),
        import_ratio_vs_bulk_insert=round(rate / bulk_rate, 3),
    )
    report.say(
        f"  {where}: {rate:,.0f} rows/s, {written:,} of {count:,} rows written,"
        f" ratio {rate / bulk_rate:.3f} (target >= {IMPORT_RATIO_TARGET})"
    )
    if written != count:
        report.fail(f"the import wrote {written} of {count} rows: {_import_outcome(result)}")
    if rate / bulk_rate < IMPORT_RATIO_TARGET:
        report.fail(f"import_ratio_vs_bulk_insert {rate / bulk_rate:.3f} < {IMPORT_RATIO_TARGET}")


# Import into an empty directory --------------------------------------------------------------

EMPTY_IMPORT_RATIO_TARGET = 0.5
EXTERNAL_ID_COLUMNS = ("grid", "isni", "wikidata", "fundref")


def write_ror_csv(count: int, path: Path) -> bool:
    """`count` rows of the ROR file in its own format, repeated with new ids, names and domains
    once it runs out (four copies make 54,012 rows). False when the file is absent."""
    ror = DATA / "ror_organizations_v2_records.csv"
    if not ror.exists():
        return False
    with ror.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        headers, base = list(reader.fieldnames or []), list(reader)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        for index in range(count):
            row, copy = dict(base[index % len(base)]), index // len(base)
            if copy:
                row["ror_id"] += f"x{copy}"
                row["name"] += f" {copy}"
                for column in EXTERNAL_ID_COLUMNS:
                    if row[column]:
                        row[column] += f"x{copy}"
                if row["website"]:
                    row["website"] = row["website"].replace("://", f"://c{copy}.", 1)
                domains = [d for d in row["domains"].split("|") if d]
                row["domains"] = "|".join(f"c{copy}.{d}" for d in domains)
            writer.writerow(row)
    return True


def raw_executemany(
    template: Path, rows: list[tuple[Any, ...]], columns: list[str], *, one_pass: bool
) -> float:
    """Rows per second of a plain sqlite3 executemany of `rows` into a copy of the empty,
    migrated database `template`, in one transaction, its search indexes kept by their
    triggers or (`one_pass`) filled in one statement each after the rows are in."""
    import shutil
    import sqlite3

    target = template.with_name(f"raw-{int(one_pass)}.sqlite3")
    shutil.copy(template, target)
    db = sqlite3.connect(target, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    indexes = {
        "directory_organization_fts": "name, one_liner, tag_names, city, description",
        "scouting_organization_fts": "name, one_liner, tag_names, description",
    }
    if one_pass:
        for table in indexes:
            db.execute(f"DROP TRIGGER {table.replace('_fts', '_fts_insert')}")
    insert = (
        f"INSERT INTO directory_organization ({', '.join(columns)})"  # noqa: S608 - own names
        f" VALUES ({', '.join('?' * len(columns))})"
    )
    started = time.perf_counter()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(insert, rows)
    if one_pass:
        for table, indexed in indexes.items():
            db.execute(
                f"INSERT INTO {table} (rowid, {indexed})"  # noqa: S608 - constants
                f" SELECT id, {indexed} FROM directory_organization"
            )
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    target.unlink()
    return len(rows) / elapsed


def measure_empty_import(count: int, workdir: Path, report: Report) -> None:
    """The ROR preset import of `count` rows into the empty directory against raw executemany
    of the very rows it wrote into the same empty schema, measured one after the other."""
    from django.db import connection

    from accord.accounts.services import user_create
    from accord.core import policy
    from accord.directory.importing.engine import ImportOptions, import_file

    path = workdir / "ror.csv"
    if not write_ror_csv(count, path):
        report.say(
            f"  [yellow]import into an empty directory skipped:[/yellow] no ROR file in {DATA}"
            " (set ACCORD_REFERENCE_DATA to the folder holding ror_organizations_v2_records.csv)"
        )
        report.figures["empty_import_status"] = "skipped: no reference data"
        return
    template = workdir / "empty.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(template)])
    actor = user_create(actor=None, username="bench-importer", role=policy.ADMIN)
    started = time.perf_counter()
    result = import_file(path, actor=actor, options=ImportOptions(preset="ror"))
    elapsed = time.perf_counter() - started
    outcome = result.as_json()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM directory_organization ORDER BY id LIMIT 0")
        columns = [c[0] for c in cursor.description if c[0] != "id"]
        listed = ", ".join(columns)  # the table's own column names
        cursor.execute(f"SELECT {listed} FROM directory_organization ORDER BY id")  # noqa: S608
        rows = cursor.fetchall()
    if not result.written or len(rows) != count:
        report.fail(f"the ROR import wrote {len(rows)} of {count} rows: {_import_outcome(result)}")
        return
    rate = count / elapsed
    with_triggers = raw_executemany(template, rows, columns, one_pass=False)
    one_pass = raw_executemany(template, rows, columns, one_pass=True)
    template.unlink()
    report.figures.update(
        empty_import_status="ok",
        empty_import_rows=count,
        empty_import_rows_per_s=round(rate),
        empty_import_possible_duplicates=len(outcome["possible_duplicates"]),
        raw_executemany_triggers_rows_per_s=round(with_triggers),
        raw_executemany_one_pass_rows_per_s=round(one_pass),
        empty_import_ratio_vs_triggers=round(rate / with_triggers, 3),
        empty_import_ratio_vs_one_pass=round(rate / one_pass, 3),
    )
    report.say(
        f"  ROR preset, {count:,} rows, {elapsed:.1f} s,"
        f" {len(outcome['possible_duplicates']):,} possible duplicates"
    )
    report.say(f"    import (validation, duplicates, audit) {rate:>7,.0f} rows/s")
    report.say(
        f"    raw executemany, index triggers        {with_triggers:>7,.0f} rows/s"
        f"  import/raw {rate / with_triggers:.3f}"
    )
    report.say(
        f"    raw executemany, one-pass index fill   {one_pass:>7,.0f} rows/s"
        f"  import/raw {rate / one_pass:.3f}"
    )
    report.say(
        f"    target: import >= {EMPTY_IMPORT_RATIO_TARGET} of raw executemany with the triggers"
        " that index every other insert"
    )
    if rate / with_triggers < EMPTY_IMPORT_RATIO_TARGET:
        report.fail(
            f"empty import ratio {rate / with_triggers:.3f} < {EMPTY_IMPORT_RATIO_TARGET}"
            f" at {count:,} rows"
        )


def run_empty_imports(counts: list[int], report: Report) -> None:
    """Each size in a process of its own, on a fresh empty database."""
    import subprocess

    report.figures["empty_imports"] = []
    for count in counts:
        child = subprocess.run(
            [sys.executable, __file__, "--import-only", "--json", "--import-rows", str(count)],
            stdout=subprocess.PIPE,
            text=True,
            check=False,
        )
        lines = child.stdout.strip().splitlines()
        figures = json.loads(lines[-1]) if lines else {}
        report.failures += figures.pop("failures", []) or ([] if lines else ["import crashed"])
        report.figures["empty_imports"].append(figures)


# Screenshots ------------------------------------------------------------------------------


def take_screenshots(session_cookie: str, organization_id: int, report: Report) -> list[str]:
    """Serve the app on a free port in a thread and let Chromium photograph four pages."""
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    if not Path(CHROMIUM).exists():
        report.say(f"  [yellow]screenshots skipped:[/yellow] no Chromium at {CHROMIUM}")
        return []

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = {
        "directory-100k-organization-list": "/directory/organizations/",
        "directory-100k-organization-search": "/directory/organizations/?q=battery+stor",
        "directory-100k-organization-detail": f"/directory/organizations/{organization_id}/",
        "directory-100k-organization-history": (
            f"/directory/organizations/{organization_id}/?tab=history"
        ),
    }
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=["--no-sandbox", "--disable-background-networking", "--disable-gpu",
                      "--disable-component-update", "--disable-sync", "--no-first-run"],
            )  # fmt: skip
            context = browser.new_context(base_url=base, viewport={"width": 1440, "height": 900})
            context.add_cookies([{"name": "sessionid", "value": session_cookie, "url": base}])
            page = context.new_page()
            page.set_default_timeout(30_000)
            for name, url in pages.items():
                started = time.perf_counter()
                response = page.goto(url)
                ms = (time.perf_counter() - started) * 1000
                path = SCREENSHOTS / f"{name}.png"
                page.screenshot(path=str(path), full_page=True)
                status = response.status if response else "?"
                report.say(f"  {path.relative_to(ROOT)}  ({status}, {ms:.0f} ms in the browser)")
                saved.append(str(path.relative_to(ROOT)))
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return saved


# Main ---------------------------------------------------------------------------------------


def setup_django(workdir: Path, database_url: str | None = None) -> None:
    """Django on a fresh SQLite database in `workdir`, or on the (empty) PostgreSQL database
    at `database_url`."""
    # STATIC_ROOT lives there; WhiteNoise warns when it is missing.
    (workdir / "static").mkdir(parents=True, exist_ok=True)
    os.environ["ACCORD_DATA_DIR"] = str(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "accord.settings"
    os.environ["ACCORD_SECRET_KEY"] = "benchmark-only-secret-key-not-used-elsewhere-0123456789"
    os.environ["ACCORD_DEBUG"] = "false"
    os.environ["ACCORD_ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    # Playwright's sync API runs an event loop in this thread while the server thread uses the ORM.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_detail_organization(actor: Any) -> Any:
    """One organization with tags, people and a few audited changes, for the detail pages."""
    from accord.directory import services

    tags = services.tags_get_or_create(actor=actor, names=["robotics", "quality inspection"])
    organization = services.organization_create(
        actor=actor,
        data={
            "name": "Benchmark Robotics GmbH",
            "kind": "startup",
            "country": "DE",
            "city": "Munich",
            "website": "https://benchmark-robotics.example",
            "founded_year": 2019,
            "size_band": "11-50",
            "stage": "early",
            "one_liner": "Robotic quality inspection for battery factories.",
            "description": "Camera-guided robots that inspect battery cells on the line. "
            "Pilots with two automakers; looking for a partner in Japan.",
        },
        tags=tags,
    )
    for stage, size in (("growth", "51-200"), ("growth", "201-1000")):
        services.organization_update(
            actor=actor, organization=organization, data={"stage": stage, "size_band": size}
        )
    for name in ("Ada Weber", "Hiro Tanaka", "Priya Patel"):
        services.person_create(
            actor=actor, data={"full_name": name, "organization": organization, "title": "CTO"}
        )
    return organization


def summarize(report: Report, sizes: dict[str, int], measured: dict[str, dict[str, Any]]) -> None:
    small, large = measured["small"], measured["large"]
    for name in REQUESTS:
        for label in ("small", "large"):
            figures = measured[label][name]
            for key in ("p50_ms", "p95_ms", "cpu_p50_ms", "queries"):
                report.figures[f"{name}_{key}_{label}"] = figures[key] if figures else None
        if small[name] and large[name]:
            report.figures[f"{name}_p95_ratio_large_vs_small"] = round(
                large[name]["p95_ms"] / small[name]["p95_ms"], 2
            )
            if small[name]["queries"] != large[name]["queries"]:
                report.fail(
                    f"{name}: {small[name]['queries']} queries at {sizes['small']:,} organizations"
                    f" but {large[name]['queries']} at {sizes['large']:,}"
                )
            if large[name]["p95_ms"] > P95_TARGET_MS:
                report.fail(
                    f"{name}: p95 {large[name]['p95_ms']} ms > {P95_TARGET_MS:.0f} ms"
                    f" at {sizes['large']:,} organizations"
                )
    report.figures["api_list_status"] = "ok" if large["api_list"] else "missing"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--json", action="store_true", help="last stdout line is JSON figures")
    parser.add_argument("--screenshots", action="store_true", help="Playwright screenshots")
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the ROR import into an empty directory against raw executemany",
    )
    parser.add_argument(
        "--import-rows",
        type=lambda text: [int(n) for n in text.split(",")],
        help="rows of those imports, comma-separated (default 54012,100000; 2000 with --quick)",
    )
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    report = Report(args.json)
    empty_rows = args.import_rows or EMPTY_IMPORT_ROWS["quick" if args.quick else "full"]
    if args.import_only and len(empty_rows) == 1:
        with tempfile.TemporaryDirectory(prefix="accord-bench-import-") as tmp:
            setup_django(Path(tmp))
            report.say("[bold]Import into an empty directory[/bold]")
            measure_empty_import(empty_rows[0], Path(tmp), report)
        report.figures["failures"] = report.failures
        if args.json:
            print(json.dumps(report.figures))
        return 1 if report.failures else 0
    if args.import_only:
        run_empty_imports(empty_rows, report)
        report.figures["failures"] = report.failures
        if args.json:
            print(json.dumps(report.figures))
        return 1 if report.failures else 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accord-bench-directory-") as tmp:
        workdir = Path(tmp)
        setup_django(workdir)
        from django.test import Client

        from accord.accounts.services import user_create
        from accord.core import policy
        from accord.directory.models import Organization, Person

        admin = user_create(actor=None, username="bench-admin", role=policy.ADMIN)
        client = Client()
        client.force_login(admin)
        seeder = Seeder(report, sizes["people_per_org"])
        measured: dict[str, dict[str, Any]] = {}
        seconds = seeder.grow_to(sizes["small"])
        analyze()
        detail = make_detail_organization(admin)
        report.say(f"[bold]{Organization.objects.count():,} organizations[/bold] ({seconds:.1f} s)")
        measured["small"] = measure_requests(client, sizes["reps"], report, "small")
        seconds = seeder.grow_to(sizes["large"])
        organizations, people = Organization.objects.count(), Person.objects.count()
        report.say(
            f"[bold]{organizations:,} organizations, {people:,} people[/bold]"
            f" (grown in {seconds:.1f} s, {(sizes['large'] - sizes['small']) / seconds:,.0f}"
            " organizations/s with tags and people)"
        )
        report.say("  before ANALYZE:")
        unanalyzed = measure_requests(client, sizes["reps"], report, "large", ("page_filter",))
        if unanalyzed["page_filter"]:
            report.figures["page_filter_p95_ms_large_before_analyze"] = unanalyzed["page_filter"][
                "p95_ms"
            ]
        report.say(f"  ANALYZE took {analyze():.2f} s; after it:")
        measured["large"] = measure_requests(client, sizes["reps"], report, "large")
        explain_slowest(measured["large"], report)
        report.figures.update(
            organizations_small=sizes["small"],
            organizations_large=organizations,
            people_large=people,
            repetitions=sizes["reps"],
            p95_target_ms=P95_TARGET_MS,
        )
        summarize(report, {"small": sizes["small"], "large": organizations}, measured)
        if args.screenshots:
            report.say("[bold]Screenshots[/bold]")
            report.figures["screenshots"] = take_screenshots(
                client.cookies["sessionid"].value, detail.pk, report
            )
        report.say(f"[bold]Import[/bold] at {organizations:,} organizations")
        measure_import(seeder, sizes["import_rows"], admin, workdir, report)
    run_empty_imports(empty_rows, report)
    # Other work on the machine inflates wall-clock figures; the load shows how much to trust them.
    load, cores = os.getloadavg()[0], os.cpu_count() or 1
    report.figures["load_average_1min_at_end"] = round(load, 2)
    report.figures["cpu_count"] = cores
    if load > cores:
        report.say(
            f"[yellow]WARN[/yellow] load average {load:.1f} on {cores} cores: other work inflated"
            " the wall-clock latencies; the cpu_p50_ms figures show this process's own cost."
        )
    report.figures["failures"] = report.failures
    report.figures["seconds"] = round(time.perf_counter() - started, 1)
    report.say(f"done in {report.figures['seconds']} s, {len(report.failures)} failure(s)")
    if args.json:
        print(json.dumps(report.figures))
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
