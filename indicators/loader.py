"""Indicators, targets and reporting periods of a plan, from its data file."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import transaction

from .models import Indicator, PeriodKind, ReportingPeriod, Target


@transaction.atomic
def indicators_load(plan, rows: list[dict]) -> None:
    """Create the plan's indicators and phase targets; leave the official's later edits alone."""
    for order, row in enumerate(rows, start=1):
        indicator, _created = Indicator.objects.get_or_create(
            plan=plan,
            code=row["code"],
            defaults={"order": order, "name": row["name"], "description": row.get("description", "")},
        )
        for year, value in row.get("targets", {}).items():
            Target.objects.get_or_create(indicator=indicator, year=int(year), defaults={"value": Decimal(str(value))})


def period_dates(year: int, kind: str) -> dict:
    """Six-month reports cover January–June, due 15 July; annual ones the year, due 15 January."""
    if kind == PeriodKind.HALF_YEAR:
        return {
            "start": datetime.date(year, 1, 1),
            "end": datetime.date(year, 6, 30),
            "deadline": datetime.date(year, 7, 15),
        }
    return {
        "start": datetime.date(year, 1, 1),
        "end": datetime.date(year, 12, 31),
        "deadline": datetime.date(year + 1, 1, 15),
    }


def period_code(year: int, kind: str) -> str:
    return f"{year}-H1" if kind == PeriodKind.HALF_YEAR else str(year)


@transaction.atomic
def periods_ensure(plan) -> None:
    """Every six-month and annual period of the plan's years exists in the plan's commune (new
    ones not yet opened)."""
    for year in range(plan.start_year, plan.end_year + 1):
        for kind in (PeriodKind.HALF_YEAR, PeriodKind.ANNUAL):
            ReportingPeriod.objects.get_or_create(
                commune_id=plan.commune_id,
                code=period_code(year, kind),
                defaults={"kind": kind, "year": year, **period_dates(year, kind)},
            )
