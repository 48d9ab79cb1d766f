"""Figures have the report form's bounds on every write path: at most 10,000,000 workers,
female workers and each count at most the total. The model refuses what the form refuses,
so the services, the import and the admin cannot store a figure whose sums break every
dashboard, the API and the export (two reports of 9,223,372,036,854,775,000 workers did).
Numbers are typed in plain digits: "Infinity", "1e5" and "NaN" are refused with a message."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.bounds import MAX_WORKERS
from indicators import rules, services
from indicators.models import EnterpriseReport, Indicator, ReportStatus, ReportValue
from plans import services as plan_services
from plans.models import Activity, Task
from tests import factories

from .conftest import FULL_COUNTS, report_data

pytestmark = pytest.mark.django_db

NEAR_2_63 = 9_223_372_036_854_775_000


def full_figures(total, female=None, count=None):
    count = total if count is None else count
    return rules.Figures(total, total if female is None else female, dict.fromkeys(FULL_COUNTS, count))


class TestTheModel:
    def test_a_workforce_above_ten_million_is_refused(self, open_period, enterprise_a):
        report = EnterpriseReport(enterprise=enterprise_a, period=open_period, total_workers=MAX_WORKERS + 1)
        with pytest.raises(ValidationError) as refused:
            report.full_clean()
        assert list(refused.value.error_dict) == ["total_workers"]

    def test_ten_million_is_accepted(self, open_period, enterprise_a):
        EnterpriseReport(
            enterprise=enterprise_a, period=open_period, total_workers=MAX_WORKERS, female_workers=MAX_WORKERS
        ).full_clean()

    def test_more_female_workers_than_workers_is_refused(self, open_period, enterprise_a):
        report = EnterpriseReport(enterprise=enterprise_a, period=open_period, total_workers=100, female_workers=101)
        with pytest.raises(ValidationError) as refused:
            report.full_clean()
        assert [error.code for error in refused.value.error_dict["female_workers"]] == ["female_above_total"]

    def test_the_refusal_of_female_workers_names_both_numbers(self, open_period, enterprise_a):
        report = EnterpriseReport(enterprise=enterprise_a, period=open_period, total_workers=100, female_workers=101)
        with pytest.raises(ValidationError) as refused:
            report.full_clean()
        assert refused.value.message_dict["female_workers"] == [
            "Số lao động nữ (101) không được lớn hơn tổng số CNLĐ (100)."
        ]

    def test_a_count_above_the_workforce_is_refused(self, open_period, enterprise_a, indicators):
        report = factories.ReportFactory(enterprise=enterprise_a, period=open_period, total_workers=100)
        value = ReportValue(report=report, indicator=indicators["a"], count=101)
        with pytest.raises(ValidationError) as refused:
            value.full_clean()
        assert [error.code for error in refused.value.error_dict["count"]] == ["count_above_total"]

    def test_the_refusal_of_a_count_names_the_indicator_and_both_numbers(self, open_period, enterprise_a, indicators):
        report = factories.ReportFactory(enterprise=enterprise_a, period=open_period, total_workers=100)
        value = ReportValue(report=report, indicator=indicators["a"], count=101)
        with pytest.raises(ValidationError) as refused:
            value.full_clean()
        assert refused.value.message_dict["count"] == [
            f"Số CNLĐ đạt chỉ tiêu “{indicators['a'].name}” (101) không được lớn hơn tổng số CNLĐ (100)."
        ]

    def test_a_count_without_its_report_is_refused_for_the_missing_report(self, indicators):
        with pytest.raises(ValidationError) as refused:
            ReportValue(indicator=indicators["a"], count=5).full_clean()
        assert list(refused.value.error_dict) == ["report"]

    def test_a_count_above_ten_million_is_refused_even_without_a_workforce(self, open_period, enterprise_a, indicators):
        report = factories.ReportFactory(enterprise=enterprise_a, period=open_period, total_workers=None)
        value = ReportValue(report=report, indicator=indicators["a"], count=NEAR_2_63)
        with pytest.raises(ValidationError) as refused:
            value.full_clean()
        assert list(refused.value.error_dict) == ["count"]

    def test_an_activity_reaching_more_than_ten_million_workers_is_refused(self, plan, official):
        activity = Activity(
            task=Task.objects.first(), date=datetime.date(2025, 5, 5), title="Tập huấn", workers_reached=2**63 - 1
        )
        with pytest.raises(ValidationError) as refused:
            plan_services.activity_save(activity=activity, enterprises=[], user=official)
        assert list(refused.value.error_dict) == ["workers_reached"]
        assert not Activity.objects.exists()


class TestTheServices:
    def test_a_submission_of_nine_quintillion_workers_is_refused_and_nothing_stored(
        self, open_period, enterprise_a, officer_a
    ):
        with pytest.raises(ValidationError) as refused:
            services.report_submit(
                enterprise=enterprise_a, period=open_period, actor=officer_a, figures=full_figures(NEAR_2_63), version=0
            )
        assert "total_workers" in refused.value.error_dict
        assert "10.000.000" in " ".join(refused.value.error_dict["total_workers"][0].messages)
        assert not EnterpriseReport.objects.exists()

    def test_an_import_of_two_such_rows_is_refused_with_its_row_and_nothing_stored(
        self, open_period, enterprise_a, enterprise_b, official
    ):
        rows = [
            services.ImportedReport(row=row, enterprise=enterprise, figures=full_figures(NEAR_2_63))
            for row, enterprise in ((5, enterprise_a), (6, enterprise_b))
        ]
        with pytest.raises(ValidationError) as refused:
            services.reports_import(period=open_period, actor=official, rows=rows)
        assert refused.value.messages[0].startswith("Dòng 5:")
        assert not EnterpriseReport.objects.exists()

    def test_every_page_of_figures_answers_with_the_largest_reports_allowed(
        self, client_for, open_period, enterprise_a, enterprise_b, official
    ):
        rows = [
            services.ImportedReport(row=row, enterprise=enterprise, figures=full_figures(MAX_WORKERS))
            for row, enterprise in ((5, enterprise_a), (6, enterprise_b))
        ]
        services.reports_import(period=open_period, actor=official, rows=rows)
        factories.ActivityFactory(
            task=Task.objects.first(), date=datetime.date(2026, 3, 1), workers_reached=MAX_WORKERS
        )
        client = client_for(official)
        for url in [
            reverse("home"),
            reverse("dashboard_enterprises"),
            reverse("dashboard_print"),
            reverse("indicators:period_detail", args=[open_period.code]),
        ]:
            assert client.get(url, {"period": open_period.code}).status_code == 200, url
        api = client.get(reverse("indicators:api_progress"), {"period": open_period.code})
        assert api.status_code == 200
        assert api.json()["total_workers"] == 2 * MAX_WORKERS
        assert api.json()["indicators"][0]["met"] == 2 * MAX_WORKERS
        assert client.get(reverse("indicators:report_export", args=[open_period.code])).status_code == 200


class TestTheReportForm:
    @pytest.mark.parametrize("typed", ["Infinity", "1e5", "NaN", "-inf", "1_000", "١٢"])
    @pytest.mark.parametrize("field", ["total_workers", "female_workers", "count_c"])
    def test_a_number_not_in_plain_digits_is_refused_with_a_clear_message(
        self, client_for, officer_a, open_period, field, typed
    ):
        data = report_data()
        data[field] = typed
        response = client_for(officer_a).post(reverse("indicators:period_detail", args=[open_period.code]), data)
        assert response.status_code == 200
        assert "chữ số 0–9" in " ".join(response.context["form"].errors[field])
        assert response.context["form"][field].value() == typed
        assert not EnterpriseReport.objects.exists()

    @pytest.mark.parametrize("typed", [str(NEAR_2_63), "9" * 5000, "10000001"])
    def test_a_number_above_the_bound_is_refused(self, client_for, officer_a, open_period, typed):
        response = client_for(officer_a).post(
            reverse("indicators:period_detail", args=[open_period.code]), report_data(total=typed)
        )
        assert response.status_code == 200
        assert response.context["form"].errors["total_workers"]
        assert not EnterpriseReport.objects.exists()


class TestOtherNumberBoxes:
    @pytest.mark.parametrize("typed", [str(2**63 - 1), "1e5", "Infinity", "10000001"])
    def test_an_activity_reaching_an_impossible_number_of_workers_is_refused(self, client_for, official, plan, typed):
        response = client_for(official).post(
            reverse("plans:activity_create"),
            {
                "task": Task.objects.first().pk,
                "date": "2025-05-05",
                "title": "Tập huấn",
                "workers_reached": typed,
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["workers_reached"]
        assert not Activity.objects.exists()

    @pytest.mark.parametrize("typed", ["Infinity", "NaN", "1e1", "sNaN"])
    def test_a_percent_not_in_plain_digits_is_refused(self, client_for, official, indicators, typed):
        indicator = indicators["b"]
        data = {
            "name": indicator.name,
            "description": "",
            "baseline": "",
            "baseline_year": "2023",
            "version": indicator.version,
            "target_2025": typed,
            "target_2030": "85",
        }
        response = client_for(official).post(reverse("indicators:indicator_detail", args=["b"]), data)
        assert response.status_code == 200
        assert "chữ số 0–9" in " ".join(response.context["form"].errors["target_2025"])
        assert Indicator.objects.get(pk=indicator.pk).version == indicator.version

    @pytest.mark.parametrize("typed", ["1e3", "²⁰⁰⁰", "9" * 5000, "Infinity"])
    def test_a_birth_year_not_in_plain_digits_is_refused(self, client_for, officer_a, enterprise_a, plan, typed):
        response = client_for(officer_a).post(
            reverse("indicators:worker_create", args=[enterprise_a.pk]),
            {
                "employee_code": "NV001",
                "full_name": "Nguyễn Văn An",
                "sex": "male",
                "birth_year": typed,
            },
        )
        assert response.status_code == 200
        assert response.context["form"].errors["birth_year"]
        assert not enterprise_a.workers.exists()


def test_a_report_with_counts_at_the_bound_is_stored(open_period, enterprise_a, officer_a):
    report = services.report_submit(
        enterprise=enterprise_a, period=open_period, actor=officer_a, figures=full_figures(MAX_WORKERS), version=0
    )
    assert report.status == ReportStatus.SUBMITTED
    assert set(report.values.values_list("count", flat=True)) == {MAX_WORKERS}
