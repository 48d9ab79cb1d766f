"""Chị Lan's review queue for a period: who submitted, who is late, who has not reported;
approving many at once; entering a paper report on an enterprise's behalf."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import EnterpriseReport, ReportAction, ReportStatus
from tests import factories

from .conftest import report_data

pytestmark = pytest.mark.django_db


def queue_url(period, **params):
    from urllib.parse import urlencode

    url = reverse("indicators:period_detail", args=[period.code])
    return url + ("?" + urlencode(params) if params else "")


@pytest.fixture
def commune(open_period, enterprise_a, enterprise_b):
    """A: submitted on time; B: submitted late; C: approved; D: not reported; E: inactive, nothing."""
    c = factories.EnterpriseFactory(name="Công ty Cổ phần Chế biến Cói Hoàng Hợp", tax_code="2800000003")
    d = factories.EnterpriseFactory(name="Hợp tác xã Dịch vụ Nông nghiệp Hoàng Hợp", tax_code="2800000004")
    e = factories.EnterpriseFactory(name="Công ty TNHH Đã Giải Thể", tax_code="2800000005", is_active=False)
    a = factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED)
    b = factories.ReportFactory(enterprise=enterprise_b, period=open_period, status=ReportStatus.SUBMITTED, late=True)
    factories.ReportFactory(enterprise=c, period=open_period, status=ReportStatus.APPROVED)
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


class TestTheQueue:
    def test_it_shows_who_submitted_who_is_late_and_who_has_not_reported(
        self, client_for, official, commune, open_period
    ):
        response = client_for(official).get(queue_url(open_period))
        page = response.content.decode()
        summary = response.context["summary"]
        assert (summary.active, summary.submitted, summary.approved, summary.unreported, summary.late) == (
            4,
            2,
            1,
            1,
            1,
        )
        assert commune["d"].name in page
        assert commune["e"].name not in page  # inactive and silent: not expected
        assert page.count('name="report"') == 2  # a checkbox per submitted report

    @pytest.mark.parametrize(
        "status, names",
        [("unreported", ["d"]), ("late", ["b"]), ("submitted", ["a", "b"]), ("approved", ["c"])],
    )
    def test_it_filters_by_status(
        self, client_for, official, commune, open_period, enterprise_a, enterprise_b, status, names
    ):
        enterprises = {"a": enterprise_a, "b": enterprise_b, "c": commune["c"], "d": commune["d"]}
        rows = client_for(official).get(queue_url(open_period, status=status)).context["rows"]
        assert [row["enterprise"].pk for row in rows] == sorted(
            (enterprises[n].pk for n in names), key=lambda pk: next(e.name for e in enterprises.values() if e.pk == pk)
        )

    def test_it_searches_by_tax_code(self, client_for, official, commune, open_period):
        rows = client_for(official).get(queue_url(open_period, q="2800000004")).context["rows"]
        assert [row["enterprise"] for row in rows] == [commune["d"]]

    def test_the_viewer_sees_it_without_any_button(self, client_for, viewer, commune, open_period):
        page = client_for(viewer).get(queue_url(open_period)).content.decode()
        assert commune["d"].name in page
        assert 'name="report"' not in page and "csrfmiddlewaretoken" not in page.split("<main")[1]

    def test_the_number_of_queries_does_not_grow_with_the_enterprises(
        self, client_for, official, open_period, django_assert_max_num_queries
    ):
        for n in range(40):
            enterprise = factories.EnterpriseFactory(tax_code=f"{2810000000 + n}")
            if n % 2:
                factories.ReportFactory(enterprise=enterprise, period=open_period, status=ReportStatus.SUBMITTED)
        client = client_for(official)
        with django_assert_max_num_queries(20):
            assert client.get(queue_url(open_period)).status_code == 200


class TestApprovingMany:
    def test_the_checked_reports_are_approved_in_one_post(self, client_for, official, commune, open_period):
        a, b = commune["a"], commune["b"]
        data = {"report": [a.pk, b.pk], f"version-{a.pk}": a.version, f"version-{b.pk}": b.version}
        response = client_for(official).post(
            reverse("indicators:report_approve_many", args=[open_period.code]), data, follow=True
        )
        assert "Đã duyệt 2 báo cáo" in response.content.decode()
        assert set(EnterpriseReport.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
            ReportStatus.APPROVED
        }
        assert EnterpriseReport.objects.get(pk=a.pk).events.get().action == ReportAction.APPROVE

    def test_one_stale_report_approves_none(self, client_for, official, commune, open_period):
        a, b = commune["a"], commune["b"]
        data = {"report": [a.pk, b.pk], f"version-{a.pk}": a.version, f"version-{b.pk}": b.version + 7}
        response = client_for(official).post(
            reverse("indicators:report_approve_many", args=[open_period.code]), data, follow=True
        )
        assert "Chưa báo cáo nào được duyệt" in response.content.decode()
        assert set(EnterpriseReport.objects.filter(pk__in=[a.pk, b.pk]).values_list("status", flat=True)) == {
            ReportStatus.SUBMITTED
        }

    def test_a_report_of_another_period_cannot_be_slipped_in(
        self, client_for, official, commune, open_period, closed_2025, enterprise_a
    ):
        other = factories.ReportFactory(enterprise=enterprise_a, period=closed_2025, status=ReportStatus.SUBMITTED)
        a = commune["a"]
        data = {"report": [a.pk, other.pk], f"version-{a.pk}": a.version, f"version-{other.pk}": other.version}
        client_for(official).post(reverse("indicators:report_approve_many", args=[open_period.code]), data)
        assert EnterpriseReport.objects.get(pk=a.pk).status == ReportStatus.SUBMITTED
        assert EnterpriseReport.objects.get(pk=other.pk).status == ReportStatus.SUBMITTED

    def test_nothing_checked_is_a_clear_message(self, client_for, official, commune, open_period):
        response = client_for(official).post(
            reverse("indicators:report_approve_many", args=[open_period.code]), {}, follow=True
        )
        assert "Chọn ít nhất một báo cáo" in response.content.decode()


class TestEnteringOnTheEnterprisesBehalf:
    def test_a_paper_report_is_approved_at_once_and_marked_as_entered_by_the_commune(
        self, client_for, official, commune, open_period
    ):
        d = commune["d"]
        url = reverse("indicators:report_enter", args=[open_period.code, d.pk])
        page = client_for(official).get(url).content.decode()
        assert "nhập báo cáo thay" in page.lower()
        response = client_for(official).post(
            url, report_data(total=40, female=30, counts={"a": 40, "b": 10, "c": 5, "d": 0, "e": 0})
        )
        assert response.status_code == 302
        report = EnterpriseReport.objects.get(enterprise=d, period=open_period)
        assert (report.status, report.entered_by_official, report.reviewed_by) == (
            ReportStatus.APPROVED,
            True,
            official,
        )
        assert report.events.get().action == ReportAction.ENTER

    def test_it_follows_the_same_hard_rules(self, client_for, official, commune, open_period):
        url = reverse("indicators:report_enter", args=[open_period.code, commune["d"].pk])
        response = client_for(official).post(url, report_data(total=40, female=41))
        assert "female_workers" in response.context["form"].errors
        assert not EnterpriseReport.objects.filter(enterprise=commune["d"]).exists()

    def test_it_is_refused_in_a_closed_period(self, client_for, official, commune, closed_2025):
        url = reverse("indicators:report_enter", args=[closed_2025.code, commune["d"].pk])
        response = client_for(official).post(url, report_data(), follow=True)
        assert "không mở" in response.content.decode()
        assert not EnterpriseReport.objects.filter(enterprise=commune["d"]).exists()

    def test_a_late_paper_report_is_marked_late(self, client_for, official, commune, open_period):
        open_period.deadline = timezone.localdate() - datetime.timedelta(days=5)
        open_period.save()
        url = reverse("indicators:report_enter", args=[open_period.code, commune["d"].pk])
        client_for(official).post(url, report_data())
        assert EnterpriseReport.objects.get(enterprise=commune["d"]).is_late
