"""The periods' maintained totals (indicators.totals), hand-computed: every write of the
workflow moves them as it should, the commune's figures and report counts are read from
them, and a drift made by hand is found by `rebuild_totals --check` and fixed by
`rebuild_totals`. Random sequences of the same writes: test_totals_property.py."""

import datetime
import importlib

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from indicators import progress, services, totals
from indicators.models import (
    EnterpriseReport,
    PeriodIndicatorTotal,
    PeriodState,
    PeriodTotals,
    ReportingPeriod,
    ReportValue,
)
from indicators.rules import Figures
from tests import factories

FULL = {"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}


@pytest.fixture
def period(h1_2025_late):
    return h1_2025_late


def kept(period) -> totals.Totals:
    return totals.stored([period.pk])[period.pk]


def met_by_code(period) -> dict[str, int]:
    item = kept(period)
    return {i.code: item.met.get(i.pk, 0) for i in progress.plan_indicators()}


def reload(report):
    return EnterpriseReport.objects.get(pk=report.pk)


class TestTheWorkflowMovesTheTotals:
    def test_a_report_submitted_approved_and_reopened(self, period, enterprise_a, enterprise_b, officer_a, official):
        """A and B are followed: 2 expected, both unreported at first, neither with a known
        headcount for the lower bound (no approved report before 2025-H1)."""
        assert kept(period) == totals.Totals(active=2, unreported=2, unknown=2)

        report = services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        # Submitted today, after the deadline of 15/7/2025: late. Not approved: no sums.
        assert kept(period) == totals.Totals(submitted=1, late=1, active=2, unreported=1, unknown=2)

        report = services.report_approve(report=report, actor=official, version=report.version)
        assert kept(period) == totals.Totals(
            approved=1, late=1, workers=100, female=60, active=2, unreported=1, unknown=1, met=kept(period).met
        )
        assert met_by_code(period) == FULL

        services.report_reopen(report=report, actor=official, reason="Sai số nữ", version=report.version)
        assert kept(period) == totals.Totals(returned=1, late=1, active=2, unreported=1, unknown=2)
        assert met_by_code(period) == dict.fromkeys(FULL, 0)

    def test_an_earlier_approval_is_the_lower_bounds_headcount_until_this_period_is_approved(
        self, period, enterprise_a, enterprise_b, officer_a, official
    ):
        earlier = ReportingPeriod.objects.get(code="2024")
        earlier.state = PeriodState.OPEN
        earlier.save()
        old = services.report_enter_for_enterprise(
            enterprise=enterprise_a, period=earlier, actor=official, figures=Figures(95, 40, FULL), version=0
        )
        # 2025-H1: A's last known headcount is 2024's 95; B has none.
        assert (kept(period).headcount, kept(period).unknown) == (95, 1)
        report = services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        assert (kept(period).headcount, kept(period).unknown) == (95, 1)
        report = services.report_approve(report=report, actor=official, version=report.version)
        assert (kept(period).headcount, kept(period).unknown) == (0, 1)
        services.report_reopen(report=report, actor=official, reason="Sai", version=report.version)
        assert (kept(period).headcount, kept(period).unknown) == (95, 1)
        # Reopening 2024 takes its headcount away from every later period.
        services.report_reopen(report=reload(old), actor=official, reason="Sai", version=reload(old).version)
        assert (kept(period).headcount, kept(period).unknown) == (0, 2)
        assert kept(ReportingPeriod.objects.get(code="2030")).unknown == 2
        assert totals.drift() == {}

    def test_a_draft_then_a_paper_report_entered_by_the_commune(
        self, period, enterprise_a, enterprise_b, officer_b, official
    ):
        services.report_save_draft(
            enterprise=enterprise_b, period=period, actor=officer_b, figures=Figures(40, None, {"a": 10}), version=0
        )
        assert kept(period) == totals.Totals(draft=1, active=2, unreported=1, unknown=2)

        draft = EnterpriseReport.objects.get(enterprise=enterprise_b)
        services.report_enter_for_enterprise(
            enterprise=enterprise_b,
            period=period,
            actor=official,
            figures=Figures(50, 20, {"a": 45, "b": 5, "c": 0, "d": 1, "e": 2}),
            version=draft.version,
        )
        item = kept(period)
        assert (item.draft, item.approved, item.late, item.workers, item.female) == (0, 1, 1, 50, 20)
        assert met_by_code(period) == {"a": 45, "b": 5, "c": 0, "d": 1, "e": 2}

    def test_a_returned_report_resubmitted_with_new_figures(self, period, enterprise_a, officer_a, official):
        report = services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        report = services.report_return(report=report, actor=official, reason="Thiếu số", version=report.version)
        assert (kept(period).submitted, kept(period).returned) == (0, 1)
        report = services.report_submit(
            enterprise=enterprise_a,
            period=period,
            actor=officer_a,
            figures=Figures(120, 60, {**FULL, "a": 100}),
            version=report.version,
            confirmed=True,
        )
        services.report_approve(report=report, actor=official, version=report.version)
        item = kept(period)
        assert (item.approved, item.returned, item.late, item.workers) == (1, 0, 1, 120)
        assert met_by_code(period)["a"] == 100

    def test_an_import_overwrites_an_approved_report(self, period, enterprise_a, enterprise_b, official):
        factories_report = factories.ReportFactory(
            enterprise=enterprise_a, period=period, total_workers=10, female_workers=5, counts={"a": 10}
        )
        assert (kept(period).approved, kept(period).workers) == (1, 10)
        rows = [
            services.ImportedReport(row=5, enterprise=enterprise_a, figures=Figures(200, 100, FULL)),
            services.ImportedReport(row=6, enterprise=enterprise_b, figures=Figures(300, 100, FULL)),
        ]
        outcome = services.reports_import(period=period, actor=official, rows=rows)
        assert (outcome.created, outcome.updated) == (1, 1)
        item = kept(period)
        assert (item.approved, item.workers, item.female, item.active, item.unreported) == (2, 500, 200, 2, 0)
        assert met_by_code(period) == {code: 2 * count for code, count in FULL.items()}
        assert reload(factories_report).total_workers == 200

    def test_a_refused_write_leaves_them_alone(self, period, enterprise_a, officer_a, official):
        report = services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        before = kept(period)
        with pytest.raises(Exception):  # noqa: B017 - a stale version: a conflict
            services.report_approve(report=report, actor=official, version=report.version - 1)
        assert kept(period) == before


class TestDatesMoveTheCounts:
    def test_moving_the_deadline_decides_lateness_again(self, period, enterprise_a, officer_a, official):
        services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        assert kept(period).late == 1
        services.period_set_deadline(period=period, actor=official, deadline=datetime.date.today())
        assert kept(period).late == 0
        services.period_set_deadline(period=period, actor=official, deadline=datetime.date(2025, 6, 30))
        assert kept(period).late == 1

    def test_an_enterprise_no_longer_followed_leaves_the_periods_it_did_not_report_in(
        self, period, enterprise_a, enterprise_b, officer_a
    ):
        services.report_save_draft(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, {}), version=0
        )
        later = ReportingPeriod.objects.get(code="2025")
        assert (kept(period).active, kept(period).unreported) == (2, 1)
        assert (kept(later).active, kept(later).unreported) == (2, 2)

        for enterprise in (enterprise_a, enterprise_b):
            enterprise.stop_following(datetime.date(2025, 1, 1))  # on the first day of both periods
            with transaction.atomic():
                enterprise.save()
        # A still counts in 2025-H1 through its report; B in neither.
        assert (kept(period).active, kept(period).unreported) == (1, 0)
        assert (kept(later).active, kept(later).unreported) == (0, 0)

        enterprise_b.resume_following()
        enterprise_b.save()
        assert (kept(period).active, kept(period).unreported) == (2, 1)

    def test_a_new_enterprise_and_a_new_period(self, period, enterprise_a):
        factories.EnterpriseFactory(followed_from=datetime.date(2025, 7, 1))  # after 2025-H1
        assert kept(period).active == 1
        assert kept(ReportingPeriod.objects.get(code="2025")).active == 2
        new = factories.PeriodFactory(year=2031)
        assert kept(new) == totals.Totals(active=2, unreported=2, unknown=2)


class TestTheFiguresAreReadFromThem:
    def test_the_commune_figures_and_the_counts_come_from_the_stored_totals(self, period, enterprise_a, indicators):
        factories.ReportFactory(enterprise=enterprise_a, period=period, total_workers=100, counts={"a": 90})
        PeriodTotals.objects.filter(period=period).update(workers=200, submitted=7)
        PeriodIndicatorTotal.objects.filter(period=period, indicator=indicators["a"]).update(met=50)
        figures = progress.commune_progress(period)
        assert figures.total_workers == 200
        assert figures.indicator("a").rate == 25
        assert progress.report_counts([period])[period.pk].submitted == 7
        # The references still read the reports.
        assert progress.reference_series([period], progress.plan_indicators())[period.pk].total_workers == 100
        assert progress.reference_report_counts([period])[period.pk].submitted == 0

    def test_a_period_without_totals_is_counted_from_its_reports(self, period, enterprise_a):
        factories.ReportFactory(enterprise=enterprise_a, period=period, total_workers=100, counts={"a": 90})
        PeriodTotals.objects.filter(period=period).delete()
        assert progress.commune_progress(period).total_workers == 100
        assert progress.report_counts([period])[period.pk].approved == 1

    def test_a_first_draft_of_an_enterprise_not_followed_counts_it_in_the_cached_figures(
        self, period, enterprise_a, officer_b, enterprise_b
    ):
        """B, followed only from 1/7/2025, saves a draft for 2025-H1: from then on it counts
        in that period (rule 1), in the figures the dashboards read from the cache too. The
        property test found this: a draft replaced only the period's token, not the approved
        one the commune's figures are cached under."""
        enterprise_b.followed_from = datetime.date(2025, 7, 1)
        enterprise_b.save()
        assert progress.commune_progress(period).completeness.expected == 1  # now cached
        services.report_save_draft(
            enterprise=enterprise_b, period=period, actor=officer_b, figures=Figures(40, None, {}), version=0
        )
        assert progress.commune_progress(period).completeness.expected == 2


class TestOperators:
    def test_the_check_finds_rows_changed_by_hand_and_the_rebuild_fixes_them(
        self, period, enterprise_a, enterprise_b, officer_a, official, indicators, capsys
    ):
        report = services.report_submit(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 60, FULL), version=0
        )
        services.report_approve(report=report, actor=official, version=report.version)
        call_command("rebuild_totals", "--check")
        assert "equal a recount" in capsys.readouterr().out

        # Somebody corrects figures in the database, bypassing the services.
        EnterpriseReport.objects.filter(pk=report.pk).update(total_workers=150)
        ReportValue.objects.filter(report=report, indicator=indicators["a"]).update(count=95)
        with pytest.raises(CommandError) as drift:
            call_command("rebuild_totals", "--check")
        assert "2025-H1: workers 100 → 150" in str(drift.value)
        assert f"met:{indicators['a'].pk} 90 → 95" in str(drift.value)
        assert kept(period).workers == 100  # the check changes nothing

        call_command("rebuild_totals")
        assert "2025-H1: workers 100 → 150" in capsys.readouterr().out
        assert (kept(period).workers, met_by_code(period)["a"]) == (150, 95)
        call_command("rebuild_totals", "--check")
        call_command("rebuild_totals")
        assert "Nothing to change" in capsys.readouterr().out

    def test_the_check_exits_non_zero_from_the_shell(self, period, enterprise_a):
        factories.ReportFactory(enterprise=enterprise_a, period=period)
        PeriodTotals.objects.filter(period=period).update(approved=5)
        with pytest.raises(SystemExit) as exit_status:
            from django.core.management import execute_from_command_line

            execute_from_command_line(["manage.py", "rebuild_totals", "--check"])
        assert exit_status.value.code == 1

    def test_a_missing_row_is_drift(self, period):
        PeriodTotals.objects.filter(period=period).delete()
        assert totals.drift() == {period.pk: {"row": ("missing", "present")}}
        totals.rebuild()
        assert totals.drift() == {}

    def test_the_migration_fills_the_tables_of_an_existing_installation(self, period, enterprise_a, enterprise_b):
        from django.apps import apps

        factories.ReportFactory(enterprise=enterprise_a, period=period, counts={"a": 3})
        factories.ReportFactory(enterprise=enterprise_b, period=period, status="submitted")
        expected = totals.stored()
        PeriodIndicatorTotal.objects.all().delete()
        PeriodTotals.objects.all().delete()
        migration = importlib.import_module("indicators.migrations.0011_fill_period_totals")
        migration.fill(apps, None)
        assert totals.stored() == expected
        assert totals.drift() == {}
