"""The enterprise list's Excel format (DOMAIN.md, "Excel"): reading a filled list, and its template.

Reading is `core.xlsx_reading`'s, shared by every import; this module knows the columns and
the rules of a row, and leaves comparing with the database and saving to `services`. The
headers are the file format itself, in Vietnamese whatever the interface language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from communes import identity
from core.search import fold
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
    read_sheet,
    validation_messages,
)
from core.xlsx_writing import template_workbook

from .forms import phone_error
from .models import EconomicSector, Enterprise, LegalForm

MAX_ENTERPRISE_ROWS = 5_000

# Enterprise list (DOMAIN.md "Excel"): model field -> header.
ENTERPRISE_HEADERS = {
    "name": "Tên doanh nghiệp",
    "tax_code": "Mã số thuế",
    "address": "Địa chỉ",
    "sector": "Ngành nghề",
    "legal_form": "Loại hình",
    "economic_sector": "Thành phần kinh tế",
    "union_name": "Công đoàn cơ sở",
    "phone": "Điện thoại",
    "email": "Email",
    "followed_from": "Theo dõi từ ngày",
}
ENTERPRISE_REQUIRED = ("name", "tax_code")
# Headers other lists use for the same columns.
ENTERPRISE_ALIASES = {
    "legal_form": ("Loại hình doanh nghiệp", "Loại hình DN"),
    "economic_sector": ("Thành phần", "Khu vực kinh tế"),
}


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

# Spellings of the legal form and the economic sector found in real lists (the tax office's,
# the business registry's, the commune's own), compared without accents, case or punctuation
# (`spelling`), after "công ty"/"cty" is dropped from the start. A value that is a sector
# written under "Loại hình" (old templates had one column for both) is read as the sector.
LEGAL_FORM_SPELLINGS = {
    LegalForm.SOLE_PROPRIETORSHIP: ("doanh nghiep tu nhan", "dntn"),
    LegalForm.SINGLE_MEMBER_LLC: (
        "tnhh mot thanh vien",
        "tnhh 1 thanh vien",
        "tnhh mtv",
        "tnhh 1tv",
        "trach nhiem huu han mot thanh vien",
    ),
    LegalForm.MULTI_MEMBER_LLC: (
        "tnhh hai thanh vien tro len",
        "tnhh 2 thanh vien tro len",
        "tnhh hai thanh vien",
        "tnhh 2 thanh vien",
        "tnhh 2tv",
        "tnhh 2tv tro len",
        "trach nhiem huu han hai thanh vien tro len",
    ),
    LegalForm.JOINT_STOCK: ("co phan", "cp", "ctcp", "cty cp"),
    LegalForm.PARTNERSHIP: ("hop danh",),
    LegalForm.COOPERATIVE: ("hop tac xa", "htx", "lien hiep hop tac xa"),
    LegalForm.HOUSEHOLD: ("ho kinh doanh", "hkd", "ho kinh doanh ca the", "ho ca the"),
    LegalForm.BRANCH: ("chi nhanh", "cn", "van phong dai dien", "vpdd", "chi nhanh van phong dai dien"),
    LegalForm.OTHER: ("khac",),
}
SECTOR_SPELLINGS = {
    EconomicSector.STATE: ("nha nuoc", "dnnn", "doanh nghiep nha nuoc", "so huu nha nuoc", "state"),
    EconomicSector.NON_STATE: ("ngoai nha nuoc", "tu nhan", "dan doanh", "ngoai quoc doanh", "non state"),
    EconomicSector.FOREIGN: (
        "co von dau tu nuoc ngoai",
        "co von dau tu nuoc ngoai fdi",
        "doanh nghiep fdi",
        "von dau tu nuoc ngoai",
        "dau tu nuoc ngoai",
        "fdi",
        "100 von nuoc ngoai",
        "lien doanh",
        "foreign",
    ),
}
# "Công ty TNHH" without the number of members: an LLC, but which of the two the file does not say.
LLC_ALONE = ("tnhh", "trach nhiem huu han")


def spelling(value: str) -> str:
    """A value as the lookups compare it: without accents, case, punctuation or a leading
    "công ty"/"cty"."""
    text = re.sub(r"[^a-z0-9]+", " ", fold(value) or "").strip()
    return re.sub(r"^(cong ty|cty)\s+", "", text)


def _lookup(choices, spellings) -> dict[str, str]:
    lookup = {}
    for value, label in choices:
        for language in ("vi", "en"):
            with override(language):
                lookup[spelling(str(label))] = value
        lookup[spelling(value)] = value
    for value, texts in spellings.items():
        lookup.update({spelling(text): value for text in texts})
    return lookup


def legal_form_lookup() -> dict[str, str]:
    return _lookup(LegalForm.choices, LEGAL_FORM_SPELLINGS)


def sector_lookup() -> dict[str, str]:
    return _lookup(EconomicSector.choices, SECTOR_SPELLINGS)


def labels_of(choices) -> list[str]:
    with override("vi"):
        return [str(label) for _value, label in choices]


def read_legal_form(raw: str, forms: dict, sectors: dict) -> tuple[dict[str, str], str | None]:
    """("Loại hình" as fields, a warning or None): a legal form, or a sector written there."""
    key = spelling(raw)
    if key in forms:
        return {"legal_form": forms[key]}, None
    if key in sectors:
        return {"economic_sector": sectors[key]}, None
    if key in {spelling(text) for text in LLC_ALONE}:
        return {}, _(
            "“%(header)s” is “%(value)s”: a limited liability company, but with one member or more? "
            "The legal form is left empty; choose it on the enterprise's page."
        ) % {"header": ENTERPRISE_HEADERS["legal_form"], "value": raw}
    return {}, _("“%(header)s” is “%(value)s”, which is not recognised; the legal form is left empty.") % {
        "header": ENTERPRISE_HEADERS["legal_form"],
        "value": raw,
    }


def read_sector(raw: str, sectors: dict) -> tuple[dict[str, str], str | None]:
    key = spelling(raw)
    if key in sectors:
        return {"economic_sector": sectors[key]}, None
    return {}, _("“%(header)s” is “%(value)s”, which is not recognised; the economic sector is left empty.") % {
        "header": ENTERPRISE_HEADERS["economic_sector"],
        "value": raw,
    }


def parse_enterprises(path_or_file) -> ParsedFile:
    """Read an enterprise list; every row checked, nothing touched in the database."""
    sheet = read_sheet(path_or_file, key_header=ENTERPRISE_HEADERS["tax_code"], max_rows=MAX_ENTERPRISE_ROWS)
    columns, errors, unknown = map_columns(sheet, ENTERPRISE_HEADERS, ENTERPRISE_REQUIRED, aliases=ENTERPRISE_ALIASES)
    result = ParsedFile(header_row=sheet.header_row, errors=errors, ignored_columns=[h for _i, h in unknown])
    if errors:
        return result
    if not sheet.rows:
        result.errors.append(RowError(None, _("The file has no data rows below the header.")))
        return result
    forms, sectors = legal_form_lookup(), sector_lookup()
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
        # Unrecognised legal forms and sectors warn and leave that field empty: the rest of the
        # row is good, and a list from the tax office should not be refused for its spelling.
        row_warnings = []
        legal_form, sector = data.pop("legal_form", ""), data.pop("economic_sector", "")
        if legal_form:
            fields, warning = read_legal_form(legal_form, forms, sectors)
            data.update(fields)
            row_warnings.append(warning)
        if sector:
            fields, warning = read_sector(sector, sectors)
            data.update(fields)
            row_warnings.append(warning)
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
            result.warnings += [RowError(number, warning) for warning in row_warnings if warning]
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
        "“Loại hình” là một trong: " + ", ".join(labels_of(LegalForm.choices)) + "; “Thành phần kinh tế” là "
        "một trong: " + ", ".join(labels_of(EconomicSector.choices)) + " (cách viết tắt thường dùng như "
        "TNHH MTV, CP, DNTN, HTX, FDI cũng được). “Công đoàn cơ sở” ghi tên "
        "công đoàn cơ sở (để trống nếu doanh nghiệp chưa có). “Theo dõi từ ngày” là ngày xã bắt đầu "
        "theo dõi doanh nghiệp, ghi ngày/tháng/năm, ví dụ 01/03/2026 (để trống: doanh nghiệp mới "
        "được theo dõi từ ngày nhập). Ô để trống không xóa thông tin đã có. "
        "Không sửa dòng tiêu đề cột."
    )
    return template_workbook(
        issuer=identity.current().body,
        title="DANH SÁCH DOANH NGHIỆP TRÊN ĐỊA BÀN XÃ",
        note=note,
        headers=headers,
        widths=[6, 40, 16, 18, 22, 30, 24, 36, 16, 28, 16],
        text_columns={ENTERPRISE_HEADERS["tax_code"], ENTERPRISE_HEADERS["phone"]},
        date_columns={ENTERPRISE_HEADERS["followed_from"]},
        choices={
            ENTERPRISE_HEADERS["legal_form"]: labels_of(LegalForm.choices),
            ENTERPRISE_HEADERS["economic_sector"]: labels_of(EconomicSector.choices),
        },
    )
