"""The district report workbook: figures, layout, safety, and who may download it.

The data set, computed by hand (period: year 2024, milestones halfway from 0 % in
2023 to the 2025 targets):

| enterprise                | report            | total | female | a   | b   | c   | d  | e   |
|---------------------------|-------------------|-------|--------|-----|-----|-----|----|-----|
| An Phát (A)               | approved          | 200   | 120    | 180 | 150 | 130 | 60 | 60  |
| Bình Minh (B)             | approved, late    | 300   | 100    | 240 | 200 | 210 | 90 | 100 |
| =HYPERLINK(…)             | submitted         | 1000  | 500    | 900 | …   |     |    |     |
| +1 Công ty                | none              |       |        |     |     |     |    |     |
| @SUM(A1)                  | draft             | 70    | 30     | 70  |     |     |    |     |

Commune (approved only): 500 workers, 220 women; a 420 = 84 % (on track: milestone
45, target 90), b 350 = 70 % (on track), c 340 = 68 % (achieved, target 65),
d 150 = 30 % (behind: milestone 32.5), e 160 = 32 % (on track). Completeness 2/5.
"""

import csv
import datetime
import io
import os
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.xlsx_writing import XLSX_CONTENT_TYPE
from indicators import exports, progress
from indicators.models import PeriodKind, ReportStatus
from plans.models import Task
from tests.factories import (
    ActivityFactory,
    EnterpriseFactory,
    PeriodFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 1, 5)
INJECTIONS = ['=HYPERLINK("http://evil.example","bấm vào")', "+1 Công ty", "@SUM(A1)"]
# 2 of the 5 enterprises have an approved report: fewer than half, so no assessment
# (TestAssessments has periods with enough reports).
WITHHELD = "Chưa đủ báo cáo để đánh giá"
COMMUNE = {
    # code: (met, rate as a fraction, assessment)
    "a": (420, 0.84, WITHHELD),
    "b": (350, 0.70, WITHHELD),
    "c": (340, 0.68, WITHHELD),
    "d": (150, 0.30, WITHHELD),
    "e": (160, 0.32, WITHHELD),
}
MILESTONES_2024 = {"a": 0.45, "b": 0.36, "c": 0.325, "d": 0.325, "e": 0.175}
TARGETS = {"a": (0.90, 0.95), "b": (0.72, 0.85), "c": (0.65, 0.85), "d": (0.65, 0.80), "e": (0.35, 0.60)}


@pytest.fixture
def year_2024(plan):
    return PeriodFactory(year=2024, kind=PeriodKind.ANNUAL)


@pytest.fixture
def data_set(year_2024, enterprise_a, enterprise_b):
    ReportFactory(
        enterprise=enterprise_a,
        period=year_2024,
        total_workers=200,
        female_workers=120,
        counts={"a": 180, "b": 150, "c": 130, "d": 60, "e": 60},
    )
    ReportFactory(
        enterprise=enterprise_b,
        period=year_2024,
        total_workers=300,
        female_workers=100,
        late=True,
        counts={"a": 240, "b": 200, "c": 210, "d": 90, "e": 100},
    )
    ReportFactory(
        enterprise=EnterpriseFactory(name=INJECTIONS[0], tax_code="2801000001"),
        period=year_2024,
        status=ReportStatus.SUBMITTED,
        total_workers=1000,
        female_workers=500,
        counts={"a": 900, "b": 800, "c": 700, "d": 600, "e": 500},
    )
    EnterpriseFactory(name=INJECTIONS[1], tax_code="2801000002")
    ReportFactory(
        enterprise=EnterpriseFactory(name=INJECTIONS[2], tax_code="2801000003"),
        period=year_2024,
        status=ReportStatus.DRAFT,
        total_workers=70,
        female_workers=30,
        counts={"a": 70},
    )
    return year_2024


def workbook(period, *, today=TODAY, data_only=False):
    """The workbook as openpyxl reads it back; data_only: the formulas' stored results."""
    buffer = io.BytesIO()
    exports.write_district_report(period, buffer, today=today)
    buffer.seek(0)
    return load_workbook(buffer, data_only=data_only)


def find_row(ws, column, value):
    """The first row whose cell in `column` (1-based) holds `value`."""
    for row in ws.iter_rows():
        if len(row) >= column and row[column - 1].value == value:
            return row
    raise AssertionError(f"no row with {value!r} in column {column} of {ws.title}")


def texts(ws):
    return [cell.value for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)]


class TestSummarySheet:
    def test_the_sheets_are_named_in_vietnamese_in_order(self, data_set):
        assert workbook(data_set).sheetnames == ["Tổng hợp", "Doanh nghiệp", "Nhiệm vụ", "Hoạt động", "Dữ liệu"]

    def test_the_table_has_the_columns_of_the_district_report(self, data_set):
        ws = workbook(data_set)["Tổng hợp"]
        header = [cell.value for cell in find_row(ws, 1, "STT")]
        assert header == [
            "STT",
            "Chỉ tiêu",
            "Mục tiêu năm 2025 (%)",
            "Mục tiêu năm 2030 (%)",
            "Mốc lộ trình năm 2024 (%)",
            "Số CNLĐ đạt",
            "Tổng số CNLĐ",
            "Tỷ lệ (%)",
            "Đánh giá",
        ]

    def test_every_figure_is_the_hand_computed_one(self, data_set, indicators):
        ws = workbook(data_set)["Tổng hợp"]
        for number, (code, (met, rate, assessment)) in enumerate(COMMUNE.items(), start=1):
            row = [cell.value for cell in find_row(ws, 2, f"{code}) {indicators[code].name}")]
            assert row[0] == number
            assert row[2:4] == pytest.approx(list(TARGETS[code]))
            assert row[4] == pytest.approx(MILESTONES_2024[code])
            assert row[5:7] == [met, 500]
            assert row[7] == pytest.approx(rate)
            assert row[8] == assessment

    def test_the_figures_are_those_of_progress_to_the_unit(self, data_set):
        ws = workbook(data_set)["Tổng hợp"]
        commune = progress.commune_progress(data_set)
        for item in commune.indicators:
            row = [cell.value for cell in find_row(ws, 2, f"{item.code}) {item.name}")]
            assert Decimal(str(row[4])) * 100 == pytest.approx(item.milestone, abs=Decimal("1e-12"))
            assert row[5] == item.met
            assert row[6] == item.total_workers == commune.total_workers
            assert Decimal(str(row[7])) * 100 == pytest.approx(item.rate, abs=Decimal("1e-12"))
            assert row[8] == str(item.status_label)

    def test_counts_and_rates_are_numbers_with_number_formats(self, data_set, indicators):
        ws = workbook(data_set)["Tổng hợp"]
        row = find_row(ws, 2, f"a) {indicators['a'].name}")
        number_, _name, target_2025, target_2030, milestone, met, total, rate, _assessment = row
        assert (number_.data_type, met.data_type, total.data_type, rate.data_type, milestone.data_type) == ("n",) * 5
        assert met.number_format == total.number_format == "#,##0"
        assert rate.number_format == target_2025.number_format == target_2030.number_format == "0.0%"
        assert milestone.number_format == "0.0%"

    def test_the_completeness_line_says_how_many_reports_the_figures_come_from(self, data_set):
        ws = workbook(data_set)["Tổng hợp"]
        line = next(text for text in texts(ws) if text.startswith("Số liệu tổng hợp"))
        assert "2/5 doanh nghiệp" in line
        assert "(40,0%)" in line
        assert "500 người" in line and "lao động nữ: 220 người" in line

    def test_a_period_without_approved_reports_says_there_is_no_data(self, plan):
        period = PeriodFactory(year=2026, kind=PeriodKind.HALF_YEAR)
        ws = workbook(period)["Tổng hợp"]
        row = [cell.value for cell in find_row(ws, 1, 1)]
        assert row[4] == pytest.approx(0.905)  # a)'s mid-year milestone of 2026: (90 + 91) / 2 %
        assert row[5:9] == [0, 0, None, "Chưa có số liệu"]


class TestAssessments:
    """Issue 13's rules in the workbook: missed in a target year, provisional while the period
    is open (with the whole commune's minimum), none with too few approved reports."""

    def assessments(self, period):
        ws = workbook(period)["Tổng hợp"]
        return {row[1].value[0]: row[8].value for row in ws.iter_rows() if isinstance(row[0].value, int)}, texts(ws)

    def test_a_closed_target_year_is_achieved_or_missed(self, plan, enterprise_a):
        period = PeriodFactory(year=2025)
        period.state = "closed"
        period.save()
        ReportFactory(enterprise=enterprise_a, period=period, total_workers=100, counts={"a": 95, "e": 20})
        assessments, lines = self.assessments(period)
        assert (assessments["a"], assessments["e"]) == ("Đạt", "Chưa đạt mục tiêu năm 2025")
        assert not any("tạm tính" in line or "Mức tối thiểu" in line for line in lines)

    def test_an_open_period_is_provisional_with_the_whole_communes_minimum(self, plan, enterprise_a, enterprise_b):
        ReportFactory(enterprise=enterprise_b, period=PeriodFactory(year=2025), total_workers=100)
        period = PeriodFactory(year=2026, kind=PeriodKind.HALF_YEAR)
        period.state = "open"
        period.save()
        ReportFactory(enterprise=enterprise_a, period=period, total_workers=100, counts={"a": 95, "e": 20})
        assessments, lines = self.assessments(period)  # 1 of 2 approved: enough to assess
        assert (assessments["a"], assessments["e"]) == ("Đạt (tạm tính)", "Chậm tiến độ (tạm tính)")
        assert "Kỳ báo cáo đang mở: số liệu và đánh giá là tạm tính." in lines
        minimum = next(line for line in lines if line.startswith("Mức tối thiểu toàn xã"))
        assert "tổng cộng 200 CNLĐ" in minimum  # B's 100 workers of 2025 counted as not reached
        assert "a) 47,5%; b) 0,0%; c) 0,0%; d) 0,0%; e) 10,0%." in minimum

    def test_too_few_approved_reports_say_why_there_is_no_assessment(self, data_set):
        _assessments, lines = self.assessments(data_set)
        assert any(line.startswith("Số doanh nghiệp có báo cáo được duyệt chưa đến một nửa") for line in lines)
        minimum = next(line for line in lines if line.startswith("Mức tối thiểu toàn xã"))
        assert "a) 84,0%" in minimum  # the silent ones' headcounts are unknown: 420 / 500


class TestHeaderBlock:
    def test_it_follows_decree_30(self, data_set):
        ws = workbook(data_set)["Tổng hợp"]
        assert (ws["A1"].value, ws["A2"].value) == ("ỦY BAN NHÂN DÂN", "XÃ HOÀNG HỢP")
        assert ws["A1"].font.b and ws["A2"].font.b
        assert (ws["D1"].value, ws["D2"].value) == ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
        assert ws["D1"].font.b and ws["D2"].font.b and ws["D2"].font.u == "single"
        assert re.fullmatch(r"Số: +/BC-UBND", ws["A4"].value)
        assert ws["D4"].value == "Hoàng Hợp, ngày 05 tháng 01 năm 2026"
        assert ws["D4"].font.i
        # The body and the nation are each centred over their own half.
        assert {"A1:C1", "D1:I1", "A2:C2", "D2:I2", "A4:C4", "D4:I4"} <= {str(r) for r in ws.merged_cells.ranges}

    def test_the_title_names_the_plan_and_the_period(self, data_set, plan):
        ws = workbook(data_set)["Tổng hợp"]
        lines = texts(ws)
        title = lines[lines.index("BÁO CÁO") + 1]
        assert title.startswith("Kết quả triển khai thực hiện Chương trình “Đẩy mạnh các hoạt động học tập suốt đời")
        assert title.endswith("trên địa bàn xã Hoàng Hợp năm 2024")
        assert find_row(ws, 1, "BÁO CÁO")[0].font.b
        assert "Kính gửi: Liên đoàn Lao động tỉnh Thanh Hóa" in lines

    def test_recipients_and_signature_close_the_report(self, data_set):
        lines = texts(workbook(data_set)["Tổng hợp"])
        assert lines[lines.index("Nơi nhận:") + 1 :][:6] == [
            "TM. ỦY BAN NHÂN DÂN",
            "- Liên đoàn Lao động tỉnh Thanh Hóa (b/c);",
            "CHỦ TỊCH",
            "- Ủy ban nhân dân tỉnh Thanh Hóa (b/c);",
            "- Lưu: VT.",
            "Lê Văn Phụng",
        ]

    def test_a_deputy_signs_on_behalf_of_the_chair(self, data_set, plan):
        plan.signer_title, plan.signer_name = "Phó Chủ tịch", "Nguyễn Văn Bình"
        plan.save()
        lines = texts(workbook(data_set)["Tổng hợp"])
        signature = [line for line in lines if not line.startswith("-")]
        start = signature.index("TM. ỦY BAN NHÂN DÂN")
        assert signature[start : start + 4] == [
            "TM. ỦY BAN NHÂN DÂN",
            "KT. CHỦ TỊCH",
            "PHÓ CHỦ TỊCH",
            "Nguyễn Văn Bình",
        ]

    def test_the_commune_and_addressee_come_from_settings(self, data_set, settings):
        settings.PORTAL_COMMUNE_NAME = "Hoằng Giang"
        settings.PORTAL_COMMUNE_BODY = "Ủy ban nhân dân xã Hoằng Giang"
        settings.PORTAL_SUPERIOR_BODY = "Ủy ban nhân dân tỉnh Thanh Hoá"
        settings.PORTAL_REPORT_ADDRESSEE = "Liên đoàn Lao động tỉnh Thanh Hoá"
        ws = workbook(data_set, today=datetime.date(2025, 7, 1))["Tổng hợp"]
        assert ws["A2"].value == "XÃ HOẰNG GIANG"
        assert ws["D4"].value == "Hoằng Giang, ngày 01 tháng 7 năm 2025"
        lines = texts(ws)
        assert "Kính gửi: Liên đoàn Lao động tỉnh Thanh Hoá" in lines
        assert "- Ủy ban nhân dân tỉnh Thanh Hoá (b/c);" in lines
        assert not any("Hoàng Hợp" in line and "Kết quả" not in line for line in lines)


class TestEnterpriseSheet:
    def test_approved_reports_come_first_and_are_totalled(self, data_set, enterprise_a, enterprise_b):
        ws = workbook(data_set)["Doanh nghiệp"]
        a = [cell.value for cell in find_row(ws, 2, enterprise_a.name)]
        assert a[2:6] == [enterprise_a.tax_code, "Đã duyệt", 200, 120]
        assert a[6:16:2] == [180, 150, 130, 60, 60]
        assert a[7:16:2] == pytest.approx([0.9, 0.75, 0.65, 0.3, 0.3])
        b = [cell.value for cell in find_row(ws, 2, enterprise_b.name)]
        assert b[3] == "Đã duyệt, nộp muộn"

    def test_the_totals_row_is_formulas_that_agree_with_the_summary(self, data_set):
        ws = workbook(data_set)["Doanh nghiệp"]
        totals = find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")
        row = totals[0].row
        values = {}
        for cell in totals[4:]:
            assert cell.data_type == "f", cell.coordinate
            if cell.value.startswith("=SUM("):
                first, last = re.fullmatch(r"=SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", cell.value).groups()
                values[cell.column_letter] = sum(c.value or 0 for (c,) in ws[f"{first}:{last}"])
            else:
                assert cell.value == f'=IF(E{row}=0,"",{ws.cell(row, cell.column - 1).column_letter}{row}/E{row})'
        assert values["E"] == 500 and values["F"] == 220
        assert [values[letter] for letter in "GIKMO"] == [met for met, _rate, _label in COMMUNE.values()]
        assert totals[4].number_format == "#,##0" and totals[7].number_format == "0.0%"

    def test_the_totals_carry_their_results_for_viewers_that_do_not_recalculate(self, data_set):
        ws = workbook(data_set, data_only=True)["Doanh nghiệp"]
        totals = [cell.value for cell in find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")]
        assert totals[4:6] == [500, 220]
        assert totals[6:16:2] == [met for met, _rate, _label in COMMUNE.values()]
        assert totals[7:16:2] == pytest.approx([rate for _met, rate, _label in COMMUNE.values()])

    def test_a_rate_over_no_workers_is_left_blank(self, year_2024):
        ws = workbook(year_2024, data_only=True)["Doanh nghiệp"]
        totals = [cell.value for cell in find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")]
        assert totals[4:6] == [0, 0]
        assert set(totals[7:16:2]) <= {None, ""}

    def test_reports_not_approved_are_listed_grey_and_italic_outside_the_totals(self, data_set):
        ws = workbook(data_set)["Doanh nghiệp"]
        totals_row = find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")[0].row
        submitted = find_row(ws, 2, INJECTIONS[0])
        assert submitted[0].row > totals_row
        assert [c.value for c in submitted[3:6]] == ["Đã gửi (chờ duyệt)", 1000, 500]
        assert submitted[1].font.i and submitted[1].font.color.rgb.endswith(exports.MUTED)
        missing = find_row(ws, 2, INJECTIONS[1])
        assert missing[3].value == "Chưa báo cáo" and missing[4].value is None

    def test_a_draft_shows_its_status_but_not_its_figures(self, data_set):
        draft = [cell.value for cell in find_row(workbook(data_set)["Doanh nghiệp"], 2, INJECTIONS[2])]
        assert draft[3] == "Bản nháp"
        assert set(draft[4:]) == {None}

    @pytest.mark.parametrize(
        "status, label, shown",
        [
            (ReportStatus.SUBMITTED, "Đã gửi (chờ duyệt)", True),  # greyed, outside the totals
            (ReportStatus.RETURNED, "Bị trả lại", False),
            (ReportStatus.DRAFT, "Bản nháp", False),
        ],
    )
    def test_figures_not_approved_are_shown_only_when_submitted_as_on_the_dashboard(
        self, year_2024, status, label, shown
    ):
        from dashboard import layout

        enterprise = EnterpriseFactory(name="Công ty Én Bạc", tax_code="2801000009")
        ReportFactory(
            enterprise=enterprise, period=year_2024, status=status, total_workers=60, female_workers=30, counts={"a": 6}
        )
        row = [cell.value for cell in find_row(workbook(year_2024)["Doanh nghiệp"], 2, enterprise.name)]
        assert row[3] == label
        assert (row[4:8] == [60, 30, 6, pytest.approx(0.1)]) is shown
        assert shown or set(row[4:]) == {None}
        # The dashboard's table follows the same rule (layout.shown_rates).
        (dashboard_row,) = [r for r in progress.enterprise_rows(year_2024) if r.enterprise_id == enterprise.pk]
        assert bool(layout.shown_rates(dashboard_row)) is shown

    def test_lateness_follows_the_periods_current_deadline(self, data_set, enterprise_b, official):
        from indicators import services

        assert find_row(workbook(data_set)["Doanh nghiệp"], 2, enterprise_b.name)[3].value == "Đã duyệt, nộp muộn"
        services.period_set_deadline(
            period=data_set, actor=official, deadline=data_set.deadline + datetime.timedelta(days=1)
        )
        data_set.refresh_from_db()
        assert find_row(workbook(data_set)["Doanh nghiệp"], 2, enterprise_b.name)[3].value == "Đã duyệt"

    def test_the_sheet_says_which_reports_the_totals_count(self, data_set):
        note = next(t for t in texts(workbook(data_set)["Doanh nghiệp"]) if t.startswith("Ghi chú"))
        assert "chỉ cộng các báo cáo đã được duyệt" in note and "“Tổng hợp”" in note
        assert "báo cáo đã gửi, đang chờ duyệt được hiển thị" in note and "bị trả lại" in note


class TestTasksAndActivities:
    @pytest.fixture
    def activities(self, data_set, enterprise_a, enterprise_b):
        task = Task.objects.get(group__number=1, letter="c")
        week = ActivityFactory(
            task=task,
            date=datetime.date(2024, 10, 2),
            title="Tuần lễ hưởng ứng học tập suốt đời",
            place="Nhà văn hoá xã",
            organiser="UBND xã",
            workers_reached=120,
        )
        week.enterprises.set([enterprise_b, enterprise_a])
        ActivityFactory(
            task=task,
            date=datetime.date(2024, 4, 21),
            title="=cmd|' /C calc'!A0",
            place="-2+3",
            organiser="Thư viện\x07 xã",
            workers_reached=30,
        )
        ActivityFactory(task=task, date=datetime.date(2025, 1, 2), title="Next year's")  # outside the period
        return task

    def test_every_task_is_listed_under_its_group_with_units_status_and_activity_count(self, data_set, activities):
        ws = workbook(data_set)["Nhiệm vụ"]
        assert len([c for c in ws["A"] if re.fullmatch(r"\d[a-zđ]", str(c.value or ""))]) == 17
        row = [cell.value for cell in find_row(ws, 1, "1c")]
        assert row[1] == activities.text
        assert row[2] == activities.lead_unit.name
        assert row[3] == "; ".join(u.name for u in activities.coordinating_units.all())
        assert row[4] == activities.get_status_display()
        assert row[5] == 2
        assert find_row(ws, 1, f"1. {activities.group.title}")

    def test_the_activities_sheet_lists_the_periods_activities(self, data_set, activities, enterprise_a, enterprise_b):
        ws = workbook(data_set)["Hoạt động"]
        first = [cell.value for cell in find_row(ws, 4, "=cmd|' /C calc'!A0")]
        week = [cell.value for cell in find_row(ws, 4, "Tuần lễ hưởng ứng học tập suốt đời")]
        assert first[:3] == [1, datetime.datetime(2024, 4, 21), "1c"]
        assert week[4:8] == ["Nhà văn hoá xã", "UBND xã", f"{enterprise_b.name}; {enterprise_a.name}", 120]  # by name
        assert find_row(ws, 4, "Cộng (lượt CNLĐ tham gia)")[7].value.startswith("=SUM(H")
        assert "Next year's" not in texts(ws)
        date_cell = find_row(ws, 4, "Tuần lễ hưởng ứng học tập suốt đời")[1]
        assert date_cell.is_date and date_cell.number_format == "DD/MM/YYYY"

    def test_user_text_that_looks_like_a_formula_stays_text(self, data_set, activities):
        book = workbook(data_set)
        ws = book["Hoạt động"]
        for value in ("=cmd|' /C calc'!A0", "-2+3"):
            cell = next(c for row in ws.iter_rows() for c in row if c.value == value)
            assert cell.data_type == "s" and cell.quotePrefix
        assert "Thư viện xã" in texts(ws)  # the bell character Excel refuses is gone


class TestSafety:
    def test_enterprise_names_that_look_like_formulas_stay_text(self, data_set):
        ws = workbook(data_set)["Doanh nghiệp"]
        for name in INJECTIONS:
            cell = find_row(ws, 2, name)[1]
            assert cell.data_type == "s"
            assert cell.quotePrefix  # Excel keeps it text even when the cell is edited

    def test_the_only_formulas_in_the_file_are_the_totals(self, data_set):
        buffer = io.BytesIO()
        exports.write_district_report(data_set, buffer, today=TODAY)
        book = load_workbook(buffer)
        formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
        totals_row = find_row(book["Doanh nghiệp"], 2, "Cộng (các báo cáo đã duyệt)")[0].row
        # Doanh nghiệp: E..P of the totals row; Nhiệm vụ: its total (Hoạt động has no activity).
        assert len(formulas) == 12 + 1
        assert f"E{totals_row}" in formulas

    def test_characters_excel_rejects_are_removed(self, year_2024):
        EnterpriseFactory(name="Công ty\x01 TNHH\x1b Lạ\ufffe", tax_code="2801000009")
        ws = workbook(year_2024)["Doanh nghiệp"]
        assert find_row(ws, 2, "Công ty TNHH Lạ")


class TestLayout:
    def test_times_new_roman_throughout(self, data_set):
        book = workbook(data_set)
        fonts = {
            (c.font.name, c.font.scheme) for ws in book for row in ws.iter_rows() for c in row if c.value is not None
        }
        # No font is tied to the theme's body font, which Excel would show instead of the name.
        assert fonts == {("Times New Roman", None)}
        assert book._fonts[0].name == "Times New Roman"  # the default, for empty cells and widths

    def test_every_sheet_prints_on_a4_fitted_to_the_width(self, data_set):
        book = workbook(data_set)
        for ws in book:
            assert ws.page_setup.paperSize in ("9", 9)
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            # fitToWidth="1" is the default, which XlsxWriter leaves out.
            assert (int(ws.page_setup.fitToWidth or 1), int(ws.page_setup.fitToHeight)) == (1, 0)
        assert book["Tổng hợp"].page_setup.orientation == "portrait"
        assert {book[name].page_setup.orientation for name in ("Doanh nghiệp", "Nhiệm vụ", "Hoạt động")} == {
            "landscape"
        }

    def test_the_list_sheets_number_their_pages_and_the_report_page_has_no_number(self, data_set):
        book = workbook(data_set)
        assert not book["Tổng hợp"].oddHeader.center.text  # Decree 30/2020: none on the first page
        for name in ("Doanh nghiệp", "Nhiệm vụ", "Hoạt động"):
            header = book[name].oddHeader.center
            assert header.text.strip() == "&P" and header.font == "Times New Roman,Regular"

    def test_the_lists_freeze_and_repeat_their_header_rows(self, data_set):
        book = workbook(data_set)
        enterprises = book["Doanh nghiệp"]
        assert enterprises.freeze_panes == "C8"  # and the names stay in view
        assert enterprises.print_title_rows == "$6:$7"
        assert (enterprises["A6"].value, enterprises["G7"].value) == ("STT", "Số CNLĐ đạt")
        for name in ("Nhiệm vụ", "Hoạt động"):
            ws = book[name]
            assert ws.freeze_panes == "A6"
            assert ws.print_title_rows == "$5:$5"
            assert ws["A5"].value in ("Mã", "STT")

    def test_columns_have_widths_and_text_wraps(self, data_set):
        ws = workbook(data_set)["Nhiệm vụ"]
        assert ws.column_dimensions["B"].width >= 40
        task = find_row(ws, 1, "1a")
        assert task[1].alignment.wrap_text
        assert ws.row_dimensions[task[1].row].height > 30  # the long task text gets its lines

    def test_empty_spacer_rows_keep_their_heights(self, data_set):
        ws = workbook(data_set)["Tổng hợp"]
        # Heights are stored in whole pixels: 8 pt is 11 px, 8.25 pt.
        assert ws["A3"].value is None and ws.row_dimensions[3].height == pytest.approx(8, abs=0.5)
        assert ws["A5"].value is None and ws.row_dimensions[5].height == pytest.approx(12, abs=0.5)

    def test_the_enterprise_headings_stand_over_both_header_rows(self, data_set):
        ws = workbook(data_set)["Doanh nghiệp"]
        # An indicator's name is merged over its two columns, above "met" and "rate".
        assert {"G6:H6", "I6:J6", "O6:P6"} <= {str(r) for r in ws.merged_cells.ranges}
        # The first columns' headings are boxes of two cells without a border between.
        for letter in "ABCDEF":
            upper, lower = ws[f"{letter}6"], ws[f"{letter}7"]
            assert upper.value and lower.value is None
            assert upper.border.bottom.style is None and lower.border.top.style is None
            assert upper.border.top.style == lower.border.bottom.style == "thin"
            assert upper.border.left.style == lower.border.left.style == "thin"


class TestQueries:
    def test_the_export_runs_a_fixed_number_of_queries_however_many_enterprises(
        self, data_set, django_assert_max_num_queries
    ):
        for number in range(30):
            enterprise = EnterpriseFactory(tax_code=f"28020000{number:02d}")
            ReportFactory(enterprise=enterprise, period=data_set, counts={"a": 50, "b": 40})
        # 17, +2 for issue 13 (the lower bound's tokens and headcount), +1 for the data sheet
        # (it reads the enterprise rows again, from the figures cache: its token).
        with django_assert_max_num_queries(20):
            exports.write_district_report(data_set, io.BytesIO(), today=TODAY)


class TestDownload:
    def test_the_official_downloads_the_workbook(self, client_for, official, data_set):
        response = client_for(official).get(reverse("indicators:report_export", args=["2024"]))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-hoang-hop-2024.xlsx"'
        assert "no-store" in response["Cache-Control"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.sheetnames[0] == "Tổng hợp"

    def test_the_district_viewer_downloads_it_too(self, client_for, viewer, data_set):
        assert client_for(viewer).get(reverse("indicators:report_export", args=["2024"])).status_code == 200

    def test_a_union_officer_is_refused(self, client_for, officer_a, data_set):
        assert client_for(officer_a).get(reverse("indicators:report_export", args=["2024"])).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_the_login_page(self, client_for, data_set):
        url = reverse("indicators:report_export", args=["2024"])
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_an_unknown_period_is_not_found(self, client_for, official, plan):
        assert client_for(official).get(reverse("indicators:report_export", args=["2099"])).status_code == 404

    def test_a_six_month_period_names_the_file_by_its_code(self, client_for, official, plan):
        period = PeriodFactory(year=2025, kind=PeriodKind.HALF_YEAR)
        response = client_for(official).get(reverse("indicators:report_export", args=[period.code]))
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-hoang-hop-2025-h1.xlsx"'
        response.close()

    def test_the_download_is_read_only(self, client_for, official, data_set):
        assert client_for(official).post(reverse("indicators:report_export", args=["2024"])).status_code == 405


def soffice():
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if path is None:
        if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required (REQUIRE_LIBREOFFICE=1) but not installed")
        pytest.skip("LibreOffice is not installed")
    return path


def convert_to_csv(tmp_path, workbook_path):
    """Every sheet as CSV (UTF-8, raw values, formulas computed), as LibreOffice reads it."""
    # Its own profile, so that a LibreOffice already running elsewhere does not block it.
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(tmp_path),
            str(workbook_path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {}
    for path in tmp_path.glob(f"{workbook_path.stem}-*.csv"):
        with open(path, encoding="utf-8", newline="") as handle:
            sheets[path.stem.removeprefix(f"{workbook_path.stem}-")] = list(csv.reader(handle))
    return sheets


def fraction(shown: str) -> float:
    """A percent cell as LibreOffice writes it raw: '0.84', or '84%' for percent cells."""
    return float(shown[:-1]) / 100 if shown.endswith("%") else float(shown)


def test_libreoffice_opens_the_workbook_and_shows_the_figures(tmp_path, data_set, indicators):
    path = tmp_path / "bao-cao.xlsx"
    with open(path, "wb") as handle:
        exports.write_district_report(data_set, handle, today=TODAY)
    sheets = convert_to_csv(tmp_path, path)
    summary = sheets["Tổng hợp"]
    assert summary[0] == ["ỦY BAN NHÂN DÂN", "", "", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "", "", "", "", ""]
    for code, (met, rate, assessment) in COMMUNE.items():
        row = next(r for r in summary if len(r) > 1 and r[1] == f"{code}) {indicators[code].name}")
        assert fraction(row[4]) == pytest.approx(MILESTONES_2024[code])
        assert [int(row[5]), int(row[6])] == [met, 500]
        assert fraction(row[7]) == pytest.approx(rate)
        assert row[8] == assessment
    # LibreOffice computes the totals formulas to the commune's figures.
    totals = next(r for r in sheets["Doanh nghiệp"] if len(r) > 1 and r[1] == "Cộng (các báo cáo đã duyệt)")
    assert [int(totals[4]), int(totals[5])] == [500, 220]
    assert [int(totals[i]) for i in range(6, 16, 2)] == [met for met, _r, _l in COMMUNE.values()]
    assert [fraction(totals[i]) for i in range(7, 16, 2)] == pytest.approx([r for _m, r, _l in COMMUNE.values()])
    # Formula-looking names are shown as the text they are.
    names = {r[1] for r in sheets["Doanh nghiệp"] if len(r) > 1}
    assert set(INJECTIONS) <= names
