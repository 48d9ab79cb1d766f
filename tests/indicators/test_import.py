"""Chị Lan imports a period's paper reports from Excel (DOMAIN.md, "Excel")."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import EnterpriseReport, PeriodState, ReportAction, ReportStatus
from tests import factories

pytestmark = pytest.mark.django_db

HEADERS = [
    "STT",
    "Tên doanh nghiệp",
    "Mã số thuế",
    "Tổng số CNLĐ",
    "Lao động nữ",
    "Chính trị, pháp luật",
    "Kỹ năng nghề",
    "Kỹ năng sống",
    "Công nghệ số",
    "Công dân học tập",
]


def workbook(rows, *, headers=HEADERS, title_rows=3) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ỦY BAN NHÂN DÂN XÃ HOÀNG HỢP"])
    for _ in range(title_rows - 1):
        sheet.append([])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content, name="bao-cao.xlsx"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def import_url(period):
    return reverse("indicators:report_import", args=[period.code])


def post(client, period, content, name="bao-cao.xlsx"):
    return client.post(import_url(period), {"file": upload(content, name)})


@pytest.fixture
def good_rows(enterprise_a, enterprise_b):
    return [
        [1, enterprise_a.name, enterprise_a.tax_code, 200, 120, 180, 150, 130, 130, 70],
        [2, enterprise_b.name, int(enterprise_b.tax_code), "1.250", 900, 1100, 900, 800, 800, 400],
    ]


def test_a_good_file_saves_approved_reports_entered_by_the_commune(
    client_for, official, open_period, enterprise_a, enterprise_b, good_rows
):
    response = post(client_for(official), open_period, workbook(good_rows))
    assert response.status_code == 302
    a = EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)
    b = EnterpriseReport.objects.get(enterprise=enterprise_b, period=open_period)
    assert (a.status, a.entered_by_official, a.reviewed_by, a.total_workers) == (
        ReportStatus.APPROVED,
        True,
        official,
        200,
    )
    assert b.total_workers == 1250  # a number typed as "1.250" in a text cell
    assert dict(a.values.values_list("indicator__code", "count")) == {"a": 180, "b": 150, "c": 130, "d": 130, "e": 70}
    assert a.events.get().action == ReportAction.IMPORT


def test_headers_match_ignoring_case_and_spaces_and_the_header_may_sit_lower(
    client_for, official, open_period, enterprise_a, good_rows
):
    headers = [
        "  stt",
        "TÊN DOANH NGHIỆP",
        " mã số  thuế ",
        "TỔNG SỐ CNLĐ",
        "lao động nữ ",
        "chính trị, pháp luật",
        "KỸ NĂNG NGHỀ",
        "Kỹ năng sống",
        "công nghệ số",
        "Công Dân Học Tập",
    ]
    post(client_for(official), open_period, workbook(good_rows[:1], headers=headers, title_rows=12))
    assert EnterpriseReport.objects.filter(enterprise=enterprise_a, period=open_period).exists()


def test_a_header_below_row_15_is_not_found(client_for, official, open_period, good_rows):
    response = post(client_for(official), open_period, workbook(good_rows, title_rows=15))
    assert "Không tìm thấy dòng tiêu đề" in response.content.decode()
    assert not EnterpriseReport.objects.exists()


def test_one_bad_row_saves_nothing_and_is_reported_with_its_excel_row(client_for, official, open_period, good_rows):
    rows = [
        *good_rows,
        [3, "Công ty lạ", "2899999999", 50, 20, 10, 10, 10, 10, 10],
        [4, "x", good_rows[0][2], 50, 60, 10, 10, 10, 10, 10],
    ]
    response = post(client_for(official), open_period, workbook(rows))
    errors = response.context["parsed"].errors
    page = response.content.decode()
    assert not EnterpriseReport.objects.exists()
    assert {(e.row, e.column) for e in errors} >= {(7, "Mã số thuế")}  # unknown tax code, Excel row 7
    assert any(e.row == 8 for e in errors)  # tax code twice
    assert "2899999999" in page and "nothing" not in page


@pytest.mark.parametrize(
    "change, column, message",
    [
        ({4: 100}, "Lao động nữ", "không được lớn hơn tổng số CNLĐ"),
        ({5: 201}, "Chính trị, pháp luật", "không được lớn hơn tổng số CNLĐ"),
        ({3: 0, 4: 0, 5: 0, 6: 0, 7: 0, 8: 0, 9: 0}, "Tổng số CNLĐ", "phải lớn hơn 0"),
        ({6: -3}, "Kỹ năng nghề", "không thể là số âm"),
        ({7: 12.5}, "Kỹ năng sống", "không phải là số nguyên"),
        ({9: None}, "Công dân học tập", "Nhập số liệu này"),
    ],
)
def test_each_hard_rule_is_checked_per_cell(client_for, official, open_period, enterprise_a, change, column, message):
    row = [1, enterprise_a.name, enterprise_a.tax_code, 90, 50, 80, 60, 50, 50, 20]
    for index, value in change.items():
        row[index] = value
    response = post(client_for(official), open_period, workbook([row]))
    errors = response.context["parsed"].errors
    assert [(e.row, e.column) for e in errors] == [(5, column)]
    assert message in errors[0].message
    assert not EnterpriseReport.objects.exists()


def test_an_existing_approved_report_is_overwritten_with_an_import_event(
    client_for, official, open_period, enterprise_a, good_rows
):
    old = factories.ReportFactory(
        enterprise=enterprise_a, period=open_period, status=ReportStatus.APPROVED, total_workers=150
    )
    post(client_for(official), open_period, workbook(good_rows))
    old.refresh_from_db()
    assert old.total_workers == 200 and old.status == ReportStatus.APPROVED
    event = old.events.get()
    assert (event.action, event.from_status) == (ReportAction.IMPORT, ReportStatus.APPROVED)
    assert old.history.count() >= 2  # the previous figures stay in the history


def test_rows_without_figures_are_skipped(client_for, official, open_period, enterprise_a, enterprise_b, good_rows):
    rows = [good_rows[0], [2, enterprise_b.name, enterprise_b.tax_code]]
    post(client_for(official), open_period, workbook(rows))
    assert list(EnterpriseReport.objects.values_list("enterprise", flat=True)) == [enterprise_a.pk]


@pytest.mark.parametrize("state", [PeriodState.CLOSED, PeriodState.PENDING])
def test_a_period_that_is_not_open_is_refused(client_for, official, open_period, good_rows, state):
    open_period.state = state
    open_period.save()
    response = post(client_for(official), open_period, workbook(good_rows))
    assert "Chỉ nhập được báo cáo khi kỳ báo cáo đang mở" in response.content.decode()
    assert not EnterpriseReport.objects.exists()


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"STT,Ma so thue\n1,2800000001\n", "bao-cao.csv", "Chỉ nhập được bảng tính Excel (.xlsx)"),
        (b"PK\x03\x04 this is not really a workbook", "bao-cao.xlsx", "Không đọc được tệp"),
        (b"\x00" * 100, "bao-cao.xlsx", "Không đọc được tệp"),
    ],
)
def test_other_files_are_refused_with_a_message(client_for, official, open_period, content, name, message):
    response = post(client_for(official), open_period, content, name)
    assert message in response.content.decode()
    assert not EnterpriseReport.objects.exists()


def test_a_missing_column_is_named(client_for, official, open_period, good_rows):
    headers = HEADERS[:-1]
    response = post(client_for(official), open_period, workbook([r[:-1] for r in good_rows], headers=headers))
    assert "Thiếu cột bắt buộc: “Công dân học tập”" in response.content.decode()


@pytest.mark.parametrize("name", ['＝HYPERLINK("http://x")', "\tCông ty Tab"])
def test_the_template_keeps_every_formula_looking_name_as_text(client_for, official, open_period, name):
    # The writer's rule (core.xlsx_writing), full-width signs and a leading tab included.
    factories.EnterpriseFactory(name=name, tax_code="2800000009")
    response = client_for(official).get(reverse("indicators:report_import_template", args=[open_period.code]))
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = next(row[1] for row in sheet.iter_rows() if row[2].value == "2800000009")
    assert (cell.value, cell.data_type, cell.quotePrefix) == (name, "s", True)


def test_the_template_lists_the_active_enterprises_and_imports_back(
    client_for, official, open_period, enterprise_a, enterprise_b
):
    factories.EnterpriseFactory(name='=HYPERLINK("http://x")', tax_code="2800000009")
    factories.EnterpriseFactory(name="Công ty Đã Nghỉ", tax_code="2800000008", is_active=False)
    client = client_for(official)
    response = client.get(reverse("indicators:report_import_template", args=[open_period.code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header_index = next(i for i, row in enumerate(values) if "Mã số thuế" in row)
    assert header_index < 15
    listed = {row[2]: row[1] for row in values[header_index + 1 :] if row[2]}
    assert listed == {
        "2800000001": enterprise_a.name,
        "2800000002": enterprise_b.name,
        "2800000009": '=HYPERLINK("http://x")',
    }
    assert sheet.cell(row=header_index + 2, column=2).data_type == "s"  # never a live formula
    formula_row = next(i for i, row in enumerate(values) if row[2] == "2800000009") + 1
    assert sheet.cell(row=formula_row, column=2).data_type == "s"

    # Fill the figures of enterprise A only, as the official would, and import it back.
    a_row = next(i for i, row in enumerate(values) if row[2] == "2800000001") + 1
    for column, value in zip(range(4, 11), [50, 20, 50, 40, 30, 20, 10], strict=False):
        sheet.cell(row=a_row, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    assert post(client, open_period, out.getvalue()).status_code == 302
    assert EnterpriseReport.objects.get().enterprise == enterprise_a


@pytest.mark.parametrize("role", ["officer_a", "viewer"])
def test_only_the_official_imports(client_for, cast, open_period, good_rows, role):
    client = client_for(cast[role])
    assert post(client, open_period, workbook(good_rows)).status_code == 403
    assert client.get(reverse("indicators:report_import_template", args=[open_period.code])).status_code == 403
    assert not EnterpriseReport.objects.exists()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("Infinity", "“Infinity” không phải là số nguyên"),
        ("sNaN", "“sNaN” không phải là số nguyên"),
        ("1E30", "“1E30” không phải là số nguyên"),
        ("1e1000000", "“1e1000000” không phải là số nguyên"),
        ("9.223.372.036.854.775.000", "lớn hơn 10.000.000"),
        ("10.000.001", "10000001 lớn hơn 10.000.000, mức tối đa"),
    ],
)
def test_a_figure_typed_as_text_that_no_count_can_be_is_a_row_error(
    client_for, official, open_period, enterprise_a, typed, message
):
    row = [1, enterprise_a.name, enterprise_a.tax_code, typed, 50, 80, 60, 50, 50, 20]
    response = post(client_for(official), open_period, workbook([row]))
    assert response.status_code == 200
    errors = response.context["parsed"].errors
    assert [(e.row, e.column) for e in errors] == [(5, "Tổng số CNLĐ")]
    assert message in errors[0].message
    assert not EnterpriseReport.objects.exists()


def test_counts_typed_the_vietnamese_way_are_read_as_on_the_report_form(
    client_for, official, open_period, enterprise_a
):
    row = [1, enterprise_a.name, enterprise_a.tax_code, "1\u202f250", "1 100", "1.200", 150, 130, 130, 70]
    assert post(client_for(official), open_period, workbook([row])).status_code == 302
    report = EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)
    assert (report.total_workers, report.female_workers) == (1250, 1100)
    assert report.values.get(indicator__code="a").count == 1200


@pytest.mark.parametrize("typed", ["12,5", "12.5", "1.2", "1,250"])
def test_a_decimal_count_refuses_the_file_saying_counts_are_whole_numbers(
    client_for, official, open_period, enterprise_a, typed
):
    row = [1, enterprise_a.name, enterprise_a.tax_code, 200, 120, typed, 150, 130, 130, 70]
    response = post(client_for(official), open_period, workbook([row]))
    assert response.status_code == 200
    errors = response.context["parsed"].errors
    assert [(e.row, e.column) for e in errors] == [(5, "Chính trị, pháp luật")]
    assert f"“{typed}” không phải là số nguyên: số liệu đếm phải là số nguyên" in errors[0].message
    assert not EnterpriseReport.objects.exists()


def test_a_tax_code_excel_stored_as_a_number_is_read_as_the_enterprise_import_reads_it(
    client_for, official, open_period
):
    """One rule for every import (core.xlsx_reading.cell_tax_code): a 9-digit number lost the
    0 of a province code; an 8-digit one lost two, and no province is 00."""
    hanoi = factories.EnterpriseFactory(tax_code="0101234567")
    factories.EnterpriseFactory(tax_code="0012345678")
    rows = [
        [1, hanoi.name, 101234567, 90, 50, 80, 60, 50, 50, 20],
        [2, "Công ty lạ", 12345678, 90, 50, 80, 60, 50, 50, 20],
    ]
    response = post(client_for(official), open_period, workbook(rows))
    errors = response.context["parsed"].errors
    assert [(e.row, e.column) for e in errors] == [(6, "Mã số thuế")]
    assert "“12345678” không phải là mã số thuế" in errors[0].message
    assert [row.enterprise for row in response.context["parsed"].rows] == [hanoi]


def test_a_column_that_appears_twice_is_an_error_not_a_silent_choice(client_for, official, open_period, good_rows):
    headers = [*HEADERS, "Tổng số CNLĐ"]
    response = post(client_for(official), open_period, workbook([[*row, 1] for row in good_rows], headers=headers))
    assert "Cột “Tổng số CNLĐ” xuất hiện hai lần" in response.content.decode()
    assert not EnterpriseReport.objects.exists()
