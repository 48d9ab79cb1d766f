#!/usr/bin/env python
"""Benchmark of the commune dashboard at province scale (`make bench`).

    python bench/dashboard.py [--enterprises 5000] [--runs 7] [--reuse] [--profile]
                              [--flat 50000] [--no-export] [--province]

Builds a synthetic commune (bench/synthetic.py: 5,000 enterprises with a report
for every period 2024-H1 … 2030, mostly approved) on a database of its own, then
times, over several runs, and reports the medians of:

- dashboard_ms: the official's dashboard as the server produces it: the Django
  test client, logged in, GET "/" (URL routing, middleware, session, every
  query, arranging the figures, rendering the template), with the figures
  cache emptied first: the worst case, as after a restart or after an
  enterprise or a target changed (a report's change empties only its period's);
- dashboard_cached_ms: the same page again at once, the figures coming from
  the figures cache (indicators.figures_cache);
- dashboard_sql_ms: the floor, the SQL alone: every query the page issued
  (captured once with CaptureQueriesContext, so the set cannot drift from the
  code), executed again as raw SQL through connection.cursor() with all rows
  fetched, and nothing else.

Which database: BENCH_DATABASE_URL if set; else, when DATABASE_URL points to
PostgreSQL, a database named `hoanghop_bench` on the same server; else a
throwaway SQLite file, bench/out/bench.sqlite3. Never the development database.
The benchmark database is dropped and rebuilt on each run (--reuse keeps one
already built with the same number of enterprises); its name must contain
"bench", so that a mistyped URL cannot wipe real data.

The last line printed is one JSON object (enterprises, dashboard_ms,
dashboard_sql_ms, dashboard_queries, database, …), for scripts and CI. When
bench/export.py exists, its measure(period) is called after the dashboard's
measurements (unless --no-export) and its figures are merged into that object.
With --flat N (`make bench` passes 50000) the same dashboard is then timed with N
enterprises in one commune, on a database of its own built once and then reused,
and the object gains dashboard_50k_ms and flat_ratio (issue 18: at most 1.5).
With --province (`make bench` passes it) bench/province.py then builds a province
(166 communes, 50,000 enterprises; its own database, built once, then reused) and
its province_* figures join the object (province_enterprises, province_dashboard_ms,
province_dashboard_sql_ms, province_api_ms, province_export_s, …).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib.util
import io
import json
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql", "psql")
BENCH_DB_NAME = "hoanghop_bench"
GOAL_MS = 100  # issue 18: the commune dashboard cold, at 5,000 enterprises
GOAL_RATIO = 3
FLAT_RATIO = 1.5  # issue 18: at 50,000 enterprises at most 1.5× the 5,000 figure


def database_url() -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL")
    if explicit:
        return explicit
    configured = os.environ.get("DATABASE_URL", "")
    if urlsplit(configured).scheme in POSTGRES_SCHEMES:
        return urlunsplit(urlsplit(configured)._replace(path="/" + BENCH_DB_NAME))
    return f"sqlite:///{OUT / 'bench.sqlite3'}"


def prepare_database(url: str, *, reuse: bool) -> None:
    """Start from an empty benchmark database (or keep it with --reuse)."""
    parts = urlsplit(url)
    if parts.scheme in POSTGRES_SCHEMES:
        name = parts.path.lstrip("/")
        if "bench" not in name:
            sys.exit(f"Refusing to use {name!r}: the benchmark database's name must contain 'bench'.")
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres",
            user=parts.username,
            password=parts.password,
            host=parts.hostname,
            port=parts.port or 5432,
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if exists and not reuse:
                cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
                exists = False
            if not exists:
                cursor.execute(f'CREATE DATABASE "{name}"')
        admin.close()
    else:
        path = Path(parts.path)
        if path.resolve() == (ROOT / "db.sqlite3").resolve():
            sys.exit("Refusing to benchmark on the development database db.sqlite3.")
        if "bench" not in str(path):
            sys.exit(f"Refusing to use {path}: the benchmark database's path must contain 'bench'.")
        path.parent.mkdir(parents=True, exist_ok=True)
        if not reuse:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2030)
    parser.add_argument("--reuse", action="store_true", help="keep an already built benchmark database")
    parser.add_argument("--profile", action="store_true", help="print where one page's time goes")
    parser.add_argument(
        "--flat",
        type=int,
        default=0,
        metavar="N",
        help="then time the same dashboard with N enterprises in one commune (its own database, kept "
        "between runs) and print the ratio of the two: flat in the number of enterprises",
    )
    parser.add_argument("--no-export", action="store_true", help="time the dashboard only")
    parser.add_argument(
        "--province",
        action="store_true",
        help="then run bench/province.py (166 communes, 50,000 enterprises; its own database, built once, "
        "then reused) and merge its province_* figures",
    )
    args = parser.parse_args()

    url = database_url()
    prepare_database(url, reuse=args.reuse)
    # Before Django reads its settings: the benchmark's own database, debug-mode static
    # files (no collectstatic needed); DEBUG itself is switched off for the timings below.
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoanghop.settings")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)

    import django

    django.setup()

    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import synthetic
    from enterprises.models import Enterprise
    from indicators import progress

    vendor = connection.vendor
    print(f"Database: {vendor} ({settings.DATABASES['default']['NAME']})")
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    if args.reuse and Enterprise.objects.count() == args.enterprises:
        print(f"Reusing the {args.enterprises:,} enterprises already built.")
    else:
        if Enterprise.objects.exists():
            sys.exit("The benchmark database holds other data; run without --reuse to rebuild it.")
        print(f"Building {args.enterprises:,} enterprises with every period's reports…")
        built = synthetic.build(args.enterprises, seed=args.seed)
        print(
            f"Built {built.enterprises:,} enterprises, {built.reports:,} reports, "
            f"{built.values:,} figures in {time.perf_counter() - started:.1f} s."
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="localhost")
    client.force_login(synthetic.official())

    def get_dashboard():
        response = client.get("/")
        if response.status_code != 200:
            sys.exit(f"GET / answered {response.status_code}")
        return response

    figures = caches["figures"]
    get_dashboard()  # warm up: templates compiled, connection open
    figures.clear()
    with CaptureQueriesContext(connection) as captured:
        page = get_dashboard()
    statements = [query["sql"] for query in captured.captured_queries]

    settings.DEBUG = False  # as in production: no query log
    page_times, sql_times, cached_times = [], [], []
    for _run in range(args.runs):
        figures.clear()  # as just after a report changed: every figure computed
        start = time.perf_counter()
        get_dashboard()
        page_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        get_dashboard()  # nothing changed since: the figures cache answers
        cached_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()
        sql_times.append(time.perf_counter() - start)

    if args.profile:
        figures.clear()
        profiler = cProfile.Profile()
        profiler.enable()
        get_dashboard()
        profiler.disable()
        report = io.StringIO()
        pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(30)
        print(report.getvalue())

    period = progress.latest_period_with_approved_reports()
    result = {
        "enterprises": Enterprise.objects.count(),
        "period": period.code if period else None,
        "runs": args.runs,
        "dashboard_ms": median_ms(page_times),
        "dashboard_min_ms": round(min(page_times) * 1000, 1),
        "dashboard_sql_ms": median_ms(sql_times),
        "dashboard_cached_ms": median_ms(cached_times),
        "dashboard_queries": len(statements),
        "page_kb": round(len(page.content) / 1024, 1),
        "database": vendor,
        # Timings on a shared machine mean little without how busy it was.
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    result["ratio"] = (
        round(result["dashboard_ms"] / result["dashboard_sql_ms"], 2) if result["dashboard_sql_ms"] else None
    )
    result["goal_met"] = bool(
        result["dashboard_ms"] < GOAL_MS and result["ratio"] is not None and result["ratio"] <= GOAL_RATIO
    )

    print()
    print(f"{'measure':<34}{'median':>12}{'min':>12}")
    print(f"{'dashboard GET / (server)':<34}{result['dashboard_ms']:>10.1f} ms{result['dashboard_min_ms']:>9.1f} ms")
    print(f"{'its SQL alone (raw, fetched)':<34}{result['dashboard_sql_ms']:>10.1f} ms{min(sql_times) * 1000:>9.1f} ms")
    print(
        f"{'again, figures from the cache':<34}{result['dashboard_cached_ms']:>10.1f} ms{min(cached_times) * 1000:>9.1f} ms"
    )
    print(f"{'queries per page':<34}{result['dashboard_queries']:>12}")
    print(f"{'page size':<34}{result['page_kb']:>9.1f} kB")
    print(f"{'page / SQL':<34}{result['ratio']:>11}×")
    print(f"{'load average (1 min) / CPUs':<34}{result['load_avg_1m']:>9} / {result['cpus']}")
    print(
        f"goal (< {GOAL_MS} ms and ≤ {GOAL_RATIO}× the SQL, on PostgreSQL): {'met' if result['goal_met'] else 'MISSED'}"
    )

    export_module = ROOT / "bench" / "export.py"
    if export_module.exists() and period is not None and not args.no_export:
        spec = importlib.util.spec_from_file_location("bench_export", export_module)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        export = module.measure(period)
        for key, value in export.items():
            print(f"{key:<34}{value:>12}")
        result.update(export)

    if args.flat:
        result.update(flat(args.flat, args.runs, result["dashboard_ms"], url))

    if args.province:
        result.update(province(min(args.runs, 5)))

    print(json.dumps(result, ensure_ascii=False))


def province(runs: int) -> dict:
    """bench/province.py in a process of its own (its database built once, then reused), its
    output shown as it comes, its last line's JSON returned; the province_* keys null, with
    province_note saying why, when it fails."""
    import subprocess

    print("\nThe province (bench/province.py):", flush=True)
    command = [sys.executable, str(ROOT / "bench" / "province.py"), "--runs", str(runs), "--reuse"]
    last = ""
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        for line in process.stdout:
            print(line, end="", flush=True)
            if line.strip():
                last = line
    try:
        found = json.loads(last) if process.returncode == 0 else None
    except json.JSONDecodeError:
        found = None
    if not isinstance(found, dict):
        keys = ("enterprises", "dashboard_ms", "dashboard_sql_ms", "api_ms", "export_s")
        found = {f"province_{key}": None for key in keys}
        found["province_note"] = f"bench/province.py exited with status {process.returncode}"
    return found


def flat(enterprises: int, runs: int, dashboard_ms: float, url: str) -> dict:
    """The dashboard again with `enterprises` in one commune, in a process and a database of
    its own (built once, then reused), and its ratio to this run's figure (issue 18: at most
    1.5×)."""
    import subprocess

    parts = urlsplit(url)
    if parts.scheme in POSTGRES_SCHEMES:
        other = urlunsplit(parts._replace(path=f"/{BENCH_DB_NAME}_{enterprises}"))
    else:
        other = f"sqlite:///{OUT / f'bench_{enterprises}.sqlite3'}"
    print(f"\nThe same dashboard with {enterprises:,} enterprises ({other}):", flush=True)
    command = [sys.executable, __file__, "--enterprises", str(enterprises), "--runs", str(runs), "--reuse"]
    output = subprocess.run(
        [*command, "--no-export"],
        env={**os.environ, "BENCH_DATABASE_URL": other},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    print(output)
    large = json.loads(output.strip().splitlines()[-1])
    key = f"dashboard_{enterprises // 1000}k" if enterprises % 1000 == 0 else f"dashboard_{enterprises}"
    ratio = round(large["dashboard_ms"] / dashboard_ms, 2)
    print(f"{key + '_ms':<34}{large['dashboard_ms']:>10.1f} ms")
    print(f"{'ratio to ' + str(round(dashboard_ms, 1)) + ' ms':<34}{ratio:>11}× (goal ≤ {FLAT_RATIO}×)")
    return {
        f"{key}_ms": large["dashboard_ms"],
        f"{key}_sql_ms": large["dashboard_sql_ms"],
        f"{key}_queries": large["dashboard_queries"],
        "flat_ratio": ratio,
        "flat_goal_met": ratio <= FLAT_RATIO,
    }


if __name__ == "__main__":
    main()
