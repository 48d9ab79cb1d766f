"""The one Excel reader every import uses (core.xlsx_reading): its cell parsers, its header
matching, what it reads of a workbook and at what cost, and the uploads it keeps waiting."""

from __future__ import annotations

import datetime
import io
import os
import time
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from core import xlsx_reading
from core.xlsx_reading import (
    CellError,
    WorkbookError,
    cell_date,
    cell_tax_code,
    cell_whole_number,
    normalize_header,
    read_sheet,
)


def workbook(rows, **cells) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    for reference, value in cells.items():
        book.active[reference] = value
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_sheet_xml(content: bytes, xml: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item.filename)
            target.writestr(item, data)
    return buffer.getvalue()


SHEET = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{}</sheetData></worksheet>'
)


# --- cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        (101234567, "0101234567"),  # Excel dropped the 0 of a Hà Nội code (province 01)
        (101234567.0, "0101234567"),
        (2801234567, "2801234567"),
        ("0101234567", "0101234567"),
        ("2801 234 567", "2801234567"),
        ("2801.234.567-001", "2801234567-001"),
        ("101234567", "101234567"),  # typed as text: kept as typed, and refused by the model
        (12345678, "12345678"),  # two zeros lost: no province is 00, so not put back
        (2801234567.5, "2801234567.5"),
        (None, ""),
    ],
)
def test_a_tax_code_cell_gets_back_only_the_zero_excel_can_have_dropped(value, expected):
    assert cell_tax_code(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        ("  ", None),
        (0, 0),
        (240, 240),
        (240.0, 240),
        ("240", "240"),
        ("1.250", 1250),
        ("1 250", 1250),
        ("1\u00a0250", 1250),
        ("10.000.000", 10_000_000),
        ("12.0", 12),
        ("-3", -3),
        (10_000_000, 10_000_000),
    ],
)
def test_whole_numbers_are_read_the_way_people_type_them(value, expected):
    assert cell_whole_number(value) == (int(expected) if isinstance(expected, str) else expected)


@pytest.mark.parametrize(
    "value",
    [
        "Infinity",
        "sNaN",
        "NaN",
        "1E30",
        "1e1000000",
        float("inf"),
        float("nan"),
        12.5,
        "12,5",
        "¹⁹⁹⁰",
        "１２",
        "7" * 5000,
        True,
        datetime.date(2025, 1, 1),
        "#VALUE!",
    ],
)
def test_anything_else_is_not_a_whole_number(value):
    with pytest.raises(CellError, match="không phải là số nguyên"):
        cell_whole_number(value)


@pytest.mark.parametrize("value", ["12,5", "12.5", "1.2", "1,250", 12.5])
def test_a_decimal_is_refused_saying_counts_are_whole_numbers(value):
    with pytest.raises(CellError, match="không phải là số nguyên: số liệu đếm phải là số nguyên") as refused:
        cell_whole_number(value)
    assert "1.200" in str(refused.value)


@pytest.mark.parametrize("value", [10_000_001, 1e30, 9_223_372_036_854_775_000, "10.000.001", -10_000_001])
def test_a_count_above_ten_million_is_refused_like_on_the_report_form(value):
    with pytest.raises(CellError, match="lớn hơn 10.000.000"):
        cell_whole_number(value)


def test_a_long_cell_is_quoted_short_in_the_message():
    with pytest.raises(CellError) as refused:
        cell_whole_number("7" * 5000)
    assert len(str(refused.value)) < 120


@pytest.mark.parametrize(
    "value, expected",
    [
        (datetime.datetime(2025, 3, 15, 0, 0), datetime.date(2025, 3, 15)),
        ("15/03/2025", datetime.date(2025, 3, 15)),
        ("1/4/2025", datetime.date(2025, 4, 1)),
        ("2025-04-01", datetime.date(2025, 4, 1)),
        (45731, datetime.date(2025, 3, 15)),  # an unformatted Excel serial date
        ("", None),
    ],
)
def test_dates_are_read_from_date_cells_text_and_serial_numbers(value, expected):
    assert cell_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2025", "hôm qua", 12, float("inf"), "1" * 5000])
def test_anything_else_is_not_a_date(value):
    with pytest.raises(CellError, match="không phải là ngày"):
        cell_date(value)


@pytest.mark.parametrize(
    "header",
    [
        "Mã số thuế",
        "  MÃ SỐ  THUẾ ",
        "mã số thuế (*)",
        "Mã số thuế*",
        unicodedata.normalize("NFD", "Mã số thuế"),
        "Mã\u00a0số thuế",
    ],
)
def test_headers_match_ignoring_case_spaces_accent_composition_and_the_required_mark(header):
    assert normalize_header(header) == normalize_header("Mã số thuế")


# --- reading a workbook -------------------------------------------------------------------


def test_a_date_typed_in_excel_is_read_as_a_date_and_a_number_as_a_number():
    content = workbook([["Mã số thuế", "Ngày", "Số"]], A2="2800000001", B2=datetime.date(2025, 3, 15), C2=1250)
    sheet = read_sheet(io.BytesIO(content), key_header="Mã số thuế", max_rows=10)
    assert sheet.rows == [(2, ("2800000001", datetime.datetime(2025, 3, 15), 1250))]


def test_rich_text_is_read_without_its_phonetic_guide():
    xml = SHEET.format(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã số thuế</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><r><t>Công ty </t></r><r><t>An_x0020_Phát</t></r>'
        '<rPh sb="0" eb="1"><t>ignored</t></rPh></is></c></row>'
    )
    sheet = read_sheet(io.BytesIO(with_sheet_xml(workbook([["x"]]), xml)), key_header="Mã số thuế", max_rows=10)
    assert sheet.rows == [(2, ("Công ty An Phát",))]


def test_a_sparse_row_is_kept_only_as_wide_as_its_last_filled_cell():
    """Empty styled cells out to column XFD cost their visit, never a 16,384-wide row."""
    blank_cells = "".join(f'<c r="{letters}2" s="0"/>' for letters in ("C", "Z", "AAA", "XFD"))
    xml = SHEET.format(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã số thuế</t></is></c></row>'
        f'<row r="2"><c r="A2"><v>1</v></c>{blank_cells}</row>'
    )
    visits = xlsx_reading.Visits()
    sheet = read_sheet(
        io.BytesIO(with_sheet_xml(workbook([["x"]]), xml)), key_header="Mã số thuế", max_rows=10, visits=visits
    )
    assert sheet.rows == [(2, (1,))]
    assert sheet.visited == visits.count


def test_a_document_type_declaration_is_refused():
    """No xlsx part has one; refusing it rules out entity expansion of any kind."""
    xml = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "Mã số thuế">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>'
    )
    with pytest.raises(WorkbookError, match="không đọc được"):
        read_sheet(io.BytesIO(with_sheet_xml(workbook([["x"]]), xml)), key_header="Mã số thuế", max_rows=10)


def test_the_header_may_be_on_a_later_sheet_after_an_instructions_sheet():
    book = Workbook()
    book.active.append(["Hướng dẫn: điền danh sách ở trang sau"])
    data = book.create_sheet("Danh sách")
    data.append(["Mã số thuế"])
    data.append(["2800000001"])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = read_sheet(io.BytesIO(buffer.getvalue()), key_header="Mã số thuế", max_rows=10)
    assert sheet.rows == [(2, ("2800000001",))]


def test_rows_after_a_run_of_a_thousand_blank_rows_are_not_data():
    # 999 blank rows after row 2, then 1,000 after row 1002: the signature is not data.
    content = workbook([["Mã số thuế"], ["2800000001"]], A1002="2800000002", A2003="chữ ký")
    sheet = read_sheet(io.BytesIO(content), key_header="Mã số thuế", max_rows=5000)
    assert [number for number, _values in sheet.rows] == [2, 1002]


def test_blank_rows_within_the_data_count_towards_the_row_limit():
    content = workbook([["Mã số thuế"], ["2800000001"]], A12="2800000002")
    with pytest.raises(WorkbookError, match="Tệp có hơn 10 dòng dữ liệu"):
        read_sheet(io.BytesIO(content), key_header="Mã số thuế", max_rows=10)


# --- uploads waiting for confirmation --------------------------------------------------------


@pytest.fixture
def staged_files(settings):
    return lambda: sorted(path.name for path in (settings.MEDIA_ROOT / "imports").glob("*"))


def upload():
    return SimpleUploadedFile("danh-sach.xlsx", workbook([["Mã số thuế"]]))


def age(name: str, seconds: int):
    path = xlsx_reading.staged_path(name)
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_staged_upload_is_discarded_when_its_block_fails(staged_files):
    with pytest.raises(RuntimeError), xlsx_reading.staging(upload()):
        raise RuntimeError("the import broke")
    assert staged_files() == []


def test_a_staged_upload_outlives_its_block_only_when_kept(staged_files):
    with xlsx_reading.staging(upload()):
        pass
    with xlsx_reading.staging(upload()) as staged:
        name = staged.keep()
    assert staged_files() == [name]


def test_abandoned_previews_expire_once_their_confirmation_link_has(staged_files):
    old, fresh = xlsx_reading.stage_upload(upload()), xlsx_reading.stage_upload(upload())
    age(old, xlsx_reading.STAGE_MAX_AGE + 60)
    age(fresh, xlsx_reading.STAGE_MAX_AGE - 60)
    out = io.StringIO()
    call_command("expire_imports", stdout=out)
    assert staged_files() == [fresh]
    assert out.getvalue().startswith("1 ")


def test_each_new_upload_expires_the_abandoned_ones(staged_files):
    old = xlsx_reading.stage_upload(upload())
    age(old, xlsx_reading.STAGE_MAX_AGE + 60)
    new = xlsx_reading.stage_upload(upload())
    assert staged_files() == [new]


@pytest.mark.parametrize("name", ["../../etc/passwd", "abc.xlsx", "", "0" * 32 + ".xls"])
def test_only_names_the_server_chose_are_staged_paths(name):
    assert xlsx_reading.staged_path(name) is None


@pytest.mark.parametrize("index", ["-1", "7", "x"])
def test_a_cell_pointing_at_a_shared_string_that_does_not_exist_is_refused(index):
    xml = SHEET.format(
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã số thuế</t></is></c></row>'
        f'<row r="2"><c r="A2" t="s"><v>{index}</v></c></row>'
    )
    with pytest.raises(WorkbookError, match="không đọc được"):
        read_sheet(io.BytesIO(with_sheet_xml(workbook([["x"]]), xml)), key_header="Mã số thuế", max_rows=10)
