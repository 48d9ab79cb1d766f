"""Excel import of a period's enterprise reports, and its template (DOMAIN.md, "Excel").

Knows nothing of requests: it reads a file object and returns rows and errors; the
view decides what to show and `services.reports_import` saves. The layout:

- the header row is the row, among the first 15 of a sheet, holding a "Mã số thuế" cell
  (matched ignoring case, accents' composition and surrounding spaces); a title block
  above it and an "STT" or "Tên doanh nghiệp" column are normal and ignored;
- required columns: "Mã số thuế", "Tổng số CNLĐ", "Lao động nữ" and one per indicator,
  headed by the indicator's short name; "Ghi chú" (notes) is optional;
- a row with a tax code and no figure at all is skipped (the template lists every
  active enterprise; those that did not report stay empty); any other bad row is an
  error reported with its Excel row number, and a file with an error saves nothing.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from enterprises.validators import TAX_CODE_RE, normalize_tax_code
from core.xlsx import open_workbook_safely, sheet_rows
from core.xlsx_writing import safe_cell

from . import rules, services
from .models import Indicator, ReportingPeriod

HEADER_SEARCH_ROWS = 15
COL_NO = "STT"
COL_NAME = "Tên doanh nghiệp"
COL_TAX_CODE = "Mã số thuế"
COL_TOTAL = "Tổng số CNLĐ"
COL_FEMALE = "Lao động nữ"
COL_NOTES = "Ghi chú"
MAX_ROWS = 100_000


class WorkbookError(Exception):
    """The file as a whole cannot be read (not an .xlsx, no header row, a missing column)."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ParsedImport:
    rows: list[services.ImportedReport] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # Excel rows with a tax code and no figures


def normalise_header(value) -> str:
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    return " ".join(text.split()).casefold()


def _tax_code(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel turned the code into a number and dropped a leading zero.
        if isinstance(value, float) and not value.is_integer():
            return str(value)
        return f"{int(value):010d}"
    return normalize_tax_code(value)


_GROUPED = re.compile(r"^\d{1,3}([.,\s]\d{3})+$")


def _whole_number(value) -> int | None:
    """A cell as a whole number; None when empty. Raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError
        return int(value)
    text = str(value).strip().replace("\u00a0", " ")
    if not text:
        return None
    if _GROUPED.match(text):  # "1.234" as people type it in Vietnamese
        text = re.sub(r"[.,\s]", "", text)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if number != number.to_integral_value():
        raise ValueError
    return int(number)


def _open(file):
    """Size, zip-bomb and damage checks, bounded columns: core.xlsx, shared by every import."""
    try:
        return open_workbook_safely(file)
    except ValidationError as error:
        raise WorkbookError(" ".join(error.messages)) from None


def _find_header(sheet) -> tuple[int, dict[str, int]] | None:
    """(Excel row number, {normalised header: column index}) of the sheet's header row."""
    wanted = normalise_header(COL_TAX_CODE)
    for number, row in enumerate(sheet_rows(sheet, max_row=HEADER_SEARCH_ROWS), start=1):
        headers = {normalise_header(cell): index for index, cell in enumerate(row) if cell is not None}
        if wanted in headers:
            return number, headers
    return None


def read_reports(file, *, indicators: list[Indicator]) -> ParsedImport:
    """Read a period's reports from an .xlsx file object. Raises WorkbookError for a bad file."""
    workbook = _open(file)
    try:
        for sheet in workbook.worksheets:
            if not hasattr(sheet, "iter_rows"):  # a chart sheet
                continue
            found = _find_header(sheet)
            if found:
                return _read_sheet(sheet, *found, indicators=indicators)
        raise WorkbookError(
            _("No header row found: one of the first %(rows)s rows must have a “%(column)s” cell.")
            % {"rows": HEADER_SEARCH_ROWS, "column": COL_TAX_CODE}
        )
    except ValidationError as error:  # a damaged or too wide sheet, found while reading it
        raise WorkbookError(" ".join(error.messages)) from None
    finally:
        workbook.close()


def _read_sheet(sheet, header_row: int, headers: dict[str, int], *, indicators) -> ParsedImport:
    columns = {COL_TAX_CODE: headers[normalise_header(COL_TAX_CODE)]}
    missing = []
    required = [COL_TOTAL, COL_FEMALE] + [indicator.name for indicator in indicators]
    for title in required:
        index = headers.get(normalise_header(title))
        if index is None:
            missing.append(title)
        else:
            columns[title] = index
    if missing:
        raise WorkbookError(
            _("Row %(row)s (the header row) lacks the column(s): %(columns)s. Download the template to see the expected headers.")
            % {"row": header_row, "columns": ", ".join(f"“{title}”" for title in missing)}
        )
    notes_column = headers.get(normalise_header(COL_NOTES))

    parsed = ParsedImport()
    candidates = []  # (row number, tax code, figures)
    seen: dict[str, int] = {}
    for number, row in enumerate(sheet_rows(sheet, min_row=header_row + 1), start=header_row + 1):
        if number - header_row > MAX_ROWS:
            parsed.errors.append(RowError(number, "", _("Too many rows: import at most %(max)s at a time.") % {"max": MAX_ROWS}))
            break

        def cell(index, row=row):
            return row[index] if index is not None and index < len(row) else None

        figure_cells = {title: cell(columns[title]) for title in required}
        raw_tax_code = cell(columns[COL_TAX_CODE])
        has_figures = any(value not in (None, "") and str(value).strip() for value in figure_cells.values())
        tax_code = _tax_code(raw_tax_code) if raw_tax_code not in (None, "") else ""
        if not tax_code:
            if has_figures:
                parsed.errors.append(RowError(number, COL_TAX_CODE, _("The tax code is missing.")))
            continue
        if not has_figures:
            parsed.skipped.append(number)
            continue
        if not TAX_CODE_RE.match(tax_code):
            parsed.errors.append(RowError(
                number, COL_TAX_CODE,
                _("“%(value)s” is not a tax code (10 digits, or 10 digits, a dash and 3 digits).") % {"value": tax_code},
            ))
            continue
        if tax_code in seen:
            parsed.errors.append(RowError(
                number, COL_TAX_CODE,
                _("Tax code %(code)s appears twice (rows %(first)s and %(row)s).")
                % {"code": tax_code, "first": seen[tax_code], "row": number},
            ))
            continue
        seen[tax_code] = number

        values, row_ok = {}, True
        for title, value in figure_cells.items():
            try:
                values[title] = _whole_number(value)
            except ValueError:
                row_ok = False
                parsed.errors.append(RowError(
                    number, title, _("“%(value)s” is not a whole number.") % {"value": value},
                ))
        if not row_ok:
            continue
        notes = cell(notes_column)
        figures = rules.Figures(
            total_workers=values[COL_TOTAL],
            female_workers=values[COL_FEMALE],
            counts={indicator.code: values[indicator.name] for indicator in indicators},
            notes=str(notes).strip() if notes is not None else "",
        )
        column_of = {"total_workers": COL_TOTAL, "female_workers": COL_FEMALE}
        column_of.update({rules.count_field(i): i.name for i in indicators})
        problems = rules.figures_problems(figures, indicators, complete=True)
        for key, errors in problems.items():
            for error in errors:
                for message in error.messages:
                    parsed.errors.append(RowError(number, column_of.get(key, ""), message))
        if not problems:
            candidates.append((number, tax_code, figures))

    enterprises = Enterprise.objects.in_bulk([code for _n, code, _f in candidates], field_name="tax_code")
    for number, tax_code, figures in candidates:
        enterprise = enterprises.get(tax_code)
        if enterprise is None:
            parsed.errors.append(RowError(
                number, COL_TAX_CODE,
                _("No enterprise with tax code %(code)s is registered in the portal.") % {"code": tax_code},
            ))
            continue
        parsed.rows.append(services.ImportedReport(row=number, enterprise=enterprise, figures=figures))
    parsed.errors.sort(key=lambda error: error.row)
    return parsed


# --- The template --------------------------------------------------------------------------


def reports_template(*, period: ReportingPeriod, indicators: list[Indicator], enterprises, title: str) -> bytes:
    """An .xlsx to fill: a title block, the header row, one row per active enterprise."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = period.code
    font = "Times New Roman"
    headers = [COL_NO, COL_NAME, COL_TAX_CODE, COL_TOTAL, COL_FEMALE] + [i.name for i in indicators] + [COL_NOTES]
    last_column = get_column_letter(len(headers))

    sheet.merge_cells(f"A1:{last_column}1")
    safe_cell(sheet["A1"], title).font = Font(name=font, bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A2:{last_column}2")
    sheet["A2"] = _(
        "One row per enterprise, matched by its tax code. Enter its current workers and, among "
        "them, how many have met each indicator (cumulative since the programme began, each "
        "worker counted once). Leave the figures empty if the enterprise has not reported."
    )
    sheet["A2"].font = Font(name=font, italic=True)
    sheet["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[2].height = 48

    header_row = 4
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, text in enumerate(headers, start=1):
        cell = safe_cell(sheet.cell(row=header_row, column=column), text)
        cell.font = Font(name=font, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border
    sheet.row_dimensions[header_row].height = 36

    row = header_row
    for row, enterprise in enumerate(enterprises, start=header_row + 1):
        sheet.cell(row=row, column=1, value=row - header_row)
        safe_cell(sheet.cell(row=row, column=2), enterprise.name)
        tax = sheet.cell(row=row, column=3, value=enterprise.tax_code)
        tax.number_format = "@"
        tax.data_type = "s"
        for column in range(1, len(headers) + 1):
            cell = sheet.cell(row=row, column=column)
            cell.font = Font(name=font)
            cell.border = border
            if 4 <= column < len(headers):
                cell.number_format = "#,##0"

    numbers = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
        showErrorMessage=True, errorTitle=_("Invalid figure"),
        error=_("Enter a whole number of workers (0 or more)."),
    )
    sheet.add_data_validation(numbers)
    numbers.add(f"D{header_row + 1}:{get_column_letter(len(headers) - 1)}{max(row, header_row + 200)}")

    widths = [6, 40, 16, 14, 14] + [16] * len(indicators) + [30]
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=4)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
