from decimal import Decimal

import pytest

from indicators import progress
from indicators.models import Milestone, ReportStatus
from tests.factories import EnterpriseFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(plan):
    return PeriodFactory(year=2025)


def report(period, total, status=ReportStatus.APPROVED, female=0, **counts):
    return ReportFactory(
        enterprise=EnterpriseFactory(), period=period, status=status, total_workers=total,
        female_workers=female, counts=counts,
    )


class TestMilestones:
    def test_they_run_from_zero_in_2023_to_the_2025_target_when_no_baseline_is_set(self, indicators):
        values = progress.milestones(indicators["a"])
        assert values[2024] == Decimal(45)
        assert values[2025] == Decimal(90)

    def test_they_run_on_from_the_2025_target_to_the_2030_target(self, indicators):
        values = progress.milestones(indicators["a"])
        assert [values[y] for y in range(2026, 2031)] == [91, 92, 93, 94, 95]

    def test_they_start_from_the_baseline_when_one_is_set(self, indicators):
        indicator = indicators["b"]
        indicator.baseline = Decimal(40)
        indicator.save()
        assert progress.milestones(indicator)[2024] == Decimal(56)  # 40 → 72 over two years

    def test_a_milestone_set_by_the_official_wins_without_bending_the_others(self, indicators):
        Milestone.objects.create(indicator=indicators["a"], year=2024, value=Decimal(60))
        values = progress.milestones(indicators["a"])
        assert values[2024] == Decimal(60)
        assert values[2026] == Decimal(91)

    def test_the_phase_target_is_2025s_up_to_2025_and_2030s_after(self, indicators):
        assert progress.phase_target(indicators["e"], 2024) == Decimal(35)
        assert progress.phase_target(indicators["e"], 2025) == Decimal(35)
        assert progress.phase_target(indicators["e"], 2026) == Decimal(60)


class TestBehindBelow:
    @pytest.mark.parametrize(
        "phase, milestone", [(Decimal(90), Decimal(45)), (None, Decimal(30)), (Decimal(60), None), (None, None)]
    )
    def test_a_rate_is_under_it_exactly_when_status_of_says_behind(self, phase, milestone):
        bar = progress.behind_below(phase, milestone)
        for rate in ("0", "29.99", "30", "44.99", "45", "59.99", "60", "89.99", "90", "95"):
            rate = Decimal(rate)
            assert (bar is None or rate < bar) == (progress.status_of(rate, phase, milestone) == progress.BEHIND)


class TestCommuneProgress:
    def test_the_rate_sums_workers_and_never_averages_percentages(self, year_2025):
        report(year_2025, 10, a=10)  # 100 %
        report(year_2025, 90, a=0)  # 0 %
        result = progress.commune_progress(year_2025)
        assert result.indicator("a").rate == Decimal(10)  # not 50
        assert result.total_workers == 100

    def test_only_approved_reports_count_and_completeness_says_how_many(self, year_2025):
        report(year_2025, 100, a=90)
        report(year_2025, 300, a=270)
        report(year_2025, 500, status=ReportStatus.SUBMITTED, a=0)
        report(year_2025, 500, status=ReportStatus.DRAFT, a=0)
        EnterpriseFactory()  # has not reported
        result = progress.commune_progress(year_2025)
        assert result.total_workers == 400
        assert result.indicator("a").met == 360
        assert result.indicator("a").rate == Decimal(90)
        assert (result.completeness.approved, result.completeness.expected) == (2, 5)

    def test_reaching_the_phase_target_is_achieved(self, year_2025):
        report(year_2025, 400, a=360)
        assert progress.commune_progress(year_2025).indicator("a").status == progress.ACHIEVED

    def test_34_59_percent_is_below_a_35_percent_target(self, year_2025):
        report(year_2025, 10000, e=3459)
        item = progress.commune_progress(year_2025).indicator("e")
        assert item.rate == Decimal("34.59")
        assert item.status == progress.BEHIND
        assert item.gap(2025) == 41

    def test_between_the_milestone_and_the_target_is_on_track(self, plan):
        first_half_2024 = PeriodFactory(year=2024, kind="half")
        report(first_half_2024, 100, a=50)  # milestone 2024 is 45 %, phase target 90 %
        assert progress.commune_progress(first_half_2024).indicator("a").status == progress.ON_TRACK

    def test_gaps_are_workers_still_to_reach_rounded_up_and_never_negative(self, year_2025):
        report(year_2025, 401, a=361)
        item = progress.commune_progress(year_2025).indicator("a")
        assert item.gap(2025) == 0  # 90 % of 401 = 360.9 ≤ 361
        assert item.gap(2030) == 20  # 95 % of 401 = 380.95 → 381 − 361

    def test_no_approved_report_gives_no_rate_and_no_status(self, year_2025):
        item = progress.commune_progress(year_2025).indicator("a")
        assert (item.rate, item.status, item.gap(2025)) == (None, None, None)

    def test_an_enterprise_deactivated_later_still_counts_in_its_periods(self, year_2025):
        old = report(year_2025, 100, a=90)
        old.enterprise.is_active = False
        old.enterprise.save()
        result = progress.commune_progress(year_2025)
        assert result.total_workers == 100
        assert (result.completeness.approved, result.completeness.expected) == (1, 1)

    @pytest.mark.parametrize("enterprises", [5, 60])
    def test_the_number_of_queries_does_not_grow_with_enterprises(
        self, year_2025, enterprises, django_assert_max_num_queries
    ):
        for _ in range(enterprises):
            report(year_2025, 50, a=40, b=30, c=20, d=10, e=5)
        # The plan and its indicators (4), the period's revision token (1), the figures (4).
        with django_assert_max_num_queries(9):
            result = progress.commune_progress(year_2025)
        assert result.indicator("b").met == 30 * enterprises


class TestSeriesAndTables:
    def test_the_series_agrees_with_each_period_computed_alone(self, plan):
        periods = [PeriodFactory(year=2024, kind="half"), PeriodFactory(year=2024), PeriodFactory(year=2025)]
        for number, period in enumerate(periods, start=1):
            report(period, 100 * number, a=40 * number, b=10)
            report(period, 50, status=ReportStatus.RETURNED, a=50)
        series = progress.commune_series(periods)
        assert series == [progress.commune_progress(period) for period in periods]

    def test_enterprise_rows_list_everybody_with_their_report_or_none(self, year_2025, indicators):
        reported = report(year_2025, 200, status=ReportStatus.SUBMITTED, a=150)
        silent = EnterpriseFactory(name="Zeta")
        rows = {row.enterprise_id: row for row in progress.enterprise_rows(year_2025)}
        assert rows[reported.enterprise_id].rates[indicators["a"].pk] == Decimal(75)
        assert rows[reported.enterprise_id].status == ReportStatus.SUBMITTED
        assert rows[silent.pk].status is None and rows[silent.pk].total_workers is None

    def test_the_lower_bound_counts_the_silent_enterprises_last_headcount_as_not_reached(self, plan):
        last_year, this_year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        silent = report(last_year, 100, a=100).enterprise
        report(this_year, 100, a=90)
        EnterpriseFactory()  # never reported: headcount unknown
        bound = progress.lower_bound(progress.commune_progress(this_year))
        assert bound.workers == 200
        assert bound.unknown_enterprises == 1
        assert bound.rates[progress.commune_progress(this_year).indicator("a").indicator_id] == Decimal(45)
        assert silent.is_active

    def test_an_enterprise_follows_its_own_figures_before_approval(self, year_2025):
        submitted = report(year_2025, 50, status=ReportStatus.SUBMITTED, a=25)
        result = progress.enterprise_progress(year_2025, submitted.enterprise)
        assert result.indicator("a").rate == Decimal(50)
        assert result.completeness.approved == 0


class TestReportCounts:
    def test_they_count_reports_by_status_the_late_ones_and_the_silent_active_enterprises(self, plan):
        first_half, year = PeriodFactory(year=2025, kind="half"), PeriodFactory(year=2025)
        late = report(first_half, 10, status=ReportStatus.SUBMITTED)
        late.is_late = True
        late.save()
        report(first_half, 10)
        report(first_half, 10, status=ReportStatus.DRAFT)
        gone = report(first_half, 10)
        gone.enterprise.is_active = False
        gone.enterprise.save()
        counts = progress.report_counts([first_half, year])
        assert counts[first_half.pk] == progress.ReportCounts(
            draft=1, submitted=1, approved=2, late=1, active=3, unreported=0
        )
        assert counts[year.pk] == progress.ReportCounts(active=3, unreported=3)

    @pytest.mark.parametrize("periods", [2, 14])
    def test_they_take_two_queries_however_many_periods(self, plan, periods, django_assert_num_queries):
        from indicators.models import ReportingPeriod

        chosen = list(ReportingPeriod.objects.order_by("end")[:periods])
        with django_assert_num_queries(2):
            progress.report_counts(chosen)
