"""Reading the enterprise list from Excel and writing its template, with the shared reading pieces.

This module knows workbooks and the file formats of DOMAIN.md, nothing of requests:
it turns a file into checked rows (or Vietnamese errors naming the Excel row) and
leaves comparing with the database and saving to `services`.

The column headers are the file format itself, in Vietnamese whatever the interface
language, so they are plain strings here and not translated.

Uploads wait between the preview and the confirmation as files under
MEDIA_ROOT/imports, named by a random token the server chooses (never by the
uploader), and are read again on confirmation.
"""

from __future__ import annotations

import datetime
import io
import logging
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.xlsx import open_workbook_safely, sheet_rows
from core.xlsx_writing import safe_cell

from .models import Enterprise, Ownership
from .validators import normalize_tax_code

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 15
# A sheet formatted down to row 1,048,576 would otherwise be read to the end:
# this many empty rows in a row mean the data is over.
EMPTY_ROWS_END = 1000
MAX_ENTERPRISE_ROWS = 5_000

STT = "STT"

# Enterprise list (DOMAIN.md "Excel"): model field -> header.
ENTERPRISE_HEADERS = {
    "name": "Tên doanh nghiệp",
    "tax_code": "Mã số thuế",
    "address": "Địa chỉ",
    "sector": "Ngành nghề",
    "ownership": "Loại hình",
    "union_name": "Công đoàn cơ sở",
    "phone": "Điện thoại",
    "email": "Email",
}
ENTERPRISE_REQUIRED = ("name", "tax_code")

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


class WorkbookError(Exception):
    """The file as a whole cannot be used (not a workbook, no header row, too many rows…)."""


@dataclass(frozen=True)
class RowError:
    """A reason a row (its Excel number; None for the file as a whole) was refused."""

    row: int | None
    message: str


@dataclass
class EnterpriseRow:
    """One enterprise read from the file: only the cells that hold something.

    An empty optional cell leaves what the portal already knows unchanged, so that a
    partial list from another office never erases an e-mail typed in the portal.
    """

    row: int
    tax_code: str
    values: dict[str, object]


@dataclass
class ParsedFile:
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int | None = None
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


# --- reading cells ---------------------------------------------------------------


def normalize_header(value) -> str:
    """Header text compared the forgiving way: NFC, case-folded, spaces collapsed, no '*'."""
    text = unicodedata.normalize("NFC", str(value if value is not None else ""))
    text = " ".join(text.split()).casefold()
    return re.sub(r"\s*\(?\*\)?$", "", text)


def cell_text(value) -> str:
    """A cell as clean text: whole numbers without '.0', dates as dd/mm/yyyy, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def phone_text(value) -> str:
    """Excel drops the leading 0 of a phone typed as a number; domestic numbers have one."""
    text = cell_text(value)
    if isinstance(value, (int, float)) and text.isdigit() and not text.startswith("0"):
        text = "0" + text
    return text


def cell_date(value) -> datetime.date | None:
    """A date cell, a dd/mm/yyyy text or an unformatted Excel serial number; None if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # 36526 is 1/1/2000 and 73051 is 1/1/2100 in Excel's calendar.
        if 36526 <= value < 73051:
            from openpyxl.utils.datetime import from_excel

            return from_excel(value).date()
        raise ValueError
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError


def validation_messages(error: ValidationError, labels: dict[str, str]) -> list[str]:
    """A model's ValidationError as 'Header: message' texts, in the file's words."""
    messages = []
    for name, errors in error.message_dict.items():
        label = labels.get(name)
        for message in errors:
            named = not label or str(message).casefold().startswith(label.casefold())
            messages.append(str(message) if named else f"{label}: {message}")
    return messages


# --- the workbook ----------------------------------------------------------------


@dataclass
class Sheet:
    header_row: int
    headers: list[str]  # normalized header text per column index ("" for empty)
    raw_headers: list[str]
    rows: list[tuple[int, tuple]]  # (Excel row number, cell values) of non-empty rows


def read_sheet(path_or_file, *, key_header: str, max_rows: int) -> Sheet:
    """Find the header row (by its `key_header` cell) and read the data rows below it.

    The header is searched in the first 15 rows of each sheet in turn, so a title
    block above it or an instructions sheet before it are fine.
    """
    # Size, zip-bomb and damage checks, bounded columns: core.xlsx, shared by every import.
    try:
        workbook = open_workbook_safely(path_or_file)
    except ValidationError as error:
        raise WorkbookError(" ".join(error.messages)) from None
    wanted = normalize_header(key_header)
    try:
        for worksheet in workbook.worksheets:
            if not hasattr(worksheet, "iter_rows"):  # a chart sheet
                continue
            header_row = None
            for number, values in enumerate(sheet_rows(worksheet, max_row=HEADER_SEARCH_ROWS), start=1):
                if any(normalize_header(value) == wanted for value in values):
                    header_row, raw = number, [cell_text(value) for value in values]
                    break
            if header_row is None:
                continue
            rows = []
            empty_run = 0
            for number, values in enumerate(sheet_rows(worksheet, min_row=header_row + 1), start=header_row + 1):
                if all(cell_text(value) == "" for value in values):
                    empty_run += 1
                    if empty_run >= EMPTY_ROWS_END:
                        break
                    continue
                empty_run = 0
                rows.append((number, tuple(values)))
                if len(rows) > max_rows:
                    raise WorkbookError(
                        _("The file has more than %(max)s rows of data; split it into smaller files.")
                        % {"max": number_format(max_rows, force_grouping=True)}
                    )
            return Sheet(header_row, [normalize_header(h) for h in raw], raw, rows)
    except WorkbookError:
        raise
    except ValidationError as error:
        raise WorkbookError(" ".join(error.messages)) from None
    except Exception:
        logger.info("Workbook failed while reading", exc_info=True)
        raise WorkbookError(_("The file could not be read as an Excel workbook: it may be damaged, protected by a password, or another kind of file. Save it again as .xlsx and retry."))
    finally:
        workbook.close()
    raise WorkbookError(
        _("No header row found: none of the first %(rows)s rows has a “%(header)s” cell. Use the template.")
        % {"rows": HEADER_SEARCH_ROWS, "header": key_header}
    )


def map_columns(sheet: Sheet, headers: dict[str, str], required: tuple[str, ...]):
    """(field -> column index, errors, unknown (index, header) pairs) of a header row."""
    by_text = {normalize_header(text): name for name, text in headers.items()}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    unknown = []
    for index, text in enumerate(sheet.headers):
        if not text or text == normalize_header(STT):
            continue
        name = by_text.get(text)
        if name is None:
            unknown.append((index, sheet.raw_headers[index]))
        elif name in columns:
            errors.append(RowError(sheet.header_row, _("Column “%(header)s” appears twice.") % {"header": headers[name]}))
        else:
            columns[name] = index
    missing = [headers[name] for name in required if name not in columns]
    if missing:
        errors.append(RowError(sheet.header_row, _("Required column missing: %(headers)s. Use the template.") % {"headers": ", ".join(f"“{h}”" for h in missing)}))
    return columns, errors, unknown


def cell(values: tuple, index: int | None):
    if index is None or index >= len(values):
        return None
    return values[index]


def duplicate_errors(keys: dict[str, list[int]], message: str) -> list[RowError]:
    """Errors for every key seen on more than one row, naming the other rows."""
    errors = []
    for key, rows in keys.items():
        for row in rows[1:]:
            others = ", ".join(str(r) for r in rows if r != row)
            errors.append(RowError(row, message % {"value": key, "rows": others}))
    return errors


# --- enterprise list ---------------------------------------------------------------


def ownership_lookup() -> dict[str, str]:
    """Ownership written in the file (the Vietnamese label, case-insensitive) -> choice value.

    The English label, the stored value and the usual abbreviations are accepted too.
    """
    lookup = {}
    for value, label in Ownership.choices:
        with override("vi"):
            lookup[normalize_header(label)] = value
        with override("en"):
            lookup[normalize_header(label)] = value
        lookup[normalize_header(value)] = value
    lookup.update({"fdi": Ownership.FDI, "htx": Ownership.COOPERATIVE, "dnnn": Ownership.STATE})
    return lookup


def ownership_labels() -> list[str]:
    with override("vi"):
        return [str(label) for _value, label in Ownership.choices]


def parse_enterprises(path_or_file) -> ParsedFile:
    """Read an enterprise list; every row checked, nothing touched in the database."""
    from .forms import phone_error  # the same rule as the enterprise form (forms imports us)

    sheet = read_sheet(path_or_file, key_header=ENTERPRISE_HEADERS["tax_code"], max_rows=MAX_ENTERPRISE_ROWS)
    columns, errors, unknown = map_columns(sheet, ENTERPRISE_HEADERS, ENTERPRISE_REQUIRED)
    result = ParsedFile(header_row=sheet.header_row, errors=errors, ignored_columns=[h for _i, h in unknown])
    if errors:
        return result
    if not sheet.rows:
        result.errors.append(RowError(None, _("The file has no data rows below the header.")))
        return result
    ownerships = ownership_lookup()
    labels = {name: ENTERPRISE_HEADERS[name] for name in ENTERPRISE_HEADERS}
    seen: dict[str, list[int]] = {}
    for number, values in sheet.rows:
        row_errors = []
        data = {}
        for name, index in columns.items():
            raw = cell(values, index)
            data[name] = phone_text(raw) if name == "phone" else cell_text(raw)
        if not any(data.values()):
            continue  # only an STT number: a numbered but unused line of the template
        tax_code = normalize_tax_code(data.pop("tax_code"))
        checked = set()  # fields already explained, so the model does not repeat them
        if not data["name"]:
            row_errors.append(_("“%(header)s” is empty.") % {"header": ENTERPRISE_HEADERS["name"]})
            checked.add("name")
        if not tax_code:
            row_errors.append(_("“%(header)s” is empty.") % {"header": ENTERPRISE_HEADERS["tax_code"]})
            checked.add("tax_code")
        else:
            seen.setdefault(tax_code, []).append(number)
        ownership = data.pop("ownership", "")
        if ownership:
            value = ownerships.get(normalize_header(ownership))
            if value is None:
                row_errors.append(
                    _("“%(header)s” is “%(value)s”; write one of: %(choices)s.")
                    % {"header": ENTERPRISE_HEADERS["ownership"], "value": ownership,
                       "choices": ", ".join(ownership_labels())}
                )
            else:
                data["ownership"] = value
        union_name = data.pop("union_name", "")
        if union_name:
            data["union_name"] = union_name
            data["has_union"] = True
        values_set = {name: value for name, value in data.items() if value not in ("", None)}
        # Every problem of the row at once, so one correction round is enough.
        candidate = Enterprise(tax_code=tax_code, **values_set)
        try:
            candidate.full_clean(exclude=sorted(checked), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            row_errors += validation_messages(error, labels)
        if values_set.get("phone"):
            message = phone_error(values_set["phone"])
            if message:
                row_errors.append(f"{ENTERPRISE_HEADERS['phone']}: {message}")
        if row_errors:
            result.errors += [RowError(number, message) for message in row_errors]
        else:
            result.rows.append(EnterpriseRow(number, tax_code, values_set))
    result.errors += duplicate_errors(
        seen, _("Tax code %(value)s appears more than once in the file (also on row %(rows)s).")
    )
    result.errors.sort(key=lambda e: (e.row or 0))
    return result


# --- templates -----------------------------------------------------------------------


def _template_workbook(*, title: str, note: str, headers: list[str], widths: list[int],
                       text_columns=(), date_columns=(), choices=None):
    """A sheet with a title block, a note on the formats, then the styled header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Danh sách"
    last = get_column_letter(len(headers))
    font = "Times New Roman"
    safe_cell(sheet["A1"], settings.PORTAL_COMMUNE_BODY.upper())
    sheet["A1"].font = Font(name=font, bold=True, size=12)
    sheet.merge_cells(f"A2:{last}2")
    safe_cell(sheet["A2"], title)
    sheet["A2"].font = Font(name=font, bold=True, size=14)
    sheet["A2"].alignment = Alignment(horizontal="center")
    sheet.merge_cells(f"A3:{last}3")
    safe_cell(sheet["A3"], note)
    sheet["A3"].font = Font(name=font, italic=True, size=11)
    sheet["A3"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[3].height = 96
    header_row = 5
    thin = Side(style="thin")
    for index, (text, width) in enumerate(zip(headers, widths), start=1):
        header = safe_cell(sheet.cell(row=header_row, column=index), text)
        header.font = Font(name=font, bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if text in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
        if text in date_columns:
            sheet.column_dimensions[letter].number_format = "dd/mm/yyyy"
    sheet.row_dimensions[header_row].height = 32
    sheet.freeze_panes = f"A{header_row + 1}"
    for text, options in (choices or {}).items():
        letter = get_column_letter(headers.index(text) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.error = "Chọn một giá trị trong danh sách: " + ", ".join(options)
        validation.errorTitle = text
        sheet.add_data_validation(validation)
        validation.add(f"{letter}{header_row + 1}:{letter}{header_row + 5000}")
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def enterprise_template() -> bytes:
    """The empty enterprise list to fill in, as .xlsx bytes."""
    headers = [STT, *ENTERPRISE_HEADERS.values()]
    note = (
        "Ghi chú: “Tên doanh nghiệp” và “Mã số thuế” là bắt buộc. Mã số thuế gồm 10 chữ số, "
        "hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đối với chi nhánh (ví dụ 2801234567 hoặc "
        "2801234567-001); mã số thuế đã có trên cổng thông tin thì doanh nghiệp đó được cập nhật. "
        "“Loại hình” là một trong: " + ", ".join(ownership_labels()) + ". “Công đoàn cơ sở” ghi tên "
        "công đoàn cơ sở (để trống nếu doanh nghiệp chưa có). Ô để trống không xoá thông tin đã có. "
        "Không sửa dòng tiêu đề cột."
    )
    return _template_workbook(
        title="DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN XÃ",
        note=note,
        headers=headers,
        widths=[6, 40, 16, 18, 22, 22, 36, 16, 28],
        text_columns={ENTERPRISE_HEADERS["tax_code"], ENTERPRISE_HEADERS["phone"]},
        choices={ENTERPRISE_HEADERS["ownership"]: ownership_labels()},
    )


# --- uploads waiting for confirmation ---------------------------------------------------

STAGE_NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")
STAGE_MAX_AGE = 24 * 60 * 60


def stage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def stage_upload(uploaded) -> str:
    """Keep an uploaded file until the official confirms; return its server-chosen name.

    Files older than a day (abandoned previews) are removed on the way.
    """
    directory = stage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STAGE_MAX_AGE
    for old in directory.glob("*.xlsx"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    name = secrets.token_hex(16) + ".xlsx"
    with open(directory / name, "wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    return name


def staged_path(name: str) -> Path | None:
    """The staged file's path, or None if the name is not one we made or it is gone."""
    if not STAGE_NAME.match(name or ""):
        return None
    path = stage_dir() / name
    return path if path.is_file() else None


def discard_staged(name: str) -> None:
    path = staged_path(name)
    if path is not None:
        path.unlink(missing_ok=True)
