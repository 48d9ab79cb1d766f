"""Demo reporting periods and enterprise reports. Never run this on a production database.

Runs after enterprises.demo and plans.demo (seed_demo). Periods 2024-H1 … 2025 are
closed, 2026-H1 is open (its deadline has passed, so new reports are late) and 2026 not
yet opened. Every demo enterprise gets approved reports for the closed periods it counts
in (the one no longer followed since 2025 only for 2024's, the one added in 2026 for
none) with cumulative figures that never go down, some submitted late; the last
enterprise followed now never sent its 2025 report. In 2026-H1 the reports are in every
state: approved, waiting for review, returned with a reason, a draft, and not reported
(the enterprise added in March 2026 among them).

Figures follow each indicator's own targets (read from the database, not written
here), so the demo stays plausible if the plan changes. Idempotent: an enterprise's
report for a period that already exists is left alone, and a period is only opened or
closed while it is still in its initial "not opened" state.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from accounts.roles import OFFICIAL
from communes import identity
from enterprises.demo import GARMENT_TAX_CODE
from enterprises.models import Enterprise, UnionOfficer, Worker

from . import totals
from .models import (
    EnterpriseReport,
    Indicator,
    PeriodState,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    WorkerOutcome,
)

CLOSED = ["2024-H1", "2024", "2025-H1", "2025"]
OPEN = "2026-H1"
# Share of the first phase target reached in each reported period (2026-H1 last).
PROGRESS = {"2024-H1": 0.58, "2024": 0.72, "2025-H1": 0.86, "2025": 0.99, OPEN: 1.03}
# What happens to each enterprise's 2026-H1 report, by position (None: not reported yet);
# further enterprises cycle through LATER_FATE, so that only one report is returned.
OPEN_PERIOD_FATE = ["returned", "submitted", "approved", "draft", "submitted", "approved", None]
LATER_FATE = ["approved", "submitted", "approved", None]
RETURN_REASON = (
    "Số lao động nữ chênh lệch nhiều so với danh sách đoàn viên công đoàn gửi xã tháng 5/2026. "
    "Đề nghị kiểm tra lại số lao động nữ và số CNLĐ đạt danh hiệu “Công dân học tập”, rồi gửi lại báo cáo."
)
NOTES = [
    "Số liệu theo danh sách CNLĐ tại thời điểm cuối kỳ.",
    "Đã tổ chức lớp bồi dưỡng kỹ năng nghề cho CNLĐ mới tuyển.",
    "",
    "Phối hợp Trung tâm học tập cộng đồng xã tuyên truyền pháp luật lao động.",
    "",
]


def _local(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 15)))


def _official():
    User = get_user_model()
    return (
        User.objects.filter(username="canbo.vanhoa").first()
        or User.objects.filter(groups__name=OFFICIAL).order_by("pk").first()
    )


def _set_states(periods: dict[str, ReportingPeriod]) -> None:
    for code, period in periods.items():
        if period.state != PeriodState.PENDING:
            continue  # the official (or an earlier seed) already decided
        if code in CLOSED:
            period.state = PeriodState.CLOSED
        elif code == OPEN:
            period.state = PeriodState.OPEN
        else:
            continue
        period.save(update_fields=["state"])


class _Trajectory:
    """One enterprise's workforce and cumulative counts over the periods, never decreasing."""

    def __init__(self, enterprise: Enterprise, indicators):
        self.random = random.Random(enterprise.tax_code)
        self.indicators = indicators
        self.total = self.random.randint(45, 180) * 5
        self.female_share = self.random.uniform(0.38, 0.78)
        self.strength = {i.pk: self.random.uniform(0.8, 1.12) for i in indicators}
        self.counts = {i.pk: 0 for i in indicators}
        self.targets = {
            i.pk: min((t for t in i.targets.all()), key=lambda t: t.year).value if i.targets.all() else Decimal(50)
            for i in indicators
        }

    def next(self, code: str) -> tuple[int, int, dict[int, int]]:
        self.total += int(self.total * self.random.uniform(0.0, 0.06))
        female = round(self.total * self.female_share)
        for indicator in self.indicators:
            rate = float(self.targets[indicator.pk]) / 100 * PROGRESS[code] * self.strength[indicator.pk]
            wanted = min(self.total, round(self.total * min(rate, 0.99)))
            self.counts[indicator.pk] = max(self.counts[indicator.pk], wanted)
        return self.total, female, dict(self.counts)


def _report(*, enterprise, period, figures, fate, late, officer, official, notes, step):
    total, female, counts = figures
    deadline = period.deadline
    submitted_day = (
        deadline + datetime.timedelta(days=3 + step % 9) if late else deadline - datetime.timedelta(days=2 + step % 11)
    )
    submitted_at = _local(submitted_day, 8 + step % 8)
    reviewed_at = submitted_at + datetime.timedelta(days=2 + step % 4, hours=1)
    report = EnterpriseReport(
        enterprise=enterprise,
        period=period,
        total_workers=total,
        female_workers=female,
        notes=notes,
        status=ReportStatus.DRAFT,
    )
    events = []
    if fate == "draft":
        report._history_date = submitted_at
        events.append((ReportAction.CREATE, "", ReportStatus.DRAFT, officer, submitted_at, ""))
    else:
        report.first_submitted_at = report.submitted_at = submitted_at
        report.first_submitted_on = timezone.localdate(submitted_at)
        report.status = ReportStatus.SUBMITTED
        events.append((ReportAction.SUBMIT, "", ReportStatus.SUBMITTED, officer, submitted_at, ""))
        if fate == "approved":
            report.status = ReportStatus.APPROVED
            report.reviewed_at, report.reviewed_by = reviewed_at, official
            events.append(
                (ReportAction.APPROVE, ReportStatus.SUBMITTED, ReportStatus.APPROVED, official, reviewed_at, "")
            )
        elif fate == "returned":
            report.status = ReportStatus.RETURNED
            report.return_reason = RETURN_REASON
            report.reviewed_at, report.reviewed_by = reviewed_at, official
            events.append(
                (
                    ReportAction.RETURN,
                    ReportStatus.SUBMITTED,
                    ReportStatus.RETURNED,
                    official,
                    reviewed_at,
                    RETURN_REASON,
                )
            )
    report._history_date = events[-1][4]
    report._history_user = events[-1][3]
    report.full_clean()
    report.save()
    for indicator_id, count in counts.items():
        value = ReportValue(report=report, indicator_id=indicator_id, count=count)
        value._history_date = submitted_at
        value._history_user = officer
        value.save()
    ReportEvent.objects.bulk_create(
        ReportEvent(
            report=report, action=action, from_status=before, to_status=after, actor=actor, at=at, reason=reason
        )
        for action, before, after, actor, at, reason in events
    )


OUTCOME_SHARE = {"a": 0.85, "b": 0.65, "c": 0.55, "d": 0.5, "e": 0.25}


def seed_roster_outcomes(indicators: list[Indicator]) -> None:
    """Outcomes of the garment company's demo roster (enterprises.demo), spread over the
    indicators: most workers met a), fewest e). The same outcomes every time."""
    workers = list(Worker.objects.filter(enterprise__tax_code=GARMENT_TAX_CODE).order_by("employee_code"))
    rng = random.Random(2030)
    start = datetime.date(2024, 3, 1)
    for indicator in indicators:
        share = OUTCOME_SHARE.get(indicator.code, 0.4)
        for worker in workers:
            if rng.random() < share:
                WorkerOutcome.objects.get_or_create(
                    worker=worker,
                    indicator=indicator,
                    defaults={"achieved_on": start + datetime.timedelta(days=rng.randint(0, 600))},
                )


@transaction.atomic
def seed() -> list:
    # The commune being seeded (seed_demo runs this in Hoàng Hợp's scope): its periods and
    # enterprises only, whatever the other demo communes hold.
    commune = identity.in_scope()
    periods = {p.code: p for p in ReportingPeriod.objects.filter(commune=commune, code__in=[*CLOSED, OPEN, "2026"])}
    indicators = list(Indicator.objects.of_plan())
    seed_roster_outcomes(indicators)
    if not periods or not indicators:
        return []
    _set_states(periods)
    indicators = list(type(indicators[0]).objects.filter(pk__in=[i.pk for i in indicators]).prefetch_related("targets"))
    official = _official()
    # Those followed now first: their positions decide the open period's fates. An enterprise
    # gets reports only for the periods it counts in (ReportingPeriod.counted_enterprises).
    enterprises = sorted(Enterprise.objects.filter(commune=commune), key=lambda e: (not e.is_active, e.tax_code))
    followed_now = sum(1 for e in enterprises if e.is_active)
    counted = {
        code: set(Enterprise.objects.filter(period.counted_enterprises()).values_list("pk", flat=True))
        for code, period in periods.items()
    }
    officers = {}
    for officer in UnionOfficer.objects.filter(enterprise__in=enterprises).select_related("user").order_by("pk"):
        officers.setdefault(officer.enterprise_id, officer.user)
    existing = set(
        EnterpriseReport.objects.filter(period__in=periods.values()).values_list("enterprise_id", "period__code")
    )
    for position, enterprise in enumerate(enterprises):
        trajectory = _Trajectory(enterprise, indicators)
        is_last = followed_now >= 3 and position == followed_now - 1
        for step, code in enumerate([*CLOSED, OPEN]):
            figures = trajectory.next(code)  # always advance, so figures do not depend on what exists
            if code not in periods or (enterprise.pk, code) in existing or enterprise.pk not in counted[code]:
                continue
            if code == OPEN:
                fates = OPEN_PERIOD_FATE + LATER_FATE * followed_now
                fate = None if is_last else fates[position]
                late = (fate in ("submitted", "returned") and position % 2 == 1) or (
                    fate == "approved" and position % 3 == 0
                )
            else:
                fate = None if is_last and code == "2025" else "approved"
                late = (position + step) % 4 == 1
            if fate is None:
                continue
            _report(
                enterprise=enterprise,
                period=periods[code],
                figures=figures,
                fate=fate,
                late=late,
                officer=officers.get(enterprise.pk),
                official=official,
                notes=NOTES[(position + step) % len(NOTES)],
                step=position * 5 + step,
            )
    # The reports above are written as they would have been, not through the services that
    # keep the periods' totals: count them (indicators.totals).
    totals.rebuild()
    return []
