"""The worker roster's Excel format: reading a filled roster, and its template.

A roster's columns are the worker's details and one date column per indicator of the
current plan, so rosters belong to the indicators layer; reading is `core.xlsx_reading`'s.
Headers are the file format, Vietnamese whatever the language.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from communes import identity
from core.xlsx_reading import (
    STT,
    CellError,
    ParsedFile,
    RowError,
    cell,
    cell_date,
    cell_text,
    cell_whole_number,
    duplicate_errors,
    map_columns,
    normalize_header,
    read_sheet,
    shown,
    validation_messages,
)
from core.xlsx_writing import template_workbook
from enterprises.models import Sex, Worker

MAX_ROSTER_ROWS = 10_000
EARLIEST_OUTCOME = datetime.date(2000, 1, 1)

# Worker roster: the fixed columns, then one column per indicator (its short name).
ROSTER_HEADERS = {
    "employee_code": "Mã nhân viên",
    "full_name": "Họ và tên",
    "sex": "Giới tính",
    "birth_year": "Năm sinh",
    "job": "Công việc",
}
ROSTER_REQUIRED = ("employee_code", "full_name", "sex")

SEX_WORDS = {
    "nam": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "nữ": Sex.FEMALE,
    "nu": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
}
SEX_LABELS = {Sex.MALE: "Nam", Sex.FEMALE: "Nữ"}


@dataclass
class WorkerRow:
    """One worker read from a roster file, with the indicators met (id -> date)."""

    row: int
    employee_code: str
    values: dict[str, object]
    outcomes: dict[int, datetime.date]


# --- worker roster -------------------------------------------------------------------


def birth_year_bounds() -> tuple[int, int]:
    """The range the model accepts, read from its validators so both always agree."""
    low, high = 1900, datetime.date.today().year
    for validator in Worker._meta.get_field("birth_year").validators:
        if validator.code == "min_value":
            low = validator.limit_value
        elif validator.code == "max_value":
            high = validator.limit_value
    return low, high


def indicator_headers(indicators) -> dict[str, object]:
    """Header text -> indicator: the short name, or "a) short name" as in the portal."""
    lookup = {}
    for indicator in indicators:
        lookup[normalize_header(indicator.name)] = indicator
        lookup[normalize_header(f"{indicator.code}) {indicator.name}")] = indicator
    return lookup


def parse_roster(path_or_file, *, indicators) -> ParsedFile:
    """Read a worker roster; `indicators` are the current plan's, one column each."""
    sheet = read_sheet(path_or_file, key_header=ROSTER_HEADERS["employee_code"], max_rows=MAX_ROSTER_ROWS)
    columns, errors, unknown = map_columns(sheet, ROSTER_HEADERS, ROSTER_REQUIRED)
    by_header = indicator_headers(indicators)
    indicator_columns: dict[int, object] = {}
    for index, header in unknown:
        indicator = by_header.get(normalize_header(header))
        if indicator is None:
            errors.append(
                RowError(
                    sheet.header_row,
                    _(
                        "Column “%(header)s” is neither a roster column nor the short name of an indicator of the current plan (%(names)s)."
                    )
                    % {"header": header, "names": ", ".join(f"“{i.name}”" for i in indicators)},
                )
            )
        elif indicator.pk in indicator_columns.values():
            errors.append(RowError(sheet.header_row, _("Column “%(header)s” appears twice.") % {"header": header}))
        else:
            indicator_columns[index] = indicator.pk
    result = ParsedFile(header_row=sheet.header_row, errors=errors)
    if errors:
        return result
    if not sheet.rows:
        result.errors.append(RowError(None, _("The file has no data rows below the header.")))
        return result
    low, high = birth_year_bounds()
    today = timezone.localdate()
    names = {indicator.pk: indicator.name for indicator in indicators}
    seen: dict[str, list[int]] = {}
    for number, values in sheet.rows:
        row_errors = []
        data = {name: cell(values, index) for name, index in columns.items()}
        dates = {pk: cell(values, index) for index, pk in indicator_columns.items()}
        if not any(cell_text(v) for v in [*data.values(), *dates.values()]):
            continue
        code = cell_text(data["employee_code"])
        full_name = cell_text(data["full_name"])
        for name, text in (("employee_code", code), ("full_name", full_name)):
            if not text:
                row_errors.append(_("“%(header)s” is empty.") % {"header": ROSTER_HEADERS[name]})
        if code:
            seen.setdefault(code, []).append(number)
        sex_text = cell_text(data["sex"])
        sex = SEX_WORDS.get(sex_text.casefold())
        if not sex_text:
            row_errors.append(_("“%(header)s” is empty.") % {"header": ROSTER_HEADERS["sex"]})
        elif sex is None:
            row_errors.append(
                _("“%(header)s” is “%(value)s”; write Nam or Nữ.")
                % {"header": ROSTER_HEADERS["sex"], "value": shown(data["sex"])}
            )
        birth_year = None
        try:
            year = cell_whole_number(data.get("birth_year"), maximum=9999)
        except CellError:
            row_errors.append(
                _("“%(header)s” is “%(value)s”; write a year such as 1990.")
                % {"header": ROSTER_HEADERS["birth_year"], "value": shown(data.get("birth_year"))}
            )
        else:
            if year is not None and not low <= year <= high:
                row_errors.append(
                    _("“%(header)s” %(value)s is out of range: from %(low)s to %(high)s.")
                    % {"header": ROSTER_HEADERS["birth_year"], "value": year, "low": low, "high": high}
                )
            else:
                birth_year = year
        outcomes = {}
        for pk, raw in dates.items():
            try:
                achieved_on = cell_date(raw)
            except CellError as error:
                row_errors.append(f"“{names[pk]}”: {error}")
                continue
            if achieved_on is None:
                continue
            if achieved_on > today:
                row_errors.append(
                    _("“%(header)s”: %(date)s is in the future.")
                    % {"header": names[pk], "date": achieved_on.strftime("%d/%m/%Y")}
                )
            elif achieved_on < EARLIEST_OUTCOME:
                row_errors.append(
                    _("“%(header)s”: %(date)s is too early to be a result of the plan.")
                    % {"header": names[pk], "date": achieved_on.strftime("%d/%m/%Y")}
                )
            else:
                outcomes[pk] = achieved_on
        # As for enterprises, an empty optional cell leaves what is recorded unchanged.
        values_set = {"full_name": full_name, "sex": sex}
        if birth_year is not None:
            values_set["birth_year"] = birth_year
        if cell_text(data.get("job")):
            values_set["job"] = cell_text(data.get("job"))
        # The model's own rules (lengths…) too, for the fields not already explained above.
        checked = {"enterprise", "sex", "birth_year"} | {
            name for name, text in (("employee_code", code), ("full_name", full_name)) if not text
        }
        candidate = Worker(employee_code=code, **{k: v for k, v in values_set.items() if k not in checked})
        try:
            candidate.full_clean(exclude=sorted(checked), validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            row_errors += validation_messages(error, ROSTER_HEADERS)
        if row_errors:
            result.errors += [RowError(number, message) for message in row_errors]
        else:
            result.rows.append(WorkerRow(number, code, values_set, outcomes))
    result.errors += duplicate_errors(
        seen, _("Employee code %(value)s appears more than once in the file (also on row %(rows)s).")
    )
    result.errors.sort(key=lambda e: (e.row or 0))
    return result


def roster_template(indicators, *, enterprise_name: str = "") -> bytes:
    """The empty roster to fill in, with one date column per indicator, as .xlsx bytes."""
    low, high = birth_year_bounds()
    indicator_names = [indicator.name for indicator in indicators]
    headers = [STT, *ROSTER_HEADERS.values(), *indicator_names]
    note = (
        "Ghi chú: “Mã nhân viên”, “Họ và tên” và “Giới tính” (Nam hoặc Nữ) là bắt buộc; mã nhân viên "
        "không trùng nhau, mã đã có thì thông tin CNLĐ đó được cập nhật. “Năm sinh” từ "
        f"{low} đến {high}. Mỗi cột chỉ tiêu ghi ngày CNLĐ đạt chỉ tiêu đó (ngày/tháng/năm, ví dụ 21/04/2025), để "
        "trống nếu chưa đạt. Ô để trống không xóa thông tin hay kết quả đã ghi nhận. Không ghi số CCCD/CMND "
        "hay thông tin cá nhân khác (Nghị định 13/2023/NĐ-CP)."
    )
    title = "DANH SÁCH CÔNG NHÂN LAO ĐỘNG"
    if enterprise_name:
        title += " – " + enterprise_name.upper()
    return template_workbook(
        issuer=identity.current().body,
        title=title,
        note=note,
        headers=headers,
        widths=[6, 16, 30, 11, 11, 24, *[16] * len(indicator_names)],
        text_columns={ROSTER_HEADERS["employee_code"]},
        date_columns=set(indicator_names),
        choices={ROSTER_HEADERS["sex"]: list(SEX_LABELS.values())},
    )
