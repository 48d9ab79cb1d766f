"""The demo reports: realistic, cumulative, every workflow state, and safe to seed twice."""

import pytest
from django.core.management import call_command

from communes.models import Commune
from enterprises.models import Enterprise
from indicators import progress
from indicators.demo import OPEN
from indicators.models import (
    SUBMITTED_LATE,
    EnterpriseReport,
    PeriodState,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    # A few more enterprises than the enterprises app's demo, so that every fate appears.
    for n in range(6):
        factories.EnterpriseFactory(tax_code=f"{2809000000 + n}")
    call_command("seed_demo", verbosity=0)


# seed_demo seeds Hoàng Hợp and neighbouring demo communes (dashboard.demo): these tests read
# Hoàng Hợp's, the commune the installation serves.
def hoang_hop_periods():
    return ReportingPeriod.objects.filter(commune=Commune.objects.served())


def hoang_hop_reports():
    return EnterpriseReport.objects.filter(commune=Commune.objects.served())


def test_the_periods_are_opened_and_closed_as_in_a_real_year(seeded):
    states = dict(hoang_hop_periods().values_list("code", "state"))
    assert [states[c] for c in ("2024-H1", "2024", "2025-H1", "2025")] == [PeriodState.CLOSED] * 4
    assert states["2026-H1"] == PeriodState.OPEN
    assert states["2026"] == PeriodState.PENDING


def test_figures_never_go_down_and_stay_within_the_workforce(seeded):
    by_enterprise = {}
    for report in hoang_hop_reports().select_related("period").prefetch_related("values").order_by("period__end"):
        counts = {value.indicator_id: value.count for value in report.values.all()}
        assert report.female_workers <= report.total_workers
        assert all(count <= report.total_workers for count in counts.values())
        previous = by_enterprise.get(report.enterprise_id)
        if previous:
            assert report.total_workers >= previous[0]
            assert all(counts[i] >= previous[1][i] for i in counts)
        by_enterprise[report.enterprise_id] = (report.total_workers, counts)


def test_every_state_appears_with_its_events(seeded):
    open_period = hoang_hop_periods().get(code="2026-H1")
    statuses = set(hoang_hop_reports().filter(period=open_period).values_list("status", flat=True))
    assert statuses == {ReportStatus.APPROVED, ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT}
    returned = hoang_hop_reports().get(status=ReportStatus.RETURNED)
    assert returned.return_reason and returned.events.filter(action="return", reason=returned.return_reason).exists()
    late = hoang_hop_reports().filter(SUBMITTED_LATE)
    assert late.exists() and hoang_hop_reports().filter(first_submitted_on__isnull=False).exclude(SUBMITTED_LATE)
    assert all(report.is_late for report in late.select_related("period"))
    assert not hoang_hop_reports().filter(status=ReportStatus.DRAFT, first_submitted_on__isnull=False).exists()
    assert not hoang_hop_reports().exclude(events__isnull=False).exists()
    silent = hoang_hop_reports().filter(period__code="2025").count()
    # One followed in 2025 never sent 2025's; the one no longer followed from 2025 owes none.
    assert silent == hoang_hop_reports().filter(period__code="2024").count() - 2


def test_the_demo_shows_who_counts_in_a_period(seeded):
    added = Enterprise.objects.get(name="Công ty TNHH Bao bì Hoàng Phát")
    stopped = Enterprise.objects.get(name="Công ty TNHH Mây tre đan xuất khẩu Hoàng Hợp")
    reported = {
        e.pk: set(hoang_hop_reports().filter(enterprise=e).values_list("period__code", flat=True))
        for e in (added, stopped)
    }
    assert reported == {added.pk: set(), stopped.pk: {"2024-H1", "2024"}}
    periods = {p.code: p for p in hoang_hop_periods().all()}
    counts = progress.report_counts(periods.values())
    rows = {code: {r.enterprise_id for r in progress.enterprise_rows(periods[code])} for code in ("2024", "2025", OPEN)}
    assert (added.pk in rows["2025"], added.pk in rows[OPEN]) == (False, True)  # unreported in 2026-H1
    assert (stopped.pk in rows["2024"], stopped.pk in rows["2025"]) == (True, False)
    assert (
        counts[periods["2025"].pk].active
        == Enterprise.objects.filter(is_active=True, commune=Commune.objects.served()).count() - 1
    )
    assert counts[periods[OPEN].pk].unreported == len(
        rows[OPEN] - set(hoang_hop_reports().filter(period=periods[OPEN]).values_list("enterprise_id", flat=True))
    )


def test_seeding_twice_changes_nothing(seeded):
    counts = (hoang_hop_reports().count(), ReportValue.objects.count(), ReportEvent.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (hoang_hop_reports().count(), ReportValue.objects.count(), ReportEvent.objects.count()) == counts
