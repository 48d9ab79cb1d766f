"""The one way the portal writes an .xlsx: safe cells, Times New Roman on A4, heights from font metrics, streamed.

An `Exporter` yields its sheets, each with its rows (pretix's exporter shape), and `write`
puts them into a `WorkbookWriter`: XlsxWriter in its constant_memory mode, where each row
goes to a temporary file as soon as the next one starts, so memory stays flat however many
rows there are. The writer is the one place that turns Python values into cells, and it does
so safely: text is always written as text, never as a formula, with the characters Excel
refuses removed; numbers and dates stay numbers and dates. `safe_cell` applies the same rule
to an openpyxl cell, for the import templates. The Decree 30/2020 parts of a document
(core.documents) are drawn as rows at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import io
import itertools
import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

import xlsxwriter
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name

from core.documents import HeaderBlock, Recipients, Signature

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"
PAPER_A4 = 9  # the paperSize code of A4 in SpreadsheetML
# The workbook's default font is Times New Roman 12 (see WorkbookWriter), whose digit is
# 8 px wide at 96 dpi: a column `width` wide holds width × 8 px of text, in Excel and in
# LibreOffice alike (an unset default would be Calibri, which LibreOffice replaces by a
# wider font where Calibri is missing, making every column a third wider than in Excel).
DEFAULT_SIZE = 12
DIGIT_PX = 8
LINE_FACTOR = 1.2  # points per line per point of font size, with a little air
LINE_PADDING = 3  # points above and below the text of a row

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
    """Whether Excel would read this text as a formula: such text is marked as text."""
    return value.startswith(FORMULA_TRIGGERS)


def safe_cell(cell, value):
    """Put `value` into an openpyxl cell by the writer's rule: text is cleaned and, when it
    looks like a formula, stored as text with a quote prefix; other values as they are.
    Returns the cell."""
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if looks_like_formula(value):
            cell.data_type = "s"  # openpyxl took the leading "=" for a formula
            # "Quote prefix": the cell stays text even if someone edits it and presses Enter.
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def column_letter(column: int) -> str:
    """'A' for column 1."""
    return xl_col_to_name(column - 1)


def sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", " ", clean_text(title)).strip("'")[:31] or "Sheet"


# --- what cells hold and how they look ----------------------------------------------


@dataclass(frozen=True)
class Formula:
    """A formula the exporter itself writes: the only thing stored as one.

    `result` is its value as the exporter computed it, stored with the formula so that
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
    # "below" / "above" / "both": a bordered cell that reads as one box with the cell below,
    # above, or both, so the border between them is left out.
    joins: str | None = None
    number_format: str = "General"
    indent: int = 0

    def but(self, **changes) -> Style:
        return dataclasses.replace(self, **changes)

    @property
    def shows_when_empty(self) -> bool:
        """An empty cell must still be written when it draws a border or a fill."""
        return self.border or self.fill is not None


PLAIN = Style()


class Margins(NamedTuple):
    """Page margins in inches."""

    left: float
    right: float
    top: float
    bottom: float


# Decree 30/2020: margins top/bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
PORTRAIT_MARGINS = Margins(left=1.18, right=0.59, top=0.79, bottom=0.79)
# A landscape table is printed at 100 %, never shrunk, so its page keeps as much width as
# Decree 30 allows: left 20 mm (room to bind), right 15 mm, top and bottom 20 mm.
LANDSCAPE_MARGINS = Margins(left=0.79, right=0.59, top=0.79, bottom=0.79)
# Width of the printable area in column-width units (8 px at 96 dpi each) at 100 %:
# A4 landscape, 297 mm less the margins. Sheets keep their columns within it.
LANDSCAPE_WIDTH = (297 - 25.4 * (LANDSCAPE_MARGINS.left + LANDSCAPE_MARGINS.right)) / 25.4 * 96 / DIGIT_PX
PORTRAIT_WIDTH = (210 - 25.4 * (PORTRAIT_MARGINS.left + PORTRAIT_MARGINS.right)) / 25.4 * 96 / DIGIT_PX
PAGE_NUMBER = f'&C&"{FONT_NAME},Regular"&12&P'  # the page number, top centre


def page_height(margins: Margins, *, landscape: bool) -> float:
    """The height in points that rows may take on an A4 page with these margins."""
    return ((210 if landscape else 297) - 25.4 * (margins.top + margins.bottom)) * 72 / 25.4


# --- row heights from the font's metrics --------------------------------------------

# Advance widths of Times New Roman (metric-compatible Liberation Serif) for ASCII 32–126,
# in thousandths of an em; Vietnamese letters are as wide as their base letter.
_REGULAR_WIDTHS = (
    250,
    333,
    408,
    500,
    500,
    833,
    778,
    180,
    333,
    333,
    500,
    564,
    250,
    333,
    250,
    278,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    278,
    278,
    564,
    564,
    564,
    444,
    921,
    722,
    667,
    667,
    722,
    611,
    556,
    722,
    722,
    333,
    389,
    722,
    611,
    889,
    722,
    722,
    556,
    722,
    667,
    556,
    611,
    722,
    722,
    944,
    722,
    722,
    611,
    333,
    278,
    333,
    469,
    500,
    333,
    444,
    500,
    444,
    500,
    444,
    333,
    500,
    500,
    278,
    278,
    500,
    278,
    778,
    500,
    500,
    500,
    500,
    333,
    389,
    278,
    500,
    500,
    722,
    500,
    500,
    444,
    480,
    200,
    480,
    541,
)
_BOLD_WIDTHS = (
    250,
    333,
    555,
    500,
    500,
    1000,
    833,
    278,
    333,
    333,
    500,
    570,
    250,
    333,
    250,
    278,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    500,
    333,
    333,
    570,
    570,
    570,
    500,
    930,
    722,
    667,
    722,
    722,
    667,
    611,
    778,
    778,
    389,
    500,
    778,
    667,
    944,
    722,
    778,
    611,
    778,
    722,
    556,
    667,
    722,
    722,
    1000,
    722,
    722,
    667,
    333,
    278,
    333,
    581,
    500,
    333,
    500,
    556,
    444,
    556,
    444,
    333,
    500,
    556,
    278,
    333,
    556,
    278,
    833,
    556,
    500,
    556,
    556,
    444,
    389,
    333,
    556,
    500,
    722,
    500,
    500,
    444,
    394,
    220,
    394,
    520,
)
_SPACE_EM = 0.25
# A column `width` wide is width × 8 px in LibreOffice (Excel adds 5 px), of which a few
# pixels stay clear inside the cell (measured against LibreOffice's wrapping).
_CELL_PADDING_PX = 3


@functools.lru_cache(maxsize=8192)
def word_em(word: str, bold: bool) -> float:
    """The width of a word in ems."""
    widths = _BOLD_WIDTHS if bold else _REGULAR_WIDTHS
    total = 0
    for char in unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D")):
        code = ord(char)
        if 32 <= code <= 126:
            total += widths[code - 32]
        elif not unicodedata.combining(char):
            total += 1000 if unicodedata.east_asian_width(char) in "WF" else 550
    return total / 1000


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


# --- the streaming writer -------------------------------------------------------------

DEFAULT_ROW_PX = 21  # the height of a row of the default font, in pixels
STAGED_IN_MEMORY = 8 * 1024 * 1024  # XlsxWriter's file, before close() copies it to the target
STREAMED_LEVEL = 1  # zlib's fastest: a tenth bigger than its default, in half the time
STREAMED_CHUNK = 1000  # rows joined before they are compressed
STREAMED_TEXTS = 200_000  # texts kept escaped at once (a name recurs once per indicator)
# What XlsxWriter escapes in inline text: Excel's own _xHHHH_ escapes in the text, and the
# control characters it writes as such escapes (of those clean_text leaves, the return).
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')
# Text XlsxWriter's constant_memory mode takes for rich text's XML and writes unescaped.
RICH_OPENING, RICH_CLOSING = "<r>", "</r>"


class WorkbookWriter:
    """A streaming workbook written to `target` (a path or a binary file object).

    XlsxWriter's constant_memory mode keeps one row of a sheet in memory: a row is
    final as soon as a cell of a later row is written, and cells can be merged only
    within the row being written. Column widths, frozen panes and page set-up are
    given when a sheet is added."""

    def __init__(self, target, *, title: str = "", creator: str = ""):
        self.target = target
        # XlsxWriter writes here; close() copies the file to the target, putting the rows of
        # any streamed sheet into it on the way (StreamedRows).
        self.staged = tempfile.SpooledTemporaryFile(max_size=STAGED_IN_MEMORY)  # noqa: SIM115 - closed by close()
        self.streams: dict[str, StreamedRows] = {}
        self.book = xlsxwriter.Workbook(
            self.staged,
            {
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
                "default_row_height": DEFAULT_ROW_PX,
            },
        )
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
        fit_width: bool = False,
        streamed: bool = False,
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
        # Printed at 100 %, never fitted to the page by shrinking: Decree 30's type sizes
        # hold on paper. The columns' widths are chosen to fit the page (LANDSCAPE_WIDTH).
        ws.set_print_scale(100)
        if fit_width:
            ws.fit_to_pages(1, 0)
        ws.center_horizontally()
        ws.set_margins(left=margins.left, right=margins.right, top=margins.top, bottom=margins.bottom)
        if numbered:
            ws.set_header(PAGE_NUMBER)
        if title_rows:
            ws.repeat_rows(title_rows[0] - 1, title_rows[1] - 1)
        kind = StreamedSheetWriter if streamed else SheetWriter
        return kind(self, ws, widths, page_height=page_height(margins, landscape=landscape), title_rows=title_rows)

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
                "font_name": FONT_NAME,
                "font_scheme": "none",
                "font_size": style.size,
                "bold": style.bold,
                "italic": style.italic,
                "underline": 1 if style.underline else 0,
                "align": style.align,
                "valign": "vcenter" if style.valign == "center" else style.valign,
                "text_wrap": style.wrap,
                "num_format": style.number_format,
                "indent": style.indent,
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
                if style.joins in ("below", "both"):
                    properties["bottom"] = 0
                if style.joins in ("above", "both"):
                    properties["top"] = 0
            cell_format = self._formats[key] = self.book.add_format(properties)
        self._by_id[(id(style), as_text)] = (style, cell_format)
        return cell_format

    def close(self) -> None:
        """Finish the workbook: the sheets' rows are zipped into the target, a streamed
        sheet's rows put into its part on the way."""
        self.book.close()
        self.staged.seek(0)
        with contextlib.ExitStack() as stack:
            target = self.target
            if isinstance(target, (str, os.PathLike)):
                target = stack.enter_context(open(target, "wb"))
            if not self.streams:
                shutil.copyfileobj(self.staged, target)
            else:
                self._put_streams(target)
        self.staged.close()

    def _put_streams(self, target) -> None:
        """Copy XlsxWriter's file part by part; a streamed sheet's part gets its remaining
        rows between XlsxWriter's last row and the end of the sheet's data."""
        with (
            zipfile.ZipFile(self.staged) as source,
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=STREAMED_LEVEL) as out,
        ):
            for info in source.infolist():
                stream = self.streams.get(info.filename)
                if stream is None:
                    out.writestr(info, source.read(info))
                    continue
                head, tail = source.read(info).decode().split("</sheetData>", 1)
                # By name, not by info: the part takes the workbook's fast compression level.
                with out.open(info.filename, "w") as part:
                    stream.write(part, head, tail)


class StreamedRows:
    """The rows of a streamed sheet after its first ones (StreamedSheetWriter), written
    straight into the sheet's XML once XlsxWriter has closed the workbook: the cells
    XlsxWriter's constant_memory mode would write (inline text, numbers and the same
    formats), at a tenth of its cost per cell, for the data sheets of many thousand rows.
    Text and numbers only, in the styles of the rows XlsxWriter wrote."""

    def __init__(
        self, rows: Iterator[Row], *, first: int, lead, styles, formats: dict[tuple[Style, bool], Format], fit
    ):
        self.rows = rows
        self.first = first  # the first row's number, counted from 1
        self.lead = lead  # the styles every row has: those of the first row of data, as given
        self.fit = fit
        # Per column: its letter, its format's number, the number of its format marking text
        # as text, and whether an empty cell is drawn (a border): looked up once, not per cell.
        self.columns = [
            (
                xl_col_to_name(column),
                formats[style, False].xf_index,
                formats[style, True].xf_index,
                style.shows_when_empty,
            )
            for column, style in enumerate(styles)
        ]
        self.texts: dict[str, tuple[bool, str]] = {}  # text -> (looks like a formula, the cell's rest)
        self.opening = (None, "")  # the last row height and its row's attributes

    def write(self, part, head: str, tail: str) -> None:
        """The sheet's part: XlsxWriter's head without its used range (which covered only
        the rows it saw; the range is optional, and every reader finds it from the rows),
        the rows, XlsxWriter's tail."""
        part.write(_DIMENSION.sub("", head, count=1).encode())
        chunk = []
        for number, row in enumerate(self.rows, start=self.first):
            chunk.append(self.row_xml(number, row))
            if len(chunk) == STREAMED_CHUNK:
                part.write("".join(chunk).encode())
                chunk = []
        part.write(("".join(chunk) + "</sheetData>" + tail).encode())

    def row_xml(self, number: int, row: Row) -> str:
        """One row as XlsxWriter's SheetWriter.cell would write it."""
        styles = row.styles
        if styles is not self.lead and styles != self.lead:
            raise ValueError("A streamed sheet's rows all have the styles of its first rows.")
        if row.merge or row.keep:
            raise ValueError("A streamed sheet's rows are not merged and not kept on a page.")
        height = row.height or self.fit(row.values, styles)
        if height != self.opening[0]:
            # In whole pixels, as SheetWriter.write sets it; XlsxWriter leaves out the default.
            pixels = int(height * 4 / 3)
            self.opening = (height, '">' if pixels == DEFAULT_ROW_PX else f'" ht="{pixels * 0.75}" customHeight="1">')
        cells = [f'<row r="{number}{self.opening[1]}']
        texts, values = self.texts, row.values
        if len(values) < len(self.columns):
            values = list(values) + [None] * (len(self.columns) - len(values))  # empty cells keep their borders
        for value, (column, plain, as_text, drawn) in zip(values, self.columns, strict=False):
            if type(value) is not str:
                if isinstance(value, Decimal):
                    value = float(value)
                if isinstance(value, (int, float)):  # bool is an int
                    if math.isfinite(value):
                        cells.append(f'<c r="{column}{number}" s="{plain}"><v>{value:.16G}</v></c>')
                        continue
                    value = None  # NaN or infinity: no number Excel reads
                if value is None:
                    if drawn:  # an empty cell is drawn when it has a border
                        cells.append(f'<c r="{column}{number}" s="{plain}"/>')
                    continue
                if isinstance(value, (date, Formula)):
                    raise TypeError(f"A streamed sheet holds text and numbers, not {type(value).__name__}.")
                value = str(value)  # as SheetWriter.cell writes any other value
            found = texts.get(value) or self.text(value)
            cells.append(f'<c r="{column}{number}" s="{as_text if found[0] else plain}"{found[1]}')
        cells.append("</row>")
        return "".join(cells)

    def text(self, value: str) -> tuple[bool, str]:
        """A text cell's rest as XlsxWriter writes it inline: cleaned, control characters and
        Excel's own escapes escaped, leading or trailing space kept; and whether it looks
        like a formula (then its format marks it as text). Made once per text."""
        if len(self.texts) > STREAMED_TEXTS:
            self.texts.clear()
        text = clean_text(value)
        escaped = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
        escaped = _CONTROL.sub(lambda match: f"_x{ord(match.group(0)):04X}_", escaped)
        escaped = escaped.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        found = self.texts[value] = (looks_like_formula(text), f' t="inlineStr"><is><t{space}>{escaped}</t></is></c>')
        return found


class SheetWriter:
    """Rows of one sheet, written in order. `write` takes a row's values and their
    styles; a value may be text, a number, a date, a `Formula` or None."""

    def __init__(
        self,
        writer: WorkbookWriter,
        ws,
        widths: Sequence[float],
        *,
        page_height: float = math.inf,
        title_rows: tuple[int, int] | None = None,
    ):
        self.writer = writer
        self.ws = ws
        self.widths = list(widths)
        self.row = 0  # the last row written, counted from 1 as Excel does
        # Where the printed pages break, followed row by row from the heights this writer
        # gives every row, so that a block that must stay on one page (a signature) can be
        # moved whole to the next page by a manual break.
        self.page_height = page_height
        self.title_rows = title_rows
        self.repeated = 0.0  # height of the title rows every page after the first repeats
        self.used = 0.0  # height used on the current page
        self.breaks: list[int] = []

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
        keep: float = 0,
    ) -> int:
        """Append one row; returns its number. `merge` lists the (first, last) columns,
        counted from 1, that are merged into one cell in this row; the first one holds
        the value. `keep`: this row starts a block that many points high that must not be
        split between pages; if it would be, the page breaks before this row."""
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
        height = height or self.fit(values, styles)
        ws.set_row_pixels(row, int(height * 4 / 3))
        self.paginate(row, laid_out(height), keep)
        merged = False
        for first, last in merge:
            if last > first:
                merged = True
                ws.merge_range(row, first - 1, row, last - 1, None, cell_format(styles[first - 1] or PLAIN))
        written = False
        for column, (value, style) in enumerate(zip(values, styles, strict=False)):
            written = self.cell(row, column, value, style or PLAIN) or written
        if not (written or merged):
            # A row without cells is dropped by the streaming writer, and its height
            # with it: a spacer row keeps one blank cell.
            ws.write_blank(row, 0, None, cell_format(PLAIN))
        return self.row

    def write_rows(self, rows: Iterable[Row]) -> None:
        """Append the rows, each as `write` does."""
        for row in rows:
            self.write(row.values, row.styles, height=row.height, merge=row.merge, keep=row.keep)

    def paginate(self, row: int, height: float, keep: float) -> None:
        """Follow the printed pages down to this row (counted from 0), `height` points high
        as laid out (a pixel more than stored), and break before it when the block it starts,
        `keep` points high, would not fit on the rest of the page."""
        if keep and self.used + keep > self.page_height and self.used > self.repeated:
            self.breaks.append(row)
            self.ws.set_h_pagebreaks(self.breaks)
            self.used = self.repeated
        elif self.used + height > self.page_height and self.used > self.repeated:
            self.used = self.repeated  # the row starts a page of its own accord
        self.used += height
        if self.title_rows and self.title_rows[0] - 1 <= row <= self.title_rows[1] - 1:
            self.repeated += height

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
            text_format = cell_format(style, as_text=looks_like_formula(value))
            if value.startswith(RICH_OPENING) and value.endswith(RICH_CLOSING):
                # In its constant_memory mode XlsxWriter writes such text as rich text's own
                # XML, unescaped: "<r>A & B</r>" would make a file Excel calls corrupt. As two
                # runs in the cell's own font it is escaped like any text, and reads the same.
                ws.write_rich_string(row, column, value[:1], text_format, value[1:], text_format)
            else:
                ws.write_string(row, column, value, text_format)
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
        return fit_height(values, styles, self.widths)


class StreamedSheetWriter(SheetWriter):
    """A sheet of many plain rows (Sheet.streamed): its first rows (the header and one row
    of data) go through XlsxWriter, the rest are handed to StreamedRows, which writes them
    in the styles of that row of data when the workbook closes. So the rows are produced
    only then, in the order of the sheets."""

    LEAD = 2  # the header row and the first row of data, whose styles every later row has

    def write_rows(self, rows: Iterable[Row]) -> None:
        rows = iter(rows)
        lead = list(itertools.islice(rows, self.LEAD))
        super().write_rows(lead)
        if len(lead) < self.LEAD:
            return
        # One Style is every column's.
        styles = [lead[-1].styles] * self.columns if isinstance(lead[-1].styles, Style) else lead[-1].styles
        formats = {}
        for style in styles:
            for as_text in (False, True):
                cell_format = self.writer.format(style or PLAIN, as_text=as_text)
                # Numbered now, as XlsxWriter numbers a format its cells use (the rows written
                # after it closes use these): the same call its cell writer makes.
                cell_format._get_xf_index()
                formats[style, as_text] = cell_format
        part = f"xl/worksheets/sheet{self.ws.index + 1}.xml"
        self.writer.streams[part] = StreamedRows(
            rows, first=self.row + 1, lead=lead[-1].styles, styles=styles, formats=formats, fit=self.fit
        )


def fit_height(values: Sequence, styles: Sequence[Style] | Style, widths: Sequence[float]) -> float:
    """The height in points of a row whose cells are not merged: its tallest cell, each
    text wrapped in its column's width."""
    if isinstance(styles, Style):
        styles = [styles] * len(values)
    tallest = 0.0
    for value, style, width in zip(values, styles, widths, strict=False):
        if style is None:
            continue
        if style.wrap and value and type(value) is str:
            tallest = max(tallest, text_height(value, width, style))
        else:
            tallest = max(tallest, style.size * LINE_FACTOR + LINE_PADDING)
    return tallest or DEFAULT_SIZE * LINE_FACTOR + LINE_PADDING


# --- exporters: sheets of rows, written by one base class ----------------------------


class Row(NamedTuple):
    """One row of a sheet: its values, their styles (one Style for every cell, or one
    each), its height in points (None: fitted to the text) and the (first, last)
    columns, counted from 1, merged into one cell holding the first one's value."""

    values: Sequence
    styles: Sequence[Style] | Style
    height: float | None = None
    merge: Iterable[tuple[int, int]] = ()
    keep: float = 0  # the height of the block this row starts that must stay on one page


def keep_together(rows: Iterable[Row]) -> list[Row]:
    """Rows that must share a printed page (a closing note and the signature): the first
    carries their height, so the writer breaks the page before them rather than among
    them. Every row needs its height."""
    rows = list(rows)
    if rows:
        rows[0] = rows[0]._replace(keep=sum(laid_out(row.height or 0) for row in rows))
    return rows


def laid_out(height: float) -> float:
    """The height in points a row `height` points high takes on the page: stored in whole
    pixels, rounded down, and laid out a pixel taller (SheetWriter.write)."""
    return (int(height * 4 / 3) + 1) * 0.75


def spacer(height: float) -> Row:
    """An empty row `height` points high."""
    return Row((), (), height)


@dataclass(frozen=True)
class Sheet:
    """One sheet of an export: its name and page set-up, and its rows, produced as the
    writer asks for them (a generator keeps a long list out of memory). Row numbers
    a formula refers to are known before the rows are written, as are `freeze` (the
    first cell below and right of the frozen panes) and `title_rows` (the first and
    last row repeated on every printed page)."""

    title: str
    widths: Sequence[float]
    rows: Iterable[Row]
    landscape: bool = False
    freeze: str | None = None
    title_rows: tuple[int, int] | None = None
    margins: Margins = PORTRAIT_MARGINS
    numbered: bool = True  # the page number at the top of every printed page
    # Shrunk to one page wide: only for a sheet of data not meant to be read on paper.
    fit_width: bool = False
    # Many plain rows (a data sheet): after the header and the first row of data, text and
    # numbers only, every row in that row's styles, none merged (StreamedSheetWriter).
    streamed: bool = False


class Exporter:
    """A workbook as sheets of rows. Subclasses give `sheets()` (and, for the file's
    properties, `title()` and `creator()`); `write` streams them to a path or a binary
    file object. `writer_class` is WorkbookWriter, or anything with its `add_sheet` /
    `close` and SheetWriter's `write` (the benchmark's unstyled floor)."""

    def title(self) -> str:
        return ""

    def creator(self) -> str:
        return ""

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def write(self, target, *, writer_class=WorkbookWriter) -> None:
        """Stream the workbook to a path or a binary file object."""
        writer = writer_class(target, title=self.title(), creator=self.creator())
        for sheet in self.sheets():
            out = writer.add_sheet(
                sheet.title,
                widths=sheet.widths,
                landscape=sheet.landscape,
                freeze=sheet.freeze,
                title_rows=sheet.title_rows,
                margins=sheet.margins,
                numbered=sheet.numbered,
                fit_width=sheet.fit_width,
                streamed=sheet.streamed,
            )
            out.write_rows(sheet.rows)
        writer.close()


# --- Decree 30/2020 document parts as rows (core.documents says what they say) ----------

BODY = Style(size=12, bold=True, align="center", wrap=False)
NATION = Style(size=12, bold=True, align="center", wrap=False)
MOTTO = Style(size=13, bold=True, align="center", underline=True, wrap=False)
NUMBER_LINE = Style(size=13, align="center", wrap=False)
PLACE_DATE = Style(size=13, italic=True, align="center", wrap=False)
RECIPIENTS_HEAD = Style(size=12, bold=True, italic=True, wrap=False)
RECIPIENT = Style(size=11)
SIGN = Style(size=13, bold=True, align="center", wrap=False)
SIGNING_ROOM = 4  # empty lines between the authority and the name, for the signature and seal
LEFT_COLUMNS = 3  # the left block (body, number, recipients) spans the first three columns


def pair_row(
    left_text, left_style: Style, right_text, right_style: Style, *, columns: int, height: float | None = None
) -> Row:
    """A row of two blocks side by side: the first three columns merged on the left, the
    rest on the right, as the header block and the closing of a document are laid out."""
    values = [left_text] + [None] * (LEFT_COLUMNS - 1) + [right_text] + [None] * (columns - LEFT_COLUMNS - 1)
    styles = [left_style] * LEFT_COLUMNS + [right_style] * (columns - LEFT_COLUMNS)
    return Row(values, styles, height, ((1, LEFT_COLUMNS), (LEFT_COLUMNS + 1, columns)))


def header_rows(header: HeaderBlock, *, columns: int) -> Iterator[Row]:
    """The header block: the body over the national title and motto, a gap, then the
    number line beside the place and date."""
    yield pair_row(header.body[0], BODY, header.national_title, NATION, columns=columns, height=17)
    yield pair_row(header.body[1], BODY, header.motto, MOTTO, columns=columns, height=18)
    yield spacer(8)
    yield pair_row(header.number, NUMBER_LINE, header.place_and_date, PLACE_DATE, columns=columns, height=20)


def closing_rows(recipients: Recipients, signature: Signature, *, widths: Sequence[float]) -> Iterator[Row]:
    """ "Nơi nhận" on the left and the signature block on the right, side by side."""
    left = [(recipients.heading, RECIPIENTS_HEAD)] + [(f"- {entry}", RECIPIENT) for entry in recipients.entries]
    right = signature.authority + [None] * SIGNING_ROOM + [signature.name]
    left_width = sum(widths[:LEFT_COLUMNS])
    for index in range(max(len(left), len(right))):
        left_text, left_style = left[index] if index < len(left) else (None, RECIPIENT)
        right_text = right[index] if index < len(right) else None
        height = max(18, text_height(left_text or "", left_width, left_style))
        yield pair_row(left_text, left_style, right_text, SIGN, columns=len(widths), height=height)


SIGNATURE_WIDTH = 40  # the signature block's least width, in column-width units


def signature_rows(signature: Signature, *, widths: Sequence[float], heading: str = "") -> Iterator[Row]:
    """The signature block alone, over the last columns of the sheet (as wide as
    SIGNATURE_WIDTH at least), for pages that close without "Nơi nhận" (an appendix).
    `heading` is an optional first line above the block (the place and date)."""
    columns = len(widths)
    first = columns
    while first > 1 and sum(widths[first - 1 :]) < SIGNATURE_WIDTH:
        first -= 1
    lines = ([heading] if heading else []) + signature.authority + [None] * SIGNING_ROOM + [signature.name]
    for index, text in enumerate(lines):
        style = PLACE_DATE if heading and index == 0 else SIGN
        values = [None] * (first - 1) + [text] + [None] * (columns - first)
        yield Row(values, [PLAIN] * (first - 1) + [style] * (columns - first + 1), 18, ((first, columns),))


# --- import templates -------------------------------------------------------------


def template_workbook(
    *,
    issuer: str,
    title: str,
    note: str,
    headers: list[str],
    widths: list[int],
    text_columns=(),
    date_columns=(),
    whole_number_columns=(),
    choices=None,
    rows: Iterable[Sequence] = (),
    sheet_name: str = "Danh sách",
    whole_number_error: tuple[str, str] | None = None,
) -> bytes:
    """An import template: the issuing body and a title, a note on the formats, the styled
    header row, then any rows given (the enterprises a period's report file lists), as .xlsx
    bytes ready to fill in. Every text cell goes through `safe_cell`; columns are named by their
    header text. `whole_number_error` is the (title, message) Excel shows for a bad figure."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title(sheet_name)
    last = get_column_letter(len(headers))
    font = "Times New Roman"
    safe_cell(sheet["A1"], issuer.upper())
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
    border = Border(top=thin, bottom=thin, left=thin, right=thin)
    for index, (text, width) in enumerate(zip(headers, widths, strict=True), start=1):
        header = safe_cell(sheet.cell(row=header_row, column=index), text)
        header.font = Font(name=font, bold=True)
        header.fill = PatternFill("solid", fgColor="DDEBF7")
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header.border = border
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        if text in text_columns:
            sheet.column_dimensions[letter].number_format = "@"
        if text in date_columns:
            sheet.column_dimensions[letter].number_format = "dd/mm/yyyy"
    sheet.row_dimensions[header_row].height = 32
    sheet.freeze_panes = f"A{header_row + 1}"
    last_row = header_row
    for last_row, values in enumerate(rows, start=header_row + 1):
        for index, text in enumerate(headers, start=1):
            value = values[index - 1] if index <= len(values) else None
            cell = sheet.cell(row=last_row, column=index)
            if isinstance(value, str):
                safe_cell(cell, value)
                if text in text_columns:
                    cell.number_format = "@"
            elif value is not None:
                cell.value = value
            cell.font = Font(name=font)
            cell.border = border
            if text in whole_number_columns:
                cell.number_format = "#,##0"
    for text, options in (choices or {}).items():
        letter = get_column_letter(headers.index(text) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
        validation.error = "Chọn một giá trị trong danh sách: " + ", ".join(options)
        validation.errorTitle = text
        sheet.add_data_validation(validation)
        validation.add(f"{letter}{header_row + 1}:{letter}{header_row + 5000}")
    if whole_number_columns:
        error_title, error = whole_number_error or ("", "")
        numbers = DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=error_title,
            error=error,
        )
        sheet.add_data_validation(numbers)
        for text in whole_number_columns:
            letter = get_column_letter(headers.index(text) + 1)
            numbers.add(f"{letter}{header_row + 1}:{letter}{max(last_row, header_row + 200)}")
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.print_title_rows = f"{header_row}:{header_row}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
