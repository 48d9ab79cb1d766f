"""Anh Minh fills in his report on a 390 px phone (and Chị Lan's 1366 px screen shows the same
form): every mistake on the first submit, a soft warning confirmed next to the button, sent."""

import datetime

import pytest
from django.utils import timezone

from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod, ReportStatus
from tests.browser.conftest import _browser
from tests.factories import PASSWORD, ReportFactory


@pytest.fixture
def period(plan):
    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def previous(plan, enterprise_a):
    """The approved 2025 report: 100 workers, indicator e met by 20."""
    closed = ReportingPeriod.objects.get(code="2025")
    closed.state = PeriodState.CLOSED
    closed.save()
    return ReportFactory(
        enterprise=enterprise_a,
        period=closed,
        total_workers=100,
        female_workers=60,
        counts={"a": 80, "b": 60, "c": 50, "d": 50, "e": 20},
    )


@pytest.fixture(params=[390, 1366], ids=["phone-390", "desktop-1366"])
def screen(request, chromium, live_server, transactional_db):
    viewport = {"width": request.param, "height": 844 if request.param == 390 else 900}
    yield from _browser(chromium, live_server, viewport)


def test_every_mistake_shows_at_once_and_a_warning_is_confirmed_next_to_the_button(screen, period, previous, officer_a):
    width = screen.page.viewport_size["width"]
    screen.login(officer_a.username, PASSWORD)
    page = screen.open(f"/reports/{period.code}/")
    # Letters in one box, a count above the total, two boxes left empty, and e below 2025's 20.
    typed = {"total_workers": "1.200", "female_workers": "", "count_a": "1l0", "count_b": "1.300"}
    typed |= {"count_c": "", "count_d": "750", "count_e": "15"}
    for name, value in typed.items():
        page.fill(f"input[name={name}]", value)
    page.click("button[data-action=submit]")
    page.wait_for_selector("[data-form-errors]")

    banner = page.inner_text("[data-form-errors]")
    assert "Có 4 số liệu chưa đúng" in banner and "Chưa có gì được lưu." in banner
    for name in ("female_workers", "count_a", "count_b", "count_c"):
        assert page.is_visible(f"#id_{name}_error"), name
    assert "số nguyên" in page.inner_text("#id_count_a_error")
    assert "không được lớn hơn tổng số CNLĐ (1.200)" in page.inner_text("#id_count_b_error")
    assert "giảm từ 20 xuống 15" in page.inner_text("#id_count_e_helptext")
    assert page.input_value("input[name=count_a]") == "1l0"  # what he typed is kept
    assert page.input_value("input[name=total_workers]") == "1.200"
    assert not screen.has_horizontal_scroll()
    screen.screenshot(f"report-form-{width}-errors")
    assert not EnterpriseReport.objects.filter(period=period).exists()

    # He corrects the four boxes; only the warning is left to confirm.
    for name, value in {"female_workers": "700", "count_a": "1.100", "count_b": "900", "count_c": "800"}.items():
        page.fill(f"input[name={name}]", value)
    page.click("button[data-action=submit]")
    page.wait_for_selector("[data-needs-confirmation]")
    assert "Số liệu cần xác nhận." in page.inner_text("[data-form-errors]")
    assert "chưa đúng" not in page.inner_text("[data-form-errors]")
    assert "giảm từ 20 xuống 15" in page.inner_text("#id_count_e_helptext")
    # The confirmation sits right above the submit button, not a page away from it.
    confirm = page.locator("#id_confirm").bounding_box()
    button = page.locator("button[data-action=submit]").bounding_box()
    assert 0 < button["y"] - confirm["y"] < (260 if width == 390 else 160)
    assert not screen.has_horizontal_scroll()
    screen.screenshot(f"report-form-{width}-warnings")
    assert not EnterpriseReport.objects.filter(period=period).exists()

    page.check("#id_confirm")
    page.click("button[data-action=submit]")
    page.wait_for_selector(".alert-success")
    report = EnterpriseReport.objects.get(period=period)
    assert report.status == ReportStatus.SUBMITTED
    assert (report.total_workers, report.values.get(indicator__code="e").count) == (1200, 15)
    assert screen.console_errors == []
