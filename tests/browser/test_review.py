"""Chị Lan's review queue in a real browser: "Chọn tất cả" ticks every report she may
approve on the page, and without scripts the page still works box by box."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod, ReportStatus
from tests import factories
from tests.factories import PASSWORD

from .conftest import Browser


@pytest.fixture
def queue(plan):
    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    for name, status in [
        ("Công ty An", ReportStatus.SUBMITTED),
        ("Công ty Bình", ReportStatus.SUBMITTED),
        ("Công ty Cường", ReportStatus.APPROVED),
        ("Công ty Dũng", ReportStatus.SUBMITTED),
    ]:
        factories.ReportFactory(enterprise=factories.EnterpriseFactory(name=name), period=period, status=status)
    return period


def test_select_all_ticks_every_approvable_report_and_approves_them(desktop, official, queue):
    desktop.login(official.username, PASSWORD)
    page = desktop.open(f"/reports/{queue.code}/")
    select_all = page.get_by_label("Chọn tất cả báo cáo chờ duyệt trên trang này")
    assert select_all.is_visible()
    boxes = page.locator("input[name=report]")
    assert boxes.count() == 3  # Cường's approved report has no box

    select_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))
    boxes.nth(1).uncheck()
    assert not select_all.is_checked()
    assert page.evaluate("document.querySelector('[data-select-all]').indeterminate")
    select_all.check()
    assert all(boxes.nth(i).is_checked() for i in range(3))

    page.click("button[data-action=approve-selected]")
    page.wait_for_selector(".alert-success")
    assert "3 báo cáo" in page.inner_text(".alert-success")
    assert set(EnterpriseReport.objects.values_list("status", flat=True)) == {ReportStatus.APPROVED}
    assert not desktop.console_errors


def test_without_scripts_the_boxes_work_one_by_one(chromium, live_server, transactional_db, official, queue):
    context = chromium.new_context(java_script_enabled=False, locale="vi-VN")
    try:
        browser = Browser(context.new_page(), live_server.url)
        browser.login(official.username, PASSWORD)
        page = browser.open(f"/reports/{queue.code}/")
        select_all = page.locator("input[data-select-all]")
        assert select_all.count() == 1 and not select_all.is_visible()  # it would do nothing
        page.locator("input[name=report]").first.check()
        page.click("button[data-action=approve-selected]")
        page.wait_for_selector(".alert-success")
        assert EnterpriseReport.objects.filter(status=ReportStatus.APPROVED).count() == 2
    finally:
        context.close()
