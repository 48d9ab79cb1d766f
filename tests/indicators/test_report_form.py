"""Anh Minh (officer of enterprise A) fills in his enterprise's report on his phone."""

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from indicators.models import EnterpriseReport, PeriodState, ReportAction, ReportStatus
from tests import factories

from .conftest import FULL_COUNTS, report_data

pytestmark = pytest.mark.django_db


def form_url(period):
    return reverse("indicators:period_detail", args=[period.code])


def post(client, period, **kwargs):
    return client.post(form_url(period), report_data(**kwargs))


def only_report(enterprise, period):
    return EnterpriseReport.objects.get(enterprise=enterprise, period=period)


class TestTheForm:
    def test_it_has_one_numeric_box_per_indicator_labelled_from_the_indicator_rows(
        self, client_for, officer_a, open_period, indicators
    ):
        indicators["c"].name = "Kỹ năng sống và giá trị"
        indicators["c"].save()
        page = client_for(officer_a).get(form_url(open_period)).content.decode()
        for indicator in indicators.values():
            assert f'name="count_{indicator.code}"' in page
        assert "c) Kỹ năng sống và giá trị" in page
        assert page.count('inputmode="numeric"') == 2 + len(indicators)
        assert "Lưu bản nháp" in page and "Gửi báo cáo" in page

    def test_it_shows_the_previous_reports_figure_beside_each_box(self, client_for, officer_a, open_period, previous_a):
        page = client_for(officer_a).get(form_url(open_period)).content.decode()
        assert "Báo cáo kỳ trước (năm 2025): 100" in page
        assert "Báo cáo kỳ trước (năm 2025): 80" in page  # indicator a

    def test_it_is_prefilled_from_the_enterprises_roster(
        self, client_for, officer_a, enterprise_a, open_period, indicators
    ):
        workers = [factories.WorkerFactory(enterprise=enterprise_a, sex=sex) for sex in ("female", "female", "male")]
        factories.WorkerOutcomeFactory(
            worker=workers[0], indicator=indicators["a"], achieved_on=datetime.date(2026, 3, 1)
        )
        factories.WorkerOutcomeFactory(
            worker=workers[1], indicator=indicators["a"], achieved_on=datetime.date(2026, 3, 1)
        )
        response = client_for(officer_a).get(form_url(open_period))
        form = response.context["form"]
        assert form.initial["total_workers"] == 3
        assert form.initial["female_workers"] == 2
        assert form.initial["count_a"] == 2
        assert form.initial["count_b"] == 0
        assert "danh sách CNLĐ" in response.content.decode()

    def test_an_officer_of_a_closed_period_sees_the_report_read_only(
        self, client_for, officer_a, previous_a, closed_2025
    ):
        page = client_for(officer_a).get(form_url(closed_2025)).content.decode()
        assert 'name="count_a"' not in page
        assert "Đã duyệt" in page


class TestHardValidation:
    @pytest.mark.parametrize(
        "changes, field, message",
        [
            ({"total": -5}, "total_workers", "không thể là số âm"),
            ({"counts": {**FULL_COUNTS, "b": -1}}, "count_b", "không thể là số âm"),
            ({"female": "12.5"}, "female_workers", "số nguyên"),
            ({"counts": {**FULL_COUNTS, "d": "mười"}}, "count_d", "số nguyên"),
            ({"total": 0, "female": 0, "counts": dict.fromkeys(FULL_COUNTS, 0)}, "total_workers", "phải lớn hơn 0"),
            ({"female": 101}, "female_workers", "không được lớn hơn tổng số CNLĐ"),
            ({"counts": {**FULL_COUNTS, "e": 150}}, "count_e", "không được lớn hơn tổng số CNLĐ"),
            ({"total": ""}, "total_workers", "Nhập số liệu này"),
        ],
    )
    def test_a_bad_figure_is_refused_with_a_vietnamese_message_and_the_values_are_kept(
        self, client_for, officer_a, open_period, changes, field, message
    ):
        response = post(client_for(officer_a), open_period, **changes)
        assert response.status_code == 200
        form = response.context["form"]
        assert field in form.errors
        assert message in " ".join(form.errors[field])
        assert not EnterpriseReport.objects.exists()
        # What was typed stays in the boxes (an empty box has no value).
        box = re.search(rf'name="{field}"(?: value="([^"]*)")?', response.content.decode())
        assert (box.group(1) or "") == str(report_data(**changes)[field])

    def test_a_draft_may_leave_figures_blank_but_not_wrong(self, client_for, officer_a, enterprise_a, open_period):
        client = client_for(officer_a)
        response = post(client, open_period, action="draft", female=None, counts={"a": 120})
        assert response.status_code == 200 and "count_a" in response.context["form"].errors
        response = post(client, open_period, action="draft", female=None, counts={"a": 40})
        assert response.status_code == 302
        report = only_report(enterprise_a, open_period)
        assert report.status == ReportStatus.DRAFT and report.female_workers is None
        assert dict(report.values.values_list("indicator__code", "count")) == {"a": 40}
        assert list(report.events.values_list("action", flat=True)) == [ReportAction.CREATE]


def banner(page: str) -> str:
    """The text of the banner above the form (its block ends at the form's indentation)."""
    match = re.search(r"<div[^>]*data-form-errors.*?\n  </div>", page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0))) if match else ""


def helptext(page: str, field: str) -> str:
    return re.search(rf'<div id="id_{field}_helptext" class="form-text">(.*?)</div>', page, re.S).group(1)


class TestEveryErrorAtOnce:
    """Anh Minh types letters in one box, a count above the total and leaves two boxes empty:
    one submit shows all four, each under its box, and keeps what he typed."""

    def test_every_hard_error_is_shown_on_the_first_submit(self, client_for, officer_a, open_period):
        counts = {"a": 90, "b": "7O", "c": 60, "d": "", "e": 150}
        response = post(client_for(officer_a), open_period, total=100, female="", counts=counts)
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert set(errors) == {"count_b", "count_e", "female_workers", "count_d"}
        assert "số nguyên" in errors["count_b"][0]
        assert "không được lớn hơn tổng số CNLĐ" in errors["count_e"][0]
        assert errors["female_workers"] == errors["count_d"] == ["Nhập số liệu này."]
        page = response.content.decode()
        assert "Có 4 số liệu chưa đúng" in banner(page) and "Chưa có gì được lưu." in banner(page)
        for field in errors:
            assert f'href="#id_{field}"' in page  # the banner links to each box
        assert 'name="count_b" value="7O"' in page and 'name="count_e" value="150"' in page
        assert not EnterpriseReport.objects.exists()

    def test_a_box_of_letters_does_not_hide_a_rule_between_other_boxes(self, client_for, officer_a, open_period):
        response = post(client_for(officer_a), open_period, female=130, counts={**FULL_COUNTS, "a": "chín mươi"})
        errors = response.context["form"].errors
        assert set(errors) == {"count_a", "female_workers"}
        assert "không được lớn hơn tổng số CNLĐ" in errors["female_workers"][0]

    def test_a_rule_is_not_judged_when_a_box_it_reads_is_no_number(self, client_for, officer_a, open_period):
        response = post(
            client_for(officer_a), open_period, total="một trăm", female=130, counts={**FULL_COUNTS, "d": ""}
        )
        errors = response.context["form"].errors
        # Female 130 cannot be compared with no total; the empty box is still named.
        assert set(errors) == {"total_workers", "count_d"}

    def test_the_officials_paper_entry_shows_every_error_at_once_too(
        self, client_for, official, enterprise_a, open_period
    ):
        url = reverse("indicators:report_enter", args=[open_period.code, enterprise_a.pk])
        data = report_data(action="enter", female="", counts={**FULL_COUNTS, "b": "x", "e": 150})
        response = client_for(official).post(url, data)
        assert set(response.context["form"].errors) == {"female_workers", "count_b", "count_e"}
        assert not EnterpriseReport.objects.exists()

    def test_a_saved_draft_is_said_to_stay_as_it_was(self, client_for, officer_a, enterprise_a, open_period):
        client = client_for(officer_a)
        assert post(client, open_period, action="draft", total=100, female=None, counts={"a": 40}).status_code == 302
        response = post(client, open_period, version=1, counts={**FULL_COUNTS, "a": 140})
        assert "Các thay đổi chưa được lưu: báo cáo vẫn giữ như lần lưu trước." in banner(response.content.decode())
        report = only_report(enterprise_a, open_period)
        assert report.status == ReportStatus.DRAFT
        assert dict(report.values.values_list("indicator__code", "count")) == {"a": 40}


class TestWarningsBesideTheirBoxes:
    def test_each_warning_is_under_its_box_and_the_confirm_box_is_next_to_the_submit_button(
        self, client_for, officer_a, open_period, previous_a
    ):
        counts = {**FULL_COUNTS, "a": 160, "b": 100, "e": 15}  # e was 20 in 2025
        response = post(client_for(officer_a), open_period, total=160, female=90, counts=counts)
        page = response.content.decode()
        assert "thay đổi hơn 50%" in helptext(page, "total_workers")
        assert "Công dân học tập" in helptext(page, "count_e") and "giảm từ 20 xuống 15" in helptext(page, "count_e")
        assert "data-field-warning" not in helptext(page, "count_a")
        # The confirmation comes after the last box, and nothing to fill stands between it and the button.
        assert page.index('name="notes"') < page.index("data-warnings") < page.index('name="confirm"')
        after_confirm = page[page.index('name="confirm"') : page.index('data-action="submit"')]
        assert "<input" not in after_confirm.split(">", 1)[1] and "<textarea" not in after_confirm
        # Beside it, links back to the boxes with a warning.
        confirm_box = page[page.index("data-warnings") : page.index('name="confirm"')]
        assert 'href="#id_total_workers"' in confirm_box and 'href="#id_count_e"' in confirm_box

    def test_when_only_the_confirmation_is_missing_the_banner_asks_for_it(
        self, client_for, officer_a, open_period, previous_a
    ):
        response = post(client_for(officer_a), open_period, counts={**FULL_COUNTS, "e": 15})
        form = response.context["form"]
        assert form.needs_only_confirmation and set(form.errors) == {"confirm"}
        text = banner(response.content.decode())
        assert "Số liệu cần xác nhận." in text and "Chưa có gì được lưu." in text
        assert "chưa đúng" not in text
        assert "data-needs-confirmation" in response.content.decode()

    def test_warnings_come_with_the_hard_errors_on_the_same_submit(
        self, client_for, officer_a, open_period, previous_a
    ):
        response = post(client_for(officer_a), open_period, female=130, counts={**FULL_COUNTS, "e": 15})
        form = response.context["form"]
        assert set(form.errors) == {"female_workers", "confirm"}
        assert "count_e" in form.field_warnings
        text = banner(response.content.decode())
        assert "Có 1 số liệu chưa đúng" in text and "Ngoài ra có 1 cảnh báo cần xác nhận" in text


class TestVietnameseNumbers:
    def test_thousands_grouped_with_a_dot_or_a_space_are_read_as_one_number(
        self, client_for, officer_a, enterprise_a, open_period
    ):
        counts = {**FULL_COUNTS, "a": "1.100", "b": "1\u00a0000"}  # a non-breaking space, as copied
        response = post(client_for(officer_a), open_period, total="1.200", female="1 000", counts=counts)
        assert response.status_code == 302
        report = only_report(enterprise_a, open_period)
        assert (report.total_workers, report.female_workers) == (1200, 1000)
        assert dict(report.values.values_list("indicator__code", "count"))["a"] == 1100
        assert dict(report.values.values_list("indicator__code", "count"))["b"] == 1000

    @pytest.mark.parametrize("typed", ["12,5", "1.2", "12.5", "1,200"])
    def test_a_decimal_is_refused_saying_a_number_of_workers_is_whole(self, client_for, officer_a, open_period, typed):
        response = post(client_for(officer_a), open_period, total=typed)
        errors = response.context["form"].errors["total_workers"]
        assert errors == [
            f"Số người phải là số nguyên: “{typed}” có phần thập phân. "
            "Có thể tách hàng nghìn bằng dấu chấm hoặc dấu cách, ví dụ 1.200."
        ]
        assert not EnterpriseReport.objects.exists()

    def test_the_bound_of_ten_million_stays(self, client_for, officer_a, open_period):
        response = post(client_for(officer_a), open_period, total="10.000.001")
        assert "10.000.000" in " ".join(response.context["form"].errors["total_workers"])


class TestSoftChecks:
    def test_a_workforce_change_above_half_needs_confirmation(
        self, client_for, officer_a, enterprise_a, open_period, previous_a
    ):
        client = client_for(officer_a)
        counts = {"a": 160, "b": 100, "c": 80, "d": 80, "e": 40}
        response = post(client, open_period, total=160, female=90, counts=counts)
        assert response.status_code == 200
        assert "hơn 50%" in response.content.decode()
        assert "confirm" in response.context["form"].errors
        assert not EnterpriseReport.objects.filter(period=open_period).exists()
        response = post(client, open_period, total=160, female=90, counts=counts, confirm=True)
        assert response.status_code == 302
        assert only_report(enterprise_a, open_period).status == ReportStatus.SUBMITTED

    def test_a_change_of_exactly_half_needs_none(self, client_for, officer_a, enterprise_a, open_period, previous_a):
        counts = {"a": 100, "b": 100, "c": 80, "d": 80, "e": 40}
        assert post(client_for(officer_a), open_period, total=150, female=90, counts=counts).status_code == 302

    def test_a_cumulative_count_below_the_previous_needs_confirmation(
        self, client_for, officer_a, enterprise_a, open_period, previous_a
    ):
        client = client_for(officer_a)
        counts = {**FULL_COUNTS, "e": 15}  # was 20 in 2025
        response = post(client, open_period, counts=counts)
        assert response.status_code == 200
        assert "Công dân học tập" in " ".join(str(w) for w in response.context["form"].warnings)
        assert post(client, open_period, counts=counts, confirm=True).status_code == 302

    def test_a_draft_is_saved_without_confirmation(self, client_for, officer_a, enterprise_a, open_period, previous_a):
        response = post(client_for(officer_a), open_period, action="draft", total=400)
        assert response.status_code == 302
        assert only_report(enterprise_a, open_period).status == ReportStatus.DRAFT


class TestLateness:
    def test_a_submission_after_the_deadline_is_accepted_and_marked_late(
        self, client_for, officer_a, enterprise_a, open_period
    ):
        open_period.deadline = timezone.localdate() - datetime.timedelta(days=1)
        open_period.save()
        client = client_for(officer_a)
        assert "vẫn được nhận" in client.get(form_url(open_period)).content.decode()
        assert post(client, open_period).status_code == 302
        report = only_report(enterprise_a, open_period)
        assert report.status == ReportStatus.SUBMITTED and report.is_late

    def test_the_deadline_day_itself_is_on_time(self, client_for, officer_a, enterprise_a, open_period):
        open_period.deadline = timezone.localdate()
        open_period.save()
        post(client_for(officer_a), open_period)
        assert not only_report(enterprise_a, open_period).is_late

    def test_the_deadline_ends_at_midnight_in_vietnam_not_in_utc(self, open_period):
        vietnam = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
        open_period.deadline = datetime.date(2026, 7, 15)
        assert not open_period.is_late(datetime.datetime(2026, 7, 15, 23, 30, tzinfo=vietnam))
        assert open_period.is_late(datetime.datetime(2026, 7, 16, 0, 10, tzinfo=vietnam))  # still the 15th in UTC

    def test_lateness_is_decided_at_the_first_submission(
        self, client_for, officer_a, official, enterprise_a, open_period, monkeypatch
    ):
        from indicators import services

        today = timezone.localdate()
        post(client_for(officer_a), open_period)  # ten days before the deadline
        report = only_report(enterprise_a, open_period)
        services.report_return(report=report, actor=official, reason="Thiếu số liệu", version=report.version)
        # Resubmitted two days after the deadline.
        later = timezone.now() + datetime.timedelta(days=12)
        monkeypatch.setattr(timezone, "now", lambda: later)
        report.refresh_from_db()
        post(client_for(officer_a), open_period, version=report.version)
        report.refresh_from_db()
        assert (report.status, report.submitted_at) == (ReportStatus.SUBMITTED, later)
        assert report.first_submitted_on == today
        assert not report.is_late


class TestWhatAnOfficerCannotReach:
    def test_a_post_naming_another_enterprise_still_writes_only_the_officers_own(
        self, client_for, officer_a, enterprise_a, enterprise_b, open_period
    ):
        data = report_data()
        data.update({"enterprise": enterprise_b.pk, "enterprise_id": enterprise_b.pk})
        client_for(officer_a).post(form_url(open_period), data)
        assert list(EnterpriseReport.objects.values_list("enterprise_id", flat=True)) == [enterprise_a.pk]

    def test_entering_for_another_enterprise_is_refused(self, client_for, officer_a, enterprise_b, open_period):
        url = reverse("indicators:report_enter", args=[open_period.code, enterprise_b.pk])
        assert client_for(officer_a).post(url, report_data()).status_code == 403
        assert not EnterpriseReport.objects.exists()

    def test_another_enterprises_report_page_is_not_found(self, client_for, officer_a, enterprise_b, open_period):
        factories.ReportFactory(enterprise=enterprise_b, period=open_period, status=ReportStatus.SUBMITTED)
        url = reverse("indicators:report_detail", args=[open_period.code, enterprise_b.pk])
        assert client_for(officer_a).get(url).status_code == 404

    @pytest.mark.parametrize("state", [PeriodState.CLOSED, PeriodState.PENDING])
    def test_a_period_that_is_not_open_accepts_nothing(self, client_for, officer_a, open_period, state):
        open_period.state = state
        open_period.save()
        response = client_for(officer_a).post(form_url(open_period), report_data(), follow=True)
        assert "không mở" in response.content.decode()
        assert not EnterpriseReport.objects.exists()

    def test_an_unknown_period_is_not_found(self, client_for, officer_a, plan):
        assert client_for(officer_a).get(reverse("indicators:period_detail", args=["1999"])).status_code == 404

    def test_a_submitted_report_waits_for_review_and_cannot_be_changed(
        self, client_for, officer_a, enterprise_a, open_period
    ):
        client = client_for(officer_a)
        post(client, open_period)
        report = only_report(enterprise_a, open_period)
        response = post(client, open_period, total=999, version=report.version)
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.total_workers == 100
        page = client.get(form_url(open_period)).content.decode()
        assert 'name="total_workers"' not in page and "Đã gửi" in page
