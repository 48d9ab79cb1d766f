"""The province's roll-up (province.rollup) on figures worked out by hand (conftest)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from indicators import progress
from province import rollup
from tests import factories
from tests.province.conftest import enterprise_of, period_of, plan_of, report

TODAY = datetime.date(2026, 3, 1)


def option(code="2025"):
    return next(o for o in rollup.period_options() if o.code == code)


def test_the_province_rate_is_the_sum_met_over_the_sum_of_workers_of_active_communes(province):
    result = rollup.rollup(option(), today=TODAY)
    a = result.total.indicator("a")
    assert (a.met, a.total_workers) == (280, 350)  # the merged commune's 1,000 are not in
    assert a.rate == Decimal(80)  # not 80,83, the mean of the communes' rates
    assert result.total.indicator("e").met == 85
    assert result.total.completeness == progress.Completeness(approved=3, expected=6)


def test_the_province_is_judged_against_its_own_targets(province):
    result = rollup.rollup(option(), today=TODAY)
    a, e = result.total.indicator("a"), result.total.indicator("e")
    # Decision 1268's 70 % and 30 %, 2025's annual period being a target year's.
    assert (a.phase_target, a.status) == (Decimal(70), progress.ACHIEVED)
    assert (e.phase_target, e.status) == (Decimal(30), progress.MISSED)
    assert a.gap(2030) == 35  # ceil(90 % × 350 − 280)


def test_each_commune_is_judged_against_its_own_plan(province):
    result = rollup.rollup(option(), today=TODAY)
    by_code = {item.commune.code: item for item in result.communes}
    hoang_hop = by_code[province["hoang_hop"].code].cell("a")
    hoang_giang = by_code["16015"].cell("a")
    assert (hoang_hop.met, hoang_hop.total_workers, hoang_hop.phase_target) == (130, 150, Decimal(90))
    assert hoang_hop.status == progress.MISSED
    assert (hoang_giang.met, hoang_giang.total_workers, hoang_giang.status) == (150, 200, progress.ACHIEVED)
    assert by_code["16015"].counts.approved == 1 and by_code["16015"].counts.active == 2


def test_a_merged_commune_is_left_out_and_a_silent_one_is_listed(province):
    result = rollup.rollup(option(), today=TODAY)
    codes = [item.commune.code for item in result.communes]
    assert "16021" not in codes
    assert [item.commune.code for item in result.unreported] == ["16018"]
    silent = next(item for item in result.communes if item.commune.code == "16018")
    assert silent.counts.active == 1 and silent.cell("a").rate is None


def test_a_commune_past_the_deadline_with_reports_missing_is_overdue(province):
    result = rollup.rollup(option(), today=datetime.date(2026, 1, 16))
    assert sorted(item.commune.code for item in result.overdue) == sorted(
        [province["hoang_hop"].code, "16015", "16018"]
    )
    assert rollup.rollup(option(), today=datetime.date(2026, 1, 15)).overdue == []


def test_the_trend_sums_every_period_of_the_active_communes(province):
    points = {point.period.code: point for point in rollup.trend(rollup.period_options(), rollup.yardsticks())}
    assert points["2025"].total.indicator("a").rate == Decimal(80)


def test_the_default_period_is_the_latest_with_approved_reports(province):
    period_of(province["hoang_giang"], "2026-H1")  # later, nothing approved
    assert rollup.default_option(rollup.period_options(), TODAY).code == "2025"


@pytest.mark.parametrize("extra", [0, 4])
def test_the_roll_up_reads_a_fixed_number_of_queries(province, extra, django_assert_max_num_queries):
    for n in range(extra):
        commune = factories.CommuneFactory()
        plan_of(commune)
        report(enterprise_of(commune, f"Công ty {n}"), period_of(commune), total=10, counts={"a": 5})
    with django_assert_max_num_queries(10):
        result = rollup.rollup(option(), today=TODAY)
    assert len(result.communes) == 3 + extra


def test_the_rows_of_many_periods_are_each_periods_own_rows(province):
    """The province's data sheet reads many communes' rows at once (progress.rows_of_periods):
    each period's are enterprise_rows' of that period alone, also where a commune's period
    has dates of its own (its enterprise followed from a day inside the others' period only)."""
    from communes.current import every_commune
    from enterprises.models import Enterprise
    from indicators.models import ReportingPeriod

    with every_commune():
        late_start = factories.CommuneFactory(code="16024", name="Hoằng Phong", slug="hoang-phong")
        plan_of(late_start)
        period = period_of(late_start)
        ReportingPeriod.objects.filter(pk=period.pk).update(end=datetime.date(2025, 6, 30))
        Enterprise.objects.create(
            commune=late_start, name="Công ty Mới", tax_code="2879999990", followed_from=datetime.date(2025, 9, 1)
        )
        enterprise_of(late_start, "Công ty Cũ")
        periods = list(ReportingPeriod.objects.filter(code="2025", commune__merged_into__isnull=True))
        together = progress.rows_of_periods(periods)
        for item in periods:
            alone = progress.enterprise_rows(item, Enterprise.objects.filter(item.counted_enterprises()))
            assert together[item.pk] == alone, item.commune
        assert [row.name for row in together[period.pk]] == ["Công ty Cũ"]  # followed only after its end
        assert sum(len(rows) for rows in together.values()) == 6 + 1
