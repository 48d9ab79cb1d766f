"""Reporting fixtures: the open period 2026-H1 (deadline ahead unless a test moves it),
the closed year 2025 with approved reports as "the previous report", and helpers to
post the report form the way a browser does."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from tests import factories

FULL_COUNTS = {"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}


@pytest.fixture
def open_period(plan):
    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def h1_2025_late(plan):
    """The first six months of 2025, open, with its deadline (15/7/2025) long passed: every
    submission today is late."""
    period = ReportingPeriod.objects.get(code="2025-H1")
    period.state = PeriodState.OPEN
    period.deadline = datetime.date(2025, 7, 15)
    period.save()
    return period


@pytest.fixture
def closed_2025(plan):
    period = ReportingPeriod.objects.get(code="2025")
    period.state = PeriodState.CLOSED
    period.save()
    return period


@pytest.fixture
def previous_a(closed_2025, enterprise_a):
    """Enterprise A's approved 2025 report: 100 workers, a=80 … e=20."""
    return factories.ReportFactory(
        enterprise=enterprise_a,
        period=closed_2025,
        status=ReportStatus.APPROVED,
        total_workers=100,
        female_workers=60,
        counts={"a": 80, "b": 60, "c": 50, "d": 50, "e": 20},
    )


def report_data(*, total=100, female=60, counts=None, action="submit", version=0, notes="", confirm=False):
    data = {"total_workers": total, "female_workers": female, "notes": notes, "version": version, "action": action}
    data.update({f"count_{code}": value for code, value in (counts or FULL_COUNTS).items()})
    if confirm:
        data["confirm"] = "on"
    return {key: "" if value is None else value for key, value in data.items()}
