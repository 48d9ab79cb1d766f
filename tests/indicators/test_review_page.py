"""What Chị Lan sees when she reviews: the queue's "Chọn tất cả" box (shown by a script,
static/js/review.js), and on a report's page the warnings the officer confirmed when
submitting, beside the figures they concern."""

import pytest

from indicators.models import EnterpriseReport, ReportStatus

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
