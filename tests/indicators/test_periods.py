"""Chị Lan opens and closes reporting periods and sets their deadlines; the list of periods."""

import datetime
import re

import pytest
from django.urls import reverse

from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

ROLES = ["official", "officer_a", "viewer", None]


def period(code):
    return ReportingPeriod.objects.get(code=code)


class TestOpeningAndClosing:
    def test_the_official_opens_and_closes_a_period_and_it_is_recorded(self, client_for, official, plan):
        client = client_for(official)
        response = client.post(reverse("indicators:period_open", args=["2026"]), follow=True)
        assert "Đã mở kỳ báo cáo năm 2026" in response.content.decode()
        assert period("2026").state == PeriodState.OPEN
        client.post(reverse("indicators:period_close", args=["2026"]), {"confirm": "yes"})
        assert period("2026").state == PeriodState.CLOSED
        history = list(period("2026").history.values_list("state", "history_user__username"))
        assert history[:2] == [(PeriodState.CLOSED, official.username), (PeriodState.OPEN, official.username)]
        page = client.get(reverse("indicators:period_detail", args=["2026"])).content.decode()
        assert "Lịch sử của kỳ báo cáo" in page and "Đang mở" in page

    @pytest.mark.parametrize("role", ["officer_a", "viewer", None])
    @pytest.mark.parametrize("name", ["period_open", "period_close", "period_deadline"])
    def test_nobody_else_may(self, client_for, cast, plan, role, name):
        response = client_for(cast[role] if role else None).post(
            reverse(f"indicators:{name}", args=["2026"]), {"deadline": "2027-02-01", "confirm": "yes"}
        )
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert "/accounts/login/" in response["Location"]
        assert period("2026").state == PeriodState.PENDING
        assert period("2026").deadline == datetime.date(2027, 1, 15)

    def test_changes_need_a_post(self, client_for, official, plan):
        assert client_for(official).get(reverse("indicators:period_open", args=["2026"])).status_code == 405

    def test_closing_a_period_that_is_not_open_is_explained(self, client_for, official, plan):
        response = client_for(official).post(reverse("indicators:period_close", args=["2026"]), follow=True)
        assert "Chỉ đóng được kỳ báo cáo đang mở" in response.content.decode()


class TestTheDeadline:
    def test_the_official_moves_it(self, client_for, official, plan):
        response = client_for(official).post(
            reverse("indicators:period_deadline", args=["2026-H1"]), {"deadline": "2026-07-31"}, follow=True
        )
        assert "31/07/2026" in response.content.decode()
        assert period("2026-H1").deadline == datetime.date(2026, 7, 31)

    @pytest.mark.parametrize(
        "value, message",
        [
            ("2025-12-01", "trước ngày kết thúc kỳ báo cáo (30/06/2026)"),
            ("2026-06-29", "trước ngày kết thúc kỳ báo cáo (30/06/2026)"),
            ("ngày mai", "Nhập ngày"),
            ("", "Nhập ngày"),
        ],
    )
    def test_a_wrong_date_is_refused_under_the_field_with_the_date_kept(
        self, client_for, official, plan, value, message
    ):
        response = client_for(official).post(
            reverse("indicators:period_deadline", args=["2026-H1"]), {"deadline": value}, follow=True
        )
        page = response.content.decode()
        assert message in page
        assert re.search(r"data-deadline-error>[^<]*" + re.escape(message), page)
        if value:
            assert re.search(rf'<input type="text" name="deadline" value="{re.escape(value)}"', page)
        assert period("2026-H1").deadline == datetime.date(2026, 7, 15)
        assert period("2026-H1").history.count() == 1  # nothing saved, not even a history row

    def test_the_last_day_of_the_period_may_be_the_deadline(self, client_for, official, plan):
        client_for(official).post(reverse("indicators:period_deadline", args=["2026-H1"]), {"deadline": "30/06/2026"})
        assert period("2026-H1").deadline == datetime.date(2026, 6, 30)


class TestTheList:
    def test_the_commune_sees_every_period_with_its_counts(
        self, client_for, official, plan, enterprise_a, enterprise_b
    ):
        factories.ReportFactory(enterprise=enterprise_a, period=period("2025"), status=ReportStatus.APPROVED)
        factories.ReportFactory(enterprise=enterprise_b, period=period("2025"), status=ReportStatus.SUBMITTED)
        response = client_for(official).get(reverse("indicators:period_list"))
        rows = {row["period"].code: row for row in response.context["rows"]}
        assert len(rows) == 14
        assert (rows["2025"]["counts"].approved, rows["2025"]["counts"].submitted) == (1, 1)

    def test_an_officer_sees_the_opened_periods_with_their_own_reports(
        self, client_for, officer_a, plan, enterprise_a, enterprise_b
    ):
        p2025 = period("2025")
        p2025.state = PeriodState.CLOSED
        p2025.save()
        factories.ReportFactory(enterprise=enterprise_a, period=p2025, status=ReportStatus.APPROVED)
        factories.ReportFactory(enterprise=enterprise_b, period=p2025, status=ReportStatus.RETURNED)
        response = client_for(officer_a).get(reverse("indicators:period_list"))
        rows = response.context["rows"]
        assert [row["period"].code for row in rows] == ["2025"]
        assert rows[0]["report"].enterprise == enterprise_a
        assert "Báo cáo của tôi" in response.content.decode()
