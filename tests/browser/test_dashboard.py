"""The dashboards in a real browser: charts drawn, tables sortable, nothing wider than a phone.

Screenshots land in test-artifacts/ (dashboard-desktop.png, dashboard-phone.png,
dashboard-officer-phone.png, dashboard-print.png) for a person to look at.
"""

import datetime
import itertools
import re

import pytest
from django.core.management import call_command

from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from plans.models import Task
from tests.factories import PASSWORD, ActivityFactory, EnterpriseFactory, ReportFactory

TAX_CODES = itertools.count(2860000000)
# (name, workers, share of the 2030 target reached by 2025) — some lead, some lag.
FIRMS = [
    ("Công ty TNHH Dệt Hoàng Hợp", 420, 1.05),
    ("Công ty CP Cơ khí Hoằng Xuân", 180, 0.8),
    ("Hợp tác xã Mây tre đan Hoằng Quỳ", 35, 0.55),
    ("Công ty TNHH Chế biến Nông sản Thanh Hoá", 260, 0.9),
]
PERIODS = ["2024-H1", "2024", "2025-H1", "2025"]
TARGETS_2030 = {"a": 95, "b": 85, "c": 85, "d": 80, "e": 60}


@pytest.fixture
def seeded(cast, enterprise_a, enterprise_b):
    """The real plan, a few enterprises reporting over four periods, a few activities."""
    call_command("load_plan", verbosity=0)
    ReportingPeriod.objects.filter(code="2026-H1").update(state=PeriodState.OPEN)
    firms = [(enterprise_a, 150, 0.95), (enterprise_b, 90, 0.7)] + [
        (EnterpriseFactory(name=name, tax_code=f"{next(TAX_CODES):010d}"), workers, pace)
        for name, workers, pace in FIRMS
    ]
    for step, code in enumerate(PERIODS, start=1):
        period = ReportingPeriod.objects.get(code=code)
        for position, (firm, workers, pace) in enumerate(firms):
            last = step == len(PERIODS)
            status = ReportStatus.SUBMITTED if last and position == 3 else ReportStatus.APPROVED
            if last and position == 5:
                continue  # one enterprise has not reported the latest period
            share = min(1.0, pace * step / len(PERIODS) * 0.9)
            ReportFactory(
                enterprise=firm,
                period=period,
                status=status,
                total_workers=workers,
                female_workers=workers // 2,
                late=last and position == 2,
                counts={code: round(workers * share * target / 100) for code, target in TARGETS_2030.items()},
            )
    task = Task.objects.get(group__number=4, letter="đ")
    for day, title in enumerate(
        ["Tuần lễ hưởng ứng học tập suốt đời", "Ngày Sách và Văn hoá đọc Việt Nam", "Tập huấn cán bộ công đoàn"],
        start=1,
    ):
        ActivityFactory(task=task, title=title, date=datetime.date(2025, 10, day))
    return firms


def charts_drawn(page):
    """How many trend charts have a Chart.js instance that painted something."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('canvas[data-chart]')).filter(canvas => {
            const chart = window.Chart && window.Chart.getChart(canvas);
            if (!chart || chart.data.datasets.length < 3 || canvas.width === 0) return false;
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
            return false;
        }).length"""
    )


def test_the_official_sees_the_dashboard_with_drawn_charts_on_a_desktop(desktop, cast, seeded):
    page = desktop.login(cast["official"].username, PASSWORD)
    page.wait_for_function("window.Chart && document.querySelectorAll('canvas[data-chart]').length === 5")
    page.wait_for_timeout(600)  # the charts' short entry animation
    assert charts_drawn(page) == 5
    assert re.fullmatch(r"\d{1,3},\d%", page.inner_text("[data-indicator=a] [data-rate]"))
    assert page.locator("[data-indicator] .status-badge").count() == 5
    assert page.inner_text("#period-select option:checked").startswith("Năm 2025")
    desktop.screenshot("dashboard-desktop")
    assert not desktop.console_errors


def test_the_enterprise_table_sorts_by_clicking_a_column_head(desktop, cast, seeded):
    page = desktop.login(cast["official"].username, PASSWORD)
    table = "[data-section=enterprises] table"
    column = page.locator(f"{table} thead th").nth(3)  # indicator a
    column.locator("button").click()
    assert column.get_attribute("aria-sort") == "ascending"
    ascending = page.eval_on_selector_all(
        f"{table} tbody tr", "rows => rows.map(r => r.children[3].dataset.sortValue).filter(v => v !== '').map(Number)"
    )
    assert ascending == sorted(ascending) and len(ascending) >= 5
    column.locator("button").click()
    assert column.get_attribute("aria-sort") == "descending"
    descending = page.eval_on_selector_all(
        f"{table} tbody tr", "rows => rows.map(r => r.children[3].dataset.sortValue).filter(v => v !== '').map(Number)"
    )
    assert descending == sorted(descending, reverse=True)
    assert not desktop.console_errors


def test_choosing_a_period_reloads_the_dashboard_for_it(desktop, cast, seeded):
    page = desktop.login(cast["official"].username, PASSWORD)
    with page.expect_navigation():
        page.select_option("#period-select", "2024-H1")
    assert page.url.endswith("?period=2024-H1")
    assert page.inner_text("#period-select option:checked").startswith("6 tháng đầu năm 2024")
    assert not desktop.console_errors


def test_the_dashboard_fits_a_phone_without_horizontal_scrolling(phone, cast, seeded):
    page = phone.login(cast["viewer"].username, PASSWORD)
    page.wait_for_function("window.Chart && document.querySelectorAll('canvas[data-chart]').length === 5")
    page.wait_for_timeout(600)
    assert charts_drawn(page) == 5
    phone.screenshot("dashboard-phone")
    assert not phone.has_horizontal_scroll()
    page.click("[data-trend=a] details summary")
    assert page.is_visible("[data-trend=a] details table")
    assert not phone.has_horizontal_scroll()
    assert not phone.console_errors


def test_the_officers_dashboard_fits_a_phone(phone, cast, seeded, enterprise_b):
    page = phone.login(cast["officer_a"].username, PASSWORD)
    assert page.is_visible("[data-fill-report]")
    assert enterprise_b.name not in page.content()
    phone.screenshot("dashboard-officer-phone")
    assert not phone.has_horizontal_scroll()
    assert not phone.console_errors


def test_the_printable_version_has_tables_instead_of_charts(desktop, cast, seeded):
    desktop.login(cast["official"].username, PASSWORD)
    page = desktop.open("/dashboard/print/?period=2025")
    page.emulate_media(media="print")
    assert page.locator("canvas").count() == 0
    assert page.locator("[data-trend] table").count() == 5
    desktop.screenshot("dashboard-print")
    assert not desktop.console_errors


def test_printing_the_dashboard_itself_shows_the_charts_numbers(desktop, cast, seeded):
    page = desktop.login(cast["official"].username, PASSWORD)
    page.emulate_media(media="print")
    assert not page.is_visible(".chart-box")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.is_visible("[data-trend=a] details table")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not page.is_visible("[data-trend=a] details table")
