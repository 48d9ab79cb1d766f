"""The Excel report the commune sends upward (báo cáo gửi cấp trên), for one period.

Two layers, neither of which knows about requests:

- `WorkbookWriter` / `SheetWriter`: a streaming xlsx writer over XlsxWriter in its
  constant_memory mode (each row goes to a temporary file as soon as the next one
  starts, so memory stays flat however many enterprises there are). It is the one
  place that turns Python values into cells, and it does so safely: text from users
  is always written as text, never as a formula, with the characters Excel refuses
  removed; numbers and dates stay numbers and dates. Each distinct `Style` becomes
  one XlsxWriter format, made once.
- `DistrictReport`: the four sheets (Tổng hợp, Doanh nghiệp, Nhiệm vụ, Hoạt động),
  written row by row from `indicators.progress`, which alone computes the figures,
  so the workbook shows the same numbers as the dashboards and the API.

The report talks to its writer through a small surface (`add_sheet`, `close`;
`write` on a sheet); the benchmark drives the same report through an unstyled
backend to measure the floor.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, NamedTuple, Sequence

import xlsxwriter
from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from enterprises.models import Enterprise
from plans.models import Activity, Plan, Task, TaskStatus

from . import progress
from .models import ReportingPeriod, ReportStatus

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML

# --- safe cell values -------------------------------------------------------------

# Excel (and any spreadsheet that re-reads a cell as typed input) treats text starting
# with these as a formula; full-width forms are included because some input methods
# produce them and Excel accepts them too.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# The control characters XML 1.0 forbids (all below U+0020 but tab, LF and CR), and what
# no XML parser accepts either: lone surrogates and the non-characters U+FFFE / U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
MAX_TEXT_LENGTH = 32767  # Excel's limit for one cell


def clean_text(value: str) -> str:
    """Text as Excel accepts it: no forbidden characters, no more than a cell holds."""
    value = _ILLEGAL.sub("", value)
    if len(value) > MAX_TEXT_LENGTH:
        value = value[: MAX_TEXT_LENGTH - 1] + "…"
    return value


def looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_TRIGGERS)


@dataclass(frozen=True)
class Formula:
    """A formula the report itself writes: the only thing stored as one.

    `result` is its value as the report computed it, stored with the formula so that
    viewers which show a file without recalculating it (previews, phone apps) show
    the figure too; "" for a blank result."""

    text: str  # "=SUM(E9:E20)"
    result: int | float | str


@dataclass(frozen=True)
class Style:
    """How a cell looks. Every cell is Times New Roman; sizes in points."""

    size: float = 12
    bold: bool = False
    italic: bool = False
    underline: bool = False
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # background, RRGGBB
    align: str = "left"  # left, center, right, justify
    valign: str = "center"  # top, center, bottom
    wrap: bool = True
    border: bool = False
    # "below" / "above": a bordered cell that reads as one box with the cell below or
    # above it, so the border between the two is left out (see write_enterprises).
    joins: str | None = None
    number_format: str = "General"
    indent: int = 0

    def but(self, **changes) -> Style:
        return dataclasses.replace(self, **changes)

    @property
    def shows_when_empty(self) -> bool:
        """An empty cell must still be written when it draws a border or a fill."""
        return self.border or self.fill is not None


class Margins(NamedTuple):
    """Page margins in inches."""

    left: float
    right: float
    top: float
    bottom: float


# Decree 30/2020: margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PORTRAIT_MARGINS = Margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
LANDSCAPE_MARGINS = Margins(left=0.59, right=0.59, top=0.79, bottom=0.59)
PAGE_NUMBER = f'&C&"{FONT_NAME},Regular"&12&P'  # the page number, top centre


class WorkbookWriter:
    """A streaming workbook written to `target` (a path or a binary file object).

    XlsxWriter's constant_memory mode keeps one row of a sheet in memory: a row is
    final as soon as a cell of a later row is written, and cells can be merged only
    within the row being written. Column widths, frozen panes and page set-up are
    given when a sheet is added."""

    def __init__(self, target, *, title: str = "", creator: str = ""):
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": True,
            # Text is only ever written with write_string; these keep XlsxWriter from
            # reading numbers, formulas or links into strings anywhere it might.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            # Times New Roman 12 as the workbook's default font ("Normal" style): empty
            # cells, and the unit of column widths, then agree with every written cell.
            "default_format_properties": {"font_name": FONT_NAME, "font_size": DEFAULT_SIZE},
            # The default column of that font is 72 px wide (8-px digit), its row 21 px high.
            "default_column_width": 9 * DIGIT_PX,
            "default_row_height": 21,
        })
        self.book.set_properties({"title": title, "author": creator})
        self._formats: dict[tuple[Style, bool], Format] = {}
        # Looked up by identity first: hashing a Style's fields for every cell would cost
        # more than writing the cell. The Style is kept with its format, so its id stays valid.
        self._by_id: dict[tuple[int, bool], tuple[Style, Format]] = {}

    def add_sheet(
        self,
        title: str,
        *,
        widths: Sequence[float],
        landscape: bool = False,
        freeze: str | None = None,
        title_rows: tuple[int, int] | None = None,
        margins: Margins = PORTRAIT_MARGINS,
        numbered: bool = True,
    ) -> SheetWriter:
        ws = self.book.add_worksheet(sheet_title(title))
        for column, width in enumerate(widths):
            # In pixels: a width of w is w digits of the default font, w × 8 px, as the
            # row heights (text_lines) assume; XlsxWriter's set_column would add 5 px.
            ws.set_column_pixels(column, column, round(width * DIGIT_PX))
        if freeze:
            ws.freeze_panes(freeze)
        ws.set_paper(PAPER_A4)
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        # Fit every column on the page width; as many pages down as the rows need.
        ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=margins.left, right=margins.right, top=margins.top, bottom=margins.bottom)
        if numbered:
            ws.set_header(PAGE_NUMBER)
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        return SheetWriter(self, ws, widths)

    def format(self, style: Style, *, as_text: bool = False) -> Format:
        """The workbook's format for a Style, made once."""
        found = self._by_id.get((id(style), as_text))
        if found is not None:
            return found[1]
        key = (style, as_text)
        cell_format = self._formats.get(key)
        if cell_format is None:
            properties = {
                # Not tied to the theme's body font (Calibri), which Excel would show instead.
                "font_name": FONT_NAME, "font_scheme": "none", "font_size": style.size, "bold": style.bold,
                "italic": style.italic, "underline": 1 if style.underline else 0,
                "align": style.align, "valign": "vcenter" if style.valign == "center" else style.valign,
                "text_wrap": style.wrap, "num_format": style.number_format, "indent": style.indent,
                # "Quote prefix": the cell stays text even if someone edits it and presses
                # Enter, as when a value is typed with a leading apostrophe.
                "quote_prefix": as_text,
            }
            if style.color:
                properties["font_color"] = f"#{style.color}"
            if style.fill:
                properties.update(pattern=1, bg_color=f"#{style.fill}")
            if style.border:
                properties["border"] = 1
                if style.joins:
                    properties["bottom" if style.joins == "below" else "top"] = 0
            cell_format = self._formats[key] = self.book.add_format(properties)
        self._by_id[(id(style), as_text)] = (style, cell_format)
        return cell_format

    def close(self) -> None:
        """Finish the workbook: the sheets' rows are zipped into the target."""
        self.book.close()


class SheetWriter:
    """Rows of one sheet, written in order. `write` takes a row's values and their
    styles; a value may be text, a number, a date, a `Formula` or None."""

    def __init__(self, writer: WorkbookWriter, ws, widths: Sequence[float]):
        self.writer = writer
        self.ws = ws
        self.widths = list(widths)
        self.row = 0  # the last row written, counted from 1 as Excel does

    @property
    def columns(self) -> int:
        return len(self.widths)

    def write(
        self,
        values: Sequence,
        styles: Sequence[Style] | Style,
        *,
        height: float | None = None,
        merge: Iterable[tuple[int, int]] = (),
    ) -> int:
        """Append one row; returns its number. `merge` lists the (first, last) columns,
        counted from 1, that are merged into one cell in this row; the first one holds
        the value."""
        if isinstance(styles, Style):
            styles = [styles] * len(values)
        elif len(values) < len(styles):
            # Cells without a value still draw their borders.
            values = list(values) + [None] * (len(styles) - len(values))
        row = self.row  # XlsxWriter counts from 0
        self.row += 1
        ws, cell_format = self.ws, self.writer.format
        # Every row gets its height: neither Excel nor LibreOffice reliably fits the
        # height of wrapped text when opening a file, and merged cells never. It is
        # stored in whole pixels (¾ pt), rounded down: LibreOffice lays a row out a
        # pixel taller than it is stored, and rounding up would push rows to a new page.
        ws.set_row_pixels(row, int((height or self.fit(values, styles)) * 4 / 3))
        merged = False
        for first, last in merge:
            if last > first:
                merged = True
                ws.merge_range(row, first - 1, row, last - 1, None, cell_format(styles[first - 1] or PLAIN))
        written = False
        for column, (value, style) in enumerate(zip(values, styles)):
            written = self.cell(row, column, value, style or PLAIN) or written
        if not (written or merged):
            # A row without cells is dropped by the streaming writer, and its height
            # with it: a spacer row keeps one blank cell.
            ws.write_blank(row, 0, None, cell_format(PLAIN))
        return self.row

    def cell(self, row: int, column: int, value, style: Style) -> bool:
        """Write one cell; False if there was nothing to write."""
        ws, cell_format = self.ws, self.writer.format
        if value is None:
            if not style.shows_when_empty:
                return False
            ws.write_blank(row, column, None, cell_format(style))
        elif isinstance(value, (int, float, Decimal)):  # bool is an int
            value = float(value) if isinstance(value, Decimal) else value
            # NaN and infinity have no place in a sheet: Excel would call the file corrupt.
            if not math.isfinite(value):
                return self.cell(row, column, None, style)
            ws.write_number(row, column, value, cell_format(style))
        elif isinstance(value, str):
            # Always write_string: text is never turned into a formula, a number or a link.
            value = clean_text(value)
            ws.write_string(row, column, value, cell_format(style, as_text=looks_like_formula(value)))
        elif isinstance(value, Formula):
            ws.write_formula(row, column, value.text, cell_format(style), value.result)
        elif isinstance(value, (date, datetime)):
            if isinstance(value, datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)
            ws.write_datetime(row, column, value, cell_format(style))
        else:
            return self.cell(row, column, str(value), style)
        return True

    def fit(self, values: Sequence, styles: Sequence[Style]) -> float:
        """The height of a row whose cells are not merged: its tallest cell."""
        tallest = 0.0
        for value, style, width in zip(values, styles, self.widths):
            if style is None:
                continue
            if style.wrap and value and type(value) is str:
                tallest = max(tallest, text_height(value, width, style))
            else:
                tallest = max(tallest, style.size * LINE_FACTOR + LINE_PADDING)
        return tallest or DEFAULT_SIZE * LINE_FACTOR + LINE_PADDING


def column_letter(column: int) -> str:
    """'A' for column 1."""
    return xl_col_to_name(column - 1)


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip("'")[:31] or "Sheet"


# --- layout helpers -----------------------------------------------------------------

PLAIN = Style()
# The workbook's default font is Times New Roman 12 (see WorkbookWriter), whose digit is
# 8 px wide at 96 dpi: a column `width` wide holds width × 8 px of text, in Excel and in
# LibreOffice alike (an unset default would be Calibri, which LibreOffice replaces by a
# wider font where Calibri is missing, making every column a third wider than in Excel).
DEFAULT_SIZE = 12
DIGIT_PX = 8
LINE_FACTOR = 1.2  # points per line per point of font size, with a little air
LINE_PADDING = 3  # points above and below the text of a row


# Advance widths of Times New Roman (metric-compatible Liberation Serif) for ASCII 32–126,
# in thousandths of an em; Vietnamese letters are as wide as their base letter.
_REGULAR_WIDTHS = (
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667, 722, 611,
    556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722, 722, 944, 722,
    722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500, 500, 278, 278, 500,
    278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500, 444, 480, 200, 480, 541,
)
_BOLD_WIDTHS = (
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722, 722, 667,
    611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722, 722, 1000, 722,
    722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500, 556, 278, 333, 556,
    278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500, 444, 394, 220, 394, 520,
)
_SPACE_EM = 0.25
# A column `width` wide is width × 8 px in LibreOffice (Excel adds 5 px), of which a few
# pixels stay clear inside the cell (measured against LibreOffice's wrapping).
_CELL_PADDING_PX = 3


@functools.lru_cache(maxsize=8192)
def word_em(word: str, bold: bool) -> float:
    """The width of a word in ems."""
    widths = _BOLD_WIDTHS if bold else _REGULAR_WIDTHS
    total_ = 0
    for char in unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D")):
        code = ord(char)
        if 32 <= code <= 126:
            total_ += widths[code - 32]
        elif not unicodedata.combining(char):
            total_ += 1000 if unicodedata.east_asian_width(char) in "WF" else 550
    return total_ / 1000


def text_lines(text: str, width: float, style: Style) -> int:
    """Lines a text takes when wrapped (greedy, at spaces) in a column or merged
    columns `width` wide, from the font's character widths."""
    capacity = max(0.5, (width * DIGIT_PX - _CELL_PADDING_PX) / (style.size * 96 / 72))
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for word in paragraph.split():
            size = word_em(word, style.bold)
            if used and used + _SPACE_EM + size <= capacity:
                used += _SPACE_EM + size
            elif used:
                lines += 1
                used = size
            else:
                used = size
            if used > capacity:  # a word longer than the line breaks anywhere
                lines += math.ceil(used / capacity) - 1
                used = used % capacity
    return lines


def text_height(text: str, width: float, style: Style, *, minimum: int = 1) -> float:
    """Row height in points for a wrapped text: merged cells are never auto-fitted."""
    return max(minimum, text_lines(text, width, style)) * style.size * LINE_FACTOR + LINE_PADDING


def number(value) -> str:
    """1234 -> '1.234' in the active language (for sentences; cells stay numeric)."""
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def percent(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return formats.number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True) + "%"


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def place_and_date(place: str, when: date) -> str:
    """'Hoàng Hợp, ngày 05 tháng 01 năm 2026' (Decree 30/2020: days below 10 and the
    months January and February take a leading zero, other months do not)."""
    return _("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": place,
        "day": f"{when.day:02d}",
        "month": f"{when.month:02d}" if when.month <= 2 else str(when.month),
        "year": when.year,
    }


# The level word that starts the place in a body's name: "Ủy ban nhân dân | xã Hoàng Hợp".
_LEVEL = re.compile(
    r"\s(?=(?:xã|phường|thị trấn|đặc khu|huyện|quận|thị xã|thành phố|tỉnh)\s)", re.IGNORECASE
)


def body_lines(body: str) -> tuple[str, str]:
    """The issuing body as the header's two upper-case lines: ('ỦY BAN NHÂN DÂN',
    'XÃ HOÀNG HỢP'). A name without a level word stays whole on the first line."""
    body = " ".join(body.split())
    match = _LEVEL.search(body)
    if match is None:
        return body.upper(), ""
    return body[: match.start()].upper(), body[match.end():].upper()


def report_filename(period: ReportingPeriod) -> str:
    """bao-cao-hoc-tap-suot-doi-2025.xlsx, bao-cao-hoc-tap-suot-doi-2025-h1.xlsx."""
    return f"bao-cao-hoc-tap-suot-doi-{slugify(period.code)}.xlsx"


# --- the district report -------------------------------------------------------------

BODY = Style(size=12, bold=True, align="center", wrap=False)
NATION = Style(size=12, bold=True, align="center", wrap=False)
MOTTO = Style(size=13, bold=True, align="center", underline=True, wrap=False)
NUMBER_LINE = Style(size=13, align="center", wrap=False)
PLACE_DATE = Style(size=13, italic=True, align="center", wrap=False)
TITLE = Style(size=14, bold=True, align="center")
SUBTITLE = Style(size=13, bold=True, align="center")
CENTERED = Style(size=13, align="center")
PARAGRAPH = Style(size=13, align="justify", valign="top")
NOTE = Style(size=12, italic=True, align="justify", valign="top")
SECTION = Style(size=13, bold=True, valign="bottom")
RECIPIENTS_HEAD = Style(size=12, bold=True, italic=True, wrap=False)
RECIPIENT = Style(size=11)
SIGN = Style(size=13, bold=True, align="center", wrap=False)

TH = Style(size=12, bold=True, align="center", border=True)
TD = Style(size=12, border=True)
TD_CENTER = TD.but(align="center")
TD_INT = TD.but(align="right", number_format="#,##0")
TD_PCT = TD.but(align="right", number_format="0.0%")

# The list sheets: smaller type, a light header fill; rows not counted are grey and italic.
GREY_FILL = "F2F2F2"
LIST_TITLE = Style(size=13, bold=True, align="center")
LIST_SUBTITLE = Style(size=12, italic=True, align="center")
LIST_NOTE = Style(size=11, italic=True, valign="top")
LH = Style(size=11, bold=True, align="center", border=True, fill=GREY_FILL)
LD = Style(size=11, border=True, valign="top")
LD_CENTER = LD.but(align="center")
LD_INT = LD.but(align="right", number_format="#,##0")
LD_PCT = LD.but(align="right", number_format="0.0%")
LD_DATE = LD.but(align="center", number_format="DD/MM/YYYY")
# A heading over both header rows of "Doanh nghiệp": two cells drawn as one box.
LH_OVER = LH.but(joins="below", valign="bottom")
LH_UNDER = LH.but(joins="above")
LD_GROUP = Style(size=11, bold=True, border=True, fill=GREY_FILL, valign="top")
MUTED = "7F7F7F"


def muted(style: Style) -> Style:
    return style.but(italic=True, color=MUTED)


def total(style: Style) -> Style:
    return style.but(bold=True, fill=GREY_FILL)


STATUS_LABELS = dict(ReportStatus.choices)
# A signer title from the plan's data starting with this is a deputy ("PHÓ CHỦ TỊCH"),
# who signs "KT. CHỦ TỊCH" above their own title.
DEPUTY_PREFIX = "PHÓ "
MAX_ENTERPRISES_LISTED = 20  # per activity; a commune-wide event names the rest as a count


class DistrictReport:
    """The workbook for one period. `write(target)` streams it to a path or file."""

    def __init__(self, period: ReportingPeriod, *, today: date | None = None, writer_class=None):
        # writer_class: WorkbookWriter, or the benchmark's unstyled floor.
        self.period = period
        self.today = today or timezone.localdate()
        self.writer_class = writer_class or WorkbookWriter
        self.plan = Plan.objects.current()
        self.indicators = progress.plan_indicators(self.plan) if self.plan else []
        self.target_years = sorted({t.year for i in self.indicators for t in i.targets.all()})

    # What every sheet repeats: who reports, for which period.
    @property
    def commune(self) -> str:
        return settings.PORTAL_COMMUNE_NAME

    @property
    def body(self) -> str:
        return settings.PORTAL_COMMUNE_BODY

    def period_text(self) -> str:
        return _("%(period)s (from %(start)s to %(end)s)") % {
            "period": lower_first(str(self.period)), "start": day(self.period.start), "end": day(self.period.end),
        }

    def attached_to(self) -> str:
        return _("(Attached to report No.      /BC-UBND of %(date)s of the %(body)s)") % {
            "date": day(self.today), "body": self.body,
        }

    def write(self, target) -> None:
        """Stream the workbook to a path or a binary file object."""
        with translation.override(settings.LANGUAGE_CODE):
            writer = self.writer_class(target, title=self.title(), creator=self.body)
            tasks = self.tasks()
            activity_totals = self.activities().aggregate(count=Count("pk"), workers=Sum("workers_reached"))
            self.write_summary(writer, progress.commune_progress(self.period, indicators=self.indicators),
                               tasks, activity_totals)
            self.write_enterprises(writer, progress.enterprise_rows(self.period))
            self.write_tasks(writer, tasks)
            self.write_activities(writer)
            writer.close()

    def title(self) -> str:
        if self.plan:
            return _("Results of %(plan)s for the period %(period)s") % {
                "plan": lower_first(self.plan.title), "period": lower_first(str(self.period)),
            }
        return _("Results of lifelong learning among workers for the period %(period)s") % {
            "period": lower_first(str(self.period)),
        }

    # --- Tổng hợp ------------------------------------------------------------------

    def write_summary(self, writer, commune: progress.Progress, tasks, activity_totals) -> None:
        years = self.target_years
        widths = [5, 22] + [9] * len(years) + [9, 9, 8, 12]
        # No page number: Decree 30/2020 numbers pages from the second on, and XlsxWriter
        # cannot leave out the first page's header alone; the report itself takes one
        # page, and the list sheets after it carry the numbers.
        sheet = writer.add_sheet(_("Commune summary"), widths=widths, numbered=False)
        last = sheet.columns
        left, right = (1, 3), (4, last)
        full = sum(widths)

        def pair(left_text, left_style, right_text, right_style, height=None):
            values = [left_text, None, None, right_text] + [None] * (last - 4)
            styles = [left_style] * 3 + [right_style] * (last - 3)
            sheet.write(values, styles, height=height, merge=(left, right))

        def paragraph(text, style, height=None):
            sheet.write([text] + [None] * (last - 1), style,
                        height=height or text_height(text, full, style), merge=[(1, last)])

        # The header block of Decree 30/2020: the body on the left, the nation on the right.
        body_first, body_second = body_lines(self.body)
        pair(body_first, BODY, _("SOCIALIST REPUBLIC OF VIETNAM"), NATION, height=17)
        pair(body_second, BODY, _("Independence - Freedom - Happiness"), MOTTO, height=18)
        sheet.write([], [], height=8)
        pair(_("No.:      /BC-UBND"), NUMBER_LINE, place_and_date(self.commune, self.today), PLACE_DATE, height=20)
        sheet.write([], [], height=12)
        paragraph(_("REPORT"), TITLE, height=20)
        paragraph(self.title(), SUBTITLE)
        paragraph(_("To: %(addressee)s") % {"addressee": settings.PORTAL_REPORT_ADDRESSEE}, CENTERED)
        sheet.write([], [], height=8)
        paragraph(_("The %(body)s reports the results for %(period)s as follows:") % {
            "body": self.body, "period": self.period_text(),
        }, PARAGRAPH)
        paragraph(_("1. Results against the indicators"), SECTION, height=24)

        headers = [_("S/N"), _("Indicator")]
        headers += [_("Target %(year)s (%% of workers)") % {"year": year} for year in years]
        headers += [_("Workers who met it"), _("Total workers"), _("Rate (%)"), _("Assessment")]
        sheet.write(headers, TH, height=max(text_height(h, w, TH) for h, w in zip(headers, widths)))
        styles = [TD_CENTER, TD] + [TD_PCT] * len(years) + [TD_INT, TD_INT, TD_PCT, TD_CENTER]
        for number_, item in enumerate(commune.indicators, start=1):
            values = [number_, f"{item.code}) {item.name}"]
            values += [fraction(item.target(year)) for year in years]
            values += [item.met, item.total_workers, fraction(item.rate),
                       str(item.status_label) if item.status else _("No data")]
            sheet.write(values, styles)

        done = commune.completeness
        paragraph(_(
            "The figures add up the approved reports of %(approved)s of the %(expected)s enterprises "
            "expected to report (%(percent)s); reports not yet approved are not counted. Workers at "
            "these enterprises: %(total)s, of whom %(female)s women."
        ) % {
            "approved": number(done.approved), "expected": number(done.expected),
            "percent": percent(done.percent), "total": number(commune.total_workers),
            "female": number(commune.female_workers),
        }, NOTE)
        paragraph(_("2. Tasks and activities"), SECTION, height=24)
        by_status = Counter(task.status for task in tasks)
        paragraph(_(
            "In the period, %(activities)s activities were held under the plan, reaching workers "
            "%(workers)s times. Of the plan's %(tasks)s tasks: %(statuses)s. Details by enterprise, "
            "task and activity are in the sheets “%(enterprises_sheet)s”, “%(tasks_sheet)s” and "
            "“%(activities_sheet)s”."
        ) % {
            "activities": number(activity_totals["count"] or 0),
            "workers": number(activity_totals["workers"] or 0),
            "tasks": number(len(tasks)),
            "statuses": "; ".join(
                f"{number(by_status[status])} {label.lower()}" for status, label in TaskStatus.choices if by_status[status]
            ) or "–",
            "enterprises_sheet": _("Enterprise figures"),
            "tasks_sheet": _("Plan tasks"),
            "activities_sheet": _("Period activities"),
        }, PARAGRAPH)
        paragraph(_("The above is the report of the %(body)s on the results for %(period)s./.") % {
            "body": self.body, "period": lower_first(str(self.period)),
        }, PARAGRAPH)
        sheet.write([], [], height=10)

        # "Nơi nhận" on the left and the signature on the right, side by side.
        recipients = [_("Recipients:")] + [f"- {line}" for line in self.recipients()]
        signature = self.signature()
        for index in range(max(len(recipients), len(signature))):
            left_text = recipients[index] if index < len(recipients) else None
            right_text, right_style = signature[index] if index < len(signature) else (None, SIGN)
            left_style = RECIPIENTS_HEAD if index == 0 else RECIPIENT
            height = max(18, text_height(left_text or "", sum(widths[:3]), left_style))
            pair(left_text, left_style, right_text, right_style, height=height)

    def recipients(self) -> list[str]:
        """Whom the report goes to: the addressee, the superior body if it is another,
        and the commune's archive ("Lưu: VT"). The plan's own recipients are not used:
        they are whom the plan was sent to for action, not whom a report informs."""
        lines = [_("%(addressee)s (for reporting);") % {"addressee": settings.PORTAL_REPORT_ADDRESSEE}]
        if settings.PORTAL_SUPERIOR_BODY and settings.PORTAL_SUPERIOR_BODY != settings.PORTAL_REPORT_ADDRESSEE:
            lines.append(_("%(addressee)s (for reporting);") % {"addressee": settings.PORTAL_SUPERIOR_BODY})
        lines.append(_("Archived: VT."))
        return lines

    def signature(self) -> list[tuple[str | None, Style]]:
        """'TM. ỦY BAN NHÂN DÂN' / 'CHỦ TỊCH' / room to sign / the signer's name. A deputy
        signs 'KT. CHỦ TỊCH' (on behalf of the chair) above their own title."""
        collective = body_lines(self.body)[0]
        title = (self.plan.signer_title if self.plan and self.plan.signer_title else _("CHAIRMAN")).upper()
        lines = [(_("ON BEHALF OF THE %(body)s") % {"body": collective}, SIGN)]
        if title.startswith(DEPUTY_PREFIX):
            lines.append((_("FOR THE %(title)s") % {"title": _("CHAIRMAN")}, SIGN))
        lines.append((title, SIGN))
        lines += [(None, SIGN)] * 4
        lines.append((self.plan.signer_name if self.plan else "", SIGN))
        return lines

    # --- Doanh nghiệp -----------------------------------------------------------

    def write_enterprises(self, writer, rows: list[progress.EnterpriseRow]) -> None:
        indicators = self.indicators
        widths = [5, 30, 12, 14, 8, 8] + [8, 7] * len(indicators)
        first_indicator = 7
        header = LIST_TITLE_ROWS + 3  # below the titles, a note and a spacer
        sheet = writer.add_sheet(
            _("Enterprise figures"), widths=widths, landscape=True, freeze=f"C{header + 2}",
            title_rows=(header, header + 1),
            margins=LANDSCAPE_MARGINS,
        )
        last = sheet.columns
        full = sum(widths)
        self._list_title(sheet, _("RESULTS AGAINST THE INDICATORS BY ENTERPRISE"), full)
        note = _(
            "Note: the “Total” row adds up only the approved reports (group A), so it agrees with the "
            "commune's figures in the sheet “%(summary)s”. Enterprises without an approved report "
            "(group B) are listed in grey italics and not counted; figures of reports still in draft "
            "are not shown."
        ) % {"summary": _("Commune summary")}
        sheet.write([note] + [None] * (last - 1), LIST_NOTE, height=text_height(note, full, LIST_NOTE),
                    merge=[(1, last)])
        sheet.write([], [], height=6)

        # Two header rows: the indicator over its two columns, then "met" and "rate".
        top = [_("S/N"), _("Enterprise name"), _("Tax code"), _("Report status"), _("Total workers"), _("Female workers")]
        bottom = [None] * len(top)
        for indicator in indicators:
            top += [f"{indicator.code}) {indicator.name}", None]
            bottom += [_("Workers who met it"), _("Rate (%)")]
        # An indicator's name spans its two columns.
        spans = widths[: first_indicator - 1] + [
            widths[i] + widths[i + 1] for i in range(first_indicator - 1, len(widths), 2) for _k in (0, 1)
        ]
        header_height = max(text_height(h, w, LH) for h, w in zip(top, spans) if h)
        # The first columns' headings stand over both header rows. The streaming writer
        # merges cells only within a row, so each is drawn as one box of two cells with
        # no border between them, its heading at the foot of the upper one.
        lead = first_indicator - 1
        sheet.write(top, [LH_OVER] * lead + [LH] * (last - lead), height=header_height,
                    merge=[(column, column + 1) for column in range(first_indicator, last, 2)])
        sheet.write(bottom, [LH_UNDER] * lead + [LH] * (last - lead),
                    height=text_height(_("Workers who met it"), widths[-2], LH))

        approved = [r for r in rows if r.status == ReportStatus.APPROVED]
        others = [r for r in rows if r.status != ReportStatus.APPROVED]
        counted_styles = [LD_CENTER, LD, LD_CENTER, LD, LD_INT, LD_INT] + [LD_INT, LD_PCT] * len(indicators)
        muted_styles = [muted(s) for s in counted_styles]

        self._group_row(sheet, _("A. Enterprises with an approved report (counted in the commune's figures)"))
        number_ = 0
        first_data = sheet.row + 1
        sums = [0] * last  # of each column over group A: the totals' cached results
        for enterprise in approved:
            number_ += 1
            values = self._enterprise_values(number_, enterprise)
            sheet.write(values, counted_styles)
            for index in range(4, len(values)):
                sums[index] += values[index] or 0
        last_data = sheet.row
        if not approved:
            self._empty_row(sheet, _("None."))
        # The totals: real formulas over group A, agreeing with "Tổng hợp".
        totals = [None, _("Total (approved reports)"), None, _("%(count)s enterprises") % {"count": number(len(approved))}]
        row = sheet.row + 1
        workers = sums[4]
        for column in range(5, last + 1):
            letter = column_letter(column)
            is_rate = column >= first_indicator and (column - first_indicator) % 2 == 1
            if is_rate:
                met = column_letter(column - 1)
                totals.append(Formula(
                    f'=IF(E{row}=0,"",{met}{row}/E{row})', sums[column - 2] / workers if workers else "",
                ))
            elif approved:
                totals.append(Formula(f"=SUM({letter}{first_data}:{letter}{last_data})", sums[column - 1]))
            else:
                totals.append(0)
        sheet.write(totals, [total(s) for s in counted_styles])

        self._group_row(sheet, _("B. Enterprises without an approved report (not counted)"))
        for enterprise in others:
            number_ += 1
            sheet.write(self._enterprise_values(number_, enterprise), muted_styles)
        if not others:
            self._empty_row(sheet, _("None."))

    def _enterprise_values(self, number_: int, row: progress.EnterpriseRow) -> list:
        if row.status is None:
            status = _("Not reported")
        elif row.is_late:
            status = _("%(status)s, submitted late") % {"status": STATUS_LABELS[row.status]}
        else:
            status = str(STATUS_LABELS[row.status])
        if not row.is_active:
            status = _("%(status)s; enterprise no longer active") % {"status": status}
        values = [number_, row.name, row.tax_code, status]
        if row.status in (None, ReportStatus.DRAFT):
            # A draft is the enterprise's unfinished work: not shown to the district.
            return values
        values += [row.total_workers, row.female_workers]
        for indicator in self.indicators:
            values += [row.counts.get(indicator.pk), fraction(row.rates.get(indicator.pk))]
        return values

    # --- Nhiệm vụ ------------------------------------------------------------------

    def tasks(self):
        tasks = Task.objects.all() if self.plan is None else Task.objects.filter(group__plan=self.plan)
        return list(
            tasks.select_related("group", "lead_unit")
            .prefetch_related("coordinating_units")
            .annotate(period_activities=Count("activities", filter=Q(
                activities__date__gte=self.period.start, activities__date__lte=self.period.end,
            )))
            .order_by("group__number", "order", "pk")
        )

    def write_tasks(self, writer, tasks) -> None:
        widths = [5, 50, 18, 24, 13, 9, 28]
        sheet = writer.add_sheet(
            _("Plan tasks"), widths=widths, landscape=True, freeze=f"A{LIST_HEADER + 1}",
            title_rows=(LIST_HEADER, LIST_HEADER),
            margins=LANDSCAPE_MARGINS,
        )
        self._list_title(sheet, _("PROGRESS OF THE PLAN'S TASKS"), sum(widths))
        sheet.write([], [], height=6)
        headers = [_("Code"), _("Task"), _("Lead unit"), _("Coordinating units"), _("Status"),
                   _("Activities in the period"), _("Progress notes")]
        sheet.write(headers, LH, height=max(text_height(h, w, LH) for h, w in zip(headers, widths)))
        styles = [LD_CENTER, LD, LD, LD, LD_CENTER, LD_INT, LD]
        first = sheet.row + 1
        group = None
        for task in tasks:
            if task.group_id != group:
                group = task.group_id
                self._group_row(sheet, f"{task.group.number}. {task.group.title}")
            units = "; ".join(unit.name for unit in task.coordinating_units.all())
            sheet.write([
                task.code, task.text, task.lead_unit.name if task.lead_unit else "", units,
                str(task.get_status_display()), task.period_activities, task.progress_notes,
            ], styles)
        if not tasks:
            self._empty_row(sheet, _("None."))
        activities = sum(task.period_activities for task in tasks)
        totals = [None, _("Total (tasks)"), None, None, None,
                  Formula(f"=SUM(F{first}:F{sheet.row})", activities) if tasks else 0, None]
        sheet.write(totals, [total(s) for s in styles])

    # --- Hoạt động -----------------------------------------------------------------

    def activities(self):
        activities = Activity.objects.filter(date__gte=self.period.start, date__lte=self.period.end)
        if self.plan is not None:
            activities = activities.filter(task__group__plan=self.plan)
        return activities

    def write_activities(self, writer) -> None:
        widths = [5, 10, 7, 34, 18, 20, 32, 9]
        sheet = writer.add_sheet(
            _("Period activities"), widths=widths, landscape=True, freeze=f"A{LIST_HEADER + 1}",
            title_rows=(LIST_HEADER, LIST_HEADER),
            margins=LANDSCAPE_MARGINS,
        )
        self._list_title(sheet, _("ACTIVITIES HELD IN THE PERIOD"), sum(widths))
        sheet.write([], [], height=6)
        headers = [_("S/N"), _("Date"), _("Task"), _("Activity"), _("Place"), _("Organiser"),
                   _("Enterprises involved"), _("Workers reached")]
        sheet.write(headers, LH, height=max(text_height(h, w, LH) for h, w in zip(headers, widths)))
        styles = [LD_CENTER, LD_DATE, LD_CENTER, LD, LD, LD, LD, LD_INT]
        activities = (
            self.activities()
            .select_related("task__group")
            .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.only("name").order_by("name", "pk")))
            .order_by("date", "pk")
        )
        first = sheet.row + 1
        count = reached = 0
        # In chunks, so that a long list never sits in memory whole.
        for count, activity in enumerate(activities.iterator(chunk_size=1000), start=1):
            reached += activity.workers_reached or 0
            sheet.write([
                count, activity.date, activity.task.code, activity.title, activity.place,
                activity.organiser, enterprise_list(activity.enterprises.all()), activity.workers_reached,
            ], styles)
        if not count:
            self._empty_row(sheet, _("No activity was recorded in this period."))
        totals = [None, None, None, _("Total (attendances)"), None, None, None,
                  Formula(f"=SUM(H{first}:H{sheet.row})", reached) if count else 0]
        sheet.write(totals, [total(s) for s in styles])

    # --- shared pieces of the list sheets ---------------------------------------------

    def _list_title(self, sheet, heading: str, full: float) -> None:
        last = sheet.columns
        for text, style in (
            (heading, LIST_TITLE),
            (_("Reporting period: %(period)s") % {"period": self.period_text()}, LIST_SUBTITLE),
            (self.attached_to(), LIST_SUBTITLE),
        ):
            sheet.write([text] + [None] * (last - 1), style, height=text_height(text, full, style),
                        merge=[(1, last)])

    def _group_row(self, sheet, text: str) -> None:
        last = sheet.columns
        sheet.write([text] + [None] * (last - 1), LD_GROUP,
                    height=text_height(text, sum(sheet.widths), LD_GROUP), merge=[(1, last)])

    def _empty_row(self, sheet, text: str) -> None:
        last = sheet.columns
        sheet.write([text] + [None] * (last - 1), muted(LD), merge=[(1, last)])


# The list sheets open with LIST_TITLE_ROWS title rows (see _list_title) and a spacer;
# their column headers are on row LIST_HEADER, which the frozen panes and the printed
# title rows are set to before the first row is written.
LIST_TITLE_ROWS = 3
LIST_HEADER = LIST_TITLE_ROWS + 2


def fraction(percent_value: Decimal | None) -> float | None:
    """A percent (34.59) as the fraction a percent-formatted cell holds (0.3459)."""
    return None if percent_value is None else float(percent_value) / 100


def enterprise_list(enterprises: Iterable) -> str:
    names = [enterprise.name for enterprise in enterprises]
    if len(names) <= MAX_ENTERPRISES_LISTED:
        return "; ".join(names)
    return _("%(names)s and %(count)s more") % {
        "names": "; ".join(names[:MAX_ENTERPRISES_LISTED]), "count": number(len(names) - MAX_ENTERPRISES_LISTED),
    }


def write_district_report(period: ReportingPeriod, target, *, today: date | None = None) -> None:
    """Stream the district report for a period to a path or a binary file object."""
    DistrictReport(period, today=today).write(target)
