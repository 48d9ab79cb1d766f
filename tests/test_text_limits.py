"""Free text has a length a commune never reaches in honest use: 5,000 characters for a note
or a reason, 20,000 for a description or a running log (core.bounds). Longer text is refused
with a message beside the box, what was typed kept, and never saved nor copied into history:
a 9 MB note was once accepted and stored twice."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.bounds import LONG_TEXT_MAX_LENGTH, NOTE_MAX_LENGTH
from indicators import rules, services
from indicators.models import EnterpriseReport, Indicator, PeriodState, ReportEvent, ReportingPeriod, ReportStatus
from plans.models import Activity, AnnualPlan, Task
from tests import factories

pytestmark = pytest.mark.django_db

NINE_MB = "ghi chú " * (9 * 1024 * 1024 // 8)
COUNTS = {"count_a": 90, "count_b": 70, "count_c": 60, "count_d": 60, "count_e": 30}


@pytest.fixture
def period(plan):
    period = ReportingPeriod.objects.get(code="2026-H1")
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def submitted_a(period, enterprise_a):
    return factories.ReportFactory(
        enterprise=enterprise_a,
        period=period,
        status=ReportStatus.SUBMITTED,
        counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30},
    )


def refused_field(response, field: str) -> str:
    assert response.status_code == 200
    return " ".join(response.context["form"].errors[field])


class TestReports:
    def test_nine_megabytes_of_notes_are_refused_and_nothing_reaches_the_history(self, client_for, officer_a, period):
        data = {
            "total_workers": 100,
            "female_workers": 60,
            "notes": NINE_MB,
            "version": 0,
            "action": "submit",
            **COUNTS,
        }
        response = client_for(officer_a).post(reverse("indicators:period_detail", args=[period.code]), data)
        assert "tối đa 5000" in refused_field(response, "notes")
        assert not EnterpriseReport.objects.exists()
        assert not EnterpriseReport.history.exists()

    def test_notes_of_the_limit_are_saved(self, client_for, officer_a, period):
        data = {
            "total_workers": 100,
            "female_workers": 60,
            "notes": "x" * NOTE_MAX_LENGTH,
            "version": 0,
            "action": "submit",
            **COUNTS,
        }
        response = client_for(officer_a).post(reverse("indicators:period_detail", args=[period.code]), data)
        assert response.status_code == 302
        assert len(EnterpriseReport.objects.get().notes) == NOTE_MAX_LENGTH

    def test_the_service_refuses_long_notes_whoever_calls_it(self, officer_a, period, enterprise_a):
        figures = rules.Figures(100, 60, {"a": 90}, notes="x" * (NOTE_MAX_LENGTH + 1))
        with pytest.raises(ValidationError) as refused:
            services.report_save_draft(
                enterprise=enterprise_a, period=period, actor=officer_a, figures=figures, version=0
            )
        assert "notes" in refused.value.error_dict
        assert not EnterpriseReport.history.exists()

    @pytest.mark.parametrize("action", ["report_return", "report_reopen"])
    def test_a_reason_longer_than_a_note_is_refused(self, client_for, official, submitted_a, action):
        if action == "report_reopen":
            EnterpriseReport.objects.filter(pk=submitted_a.pk).update(status=ReportStatus.APPROVED)
        url = reverse(f"indicators:{action}", args=[submitted_a.period.code, submitted_a.enterprise_id])
        response = client_for(official).post(url, {"reason": NINE_MB, "version": submitted_a.version}, follow=True)
        assert "tối đa 5000" in response.content.decode()
        assert not ReportEvent.objects.exists()
        assert EnterpriseReport.objects.get().return_reason == ""

    def test_the_return_service_refuses_a_long_reason_whoever_calls_it(self, official, submitted_a):
        with pytest.raises(ValidationError):
            services.report_return(
                report=submitted_a, actor=official, reason="x" * (NOTE_MAX_LENGTH + 1), version=submitted_a.version
            )
        assert not ReportEvent.objects.exists()


class TestThePlan:
    def test_an_activity_description_longer_than_the_limit_is_refused(self, client_for, official, plan):
        response = client_for(official).post(
            reverse("plans:activity_create"),
            {
                "task": Task.objects.first().pk,
                "date": "2025-05-05",
                "title": "Tập huấn",
                "description": "x" * (LONG_TEXT_MAX_LENGTH + 1),
            },
        )
        assert "tối đa 20000" in refused_field(response, "description")
        assert not Activity.objects.exists()

    def test_task_progress_notes_longer_than_the_limit_are_refused(self, client_for, official, plan):
        task = Task.objects.first()
        response = client_for(official).post(
            reverse("plans:task_update", args=[task.pk]),
            {
                "status": "in_progress",
                "version": task.version,
                "progress_notes": "x" * (LONG_TEXT_MAX_LENGTH + 1),
            },
        )
        assert "tối đa 20000" in refused_field(response, "progress_notes")
        assert Task.objects.get(pk=task.pk).progress_notes == task.progress_notes

    def test_a_years_notes_longer_than_the_limit_are_refused(self, client_for, official, plan):
        response = client_for(official).post(
            reverse("plans:annual_plan_update", args=[2025]),
            {
                "notes": "x" * (LONG_TEXT_MAX_LENGTH + 1),
            },
        )
        assert "tối đa 20000" in refused_field(response, "notes")
        assert not AnnualPlan.objects.exists()

    def test_an_indicator_description_longer_than_the_limit_is_refused(self, client_for, official, indicators):
        indicator = indicators["b"]
        response = client_for(official).post(
            reverse("indicators:indicator_detail", args=["b"]),
            {
                "name": indicator.name,
                "description": "x" * (LONG_TEXT_MAX_LENGTH + 1),
                "baseline": "",
                "baseline_year": "2023",
                "version": indicator.version,
                "target_2025": "72",
                "target_2030": "85",
            },
        )
        assert "tối đa 20000" in refused_field(response, "description")
        assert Indicator.objects.get(pk=indicator.pk).description == indicator.description


def test_an_enterprise_name_longer_than_its_column_is_refused(client_for, official):
    response = client_for(official).post(
        reverse("enterprises:enterprise_create"),
        {
            "name": "x" * 256,
            "tax_code": "2800000009",
            "legal_form": "single_member_llc",
        },
    )
    assert "tối đa 255" in refused_field(response, "name")
