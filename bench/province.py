#!/usr/bin/env python
"""Benchmark of a whole province (issue 17): many communes on one installation.

    python bench/province.py [--communes 166] [--enterprises 50000] [--runs 5] [--period 2030]
                             [--seed 2017] [--reuse]

Builds, on a PostgreSQL database of its own, a province: `--communes` communes (demo codes
90001, 90002, …, distinct slugs), each with its own copy of the real plan (loaded once with
`load_plan` for the first commune, then copied row by row: task groups, tasks, indicators,
targets, milestones, reporting periods 2024-H1 … 2030), and `--enterprises` enterprises spread
unevenly over them (Zipf-like, seeded: the first commune is the biggest, a few thousand
enterprises; the smallest have a few dozen). Every enterprise has a report for (almost) every
period, mostly approved, with a figure for each of the plan's indicators, as bench/synthetic.py
makes them for one commune. Enterprises, reports, figures and standings go in with COPY, with
the two big tables' secondary indexes and constraints dropped meanwhile and made again after;
the period totals are then counted for every commune and period at once in SQL
(`rebuild_totals`' figures, grouped by commune), and each report's standing is computed with
indicators.standing's own yardsticks as its row is made.

Then it times, over `--runs` runs (median, min–max):

- commune_dashboard_ms: the biggest commune's dashboard, cold (figures cache emptied), as
  bench/dashboard.py times it, and its SQL floor (its queries replayed raw);
- province_rollup_sql_ms: the bare SQL floor of the province's roll-up for one period: per
  active commune Σ approved, Σ workers and Σ met per indicator, read from the stored totals
  (PeriodTotals, PeriodIndicatorTotal) joined to the commune's period of that code, and the
  province's sums per indicator;
- when the `province` app is installed: the province dashboard (cold; and its SQL floor by
  CaptureQueriesContext replay), the province API and the province's Excel export, as a user
  of the province viewers' group. Their URLs are guessed in PROVINCE_PAGES below; without the
  app, or when a URL answers other than 200, the figures are null and `province_note` says why.

Which database: BENCH_PROVINCE_DATABASE_URL if set; else `hoanghop_bench_province` on the
server of BENCH_DATABASE_URL or DATABASE_URL when that is PostgreSQL; else nothing is built
(the figures are null: the province's scale needs PostgreSQL). The database is dropped and
built again unless --reuse finds one completely built with the same shape (communes,
enterprises, seed); its name must contain "bench". About ten minutes to build on 2 cores.

The last line printed is one JSON object (province_enterprises, province_communes,
province_dashboard_ms, province_dashboard_sql_ms, province_api_ms, province_export_s, …);
bench/dashboard.py --province runs this script and merges it into its own.
"""

from __future__ import annotations

import argparse
import atexit
import datetime
import io
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.dashboard import POSTGRES_SCHEMES, prepare_database  # noqa: E402
from bench.dashboard import database_url as commune_database_url  # noqa: E402

DB_NAME = "hoanghop_bench_province"
SHAPE_TABLE = "bench_province_shape"  # written last: a database without it is half built

# --- the pages timed, in one place (the province app's URL names are guesses) ------------------
# Each: (URL name to reverse, path to use if the name does not exist); "{period}" is the code.
COMMUNE_DASHBOARD = (None, "/")
PROVINCE_PAGES = {
    "dashboard": ("rollup:province_progress", "/tinh/?period={period}"),
    "api": ("rollup:api_progress", "/api/v1/province/progress/?period={period}"),
    "export": ("rollup:province_export", "/tinh/export.xlsx?period={period}"),
}
PROVINCE_VIEWER_GROUP = "province_viewer"  # accounts.roles.PROVINCE_VIEWER
PROVINCE_USERNAME = "bench.province"

# Issue 17's goals.
GOAL_PROVINCE_MS = 300
GOAL_PROVINCE_RATIO = 3
GOAL_API_MS = 300
GOAL_EXPORT_S = 5
GOAL_EXPORT_MB = 200

# The shape of the province.
BIG_SHARE_EXPONENT = 0.8  # commune k of n holds ∝ k^-0.8 of the enterprises (× noise)
LATE_FOLLOWED = datetime.date(2026, 7, 1)  # a few enterprises followed only from then on
COPY_CHUNK = 16 * 2**20  # characters buffered before each COPY
NULL = "\\N"


def database_url() -> str | None:
    explicit = os.environ.get("BENCH_PROVINCE_DATABASE_URL")
    if explicit:
        return explicit
    base = urlsplit(commune_database_url())
    if base.scheme in POSTGRES_SCHEMES:
        return urlunsplit(base._replace(path="/" + DB_NAME))
    return None


def stored_shape(url: str) -> dict | None:
    """The shape a complete earlier build wrote, or None (no database, or half built)."""
    import psycopg2

    parts = urlsplit(url)
    try:
        conn = psycopg2.connect(
            dbname=parts.path.lstrip("/"),
            user=parts.username,
            password=parts.password,
            host=parts.hostname,
            port=parts.port or 5432,
        )
    except psycopg2.OperationalError:
        return None
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s)", [SHAPE_TABLE])
            if cursor.fetchone()[0] is None:
                return None
            cursor.execute(f"SELECT shape FROM {SHAPE_TABLE}")
            row = cursor.fetchone()
            return json.loads(row[0]) if row else None
    finally:
        conn.close()


# --- helpers -----------------------------------------------------------------------------------


def spread(samples: list[float], scale: float = 1000, places: int = 1) -> dict:
    return {
        "median": round(statistics.median(samples) * scale, places),
        "min": round(min(samples) * scale, places),
        "max": round(max(samples) * scale, places),
    }


def copy_field(value) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    text = str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


class Copier:
    """Rows buffered and sent with COPY … FROM STDIN, a chunk at a time."""

    def __init__(self, cursor, table: str, columns: list[str]):
        self.cursor, self.columns, self.rows = cursor, columns, 0
        quoted = ", ".join(f'"{column}"' for column in columns)
        self.sql = f"COPY {table} ({quoted}) FROM STDIN"
        self.buffer, self.size = [], 0

    def add(self, line: str) -> None:
        """One row already formatted: fields separated by tabs, ending with a newline."""
        self.buffer.append(line)
        self.size += len(line)
        self.rows += 1
        if self.size > COPY_CHUNK:
            self.flush()

    def add_values(self, values) -> None:
        self.add("\t".join(copy_field(v) for v in values) + "\n")

    def flush(self) -> None:
        if self.buffer:
            self.cursor.copy_expert(self.sql, io.StringIO("".join(self.buffer)))
            self.buffer, self.size = [], 0


class LooseTables:
    """The secondary indexes, unique and foreign-key constraints of some tables dropped while
    they are filled, and made again afterwards (a bulk load builds each index once)."""

    def __init__(self, cursor, tables: list[str]):
        self.cursor, self.tables = cursor, tables

    def __enter__(self):
        cursor = self.cursor
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype FROM pg_constraint "
            "WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('u', 'f') ORDER BY contype",
            [self.tables],
        )
        self.constraints = cursor.fetchall()
        for table, name, _definition, _kind in sorted(self.constraints, key=lambda c: c[3] != "f"):
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary",
            [self.tables],
        )
        self.indexes = cursor.fetchall()
        for name, _definition in self.indexes:
            cursor.execute(f"DROP INDEX {name}")
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        cursor = self.cursor
        for _name, definition in self.indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in sorted(self.constraints, key=lambda c: c[3] == "f"):
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        return False


# --- the province --------------------------------------------------------------------------------


def commune_sizes(communes: int, enterprises: int, rng: random.Random) -> list[int]:
    """How many enterprises each commune follows: the first the biggest, many small ones."""
    weights = [1.0] + [k**-BIG_SHARE_EXPONENT * rng.uniform(0.75, 1.25) for k in range(2, communes + 1)]
    total = sum(weights)
    sizes = [max(1, int(enterprises * w / total)) for w in weights]
    sizes[0] += enterprises - sum(sizes)  # the rounding's remainder to the biggest
    return sizes


def build(communes: int, enterprises: int, *, seed: int, log=print) -> dict:
    """Fill the migrated, empty database with the province; returns the row counts."""
    from django.core.management import call_command
    from django.db import connection, transaction
    from django_scopes import scope

    from bench import synthetic
    from communes.models import Commune, CommuneKind
    from indicators.models import PeriodState, ReportingPeriod

    rng = random.Random(seed)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")

    # The communes: the migration's first row becomes the first (the biggest, the one the
    # installation serves and whose dashboard "/" shows), the others are added after it.
    def commune_fields(n: int) -> dict:
        name = f"Thử Nghiệm {n:03d}"
        return {
            "code": f"9{n:04d}",
            "name": name,
            "kind": CommuneKind.WARD if n % 10 == 0 else CommuneKind.COMMUNE,
            "slug": f"thu-nghiem-{n:03d}",
            "body": f"Ủy ban nhân dân xã {name}",
            "place": name,
            "superior": "Ủy ban nhân dân tỉnh Thanh Hóa",
            "addressee": "Liên đoàn Lao động tỉnh Thanh Hóa",
        }

    first = Commune.objects.order_by("pk").first()
    if first is None:
        first = Commune.objects.create(**commune_fields(1))
    else:
        Commune.objects.filter(pk=first.pk).update(**commune_fields(1))
        first.refresh_from_db()
    Commune.objects.bulk_create([Commune(**commune_fields(n)) for n in range(2, communes + 1)])
    rows = list(Commune.objects.order_by("pk"))
    log(f"  {len(rows)} communes")

    # The plan, loaded once for the first commune, then copied to every other.
    with scope(commune=first):
        call_command("load_plan", verbosity=0)
    with transaction.atomic():
        ReportingPeriod.objects.update(state=PeriodState.CLOSED)
        last = ReportingPeriod.objects.order_by("end", "kind").last()
        ReportingPeriod.objects.filter(pk=last.pk).update(state=PeriodState.OPEN)
        copy_plan(first, rows[1:])
        synthetic._official()
    log(f"  plan copied to {len(rows) - 1} communes ({time.perf_counter() - started:.1f} s)")

    sizes = commune_sizes(len(rows), enterprises, rng)
    counts = fill(rows, sizes, rng, log=log)
    counts["communes"] = len(rows)
    log(f"  enterprises, reports, figures and standings in ({time.perf_counter() - started:.1f} s)")
    rebuild_totals()
    activities(rows, sizes, rng)
    log(f"  totals counted ({time.perf_counter() - started:.1f} s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # visibility maps and planner statistics, as a settled database has
    return counts


def _copy(obj, **changes):
    """An unsaved copy of a row: its concrete fields but the key and the commune, then `changes`."""
    values = {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if not f.primary_key and f.name != "commune"
    }
    values.update(changes)
    return type(obj)(**values)


def copy_plan(first, others) -> None:
    """The first commune's plan, task groups, tasks, indicators, targets, milestones and
    reporting periods copied to each of `others` (bulk_create, a few queries per model)."""
    from indicators.models import FiguresRevision, Indicator, Milestone, ReportingPeriod, Target
    from plans.models import Plan, Task, TaskGroup

    plan = Plan.objects.get(commune=first, is_current=True)
    groups = list(TaskGroup.objects.filter(plan=plan).order_by("pk"))
    tasks = list(Task.objects.filter(group__plan=plan).order_by("pk").prefetch_related("coordinating_units"))
    indicators = list(Indicator.objects.filter(plan=plan).order_by("pk"))
    targets = list(Target.objects.filter(indicator__plan=plan).order_by("pk"))
    milestones = list(Milestone.objects.filter(indicator__plan=plan).order_by("pk"))
    periods = list(ReportingPeriod.objects.filter(commune=first).order_by("pk"))

    plans = Plan.objects.bulk_create([_copy(plan, commune_id=c.pk) for c in others])
    new_groups = TaskGroup.objects.bulk_create(
        [_copy(g, plan_id=p.pk, commune_id=p.commune_id) for p in plans for g in groups]
    )
    group_of = {(g.commune_id, g.number): g for g in new_groups}
    number = {g.pk: g.number for g in groups}
    new_tasks = Task.objects.bulk_create(
        [_copy(t, group_id=group_of[(c.pk, number[t.group_id])].pk, commune_id=c.pk) for c in others for t in tasks]
    )
    through = Task.coordinating_units.through
    units = {t.letter + str(number[t.group_id]): [u.pk for u in t.coordinating_units.all()] for t in tasks}
    new_number = {g.pk: g.number for g in new_groups}
    through.objects.bulk_create(
        [
            through(task_id=t.pk, unit_id=unit)
            for t in new_tasks
            for unit in units[t.letter + str(new_number[t.group_id])]
        ],
        batch_size=5000,
    )
    new_indicators = Indicator.objects.bulk_create(
        [_copy(i, plan_id=p.pk, commune_id=p.commune_id) for p in plans for i in indicators]
    )
    indicator_of = {(i.commune_id, i.code): i.pk for i in new_indicators}
    code = {i.pk: i.code for i in indicators}
    for model, rows in ((Target, targets), (Milestone, milestones)):
        model.objects.bulk_create(
            [
                _copy(r, indicator_id=indicator_of[(c.pk, code[r.indicator_id])], commune_id=c.pk)
                for c in others
                for r in rows
            ],
            batch_size=5000,
        )
    new_periods = ReportingPeriod.objects.bulk_create(
        [_copy(p, commune_id=c.pk) for c in others for p in periods], batch_size=5000
    )
    FiguresRevision.objects.bulk_create(
        [FiguresRevision(period_id=p.pk, commune_id=p.commune_id) for p in new_periods], batch_size=5000
    )


def fill(communes, sizes: list[int], rng: random.Random, *, log=print) -> dict:
    """Enterprises, their reports, the reports' figures and standings, with COPY."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import synthetic
    from enterprises.models import Enterprise
    from indicators import standing
    from indicators.models import (
        STANDING,
        EnterpriseReport,
        Indicator,
        ReportingPeriod,
        ReportStanding,
        ReportStatus,
        ReportValue,
    )

    indicators = defaultdict(list)
    for indicator in Indicator.objects.order_by("order", "code").prefetch_related("targets", "milestones"):
        indicators[indicator.commune_id].append(indicator)
    periods = defaultdict(list)
    for period in ReportingPeriod.objects.order_by("end", "kind"):
        periods[period.commune_id].append(period)
    final_target = {i.code: float(max(i.targets.all(), key=lambda t: t.year).value) for i in indicators[communes[0].pk]}
    statuses, weights = zip(*synthetic.STATUS_WEIGHTS, strict=False)
    now = timezone.now()
    tables = [m._meta.db_table for m in (Enterprise, EnterpriseReport, ReportValue, ReportStanding)]
    enterprise_id = report_id = value_id = 0
    with transaction.atomic(), connection.cursor() as cursor, LooseTables(cursor, tables):
        firms = Copier(
            cursor,
            tables[0],
            [
                "id", "commune_id", "name", "tax_code", "address", "sector", "legal_form", "economic_sector",
                "has_union", "union_name", "phone", "email", "followed_from", "stopped_from", "is_active",
                "created_at", "updated_at",
            ],
        )  # fmt: skip
        reports = Copier(
            cursor,
            tables[1],
            [
                "id", "commune_id", "enterprise_id", "period_id", "status", "total_workers", "female_workers",
                "notes", "first_submitted_at", "first_submitted_on", "submitted_at", "entered_by_official",
                "return_reason", "reviewed_at", "reviewed_by_id", "created_at", "updated_at", "version",
            ],
        )  # fmt: skip
        values = Copier(cursor, tables[2], ["id", "commune_id", "report_id", "indicator_id", "count"])
        standings = Copier(cursor, tables[3], ["report_id", "commune_id", "period_id", "behind", "shortfall"])
        stamp = now.isoformat()
        for commune, size in zip(communes, sizes, strict=True):
            c = commune.pk
            own = indicators[c]
            own_periods = periods[c]
            sticks = {p.pk: standing.yardsticks(p, own) for p in own_periods}
            members = []
            for _n in range(size):
                enterprise_id += 1
                roll = rng.random()
                followed = LATE_FOLLOWED if roll < 0.03 else synthetic.FOLLOWED_FROM
                stopped = synthetic.STOPPED_FROM if 0.03 <= roll < 0.04 else None
                firms.add_values(
                    (
                        enterprise_id, c, f"Doanh nghiệp thử nghiệm {enterprise_id:05d}",
                        f"{2900000000 + enterprise_id:010d}", f"Thôn {rng.randint(1, 12)}", "",
                        rng.choice(synthetic.LEGAL_FORMS), rng.choice(synthetic.SECTORS), rng.random() < 0.8,
                        "", "", "", followed, stopped, stopped is None, now, now,
                    )
                )  # fmt: skip
                members.append((enterprise_id, followed, synthetic.workforce(rng), rng.uniform(0.55, 1.15)))
            for step, period in enumerate(own_periods, start=1):
                share_of_target = step / len(own_periods)
                deadline = period.deadline
                for pk, followed, size_of, keen in members:
                    if followed > period.end:
                        continue  # not followed yet: no report
                    status = rng.choices(statuses, weights)[0]
                    if status is None:
                        continue
                    report_id += 1
                    total = max(1, round(size_of * rng.uniform(0.9, 1.1)))
                    female = round(total * rng.uniform(0.3, 0.8))
                    submitted = status != ReportStatus.DRAFT
                    late = submitted and rng.random() < 0.05
                    on = (deadline + datetime.timedelta(days=3 if late else -3)).isoformat() if submitted else NULL
                    at = stamp if submitted else NULL
                    reviewed = stamp if status == ReportStatus.APPROVED else NULL
                    reports.add(
                        f"{report_id}\t{c}\t{pk}\t{period.pk}\t{status}\t{total}\t{female}\t\t{at}\t{on}\t{at}"
                        f"\tf\t\t{reviewed}\t{NULL}\t{stamp}\t{stamp}\t1\n"
                    )
                    met = {}
                    for indicator in own:
                        share = final_target[indicator.code] / 100 * share_of_target * keen
                        share = min(1.0, max(0.0, share + rng.uniform(-0.08, 0.08)))
                        met[indicator.pk] = count = round(total * share)
                        value_id += 1
                        values.add(f"{value_id}\t{c}\t{report_id}\t{indicator.pk}\t{count}\n")
                    if status in STANDING:
                        behind, shortfall = standing.standing_of(total, met, sticks[period.pk])
                        standings.add(f"{report_id}\t{c}\t{period.pk}\t{behind}\t{shortfall}\n")
        for copier in (firms, reports, values, standings):
            copier.flush()
        log(
            f"  COPY: {firms.rows:,} enterprises, {reports.rows:,} reports, {values.rows:,} figures, "
            f"{standings.rows:,} standings; making the indexes again…"
        )
    with connection.cursor() as cursor:
        for table in tables[:3]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
    return {"enterprises": firms.rows, "reports": reports.rows, "values": values.rows, "standings": standings.rows}


# The totals of every commune's periods, as indicators.totals.recount counts them for one
# commune (grouped by period, every period belonging to one commune), in two statements.
TOTALS_SQL = """
INSERT INTO indicators_periodtotals (period_id, commune_id, draft, submitted, approved, returned, late,
                                     workers, female, active, unreported, headcount, unknown)
SELECT p.id, p.commune_id,
       coalesce(r.draft, 0), coalesce(r.submitted, 0), coalesce(r.approved, 0), coalesce(r.returned, 0),
       coalesce(r.late, 0), coalesce(r.workers, 0), coalesce(r.female, 0),
       coalesce(e.active, 0), coalesce(e.unreported, 0), coalesce(e.headcount, 0), coalesce(e.unknown, 0)
FROM indicators_reportingperiod p
LEFT JOIN (
    SELECT r.period_id,
           count(*) FILTER (WHERE r.status = 'draft') AS draft,
           count(*) FILTER (WHERE r.status = 'submitted') AS submitted,
           count(*) FILTER (WHERE r.status = 'approved') AS approved,
           count(*) FILTER (WHERE r.status = 'returned') AS returned,
           count(*) FILTER (WHERE r.first_submitted_on > q.deadline) AS late,
           sum(r.total_workers) FILTER (WHERE r.status = 'approved') AS workers,
           sum(r.female_workers) FILTER (WHERE r.status = 'approved') AS female
    FROM indicators_enterprisereport r JOIN indicators_reportingperiod q ON q.id = r.period_id
    GROUP BY r.period_id
) r ON r.period_id = p.id
LEFT JOIN (
    SELECT x.period_id,
           count(*) FILTER (WHERE x.counted) AS active,
           count(*) FILTER (WHERE x.followed AND x.report_id IS NULL) AS unreported,
           sum(x.last_total) FILTER (WHERE x.counted AND NOT x.approved) AS headcount,
           count(*) FILTER (WHERE x.counted AND NOT x.approved AND x.last_total IS NULL) AS unknown
    FROM (
        SELECT y.*, y.followed OR y.report_id IS NOT NULL AS counted,
               CASE WHEN (y.followed OR y.report_id IS NOT NULL) AND NOT y.approved THEN (
                   SELECT r2.total_workers
                   FROM indicators_enterprisereport r2
                   JOIN indicators_reportingperiod p2 ON p2.id = r2.period_id
                   WHERE r2.enterprise_id = y.enterprise_id AND r2.status = 'approved' AND p2."end" < y."end"
                   ORDER BY p2."end" DESC LIMIT 1
               ) END AS last_total
        FROM (
            SELECT p.id AS period_id, p."end", e.id AS enterprise_id, r.id AS report_id,
                   coalesce(r.status = 'approved', false) AS approved,
                   e.followed_from <= p."end" AND (e.stopped_from IS NULL OR e.stopped_from > p.start) AS followed
            FROM indicators_reportingperiod p
            JOIN enterprises_enterprise e ON e.commune_id = p.commune_id
            LEFT JOIN indicators_enterprisereport r ON r.enterprise_id = e.id AND r.period_id = p.id
        ) y
    ) x
    GROUP BY x.period_id
) e ON e.period_id = p.id
"""

MET_SQL = """
INSERT INTO indicators_periodindicatortotal (period_id, indicator_id, commune_id, met)
SELECT r.period_id, v.indicator_id, r.commune_id, sum(v.count)
FROM indicators_reportvalue v JOIN indicators_enterprisereport r ON r.id = v.report_id
WHERE r.status = 'approved'
GROUP BY r.period_id, v.indicator_id, r.commune_id
HAVING sum(v.count) <> 0
"""


def rebuild_totals() -> None:
    """Every commune's period totals counted again from its reports and enterprises."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM indicators_periodindicatortotal")
        cursor.execute("DELETE FROM indicators_periodtotals")
        cursor.execute("ANALYZE indicators_enterprisereport, indicators_reportvalue, enterprises_enterprise")
        cursor.execute(TOTALS_SQL)
        cursor.execute(MET_SQL)


def activities(communes, sizes: list[int], rng: random.Random) -> None:
    """Task statuses drawn and a few activities per commune (bench/synthetic.py's 300 for 5,000
    enterprises, in proportion)."""
    from django.utils import timezone

    from plans.models import Activity, Task, TaskStatus

    tasks = defaultdict(list)
    for task in Task.objects.order_by("pk"):
        task.status = rng.choice(TaskStatus.values)
        tasks[task.commune_id].append(task)
    Task.objects.bulk_update([t for group in tasks.values() for t in group], ["status"], batch_size=2000)
    made = []
    for commune, size in zip(communes, sizes, strict=True):
        for n in range(1, max(3, round(300 * size / 5000)) + 1):
            made.append(
                Activity(
                    task=rng.choice(tasks[commune.pk]),
                    date=timezone.localdate().replace(
                        year=rng.randint(2024, 2030), month=rng.randint(1, 12), day=rng.randint(1, 28)
                    ),
                    title=f"Hoạt động thử nghiệm {n}",
                    workers_reached=rng.randint(20, 800),
                )
            )
    Activity.objects.bulk_create(made, batch_size=5000)


# --- measurements --------------------------------------------------------------------------------


class PageAnswered(Exception):
    """A page answered other than 200."""


def page_url(entry: tuple[str | None, str], period: str) -> str:
    """The URL of a page: its name reversed when it exists (with ?period=), else the path."""
    from django.urls import NoReverseMatch, reverse

    name, path = entry
    if name:
        try:
            return f"{reverse(name)}?period={period}"
        except NoReverseMatch:
            pass
    return path.format(period=period)


def measure_page(client, url: str, runs: int) -> dict:
    """A page cold (figures cache emptied before each GET): its wall time, and the floor: the
    queries it issued (captured once) replayed as raw SQL, every row fetched."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise PageAnswered(f"GET {url} answered {response.status_code}")
        return b"".join(response.streaming_content) if response.streaming else response.content

    figures = caches["figures"]
    debug = settings.DEBUG
    get()  # warm-up: templates compiled, connection open
    figures.clear()
    with CaptureQueriesContext(connection) as captured:
        body = get()
    statements = [query["sql"] for query in captured.captured_queries]
    settings.DEBUG = False  # as in production: no query log
    page, sql = [], []
    try:
        for _run in range(runs):
            figures.clear()
            start = time.perf_counter()
            get()
            page.append(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
                    if cursor.description is not None:
                        cursor.fetchall()
            sql.append(time.perf_counter() - start)
    finally:
        settings.DEBUG = debug
    return {"page": spread(page), "sql": spread(sql), "queries": len(statements), "kb": round(len(body) / 1024, 1)}


class PeakRss:
    """The process's resident memory sampled every 5 ms in a thread while the block runs: its
    peak above what it was before (the block's own footprint; ru_maxrss only knows the
    process's peak since it started, which the build may have set)."""

    PAGE = os.sysconf("SC_PAGE_SIZE")

    def rss(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self.PAGE

    def __enter__(self):
        import threading

        self.before = self.peak = self.rss()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)
        self.thread.start()
        return self

    def sample(self):
        while not self.done.wait(0.005):
            self.peak = max(self.peak, self.rss())

    def __exit__(self, *exc):
        self.done.set()
        self.thread.join()
        self.peak = max(self.peak, self.rss())
        self.growth_mb = round((self.peak - self.before) / 2**20, 1)
        return False


def empty_file_cache() -> None:
    """The documents kept between downloads (core.file_cache) removed: a cold export writes its
    file. Only in the benchmark's own cache folder (main() sets PORTAL_CACHE_DIR)."""
    from django.conf import settings

    folder = Path(settings.PORTAL_CACHE_DIR)
    if "bench" in folder.name:
        shutil.rmtree(folder / "documents", ignore_errors=True)


def measure_download(client, url: str, runs: int) -> dict:
    """A file download (the Excel export), cold (figures cache and kept files emptied): its wall
    time read to the end, its size, the resident memory it added at its peak (PeakRss) and the
    peak Python memory it allocated (tracemalloc, as bench/export.py; a run of its own, as
    tracing slows it)."""
    from django.core.cache import caches

    def get() -> int:
        caches["figures"].clear()
        empty_file_cache()
        response = client.get(url)
        if response.status_code != 200:
            raise PageAnswered(f"GET {url} answered {response.status_code}")
        if response.streaming:
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    get()  # warm-up
    times, rss = [], []
    for _run in range(runs):
        with PeakRss() as memory:
            start = time.perf_counter()
            size = get()
            times.append(time.perf_counter() - start)
        rss.append(memory.growth_mb)
    tracemalloc.start()
    try:
        get()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {
        "time": spread(times, scale=1, places=3),
        "mb": round(size / 2**20, 2),
        "rss_mb": max(rss),
        "peak_mb": round(peak / 2**20, 1),
    }


# The province's roll-up for one period, from the stored totals: per active commune, Σ
# approved, Σ workers and Σ met per indicator; then the province's sums per indicator.
ROLLUP_SQL = [
    """
    SELECT c.id, c.code, c.name, t.approved, t.workers, t.active, i.code, it.met
    FROM communes_commune c
    JOIN indicators_reportingperiod p ON p.commune_id = c.id AND p.code = %(period)s
    JOIN indicators_periodtotals t ON t.period_id = p.id
    LEFT JOIN indicators_periodindicatortotal it ON it.period_id = p.id
    LEFT JOIN indicators_indicator i ON i.id = it.indicator_id
    WHERE c.merged_into_id IS NULL
    ORDER BY c.name, c.code, i."order"
    """,
    """
    SELECT i.code, sum(it.met)
    FROM communes_commune c
    JOIN indicators_reportingperiod p ON p.commune_id = c.id AND p.code = %(period)s
    JOIN indicators_periodindicatortotal it ON it.period_id = p.id
    JOIN indicators_indicator i ON i.id = it.indicator_id
    WHERE c.merged_into_id IS NULL
    GROUP BY i.code ORDER BY i.code
    """,
    """
    SELECT sum(t.approved), sum(t.workers), sum(t.active)
    FROM communes_commune c
    JOIN indicators_reportingperiod p ON p.commune_id = c.id AND p.code = %(period)s
    JOIN indicators_periodtotals t ON t.period_id = p.id
    WHERE c.merged_into_id IS NULL
    """,
]


def measure_rollup(period: str, runs: int) -> dict:
    from django.db import connection

    def run() -> int:
        rows = 0
        with connection.cursor() as cursor:
            for sql in ROLLUP_SQL:
                cursor.execute(sql, {"period": period})
                rows += len(cursor.fetchall())
        return rows

    rows = run()  # warm-up
    times = []
    for _run in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + ROLLUP_SQL[0], {"period": period})
        plan = "\n".join(row[0] for row in cursor.fetchall())
    return {"time": spread(times), "rows": rows, "plan": plan}


def province_viewer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    try:
        from accounts.roles import PROVINCE_VIEWER as name
    except ImportError:
        name = PROVINCE_VIEWER_GROUP
    user, _created = get_user_model().objects.get_or_create(
        username=PROVINCE_USERNAME, defaults={"first_name": "Hà", "last_name": "Lê Thu"}
    )
    user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def measure_province(period: str, runs: int) -> tuple[dict, str | None]:
    """The province's pages, when the app exists; (figures, why some are null)."""
    from django.test import Client

    result = dict.fromkeys(
        (
            "province_dashboard_ms", "province_dashboard_min_ms", "province_dashboard_max_ms",
            "province_dashboard_sql_ms", "province_dashboard_queries", "province_dashboard_ratio",
            "province_api_ms", "province_api_min_ms", "province_api_max_ms", "province_api_sql_ms",
            "province_export_s", "province_export_min_s", "province_export_max_s", "province_export_mb",
            "province_export_rss_mb", "province_export_peak_mb",
        )
    )  # fmt: skip
    from django.apps import apps

    # Not importlib.util.find_spec("province"): run as a script, this very file is "province".
    if not apps.is_installed("province"):
        return result, "no `province` app on this branch: the province's pages were not timed"
    from communes.current import every_commune

    with every_commune():
        user = province_viewer()
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    notes = []
    try:
        page = measure_page(client, page_url(PROVINCE_PAGES["dashboard"], period), runs)
        result.update(
            province_dashboard_ms=page["page"]["median"],
            province_dashboard_min_ms=page["page"]["min"],
            province_dashboard_max_ms=page["page"]["max"],
            province_dashboard_sql_ms=page["sql"]["median"],
            province_dashboard_queries=page["queries"],
            province_dashboard_ratio=round(page["page"]["median"] / page["sql"]["median"], 2)
            if page["sql"]["median"]
            else None,
        )
    except PageAnswered as error:
        notes.append(str(error))
    try:
        api = measure_page(client, page_url(PROVINCE_PAGES["api"], period), runs)
        result.update(
            province_api_ms=api["page"]["median"],
            province_api_min_ms=api["page"]["min"],
            province_api_max_ms=api["page"]["max"],
            province_api_sql_ms=api["sql"]["median"],
        )
    except PageAnswered as error:
        notes.append(str(error))
    try:
        export = measure_download(client, page_url(PROVINCE_PAGES["export"], period), max(1, runs // 2))
        result.update(
            province_export_s=export["time"]["median"],
            province_export_min_s=export["time"]["min"],
            province_export_max_s=export["time"]["max"],
            province_export_mb=export["mb"],
            province_export_rss_mb=export["rss_mb"],
            province_export_peak_mb=export["peak_mb"],
        )
    except PageAnswered as error:
        notes.append(str(error))
    return result, "; ".join(notes) or None


def check(communes: int, seed: int) -> int:
    """`totals.drift()` inside the scope of some communes: how many of their periods differ."""
    from django_scopes import scope

    from communes.current import every_commune
    from communes.models import Commune
    from indicators import totals

    with every_commune():
        ids = list(Commune.objects.order_by("pk").values_list("pk", flat=True))
    chosen = [ids[0], ids[-1], *random.Random(seed).sample(ids[1:-1], max(0, min(communes, len(ids)) - 2))]
    drifted = 0
    for pk in dict.fromkeys(chosen[:communes]):
        with scope(commune=pk):
            started = time.perf_counter()
            found = totals.drift()
        drifted += len(found)
        print(f"check: commune {pk}: {len(found)} period(s) drifted ({time.perf_counter() - started:.1f} s)")
        for period_id, what in sorted(found.items())[:3]:
            print(f"  period {period_id}: {what}")
    return drifted


def scoped() -> bool:
    """Whether commune-owned queries are scoped (django_scopes): a query outside any scope raises."""
    from enterprises.models import Enterprise

    try:
        Enterprise.objects.count()  # exists() is one of the few calls the guard lets through
    except Exception:  # django_scopes.ScopeError, or whatever the guard raises
        return True
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=166)
    parser.add_argument("--enterprises", type=int, default=50000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--period", default="2030", help="the period code of the roll-up (default 2030)")
    parser.add_argument("--reuse", action="store_true", help="keep a complete earlier build of the same shape")
    parser.add_argument("--explain", action="store_true", help="print the roll-up query's plan")
    parser.add_argument(
        "--check",
        type=int,
        default=0,
        metavar="N",
        help="compare the stored totals and standings of N communes (the biggest, the smallest, others "
        "drawn) with indicators.totals' own recount, each inside its commune's scope; meaningful once "
        "commune-owned queries are scoped, or with --communes 1",
    )
    args = parser.parse_args()

    url = database_url()
    null = {
        "province_enterprises": None,
        "province_communes": None,
        "province_commune_dashboard_ms": None,
        "province_dashboard_ms": None,
        "province_dashboard_sql_ms": None,
        "province_api_ms": None,
        "province_export_s": None,
    }
    if url is None:
        print("The province benchmark needs PostgreSQL: set DATABASE_URL, BENCH_DATABASE_URL or "
              "BENCH_PROVINCE_DATABASE_URL to a PostgreSQL server.")  # fmt: skip
        print(json.dumps({**null, "province_note": "no PostgreSQL server given"}))
        return
    shape = {"communes": args.communes, "enterprises": args.enterprises, "seed": args.seed, "version": 1}
    reuse = args.reuse and stored_shape(url) == shape
    prepare_database(url, reuse=reuse)
    os.environ["DATABASE_URL"] = url
    # Files kept between downloads (core.file_cache) in a folder of the benchmark's own, emptied
    # before each cold export, never the development server's.
    os.environ["PORTAL_CACHE_DIR"] = cache_dir = tempfile.mkdtemp(prefix="hoanghop-bench-")
    atexit.register(shutil.rmtree, cache_dir, ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoanghop.settings")
    os.chdir(ROOT)

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from bench import synthetic
    from communes.current import every_commune
    from communes.models import Commune
    from enterprises.models import Enterprise
    from indicators.models import EnterpriseReport, PeriodTotals, ReportStanding, ReportValue

    print(f"Database: {connection.vendor} ({settings.DATABASES['default']['NAME']})", flush=True)
    call_command("migrate", verbosity=0)
    build_s = None
    with every_commune():
        if reuse:
            print(f"Reusing the province already built ({args.communes} communes, {args.enterprises:,} enterprises).")
        else:
            print(f"Building {args.communes} communes, {args.enterprises:,} enterprises, every period's reports…",
                  flush=True)  # fmt: skip
            started = time.perf_counter()
            build(args.communes, args.enterprises, seed=args.seed, log=lambda line: print(line, flush=True))
            build_s = round(time.perf_counter() - started, 1)
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE TABLE {SHAPE_TABLE} (shape text)")
                cursor.execute(f"INSERT INTO {SHAPE_TABLE} VALUES (%s)", [json.dumps(shape)])
            print(f"Built in {build_s} s.")
        counts = {
            "communes": Commune.objects.count(),
            "enterprises": Enterprise.objects.count(),
            "reports": EnterpriseReport.objects.count(),
            "values": ReportValue.objects.count(),
            "standings": ReportStanding.objects.count(),
            "period totals": PeriodTotals.objects.count(),
        }
        biggest = Enterprise.objects.values("commune_id").annotate(n=Count("pk")).order_by("-n").first()
        served = Commune.objects.served()
    is_scoped = scoped()  # outside every_commune(), which would let any query through
    print()
    print(f"{'rows':<34}{'count':>12}")
    for name, value in counts.items():
        print(f"{name:<34}{value:>12,}")
    print(f"{'the biggest commune':<34}{biggest['n']:>12,} enterprises (commune id {biggest['commune_id']})")

    result = {
        "province_enterprises": counts["enterprises"],
        "province_communes": counts["communes"],
        "province_reports": counts["reports"],
        "province_values": counts["values"],
        "province_build_s": build_s,
        "province_period": args.period,
        "province_runs": args.runs,
    }
    notes = []

    # The biggest commune's dashboard: "/" shows the commune the installation serves (until
    # requests name their commune), which the build made the biggest.
    commune_url = page_url(COMMUNE_DASHBOARD, args.period)
    if served.pk != biggest["commune_id"]:
        notes.append(f"{commune_url} shows commune {served.pk}, not the biggest ({biggest['commune_id']})")
    if not is_scoped and counts["communes"] > 1:
        notes.append(
            "commune-owned queries are not scoped on this branch: the commune dashboard reads every "
            "commune's rows, its figures are not a commune's"
        )
    if args.check:
        drifted = check(args.check, args.seed)
        result["province_check_drifted"] = drifted
        if not is_scoped and args.communes > 1:
            notes.append("--check without scoped queries compares with counts over every commune")

    with every_commune():
        official = synthetic.official()
    client = Client(HTTP_HOST="localhost")
    client.force_login(official)
    # A page that mixes every commune's rows is no commune's dashboard: its figures are kept
    # under keys of their own, so that no script reads them as the goal's.
    key = "province_commune_dashboard" if is_scoped or counts["communes"] == 1 else "province_unscoped_dashboard"
    result["province_commune_dashboard_ms"] = result[f"{key}_ms"] = None
    try:
        commune = measure_page(client, commune_url, args.runs)
        result.update(
            {
                f"{key}_ms": commune["page"]["median"],
                f"{key}_min_ms": commune["page"]["min"],
                f"{key}_max_ms": commune["page"]["max"],
                f"{key}_sql_ms": commune["sql"]["median"],
                f"{key}_queries": commune["queries"],
                "province_commune_enterprises": biggest["n"],
            }
        )
    except Exception as error:  # an unscoped page may fail on several communes' rows
        notes.append(f"{commune_url}: {type(error).__name__}: {error}")
        commune = None

    with every_commune():
        rollup = measure_rollup(args.period, args.runs)
    result.update(
        province_rollup_sql_ms=rollup["time"]["median"],
        province_rollup_sql_min_ms=rollup["time"]["min"],
        province_rollup_sql_max_ms=rollup["time"]["max"],
        province_rollup_rows=rollup["rows"],
    )
    if args.explain:
        print(rollup["plan"])

    province, why = measure_province(args.period, args.runs)
    result.update(province)
    if why:
        notes.append(why)

    print()
    print(f"{'measure (' + str(args.runs) + ' runs)':<44}{'median':>10}{'min':>10}{'max':>10}")

    def line(label, figures, unit="ms"):
        if figures is None:
            print(f"{label:<44}{'—':>10}")
        else:
            print(f"{label:<44}" + "".join(f"{figures[k]:>8} {unit}" for k in ("median", "min", "max")))

    if commune:
        scope_word = "" if key == "province_commune_dashboard" else ", UNSCOPED"
        line(f"commune dashboard {commune_url} (cold{scope_word})", commune["page"])
        line(f"  its SQL alone ({commune['queries']} queries)", commune["sql"])
    line("province roll-up, bare SQL (stored totals)", rollup["time"])
    for key, label in (("province_dashboard", "province dashboard (cold)"), ("province_api", "province API")):
        if result[f"{key}_ms"] is None:
            line(label, None)
        else:
            line(label, {k: result[f"{key}{'' if k == 'median' else '_' + k}_ms"] for k in ("median", "min", "max")})
    if result["province_dashboard_sql_ms"] is not None:
        print(f"{'  its SQL alone':<44}{result['province_dashboard_sql_ms']:>8} ms")
    if result["province_export_s"] is None:
        line("province Excel export", None)
    else:
        line(
            "province Excel export",
            {k: result[f"province_export{'' if k == 'median' else '_' + k}_s"] for k in ("median", "min", "max")},
            "s",
        )
        print(
            f"{'  file / memory added (RSS) / Python peak':<44}{result['province_export_mb']:>8} MB"
            f"{result['province_export_rss_mb']:>7} MB{result['province_export_peak_mb']:>7} MB"
        )
    result["province_load_avg_1m"] = round(os.getloadavg()[0], 2)  # bench/dashboard.py has its own
    result["province_note"] = "; ".join(notes) or None
    for note in notes:
        print(f"note: {note}")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
