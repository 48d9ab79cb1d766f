"""Hostile uploads: every Excel import (the enterprise list, a worker roster, a period's
reports) and the evidence upload, sent files that are broken or built to hurt.

Each must be refused with a clear Vietnamese message, answer a page (never a 500) and
save nothing: no row, no file waiting for confirmation, no evidence stored. The
workbook checks live in one place, core.xlsx_reading, which the three imports share; how
much work a file costs is proved by the elements the reader visited, not by a clock.
"""

from __future__ import annotations

import datetime
import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from core import xlsx_reading
from core.xlsx_reading import EMPTY_ROWS_END, MAX_COLUMNS, MAX_UNCOMPRESSED_BYTES, read_sheet
from enterprises.models import Enterprise, Worker
from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod
from plans.models import Activity, Evidence

pytestmark = pytest.mark.django_db

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "xl/worksheets/sheet1.xml"
PERIOD = "2026-H1"
INDICATOR_NAMES = ["Chính trị, pháp luật", "Kỹ năng nghề", "Kỹ năng sống", "Công nghệ số", "Công dân học tập"]
# A header row each import accepts, and one good data row.
HEADERS = {
    "enterprises": ["Tên doanh nghiệp", "Mã số thuế"],
    "roster": ["Mã nhân viên", "Họ và tên", "Giới tính"],
    "reports": ["Mã số thuế", "Tổng số CNLĐ", "Lao động nữ", *INDICATOR_NAMES],
}
GOOD_ROW = {
    "enterprises": ["Công ty TNHH Mới Nhập", "2800000077"],
    "roster": ["NV-001", "Lê Thị Nhập", "Nữ"],
    "reports": ["2800000001", 100, 50, 90, 70, 60, 60, 30],
}
# The most data rows each import reads (their messages name the number).
ROW_LIMITS = {"enterprises": 5_000, "roster": 10_000, "reports": 25_000}
TOO_MANY_ROWS = {
    "enterprises": "Tệp có hơn 5.000 dòng dữ liệu",
    "roster": "Tệp có hơn 10.000 dòng dữ liệu",
    "reports": "Tệp có hơn 25.000 dòng dữ liệu",
}
TOO_LARGE = "Tệp quá lớn (tối đa 1 MB)"  # one upload form for every import
NOT_XLSX = "Không đọc được tệp: tệp không phải là bảng tính Excel (.xlsx)"
UNREADABLE = "Tệp không đọc được như một bảng tính Excel"
OUTSIDE_EXCEL = "tệp không được lưu bằng Excel"
BEYOND_COLUMNS = f"Trang tính có dữ liệu vượt quá cột thứ {MAX_COLUMNS}"
IMPORTS = list(HEADERS)


# --- hostile workbooks ---------------------------------------------------------------


def workbook_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_workbook(kind: str) -> bytes:
    return workbook_bytes([HEADERS[kind], GOOD_ROW[kind]])


def with_sheet(content: bytes, write_sheet, *, compresslevel=6) -> bytes:
    """The workbook `content` with its first sheet's XML replaced by what `write_sheet(file)` writes."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target,
    ):
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    write_sheet(sheet)
            else:
                target.writestr(item, source.read(item.filename))
    return buffer.getvalue()


class Number(str):
    """What a number cell holds, written as is: `<v>Infinity</v>` is what a hostile tool can write."""


def xml_cell(reference: str, value) -> str:
    if isinstance(value, (int, float, Number)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows, *, dimension: str | None = None) -> bytes:
    """A sheet's XML written by hand, as a hostile tool would (inline strings, no shared table)."""
    return numbered_sheet_xml(enumerate(rows, start=1), dimension=dimension)


def numbered_sheet_xml(rows, *, dimension: str | None = None) -> bytes:
    """The same from (row number, values) pairs, so rows can be far apart; a value that is a
    (column number, value) pair lands in that column."""
    from openpyxl.utils import get_column_letter

    parts = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    ]
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, row in rows:
        placed = [value if isinstance(value, tuple) else (column, value) for column, value in enumerate(row, start=1)]
        cells = "".join(
            xml_cell(f"{get_column_letter(column)}{number}", value) for column, value in placed if value is not None
        )
        parts.append(f'<row r="{number}">{cells}</row>')
    parts.append("</sheetData></worksheet>")
    return "".join(parts).encode()


def with_rows(kind: str, rows, **options) -> bytes:
    """A workbook for that import whose sheet holds exactly `rows` ((number, values) pairs)."""
    return with_sheet(good_workbook(kind), lambda sheet: sheet.write(numbered_sheet_xml(rows, **options)))


def hostile(kind: str, name: str) -> bytes:
    good = good_workbook(kind)
    if name == "not a zip":
        return b"Ten doanh nghiep;Ma so thue\r\n" * 50
    if name == "a zip that is not a workbook":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("baocao/hinh.txt", "xin chào " * 100)
        return buffer.getvalue()
    if name == "a truncated workbook":
        return good[: len(good) // 2]
    if name == "a workbook with a damaged sheet":
        return damaged_sheet(good)
    if name == "too many columns":
        wide = HEADERS[kind] + [f"Cột {n}" for n in range(len(HEADERS[kind]) + 1, MAX_COLUMNS + 20)]
        return with_sheet(good, lambda sheet: sheet.write(sheet_xml([wide, GOOD_ROW[kind]])))
    if name == "data far beyond the last column":
        return with_rows(kind, [(1, HEADERS[kind]), (2, [*GOOD_ROW[kind], (300, "ghi chú lạc")])])
    if name == "too many rows":
        rows = [HEADERS[kind]] + [[f"x{n}"] for n in range(ROW_LIMITS[kind] + 2)]
        return with_sheet(good, lambda sheet: sheet.write(sheet_xml(rows)))
    raise AssertionError(name)


def damaged_sheet(content: bytes) -> bytes:
    """Flip bytes inside the sheet's compressed data: the archive's directory stays intact,
    so the damage only shows when the sheet is read."""
    data = bytearray(content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        item = archive.getinfo(SHEET)
    name_length, extra_length = struct.unpack("<HH", data[item.header_offset + 26 : item.header_offset + 30])
    start = item.header_offset + 30 + name_length + extra_length
    for offset in range(start + 10, start + item.compress_size - 4):
        data[offset] ^= 0x5A
    return bytes(data)


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A workbook whose sheet inflates to 200 MB of repeated bytes from about 300 KB."""
    chunk = b"<row/>" * (1024 * 1024 // 6)

    def write(sheet):
        for _megabyte in range(200):
            sheet.write(chunk)

    content = with_sheet(good_workbook("enterprises"), write, compresslevel=9)
    assert len(content) < 1024 * 1024
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist()) > MAX_UNCOMPRESSED_BYTES
    return content


# --- the three imports ----------------------------------------------------------------


@pytest.fixture
def open_period(plan):
    period = ReportingPeriod.objects.get(code=PERIOD)
    period.state = PeriodState.OPEN
    period.deadline = timezone.localdate() + datetime.timedelta(days=10)
    period.save()
    return period


@pytest.fixture
def send(client_for, official, enterprise_a, open_period, indicators):
    """send(kind, content) -> the official's POST of `content` to that import."""
    urls = {
        "enterprises": reverse("enterprises:enterprise_import"),
        "roster": reverse("indicators:worker_import", args=[enterprise_a.pk]),
        "reports": reverse("indicators:report_import", args=[open_period.code]),
    }
    client = client_for(official)

    def post(kind, content, name="tep-nhap.xlsx"):
        return client.post(urls[kind], {"file": SimpleUploadedFile(name, content, content_type=XLSX_TYPE)})

    return post


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def assert_refused(response, message, settings):
    assert response.status_code == 200
    page = response.content.decode().replace("\xa0", " ")  # sizes are written "200,0\xa0MB"
    assert message in page, f"“{message}” not on the page"
    assert not (response.context and response.context.get("token")), "a confirmation was offered"
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["2800000001"]
    assert not Worker.objects.exists()
    assert not EnterpriseReport.objects.exists()
    assert stored_files(settings) == [], "a refused file was kept"


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize(
    "name, message",
    [
        pytest.param(name, message, id=name)
        for name, message in [
            ("not a zip", NOT_XLSX),
            ("a zip that is not a workbook", UNREADABLE),
            ("a truncated workbook", NOT_XLSX),
            ("a workbook with a damaged sheet", UNREADABLE),
            ("too many columns", BEYOND_COLUMNS),
            ("data far beyond the last column", BEYOND_COLUMNS),
        ]
    ],
)
def test_a_broken_or_oversized_workbook_is_refused_with_a_message(send, settings, kind, name, message):
    assert_refused(send(kind, hostile(kind, name)), message, settings)


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_workbook_with_more_rows_than_an_import_reads_is_refused(send, settings, kind):
    assert_refused(send(kind, hostile(kind, "too many rows")), TOO_MANY_ROWS[kind], settings)


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_zip_bomb_is_refused_before_it_is_inflated(send, settings, zip_bomb, kind):
    response = send(kind, zip_bomb)
    assert_refused(response, "Khi mở, tệp này sẽ bung ra tới 200,0 MB, vượt quá 50,0 MB cho phép", settings)


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_file_over_the_upload_limit_is_refused(send, settings, kind):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    padded = io.BytesIO()
    with zipfile.ZipFile(padded, "a") as archive:  # a real workbook, made big by a stored picture
        with zipfile.ZipFile(io.BytesIO(good_workbook(kind))) as source:
            for item in source.infolist():
                archive.writestr(item, source.read(item.filename))
        archive.writestr("xl/media/image1.png", bytes(range(256)) * 4200, compress_type=zipfile.ZIP_STORED)
    assert len(padded.getvalue()) > settings.UPLOAD_MAX_BYTES
    assert_refused(send(kind, padded.getvalue()), TOO_LARGE, settings)


def test_a_workbook_of_too_many_parts_says_how_many_not_a_size(send, settings):
    """The message once named the inflated size (a few KB) as if that were the problem."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        with zipfile.ZipFile(io.BytesIO(good_workbook("enterprises"))) as source:
            for item in source.infolist():
                archive.writestr(item, source.read(item.filename))
        for number in range(xlsx_reading.MAX_PARTS):
            archive.writestr(f"xl/media/image{number}.png", b"")
    response = send("enterprises", buffer.getvalue())
    assert_refused(response, "Tệp này gồm 2.009 phần", settings)
    assert "bung ra" not in response.content.decode()


# --- the work a workbook may cost (issue 12, finding 1) ----------------------------------


@pytest.fixture
def visited(monkeypatch):
    """visited() -> the most XML elements (cells, rows, strings…) one workbook reading
    visited in the test: the proof of a bound, where a clock would only be a hint."""
    readings = []

    class Recorded(xlsx_reading.Visits):
        def __init__(self, limit=None):
            super().__init__(limit)
            readings.append(self)

    monkeypatch.setattr(xlsx_reading, "Visits", Recorded)
    return lambda: max(reading.count for reading in readings)


def sparse(kind: str, last_row: int, every: int = 999) -> bytes:
    """The roster of the finding: the header, a good row, then one cell every 999 rows down
    to `last_row` (90 KB for 10,000,000 rows), each resetting a naive empty-row stop."""
    rows = [(1, HEADERS[kind]), (2, GOOD_ROW[kind])]
    rows += [(number, ["x"]) for number in range(2 + every, last_row + 1, every)]
    return with_rows(kind, rows)


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize("last_row", [1_048_576, 10_000_000])
def test_a_sparse_sheet_stretched_over_a_million_rows_is_refused_having_read_a_few_of_them(
    send, settings, visited, kind, last_row
):
    assert_refused(send(kind, sparse(kind, last_row)), TOO_MANY_ROWS[kind], settings)
    # Only the cells within the import's row limit (one per 999 rows) and the workbook's own
    # parts (styles, relationships) are visited; reading on would cost ten per filled row.
    assert visited() < 200 + 3 * ROW_LIMITS[kind] // 999


@pytest.mark.parametrize("kind", IMPORTS)
@pytest.mark.parametrize(
    "shape",
    [
        "a row numbered 10,000,000",
        "a row numbered 1,048,577",
        "a cell in column 16,385",
        "a declared dimension beyond the grid",
    ],
)
def test_cells_beyond_excels_grid_are_refused_at_the_first_one(send, settings, visited, kind, shape):
    rows = [(1, HEADERS[kind]), (2, GOOD_ROW[kind])]
    dimension = None
    if shape == "a row numbered 10,000,000":
        rows.append((10_000_000, ["x"]))
    elif shape == "a row numbered 1,048,577":
        rows.append((1_048_577, ["x"]))
    elif shape == "a cell in column 16,385":
        rows.append((3, [(16_385, "")]))
    else:
        dimension = "A1:XFE2000000"
    assert_refused(send(kind, with_rows(kind, rows, dimension=dimension)), OUTSIDE_EXCEL, settings)
    assert visited() < 200


def test_thousands_of_rows_of_empty_strings_are_not_read_past_the_empty_row_stop(send, visited):
    """The finding's 3,000 rows × 200 columns of empty strings below the data: blank rows,
    read until EMPTY_ROWS_END of them in a row end the data, then no further."""
    blank = [""] * MAX_COLUMNS
    rows = [(1, HEADERS["roster"]), (2, GOOD_ROW["roster"])] + [(number, blank) for number in range(3, 3003)]
    response = send("roster", with_rows("roster", rows))
    assert len(response.context["preview"].new) == 1
    per_row = 1 + 3 * MAX_COLUMNS  # <row>, then <c><is><t> for each cell
    assert visited() < 500 + (EMPTY_ROWS_END + 2) * per_row  # not the 3,000 rows' 1.8 million


def test_a_file_visiting_more_elements_than_a_reading_may_is_refused(send, settings, visited, monkeypatch):
    monkeypatch.setattr(xlsx_reading, "MAX_VISITED", 2_000)
    rows = [(1, HEADERS["roster"])] + [(n, [f"NV{n}", f"Công nhân {n}", "Nam"]) for n in range(2, 1000)]
    assert_refused(send("roster", with_rows("roster", rows)), "Tệp chứa hơn 2.000 ô", settings)
    assert visited() == 2_001


# --- numbers no spreadsheet holds (issue 12, finding 7) -----------------------------------------


@pytest.mark.parametrize(
    "value, message",
    [
        (Number("Infinity"), "“Infinity” không phải là số nguyên"),
        (Number("sNaN"), "“sNaN” không phải là số nguyên"),
        (Number("1E30"), "lớn hơn 10.000.000"),
        (Number("1e1000000"), "“1e1000000” không phải là số nguyên"),
        (Number("9223372036854775000"), "9223372036854775000 lớn hơn 10.000.000"),
        (Number("7" * 5000), "không phải là số nguyên"),
        (Number("１２"), "“１２” không phải là số nguyên"),
        (10_000_001, "10000001 lớn hơn 10.000.000"),
    ],
)
def test_a_figure_no_spreadsheet_could_hold_is_a_row_error_not_a_500(send, settings, value, message):
    row = list(GOOD_ROW["reports"])
    row[1] = value  # Tổng số CNLĐ
    response = send("reports", with_rows("reports", [(1, HEADERS["reports"]), (2, row)]))
    assert_refused(response, message, settings)
    assert [(error.row, error.column) for error in response.context["parsed"].errors] == [(2, "Tổng số CNLĐ")]
    assert "7" * 100 not in response.content.decode()  # a long cell is quoted short


@pytest.mark.parametrize("year", [Number("7" * 5000), "7" * 5000, "¹⁹⁹⁰", Number("Infinity")])
def test_a_birth_year_no_spreadsheet_could_hold_is_a_row_error_not_a_500(send, settings, year):
    headers = [*HEADERS["roster"], "Năm sinh"]
    response = send("roster", with_rows("roster", [(1, headers), (2, [*GOOD_ROW["roster"], year])]))
    assert_refused(response, "“Năm sinh” là “", settings)
    assert "hãy ghi năm, ví dụ 1990" in response.content.decode()


@pytest.mark.parametrize("kind", IMPORTS)
def test_a_declared_huge_dimension_is_ignored_and_only_the_real_cells_are_read(send, kind):
    """A sheet may claim to span A1:XFD1048576; trusting it would pad each row to 16,384
    cells and read a million empty rows. The real cells are read, and the file imports."""
    content = with_sheet(
        good_workbook(kind),
        lambda sheet: sheet.write(sheet_xml([HEADERS[kind], GOOD_ROW[kind]], dimension="A1:XFD1048576")),
    )
    response = send(kind, content)
    assert response.status_code in (200, 302)
    if kind == "reports":
        assert response.status_code == 302
        assert EnterpriseReport.objects.get().total_workers == 100
    else:  # the preview, waiting for the confirmation
        assert response.context["token"]
        assert len(response.context["preview"].new) == 1


def test_rows_are_read_no_wider_than_their_last_filled_cell_whatever_the_sheet_declares():
    """openpyxl pads each row to the declared width: 16,384 cells a row for "XFD"."""
    from openpyxl import load_workbook

    rows = [HEADERS["enterprises"]] + [GOOD_ROW["enterprises"]] * 3
    content = with_sheet(
        good_workbook("enterprises"), lambda sheet: sheet.write(sheet_xml(rows, dimension="A1:XFD1048576"))
    )
    book = load_workbook(io.BytesIO(content), read_only=True)
    try:
        assert len(next(book.active.iter_rows(values_only=True))) == 16_384  # what we guard against
    finally:
        book.close()
    sheet = read_sheet(io.BytesIO(content), key_header="Mã số thuế", max_rows=10)
    assert [values for _number, values in sheet.rows] == [tuple(GOOD_ROW["enterprises"])] * 3


# --- evidence files --------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, rows: bytes | None = None) -> bytes:
    """A PNG of that declared size; `rows` is its pixel data (grey, 8 bits) if given."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = rows if rows is not None else b"\x00" * (width + 1) * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(pixels))
        + png_chunk(b"IEND", b"")
    )


def evidence_files(name: str) -> tuple[str, bytes, str]:
    if name == "a program named as a photo":
        return "anh.jpg", b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00" + b"\x00" * 400, "không phải là ảnh"
    if name == "a web page named as a photo":
        return "anh.png", b"<html><script>alert(1)</script></html>" * 10, "không phải là ảnh"
    if name == "a workbook named as a photo":
        return "anh.png", good_workbook("enterprises"), "không phải là ảnh"
    if name == "a truncated photo":
        photo = png(64, 64, bytes(range(65)) * 64)
        return "anh.png", photo[: len(photo) // 2], "bị hỏng hoặc chưa được tải lên đầy đủ"
    if name == "a decompression bomb":
        # 40,000 × 40,000 pixels declared: 1.6 gigapixels behind a few bytes.
        header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 0, 0, 0, 0)
        bomb = (
            b"\x89PNG\r\n\x1a\n"
            + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
            + png_chunk(b"IEND", b"")
        )
        return "anh.png", bomb, "bị hỏng hoặc chưa được tải lên đầy đủ"
    if name == "a PDF cut short":
        return (
            "bien-ban.pdf",
            b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n" + b"0" * 2000,
            "bị hỏng hoặc chưa được tải lên đầy đủ",
        )
    raise AssertionError(name)


@pytest.fixture
def record_activity(client_for, official, plan):
    task = plan.task_groups.first().tasks.first()

    def post(name, content):
        return client_for(official).post(
            reverse("plans:activity_create"),
            {
                "task": task.pk,
                "date": "2025-10-03",
                "title": "Tuần lễ hưởng ứng học tập suốt đời",
                "workers_reached": "50",
                "files": [SimpleUploadedFile(name, content)],
            },
        )

    return post


def assert_no_evidence(response, message, settings):
    assert response.status_code == 200
    assert message in response.content.decode(), f"“{message}” not on the page"
    assert not Activity.objects.exists()
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    "name",
    [
        "a program named as a photo",
        "a web page named as a photo",
        "a workbook named as a photo",
        "a truncated photo",
        "a decompression bomb",
        "a PDF cut short",
    ],
)
def test_a_hostile_evidence_file_is_refused_and_nothing_is_recorded(record_activity, settings, name):
    filename, content, message = evidence_files(name)
    assert_no_evidence(record_activity(filename, content), message, settings)


def test_an_evidence_file_over_the_upload_limit_is_refused(record_activity, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    photo = png(1200, 900, random.Random(2030).randbytes(1201 * 900))  # noise: barely compresses
    assert len(photo) > settings.UPLOAD_MAX_BYTES
    assert_no_evidence(record_activity("anh-lon.png", photo), "vượt quá mức cho phép", settings)


def test_a_sound_photo_is_still_accepted(record_activity, settings):
    """The guards refuse the hostile files above, not ordinary ones."""
    response = record_activity("anh.png", png(64, 48))
    assert response.status_code == 302
    assert Evidence.objects.get().content_type == "image/png"
