"""Reading uploaded Excel workbooks, which nobody should trust: one bounded reader for every import.

Safe opening, the header row, column mapping, one set of cell parsers, the errors a file or a
row can have, and the uploads waiting between a preview and its confirmation. Each import
(the enterprise list, a worker roster, a period's reports) keeps only its own file format.
"""

from __future__ import annotations

import contextlib
import datetime
import math
import os
import posixpath
import re
import secrets
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

from core.bounds import whole_number

# --- limits ------------------------------------------------------------------------
#
# Whoever uploads a workbook controls every byte of it, so every limit below bounds work
# done, not only what is kept: the archive, the XML elements read, the rows and columns.

# A 10,000-worker roster is a few MB of XML; 50 MB leaves room and refuses zip bombs.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# A workbook has a dozen parts or so; thousands is not a spreadsheet.
MAX_PARTS = 2000
# The templates have 15 columns at most; a plan with many indicators adds one each.
MAX_COLUMNS = 200
# Excel's grid: a cell beyond it was not written by a spreadsheet program.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
EXCEL_CELL_TEXT = 32_767
# XML elements (cells, rows, strings, styles…) one reading may visit, about a second's work.
# The largest file an import accepts (25,000 report rows of a dozen cells) needs 600,000.
MAX_VISITED = 1_000_000
HEADER_SEARCH_ROWS = 15
# A sheet formatted far below its data is common: this many blank rows in a row end the data.
EMPTY_ROWS_END = 1000
# The most workers a count may be, as on the report form.
MAX_COUNT = 10_000_000
# An hour between the preview and the confirmation; staged copies older than that are dropped.
STAGE_MAX_AGE = 60 * 60

STT = "STT"


# --- what can go wrong ---------------------------------------------------------------


class WorkbookError(Exception):
    """The file as a whole cannot be used (not a workbook, no header row, too many rows…).

    `visited` is how many XML elements the reading had visited when it gave up.
    """

    def __init__(self, message: str, *, visited: int | None = None):
        super().__init__(message)
        self.visited = visited


class CellError(ValueError):
    """A cell that does not hold what its column needs; the message says why."""


@dataclass(frozen=True)
class RowError:
    """A reason a row (its Excel number; None for the file as a whole) was refused."""

    row: int | None
    message: str
    column: str = ""


@dataclass
class ParsedFile:
    """A file read by an import: its good rows, or the errors that refuse it."""

    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    header_row: int | None = None
    ignored_columns: list[str] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # rows an import leaves out on purpose
    # What was read but not understood, in rows that are still good (an unknown legal form:
    # that field stays empty); shown before the official confirms.
    warnings: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _not_xlsx() -> str:
    return _(
        "The file cannot be read: it is not an Excel workbook (.xlsx). If it is an old .xls file, "
        "open it in Excel and save it as “Excel Workbook (.xlsx)”."
    )


def _unreadable() -> str:
    return _(
        "The file could not be read as an Excel workbook: it may be damaged, protected by a password, "
        "or another kind of file. Save it again as .xlsx and retry."
    )


def _outside_excel() -> str:
    return _(
        "The sheet has cells beyond Excel's last row (1,048,576) or column (XFD), or longer than "
        "an Excel cell can be: it was not saved by Excel. Open it in Excel and save it again as .xlsx."
    )


def _too_many_cells(limit: int) -> str:
    return _(
        "The file holds more than %(max)s cells; an import file is much smaller. Copy only the "
        "list into a new workbook, or use the template."
    ) % {"max": number_format(limit, force_grouping=True)}


# --- the archive ---------------------------------------------------------------------


def _size_of(source) -> int:
    if isinstance(source, (str, os.PathLike)):
        return os.path.getsize(source)
    if getattr(source, "size", None) is not None:
        return source.size
    source.seek(0, os.SEEK_END)
    return source.tell()


def check_archive(source) -> zipfile.ZipFile:
    """The upload (a path or a file object) as an open zip archive, once it is within the
    upload limit and its parts, decompressed, stay under MAX_UNCOMPRESSED_BYTES.

    The sizes are those the archive declares: Python's zipfile never inflates a part beyond
    its declared size (and fails the CRC check if the data disagree), so they are a real
    bound on a "zip bomb". Raises WorkbookError; the caller closes the archive.
    """
    limit = settings.UPLOAD_MAX_BYTES
    size = _size_of(source)
    if size > limit:
        raise WorkbookError(
            _("The file is %(size)s; the largest allowed is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    if hasattr(source, "seek"):
        source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise WorkbookError(_not_xlsx()) from None
    parts = archive.infolist()
    if len(parts) > MAX_PARTS:
        archive.close()
        raise WorkbookError(
            _(
                "This file is made of %(parts)s parts; an Excel workbook for the portal has a few dozen at "
                "most (the limit is %(limit)s), so it is not an ordinary workbook. Open it in Excel and save "
                "it again as .xlsx."
            )
            % {
                "parts": number_format(len(parts), force_grouping=True),
                "limit": number_format(MAX_PARTS, force_grouping=True),
            }
        )
    inflated = sum(part.file_size for part in parts)
    if inflated > MAX_UNCOMPRESSED_BYTES:
        archive.close()
        raise WorkbookError(
            _(
                "This file would expand to %(size)s when opened, more than the %(limit)s an Excel "
                "workbook for the portal can be; it is not an ordinary workbook. Open it in Excel, "
                "save it again as .xlsx, or split it into smaller files."
            )
            % {"size": filesizeformat(inflated), "limit": filesizeformat(MAX_UNCOMPRESSED_BYTES)}
        )
    return archive


# --- the XML parts ---------------------------------------------------------------------
#
# openpyxl is not used to read uploads: opening a workbook, it parses the whole shared-string
# table at some 30 µs a string (a 125 KB upload kept it busy for 90 s), and its rows are
# padded to the declared width and every missing row is produced empty. This reader streams
# each part through expat, counts every element it visits against MAX_VISITED, keeps only
# the cells that hold something within MAX_COLUMNS, and refuses a document type declaration
# (no entity tricks: xlsx parts never have one).

CHUNK = 64 * 1024


class Visits:
    """The XML elements a reading has visited, refused beyond `limit`."""

    def __init__(self, limit: int | None = None):
        self.count = 0
        self.limit = MAX_VISITED if limit is None else limit


class _Stop(Exception):
    """Raised inside a handler: the rest of the part is not needed."""


def _refuse_dtd(*args):
    raise WorkbookError(_unreadable())


def _local(name: str) -> str:
    """'{namespace} local' as expat gives it -> 'local' (SpreadsheetML comes in two namespaces)."""
    return name[name.rfind(" ") + 1 :]


def _attribute(attrs: dict, local: str, default=None):
    for key, value in attrs.items():
        if _local(key) == local:
            return value
    return default


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """OOXML writes characters XML cannot hold as _xHHHH_."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), text) if "_x" in text else text


def _parser(visits: Visits, start, end=None, text=None):
    """An expat parser that counts each element it starts against `visits`, hands the
    handlers local names, and refuses a document type declaration."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    names: dict[str, str] = {}  # a part uses a handful of names: look each up once

    def local(name):
        found = names.get(name)
        if found is None:
            found = names[name] = _local(name)
        return found

    def counted_start(name, attrs):
        visits.count += 1
        if visits.count > visits.limit:
            raise WorkbookError(_too_many_cells(visits.limit))
        start(local(name), attrs)

    if start is not None:
        parser.StartElementHandler = counted_start
    if end is not None:
        parser.EndElementHandler = lambda name: end(local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    return parser


def _parse_part(archive: zipfile.ZipFile, name: str, parser) -> None:
    """Stream the part `name` through the parser a chunk at a time; a handler may end it early."""
    try:
        with archive.open(name) as part:
            while chunk := part.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except _Stop:
        pass
    except WorkbookError:
        raise
    except (
        KeyError,
        zipfile.BadZipFile,
        expat.ExpatError,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        UnicodeError,
        zlib.error,
    ):
        raise WorkbookError(_unreadable()) from None


def _relationships(archive, source: str, visits: Visits) -> dict[str, tuple[str, str]]:
    """id -> (type, part path) of a part's relationships (none if it has no .rels part)."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in archive.NameToInfo:
        return {}
    found = {}

    def start(local, attrs):
        if local == "Relationship" and attrs.get("TargetMode") != "External":
            target = attrs.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            found[attrs.get("Id", "")] = (attrs.get("Type", ""), path)

    _parse_part(archive, rels, _parser(visits, start))
    return found


def _of_type(relationships: dict, kind: str) -> list[str]:
    return [path for rel_type, path in relationships.values() if rel_type.endswith("/" + kind)]


class _Workbook:
    """The parts of an uploaded workbook an import needs: its worksheets in order, the shared
    strings, which cell styles are dates, and the date system."""

    def __init__(self, archive: zipfile.ZipFile, visits: Visits):
        self.archive = archive
        self.visits = visits
        documents = _of_type(_relationships(archive, "", visits), "officeDocument")
        book = documents[0] if documents else "xl/workbook.xml"
        if book not in archive.NameToInfo:
            raise WorkbookError(_unreadable())
        relationships = _relationships(archive, book, visits)
        self.epoch = WINDOWS_EPOCH
        self.worksheets: list[tuple[str, str]] = []  # (sheet name, part path)

        def start(local, attrs):
            if local == "workbookPr" and attrs.get("date1904") in ("1", "true"):
                self.epoch = MAC_EPOCH
            elif local == "sheet":
                rel_type, path = relationships.get(_attribute(attrs, "id", ""), ("", ""))
                if rel_type.endswith("/worksheet") and path in archive.NameToInfo:  # not a chart sheet
                    self.worksheets.append((attrs.get("name", ""), path))

        _parse_part(archive, book, _parser(visits, start))
        strings = _of_type(relationships, "sharedStrings")
        self.strings = self._strings(strings[0]) if strings and strings[0] in archive.NameToInfo else []
        styles = _of_type(relationships, "styles")
        self.date_styles = self._date_styles(styles[0]) if styles and styles[0] in archive.NameToInfo else set()

    def _strings(self, path: str) -> list[str]:
        strings: list[str] = []
        state = {"in_t": False, "phonetic": 0}
        pieces: list[str] = []

        def start(local, attrs):
            if local == "t" and not state["phonetic"]:
                state["in_t"] = True
            elif local == "rPh":  # the phonetic guide of East Asian text, not the text
                state["phonetic"] += 1
            elif local == "si":
                pieces.clear()

        def end(local):
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["phonetic"] -= 1
            elif local == "si":
                strings.append(_cell_string(pieces))

        def text(data):
            if state["in_t"]:
                pieces.append(data)

        _parse_part(self.archive, path, _parser(self.visits, start, end, text))
        return strings

    def _date_styles(self, path: str) -> set[str]:
        """Indexes (as cells write them) of the cell formats that show a number as a date:
        Excel stores a date as a number of days in a date-formatted cell."""
        formats = dict(BUILTIN_FORMATS)
        cell_formats: list[int] = []
        stack: list[str] = []

        def start(local, attrs):
            if local == "numFmt":
                code = attrs.get("formatCode", "")
                with contextlib.suppress(ValueError):  # Excel's format codes are at most 255 characters
                    formats[int(attrs.get("numFmtId", ""))] = code if len(code) <= 255 else ""
            elif local == "xf" and stack and stack[-1] == "cellXfs":
                try:
                    cell_formats.append(int(attrs.get("numFmtId", "0")))
                except ValueError:
                    cell_formats.append(0)
            stack.append(local)

        _parse_part(self.archive, path, _parser(self.visits, start, lambda local: stack.pop()))
        return {
            str(index)
            for index, number_format_id in enumerate(cell_formats)
            if is_date_format(formats.get(number_format_id, "") or "")
        }


def _cell_string(pieces: list[str]) -> str:
    text = "".join(pieces)
    if len(text) > EXCEL_CELL_TEXT:
        raise WorkbookError(_outside_excel())
    return _unescape(text)


_COLUMN_LETTERS = re.compile(r"[A-Z]{1,3}\Z")
# What Excel writes for a number: at most 17 significant digits and a 3-digit exponent. Anything
# else in a number cell ("Infinity", 5,000 digits, "1e1000000") is kept as the text it is, for
# the cell parsers to refuse, and never handed to int() or float() unbounded.
_EXCEL_NUMBER = re.compile(r"-?[0-9]{1,30}(\.[0-9]{0,30})?([eE][-+]?[0-9]{1,3})?\Z")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


_COLUMNS: dict[str, int] = {}  # "AB" -> 28, filled as cells are read (at most 18,278 entries)


def _column_of(reference: str) -> int:
    """The column number of a cell reference such as "AB12"."""
    letters = reference.rstrip("0123456789")
    column = _COLUMNS.get(letters)
    if column is None:
        if not _COLUMN_LETTERS.match(letters) or letters == reference:
            raise WorkbookError(_unreadable())
        column = _COLUMNS[letters] = _column_number(letters)
    return column


class SheetReader:
    """Reads a worksheet's cells, handing each row that holds something to `on_row(number,
    values)` as soon as it ends; missing and blank rows are never produced.

    Values stop at the last cell holding something (never wider than MAX_COLUMNS, so a
    sparse row costs only its cells). A cell holding something beyond column MAX_COLUMNS
    refuses the file, as does anything beyond Excel's grid. Reading stops when a row starts
    below `row_limit`, which `on_row` may move as it goes.
    """

    def __init__(self, book: _Workbook, path: str, on_row: Callable[[int, tuple], None]):
        self.book = book
        self.visits = book.visits
        self.path = path
        self.on_row = on_row
        self.row_limit = EXCEL_ROWS
        self.row = 0
        self.column = 0
        self.cells: dict[int, object] = {}
        self.cell_type = self.cell_style = None
        self.pieces: list[str] = []
        self.collecting = False
        self.phonetic = 0
        self.in_data = False
        self.names: dict[str, str] = {}

    def read(self) -> None:
        # The handlers count and name elements themselves: this is the hot path of every
        # import, where a wrapper per element would cost a third of the time.
        parser = _parser(self.visits, None)
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        _parse_part(self.book.archive, self.path, parser)

    def _name(self, name: str) -> str:
        local = self.names[name] = _local(name)
        return local

    def _start(self, name, attrs):
        visits = self.visits
        visits.count += 1
        if visits.count > visits.limit:
            raise WorkbookError(_too_many_cells(visits.limit))
        local = self.names.get(name) or self._name(name)
        if not self.in_data:
            if local == "sheetData":
                self.in_data = True
            elif local == "dimension":
                self._check_dimension(attrs.get("ref", ""))
        elif local == "c":
            reference = attrs.get("r")
            column = self.column + 1 if reference is None else _column_of(reference)
            if column <= self.column:  # Excel writes each cell once, left to right
                raise WorkbookError(_unreadable())
            if column > EXCEL_COLUMNS:
                raise WorkbookError(_outside_excel())
            self.column = column
            self.cell_type = attrs.get("t", "n")
            self.cell_style = attrs.get("s")
            self.pieces = []
        elif local == "v" or local == "t":
            self.collecting = not self.phonetic
        elif local == "row":
            self._row(attrs.get("r"))
        elif local == "rPh":  # the phonetic guide of East Asian text, not the text
            self.phonetic += 1

    def _row(self, number):
        if number is None:
            number = self.row + 1
        elif not (number.isascii() and number.isdigit()):
            raise WorkbookError(_unreadable())
        elif len(number) > 7:
            raise WorkbookError(_outside_excel())
        number = int(number)
        if number > EXCEL_ROWS:
            raise WorkbookError(_outside_excel())
        if number <= self.row:  # rows come once, top to bottom
            raise WorkbookError(_unreadable())
        if number > self.row_limit:
            raise _Stop
        self.row, self.column, self.cells = number, 0, {}

    def _end(self, name):
        local = self.names.get(name) or self._name(name)
        if local == "c":
            if self.pieces:
                value = self._value()
                if value is not None and (value.__class__ is not str or value.strip()):
                    if self.column > MAX_COLUMNS:
                        raise WorkbookError(
                            _(
                                "The sheet has data beyond column %(max)s; an import file has far fewer columns. "
                                "Delete the extra columns, or use the template."
                            )
                            % {"max": MAX_COLUMNS}
                        )
                    self.cells[self.column] = value
        elif local == "v" or local == "t":
            self.collecting = False
        elif local == "row":
            if self.cells:
                values = [None] * max(self.cells)
                for column, value in self.cells.items():
                    values[column - 1] = value
                self.on_row(self.row, tuple(values))
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "sheetData":
            raise _Stop

    def _text(self, data):
        if self.collecting:
            self.pieces.append(data)

    def _value(self):
        cell_type, pieces = self.cell_type, self.pieces
        raw = pieces[0] if len(pieces) == 1 else "".join(pieces)
        if len(raw) > EXCEL_CELL_TEXT:
            raise WorkbookError(_outside_excel())
        if cell_type == "s":
            strings = self.book.strings
            if raw.isascii() and raw.isdigit() and int(raw) < len(strings):
                return strings[int(raw)]
            raise WorkbookError(_unreadable())  # no such shared string
        if cell_type == "n":
            return self._number(raw.strip())
        if cell_type == "inlineStr" or cell_type == "str":
            return _unescape(raw)
        if cell_type == "b":
            return raw.strip() in ("1", "true")
        if cell_type == "d":
            try:
                return datetime.datetime.fromisoformat(raw.strip()[:32])
            except ValueError:
                return raw
        return raw  # an error ("#N/A", "#VALUE!"…): shown as written, refused by the parsers

    def _number(self, raw: str):
        if raw.isascii() and raw.isdigit() and len(raw) <= 30:
            number = int(raw)
        elif _EXCEL_NUMBER.match(raw):
            number = int(raw) if raw.lstrip("-").isdigit() else float(raw)
        else:
            return raw
        if self.cell_style in self.book.date_styles:
            try:
                if 0 <= number < 2_958_466:  # Excel's calendar ends on 31/12/9999
                    return from_excel(number, self.book.epoch)
            except (ValueError, OverflowError):
                pass
        return number

    def _check_dimension(self, ref: str):
        """The sheet's declared extent is only a claim: it is never used to read. Within
        Excel's grid it is ignored (Excel's "used range" often runs to the last formatted
        row); beyond it, the file was not written by a spreadsheet and is refused at once."""
        for reference in ref.upper().split(":"):
            match = re.fullmatch(r"\$?([A-Z]{1,4})\$?([0-9]{1,8})", reference)
            if match and (_column_number(match.group(1)) > EXCEL_COLUMNS or int(match.group(2)) > EXCEL_ROWS):
                raise WorkbookError(_outside_excel())


@contextmanager
def open_workbook(source, *, visits: Visits | None = None) -> Iterator[_Workbook]:
    """The uploaded workbook (a path or a file object), checked and opened for reading.

    Raises WorkbookError with a message for the person who uploaded it.
    """
    visits = visits or Visits()
    archive = check_archive(source)
    try:
        yield _Workbook(archive, visits)
    finally:
        archive.close()


# --- the header row and the columns ---------------------------------------------------------


def normalize_header(value) -> str:
    """Header text compared the forgiving way (DOMAIN.md, "Excel"): case and surrounding or
    repeated spaces do not count, accents are compared in their composed form (so a header
    typed with combining marks matches), and a required-column mark "*" or "(*)" is dropped."""
    text = cell_text(value).casefold()
    return re.sub(r"\s*\(?\*\)?$", "", text)


@dataclass
class Sheet:
    """The sheet an import reads: its header row and the non-blank rows below it."""

    header_row: int
    headers: list[str]  # normalized header text per column index ("" for empty)
    raw_headers: list[str]
    rows: list[tuple[int, tuple]]  # (Excel row number, cell values)
    visited: int = 0


def read_sheet(source, *, key_header: str, max_rows: int, visits: Visits | None = None) -> Sheet:
    """Find the header row (by its `key_header` cell) and read the data rows below it.

    The header is searched in the first 15 rows of each sheet in turn, so a title block
    above it or an instructions sheet before it are fine. The data ends at the first run of
    EMPTY_ROWS_END blank rows (a formatted tail, a signature below: not read); it may span at
    most `max_rows` rows below the header, blank rows among them included, so that a sparse
    sheet cannot stretch the reading.
    """
    visits = visits or Visits()
    wanted = normalize_header(key_header)
    try:
        with open_workbook(source, visits=visits) as book:
            for _name, path in book.worksheets:
                found: dict = {}
                data: list[tuple[int, tuple]] = []

                # Called by this sheet's reader only, within this iteration.
                def on_row(number, values, found=found, data=data):
                    if not found:
                        if any(normalize_header(value) == wanted for value in values):
                            found.update(row=number, values=values)
                            reader.row_limit = number + EMPTY_ROWS_END  # noqa: B023 (this sheet's reader)
                        return
                    if number - found["row"] > max_rows:
                        raise WorkbookError(
                            _("The file has more than %(max)s rows of data; split it into smaller files.")
                            % {"max": number_format(max_rows, force_grouping=True)}
                        )
                    data.append((number, values))
                    reader.row_limit = number + EMPTY_ROWS_END  # noqa: B023 (this sheet's reader)

                reader = SheetReader(book, path, on_row)
                reader.row_limit = HEADER_SEARCH_ROWS
                reader.read()
                if found:
                    raw = [cell_text(value) for value in found["values"]]
                    return Sheet(found["row"], [normalize_header(h) for h in raw], raw, data, visits.count)
    except WorkbookError as error:
        error.visited = visits.count
        raise
    raise WorkbookError(
        _("No header row found: none of the first %(rows)s rows has a “%(header)s” cell. Use the template.")
        % {"rows": HEADER_SEARCH_ROWS, "header": key_header},
        visited=visits.count,
    )


def map_columns(
    sheet: Sheet,
    headers: dict[str, str],
    required: tuple[str, ...],
    *,
    ignored: tuple[str, ...] = (STT,),
    aliases: dict[str, tuple[str, ...]] | None = None,
) -> tuple[dict[str, int], list[RowError], list[tuple[int, str]]]:
    """(field -> column index, errors, unknown (index, header) pairs) of a header row.

    `headers` maps each field to its header text; `aliases` gives a field other headers
    that files from elsewhere use for it; `ignored` headers are normal but unread.
    """
    by_text = {normalize_header(text): name for name, text in headers.items()}
    for name, texts in (aliases or {}).items():
        by_text.update({normalize_header(text): name for text in texts})
    skip = {normalize_header(text) for text in ignored}
    columns: dict[str, int] = {}
    errors: list[RowError] = []
    unknown = []
    for index, text in enumerate(sheet.headers):
        if not text or text in skip:
            continue
        name = by_text.get(text)
        if name is None:
            unknown.append((index, sheet.raw_headers[index]))
        elif name in columns:
            errors.append(
                RowError(sheet.header_row, _("Column “%(header)s” appears twice.") % {"header": headers[name]})
            )
        else:
            columns[name] = index
    missing = [headers[name] for name in required if name not in columns]
    if missing:
        errors.append(
            RowError(
                sheet.header_row,
                _("Required column missing: %(headers)s. Use the template.")
                % {"headers": ", ".join(f"“{h}”" for h in missing)},
            )
        )
    return columns, errors, unknown


def cell(values: tuple, index: int | None):
    """The value of a row at a column index (None past the row's last filled cell)."""
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


def validation_messages(error: ValidationError, labels: dict[str, str]) -> list[str]:
    """A model's ValidationError as 'Header: message' texts, in the file's words."""
    messages = []
    for name, errors in error.message_dict.items():
        label = labels.get(name)
        for message in errors:
            named = not label or str(message).casefold().startswith(label.casefold())
            messages.append(str(message) if named else f"{label}: {message}")
    return messages


# --- cells -------------------------------------------------------------------------------


def shown(value, limit: int = 40) -> str:
    """A cell as an error message quotes it: its text, cut short if long."""
    text = cell_text(value)
    return text if len(text) <= limit else text[:limit] + "…"


def cell_text(value) -> str:
    """A cell as clean text: whole numbers without '.0', dates as dd/mm/yyyy, spaces collapsed, NFC."""
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


def cell_whole_number(value, *, maximum: int = MAX_COUNT) -> int | None:
    """A cell as a whole number no larger (in size) than `maximum`; None when empty.

    Number cells must be whole and finite; text is read as the forms read it
    (`core.bounds.whole_number`): plain digits, or grouped as "1.234" or "1 234"; a decimal
    ("12,5", "1.2"), an exponent, "Infinity", "NaN" or superscript digits are refused before
    any conversion, so no cell costs more than its few characters.
    """
    if value is None:
        return None
    if isinstance(value, (bool, datetime.date, datetime.time)):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
        if not value.is_integer():
            raise CellError(_not_whole(value))
    elif isinstance(value, str):
        try:
            value = whole_number(value)
        except ValidationError as refusal:
            if refusal.code == "not_whole":
                raise CellError(_not_whole(value)) from None
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)}) from None
        if value is None:
            return None
    elif not isinstance(value, int):
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": shown(value)})
    if abs(value) > maximum:
        raise CellError(
            _("%(value)s is more than %(max)s, the most this figure can be.")
            % {"value": shown(value), "max": number_format(maximum, force_grouping=True)}
        )
    return int(value)


def _not_whole(value) -> str:
    return _(
        "“%(value)s” is not a whole number: counts are whole numbers. Thousands may be grouped with a dot or a space, such as 1.200."
    ) % {"value": shown(value).replace(".", ",") if isinstance(value, float) else shown(value)}


DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")
# An unformatted number read as a date: 36526 is 1/1/2000 and 73051 is 1/1/2100 in Excel's calendar.
SERIAL_DATES = (36526, 73051)


def cell_date(value) -> datetime.date | None:
    """A date cell, a dd/mm/yyyy text or an unformatted Excel serial number; None if empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if SERIAL_DATES[0] <= value < SERIAL_DATES[1]:
            return from_excel(value).date()
        raise CellError(_not_a_date(value))
    text = cell_text(value)
    if len(text) <= 10:
        for fmt in DATE_FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
    raise CellError(_not_a_date(value))


def _not_a_date(value) -> str:
    return _("“%(value)s” is not a date; write dd/mm/yyyy, such as 21/04/2025.") % {"value": shown(value)}


def cell_tax_code(value) -> str:
    """A tax-code cell as text; whether it is a valid code is the enterprise model's rule.

    A tax code is 10 digits, or 10 digits, a dash and 3 for a branch (DOMAIN.md); its first
    two digits are the province's number, 01 to 99, so a code may begin with one 0 but never
    with two. Typed into a number cell, Excel drops that 0: a number of 9 digits gets it back.
    Any other number (fewer digits, a fraction) is left as it is and fails the check, as does
    text, which is taken as typed (spaces and dots people put between groups removed).
    """
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        return "0" + digits if len(digits) == 9 else digits
    if isinstance(value, str):
        return re.sub(r"[\s.]", "", cell_text(value))
    return cell_text(value)


def cell_phone(value) -> str:
    """A phone cell as text: Excel drops the leading 0 of a number typed as a number, and
    domestic numbers have one."""
    text = cell_text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and text.isdigit() and not text.startswith("0"):
        text = "0" + text
    return text


# --- uploads waiting for confirmation -----------------------------------------------------
#
# Between the preview and the confirmation an upload waits under MEDIA_ROOT/imports, named by
# a random token the server chooses (never by the uploader). A copy is removed when the import
# is confirmed, cancelled or refused, when the block that staged it fails, and, once older
# than STAGE_MAX_AGE (its confirmation link has expired), by the next upload or by
# `manage.py expire_imports`: rosters hold personal data, kept no longer than needed.

STAGE_NAME = re.compile(r"^[0-9a-f]{32}\.xlsx$")


def stage_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def expire_staged() -> int:
    """Remove the staged copies older than STAGE_MAX_AGE; return how many went."""
    cutoff = time.time() - STAGE_MAX_AGE
    removed = 0
    directory = stage_dir()
    if not directory.is_dir():
        return 0
    for old in directory.iterdir():
        try:
            if old.is_file() and old.stat().st_mtime < cutoff:
                old.unlink()
                removed += 1
        except OSError:
            pass
    return removed


def stage_upload(uploaded) -> str:
    """Keep an uploaded file until the official confirms; return its server-chosen name.

    Abandoned copies are expired on the way.
    """
    expire_staged()
    directory = stage_dir()
    directory.mkdir(parents=True, exist_ok=True)
    name = secrets.token_hex(16) + ".xlsx"
    try:
        with open(directory / name, "wb") as target:
            for chunk in uploaded.chunks():
                target.write(chunk)
    except BaseException:
        (directory / name).unlink(missing_ok=True)
        raise
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


class Staged:
    """An upload staged for the length of a `with staging(...)` block."""

    def __init__(self, name: str):
        self.name = name
        self.kept = False

    @property
    def path(self) -> Path | None:
        return staged_path(self.name)

    def keep(self) -> str:
        """Keep the copy past the block (a preview waits for its confirmation); return its name."""
        self.kept = True
        return self.name


@contextmanager
def staging(uploaded) -> Iterator[Staged]:
    """Stage an upload for a block; the copy is discarded when the block ends, however it
    ends (a refused file, an error), unless the block called `keep()`."""
    staged = Staged(stage_upload(uploaded))
    try:
        yield staged
    finally:
        if not staged.kept:
            discard_staged(staged.name)
