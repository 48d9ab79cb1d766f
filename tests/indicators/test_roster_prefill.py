"""A new report is filled from the enterprise's roster only as far as the roster vouches for
it (issue 14, point 4): a roster listing fewer workers than the last report counted is
partial, and never makes the form propose a total below that report's.

Enterprise A's approved 2025 report (previous_a): 100 workers, 60 women, a=80 b=60 c=50
d=50 e=20. Its roster here: 3 workers (2 women), 2 of them with indicator a, 1 with b.
"""

import datetime

import pytest
from django.urls import reverse

from indicators.roster import prefill, roster_totals
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_roster(enterprise_a, indicators):
    workers = [factories.WorkerFactory(enterprise=enterprise_a, sex=sex) for sex in ("female", "female", "male")]
    for worker, code in ((workers[0], "a"), (workers[1], "a"), (workers[2], "b")):
        factories.WorkerOutcomeFactory(worker=worker, indicator=indicators[code], achieved_on=datetime.date(2026, 3, 1))
    return workers


def form_page(client, period):
    return client.get(reverse("indicators:period_detail", args=[period.code]))


class TestWhatTheRosterVouchesFor:
    def test_a_roster_without_an_earlier_report_fills_every_figure(self, enterprise_a, small_roster, indicators):
        filled = prefill(roster_totals(enterprise_a), None, list(indicators.values()))
        assert not filled.partial
        assert filled.values == {
            "total_workers": 3,
            "female_workers": 2,
            "count_a": 2,
            "count_b": 1,
            "count_c": 0,
            "count_d": 0,
            "count_e": 0,
        }

    def test_a_roster_shorter_than_the_last_report_keeps_its_totals_and_the_larger_counts(
        self, enterprise_a, small_roster, previous_a, indicators
    ):
        filled = prefill(roster_totals(enterprise_a), previous_a, list(indicators.values()))
        assert filled.partial and filled.previous == previous_a
        assert filled.values == {
            "total_workers": 100,
            "female_workers": 60,
            "count_a": 80,
            "count_b": 60,
            "count_c": 50,
            "count_d": 50,
            "count_e": 20,
        }

    def test_a_roster_as_large_as_the_last_report_is_the_figure(self, enterprise_a, previous_a, indicators):
        workers = factories.WorkerFactory.create_batch(100, enterprise=enterprise_a, sex="female")
        factories.WorkerOutcomeFactory(
            worker=workers[0], indicator=indicators["a"], achieved_on=datetime.date(2026, 3, 1)
        )
        filled = prefill(roster_totals(enterprise_a), previous_a, list(indicators.values()))
        # The whole workforce is on the roster: what it says is the count, lower or not.
        assert not filled.partial
        assert (filled.values["total_workers"], filled.values["count_a"]) == (100, 1)

    def test_no_roster_fills_nothing(self, enterprise_a, previous_a, indicators):
        assert prefill(roster_totals(enterprise_a), previous_a, list(indicators.values())) is None


class TestTheForm:
    def test_a_partial_roster_says_so_and_proposes_the_last_reports_totals(
        self, client_for, officer_a, open_period, small_roster, previous_a
    ):
        response = form_page(client_for(officer_a), open_period)
        page = response.content.decode()
        assert response.context["form"].initial["total_workers"] == 100
        assert 'data-prefill="partial"' in page
        assert "Danh sách CNLĐ của doanh nghiệp mới có 3 người, ít hơn 100 CNLĐ trong báo cáo năm 2025" in page

    def test_each_figure_shows_the_roster_beside_the_last_report(
        self, client_for, officer_a, open_period, small_roster, previous_a
    ):
        page = form_page(client_for(officer_a), open_period).content.decode()
        assert "Danh sách CNLĐ: 3 · Báo cáo kỳ trước (năm 2025): 100" in page
        assert "Danh sách CNLĐ: 2 · Báo cáo kỳ trước (năm 2025): 80" in page  # indicator a

    def test_a_saved_report_is_never_refilled(self, client_for, officer_a, open_period, small_roster, enterprise_a):
        factories.ReportFactory(enterprise=enterprise_a, period=open_period, status="draft", total_workers=7)
        response = form_page(client_for(officer_a), open_period)
        assert "data-prefill" not in response.content.decode()
        assert response.context["form"].initial.get("total_workers") == 7


def test_the_enterprise_page_reads_the_roster_beside_the_last_report(
    client_for, official, enterprise_a, small_roster, previous_a
):
    page = client_for(official).get(enterprise_a.get_absolute_url()).content.decode()
    assert "data-roster-vs-report" in page
    assert "tính trên 3 CNLĐ có trong danh sách; báo cáo năm 2025 của doanh nghiệp ghi 100 CNLĐ" in page
