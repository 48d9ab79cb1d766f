"""A period's reports in Excel (DOMAIN.md, "Excel"): reading a filled file, and its template.

Reading is `core.xlsx_reading`'s, shared by every import; this module knows the columns and
the rules of a row. The view decides what to show and `services.reports_import` saves.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from communes import identity
from core.xlsx_reading import (
    STT,
    CellError,
    ParsedFile,
    RowError,
    cell,
    cell_tax_code,
    cell_whole_number,
    map_columns,
    read_sheet,
    shown,
)
from core.xlsx_writing import template_workbook
from enterprises.models import Enterprise
from enterprises.validators import TAX_CODE_RE

from . import rules, services
from .models import Indicator, ReportingPeriod

COL_NO = STT
COL_NAME = "Tên doanh nghiệp"
COL_TAX_CODE = "Mã số thuế"
COL_TOTAL = "Tổng số CNLĐ"
COL_FEMALE = "Lao động nữ"
COL_NOTES = "Ghi chú"
# More than the province's 21,000 enterprises, within what one reading may visit.
MAX_ROWS = 25_000


def read_reports(file, *, indicators: list[Indicator]) -> ParsedFile:
    """Read a period's reports from an .xlsx file. Raises WorkbookError for a bad file.

    The header row holds a "Mã số thuế" cell ("STT" and "Tên doanh nghiệp" columns are normal
    and not read); "Tổng số CNLĐ", "Lao động nữ" and one column per indicator, headed by its
    short name, are required, "Ghi chú" is optional. A row with a tax code and no figure at
    all is skipped (the template lists every enterprise that counts in the period; those that did not report
    stay empty); any other bad row is an error naming its Excel row.
    """
    sheet = read_sheet(file, key_header=COL_TAX_CODE, max_rows=MAX_ROWS)
    headers = {
        "tax_code": COL_TAX_CODE,
        "total_workers": COL_TOTAL,
        "female_workers": COL_FEMALE,
        **{rules.count_field(i): i.name for i in indicators},
        "notes": COL_NOTES,
    }
    figures_columns = [name for name in headers if name not in ("tax_code", "notes")]
    columns, errors, _unknown = map_columns(sheet, headers, ("tax_code", *figures_columns), ignored=(COL_NO, COL_NAME))
    parsed = ParsedFile(header_row=sheet.header_row, errors=errors)
    if errors:
        return parsed

    candidates = []  # (row number, tax code, figures)
    seen: dict[str, int] = {}
    for number, row in sheet.rows:
        figure_cells = {name: cell(row, columns[name]) for name in figures_columns}
        raw_tax_code = cell(row, columns["tax_code"])
        has_figures = any(value not in (None, "") and str(value).strip() for value in figure_cells.values())
        tax_code = cell_tax_code(raw_tax_code)
        if not tax_code:
            if has_figures:
                parsed.errors.append(RowError(number, _("The tax code is missing."), COL_TAX_CODE))
            continue
        if not has_figures:
            parsed.skipped.append(number)
            continue
        if not TAX_CODE_RE.match(tax_code):
            parsed.errors.append(
                RowError(
                    number,
                    _("“%(value)s” is not a tax code (10 digits, or 10 digits, a dash and 3 digits).")
                    % {"value": shown(tax_code)},
                    COL_TAX_CODE,
                )
            )
            continue
        if tax_code in seen:
            parsed.errors.append(
                RowError(
                    number,
                    _("Tax code %(code)s appears twice (rows %(first)s and %(row)s).")
                    % {"code": tax_code, "first": seen[tax_code], "row": number},
                    COL_TAX_CODE,
                )
            )
            continue
        seen[tax_code] = number

        values, row_ok = {}, True
        for name, value in figure_cells.items():
            try:
                values[name] = cell_whole_number(value)
            except CellError as error:
                row_ok = False
                parsed.errors.append(RowError(number, str(error), headers[name]))
        if not row_ok:
            continue
        notes = cell(row, columns.get("notes"))
        figures = rules.Figures(
            total_workers=values["total_workers"],
            female_workers=values["female_workers"],
            counts={indicator.code: values[rules.count_field(indicator)] for indicator in indicators},
            notes=str(notes).strip() if notes is not None else "",
        )
        problems = rules.figures_problems(figures, indicators, complete=True)
        for key, problem_errors in problems.items():
            for error in problem_errors:
                for message in error.messages:
                    parsed.errors.append(RowError(number, message, headers.get(key, "")))
        if not problems:
            candidates.append((number, tax_code, figures))

    enterprises = Enterprise.objects.by_tax_code([code for _n, code, _f in candidates])
    for number, tax_code, figures in candidates:
        enterprise = enterprises.get(tax_code)
        if enterprise is None:
            parsed.errors.append(
                RowError(
                    number,
                    _("No enterprise with tax code %(code)s is registered in the portal.") % {"code": tax_code},
                    COL_TAX_CODE,
                )
            )
            continue
        parsed.rows.append(services.ImportedReport(row=number, enterprise=enterprise, figures=figures))
    parsed.errors.sort(key=lambda error: error.row or 0)
    return parsed


# --- The template --------------------------------------------------------------------------


def reports_template(*, period: ReportingPeriod, indicators: list[Indicator], enterprises, title: str) -> bytes:
    """An .xlsx to fill: the title block, the header row, one row per enterprise given (those
    that count in the period)."""
    names = [indicator.name for indicator in indicators]
    headers = [COL_NO, COL_NAME, COL_TAX_CODE, COL_TOTAL, COL_FEMALE, *names, COL_NOTES]
    note = _(
        "One row per enterprise, matched by its tax code. Enter its current workers and, among "
        "them, how many have met each indicator (cumulative since the programme began, each "
        "worker counted once). Leave the figures empty if the enterprise has not reported."
    )
    return template_workbook(
        issuer=identity.current().body,
        title=title,
        note=str(note),
        headers=headers,
        widths=[6, 40, 16, 14, 14, *[16] * len(indicators), 30],
        text_columns={COL_TAX_CODE},
        whole_number_columns={COL_TOTAL, COL_FEMALE, *names},
        rows=([number, enterprise.name, enterprise.tax_code] for number, enterprise in enumerate(enterprises, start=1)),
        sheet_name=str(period),  # a name a person reads, not the period's code
        whole_number_error=(str(_("Invalid figure")), str(_("Enter a whole number of workers (0 or more)."))),
    )
