import datetime
import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from enterprises.models import Enterprise
from indicators import progress, rules, services
from indicators.models import (
    SUBMITTED_LATE,
    EnterpriseReport,
    Indicator,
    Milestone,
    PeriodState,
    ReportingPeriod,
    ReportStatus,
    Target,
)
from tests.factories import (
    EnterpriseFactory,
    IndicatorFactory,
    PeriodFactory,
    PlanFactory,
    ReportFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_2025(plan):
    return PeriodFactory(year=2025)


def report(period, total, status=ReportStatus.APPROVED, female=0, **counts):
    return ReportFactory(
        enterprise=EnterpriseFactory(),
        period=period,
        status=status,
        total_workers=total,
        female_workers=female,
        counts=counts,
    )


def period_in(year, kind="annual", *, state):
    """The plan's period of that year and kind, in the given state (saved: its tokens change)."""
    period = PeriodFactory(year=year, kind=kind)
    period.state = state
    period.save()
    return period


class TestPlanIndicators:
    def test_they_come_in_the_plans_order_then_by_code(self, db):
        plan = PlanFactory(code="ordering")
        z = IndicatorFactory(plan=plan, code="z", order=1)
        y = IndicatorFactory(plan=plan, code="y", order=1)
        a = IndicatorFactory(plan=plan, code="a", order=2)
        assert progress.plan_indicators(plan) == [y, z, a]


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

    def test_a_year_after_the_last_target_keeps_the_last_target_and_milestone(self, indicators):
        assert progress.phase_target(indicators["e"], 2031) == Decimal(60)
        assert progress.milestone_for(indicators["e"], 2031) == Decimal(60)
        TargetFactory(indicator=indicators["e"], year=2027, value=Decimal(45))  # a third target, between
        assert progress.phase_target(indicators["e"], 2031) == Decimal(60)

    def test_a_years_milestone_is_the_annual_one_unless_asked_for_the_first_half(self, indicators):
        assert progress.milestone_for(indicators["a"], 2026) == Decimal(91)

    def test_the_baseline_year_and_before_have_no_milestone(self, indicators):
        assert progress.milestone_for(indicators["e"], 2023) is None
        assert progress.milestone_for(indicators["e"], 2020) is None


class TestGapOf:
    """ceil, hand-computed where rounding to the nearest worker would answer otherwise."""

    @pytest.mark.parametrize(
        "target, total, met, gap",
        [
            ("90", 406, 300, 66),  # 365,4 − 300 = 65,4 → 66 (nearest: 65)
            ("90", 405, 364, 1),  # 364,5 − 364 = 0,5 → 1 (nearest, halves to even: 0)
            ("35", 10001, 3459, 42),  # 3500,35 − 3459 = 41,35 → 42 (nearest: 41)
            ("90", 400, 300, 60),  # exactly 60
            ("90", 100, 95, 0),  # already past the target: 0, not −5
        ],
    )
    def test_it_is_the_workers_still_to_reach_rounded_up(self, target, total, met, gap):
        assert progress.gap_of(Decimal(target), total, met) == gap


class TestBehindBelow:
    @pytest.mark.parametrize(
        "phase, milestone, final",
        [
            (Decimal(90), Decimal(45), False),
            (None, Decimal(30), False),
            (Decimal(60), None, False),
            (None, None, False),
            (Decimal(90), Decimal(90), True),
            (Decimal(60), Decimal(30), True),  # a milestone set under the target year's target
        ],
    )
    def test_a_rate_is_under_it_exactly_when_status_of_says_behind_or_missed(self, phase, milestone, final):
        bar = progress.behind_below(phase, milestone, final=final)
        for rate in ("0", "29.99", "30", "44.99", "45", "59.99", "60", "89.99", "90", "95"):
            rate = Decimal(rate)
            status = progress.status_of(rate, phase, milestone, final=final)
            assert (bar is None or rate < bar) == (status in (progress.BEHIND, progress.MISSED))

    def test_a_period_is_not_final_unless_said(self):
        assert progress.behind_below(Decimal(90), Decimal(45)) == Decimal(45)


class TestCommuneProgress:
    def test_the_rate_sums_workers_and_never_averages_percentages(self, year_2025):
        report(year_2025, 10, female=4, a=10)  # 100 %
        report(year_2025, 90, female=50, a=0)  # 0 %
        result = progress.commune_progress(year_2025)
        assert result.indicator("a").rate == Decimal(10)  # not 50
        assert (result.total_workers, result.female_workers) == (100, 54)
        assert (result.indicator("b").met, result.indicator("b").rate) == (0, 0)  # nobody reported for b

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
        assert item.status == progress.MISSED  # 2025 is the target year: missed, not behind
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

    def test_a_gap_is_rounded_up_where_the_nearest_worker_is_below(self, year_2025):
        report(year_2025, 406, a=300)
        item = progress.commune_progress(year_2025).indicator("a")
        assert item.gap(2025) == 66  # 90 % of 406 = 365,4 → 366 − 300
        assert item.gap(2030) == 86  # 95 % of 406 = 385,7 → 386 − 300
        assert (item.gap(2040), item.target(2040)) == (None, None)  # no such target year
        assert item.target(2030) == Decimal(95)
        # The cards and the report read the same targets and gaps, year by year.
        assert [(t.year, t.target, t.gap) for t in item.targets] == [(2025, Decimal(90), 66), (2030, Decimal(95), 86)]

    def test_no_approved_report_gives_no_rate_and_no_status(self, year_2025):
        result = progress.commune_progress(year_2025)
        item = result.indicator("a")
        assert (item.rate, item.status, item.gap(2025)) == (None, None, None)
        assert [(t.target, t.gap) for t in item.targets] == [(Decimal(90), None), (Decimal(95), None)]
        assert (result.total_workers, result.female_workers, item.met) == (0, 0, 0)

    def test_a_period_with_no_approved_report_is_0_of_the_active_enterprises_complete(self, year_2025):
        report(year_2025, 100, status=ReportStatus.SUBMITTED, a=90)
        EnterpriseFactory()
        completeness = progress.commune_progress(year_2025).completeness
        assert (completeness.approved, completeness.expected) == (0, 2)
        assert completeness.percent == 0
        assert not completeness.is_complete

    def test_an_enterprise_deactivated_later_still_counts_in_its_periods(self, year_2025):
        old = report(year_2025, 100, a=90)
        old.enterprise.stop_following(datetime.date(2026, 1, 1))
        old.enterprise.save()
        result = progress.commune_progress(year_2025)
        assert result.total_workers == 100
        assert (result.completeness.approved, result.completeness.expected) == (1, 1)

    def test_the_indicators_are_those_asked_for_or_else_the_plans(self, year_2025, indicators):
        other = IndicatorFactory(plan=PlanFactory(code="other-plan", is_current=False), code="x")
        report(year_2025, 100, a=90, b=50)
        # One after the other from the figures cache, each kept apart by its own indicators.
        assert [i.code for i in progress.commune_progress(year_2025, indicators=[indicators["b"]]).indicators] == ["b"]
        assert [i.indicator_id for i in progress.commune_progress(year_2025, plan=other.plan).indicators] == [other.pk]
        assert [i.code for i in progress.commune_progress(year_2025).indicators] == ["a", "b", "c", "d", "e"]

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


class TestCompleteness:
    @pytest.mark.parametrize(
        "approved, expected, percent, complete",
        [
            (0, 0, None, False),  # no enterprise at all: nothing to complete
            (1, 4, Decimal(25), False),
            (3, 3, Decimal(100), True),
            (4, 3, Decimal("133.3333333333333333333333333"), True),  # an inactive one reported too
        ],
    )
    def test_it_says_how_many_of_the_expected_reports_are_approved(self, approved, expected, percent, complete):
        completeness = progress.Completeness(approved=approved, expected=expected)
        assert (completeness.percent, completeness.is_complete) == (percent, complete)


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

    def test_enterprise_rows_flag_nobody_late_who_has_not_reported(self, year_2025):
        silent = EnterpriseFactory()
        (row,) = progress.enterprise_rows(year_2025)
        assert row.enterprise_id == silent.pk
        assert (row.report_id, row.status, row.is_late, row.female_workers) == (None, None, False, None)
        assert (row.counts, row.rates) == ({}, {})

    def test_enterprise_rows_carry_the_reports_lateness_and_figures(self, year_2025, indicators):
        late = report(year_2025, 200, status=ReportStatus.SUBMITTED, female=120, a=150)
        late.first_submitted_on = year_2025.deadline + datetime.timedelta(days=1)
        late.save()
        (row,) = progress.enterprise_rows(year_2025)
        assert (row.report_id, row.is_late, row.total_workers, row.female_workers) == (late.pk, True, 200, 120)
        assert (row.name, row.tax_code, row.is_active) == (late.enterprise.name, late.enterprise.tax_code, True)
        assert row.counts == {indicators["a"].pk: 150}

    def test_enterprise_rows_are_in_name_order_then_in_order_of_registration(self, year_2025):
        zeta, an, second_an = EnterpriseFactory(name="Zeta"), EnterpriseFactory(name="An"), EnterpriseFactory(name="An")
        report_of_zeta = ReportFactory(enterprise=zeta, period=year_2025)
        rows = progress.enterprise_rows(year_2025)
        assert [row.enterprise_id for row in rows] == [an.pk, second_an.pk, zeta.pk]
        assert rows[2].report_id == report_of_zeta.pk

    def test_enterprise_rows_of_chosen_enterprises_list_only_those(self, year_2025):
        chosen, other = report(year_2025, 10), report(year_2025, 20)
        (row,) = progress.enterprise_rows(year_2025, Enterprise.objects.filter(pk=chosen.enterprise_id))
        assert (row.enterprise_id, row.report_id, row.total_workers) == (chosen.enterprise_id, chosen.pk, 10)
        assert other.enterprise.is_active

    def test_enterprise_rows_of_periods_sharing_a_revision_token_are_each_periods_own(self, plan):
        from indicators import figures_cache

        first, second = PeriodFactory(year=2024), PeriodFactory(year=2025)
        enterprise = EnterpriseFactory()
        ReportFactory(enterprise=enterprise, period=first, total_workers=10)
        ReportFactory(enterprise=enterprise, period=second, total_workers=20)
        figures_cache.touch([first.pk, second.pk])  # one new token for both, as an import gives
        assert [row.total_workers for row in progress.enterprise_rows(first)] == [10]
        assert [row.total_workers for row in progress.enterprise_rows(second)] == [20]

    def test_enterprise_rows_list_an_inactive_enterprise_only_with_a_report_in_the_period(self, year_2025):
        gone_silent = EnterpriseFactory(name="A", is_active=False)
        gone_reported = report(year_2025, 10).enterprise
        gone_reported.stop_following(datetime.date(2024, 1, 1))  # stopped before, yet it reported
        gone_reported.save()
        rows = progress.enterprise_rows(year_2025)
        assert [row.enterprise_id for row in rows] == [gone_reported.pk]
        assert rows[0].is_active is False
        assert gone_silent.pk not in [row.enterprise_id for row in rows]

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

    def test_the_silent_headcount_is_the_latest_approved_report_before_the_period(self, plan):
        two_years_ago, last_year, this_year, next_year = (PeriodFactory(year=year) for year in (2023, 2024, 2025, 2026))
        silent = EnterpriseFactory()
        ReportFactory(enterprise=silent, period=two_years_ago, total_workers=70)
        ReportFactory(enterprise=silent, period=last_year, total_workers=80)  # the latest: counts
        ReportFactory(enterprise=silent, period=next_year, total_workers=500)  # later: does not
        bound = progress.lower_bound(progress.commune_progress(this_year))
        assert (bound.workers, bound.unknown_enterprises) == (80, 0)

    def test_a_report_not_approved_gives_no_headcount(self, plan):
        last_year, this_year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        submitted = report(last_year, 100, status=ReportStatus.SUBMITTED).enterprise
        report(this_year, 50, status=ReportStatus.SUBMITTED, a=10)  # not approved: silent too
        bound = progress.lower_bound(progress.commune_progress(this_year))
        assert (bound.workers, bound.unknown_enterprises) == (0, 2)
        assert submitted.is_active

    def test_a_silent_enterprise_no_longer_active_is_left_out_of_the_lower_bound(self, plan):
        last_year, this_year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        gone = report(last_year, 100).enterprise
        gone.stop_following(this_year.start)
        gone.save()
        report(this_year, 50, a=10)
        bound = progress.lower_bound(progress.commune_progress(this_year))
        assert (bound.workers, bound.unknown_enterprises) == (50, 0)

    def test_an_enterprise_follows_its_own_figures_before_approval(self, year_2025):
        submitted = report(year_2025, 50, status=ReportStatus.SUBMITTED, female=20, a=25)
        result = progress.enterprise_progress(year_2025, submitted.enterprise)
        assert (result.period, result.total_workers, result.female_workers) == (year_2025, 50, 20)
        assert result.indicator("a").rate == Decimal(50)
        assert result.indicator("b").met == 0  # not reported: nobody
        assert result.completeness == progress.Completeness(approved=0, expected=1)

    def test_an_enterprises_approved_report_is_its_complete_period(self, year_2025):
        approved = report(year_2025, 50, a=25)
        approved.female_workers = None
        approved.save()
        result = progress.enterprise_progress(year_2025, approved.enterprise)
        assert result.completeness == progress.Completeness(approved=1, expected=1)
        assert result.female_workers == 0

    def test_an_enterprises_progress_is_against_the_plan_asked_for(self, year_2025):
        other = PlanFactory(code="other", is_current=False)
        IndicatorFactory(plan=other, code="z")
        approved = report(year_2025, 50, a=25)
        result = progress.enterprise_progress(year_2025, approved.enterprise, plan=other)
        assert [item.code for item in result.indicators] == ["z"]

    def test_an_enterprise_without_a_report_or_a_headcount_has_no_progress(self, year_2025):
        assert progress.enterprise_progress(year_2025, EnterpriseFactory()) is None
        draft = report(year_2025, None, status=ReportStatus.DRAFT, a=3)
        assert progress.enterprise_progress(year_2025, draft.enterprise) is None

    def test_the_latest_period_with_approved_reports_passes_over_later_unapproved_ones(self, db):
        assert progress.latest_period_with_approved_reports() is None
        last_year, this_year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        report(last_year, 10)
        report(this_year, 10, status=ReportStatus.SUBMITTED)
        assert progress.latest_period_with_approved_reports() == last_year


class TestReportCounts:
    def test_they_count_reports_by_status_the_late_ones_and_the_silent_active_enterprises(self, plan):
        first_half, year = PeriodFactory(year=2025, kind="half"), PeriodFactory(year=2025)
        late = report(first_half, 10, status=ReportStatus.SUBMITTED)
        late.first_submitted_on = first_half.deadline + datetime.timedelta(days=1)
        late.save()
        on_time = report(first_half, 10, status=ReportStatus.SUBMITTED)  # on the deadline day itself
        on_time.first_submitted_on = first_half.deadline
        on_time.save()
        report(first_half, 10)
        report(first_half, 10, status=ReportStatus.DRAFT)
        gone = report(first_half, 10)  # reported, then no longer followed: counts where it reported
        gone.enterprise.stop_following(year.start)
        gone.enterprise.save()
        counts = progress.report_counts([first_half, year])
        assert counts[first_half.pk] == progress.ReportCounts(
            draft=1, submitted=2, approved=2, late=1, active=5, unreported=0
        )
        assert counts[year.pk] == progress.ReportCounts(active=4, unreported=4)

    def test_the_silent_are_the_active_enterprises_without_a_report_of_their_own(self, plan):
        year = PeriodFactory(year=2025)
        report(year, 10, status=ReportStatus.DRAFT)
        silent = EnterpriseFactory()
        assert progress.report_counts([year])[year.pk] == progress.ReportCounts(draft=1, active=2, unreported=1)
        assert silent.is_active

    @pytest.mark.parametrize("periods", [2, 14])
    def test_they_take_one_query_however_many_periods(self, plan, periods, django_assert_num_queries):
        from indicators.models import ReportingPeriod

        chosen = list(ReportingPeriod.objects.order_by("end")[:periods])
        with django_assert_num_queries(1):
            progress.report_counts(chosen)


class TestMilestonesAndStatus:
    """Rules 3–5 of issue 13, hand-computed with the plan's real targets (no baseline set:
    the yearly milestones run from 0 in 2023 to the 2025 target, then on to the 2030 one).

    | indicator | 2025 | 2030 | 2024 | 2025 | 2026 | 2029 | 2030 | 2024-H1 | 2026-H1 | 2030-H1 |
    |---|---|---|---|---|---|---|---|---|---|---|
    | a | 90 | 95 | 45 | 90 | 91 | 94 | 95 | 22,5 | 90,5 | 94,5 |
    | b | 72 | 85 | 36 | 72 | 74,6 | 82,4 | 85 | 18 | 73,3 | 83,7 |
    | c | 65 | 85 | 32,5 | 65 | 69 | 81 | 85 | 16,25 | 67 | 83 |
    | d | 65 | 80 | 32,5 | 65 | 68 | 77 | 80 | 16,25 | 66,5 | 78,5 |
    | e | 35 | 60 | 17,5 | 35 | 40 | 55 | 60 | 8,75 | 37,5 | 57,5 |
    """

    MID_YEAR = {
        2024: {"a": "22.5", "b": "18", "c": "16.25", "d": "16.25", "e": "8.75"},
        2026: {"a": "90.5", "b": "73.3", "c": "67", "d": "66.5", "e": "37.5"},
        2030: {"a": "94.5", "b": "83.7", "c": "83", "d": "78.5", "e": "57.5"},
    }

    @pytest.mark.parametrize("year", [2024, 2026, 2030])
    def test_a_first_half_is_compared_with_the_mid_year_milestone(self, plan, indicators, year):
        period = PeriodFactory(year=year, kind="half")
        result = progress.commune_progress(period)
        for code, value in self.MID_YEAR[year].items():
            assert progress.period_milestone(indicators[code], period) == Decimal(value)
            assert result.indicator(code).milestone == Decimal(value)

    def test_an_annual_period_keeps_the_years_milestone(self, plan, indicators):
        assert progress.period_milestone(indicators["a"], PeriodFactory(year=2024)) == Decimal(45)
        assert progress.period_milestone(indicators["b"], PeriodFactory(year=2026)) == Decimal("74.6")

    def test_the_mid_year_milestone_starts_from_the_baseline_when_one_is_set(self, indicators):
        indicator = indicators["b"]
        indicator.baseline = Decimal(40)
        indicator.save()
        assert progress.milestone_for(indicator, 2024, mid_year=True) == Decimal(48)  # (40 + 56) / 2

    def test_the_mid_year_milestone_follows_a_milestone_set_by_the_official(self, indicators):
        Milestone.objects.create(indicator=indicators["a"], year=2025, value=Decimal(80))
        assert progress.milestone_for(indicators["a"], 2026, mid_year=True) == Decimal("85.5")  # (80 + 91) / 2
        assert progress.milestone_for(indicators["a"], 2023, mid_year=True) is None  # the baseline year

    def test_a_milestone_set_in_the_baseline_year_starts_the_next_first_half(self, indicators):
        Milestone.objects.create(indicator=indicators["a"], year=2023, value=Decimal(10))
        assert progress.milestone_for(indicators["a"], 2024, mid_year=True) == Decimal("27.5")  # (10 + 45) / 2

    def test_a_first_half_without_a_milestone_the_year_before_has_none(self, indicators):
        indicator = indicators["a"]
        indicator.baseline_year = 2025
        indicator.save()
        Milestone.objects.create(indicator=indicator, year=2024, value=Decimal(50))  # before the baseline
        assert progress.milestone_for(indicator, 2024) == Decimal(50)
        assert progress.milestone_for(indicator, 2024, mid_year=True) is None

    def test_a_first_half_between_its_milestones_is_on_track_not_behind(self, plan):
        first_half = PeriodFactory(year=2026, kind="half")
        report(first_half, 1000, a=906, e=374)  # a 90,6 % ≥ 90,5; e 37,4 % < 37,5
        result = progress.commune_progress(first_half)
        assert result.indicator("a").status == progress.ON_TRACK  # under 2026's 91 %, over mid-year
        assert result.indicator("e").status == progress.BEHIND

    @pytest.mark.parametrize("year, rate_a, status", [(2025, 899, "missed"), (2025, 900, "achieved")])
    def test_a_target_year_is_achieved_or_missed_2025(self, plan, year, rate_a, status):
        period = PeriodFactory(year=year)
        report(period, 1000, a=rate_a, e=20)
        result = progress.commune_progress(period)
        assert result.indicator("a").status == status
        assert result.indicator("e").status == progress.MISSED  # 2 %, far under 35 %: not "behind"
        assert result.indicator("a").final

    def test_2030_is_missed_under_its_target_and_achieved_at_it(self, plan):
        period = period_in(2030, state="closed")
        report(period, 1000, a=949, e=600)
        result = progress.commune_progress(period)
        assert (result.indicator("a").status, result.indicator("e").status) == (progress.MISSED, progress.ACHIEVED)
        assert result.indicator("a").status_label == "Chưa đạt mục tiêu năm 2030"
        assert result.indicator("e").status_label == "Đạt"

    def test_a_status_in_words_is_final_unless_said_provisional(self):
        assert progress.status_text(progress.ACHIEVED) == "Đạt"
        assert progress.status_text(progress.MISSED, year=2025) == "Chưa đạt mục tiêu năm 2025"

    def test_years_between_targets_and_a_target_years_first_half_are_behind_not_missed(self, plan):
        firm = EnterpriseFactory()
        for period in (
            PeriodFactory(year=2027),
            PeriodFactory(year=2025, kind="half"),
            PeriodFactory(year=2030, kind="half"),
        ):
            ReportFactory(enterprise=firm, period=period, total_workers=100, counts={"a": 1})
            item = progress.commune_progress(period).indicator("a")
            assert (item.status, item.final) == (progress.BEHIND, False), period.code

    def test_an_enterprises_cells_are_judged_missed_in_a_target_year_too(self, plan):
        period = PeriodFactory(year=2025)
        report(period, 100, a=95)
        item = progress.commune_progress(period).indicator("a")
        assert (item.judge(Decimal(89)), item.judge(Decimal(90)), item.judge(None)) == ("missed", "achieved", None)

    def test_an_enterprises_cells_are_judged_against_the_milestone_between_target_years(self, plan):
        period = PeriodFactory(year=2027)
        report(period, 100, a=95)
        item = progress.commune_progress(period).indicator("a")
        assert (item.milestone, item.phase_target) == (Decimal(92), Decimal(95))  # 2027 of 90 → 95
        assert (item.judge(Decimal(91)), item.judge(Decimal(92)), item.judge(Decimal(95))) == (
            "behind",
            "on_track",
            "achieved",
        )

    def test_an_open_periods_statuses_are_provisional(self, plan):
        period = period_in(2025, state="open")
        report(period, 100, a=95, e=10)
        result = progress.commune_progress(period)
        assert result.provisional and not result.withheld
        assert (result.indicator("a").status, result.indicator("a").provisional) == (progress.ACHIEVED, True)
        assert result.indicator("a").status_label == "Đạt (tạm tính)"
        assert result.indicator("e").status_label == "Chưa đạt mục tiêu năm 2025 (tạm tính)"

    @pytest.mark.parametrize("state", ["closed", "pending"])
    def test_a_period_not_open_has_final_statuses(self, plan, state):
        period = period_in(2024, kind="half", state=state)
        report(period, 100, a=30)  # 30 % ≥ 22,5 %
        result = progress.commune_progress(period)
        assert not result.provisional
        assert result.indicator("a").status_label == "Đúng tiến độ"

    def test_fewer_than_half_of_the_enterprises_approved_gives_no_status(self, plan):
        period = period_in(2025, state="closed")
        report(period, 100, a=95)
        report(period, 100, status=ReportStatus.SUBMITTED, a=0)
        EnterpriseFactory()  # 1 approved of 3 expected
        result = progress.commune_progress(period)
        item = result.indicator("a")
        assert result.withheld and not result.provisional
        assert (item.rate, item.status, item.withheld) == (Decimal(95), None, True)  # the rate stays
        assert item.status_label == "Chưa đủ báo cáo để đánh giá"

    def test_half_of_the_enterprises_approved_is_enough_to_give_a_status(self, plan):
        period = period_in(2025, state="open")
        report(period, 100, a=95)
        EnterpriseFactory()  # 1 approved of 2 expected
        result = progress.commune_progress(period)
        assert not result.withheld
        assert result.indicator("a").status_label == "Đạt (tạm tính)"

    def test_no_approved_report_is_no_data_rather_than_withheld(self, plan):
        period = PeriodFactory(year=2025)
        EnterpriseFactory()
        result = progress.commune_progress(period)
        item = result.indicator("a")
        assert (item.status, item.withheld, item.status_label) == (None, False, "")
        assert not result.withheld  # no rate: nothing to withhold

    def test_one_worker_is_enough_to_withhold_a_status(self, plan):
        period = PeriodFactory(year=2025)
        report(period, 1, a=1)
        EnterpriseFactory()
        EnterpriseFactory()  # 1 approved of 3 expected
        result = progress.commune_progress(period)
        assert result.withheld and result.indicator("a").withheld

    def test_an_enterprises_own_figures_are_never_withheld_but_provisional_while_open(self, plan):
        period = period_in(2025, state="open")
        draft = report(period, 100, status=ReportStatus.DRAFT, a=95)
        EnterpriseFactory()
        result = progress.enterprise_progress(period, draft.enterprise)
        assert (result.indicator("a").status, result.withheld, result.provisional) == ("achieved", False, True)
        assert result.indicator("a").status_label == "Đạt (tạm tính)"

    @pytest.mark.parametrize(
        "approved, expected, enough",
        [(0, 0, False), (0, 1, False), (1, 3, False), (1, 2, True), (2, 3, True), (3, 7, False), (4, 7, True)],
    )
    def test_enough_to_assess_is_at_least_half_of_the_expected(self, approved, expected, enough):
        assert progress.Completeness(approved=approved, expected=expected).enough_to_assess == enough

    def test_the_lower_bound_of_each_indicator(self, plan):
        """2025: two approved reports (100 and 300 workers), one silent enterprise with 100
        workers approved in 2024, one with no headcount: every rate over 500 workers."""
        last_year, this_year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        report(this_year, 100, a=90, b=80, c=70, d=60, e=50)
        report(this_year, 300, a=210, b=120, c=90, d=60, e=0)
        ReportFactory(enterprise=EnterpriseFactory(), period=last_year, total_workers=100)
        EnterpriseFactory()
        result = progress.commune_progress(this_year)
        bound = progress.lower_bound(result)
        assert (bound.workers, bound.unknown_enterprises) == (500, 1)
        rates = {item.code: bound.rates[item.indicator_id] for item in result.indicators}
        assert rates == {"a": 60, "b": 40, "c": 32, "d": 24, "e": 10}  # 300/500, 200/500 …
        assert result.indicator("a").rate == 75  # among the approved: 300/400


HO_CHI_MINH = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


PAPER = rules.Figures(total_workers=100, female_workers=50, counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30})


def july(day: int) -> datetime.date:
    return datetime.date(2026, 7, day)


class TestLateness:
    """2026-H1 runs from 01/01 to 30/06/2026, its deadline 15/07/2026. A report is late when
    its first submission came after the period's current deadline (DOMAIN.md):

    | enterprise | first submitted | deadline 15/07 | moved to 20/07 | moved to 30/06 |
    |---|---|---|---|---|
    | An   | 14/07 | on time | on time | late |
    | Bình | 15/07 | on time (the deadline day) | on time | late |
    | Cường | 18/07 | late | on time | late |
    | Dũng | 25/07 | late | late | late |
    | Én   | draft, never | – | – | – |
    | Phúc | no report | – | – | – |
    """

    @pytest.fixture
    def period(self, plan):
        period = ReportingPeriod.objects.get(code="2026-H1")
        period.state = PeriodState.OPEN
        period.save()
        assert (period.end, period.deadline) == (datetime.date(2026, 6, 30), july(15))
        return period

    @pytest.fixture
    def firms(self, period):
        firms = {}
        for name, first_submitted_on in [("An", july(14)), ("Bình", july(15)), ("Cường", july(18)), ("Dũng", july(25))]:
            firms[name] = ReportFactory(
                enterprise=EnterpriseFactory(name=name),
                period=period,
                status=ReportStatus.SUBMITTED,
                first_submitted_on=first_submitted_on,
            ).enterprise
        firms["Én"] = ReportFactory(
            enterprise=EnterpriseFactory(name="Én"), period=period, status=ReportStatus.DRAFT
        ).enterprise
        firms["Phúc"] = EnterpriseFactory(name="Phúc")
        return firms

    @staticmethod
    def late_names(period) -> list[str]:
        """The late enterprises as each place that says so sees them: the enterprise rows (through
        the figures cache), the report counts, the SQL rule and each report's own property agree."""
        rows = [row.name for row in progress.enterprise_rows(period) if row.is_late]
        count = progress.report_counts([period])[period.pk].late
        in_sql = sorted(
            EnterpriseReport.objects.filter(period=period)
            .filter(SUBMITTED_LATE)
            .values_list("enterprise__name", flat=True)
        )
        each = sorted(
            r.enterprise.name
            for r in EnterpriseReport.objects.filter(period=period).select_related("period", "enterprise")
            if r.is_late
        )
        assert rows == in_sql == each and count == len(rows)
        return rows

    def test_a_report_first_submitted_after_the_deadline_is_late_and_the_deadline_day_is_on_time(self, period, firms):
        assert self.late_names(period) == ["Cường", "Dũng"]

    def test_a_moved_deadline_clears_and_sets_late_flags(self, period, firms, official):
        assert self.late_names(period) == ["Cường", "Dũng"]  # and the rows are now cached
        services.period_set_deadline(period=period, actor=official, deadline=july(20))
        period.refresh_from_db()
        assert self.late_names(period) == ["Dũng"]  # Cường's 18/07 is on time now
        services.period_set_deadline(period=period, actor=official, deadline=datetime.date(2026, 6, 30))
        period.refresh_from_db()
        assert self.late_names(period) == ["An", "Bình", "Cường", "Dũng"]
        services.period_set_deadline(period=period, actor=official, deadline=july(15))
        period.refresh_from_db()
        assert self.late_names(period) == ["Cường", "Dũng"]

    def test_nobody_without_a_first_submission_is_late_whatever_the_deadline(self, period, firms, official):
        services.period_set_deadline(period=period, actor=official, deadline=datetime.date(2026, 6, 30))
        rows = {row.name: row for row in progress.enterprise_rows(period)}
        assert not rows["Én"].is_late and not rows["Phúc"].is_late

    def test_a_returned_then_resubmitted_report_keeps_its_first_submissions_lateness(
        self, period, officer_a, officer_b, enterprise_a, enterprise_b, official, monkeypatch
    ):
        def at(day: int, hour: int = 9):
            moment = datetime.datetime(2026, 7, day, hour, tzinfo=HO_CHI_MINH)
            monkeypatch.setattr(timezone, "now", lambda: moment)

        def submit(enterprise, officer):
            report = EnterpriseReport.objects.filter(enterprise=enterprise, period=period).first()
            return services.report_submit(
                enterprise=enterprise,
                period=period,
                actor=officer,
                figures=rules.Figures(
                    total_workers=100, female_workers=50, counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}
                ),
                version=report.version if report else 0,
                confirmed=True,
            )

        def send_back(enterprise):
            report = EnterpriseReport.objects.get(enterprise=enterprise, period=period)
            services.report_return(report=report, actor=official, reason="Thiếu số liệu", version=report.version)

        at(14)
        submit(enterprise_a, officer_a)  # An Phát: on time
        at(16, 0)  # 16/07 00:00 in Hoàng Hợp, still 15/07 in UTC: late
        submit(enterprise_b, officer_b)  # Bình Minh: late
        at(17)
        send_back(enterprise_a)
        send_back(enterprise_b)
        at(20)
        submit(enterprise_a, officer_a)  # after the deadline, but a resubmission
        submit(enterprise_b, officer_b)
        an_phat, binh_minh = (
            EnterpriseReport.objects.select_related("period").get(enterprise=e, period=period)
            for e in (enterprise_a, enterprise_b)
        )
        assert (an_phat.first_submitted_on, an_phat.status, an_phat.is_late) == (
            july(14),
            ReportStatus.SUBMITTED,
            False,
        )
        assert (binh_minh.first_submitted_on, binh_minh.is_late) == (july(16), True)
        assert timezone.localdate(binh_minh.submitted_at) == july(20)
        assert self.late_names(period) == [enterprise_b.name]
        # The deadline moved to the day of Bình Minh's first submission: on time, though resubmitted later.
        services.period_set_deadline(period=period, actor=official, deadline=july(16))
        period.refresh_from_db()
        assert self.late_names(period) == []

    def test_a_paper_report_is_late_by_the_day_the_commune_entered_it(
        self, period, enterprise_a, official, monkeypatch
    ):
        moment = datetime.datetime(2026, 7, 17, 15, tzinfo=HO_CHI_MINH)
        monkeypatch.setattr(timezone, "now", lambda: moment)
        services.report_enter_for_enterprise(
            enterprise=enterprise_a,
            period=period,
            actor=official,
            figures=rules.Figures(
                total_workers=100, female_workers=50, counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}
            ),
            version=0,
            confirmed=True,
        )
        assert self.late_names(period) == [enterprise_a.name]
        services.period_set_deadline(period=period, actor=official, deadline=july(17))
        period.refresh_from_db()
        assert self.late_names(period) == []

    @pytest.mark.parametrize(
        "first_submitted_on, late", [(None, False), (july(14), False), (july(15), False), (july(16), True)]
    )
    def test_the_rule_in_python_and_in_sql_agree(self, period, first_submitted_on, late):
        report = ReportFactory(period=period, status=ReportStatus.SUBMITTED, first_submitted_on=first_submitted_on)
        assert period.submitted_late(first_submitted_on) is late
        assert EnterpriseReport.objects.filter(pk=report.pk).filter(SUBMITTED_LATE).exists() is late
        assert EnterpriseReport.objects.filter(pk=report.pk).exclude(SUBMITTED_LATE).exists() is not late


def followed(since, stopped=None, **kwargs):
    """An enterprise the commune followed from `since` (and stopped following from `stopped`)."""
    return EnterpriseFactory(followed_from=since, stopped_from=stopped, is_active=stopped is None, **kwargs)


def counted_ids(period):
    return {row.enterprise_id for row in progress.enterprise_rows(period)}


class TestWhoCountsInAPeriod:
    """Rule 1: an enterprise counts in a period when it has a report for it, or when the
    commune followed it during the period (followed from its end at the latest, not stopped
    on or before its start). Figures computed by hand below."""

    def test_an_enterprise_added_after_a_period_ended_leaves_that_period_unchanged(self, plan):
        year = PeriodFactory(year=2025)
        first_half_2026 = PeriodFactory(year=2026, kind="half")
        reporting = report(year, 100, a=90).enterprise
        silent = followed(datetime.date(2023, 1, 1))
        before = (
            progress.commune_progress(year).completeness,
            progress.report_counts([year])[year.pk],
            counted_ids(year),
            progress.lower_bound(progress.commune_progress(year)),
        )
        assert before[0] == progress.Completeness(approved=1, expected=2)  # 1 of 2: 50 %
        added = followed(datetime.date(2026, 3, 2))
        followed(datetime.date(2026, 1, 1))  # the day after the period ended
        after = (
            progress.commune_progress(year).completeness,
            progress.report_counts([year])[year.pk],
            counted_ids(year),
            progress.lower_bound(progress.commune_progress(year)),
        )
        assert after == before
        assert after[2] == {reporting.pk, silent.pk}
        # It does count in the periods it was followed in, where it has not reported yet.
        assert progress.commune_progress(first_half_2026).completeness == progress.Completeness(0, 4)
        assert added.pk in counted_ids(first_half_2026)

    @pytest.mark.parametrize(
        "since, stopped, counts",
        [
            (datetime.date(2025, 12, 31), None, True),  # followed from the period's last day
            (datetime.date(2026, 1, 1), None, False),  # from the day after it
            (datetime.date(2023, 1, 1), datetime.date(2025, 1, 1), False),  # stopped on its first day
            (datetime.date(2023, 1, 1), datetime.date(2024, 12, 31), False),  # stopped before it
            (datetime.date(2023, 1, 1), datetime.date(2025, 1, 2), True),  # stopped a day into it
            (datetime.date(2025, 6, 1), datetime.date(2025, 6, 2), True),  # followed for a day in it
        ],
    )
    def test_the_edges_of_a_period(self, plan, since, stopped, counts):
        year = PeriodFactory(year=2025)
        enterprise = followed(since, stopped)
        expected = 1 if counts else 0
        assert progress.commune_progress(year).completeness.expected == expected
        assert progress.report_counts([year])[year.pk] == progress.ReportCounts(active=expected, unreported=expected)
        assert counted_ids(year) == ({enterprise.pk} if counts else set())
        assert Enterprise.objects.filter(year.counted_enterprises()).exists() is counts

    def test_one_stopped_before_a_period_started_is_not_missing_from_it(self, plan):
        from indicators.emails import period_digest

        year = PeriodFactory(year=2025)
        report(year, 80, a=40)
        stopped = followed(datetime.date(2023, 1, 1), datetime.date(2025, 1, 1), name="Công ty Đã Ngừng")
        ReportFactory(enterprise=stopped, period=PeriodFactory(year=2024), total_workers=300)
        result = progress.commune_progress(year)
        assert result.completeness == progress.Completeness(approved=1, expected=1)  # complete: 100 %
        assert result.completeness.is_complete
        assert stopped.pk not in counted_ids(year)  # so in no unapproved, unreported or late list
        assert progress.report_counts([year])[year.pk].unreported == 0
        bound = progress.lower_bound(result)
        assert (bound.workers, bound.unknown_enterprises) == (80, 0)  # its 300 workers of 2024 left out
        digest = period_digest(year, datetime.date(2025, 12, 1))
        assert (digest.active, digest.unsubmitted) == (1, [])

    @pytest.mark.parametrize("status", [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.APPROVED])
    def test_one_with_a_report_counts_even_if_stopped(self, plan, status):
        year = PeriodFactory(year=2025)
        stopped = followed(datetime.date(2023, 1, 1), datetime.date(2024, 1, 1))  # stopped long before
        ReportFactory(enterprise=stopped, period=year, status=status, total_workers=60, counts={"a": 30})
        approved = int(status == ReportStatus.APPROVED)
        assert progress.commune_progress(year).completeness == progress.Completeness(approved=approved, expected=1)
        counts = progress.report_counts([year])[year.pk]
        assert (counts.active, counts.unreported, getattr(counts, status)) == (1, 0, 1)
        (row,) = progress.enterprise_rows(year)
        assert (row.enterprise_id, row.status, row.is_active) == (stopped.pk, status, False)

    def test_the_lower_bound_counts_the_silent_enterprises_of_the_period_only(self, plan, indicators):
        last_year, year = PeriodFactory(year=2024), PeriodFactory(year=2025)
        report(year, 100, a=60)  # approved: 100 workers, 60 met
        silent = followed(datetime.date(2023, 1, 1))
        ReportFactory(enterprise=silent, period=last_year, total_workers=50)  # counts: 50 not reached
        stopped_before = followed(datetime.date(2023, 1, 1), datetime.date(2025, 1, 1))
        ReportFactory(enterprise=stopped_before, period=last_year, total_workers=40)  # left out
        stopped_during = followed(datetime.date(2023, 1, 1), datetime.date(2025, 6, 1))
        ReportFactory(enterprise=stopped_during, period=last_year, total_workers=30)  # counts: 30
        followed(datetime.date(2026, 2, 1))  # added later, no headcount: not even "unknown"
        result = progress.commune_progress(year)
        bound = progress.lower_bound(result)
        assert (bound.workers, bound.unknown_enterprises) == (100 + 50 + 30, 0)
        assert bound.rates[indicators["a"].pk] == Decimal(60) * 100 / Decimal(180)  # 33,3 %
        assert result.completeness == progress.Completeness(approved=1, expected=3)

    def test_report_counts_follow_the_rule_period_by_period(self, plan):
        y2024, y2025, h2026 = PeriodFactory(year=2024), PeriodFactory(year=2025), PeriodFactory(year=2026, kind="half")
        followed(datetime.date(2023, 1, 1), datetime.date(2025, 1, 1))  # 2024 only
        followed(datetime.date(2025, 3, 1))  # 2025 and 2026-H1
        always = followed(datetime.date(2023, 1, 1))  # every period
        ReportFactory(enterprise=always, period=y2024)
        gone = followed(datetime.date(2023, 1, 1), datetime.date(2024, 1, 1))
        ReportFactory(enterprise=gone, period=y2025, status=ReportStatus.SUBMITTED)  # 2025 only, by its report
        counts = progress.report_counts([y2024, y2025, h2026])
        assert counts[y2024.pk] == progress.ReportCounts(approved=1, active=2, unreported=1)
        assert counts[y2025.pk] == progress.ReportCounts(submitted=1, active=3, unreported=2)
        assert counts[h2026.pk] == progress.ReportCounts(active=2, unreported=2)
        series = progress.commune_series([y2024, y2025, h2026])
        assert [p.completeness.expected for p in series] == [2, 3, 2]

    def test_the_api_counts_the_enterprises_of_the_period(self, plan, client_for):
        from django.urls import reverse

        from tests.factories import ViewerFactory

        year = PeriodFactory(year=2025)
        report(year, 100, a=90)
        followed(datetime.date(2026, 3, 2))
        followed(datetime.date(2023, 1, 1), datetime.date(2024, 7, 1))
        response = client_for(ViewerFactory()).get(reverse("indicators:api_progress"), {"period": "2025"})
        assert response.json()["completeness"] == {"approved": 1, "active_enterprises": 1}

    def test_the_migration_follows_existing_enterprises_from_their_first_report(self, plan):
        import importlib

        from django.apps import apps

        reported = followed(datetime.date(2026, 12, 1))  # as enterprises 0009 dates it: the day it was added
        ReportFactory(enterprise=reported, period=PeriodFactory(year=2025))
        ReportFactory(enterprise=reported, period=PeriodFactory(year=2024, kind="half"))
        unreported = followed(datetime.date(2026, 12, 1))
        migration = importlib.import_module("indicators.migrations.0009_followed_from_first_report")
        migration.followed_from_first_report(apps, None)
        follows = dict(Enterprise.objects.values_list("pk", "followed_from"))
        assert follows == {reported.pk: datetime.date(2024, 1, 1), unreported.pk: datetime.date(2026, 12, 1)}


class TestFiguresAsOf:
    def test_the_time_is_kept_per_list_of_indicators(self, plan, indicators):
        moment = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        for model in (Indicator, Target, Milestone, Enterprise, ReportingPeriod):
            model.history.update(history_date=moment)
        later = moment + datetime.timedelta(days=4)
        Indicator.history.filter(id=indicators["b"].pk).update(history_date=later)
        period = ReportingPeriod.objects.get(code="2025")
        assert progress.figures_as_of(period, [indicators["a"]]) == moment
        assert progress.figures_as_of(period, [indicators["b"]]) == later
        assert progress.figures_as_of(period, [indicators["a"]]) == moment  # each from its own cache entry
