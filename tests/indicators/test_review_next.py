"""After Chị Lan approves or returns a report from its page, she is taken to the next report
waiting for review (báo cáo tiếp theo cần xem), in the queue's order; when none is left, back
to the period's page, told that none is waiting."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from indicators.models import EnterpriseReport, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(open_period):
    """Four enterprises, in the queue's order An, Bình, Cường, Dũng; An, Bình and Dũng
    have submitted, Cường's report is a draft."""
    reports = {}
    for key, name, status in [
        ("an", "Công ty An", ReportStatus.SUBMITTED),
        ("binh", "Công ty Bình", ReportStatus.SUBMITTED),
        ("cuong", "Công ty Cường", ReportStatus.DRAFT),
        ("dung", "Công ty Dũng", ReportStatus.SUBMITTED),
    ]:
        enterprise = factories.EnterpriseFactory(name=name)
        reports[key] = factories.ReportFactory(enterprise=enterprise, period=open_period, status=status)
    return reports


def approve(client, report):
    url = reverse("indicators:report_approve", args=[report.period.code, report.enterprise_id])
    return client.post(url, {"version": report.version})


def send_back(client, report):
    url = reverse("indicators:report_return", args=[report.period.code, report.enterprise_id])
    return client.post(url, {"version": report.version, "reason": "Chỉ tiêu e chưa khớp danh sách khen thưởng."})


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestTheNextReport:
    def test_after_an_approval_the_next_waiting_report_opens(self, client_for, official, queue):
        response = approve(client_for(official), queue["an"])
        assert response.url == queue["binh"].get_absolute_url()
        assert said(response)[0] == ("Đã duyệt báo cáo của Công ty An. Báo cáo tiếp theo cần xem: Công ty Bình.")

    def test_a_draft_is_not_waiting_for_review(self, client_for, official, queue):
        response = approve(client_for(official), queue["binh"])
        assert response.url == queue["dung"].get_absolute_url()  # Cường's draft is skipped
        assert "Báo cáo tiếp theo cần xem: Công ty Dũng." in said(response)[0]

    def test_after_the_last_in_the_queue_it_starts_again_from_the_top(self, client_for, official, queue):
        response = approve(client_for(official), queue["dung"])
        assert response.url == queue["an"].get_absolute_url()

    def test_after_a_return_the_next_waiting_report_opens(self, client_for, official, queue):
        response = send_back(client_for(official), queue["an"])
        assert EnterpriseReport.objects.get(pk=queue["an"].pk).status == ReportStatus.RETURNED
        assert response.url == queue["binh"].get_absolute_url()
        assert said(response)[0] == "Đã trả lại báo cáo của Công ty An. Báo cáo tiếp theo cần xem: Công ty Bình."

    def test_when_none_is_left_the_period_page_says_so(self, client_for, official, queue, open_period):
        client = client_for(official)
        approve(client, queue["an"])
        approve(client, queue["binh"])
        response = approve(client, queue["dung"])
        assert response.url == open_period.get_absolute_url()
        assert said(response)[-1] == "Đã duyệt báo cáo của Công ty Dũng. Không còn báo cáo nào chờ duyệt."


class TestTheRule:
    def test_only_reports_of_the_same_period_are_next(self, queue, closed_2025):
        other = factories.ReportFactory(
            enterprise=factories.EnterpriseFactory(name="Công ty Bảo"), period=closed_2025, status="submitted"
        )
        assert EnterpriseReport.objects.next_waiting_after(queue["an"]) == queue["binh"]
        assert EnterpriseReport.objects.next_waiting_after(other) is None

    def test_enterprises_of_the_same_name_follow_each_other_by_id(self, open_period):
        first, second = (
            factories.ReportFactory(
                enterprise=factories.EnterpriseFactory(name="Công ty Trùng Tên"),
                period=open_period,
                status=ReportStatus.SUBMITTED,
            )
            for _ in range(2)
        )
        assert EnterpriseReport.objects.next_waiting_after(first) == second
        assert EnterpriseReport.objects.next_waiting_after(second) == first

    def test_none_waits_when_the_report_was_the_only_one(self, queue):
        EnterpriseReport.objects.filter(pk__in=[queue["binh"].pk, queue["dung"].pk]).update(status="approved")
        assert EnterpriseReport.objects.next_waiting_after(queue["an"]) is None
