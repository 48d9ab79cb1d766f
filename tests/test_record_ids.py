"""Record ids no row can have (past 64 bits, negative, thirty nines) sent wherever a form or
a query parameter takes one: a form error or a page, never a server error. SQLite cannot be
asked about such a number at all (OverflowError); PostgreSQL runs these tests too.

Every form and filter of the portal that takes a record takes it through core.bounds'
fields, which a test below checks for the forms still to come.
"""

from __future__ import annotations

import datetime
import importlib

import django_filters
import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.bounds import RecordChoiceField, RecordMultipleChoiceField
from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from plans.models import Activity, AnnualPlan, Task, Unit
from tests import factories

pytestmark = pytest.mark.django_db

HUGE_IDS = [str(2**64), str(-(2**64)), "9" * 30]


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
        total_workers=100,
        female_workers=60,
        counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30},
    )


def client_of(user) -> Client:
    # A server error becomes a 500 answer here, as a browser would see it, not a raised exception.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def activity_post(for_task, **changes):
    data = {"task": for_task.pk, "date": "2025-05-05", "title": "Tập huấn cán bộ công đoàn", "workers_reached": "30"}
    data.update(changes)
    return data


class TestForms:
    """Each bad id: the form is shown again with the error beside the field, nothing saved."""

    @pytest.mark.parametrize("huge", HUGE_IDS)
    @pytest.mark.parametrize("field", ["task", "owner_enterprise", "enterprises"])
    def test_an_activity_naming_a_record_no_row_can_be_is_refused(self, plan, official, field, huge):
        task = Task.objects.first()
        value = [huge] if field == "enterprises" else huge
        response = client_of(official).post(reverse("plans:activity_create"), activity_post(task, **{field: value}))
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        assert not Activity.objects.exists()

    @pytest.mark.parametrize("huge", HUGE_IDS)
    @pytest.mark.parametrize("field", ["lead_unit", "coordinating_units", "version"])
    def test_a_task_edit_naming_a_record_no_row_can_be_is_refused(self, plan, official, field, huge):
        task = Task.objects.first()
        data = {"status": "done", "version": task.version, "progress_notes": "Đã triển khai"}
        data[field] = [huge] if field == "coordinating_units" else huge
        response = client_of(official).post(reverse("plans:task_update", args=[task.pk]), data)
        assert response.status_code == 200
        assert response.context["form"].errors[field]
        task.refresh_from_db()
        assert task.status != "done"

    @pytest.mark.parametrize("huge", HUGE_IDS)
    def test_a_years_plan_naming_a_task_no_row_can_be_is_refused(self, plan, official, huge):
        response = client_of(official).post(reverse("plans:annual_plan_update", args=[2025]), {"tasks": [huge]})
        assert response.status_code == 200
        assert response.context["form"].errors["tasks"]
        assert not AnnualPlan.objects.exists()

    @pytest.mark.parametrize("huge", HUGE_IDS)
    def test_a_report_form_with_a_version_no_row_can_have_is_refused(self, period, officer_a, huge):
        data = {"total_workers": "100", "female_workers": "60", "version": huge, "action": "draft"}
        response = client_of(officer_a).post(reverse("indicators:period_detail", args=[period.code]), data)
        assert response.status_code == 200
        assert response.context["form"].errors["version"]


class TestReviewQueue:
    @pytest.mark.parametrize("huge", HUGE_IDS)
    def test_approving_a_report_id_no_row_can_have_approves_nothing(self, submitted_a, official, huge):
        response = client_of(official).post(
            reverse("indicators:report_approve_many", args=[submitted_a.period.code]),
            {"report": [str(submitted_a.pk), huge], f"version-{submitted_a.pk}": submitted_a.version},
            follow=True,
        )
        assert response.status_code == 200
        assert "không thuộc kỳ này" in response.content.decode()
        submitted_a.refresh_from_db()
        assert submitted_a.status == ReportStatus.SUBMITTED

    @pytest.mark.parametrize("huge", HUGE_IDS)
    def test_a_version_no_row_can_have_is_refused_as_a_concurrent_change(self, submitted_a, official, huge):
        response = client_of(official).post(
            reverse("indicators:report_approve_many", args=[submitted_a.period.code]),
            {"report": [str(submitted_a.pk)], f"version-{submitted_a.pk}": huge},
        )
        assert response.status_code == 302
        submitted_a.refresh_from_db()
        assert submitted_a.status == ReportStatus.SUBMITTED

    @pytest.mark.parametrize("huge", HUGE_IDS)
    @pytest.mark.parametrize("action", ["report_return", "report_reopen"])
    def test_returning_with_a_version_no_row_can_have_changes_nothing(self, submitted_a, official, action, huge):
        url = reverse(f"indicators:{action}", args=[submitted_a.period.code, submitted_a.enterprise_id])
        response = client_of(official).post(url, {"reason": "Thiếu số liệu", "version": huge})
        assert response.status_code == 302
        submitted_a.refresh_from_db()
        assert submitted_a.status == ReportStatus.SUBMITTED


class TestQueryParameters:
    """Filters and pre-filled forms: an id no row can have filters to nothing or is ignored."""

    @pytest.mark.parametrize("huge", HUGE_IDS)
    @pytest.mark.parametrize(
        "url, parameter",
        [
            ("plans:activity_list", "task"),
            ("plans:activity_list", "enterprise"),
            ("plans:plan_detail", "unit"),
            ("plans:activity_create", "task"),
            ("indicators:roster_access_list", "enterprise"),
            ("indicators:roster_access_list", "user"),
        ],
    )
    def test_a_page_given_an_id_no_row_can_have_answers(self, plan, official, url, parameter, huge):
        response = client_of(official).get(reverse(url), {parameter: huge})
        assert response.status_code == 200

    @pytest.mark.parametrize("huge", HUGE_IDS)
    def test_the_roster_filter_given_an_indicator_no_row_can_be_answers(self, plan, official, enterprise_a, huge):
        response = client_of(official).get(reverse("indicators:worker_list", args=[enterprise_a.pk]), {"missing": huge})
        assert response.status_code == 200

    @pytest.mark.parametrize(
        "path",
        [
            "/enterprises/{}/",
            "/plan/activities/{}/",
            "/plan/tasks/{}/",
            "/reports/2026-H1/{}/",
            "/enterprises/1/workers/{}/",
            "/plan/activities/1/evidence/{}/",
        ],
    )
    def test_an_address_with_an_id_no_row_can_have_is_not_found(self, period, official, enterprise_a, path):
        response = client_of(official).get(path.format(2**64))
        assert response.status_code == 404


# --- every form, including those still to come --------------------------------------------

PORTAL_MODULES = [
    "communes.forms",
    "accounts.forms",
    "enterprises.forms",
    "enterprises.filters",
    "plans.forms",
    "indicators.forms",
    "indicators.filters",
    "reports.forms",
]


def portal_classes(base):
    for name in PORTAL_MODULES:
        importlib.import_module(name)
    found, pending = [], [base]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {
            "communes",
            "accounts",
            "enterprises",
            "plans",
            "indicators",
            "reports",
            "dashboard",
            "core",
        }:
            found.append(cls)
    return found


def loose_fields(form_classes) -> list[str]:
    """The fields of these forms that take a record without core.bounds' check."""
    return [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in form_classes
        for name, field in form.base_fields.items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, (RecordChoiceField, RecordMultipleChoiceField))
    ]


def test_every_form_field_that_takes_a_record_refuses_ids_no_row_can_have():
    assert loose_fields(portal_classes(forms.BaseForm)) == []


def test_every_filter_that_takes_a_record_refuses_ids_no_row_can_have():
    loose = [
        f"{filterset.__module__}.{filterset.__name__}.{name}"
        for filterset in portal_classes(django_filters.FilterSet)
        for name, item in filterset.base_filters.items()
        if issubclass(item.field_class, forms.ModelChoiceField)
        and not issubclass(item.field_class, (RecordChoiceField, RecordMultipleChoiceField))
    ]
    assert loose == []


def test_the_check_sees_a_plain_model_choice_field():
    class Loose(forms.Form):
        unit = forms.ModelChoiceField(Unit.objects.all())
        task = RecordChoiceField(Task.objects.all())

    assert loose_fields([Loose]) == [f"{__name__}.Loose.unit"]
