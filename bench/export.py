#!/usr/bin/env python
"""Benchmark of the district report workbook (indicators.exports over core.xlsx_writing).

`measure(period)` returns, for one period:

- export_s: the median wall time of writing the full workbook to a temporary file,
  as the download view does: every query, the rows, xlsxwriter in constant_memory
  mode with the formats, row heights, merges and the safety checks, the zip;
- export_floor_s: the floor, the same report (same queries, same rows, same cells)
  written by the same xlsxwriter mode without any format, height or merge;
- export_peak_mb: the peak Python memory allocated during one export (tracemalloc);
- report_docx_s: the median wall time of the commune report as a Word document
  (reports.word: its figures, drafts and python-docx), from a cold figures cache.
  Goal: under 2 s at 5,000 enterprises; the document lists no enterprise.

Goal: export_s ≤ 2 × export_floor_s and export_peak_mb < 200 at 5,000 enterprises.
bench/dashboard.py calls measure() on the database it built and merges the dict into
its JSON. Alone, against any database that already holds the data (e.g. one built
with bench/synthetic.py):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoanghop_exportbench \\
        python bench/export.py [--period 2030] [--runs 5] [--profile]

It only reads the database. The last line printed is the JSON object.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
GOAL_RATIO = 2
GOAL_PEAK_MB = 200
GOAL_DOCX_S = 2


class FloorSheet:
    """The sheet surface DistrictReport writes to, writing bare values with xlsxwriter."""

    def __init__(self, ws, widths):
        self.ws = ws
        self.widths = list(widths)
        self.row = 0

    @property
    def columns(self) -> int:
        return len(self.widths)

    def write_rows(self, rows) -> None:
        for row in rows:
            self.write(row.values, row.styles)

    def write(self, values, styles, *, height=None, merge=(), keep=0) -> int:
        """Heights and merges are layout: the floor has none."""
        from core.xlsx_writing import Formula

        self.row += 1
        ws, row = self.ws, self.row - 1  # xlsxwriter counts from 0
        for column, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, Formula):
                ws.write_formula(row, column, value.text, None, value.result)
            elif isinstance(value, str):
                ws.write_string(row, column, value)
            elif isinstance(value, (date, datetime)):
                ws.write_datetime(row, column, value)
            else:
                ws.write_number(row, column, float(value) if isinstance(value, Decimal) else value)
        return self.row


class FloorWriter:
    """The WorkbookWriter surface over xlsxwriter, constant_memory, no styles."""

    def __init__(self, target, *, title="", creator=""):
        import xlsxwriter

        self.book = xlsxwriter.Workbook(target, {"constant_memory": True})

    def add_sheet(self, title, *, widths, **layout) -> FloorSheet:
        from core.xlsx_writing import sheet_title

        return FloorSheet(self.book.add_worksheet(sheet_title(title)), widths)

    def close(self) -> None:
        self.book.close()


def export_once(period, writer_class=None) -> float:
    from django.core.cache import caches

    from core.xlsx_writing import WorkbookWriter
    from indicators.exports import DistrictReport

    caches["figures"].clear()  # every query, as after a restart: figures cached by a run would hide them
    started = time.perf_counter()
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        DistrictReport(period, writer_class=writer_class or WorkbookWriter).write(handle)
    return time.perf_counter() - started


def docx_once(period) -> float:
    import io

    from django.core.cache import caches

    from reports.word import write_docx

    caches["figures"].clear()
    started = time.perf_counter()
    write_docx(period, "periodic", io.BytesIO())
    return time.perf_counter() - started


def peak_mb(period) -> float:
    tracemalloc.start()
    try:
        export_once(period)
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def measure(period, *, runs: int = RUNS) -> dict:
    """export_s, export_floor_s (medians of `runs`) and export_peak_mb for one period."""
    export_once(period)  # warm-up: imports, translations, the database's caches
    export_once(period, FloorWriter)
    # Interleaved, so that a change in the machine's load weighs on both alike.
    export, floor = [], []
    for _ in range(runs):
        export.append(export_once(period))
        floor.append(export_once(period, FloorWriter))
    docx_once(period)  # warm-up
    return {
        "export_s": round(statistics.median(export), 3),
        "export_floor_s": round(statistics.median(floor), 3),
        "export_peak_mb": round(peak_mb(period), 1),
        "report_docx_s": round(statistics.median([docx_once(period) for _ in range(runs)]), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--period", help="period code (default: the latest with approved reports)")
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--profile", action="store_true", help="print the export's top functions")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hoanghop.settings")
    import django

    django.setup()
    import json
    import resource

    from enterprises.models import Enterprise
    from indicators import progress
    from indicators.models import ReportingPeriod

    period = (
        ReportingPeriod.objects.get(code=args.period) if args.period else progress.latest_period_with_approved_reports()
    )
    if period is None:
        sys.exit("No period with approved reports: build the data first (bench/synthetic.py).")
    enterprises = Enterprise.objects.count()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(export_once, period)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    result = measure(period, runs=args.runs)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result.update(
        enterprises=enterprises,
        period=period.code,
        ratio=round(result["export_s"] / result["export_floor_s"], 2),
        max_rss_growth_mb=round((rss_after - rss_before) / 1024, 1),
    )
    met = result["ratio"] <= GOAL_RATIO and result["export_peak_mb"] < GOAL_PEAK_MB
    print(
        f"{enterprises:,} enterprises, period {period.code}: export {result['export_s']} s, "
        f"floor {result['export_floor_s']} s (× {result['ratio']}, goal ≤ {GOAL_RATIO}), "
        f"peak {result['export_peak_mb']} MB (goal < {GOAL_PEAK_MB}) – goal {'met' if met else 'MISSED'}; "
        f"Word report {result['report_docx_s']} s (goal < {GOAL_DOCX_S})",
        file=sys.stderr,
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
