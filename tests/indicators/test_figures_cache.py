"""The figures cache (indicators.figures_cache): the dashboard's figures come from the
cache until something they are computed from changes, and never after.

Each write path below first fills the cache, then changes the data the way a user does,
and checks two things: the figures read afterwards differ from before (the change
matters), and they equal the figures computed from an empty cache (nothing stale)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enterprises import services as enterprise_services
from enterprises.imports import EnterpriseRow
from indicators import figures_cache, progress, rules, services, totals
from indicators.models import EnterpriseReport, FiguresRevision, Milestone, ReportingPeriod, ReportStatus, ReportValue
from tests import factories

from .conftest import FULL_COUNTS

pytestmark = pytest.mark.django_db


def figures(period):
    """Everything the dashboard shows of the period and its trend, through the cache."""
    result = progress.commune_progress(period)
    series = progress.commune_series(ReportingPeriod.objects.order_by("end", "kind"))
    return result, progress.lower_bound(result), progress.enterprise_rows(period), series


def assert_changed_and_current(period, before):
    after = figures(period)
    assert after != before, "the change should show in the figures"
    caches["figures"].clear()
    assert figures(period) == after, "figures read from the cache are stale"


def figures_of(total=100, **counts):
    return rules.Figures(total_workers=total, female_workers=total // 2, counts={**FULL_COUNTS, **counts})


@pytest.fixture
def commune(open_period, enterprise_a, enterprise_b):
    factories.ReportFactory(enterprise=enterprise_b, period=open_period, total_workers=200, counts={"a": 150})
    return open_period


@pytest.fixture
def submitted_a(commune, enterprise_a, officer_a):
    return services.report_submit(
        enterprise=enterprise_a,
        period=commune,
        actor=officer_a,
        figures=figures_of(),
        version=0,
        confirmed=True,
    )


class TestEveryChangeShows:
    def test_an_officer_saving_a_draft(self, commune, enterprise_a, officer_a):
        before = figures(commune)
        services.report_save_draft(
            enterprise=enterprise_a, period=commune, actor=officer_a, figures=figures_of(), version=0
        )
        assert_changed_and_current(commune, before)

    def test_the_official_approving_a_report(self, submitted_a, official):
        before = figures(submitted_a.period)
        services.report_approve(report=submitted_a, actor=official, version=submitted_a.version)
        assert_changed_and_current(submitted_a.period, before)

    def test_the_official_approving_several_reports(self, submitted_a, official):
        before = figures(submitted_a.period)
        services.reports_approve(
            period=submitted_a.period, actor=official, versions={submitted_a.pk: submitted_a.version}
        )
        assert_changed_and_current(submitted_a.period, before)

    def test_the_official_returning_a_report(self, submitted_a, official):
        before = figures(submitted_a.period)
        services.report_return(
            report=submitted_a, actor=official, reason="Số nữ chưa khớp.", version=submitted_a.version
        )
        assert_changed_and_current(submitted_a.period, before)

    def test_the_official_reopening_an_approved_report(self, commune, enterprise_b, official):
        report = EnterpriseReport.objects.get(enterprise=enterprise_b, period=commune)
        before = figures(commune)
        services.report_reopen(report=report, actor=official, reason="Sửa số tổng.", version=report.version)
        assert_changed_and_current(commune, before)

    def test_the_official_entering_a_paper_report(self, commune, enterprise_a, official):
        before = figures(commune)
        services.report_enter_for_enterprise(
            enterprise=enterprise_a,
            period=commune,
            actor=official,
            figures=figures_of(),
            version=0,
            confirmed=True,
        )
        assert_changed_and_current(commune, before)

    def test_the_official_importing_reports(self, commune, enterprise_b, official):
        before = figures(commune)
        services.reports_import(
            period=commune,
            actor=official,
            rows=[services.ImportedReport(row=2, enterprise=enterprise_b, figures=figures_of(300))],
        )
        assert_changed_and_current(commune, before)

    def test_a_figure_edited_on_its_own(self, commune):
        value = ReportValue.objects.get(report__period=commune, indicator__code="a")
        before = figures(commune)
        value.count = 10
        value.save()
        assert_changed_and_current(commune, before)

    def test_a_report_deleted(self, commune, enterprise_b):
        before = figures(commune)
        EnterpriseReport.objects.get(enterprise=enterprise_b, period=commune).delete()
        assert_changed_and_current(commune, before)

    def test_an_enterprise_deactivated(self, commune, enterprise_a):
        before = figures(commune)
        enterprise_a.stop_following(commune.start)
        enterprise_a.save()
        assert_changed_and_current(commune, before)

    def test_an_enterprise_added(self, commune):
        before = figures(commune)
        factories.EnterpriseFactory(followed_from=commune.end)
        assert_changed_and_current(commune, before)
        assert figures(commune)[0].completeness.expected == 3

    def test_an_enterprises_stop_date_moved_before_the_period(self, commune, enterprise_a):
        enterprise_a.stop_following(commune.end)  # stopped within the period: it still counts
        enterprise_a.save()
        before = figures(commune)
        assert before[0].completeness.expected == 2
        enterprise_a.stopped_from = commune.start
        enterprise_a.save()
        assert_changed_and_current(commune, before)
        assert figures(commune)[0].completeness.expected == 1

    def test_an_enterprises_follow_date_moved_after_the_period_in_the_form(
        self, commune, enterprise_a, client_for, official
    ):
        before = figures(commune)
        data = {
            "name": enterprise_a.name,
            "tax_code": enterprise_a.tax_code,
            "legal_form": enterprise_a.legal_form,
            "has_union": "on",
            "union_name": enterprise_a.union_name,
            "followed_from": (commune.end + datetime.timedelta(days=1)).isoformat(),
        }
        response = client_for(official).post(reverse("enterprises:enterprise_update", args=[enterprise_a.pk]), data)
        assert response.status_code == 302
        assert_changed_and_current(commune, before)
        assert enterprise_a.pk not in [row.enterprise_id for row in figures(commune)[2]]

    def test_follow_dates_changed_by_an_import(self, commune, enterprise_a, official):
        before = figures(commune)
        enterprise_services.enterprises_import(
            rows=[
                EnterpriseRow(
                    row=2,
                    tax_code=enterprise_a.tax_code,
                    values={"followed_from": commune.end + datetime.timedelta(days=1)},
                )
            ],
            user=official,
        )
        assert_changed_and_current(commune, before)
        assert figures(commune)[0].completeness.expected == 1

    def test_enterprises_renamed_by_an_import(self, commune, enterprise_b, official):
        before = figures(commune)
        enterprise_services.enterprises_import(
            rows=[EnterpriseRow(row=2, tax_code=enterprise_b.tax_code, values={"name": "Công ty Đổi Tên"})],
            user=official,
        )
        assert_changed_and_current(commune, before)

    def test_a_target_changed(self, commune, indicators, official):
        indicator = indicators["a"]
        before = figures(commune)
        services.indicator_update(
            indicator=indicator,
            actor=official,
            version=indicator.version,
            fields={},
            targets={2025: Decimal(90), 2030: Decimal(99)},
            milestones={},
        )
        assert_changed_and_current(commune, before)

    def test_a_milestone_set(self, commune, indicators):
        before = figures(commune)
        Milestone.objects.create(indicator=indicators["a"], year=commune.year, value=Decimal(10))
        assert_changed_and_current(commune, before)

    def test_the_official_moving_the_deadline(self, commune, enterprise_b, official):
        """Enterprise B first sent its report the day after the deadline: late, until the
        deadline moves to that day (lateness is derived, EnterpriseReport.is_late)."""
        first_sent = commune.deadline + datetime.timedelta(days=1)
        EnterpriseReport.objects.filter(enterprise=enterprise_b).update(first_submitted_on=first_sent)
        figures_cache.touch([commune.pk])  # update() sends no signal
        before = figures(commune)
        assert [row.enterprise_id for row in before[2] if row.is_late] == [enterprise_b.pk]
        services.period_set_deadline(period=commune, actor=official, deadline=first_sent)
        assert_changed_and_current(commune, before)
        assert not any(row.is_late for row in figures(commune)[2])

    def test_an_earlier_period_approved_moves_the_later_lower_bound(self, commune, closed_2025, enterprise_a, official):
        """Enterprise A has not reported in 2026-H1; its 2025 headcount counts as not reached."""
        report = factories.ReportFactory(
            enterprise=enterprise_a, period=closed_2025, status=ReportStatus.SUBMITTED, total_workers=400
        )
        before = figures(commune)
        services.report_approve(report=report, actor=official, version=report.version)
        assert_changed_and_current(commune, before)
        assert figures(commune)[1].workers == 200 + 400

    def test_the_official_closing_the_period(self, commune, official):
        """B's approved report is 1 of 2: the statuses are given, provisional while open."""
        before = figures(commune)
        assert before[0].provisional and before[0].indicator("a").status_label.endswith("(tạm tính)")
        closed = services.period_close(period=commune, actor=official)
        assert_changed_and_current(closed, before)
        result = figures(closed)[0]
        assert not result.provisional and not result.indicator("a").provisional
        assert "tạm tính" not in result.indicator("a").status_label

    def test_the_official_reopening_a_closed_period(self, closed_2025, enterprise_a, official):
        factories.ReportFactory(enterprise=enterprise_a, period=closed_2025, total_workers=100, counts={"a": 95})
        before = figures(closed_2025)
        assert not before[0].provisional
        reopened = services.period_open(period=closed_2025, actor=official)
        assert_changed_and_current(reopened, before)
        assert figures(reopened)[0].indicator("a").status_label == "Đạt (tạm tính)"

    def test_enough_approvals_give_the_withheld_statuses(self, submitted_a, official, enterprise_b):
        """1 approved of 3 expected is too few; a second approval gives the statuses."""
        factories.EnterpriseFactory(tax_code="2800000009")
        before = figures(submitted_a.period)
        assert before[0].withheld and before[0].indicator("a").status is None
        services.report_approve(report=submitted_a, actor=official, version=submitted_a.version)
        assert_changed_and_current(submitted_a.period, before)
        assert not figures(submitted_a.period)[0].withheld


class TestTheCacheItself:
    def test_a_new_period_gets_a_revision_and_a_save_replaces_it(self, plan):
        period = factories.PeriodFactory(year=2031)
        first = FiguresRevision.objects.get(period=period).token
        period.deadline += datetime.timedelta(days=1)
        period.save()
        assert FiguresRevision.objects.get(period=period).token != first

    def test_unchanged_figures_come_from_the_cache(self, commune):
        first = figures(commune)
        with CaptureQueriesContext(connection) as queries:
            result = progress.commune_progress(commune)
            series = progress.commune_series(ReportingPeriod.objects.order_by("end", "kind"))
            assert (result, progress.lower_bound(result), series) == (first[0], first[1], first[3])
        # The plan, its indicators and the revision tokens again; no report nor figure (the
        # lower bound is one row of the maintained totals; the enterprise rows, read a page
        # at a time, are not cached).
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert "figuresrevision" in read
        assert "enterprisereport" not in read and "reportvalue" not in read

    def test_officers_saving_and_submitting_leave_the_commune_figures_cached(self, commune, enterprise_a, officer_a):
        """Only approved reports count in the commune's figures: a draft or a submission
        changes the enterprise rows, not the figures nor the lower bound."""
        figures(commune)
        services.report_save_draft(
            enterprise=enterprise_a, period=commune, actor=officer_a, figures=figures_of(), version=0
        )
        with CaptureQueriesContext(connection) as queries:
            result = progress.commune_progress(commune)
            progress.lower_bound(result)
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert "enterprisereport" not in read and "reportvalue" not in read

    def test_a_period_without_a_revision_is_computed_every_time(self, commune, django_assert_num_queries):
        FiguresRevision.objects.filter(period=commune).delete()
        first = progress.commune_progress(commune)
        with CaptureQueriesContext(connection) as queries:
            assert progress.commune_progress(commune) == first
        read = " ".join(query["sql"] for query in queries.captured_queries)
        assert "periodtotals" in read  # computed again, not cached

    def test_cached_figures_carry_todays_copy_of_the_period(self, commune):
        figures(commune)
        fresh = ReportingPeriod.objects.get(pk=commune.pk)
        assert progress.commune_progress(fresh).period is fresh

    def test_a_period_read_before_it_closed_leaves_no_provisional_figure_behind(self, commune, official):
        """A request that loaded the period while it was open, and computes its figures only
        after it was closed, caches them under the new token: whoever reads them next with the
        closed period sees them final."""
        read_while_open = ReportingPeriod.objects.get(pk=commune.pk)
        services.period_close(period=commune, actor=official)
        assert progress.commune_progress(read_while_open).provisional  # as that request's copy says
        closed = ReportingPeriod.objects.get(pk=commune.pk)
        assert not progress.commune_progress(closed).provisional
        assert not progress.commune_series([closed])[0].indicator("a").provisional

    def test_touch_all_gives_every_period_a_revision(self, plan):
        FiguresRevision.objects.all().delete()
        figures_cache.touch_all()
        assert FiguresRevision.objects.count() == ReportingPeriod.objects.count()

    def test_the_dashboard_and_the_queue_show_a_moved_deadline_at_once(
        self, client_for, official, commune, enterprise_b
    ):
        first_sent = commune.deadline + datetime.timedelta(days=1)
        EnterpriseReport.objects.filter(enterprise=enterprise_b).update(first_submitted_on=first_sent)
        figures_cache.touch([commune.pk])
        totals.rebuild([commune.pk])  # rows changed by hand: the maintained counts too, as an operator would
        client = client_for(official)
        home = reverse("home") + f"?period={commune.code}"
        queue = reverse("indicators:period_detail", args=[commune.code])
        late = re.compile(r"<ul[^>]*data-late>.*?</ul>", re.S)
        assert enterprise_b.name in late.search(client.get(home).content.decode()).group(0)
        assert client.get(queue).context["summary"].late == 1
        client.post(reverse("indicators:period_deadline", args=[commune.code]), {"deadline": first_sent.isoformat()})
        assert enterprise_b.name not in late.search(client.get(home).content.decode()).group(0)
        assert client.get(queue).context["summary"].late == 0
        assert client.get(queue + "?status=late").context["page"].object_list == []

    def test_the_dashboard_shows_an_approval_at_once(self, client_for, official, submitted_a):
        client = client_for(official)
        period = submitted_a.period
        url = reverse("home") + f"?period={period.code}"
        assert 'data-unapproved="submitted"' in client.get(url).content.decode()
        client.post(
            reverse("indicators:report_approve", args=[period.code, submitted_a.enterprise_id]),
            {"version": submitted_a.version},
        )
        html = client.get(url).content.decode()
        assert 'data-unapproved="submitted"' not in html and 'data-unapproved="nobody"' in html
