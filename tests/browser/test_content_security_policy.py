"""The Content-Security-Policy in a real browser: the pages it guards still work under it.

Every violation the browser reports (`securitypolicyviolation`) is collected from the first
script on; a style attribute set on purpose shows that the collecting works.
"""

import datetime

import pytest
from django.utils import timezone

from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from tests.factories import PASSWORD, ReportFactory

COLLECT = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def watched(desktop):
    desktop.page.add_init_script(COLLECT)
    return desktop


def violations(page):
    return page.evaluate("window.cspViolations")


@pytest.fixture
def periods(plan, enterprise_a, enterprise_b):
    closed = ReportingPeriod.objects.get(code="2025")
    ReportFactory(
        enterprise=enterprise_a,
        period=closed,
        status=ReportStatus.APPROVED,
        counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30},
    )
    open_period = ReportingPeriod.objects.get(code="2026-H1")
    open_period.state = PeriodState.OPEN
    open_period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    open_period.save()
    return closed, open_period


def test_the_dashboard_draws_its_charts_and_bar_without_a_violation(watched, official, periods):
    page = watched.login(official.username, PASSWORD)
    page.goto(watched.base_url + "/?period=2025")
    page.wait_for_function("window.Chart && document.querySelectorAll('canvas[data-chart]').length === 5")
    page.wait_for_function("document.querySelectorAll('canvas[data-chart]')[0].width > 0")
    bar = page.locator("progress.completeness-bar")
    assert bar.evaluate("bar => bar.position") == 0.5  # 1 of 2 enterprises approved
    assert bar.evaluate("bar => bar.getBoundingClientRect().width") > 100
    assert violations(page) == []
    assert not watched.console_errors


def test_the_report_form_works_without_a_violation(watched, officer_a, periods):
    _closed, open_period = periods
    page = watched.login(officer_a.username, PASSWORD)
    page = watched.open(f"/reports/{open_period.code}/")
    page.fill("input[name=total_workers]", "120")
    page.click("button[data-action=draft]")
    page.wait_for_selector(".alert-success")
    assert violations(page) == []
    assert not watched.console_errors


def test_an_injected_style_attribute_is_refused(watched):
    page = watched.open("/accounts/login/")
    page.evaluate("document.body.setAttribute('style', 'background: red')")
    page.wait_for_function("window.cspViolations.length > 0")
    assert violations(page)[0].startswith("style-src-attr")
