"""Opening uploaded Excel workbooks without trusting them.

An .xlsx file is a zip archive of XML parts, and whoever uploads it controls every byte.
openpyxl inflates whatever the archive holds, so before it sees a file we check it here,
in one place for every import (the enterprise list, a worker roster, a period's reports):

- the file is within the upload limit and is a zip archive at all;
- its parts, once decompressed, stay under MAX_UNCOMPRESSED_BYTES. A few hundred
  kilobytes of repeated bytes can inflate to gigabytes (a "zip bomb"). The sizes are
  those the archive declares: Python's zipfile never inflates a part beyond its declared
  size (and fails the CRC check if the data disagree), so they are a real bound;
- openpyxl opens it read-only, streaming rows instead of building every cell in memory,
  and `sheet_rows` reads at most MAX_COLUMNS columns, ignores the sheet's declared
  dimension (a hostile "A1:XFD1048576" would otherwise make openpyxl pad every row to
  16,384 cells and yield a million empty rows) and turns a damaged part into a message.

Each import still bounds its own number of rows, with a message naming its limit.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from openpyxl import Workbook

# A 10,000-worker roster is a few MB of XML; 50 MB leaves room and refuses bombs.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# A workbook has a dozen parts or so; thousands is not a spreadsheet.
MAX_PARTS = 2000
# The templates have 15 columns at most; a plan with many indicators adds one each.
MAX_COLUMNS = 200

NOT_XLSX = _(
    "The file cannot be read: it is not an Excel workbook (.xlsx). If it is an old .xls file, "
    "open it in Excel and save it as “Excel Workbook (.xlsx)”."
)
UNREADABLE = _(
    "The file could not be read as an Excel workbook: it may be damaged, protected by a password, "
    "or another kind of file. Save it again as .xlsx and retry."
)


def _size_of(uploaded_file) -> int:
    if isinstance(uploaded_file, (str, os.PathLike)):
        return os.path.getsize(uploaded_file)
    if getattr(uploaded_file, "size", None) is not None:
        return uploaded_file.size
    uploaded_file.seek(0, os.SEEK_END)
    return uploaded_file.tell()


def _rewind(uploaded_file) -> None:
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)


def check_archive(uploaded_file) -> None:
    """Refuse, with a Vietnamese message, a file that is too big, not a zip, or a zip bomb."""
    limit = settings.UPLOAD_MAX_BYTES
    size = _size_of(uploaded_file)
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the largest allowed is %(limit)s."),
            code="too_large", params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    _rewind(uploaded_file)
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ValidationError(NOT_XLSX, code="not_xlsx") from None
    finally:
        _rewind(uploaded_file)
    inflated = sum(part.file_size for part in parts)
    if len(parts) > MAX_PARTS or inflated > MAX_UNCOMPRESSED_BYTES:
        raise ValidationError(
            _("This file would expand to %(size)s when opened, more than the %(limit)s an Excel "
              "workbook for the portal can be; it is not an ordinary workbook. Open it in Excel, "
              "save it again as .xlsx, or split it into smaller files."),
            code="too_large_inflated",
            params={"size": filesizeformat(inflated), "limit": filesizeformat(MAX_UNCOMPRESSED_BYTES)},
        )


def open_workbook_safely(uploaded_file) -> Workbook:
    """The uploaded workbook (a path or a file object), opened read-only once it passed
    `check_archive`; raise ValidationError with a Vietnamese message otherwise.

    Read-only workbooks keep the file open: the caller closes the workbook.
    """
    from openpyxl import load_workbook

    check_archive(uploaded_file)
    try:
        return load_workbook(uploaded_file, read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds of errors for a damaged file
        raise ValidationError(UNREADABLE, code="unreadable") from None


def sheet_rows(worksheet, *, min_row: int = 1, max_row: int | None = None) -> Iterator[tuple]:
    """The values of a sheet's rows from `min_row`, each at most MAX_COLUMNS wide.

    The sheet's declared dimension is ignored (only cells really present count). A value
    beyond column MAX_COLUMNS means the file is not one of ours: refused, as is a part
    that turns out damaged while it is read.
    """
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(min_row=min_row, max_row=max_row, max_col=MAX_COLUMNS + 1, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # a damaged sheet only shows once it is read
            raise ValidationError(UNREADABLE, code="unreadable") from None
        if len(values) > MAX_COLUMNS:
            if values[MAX_COLUMNS] not in (None, ""):
                raise ValidationError(
                    _("The sheet has data beyond column %(max)s; an import file has far fewer columns. "
                      "Delete the extra columns, or use the template."),
                    code="too_many_columns", params={"max": MAX_COLUMNS},
                )
            values = values[:MAX_COLUMNS]
        yield values
