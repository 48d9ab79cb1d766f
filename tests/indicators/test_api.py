"""GET /api/v1/progress/?period=<code>: the commune's figures as JSON, for the district."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from indicators.models import (
    EnterpriseReport,
    Indicator,
    Milestone,
    PeriodState,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    Target,
)
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("indicators:api_progress")


@pytest.fixture
def figures(closed_2025, enterprise_a, enterprise_b):
    factories.EnterpriseFactory(tax_code="2800000003")  # active, has not reported
    factories.ReportFactory(
        enterprise=enterprise_a,
        period=closed_2025,
        total_workers=1200,
        counts={"a": 1100, "b": 900, "c": 800, "d": 700, "e": 400},
    )
    factories.ReportFactory(
        enterprise=enterprise_b,
        period=closed_2025,
        total_workers=1200,
        counts={"a": 1110, "b": 800, "c": 700, "d": 600, "e": 300},
    )
    return closed_2025


def test_the_shape_is_the_documented_one(client_for, official, figures):
    response = client_for(official).get(URL, {"period": "2025"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {
        "period",
        "provisional",
        "status_withheld",
        "as_of",
        "completeness",
        "total_workers",
        "indicators",
    }
    assert data["period"] == "2025"
    assert (data["provisional"], data["status_withheld"]) == (False, False)  # closed; 2 of 3 approved
    assert data["completeness"] == {"approved": 2, "active_enterprises": 3}
    assert data["total_workers"] == 2400
    a = data["indicators"][0]
    assert set(a) == {
        "code",
        "name",
        "target_2025",
        "target_2030",
        "milestone",
        "met",
        "rate",
        "status",
        "lower_bound",
        "gap_2025",
        "gap_2030",
    }
    assert a == {
        "code": "a",
        "name": "Chính trị, pháp luật",
        "target_2025": 90.0,
        "target_2030": 95.0,
        "milestone": 90.0,
        "met": 2210,
        "rate": pytest.approx(92.0833, abs=1e-3),
        "status": "achieved",
        "lower_bound": pytest.approx(92.0833, abs=1e-3),  # the silent enterprise's headcount is unknown
        "gap_2025": 0,
        "gap_2030": 70,
    }
    assert [item["code"] for item in data["indicators"]] == ["a", "b", "c", "d", "e"]
    e = data["indicators"][4]
    # 2025 is a target year: under its target, e has missed it (not fallen behind).
    assert (e["met"], e["rate"], e["status"], e["gap_2025"]) == (700, pytest.approx(29.1667, abs=1e-3), "missed", 140)


def test_the_rate_is_not_rounded(client_for, official, figures):
    rate = client_for(official).get(URL, {"period": "2025"}).json()["indicators"][0]["rate"]
    assert rate != round(rate, 2)


def test_a_period_without_data_has_null_rates(client_for, official, plan):
    data = client_for(official).get(URL, {"period": "2024-H1"}).json()
    assert data["total_workers"] == 0
    assert all(item["rate"] is None and item["status"] is None for item in data["indicators"])


def test_without_a_period_it_answers_for_the_latest_with_approved_reports(
    client_for, viewer, figures, open_period, enterprise_a
):
    factories.ReportFactory(enterprise=enterprise_a, period=open_period, status=ReportStatus.SUBMITTED)
    assert client_for(viewer).get(URL).json()["period"] == "2025"


def test_without_any_approved_report_and_no_period_it_is_a_json_404(client_for, viewer, plan):
    response = client_for(viewer).get(URL)
    assert response.status_code == 404 and "error" in response.json()


def test_an_unknown_period_is_a_json_404(client_for, official, plan):
    response = client_for(official).get(URL, {"period": "2099"})
    assert response.status_code == 404
    assert "2099" in response.json()["error"]


@pytest.mark.parametrize("role, status", [("official", 200), ("viewer", 200), ("officer_a", 403), (None, 403)])
def test_only_the_commune_and_the_district_may_read_it(client_for, cast, figures, role, status):
    response = client_for(cast[role] if role else None).get(URL, {"period": "2025"})
    assert response.status_code == status
    if status == 403:
        assert "error" in response.json() and "indicators" not in response.json()


def test_it_only_answers_get(client_for, official, figures):
    assert client_for(official).post(URL, {"period": "2025"}).status_code == 405


def test_the_lower_bound_counts_a_silent_enterprises_last_headcount_as_not_reached(client_for, official, figures):
    silent = Enterprise.objects.get(tax_code="2800000003")
    factories.ReportFactory(
        enterprise=silent, period=ReportingPeriod.objects.get(code="2024"), total_workers=600, counts={"a": 600}
    )
    data = client_for(official).get(URL, {"period": "2025"}).json()
    a, e = data["indicators"][0], data["indicators"][4]
    assert a["rate"] == pytest.approx(92.0833, abs=1e-3)  # 2210 / 2400, among the approved
    assert a["lower_bound"] == pytest.approx(73.6667, abs=1e-3)  # 2210 / (2400 + 600)
    assert e["lower_bound"] == pytest.approx(700 / 30)  # 700 / 3000


def test_an_open_period_is_provisional(client_for, official, figures):
    figures.state = PeriodState.OPEN
    figures.save()
    data = client_for(official).get(URL, {"period": "2025"}).json()
    assert data["provisional"] is True
    assert data["indicators"][0]["status"] == "achieved"  # the status stays, marked provisional


def test_the_status_is_null_when_fewer_than_half_of_the_enterprises_are_approved(client_for, official, figures):
    factories.EnterpriseFactory(tax_code="2800000004")
    factories.EnterpriseFactory(tax_code="2800000005")  # 2 approved of 5
    data = client_for(official).get(URL, {"period": "2025"}).json()
    assert data["status_withheld"] is True
    assert all(item["status"] is None and item["rate"] is not None for item in data["indicators"])


def test_a_first_half_has_the_mid_year_milestone(client_for, official, plan):
    data = client_for(official).get(URL, {"period": "2026-H1"}).json()
    assert [item["milestone"] for item in data["indicators"]] == [90.5, 73.3, 67.0, 66.5, 37.5]
    data = client_for(official).get(URL, {"period": "2024-H1"}).json()
    assert [item["milestone"] for item in data["indicators"]] == [22.5, 18.0, 16.25, 16.25, 8.75]


def at(day, hour=0):
    return datetime.datetime(2026, 1, day, hour, tzinfo=datetime.UTC)


@pytest.fixture
def old_history(figures):
    """Everything the figures come from last changed on 1 January 2026 (UTC)."""
    for model in (Indicator, Target, Milestone, Enterprise, ReportingPeriod):
        model.history.update(history_date=at(1))
    EnterpriseReport.objects.update(updated_at=at(1))
    return figures


def test_as_of_is_the_newest_change_of_an_approved_report(client_for, official, old_history, enterprise_a):
    EnterpriseReport.objects.filter(enterprise=enterprise_a).update(updated_at=at(3, 2))
    data = client_for(official).get(URL, {"period": "2025"}).json()
    assert data["as_of"] == "2026-01-03T09:00:00+07:00"  # in the commune's time zone


def test_as_of_counts_a_reopening_and_a_changed_target(client_for, official, old_history, enterprise_b):
    report = EnterpriseReport.objects.get(enterprise=enterprise_b)
    ReportEvent.objects.create(
        report=report,
        action=ReportAction.REOPEN,
        from_status=ReportStatus.APPROVED,
        to_status=ReportStatus.SUBMITTED,
        at=at(5),
    )
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-05T07:00:00+07:00"
    target = Target.objects.get(indicator__code="e", year=2030)
    target.value = 61
    target.save()  # replaces every period's tokens: the cached time is not served again
    Target.history.filter(id=target.pk).update(history_date=at(7))
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-07T07:00:00+07:00"


def test_as_of_counts_an_approval_recorded_after_the_reports_last_change(
    client_for, official, old_history, enterprise_b
):
    report = EnterpriseReport.objects.get(enterprise=enterprise_b)
    ReportEvent.objects.create(
        report=report,
        action=ReportAction.APPROVE,
        from_status=ReportStatus.SUBMITTED,
        to_status=ReportStatus.APPROVED,
        at=at(4),
    )
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-04T07:00:00+07:00"


def test_as_of_counts_the_period_being_opened_or_closed(client_for, official, old_history):
    ReportingPeriod.history.filter(id=old_history.pk).update(history_date=at(6))
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-06T07:00:00+07:00"


def test_as_of_leaves_out_a_report_not_approved(client_for, official, old_history, enterprise_b):
    EnterpriseReport.objects.filter(enterprise=enterprise_b).update(status=ReportStatus.SUBMITTED, updated_at=at(8))
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-01T07:00:00+07:00"


def test_as_of_is_null_when_nothing_is_known(client_for, official, plan):
    for model in (Indicator, Target, Milestone, Enterprise, ReportingPeriod):
        model.history.all().delete()
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] is None


def test_as_of_leaves_out_later_periods(client_for, official, old_history, enterprise_a):
    later = ReportingPeriod.objects.get(code="2026")
    factories.ReportFactory(enterprise=enterprise_a, period=later)
    EnterpriseReport.objects.filter(period=later).update(updated_at=timezone.now())
    assert client_for(official).get(URL, {"period": "2025"}).json()["as_of"] == "2026-01-01T07:00:00+07:00"
