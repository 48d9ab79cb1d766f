"""The official list of communes in Excel (code, name, kind): reading a filled list, and its
template.

Reading is `core.xlsx_reading`'s, shared by every import; this module knows the columns and
the rules of a row, and leaves comparing with the database and saving to `services`. The
headers are the file format itself, in Vietnamese whatever the interface language; the
usual headers of the national list of administrative units are understood too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.search import fold
from core.xlsx_reading import (
    STT,
    ParsedFile,
    RowError,
    cell,
    cell_text,
    duplicate_errors,
    map_columns,
    read_sheet,
    shown,
    validation_messages,
)
from core.xlsx_writing import template_workbook

from .models import Commune, CommuneKind

# The whole country has 3,321 communes, wards and special zones.
MAX_COMMUNE_ROWS = 5_000

HEADERS = {"code": "Mã đơn vị hành chính", "name": "Tên", "kind": "Loại"}
REQUIRED = ("code", "name", "kind")
# The header row is found by its code cell (core.xlsx_reading), which therefore has one name;
# the other two columns also go by the names the national list gives them.
ALIASES = {
    "name": ("Tên đơn vị hành chính", "Tên xã", "Tên đơn vị"),
    "kind": ("Cấp", "Loại đơn vị", "Loại đơn vị hành chính"),
}
# How each kind is written, compared without accents or case.
KIND_SPELLINGS = {
    CommuneKind.COMMUNE: ("xa",),
    CommuneKind.WARD: ("phuong",),
    CommuneKind.SPECIAL_ZONE: ("dac khu",),
}


@dataclass
class CommuneRow:
    """One commune read from the file."""

    row: int
    code: str
    name: str
    kind: str


def spelling(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(value) or "").strip()


def kind_lookup() -> dict[str, str]:
    lookup = {}
    for value, label in CommuneKind.choices:
        for language in ("vi", "en"):
            with override(language):
                lookup[spelling(str(label))] = value
        lookup[spelling(value)] = value
    for value, texts in KIND_SPELLINGS.items():
        lookup.update(dict.fromkeys(texts, value))
    return lookup


def cell_code(value) -> str:
    """A code cell as text. Typed into a number cell, Excel drops the leading zeros of a code
    such as 00004 (a ward of Hà Nội): a whole number of fewer than five digits gets them back.
    Text is taken as typed, so "1234" typed as text is refused rather than guessed."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 100_000:
        return f"{value:05d}"
    return cell_text(value).replace(" ", "")


def without_kind(name: str, kind: str, kinds: dict[str, str]) -> str:
    """ "Xã Hoằng Giang" -> "Hoằng Giang" when the row's kind is a commune: the national list
    writes the kind before the name, the portal keeps them apart."""
    words = name.split(" ")
    for size in (2, 1):
        if len(words) > size and kinds.get(spelling(" ".join(words[:size]))) == kind:
            return " ".join(words[size:])
    return name


def parse_communes(path_or_file) -> ParsedFile:
    """Read a list of communes; every row checked, nothing touched in the database."""
    sheet = read_sheet(path_or_file, key_header=HEADERS["code"], max_rows=MAX_COMMUNE_ROWS)
    columns, errors, unknown = map_columns(sheet, HEADERS, REQUIRED, aliases=ALIASES)
    result = ParsedFile(header_row=sheet.header_row, errors=errors, ignored_columns=[h for _i, h in unknown])
    if errors:
        return result
    if not sheet.rows:
        result.errors.append(RowError(None, _("The file has no data rows below the header.")))
        return result
    kinds = kind_lookup()
    seen: dict[str, list[int]] = {}
    for number, values in sheet.rows:
        code = cell_code(cell(values, columns["code"]))
        name = cell_text(cell(values, columns["name"]))
        raw_kind = cell_text(cell(values, columns["kind"]))
        if not (code or name or raw_kind):
            continue  # only an STT number: a numbered but unused line of the template
        row_errors = []
        kind = kinds.get(spelling(raw_kind), "")
        if not raw_kind:
            row_errors.append(_("“%(header)s” is empty.") % {"header": HEADERS["kind"]})
        elif not kind:
            row_errors.append(
                _("“%(header)s” is “%(value)s”: write Xã, Phường or Đặc khu.")
                % {"header": HEADERS["kind"], "value": shown(raw_kind)}
            )
        name = without_kind(name, kind, kinds) if kind else name
        if not name:
            row_errors.append(_("“%(header)s” is empty.") % {"header": HEADERS["name"]})
        if not code:
            row_errors.append(_("“%(header)s” is empty.") % {"header": HEADERS["code"]})
        else:
            seen.setdefault(code, []).append(number)
            candidate = Commune(code=code, name=name or "-", kind=kind or CommuneKind.COMMUNE)
            try:
                candidate.clean_fields(exclude=["slug", "body", "place", "superior", "addressee"])
            except ValidationError as error:
                row_errors += validation_messages(error, {"code": HEADERS["code"], "name": HEADERS["name"]})
        if row_errors:
            result.errors += [RowError(number, message) for message in row_errors]
        else:
            result.rows.append(CommuneRow(number, code, name, kind))
    result.errors += duplicate_errors(
        seen, _("The code %(value)s appears more than once in the file (also on row %(rows)s).")
    )
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def commune_template(*, issuer: str) -> bytes:
    """The empty list of communes to fill in, as .xlsx bytes."""
    labels = [str(label) for label in _kind_labels()]
    note = (
        "Ghi chú: cả ba cột là bắt buộc. “Mã đơn vị hành chính” gồm 5 chữ số, theo Danh mục đơn vị "
        "hành chính Việt Nam (ví dụ 16015); “Tên” là tên xã, phường, đặc khu, không kèm chữ “xã”, "
        "“phường” (nếu có cũng được); “Loại” là một trong: " + ", ".join(labels) + ". "
        "Mã đã có trong hệ thống thì tệp không được nhập. Không sửa dòng tiêu đề cột."
    )
    return template_workbook(
        issuer=issuer,
        title="DANH SÁCH XÃ, PHƯỜNG, ĐẶC KHU",
        note=note,
        headers=[STT, *HEADERS.values()],
        widths=[6, 24, 36, 16],
        text_columns={HEADERS["code"]},
        choices={HEADERS["kind"]: labels},
    )


def _kind_labels():
    with override("vi"):
        return [str(label) for _value, label in CommuneKind.choices]
