"""A period nobody has an approved report for yet (#14 point 7): the dashboard, its printable
version and the commune's report page say so once, instead of "0 trên 0 CNLĐ", "0/0" and a
whole-commune minimum of 0%; and the full enterprise table's colour key lists its colours."""

import re

import pytest
from django.urls import reverse

from indicators.models import ReportingPeriod
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def get(client, user, path, **params):
    client.force_login(user)
    response = client.get(path, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def only_2024_approved(plan, enterprise_a, enterprise_b):
    """An Phát's 2024 report is approved; 2025 has no report at all."""
    ReportFactory(enterprise=enterprise_a, period=ReportingPeriod.objects.get(code="2024"), counts={"a": 90})


class TestAPeriodWithoutReports:
    def test_the_dashboard_says_nothing_is_approved_instead_of_zero_of_zero(self, client, official, only_2024_approved):
        html = get(client, official, reverse("home"), period="2025")
        words = text(html)
        assert "0 trên 0 CNLĐ" not in words
        assert html.count("data-no-figures>") == 5  # one per indicator card
        assert "Kỳ này chưa có báo cáo được duyệt" in words
        assert "Chưa có báo cáo nào của năm 2025 được duyệt" in words
        assert "data-lower-bound>" not in html  # no minimum of 0,0% to read as a result
        assert "data-lower-bound-note" not in html  # nor the note explaining it
        completeness = text(re.search(r"data-completeness>.*?</p>", html, re.S).group(0))
        assert "0 CNLĐ" not in completeness and "0 / 2 doanh nghiệp có báo cáo đã duyệt" in completeness
        # A period with figures keeps them.
        html = get(client, official, reverse("home"), period="2024")
        assert "90 trên 100 CNLĐ" in text(html) and "data-no-figures" not in html

    def test_the_printable_version_has_no_zero_of_zero(self, client, official, only_2024_approved):
        html = get(client, official, reverse("dashboard_print"), period="2025")
        assert not re.search(r">\s*0/0\s*<", html)
        assert "data-no-figures-note" in html

    def test_the_communes_report_page_has_no_zero_of_zero(self, client, official, only_2024_approved):
        html = get(client, official, reverse("reports:report_page", args=["2025"]))
        assert not re.search(r">\s*0/0\s*<", html)


class TestTheColourKey:
    # Already right when #14 was worked on (the legend's items are there); kept as a guard.
    def test_the_full_enterprise_table_lists_the_colours_after_the_colon(self, client, official, only_2024_approved):
        html = get(client, official, reverse("dashboard_enterprises"), period="2024")
        legend = text(re.search(r'<p class="[^"]*rate-legend">.*?</p>', html, re.S).group(0))
        assert re.search(r"mục tiêu giai đoạn .*\):\s+Đạt\s+Đúng tiến độ\s+Chậm tiến độ\s*$", legend), legend
