"""The report's appendices (the Excel workbook): figures, layout, safety, and who may download it.

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
Workers short of the targets at 500 workers: ceil(target × 500 − met), 2025 and 2030:
a 30 and 55, b 10 and 75, c 0 and 85, d 175 and 250, e 15 and 140.
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
from django.utils import translation
from openpyxl import load_workbook

from core.xlsx_writing import LANDSCAPE_WIDTH, XLSX_CONTENT_TYPE
from indicators import exports, progress
from indicators.models import PeriodKind, ReportStatus
from plans.models import Task, TaskStatus
from reports.models import Narrative, ReportKind
from tests.factories import (
    ActivityFactory,
    CommuneLeaderFactory,
    EnterpriseFactory,
    PeriodFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

INJECTIONS = ['=HYPERLINK("http://evil.example","bấm vào")', "+1 Công ty", "@SUM(A1)"]
# 2 of the 5 enterprises have an approved report: fewer than half, so no assessment
# (TestAssessments has periods with enough reports).
WITHHELD = "Chưa đủ báo cáo để đánh giá"
COMMUNE = {
    # code: (met, rate in percent, assessment)
    "a": (420, 84, WITHHELD),
    "b": (350, 70, WITHHELD),
    "c": (340, 68, WITHHELD),
    "d": (150, 30, WITHHELD),
    "e": (160, 32, WITHHELD),
}
MILESTONES_2024 = {"a": 45, "b": 36, "c": 32.5, "d": 32.5, "e": 17.5}
TARGETS = {"a": (90, 95), "b": (72, 85), "c": (65, 85), "d": (65, 80), "e": (35, 60)}
GAPS = {"a": (30, 55), "b": (10, 75), "c": (0, 85), "d": (175, 250), "e": (15, 140)}
APPENDIX_I, APPENDIX_II, APPENDIX_III = "Phụ lục I", "Phụ lục II", "Phụ lục III"
TITLES = [
    "Phụ lục I – Kết quả thực hiện các chỉ tiêu",
    "Phụ lục II – Kết quả theo doanh nghiệp",
    "Phụ lục III – Nhiệm vụ và hoạt động",
]
QUERIES = 28  # TestQueries: 20 before the appendices, see there
BLANK_REFERENCE = "(Kèm theo Báo cáo số ……/BC-UBND ngày ……/……/…… của Ủy ban nhân dân xã Hoàng Hợp)"


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


def workbook(period, *, data_only=False):
    """The workbook as openpyxl reads it back; data_only: the formulas' stored results."""
    buffer = io.BytesIO()
    exports.write_district_report(period, buffer)
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


def close(period):
    period.state = "closed"
    period.save()
    return period


def history_on(task, when: datetime.date):
    """Date the task's latest history record (its last change) on `when`, at noon."""
    record = task.history.order_by("-history_date", "-history_id").first()
    moment = datetime.datetime.combine(when, datetime.time(12), tzinfo=datetime.UTC)
    task.history.filter(history_id=record.history_id).update(history_date=moment)


class TestAppendices:
    def test_the_workbook_is_the_three_appendices_and_the_data_sheet(self, data_set):
        assert workbook(data_set).sheetnames == [APPENDIX_I, APPENDIX_II, APPENDIX_III, "Dữ liệu"]

    def test_each_appendix_is_titled_as_the_report_cites_it(self, data_set):
        book = workbook(data_set)
        for name, title in zip((APPENDIX_I, APPENDIX_II, APPENDIX_III), TITLES, strict=True):
            ws = book[name]
            number = find_row(ws, 1, name)[0]
            heading = ws.cell(number.row + 1, 1)
            # Decree 30: "Phụ lục I" 14 pt bold, its title below in capitals, 14 pt bold.
            assert f"{number.value} – {heading.value}".upper() == title.upper()
            assert heading.value == heading.value.upper()
            assert (number.font.b, number.font.sz, heading.font.b, heading.font.sz) == (True, 14, True, 14)
        # The Word report cites them by the same names.
        with translation.override("vi"):
            assert exports.appendix_titles() == TITLES

    def test_each_appendix_says_which_report_it_is_attached_to_with_blanks_to_fill_by_hand(self, data_set):
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            cell = find_row(book[name], 1, BLANK_REFERENCE)[0]
            assert cell.font.i and cell.font.sz == 14
            period = "Kỳ báo cáo: năm 2024 (từ 01/01/2024 đến 31/12/2024). Số liệu tính đến "
            assert any(line.startswith(period) for line in texts(book[name]))

    def test_the_reports_number_and_date_fill_the_attached_line(self, data_set):
        Narrative.objects.create(period=data_set, kind=ReportKind.PERIODIC, number=15, issued_on="2025-01-05")
        line = "(Kèm theo Báo cáo số 15/BC-UBND ngày 05/01/2025 của Ủy ban nhân dân xã Hoàng Hợp)"
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            assert line in texts(book[name])

    def test_the_commune_chair_signs_by_default_never_the_plans_signer(self, data_set, plan):
        assert plan.signer_name == "Lê Văn Phụng"
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            lines = texts(book[name])
            start = lines.index("TM. ỦY BAN NHÂN DÂN")
            assert lines[start : start + 3] == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"]
            assert not any("Lê Văn Phụng" in line for line in lines)

    def test_the_reports_signer_signs_its_appendices(self, data_set):
        Narrative.objects.create(
            period=data_set, kind=ReportKind.PERIODIC, signer_title="Phó Chủ tịch", signer_name="Lê Thị Hoa"
        )
        lines = texts(workbook(data_set)[APPENDIX_II])
        start = lines.index("TM. ỦY BAN NHÂN DÂN")
        assert lines[start : start + 4] == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Hoa"]

    def test_the_commune_and_its_leaders_come_from_its_row(self, data_set, commune):
        commune.name = commune.place = "Hoằng Giang"
        commune.body = "Ủy ban nhân dân xã Hoằng Giang"
        commune.save()
        commune.leaders.all().delete()
        CommuneLeaderFactory(commune=commune, name="Trần Văn Cường", position="Chủ tịch")
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            lines = texts(book[name])
            assert BLANK_REFERENCE.replace("Hoàng Hợp", "Hoằng Giang") in lines
            assert "Trần Văn Cường" in lines
            assert not any("Hoàng Hợp" in line for line in lines if "Kèm theo" in line or "Nguyễn" in line)

    def test_a_draft_says_so_and_why(self, data_set):
        lines = texts(workbook(data_set)[APPENDIX_I])
        assert "DỰ THẢO" in lines
        why = next(line for line in lines if line.startswith("Dự thảo, chưa ký ban hành:"))
        assert "2/5 doanh nghiệp có báo cáo được duyệt (40,0%)" in why

    def test_a_closed_period_with_every_report_approved_is_no_draft(self, plan, enterprise_a):
        period = close(PeriodFactory(year=2024))
        ReportFactory(enterprise=enterprise_a, period=period, total_workers=100, counts={"a": 95})
        book = workbook(period)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            assert not any(line.startswith("DỰ THẢO") for line in texts(book[name]))


class TestIndicatorAppendix:
    def test_the_table_has_milestone_and_gap_columns(self, data_set):
        ws = workbook(data_set)[APPENDIX_I]
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
            "Số CNLĐ còn thiếu so với mục tiêu năm 2025",
            "Số CNLĐ còn thiếu so với mục tiêu năm 2030",
            "Đánh giá",
        ]

    def test_every_figure_is_the_hand_computed_one(self, data_set, indicators):
        ws = workbook(data_set)[APPENDIX_I]
        for number, (code, (met, rate, assessment)) in enumerate(COMMUNE.items(), start=1):
            row = [cell.value for cell in find_row(ws, 2, f"{code}) {indicators[code].name}")]
            assert row[0] == number
            assert row[2:4] == pytest.approx(list(TARGETS[code]))
            assert row[4] == pytest.approx(MILESTONES_2024[code])
            assert row[5:7] == [met, 500]
            assert row[7] == pytest.approx(rate)
            assert tuple(row[8:10]) == GAPS[code]
            assert row[10] == assessment

    def test_milestone_and_gap_are_those_of_progress(self, data_set):
        ws = workbook(data_set)[APPENDIX_I]
        commune = progress.commune_progress(data_set)
        for item in commune.indicators:
            row = [cell.value for cell in find_row(ws, 2, f"{item.code}) {item.name}")]
            assert Decimal(str(row[4])) == pytest.approx(item.milestone, abs=Decimal("1e-12"))
            assert row[5] == item.met
            assert row[6] == item.total_workers == commune.total_workers
            assert Decimal(str(row[7])) == pytest.approx(item.rate, abs=Decimal("1e-12"))
            assert row[8:10] == [item.gap(2025), item.gap(2030)]
            assert row[10] == str(item.status_label)

    def test_counts_and_rates_are_numbers_with_number_formats(self, data_set, indicators):
        ws = workbook(data_set)[APPENDIX_I]
        row = find_row(ws, 2, f"a) {indicators['a'].name}")
        number_, _name, target_2025, target_2030, milestone, met, total, rate, gap_2025, gap_2030, _a = row
        cells = (number_, met, total, rate, milestone, gap_2025, gap_2030)
        assert {cell.data_type for cell in cells} == {"n"}
        assert met.number_format == total.number_format == gap_2025.number_format == "#,##0"
        assert rate.number_format == target_2025.number_format == target_2030.number_format == "0.0"
        assert milestone.number_format == "0.0"

    def test_the_completeness_line_says_how_many_reports_the_figures_come_from(self, data_set):
        ws = workbook(data_set)[APPENDIX_I]
        line = next(text for text in texts(ws) if text.startswith("Số liệu tổng hợp"))
        assert "2/5 doanh nghiệp" in line
        assert "(40,0%)" in line
        assert "500 người" in line and "lao động nữ: 220 người" in line

    def test_a_period_without_approved_reports_says_there_is_no_data(self, plan):
        period = PeriodFactory(year=2026, kind=PeriodKind.HALF_YEAR)
        ws = workbook(period)[APPENDIX_I]
        row = [cell.value for cell in find_row(ws, 1, 1)]
        assert row[4] == pytest.approx(90.5)  # a)'s mid-year milestone of 2026: (90 + 91) / 2 %
        assert row[5:11] == [0, 0, None, None, None, "Chưa có số liệu"]


class TestAssessments:
    """Issue 13's rules in the workbook: missed in a target year, provisional while the period
    is open (with the whole commune's minimum), none with too few approved reports."""

    def assessments(self, period):
        ws = workbook(period)[APPENDIX_I]
        return {row[1].value[0]: row[10].value for row in ws.iter_rows() if isinstance(row[0].value, int)}, texts(ws)

    def test_a_closed_target_year_is_achieved_or_missed(self, plan, enterprise_a):
        period = close(PeriodFactory(year=2025))
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


class TestEnterpriseAppendix:
    def test_status_lateness_and_following_are_columns_of_their_own(self, data_set, enterprise_a, enterprise_b):
        ws = workbook(data_set)[APPENDIX_II]
        header = [cell.value for cell in find_row(ws, 1, "STT")][:8]
        assert header == [
            "STT",
            "Tên doanh nghiệp",
            "Mã số thuế",
            "Tình trạng báo cáo",
            "Nộp muộn",
            "Theo dõi trong kỳ",
            "Tổng số CNLĐ",
            "Lao động nữ",
        ]
        a = [cell.value for cell in find_row(ws, 2, enterprise_a.name)]
        assert a[2:8] == [enterprise_a.tax_code, "Đã duyệt", "Không", "Có", 200, 120]
        assert a[8:18:2] == [180, 150, 130, 60, 60]
        assert a[9:18:2] == pytest.approx([90, 75, 65, 30, 30])
        b = [cell.value for cell in find_row(ws, 2, enterprise_b.name)]
        assert b[3:6] == ["Đã duyệt", "Có", "Có"]

    def test_an_enterprise_not_followed_in_the_period_counts_by_its_report_and_says_so(self, data_set):
        stopped = EnterpriseFactory(name="Công ty đã ngừng theo dõi", tax_code="2801000010", is_active=False)
        ReportFactory(enterprise=stopped, period=data_set, total_workers=10, counts={"a": 1})
        row = [cell.value for cell in find_row(workbook(data_set)[APPENDIX_II], 2, stopped.name)]
        assert row[3:6] == ["Đã duyệt", "Không", "Không"]

    def test_the_totals_row_is_formulas_that_agree_with_appendix_i(self, data_set):
        ws = workbook(data_set)[APPENDIX_II]
        totals = find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")
        row = totals[0].row
        values = {}
        for cell in totals[6:]:
            assert cell.data_type == "f", cell.coordinate
            if cell.value.startswith("=SUM("):
                first, last = re.fullmatch(r"=SUM\(([A-Z]+\d+):([A-Z]+\d+)\)", cell.value).groups()
                values[cell.column_letter] = sum(c.value or 0 for (c,) in ws[f"{first}:{last}"])
            else:
                met = ws.cell(row, cell.column - 1).column_letter
                assert cell.value == f'=IF(G{row}=0,"",{met}{row}/G{row}*100)'
        assert values["G"] == 500 and values["H"] == 220
        assert [values[letter] for letter in "IKMOQ"] == [met for met, _rate, _label in COMMUNE.values()]
        assert totals[6].number_format == "#,##0" and totals[9].number_format == "0.0"

    def test_the_totals_carry_their_results_for_viewers_that_do_not_recalculate(self, data_set):
        ws = workbook(data_set, data_only=True)[APPENDIX_II]
        totals = [cell.value for cell in find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")]
        assert totals[6:8] == [500, 220]
        assert totals[8:18:2] == [met for met, _rate, _label in COMMUNE.values()]
        assert totals[9:18:2] == pytest.approx([rate for _met, rate, _label in COMMUNE.values()])

    def test_a_rate_over_no_workers_is_left_blank(self, year_2024):
        ws = workbook(year_2024, data_only=True)[APPENDIX_II]
        totals = [cell.value for cell in find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")]
        assert totals[6:8] == [0, 0]
        assert set(totals[9:18:2]) <= {None, ""}

    def test_reports_not_approved_are_listed_grey_and_italic_by_their_status_alone(self, data_set):
        ws = workbook(data_set)[APPENDIX_II]
        totals_row = find_row(ws, 2, "Cộng (các báo cáo đã duyệt)")[0].row
        submitted = find_row(ws, 2, INJECTIONS[0])
        assert submitted[0].row > totals_row
        assert [c.value for c in submitted[3:6]] == ["Đã gửi (chờ duyệt)", "Không", "Có"]
        assert {c.value for c in submitted[6:]} == {None}
        assert submitted[1].font.i and submitted[1].font.color.rgb.endswith(exports.MUTED)
        missing = find_row(ws, 2, INJECTIONS[1])
        assert [c.value for c in missing[3:6]] == ["Chưa báo cáo", None, "Có"]

    @pytest.mark.parametrize(
        "status, label",
        [
            (ReportStatus.SUBMITTED, "Đã gửi (chờ duyệt)"),
            (ReportStatus.RETURNED, "Bị trả lại"),
            (ReportStatus.DRAFT, "Bản nháp"),
        ],
    )
    def test_only_approved_reports_show_figures(self, year_2024, status, label):
        enterprise = EnterpriseFactory(name="Công ty Én Bạc", tax_code="2801000009")
        ReportFactory(
            enterprise=enterprise, period=year_2024, status=status, total_workers=60, female_workers=30, counts={"a": 6}
        )
        row = [cell.value for cell in find_row(workbook(year_2024)[APPENDIX_II], 2, enterprise.name)]
        assert row[3] == label
        assert set(row[6:]) == {None}

    def test_lateness_follows_the_periods_current_deadline(self, data_set, enterprise_b, official):
        from indicators import services

        assert find_row(workbook(data_set)[APPENDIX_II], 2, enterprise_b.name)[4].value == "Có"
        services.period_set_deadline(
            period=data_set, actor=official, deadline=data_set.deadline + datetime.timedelta(days=1)
        )
        data_set.refresh_from_db()
        assert find_row(workbook(data_set)[APPENDIX_II], 2, enterprise_b.name)[4].value == "Không"

    def test_the_appendix_says_which_figures_it_shows(self, data_set):
        note = next(t for t in texts(workbook(data_set)[APPENDIX_II]) if t.startswith("Chỉ ghi số liệu"))
        assert "dòng “Cộng” bằng số liệu của xã tại Phụ lục I" in note and "Theo dõi trong kỳ" in note


class TestTaskAppendix:
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
            title="Ngày Sách\x07 21/4",
            place="Thư viện xã",
            organiser="Thư viện xã",
            workers_reached=30,
        )
        ActivityFactory(task=task, date=datetime.date(2025, 1, 2), title="Next year's")  # outside the period
        return task

    def test_every_task_is_listed_under_its_group_with_its_units_and_activities(self, data_set, activities):
        ws = workbook(data_set)[APPENDIX_III]
        assert len([c for c in ws["A"] if re.fullmatch(r"\d[a-zđ]", str(c.value or ""))]) == 17
        row = find_row(ws, 1, "1c")
        values = [cell.value for cell in row]
        assert values[1] == activities.text
        assert values[2] == activities.lead_unit.name
        assert values[3] == "; ".join(u.name for u in activities.coordinating_units.all())
        # The period's activities by date, one a row, beside their task; the next year's not.
        assert values[4] == "21/04/2024: Ngày Sách 21/4 (Thư viện xã; 30 lượt CNLĐ)"  # the bell character is gone
        assert (
            ws.cell(row[0].row + 1, 5).value
            == "02/10/2024: Tuần lễ hưởng ứng học tập suốt đời (Nhà văn hoá xã; 120 lượt CNLĐ)"
        )
        assert values[5] == 2
        assert "Next year's" not in " ".join(texts(ws))
        assert find_row(ws, 1, f"1. {activities.group.title}")
        assert find_row(ws, 2, "Cộng")[5].value.startswith("=SUM(F")

    def test_a_tasks_cells_stand_over_its_activities_as_one_box(self, data_set, activities):
        ws = workbook(data_set)[APPENDIX_III]
        first = find_row(ws, 1, "1c")[0].row
        upper, lower = ws.cell(first, 2), ws.cell(first + 1, 2)
        assert lower.value is None
        assert upper.border.bottom.style is None and lower.border.top.style is None
        assert ws.cell(first, 5).border.bottom.style == "thin"  # the activities are rows of their own

    def test_task_status_and_notes_are_those_at_the_periods_end(self, data_set, plan):
        task = Task.objects.get(group__number=2, letter="a")
        history_on(task, datetime.date(2024, 3, 1))  # loaded before the period ended: not started
        task.status, task.progress_notes = TaskStatus.DONE, "Hoàn thành tháng 3/2025."
        task.save()
        history_on(task, datetime.date(2025, 3, 15))
        period_2025 = PeriodFactory(year=2025)

        row_2024 = [c.value for c in find_row(workbook(data_set)[APPENDIX_III], 1, "2a")]
        assert row_2024[6:8] == ["Chưa triển khai", None]
        row_2025 = [c.value for c in find_row(workbook(period_2025)[APPENDIX_III], 1, "2a")]
        assert row_2025[6:8] == ["Hoàn thành", "Hoàn thành tháng 3/2025."]

    def test_a_task_recorded_after_the_period_is_not_started_unless_something_was_done(self, data_set, activities):
        # The plan was loaded today: no task has a history by the end of 2024.
        ws = workbook(data_set)[APPENDIX_III]
        assert find_row(ws, 1, "1a")[6].value == "Chưa triển khai"
        assert find_row(ws, 1, "1c")[6].value == "–"  # activities in 2024, status unknown then

    def test_notes_that_look_like_a_formula_stay_text(self, data_set, plan):
        task = Task.objects.get(group__number=2, letter="b")
        task.progress_notes = "=cmd|' /C calc'!A0"
        task.save()
        history_on(task, datetime.date(2024, 6, 1))
        cell = find_row(workbook(data_set)[APPENDIX_III], 1, "2b")[7]
        assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" and cell.quotePrefix


class TestSafety:
    def test_enterprise_names_that_look_like_formulas_stay_text(self, data_set):
        ws = workbook(data_set)[APPENDIX_II]
        for name in INJECTIONS:
            cell = find_row(ws, 2, name)[1]
            assert cell.data_type == "s"
            assert cell.quotePrefix  # Excel keeps it text even when the cell is edited

    def test_the_only_formulas_in_the_file_are_the_totals(self, data_set):
        book = workbook(data_set)
        formulas = [c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"]
        totals_row = find_row(book[APPENDIX_II], 2, "Cộng (các báo cáo đã duyệt)")[0].row
        # Phụ lục II: G..R of the totals row; Phụ lục III: its total of activities.
        assert len(formulas) == 12 + 1
        assert f"G{totals_row}" in formulas

    def test_characters_excel_rejects_are_removed(self, year_2024):
        EnterpriseFactory(name="Công ty\x01 TNHH\x1b Lạ\ufffe", tax_code="2801000009")
        ws = workbook(year_2024)[APPENDIX_II]
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

    def test_the_appendices_print_at_100_percent_in_landscape_with_decree_30_margins(self, data_set):
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            ws = book[name]
            assert ws.page_setup.paperSize in ("9", 9)
            assert ws.page_setup.orientation == "landscape"
            # Never shrunk to the page (scale 100 is the default, which XlsxWriter leaves out).
            assert not ws.sheet_properties.pageSetUpPr.fitToPage
            assert int(ws.page_setup.scale or 100) == 100 and ws.page_setup.fitToWidth is None
            margins = ws.page_margins
            mm = [round(side * 25.4) for side in (margins.left, margins.right, margins.top, margins.bottom)]
            assert mm[0] >= 20 and mm[1] >= 15 and mm[2] >= 20 and mm[3] >= 20, mm

    def test_the_columns_fit_the_printed_page_at_100_percent(self, data_set):
        sheets = list(exports.DistrictReport(data_set).sheets())[:3]
        for sheet in sheets:
            assert sum(sheet.widths) <= LANDSCAPE_WIDTH, sheet.title

    def test_type_is_never_smaller_than_decree_30_allows(self, data_set):
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            sizes = {c.font.sz for row in book[name].iter_rows() for c in row if c.value is not None}
            assert min(sizes) >= 11, name  # tables 11–12 pt, titles 14 pt

    def test_every_appendix_numbers_its_pages(self, data_set):
        book = workbook(data_set)
        for name in (APPENDIX_I, APPENDIX_II, APPENDIX_III):
            header = book[name].oddHeader.center
            assert header.text.strip() == "&P" and header.font == "Times New Roman,Regular"

    def test_the_lists_freeze_and_repeat_their_header_rows_on_every_page(self, data_set):
        book = workbook(data_set)
        for name, first_cell, rows in ((APPENDIX_II, "STT", 2), (APPENDIX_III, "Mã", 1)):
            ws = book[name]
            header = find_row(ws, 1, first_cell)[0].row
            assert ws.print_title_rows == f"${header}:${header + rows - 1}"
            assert ws.freeze_panes.endswith(str(header + rows))
        assert book[APPENDIX_II].freeze_panes.startswith("C")  # the names stay in view

    def test_the_indicator_table_ends_on_its_first_page_so_its_header_is_not_repeated(self, data_set):
        # Else the header would stand alone over the notes and the signature on page 2.
        ws = workbook(data_set)[APPENDIX_I]
        assert ws.print_title_rows is None
        assert ws.freeze_panes == f"A{find_row(ws, 1, 'STT')[0].row + 1}"

    def test_columns_have_widths_and_text_wraps(self, data_set):
        ws = workbook(data_set)[APPENDIX_III]
        assert ws.column_dimensions["B"].width >= 25
        task = find_row(ws, 1, "1a")
        assert task[1].alignment.wrap_text
        assert ws.row_dimensions[task[1].row].height > 30  # the long task text gets its lines

    def test_the_enterprise_headings_stand_over_both_header_rows(self, data_set):
        ws = workbook(data_set)[APPENDIX_II]
        top = find_row(ws, 1, "STT")[0].row
        # An indicator's name is merged over its two columns, above "met" and "rate".
        assert {f"I{top}:J{top}", f"K{top}:L{top}", f"Q{top}:R{top}"} <= {str(r) for r in ws.merged_cells.ranges}
        assert (ws[f"I{top + 1}"].value, ws[f"J{top + 1}"].value) == ("Số đạt", "Tỷ lệ (%)")
        # The first columns' headings are boxes of two cells without a border between.
        for letter in "ABCDEFGH":
            upper, lower = ws[f"{letter}{top}"], ws[f"{letter}{top + 1}"]
            assert upper.value and lower.value is None
            assert upper.border.bottom.style is None and lower.border.top.style is None
            assert upper.border.top.style == lower.border.bottom.style == "thin"


class TestQueries:
    def test_the_export_runs_a_fixed_number_of_queries_however_many_enterprises(
        self, data_set, django_assert_max_num_queries
    ):
        for number in range(30):
            enterprise = EnterpriseFactory(tax_code=f"28020000{number:02d}")
            ReportFactory(enterprise=enterprise, period=data_set, counts={"a": 50, "b": 40})
        # 17, +2 for issue 13 (the lower bound's tokens and headcount), +1 for the data sheet
        # (it reads the enterprise rows again, from the figures cache: its token); the
        # appendices, +6: the report they are attached to (its narrative; the plan and its
        # indicators for its draft state), the tasks' history and activities up to the
        # period's end; +2 since communes are data (the commune's row and its leaders).
        with django_assert_max_num_queries(QUERIES):
            exports.write_district_report(data_set, io.BytesIO())


class TestDownload:
    def test_the_official_downloads_the_workbook(self, client_for, official, data_set):
        response = client_for(official).get(reverse("indicators:report_export", args=["2024"]))
        assert response.status_code == 200
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="bao-cao-hoang-hop-2024.xlsx"'
        assert "no-store" in response["Cache-Control"]
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        assert book.sheetnames[0] == "Phụ lục I"

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


def test_libreoffice_opens_the_workbook_and_shows_the_figures(tmp_path, data_set, indicators):
    path = tmp_path / "bao-cao.xlsx"
    with open(path, "wb") as handle:
        exports.write_district_report(data_set, handle)
    sheets = convert_to_csv(tmp_path, path)
    summary = sheets[APPENDIX_I]
    assert BLANK_REFERENCE in [r[0] for r in summary if r]
    for code, (met, rate, assessment) in COMMUNE.items():
        row = next(r for r in summary if len(r) > 1 and r[1] == f"{code}) {indicators[code].name}")
        assert float(row[4]) == pytest.approx(MILESTONES_2024[code])
        assert [int(row[5]), int(row[6])] == [met, 500]
        assert float(row[7]) == pytest.approx(rate)
        assert (int(row[8]), int(row[9])) == GAPS[code]
        assert row[10] == assessment
    # LibreOffice computes the totals formulas to the commune's figures.
    totals = next(r for r in sheets[APPENDIX_II] if len(r) > 1 and r[1] == "Cộng (các báo cáo đã duyệt)")
    assert [int(totals[6]), int(totals[7])] == [500, 220]
    assert [int(totals[i]) for i in range(8, 18, 2)] == [met for met, _r, _l in COMMUNE.values()]
    assert [float(totals[i]) for i in range(9, 18, 2)] == pytest.approx([r for _m, r, _l in COMMUNE.values()])
    # Formula-looking names are shown as the text they are.
    names = {r[1] for r in sheets[APPENDIX_II] if len(r) > 1}
    assert set(INJECTIONS) <= names
