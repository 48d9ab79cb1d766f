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


def test_the_official_moves_the_deadline_and_the_late_badge_goes_everywhere(
    desktop, plan, official, enterprise_a, enterprise_b
):
    """Bình Minh first sent its 2026-H1 report on 18/07/2026, three days after the deadline
    of 15/07/2026; Chị Lan moves the deadline to 20/07/2026, and it is no longer late."""
    from tests.factories import ReportFactory

    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = datetime.date(2026, 7, 15)
    period.save()
    ReportFactory(
        enterprise=enterprise_b,
        period=period,
        status=ReportStatus.SUBMITTED,
        first_submitted_on=datetime.date(2026, 7, 18),
        counts={"a": 90},
    )
    ReportFactory(enterprise=enterprise_a, period=period, first_submitted_on=datetime.date(2026, 7, 10))
    queue_row = f"tr[data-enterprise='{enterprise_b.tax_code}']"
    dashboard_row = f"[data-section=enterprises] tr[data-enterprise='{enterprise_b.pk}']"

    page = desktop.login(official.username, PASSWORD)
    page = desktop.open(f"/reports/{period.code}/")
    assert page.locator(f"{queue_row} [data-late]").count() == 1
    page = desktop.open(f"/?period={period.code}")
    assert "Nộp muộn" in page.inner_text(dashboard_row)
    assert enterprise_b.name in page.inner_text("ul[data-late]")  # the dashboard's list of late reports

    page = desktop.open(f"/reports/{period.code}/")
    page.fill("input[name=deadline]", "2026-07-20")
    page.click("button[data-action=set-deadline]")
    page.wait_for_selector(".alert-success")
    assert "20/07/2026" in page.inner_text(".alert-success")
    assert page.locator(f"{queue_row} [data-late]").count() == 0
    assert page.locator(f"{queue_row}").count() == 1  # still there, waiting for review
    page = desktop.open(f"/?period={period.code}")
    assert "Nộp muộn" not in page.inner_text(dashboard_row)
    assert enterprise_b.name not in page.inner_text("ul[data-late]")
    desktop.screenshot("deadline-moved-dashboard")

    # A deadline inside the period is refused under the field, the date as typed kept.
    page = desktop.open(f"/reports/{period.code}/")
    page.fill("input[name=deadline]", "2026-06-01")
    page.click("button[data-action=set-deadline]")
    page.wait_for_selector("[data-deadline-error]")
    assert "không được trước ngày kết thúc kỳ báo cáo (30/06/2026)" in page.inner_text("[data-deadline-error]")
    assert page.input_value("input[name=deadline]") == "2026-06-01"
    assert ReportingPeriod.objects.get(pk=period.pk).deadline == datetime.date(2026, 7, 20)
    assert not desktop.console_errors
