"""GET /api/v1/progress/?period=<code>: the commune's figures as JSON, for the district."""

import pytest
from django.urls import reverse

from indicators.models import ReportStatus
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
    assert set(data) == {"period", "completeness", "total_workers", "indicators"}
    assert data["period"] == "2025"
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
        "gap_2025": 0,
        "gap_2030": 70,
    }
    assert [item["code"] for item in data["indicators"]] == ["a", "b", "c", "d", "e"]
    e = data["indicators"][4]
    assert (e["met"], e["rate"], e["status"], e["gap_2025"]) == (700, pytest.approx(29.1667, abs=1e-3), "behind", 140)


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
