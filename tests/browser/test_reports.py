"""The report workflow in a real browser: Anh Minh reports from his phone, Chị Lan reviews
it on her desktop, and the district's API shows the approved figures."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod, ReportStatus
from tests.factories import PASSWORD

FIGURES = {"a": "110", "b": "90", "c": "80", "d": "75", "e": "40"}


@pytest.fixture
def period(plan):
    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


def test_an_officer_reports_from_a_phone_and_the_official_returns_then_approves_it(
    phone, desktop, period, officer_a, official, enterprise_a
):
    # Anh Minh opens his report form on his phone and makes a mistake.
    phone.login(officer_a.username, PASSWORD)
    page = phone.open(f"/reports/{period.code}/")
    assert page.get_attribute("input[name=total_workers]", "inputmode") == "numeric"
    page.fill("input[name=total_workers]", "120")
    page.fill("input[name=female_workers]", "130")
    for code, value in FIGURES.items():
        page.fill(f"input[name=count_{code}]", value)
    page.click("button[data-action=submit]")
    page.wait_for_selector("[data-form-errors]")
    assert "không được lớn hơn tổng số CNLĐ" in page.inner_text("#div_id_female_workers")
    assert page.input_value("input[name=female_workers]") == "130"  # what he typed is kept
    assert page.input_value("input[name=count_a]") == "110"
    phone.screenshot("report-form-phone-error")
    assert not phone.has_horizontal_scroll()
    assert not EnterpriseReport.objects.exists()

    # He corrects it and submits.
    page.fill("input[name=female_workers]", "70")
    page.click("button[data-action=submit]")
    page.wait_for_selector(".alert-success")
    assert EnterpriseReport.objects.get().status == ReportStatus.SUBMITTED

    # Chị Lan returns it with a reason.
    desk = desktop.login(official.username, PASSWORD)
    desk = desktop.open(f"/reports/{period.code}/")
    desk.click(f"tr[data-enterprise='{enterprise_a.tax_code}'] a:has-text('Xem xét')")
    desk.fill("[data-return-form] textarea[name=reason]", "Số CNLĐ đạt chỉ tiêu e chưa khớp danh sách khen thưởng.")
    desk.click("button[data-action=return]")
    desk.wait_for_selector(".alert-success")
    assert EnterpriseReport.objects.get().status == ReportStatus.RETURNED

    # Anh Minh sees the reason, corrects the figure and submits again.
    page = phone.open(f"/reports/{period.code}/")
    assert "chưa khớp danh sách khen thưởng" in page.inner_text("[data-return-reason]")
    page.fill("input[name=count_e]", "36")
    page.click("button[data-action=submit]")
    page.wait_for_selector(".alert-success")
    phone.screenshot("report-submitted-phone")
    assert not phone.has_horizontal_scroll()

    # Chị Lan approves it from the queue.
    desk = desktop.open(f"/reports/{period.code}/")
    desk.check(f"tr[data-enterprise='{enterprise_a.tax_code}'] input[name=report]")
    desk.click("button[data-action=approve-selected]")
    desk.wait_for_selector(".alert-success")
    desktop.screenshot("report-queue-desktop")
    report = EnterpriseReport.objects.get()
    assert report.status == ReportStatus.APPROVED
    assert list(report.events.values_list("action", flat=True)) == ["submit", "return", "submit", "approve"]

    # The district's API shows the approved figures.
    response = desk.request.get(desktop.base_url + f"/api/v1/progress/?period={period.code}")
    assert response.status == 200
    data = response.json()
    assert data["completeness"] == {"approved": 1, "active_enterprises": 1}
    assert data["total_workers"] == 120
    e = next(item for item in data["indicators"] if item["code"] == "e")
    assert e["met"] == 36 and e["rate"] == pytest.approx(30.0)
    assert not phone.console_errors and not desktop.console_errors
