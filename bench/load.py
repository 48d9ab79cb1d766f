#!/usr/bin/env python
"""Load test (`make load`): simulated officials and officers against gunicorn.

    python bench/load.py [--users 50] [--seconds 60] [--enterprises 5000] [--workers 4] [--threads 1] [--reuse]

Uses the dashboard benchmark's synthetic province-scale data and database
(bench/dashboard.py explains which database), serves the portal with gunicorn on
127.0.0.1 with production settings, and runs locust headless (bench/locustfile.py):
a quarter of the users are officials browsing dashboards, the review queue, the
registry and the Excel export; the others are union officers opening and saving
their report for the open period, then submitting it. The users arrive five a
second and log in; once all have logged in, the statistics are reset, and the next
`--seconds` are measured: requests/s, p50/p95 latency and failures per request
and overall, then one JSON line (with the dashboard's own p95).
Goal (issue 18, for `--users 100`): no failures, p95 under 300 ms and the dashboard's
p95 under 200 ms, on this 2-core machine.

Only loopback traffic: the server and the load generator both run here.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dashboard import OUT, database_url, prepare_database  # noqa: E402

PASSWORD = "Tai-thu-2030!"
OPEN_PERIOD = "2030"
PAST_PERIOD = "2025"
GOAL_P95_MS = 300
GOAL_DASHBOARD_P95_MS = 200
SPAWN_RATE = 5
SETTLE_BOUND = 120  # at most this long after the last arrival for the last login


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_data(enterprises: int, officers: int, *, reuse: bool) -> tuple[str, list[str]]:
    """Synthetic data, an official and officers with a known password, an open period
    whose reports of the officers' enterprises are not yet written."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from accounts.roles import OFFICER
    from bench import synthetic
    from enterprises.models import Enterprise, UnionOfficer
    from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod

    call_command("migrate", verbosity=0)
    if not (reuse and Enterprise.objects.count() == enterprises):
        if Enterprise.objects.exists():
            sys.exit("The benchmark database holds other data; run without --reuse to rebuild it.")
        print(f"Building {enterprises:,} enterprises with every period's reports…", flush=True)
        synthetic.build(enterprises)
    from django.db import connection

    if connection.vendor == "postgresql":
        # Planner statistics, as bench/dashboard.py takes them: a freshly built database
        # would otherwise be measured with the plans of empty tables.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    official = synthetic.official()
    official.set_password(PASSWORD)
    official.save()

    User = get_user_model()
    group = Group.objects.get(name=OFFICER)
    names = []
    for enterprise in Enterprise.objects.filter(is_active=True).order_by("pk")[:officers]:
        user, _created = User.objects.get_or_create(username=f"load.officer{enterprise.pk}")
        user.set_password(PASSWORD)
        user.save()
        user.groups.add(group)
        UnionOfficer.objects.update_or_create(user=user, defaults={"enterprise": enterprise})
        names.append(user.username)
    period = ReportingPeriod.objects.get(code=OPEN_PERIOD)
    period.state = PeriodState.OPEN
    period.save()
    EnterpriseReport.objects.filter(period=period, enterprise__officers__user__username__in=names).delete()
    call_command("collectstatic", interactive=False, verbosity=0)
    return official.username, names


def serve(env: dict, port: int, workers: int, threads: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hoanghop.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
            # With --threads > 1: longer than the users' pauses, as a proxy in front would keep
            # it (gunicorn's 2 s default closes idle connections just as a client reuses them).
            "--keep-alive",
            "10",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(60):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    sys.exit("gunicorn did not answer within 30 s")


def read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    # Sync workers, as the README deploys: each takes a connection only when free, so no
    # request waits behind an Excel export in a busy worker (with threads, a kept-alive
    # connection stays with its worker).
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: gunicorn's sync workers)")
    parser.add_argument("--reuse", action="store_true", help="keep an already built benchmark database")
    args = parser.parse_args()

    url = database_url()
    prepare_database(url, reuse=args.reuse)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "hoanghop.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "load-test-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain HTTP on loopback: no HTTPS redirect, no secure-only cookies.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "AXES_FAILURE_LIMIT": "1000",
        # Collected static files stay with the benchmark's output, not in the checkout.
        "DJANGO_STATIC_ROOT": str(OUT / "static"),
    }
    os.environ.update(env)
    official, officers = prepare_data(args.enterprises, args.users, reuse=args.reuse)

    port = free_port()
    server = serve(env, port, args.workers, args.threads)
    ramp_up = -(-args.users // SPAWN_RATE)
    OUT.mkdir(parents=True, exist_ok=True)
    prefix = OUT / "load"
    try:
        subprocess.run(
            # The users log in as they arrive (SPAWN_RATE a second); the locustfile resets the
            # statistics once every one has logged in and stops the run `--seconds` later, so
            # the figures are the steady state (the run time below is only a bound).
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                f"{args.seconds + ramp_up + SETTLE_BOUND}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--stop-timeout",
                "10",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            check=False,
            timeout=args.seconds + ramp_up + SETTLE_BOUND + 120,
            env={
                **env,
                "LOAD_PASSWORD": PASSWORD,
                "LOAD_USERS": str(args.users),
                "LOAD_SECONDS": str(args.seconds),
                "LOAD_OFFICIAL": official,
                "LOAD_OFFICERS": ",".join(officers),
                "LOAD_OPEN_PERIOD": OPEN_PERIOD,
                "LOAD_PAST_PERIOD": PAST_PERIOD,
            },
        )
    finally:
        server.terminate()
        server.wait(timeout=30)

    rows = read_stats(prefix)
    print()
    print(f"{'request':<22}{'count':>8}{'fail':>6}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for row in rows:
        print(
            f"{row['Name'][:22]:<22}{row['Request Count']:>8}{row['Failure Count']:>6}"
            f"{float(row['Requests/s']):>8.1f}{row['50%']:>9}{row['95%']:>9}{float(row['Max Response Time']):>9.0f}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    result = {
        "users": args.users,
        "seconds": args.seconds,
        "enterprises": args.enterprises,
        "gunicorn_workers": args.workers,
        "gunicorn_threads": args.threads,
        "requests": int(total["Request Count"]),
        "failures": int(total["Failure Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "database": url.split(":", 1)[0],
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    dashboard = next((row for row in rows if row["Name"] == "dashboard"), None)
    result["dashboard_p95_ms"] = float(dashboard["95%"]) if dashboard else None
    result["goal_met"] = (
        result["failures"] == 0
        and result["p95_ms"] < GOAL_P95_MS
        and (result["dashboard_p95_ms"] or 0) < GOAL_DASHBOARD_P95_MS
    )
    print(
        f"goal (0 failures, p95 < {GOAL_P95_MS} ms, dashboard p95 < {GOAL_DASHBOARD_P95_MS} ms): "
        f"{'met' if result['goal_met'] else 'MISSED'}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
