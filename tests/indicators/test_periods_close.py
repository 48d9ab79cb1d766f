"""Chị Lan closes a period in two steps: the close button leads to a page listing what is
still missing (who has not reported, not submitted, or waits for review), and only that
page's POST with the confirmation closes the period."""

import re

import pytest
from django.urls import reverse

from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db


def close_url(period):
    return reverse("indicators:period_close", args=[period.code])


def state(period):
    return ReportingPeriod.objects.get(pk=period.pk).state


def group(page, key) -> str:
    return re.search(rf'<section [^>]*data-owed-group="{key}">(.*?)</section>', page, re.S).group(1)


@pytest.fixture
def owed(open_period):
    """An and Bình have not reported, Cường keeps a draft, Dũng's report was returned,
    Em's waits for review, Giang's is approved."""
    for name in ["Công ty An", "Công ty Bình"]:
        factories.EnterpriseFactory(name=name)
    for name, status in [
        ("Công ty Cường", ReportStatus.DRAFT),
        ("Công ty Dũng", ReportStatus.RETURNED),
        ("Công ty Em", ReportStatus.SUBMITTED),
        ("Công ty Giang", ReportStatus.APPROVED),
    ]:
        factories.ReportFactory(enterprise=factories.EnterpriseFactory(name=name), period=open_period, status=status)
    return open_period


class TestTheConfirmation:
    def test_the_close_button_leads_to_the_confirmation_not_a_post(self, client_for, official, owed):
        page = client_for(official).get(owed.get_absolute_url()).content.decode()
        assert re.search(rf'<a [^>]*href="{close_url(owed)}" data-action="close-period"', page)
        assert f'action="{close_url(owed)}"' not in page

    def test_it_lists_what_is_still_missing_and_changes_nothing(self, client_for, official, owed):
        response = client_for(official).get(close_url(owed))
        page = response.content.decode()
        assert response.status_code == 200 and state(owed) == PeriodState.OPEN
        assert "Đóng kỳ báo cáo 6 tháng đầu năm 2026?" in page
        unreported, unsubmitted, waiting = (
            group(page, "unreported"),
            group(page, "unsubmitted"),
            group(page, "submitted"),
        )
        assert "Công ty An" in unreported and "Công ty Bình" in unreported and "data-owed-count>2<" in unreported
        assert "Công ty Cường" in unsubmitted and "Công ty Dũng" in unsubmitted and "data-owed-count>2<" in unsubmitted
        assert "Công ty Em" in waiting and "data-owed-count>1<" in waiting
        assert "Công ty Giang" not in page  # approved: nothing missing
        assert 'name="confirm" value="yes"' in page

    def test_only_the_confirmed_post_closes_it(self, client_for, official, owed):
        client = client_for(official)
        response = client.post(close_url(owed))
        assert response.status_code == 200 and state(owed) == PeriodState.OPEN
        assert "Chưa đóng kỳ báo cáo" in response.content.decode()
        response = client.post(close_url(owed), {"confirm": "yes"}, follow=True)
        assert state(owed) == PeriodState.CLOSED
        assert "Đã đóng kỳ báo cáo 6 tháng đầu năm 2026" in response.content.decode()

    def test_a_long_list_is_cut_with_how_many_more(self, client_for, official, open_period):
        for n in range(23):
            factories.EnterpriseFactory(name=f"Công ty Số {n:02d}")
        page = client_for(official).get(close_url(open_period)).content.decode()
        unreported = group(page, "unreported")
        assert "Công ty Số 19" in unreported and "Công ty Số 20" not in unreported
        assert "data-owed-count>23<" in unreported
        assert "và 3 doanh nghiệp khác" in unreported

    def test_with_nothing_missing_it_says_so(self, client_for, official, open_period):
        factories.ReportFactory(period=open_period, status=ReportStatus.APPROVED)
        page = client_for(official).get(close_url(open_period)).content.decode()
        assert "data-owed-nothing" in page and "data-owed-group" not in page

    def test_a_period_that_is_not_open_has_nothing_to_confirm(self, client_for, official, closed_2025):
        response = client_for(official).get(close_url(closed_2025), follow=True)
        assert "Chỉ đóng được kỳ báo cáo đang mở" in response.content.decode()
