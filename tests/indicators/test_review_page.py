"""What Chị Lan sees when she reviews: the queue's "Chọn tất cả" box (shown by a script,
static/js/review.js), and on a report's page the warnings the officer confirmed when
submitting, beside the figures they concern."""

import re

import pytest
from django.urls import reverse

from indicators.models import EnterpriseReport, ReportStatus
from tests import factories

from .test_review_queue import commune, queue_url  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


class TestSelectAll:
    def test_the_queue_has_a_labelled_select_all_box_and_its_script(self, client_for, official, commune, open_period):
        page = client_for(official).get(queue_url(open_period)).content.decode()
        assert 'data-select-all hidden aria-label="Chọn tất cả báo cáo chờ duyệt trên trang này"' in page
        assert 'src="/static/js/review.js"' in page
        # With nothing left to approve there is neither.
        EnterpriseReport.objects.filter(status=ReportStatus.SUBMITTED).update(status=ReportStatus.APPROVED)
        page = client_for(official).get(queue_url(open_period)).content.decode()
        assert "data-select-all" not in page and "review.js" not in page


def detail(client, report):
    return client.get(reverse("indicators:report_detail", args=[report.period.code, report.enterprise_id]))


class TestConfirmedWarnings:
    """A's 2025 report (previous_a): 100 workers, a=80 … e=20. Its 2026-H1 report has 160
    workers (+60 %) and b fell to 55: the two warnings Anh Minh confirmed when submitting."""

    @pytest.fixture
    def submitted(self, open_period, enterprise_a, previous_a):
        return factories.ReportFactory(
            enterprise=enterprise_a,
            period=open_period,
            status=ReportStatus.SUBMITTED,
            total_workers=160,
            female_workers=90,
            counts={"a": 120, "b": 55, "c": 60, "d": 60, "e": 30},
        )

    def test_the_review_page_shows_each_warning_beside_its_figure_as_confirmed(self, client_for, official, submitted):
        page = detail(client_for(official), submitted).content.decode()
        assert "Cán bộ công đoàn cơ sở đã xác nhận các số liệu này khi gửi báo cáo" in page
        total = re.search(r'<dd [^>]*data-warning="total_workers">(.*?)</dd>', page, re.S).group(1)
        assert "Tổng số CNLĐ thay đổi hơn 50%" in total and "100 → 160" in total and "(đã xác nhận)" in total
        b = re.search(r'<tr data-warning="b">(.*?)</tr>', page, re.S).group(1)
        assert "Số CNLĐ đạt chỉ tiêu “Kỹ năng nghề” giảm từ 60 xuống 55" in b and "(đã xác nhận)" in b
        assert page.count("data-warning=") == 2  # a, c, d, e did not fall
        # A draft confirmed nothing yet: no warning is said to be confirmed.
        EnterpriseReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.DRAFT)
        page = detail(client_for(official), submitted).content.decode()
        assert "data-warning=" not in page and "data-confirmed-warnings" not in page

    def test_a_report_the_commune_entered_says_the_commune_confirmed(self, client_for, official, submitted):
        EnterpriseReport.objects.filter(pk=submitted.pk).update(status=ReportStatus.APPROVED, entered_by_official=True)
        page = detail(client_for(official), submitted).content.decode()
        assert "Công chức xã đã xác nhận các số liệu này khi nhập báo cáo" in page
