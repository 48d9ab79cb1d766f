"""The enterprise list's Excel format (DOMAIN.md, "Excel"): reading a filled list, and its template.

Reading is `core.xlsx_reading`'s, shared by every import; this module knows the columns and
the rules of a row, and leaves comparing with the database and saving to `services`. The
headers are the file format itself, in Vietnamese whatever the interface language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.xlsx_reading import (
    STT,
    CellError,
    ParsedFile,
    RowError,
    cell,
    cell_date,
    cell_phone,
    cell_tax_code,
    cell_text,
    duplicate_errors,
    map_columns,
    normalize_header,
    read_sheet,
    validation_messages,
)
from core.xlsx_writing import template_workbook

from .forms import phone_error
from .models import Enterprise, Ownership

MAX_ENTERPRISE_ROWS = 5_000

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
    "followed_from": "Theo dõi từ ngày",
}
ENTERPRISE_REQUIRED = ("name", "tax_code")


@dataclass
class EnterpriseRow:
    """One enterprise read from the file: only the cells that hold something.

    An empty optional cell leaves what the portal already knows unchanged, so that a
    partial list from another office never erases an e-mail typed in the portal.
    """

    row: int
    tax_code: str
    values: dict[str, object]


# --- enterprise list ---------------------------------------------------------------


def ownership_lookup() -> dict[str, str]:
    """Ownership written in the file (the Vietnamese label, case-insensitive) -> choice value.

    The English label, the stored value and the usual abbreviations are accepted too, and
    "Tư nhân", the label of "ngoài nhà nước" in templates downloaded before the glossary.
    """
    lookup = {}
    for value, label in Ownership.choices:
        with override("vi"):
            lookup[normalize_header(label)] = value
        with override("en"):
            lookup[normalize_header(label)] = value
        lookup[normalize_header(value)] = value
    lookup.update({"fdi": Ownership.FDI, "htx": Ownership.COOPERATIVE, "dnnn": Ownership.STATE})
    lookup[normalize_header("Tư nhân")] = Ownership.PRIVATE  # glossary: accepted from old files
    return lookup


def ownership_labels() -> list[str]:
    with override("vi"):
        return [str(label) for _value, label in Ownership.choices]


def parse_enterprises(path_or_file) -> ParsedFile:
    """Read an enterprise list; every row checked, nothing touched in the database."""
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
        checked = set()  # fields already explained, so the model does not repeat them
        for name, index in columns.items():
            raw = cell(values, index)
            if name == "phone":
                data[name] = cell_phone(raw)
            elif name == "tax_code":
                data[name] = cell_tax_code(raw)
            elif name == "followed_from":
                try:
                    data[name] = cell_date(raw)
                except CellError as error:
                    data[name] = None
                    row_errors.append(f"“{ENTERPRISE_HEADERS[name]}”: {error}")
                    checked.add(name)
            else:
                data[name] = cell_text(raw)
        if not any(data.values()):
            continue  # only an STT number: a numbered but unused line of the template
        tax_code = data.pop("tax_code")
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
                    % {
                        "header": ENTERPRISE_HEADERS["ownership"],
                        "value": ownership,
                        "choices": ", ".join(ownership_labels()),
                    }
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


def enterprise_template() -> bytes:
    """The empty enterprise list to fill in, as .xlsx bytes."""
    headers = [STT, *ENTERPRISE_HEADERS.values()]
    note = (
        "Ghi chú: “Tên doanh nghiệp” và “Mã số thuế” là bắt buộc. Mã số thuế gồm 10 chữ số, "
        "hoặc 10 chữ số, dấu gạch ngang và 3 chữ số đối với chi nhánh (ví dụ 2801234567 hoặc "
        "2801234567-001); mã số thuế đã có trong hệ thống thì thông tin doanh nghiệp đó được cập nhật. "
        "“Loại hình” là một trong: " + ", ".join(ownership_labels()) + ". “Công đoàn cơ sở” ghi tên "
        "công đoàn cơ sở (để trống nếu doanh nghiệp chưa có). “Theo dõi từ ngày” là ngày xã bắt đầu "
        "theo dõi doanh nghiệp, ghi ngày/tháng/năm, ví dụ 01/03/2026 (để trống: doanh nghiệp mới "
        "được theo dõi từ ngày nhập). Ô để trống không xóa thông tin đã có. "
        "Không sửa dòng tiêu đề cột."
    )
    return template_workbook(
        issuer=settings.PORTAL_COMMUNE_BODY,
        title="DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN XÃ",
        note=note,
        headers=headers,
        widths=[6, 40, 16, 18, 22, 22, 36, 16, 28, 16],
        text_columns={ENTERPRISE_HEADERS["tax_code"], ENTERPRISE_HEADERS["phone"]},
        date_columns={ENTERPRISE_HEADERS["followed_from"]},
        choices={ENTERPRISE_HEADERS["ownership"]: ownership_labels()},
    )
