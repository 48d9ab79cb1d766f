"""The report's appendices for one period, row by row, from indicators.progress.

The commune's report itself is a Word document (reports.word); this workbook is its appendices,
each titled and tied to the report as Decree 30/2020 writes it ("Phụ lục I", its title,
"(Kèm theo Báo cáo số …/BC-UBND ngày … của …)"): I the indicators against their milestone and
targets, II each enterprise's report, III the plan's tasks as they stood at the period's end
with the activities held in it; then the flat data sheet (Dữ liệu) for a superior body to
stack many communes' files. `DistrictReport` only yields sheets and rows; core.xlsx_writing
writes them, printed at 100 % in landscape, and indicators.progress alone computes the
figures, so the workbook shows the same numbers as the dashboards, the API and the report.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.dispatch import Signal
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communes import identity
from core import documents
from core.identity import Identity
from core.templatetags.portal import pct
from core.xlsx_writing import (
    LANDSCAPE_MARGINS,
    Exporter,
    Formula,
    Row,
    Sheet,
    Style,
    WorkbookWriter,
    column_letter,
    fit_height,
    keep_together,
    laid_out,
    page_height,
    signature_rows,
    spacer,
    text_height,
)
from plans.models import Activity, Plan, Task, TaskStatus, task_states_at_end_of

from . import progress
from .models import PeriodKind, ReportingPeriod, ReportStatus

# The appendices, numbered as the report cites them (reports.content): "Phụ lục I – …".
APPENDICES = (
    ("I", gettext_lazy("Results against the indicators")),
    ("II", gettext_lazy("Results by enterprise")),
    ("III", gettext_lazy("Tasks and activities")),
)

# Asked, with `period` (and `commune`, the identity already read), which report the period's
# workbook is the appendices of: a receiver
# (the reports app, a higher layer) answers a core.documents.Reference with the report's
# number, date, signer and draft state; without an answer the number and date stay blank
# for the office and the commune's chair signs.
appendix_reference = Signal()

# The heading of an appendix (Decree 30/2020, appendix I: "Phụ lục" and its number 14 pt
# bold, its title in capitals 14 pt bold, the "Kèm theo" line 14 pt italic).
APPENDIX_NUMBER = Style(size=14, bold=True, align="center")
APPENDIX_TITLE = Style(size=14, bold=True, align="center")
ATTACHED = Style(size=14, italic=True, align="center")
PERIOD_LINE = Style(size=12, italic=True, align="center")
DRAFT_BOX = Style(size=14, bold=True, align="center", border=True)
NOTE = Style(size=12, italic=True, align="justify", valign="top")
RATE_FORMAT = "0.0"  # rates, targets and milestones in percent, under "(%)" headers

# Appendix I: the table at 12 pt.
TH = Style(size=12, bold=True, align="center", border=True)
TD = Style(size=12, border=True)
TD_CENTER = TD.but(align="center")
TD_INT = TD.but(align="right", number_format="#,##0")
TD_PCT = TD.but(align="right", number_format=RATE_FORMAT)

# Appendices II and III: the lists at 11 pt, a light header fill; rows not counted grey and italic.
GREY_FILL = "F2F2F2"
MUTED = "7F7F7F"
LIST_NOTE = Style(size=11, italic=True, align="justify", valign="top")
LH = Style(size=11, bold=True, align="center", border=True, fill=GREY_FILL)
LD = Style(size=11, border=True, valign="top")
LD_CENTER = LD.but(align="center")
LD_INT = LD.but(align="right", number_format="#,##0")
LD_PCT = LD.but(align="right", number_format=RATE_FORMAT)
# A heading over both header rows of Appendix II: two cells drawn as one box.
LH_OVER = LH.but(joins="below", valign="bottom")
LH_UNDER = LH.but(joins="above")
LD_GROUP = Style(size=11, bold=True, border=True, fill=GREY_FILL, valign="top")

# Column widths (units of 8 px), each sheet within the landscape page at 100 %
# (core.xlsx_writing.LANDSCAPE_WIDTH, about 123): tests/indicators/test_exports.py checks it.
SUMMARY_NAME_WIDTH = 20
ENTERPRISE_WIDTHS = [4, 17, 10, 10, 6, 6, 7, 6]  # then per indicator: met, rate
ENTERPRISE_INDICATOR_WIDTHS = [6, 5]
TASK_WIDTHS = [5, 29, 12, 14, 29, 7, 10, 13]

STATUS_LABELS = dict(ReportStatus.choices)
TASK_STATUS_LABELS = dict(TaskStatus.choices)

# The data sheet (Dữ liệu): its keys never change and are never translated.
DATA_KEYS = [
    "ma_xa",
    "ten_xa",
    "ky",
    "ma_so_thue",
    "ten_doanh_nghiep",
    "trang_thai_bao_cao",
    "nop_muon",
    "tong_cnld",
    "lao_dong_nu",
    "chi_tieu",
    "so_dat",
]
NOT_REPORTED = "not_reported"  # trang_thai_bao_cao of an enterprise with no report
DATA_HEIGHT = 16
DATA_HEAD = Style(size=11, bold=True, wrap=False)
DATA_TEXT = Style(size=11, wrap=False)
DATA_INT = DATA_TEXT.but(number_format="0")
DATA_STYLES = [DATA_TEXT] * 6 + [DATA_INT, DATA_INT, DATA_INT, DATA_TEXT, DATA_INT]


def appendix_name(number: str) -> str:
    """'Phụ lục I': the sheet's tab and the first line of its heading."""
    return _("Appendix %(number)s") % {"number": number}


def appendix_titles() -> list[str]:
    """'Phụ lục I – Kết quả thực hiện các chỉ tiêu', …: the appendices as the report cites them."""
    return [_("Appendix %(number)s – %(title)s") % {"number": number, "title": title} for number, title in APPENDICES]


def muted(style: Style) -> Style:
    return style.but(italic=True, color=MUTED)


def total(style: Style) -> Style:
    return style.but(bold=True, fill=GREY_FILL)


def number(value) -> str:
    """1234 -> '1.234' in the active language (for sentences; cells stay numeric)."""
    return formats.number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


def percent(value: Decimal | None) -> str:
    """34.59 -> '34,6%', rounded half up as on every screen (number_format alone truncates)."""
    return pct(value)


def day(value) -> str:
    return value.strftime("%d/%m/%Y")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def as_number(percent_value: Decimal | None) -> float | None:
    """A percent (34.59) as the number a "(%)" cell holds."""
    return None if percent_value is None else float(percent_value)


def yes_no(value: bool) -> str:
    return _("Yes") if value else _("No")


def report_filename(period: ReportingPeriod, *, commune: Identity | None = None) -> str:
    """bao-cao-hoang-hop-2025.xlsx, bao-cao-hoang-hop-2025-h1.xlsx: the commune (the served
    one unless given) and the period, so that a superior body can keep many communes' files
    in one folder."""
    return f"bao-cao-{(commune or identity.current()).slug}-{slugify(period.code)}.xlsx"


def merged_row(text: str, style: Style, widths: list[float], *, height: float | None = None) -> Row:
    """One text across the whole width of the sheet, as tall as its lines."""
    last = len(widths)
    return Row([text] + [None] * (last - 1), style, height or text_height(text, sum(widths), style), [(1, last)])


class DistrictReport(Exporter):
    """The appendices for one period. `write(target)` streams them to a path or file."""

    def __init__(
        self,
        period: ReportingPeriod,
        *,
        reference: documents.Reference | None = None,
        now: datetime | None = None,
        writer_class=None,
    ):
        # writer_class: WorkbookWriter, or the benchmark's unstyled floor.
        self.period = period
        self.now = now or timezone.now()
        self.writer_class = writer_class or WorkbookWriter
        self.commune = identity.current()
        self.reference = reference or reference_for(period, commune=self.commune)
        self.plan = Plan.objects.current()
        self.indicators = progress.plan_indicators(self.plan) if self.plan else []
        self.target_years = sorted({t.year for i in self.indicators for t in i.targets.all()})

    def period_text(self) -> str:
        return _("%(period)s (from %(start)s to %(end)s)") % {
            "period": lower_first(str(self.period)),
            "start": day(self.period.start),
            "end": day(self.period.end),
        }

    def title(self) -> str:
        return _("Appendices to the report on %(period)s") % {"period": lower_first(str(self.period))}

    def creator(self) -> str:
        return self.commune.body

    def write(self, target) -> None:
        """Stream the workbook to a path or a binary file object, in the portal's language."""
        with translation.override(settings.LANGUAGE_CODE):
            super().write(target, writer_class=self.writer_class)

    def sheets(self) -> Iterator[Sheet]:
        commune = progress.commune_progress(self.period, indicators=self.indicators)
        yield self.indicators_sheet(commune)
        # Each sheet's rows are computed when the writer reaches it, after the sheet before.
        yield self.enterprises_sheet(progress.enterprise_rows(self.period))
        yield self.tasks_sheet()
        yield self.data_sheet(progress.enterprise_rows(self.period))

    # --- what every appendix has ---------------------------------------------------------

    def heading_rows(self, index: int, widths) -> list[Row]:
        """The heading of appendix `index` (0 for I): DỰ THẢO when the report may only be a
        draft, "Phụ lục I", its title, the "Kèm theo" line, the period and the time of the
        figures; then a gap. Its length places the header row the printed pages repeat."""
        number, title = APPENDICES[index]
        rows = []
        if self.reference.draft_note:
            # A boxed "DỰ THẢO" over the last columns, as wide as the word needs.
            columns = len(widths)
            first = columns
            while first > 1 and sum(widths[first - 1 :]) < 14:
                first -= 1
            rows.append(
                Row(
                    [None] * (first - 1) + [_("DRAFT")] + [None] * (columns - first),
                    [Style()] * (first - 1) + [DRAFT_BOX] * (columns - first + 1),
                    24,
                    [(first, columns)],
                )
            )
        rows.append(merged_row(appendix_name(number), APPENDIX_NUMBER, widths, height=21))
        rows.append(merged_row(str(title).upper(), APPENDIX_TITLE, widths))
        rows.append(merged_row(documents.attached_line(self.reference), ATTACHED, widths))
        local = timezone.localtime(self.now)
        period_line = "{}. {}.".format(
            _("Reporting period: %(period)s") % {"period": self.period_text()},
            _("Figures as of %(time)s on %(date)s") % {"time": local.strftime("%H:%M"), "date": day(local)},
        )
        rows.append(merged_row(period_line, PERIOD_LINE, widths))
        if self.reference.draft_note:
            rows.append(merged_row(self.reference.draft_note, PERIOD_LINE, widths))
        rows.append(spacer(8))
        return rows

    def closing_rows(self, widths, notes: Iterable[Row] = (), *, last: Row | None = None) -> Iterator[Row]:
        """The notes under the table and the signature of whoever signs the report (from the
        report or the commune's configuration), kept on one printed page with the last note,
        or with `last`, the table's last row, and every note: a signature never stands alone
        on a page."""
        notes = [spacer(6), *notes]
        if last is None:
            # The other notes follow the table wherever the page ends.
            yield from notes[:-1]
            rows = notes[-1:]
        else:
            rows = [last, *notes]
        rows.append(spacer(10))
        rows += signature_rows(
            documents.signature(
                body=self.reference.body,
                signer_title=self.reference.signer_title,
                signer_name=self.reference.signer_name,
            ),
            widths=widths,
        )
        yield from keep_together(rows)

    def appendix(
        self,
        index: int,
        widths,
        rows_after_heading,
        *,
        header_rows: int = 1,
        freeze_column: str = "A",
        repeat_header: bool = True,
    ):
        """Appendix `index` as a sheet: its heading, then `rows_after_heading(header_row)`,
        a generator of the rows from the table's header on; landscape at 100 %, the
        table's header rows repeated on every printed page (unless `repeat_header` is False:
        the table ends on the first)."""
        heading = self.heading_rows(index, widths)
        header = len(heading) + 1
        last_header = header + header_rows - 1

        def rows() -> Iterator[Row]:
            yield from heading
            yield from rows_after_heading(header)

        return Sheet(
            appendix_name(APPENDICES[index][0]),
            widths,
            rows(),
            landscape=True,
            freeze=f"{freeze_column}{last_header + 1}",
            title_rows=(header, last_header) if repeat_header else None,
            margins=LANDSCAPE_MARGINS,
        )

    # --- Phụ lục I: the indicators ---------------------------------------------------------

    def milestone_header(self) -> str:
        if self.period.kind == PeriodKind.HALF_YEAR:
            return _("Mid-year milestone %(year)s (%%)") % {"year": self.period.year}
        return _("Milestone %(year)s (%%)") % {"year": self.period.year}

    def indicators_sheet(self, commune: progress.Progress) -> Sheet:
        years = self.target_years
        # The assessment on one line ("Chưa đạt mục tiêu năm 2025"), so that the table, its
        # notes and the signature share one page.
        widths = [5, SUMMARY_NAME_WIDTH] + [9] * len(years) + [9, 8, 8, 7] + [11] * len(years) + [24]
        table = self.indicator_table(widths, commune)
        # A table of a few indicators ends on the first page: its header is not repeated
        # over the notes and the signature that may follow on the next.
        height = sum(laid_out(row.height) for row in self.heading_rows(0, widths) + table)
        return self.appendix(
            0,
            widths,
            lambda header: self.indicator_rows(widths, commune, table),
            repeat_header=height > page_height(LANDSCAPE_MARGINS, landscape=True),
        )

    def provisional_rows(self, commune: progress.Progress, widths) -> Iterator[Row]:
        """What the assessment is worth: provisional while the period is open (with the
        whole commune's minimum), none with too few approved reports (progress.py's rules)."""
        if commune.provisional:
            yield merged_row(
                _("The reporting period is still open: the figures and assessments are provisional."), NOTE, widths
            )
        if commune.withheld:
            yield merged_row(
                _(
                    "Approved reports cover fewer than half of the enterprises expected to report: "
                    "not enough reports to assess, so no indicator is assessed."
                ),
                NOTE,
                widths,
            )
        if commune.provisional or not commune.completeness.is_complete:
            bound = progress.lower_bound(commune)
            minimums = "; ".join(
                f"{item.code}) {percent(bound.rates.get(item.indicator_id))}" for item in commune.indicators
            )
            yield merged_row(
                _(
                    "Whole commune minimum, counting the enterprises without an approved report as not "
                    "reached (%(workers)s workers in all): %(minimums)s."
                )
                % {"workers": number(bound.workers), "minimums": minimums},
                NOTE,
                widths,
            )

    def indicator_table(self, widths, commune: progress.Progress) -> list[Row]:
        """The header and a row per indicator, each with its height."""
        years = self.target_years
        headers = [_("S/N"), _("Indicator")]
        headers += [_("Target %(year)s (%% of workers)") % {"year": year} for year in years]
        headers += [self.milestone_header(), _("Workers who met it"), _("Total workers"), _("Rate (%)")]
        headers += [_("Workers short of the target %(year)s") % {"year": year} for year in years]
        headers += [_("Assessment")]
        table = [Row(headers, TH, max(text_height(h, w, TH) for h, w in zip(headers, widths, strict=False)))]
        styles = [TD_CENTER, TD] + [TD_PCT] * len(years) + [TD_PCT, TD_INT, TD_INT, TD_PCT]
        styles += [TD_INT] * len(years) + [TD_CENTER]
        for number_, item in enumerate(commune.indicators, start=1):
            values = [number_, f"{item.code}) {item.name}"]
            values += [as_number(item.target(year)) for year in years]
            values += [as_number(item.milestone), item.met, item.total_workers, as_number(item.rate)]
            # The gap as progress.py gives it: workers still to reach at the current workforce.
            values += [item.gap(year) for year in years]
            values += [item.status_label or _("No data")]
            table.append(self.fitted(Row(values, styles), widths))
        return table

    def indicator_rows(self, widths, commune: progress.Progress, table: list[Row]) -> Iterator[Row]:
        yield from table

        done = commune.completeness
        notes = [
            merged_row(
                _(
                    "The figures add up the approved reports of %(approved)s of the %(expected)s enterprises "
                    "expected to report (%(percent)s); reports not yet approved are not counted. Workers at "
                    "these enterprises: %(total)s, of whom %(female)s women."
                )
                % {
                    "approved": number(done.approved),
                    "expected": number(done.expected),
                    "percent": percent(done.percent),
                    "total": number(commune.total_workers),
                    "female": number(commune.female_workers),
                },
                NOTE,
                widths,
            ),
            merged_row(
                _(
                    "Workers short of a target: how many more workers must meet the indicator for the rate "
                    "to reach the target at the current number of workers."
                ),
                NOTE,
                widths,
            ),
            *self.provisional_rows(commune, widths),
        ]
        yield from self.closing_rows(widths, notes)

    # --- Phụ lục II: the enterprises ---------------------------------------------------------

    def enterprise_widths(self) -> list[float]:
        return ENTERPRISE_WIDTHS + ENTERPRISE_INDICATOR_WIDTHS * len(self.indicators)

    def enterprises_sheet(self, rows: list[progress.EnterpriseRow]) -> Sheet:
        widths = self.enterprise_widths()
        return self.appendix(
            1, widths, lambda header: self.enterprise_rows(widths, rows, header), header_rows=2, freeze_column="C"
        )

    def enterprise_rows(self, widths, rows: list[progress.EnterpriseRow], header: int) -> Iterator[Row]:
        indicators = self.indicators
        lead = len(ENTERPRISE_WIDTHS)
        first_indicator = lead + 1
        last = len(widths)
        workers_column = column_letter(lead - 1)  # "Tổng số CNLĐ"
        # Two header rows: the indicator over its two columns, then "met" and "rate".
        top = [
            _("S/N"),
            _("Enterprise name"),
            _("Tax code"),
            _("Report status"),
            _("Submitted late"),
            _("Followed in the period"),
            _("Total workers"),
            _("Female workers"),
        ]
        bottom = [None] * len(top)
        for indicator in indicators:
            top += [f"{indicator.code}) {indicator.name}", None]
            bottom += [_("Met"), _("Rate (%)")]
        # An indicator's name spans its two columns.
        spans = widths[:lead] + [widths[i] + widths[i + 1] for i in range(lead, len(widths), 2) for _k in (0, 1)]
        header_height = max(text_height(h, w, LH) for h, w in zip(top, spans, strict=False) if h)
        # The first columns' headings stand over both header rows. The streaming writer
        # merges cells only within a row, so each is drawn as one box of two cells with
        # no border between them, its heading at the foot of the upper one.
        yield Row(
            top,
            [LH_OVER] * lead + [LH] * (last - lead),
            header_height,
            [(column, column + 1) for column in range(first_indicator, last, 2)],
        )
        yield Row(
            bottom,
            [LH_UNDER] * lead + [LH] * (last - lead),
            max(text_height(h, w, LH) for h, w in zip(bottom, widths, strict=False) if h) if indicators else 18,
        )

        approved = [r for r in rows if r.is_approved]
        others = [r for r in rows if not r.is_approved]
        counted_styles = [LD_CENTER, LD, LD_CENTER, LD, LD_CENTER, LD_CENTER, LD_INT, LD_INT]
        counted_styles += [LD_INT, LD_PCT] * len(indicators)
        muted_styles = [muted(s) for s in counted_styles]

        # Group A below its heading, then its totals (or "None." then the totals).
        first_row = (
            Row(self._enterprise_values(1, approved[0]), counted_styles)
            if approved
            else self.empty_row(_("None."), widths)
        )
        yield self.group_row(
            _("A. Enterprises with an approved report (counted in the commune's figures)"), widths, first_row
        )
        first_data = header + 3
        last_data = first_data + len(approved) - 1
        row = first_data + max(len(approved), 1)
        number_ = 0
        sums = [0] * last  # of each column over group A: the totals' cached results
        for enterprise in approved:
            number_ += 1
            values = self._enterprise_values(number_, enterprise)
            yield Row(values, counted_styles)
            for index in range(lead - 2, len(values)):
                sums[index] += values[index] or 0
        if not approved:
            yield self.empty_row(_("None."), widths)
        # The totals: real formulas over group A, agreeing with Appendix I.
        totals = [
            None,
            _("Total (approved reports)"),
            None,
            _("%(count)s enterprises") % {"count": number(len(approved))},
        ]
        totals += [None, None]
        workers = sums[lead - 2]
        for column in range(lead - 1, last + 1):
            letter = column_letter(column)
            is_rate = column >= first_indicator and (column - first_indicator) % 2 == 1
            if is_rate:
                met = column_letter(column - 1)
                cell = f"{workers_column}{row}"
                totals.append(
                    Formula(
                        f'=IF({cell}=0,"",{met}{row}/{cell}*100)', sums[column - 2] * 100 / workers if workers else ""
                    )
                )
            elif approved:
                totals.append(Formula(f"=SUM({letter}{first_data}:{letter}{last_data})", sums[column - 1]))
            else:
                totals.append(0)
        yield Row(totals, [total(s) for s in counted_styles])

        listed = (Row(self._enterprise_values(number_ + n, r), muted_styles) for n, r in enumerate(others, start=1))
        first_row = next(listed, None) or self.empty_row(_("None."), widths)
        yield self.group_row(
            _("B. Enterprises without an approved report (not counted; by their status alone)"), widths, first_row
        )
        # The last row goes with the note and the signature (closing_rows).
        last_row = first_row
        for enterprise_row in listed:
            yield self.fitted(last_row, widths)
            last_row = enterprise_row
        note = merged_row(
            _(
                "Only the figures of approved reports are shown; they add up in the “Total” row to the "
                "commune's figures in %(appendix)s. Enterprises without an approved report are listed by "
                "their status alone. “Followed in the period”: the commune followed the enterprise during "
                "the period; “No”: it counts only by its report."
            )
            % {"appendix": appendix_name(APPENDICES[0][0])},
            LIST_NOTE,
            widths,
        )
        yield from self.closing_rows(widths, [note], last=self.fitted(last_row, widths))

    def _enterprise_values(self, number_: int, row: progress.EnterpriseRow) -> list:
        """One enterprise: its report's status, whether it came late, whether the commune
        followed it in the period, each a column of its own; figures of an approved report only."""
        if row.status is None:
            values = [number_, row.name, row.tax_code, _("Not reported"), None, yes_no(row.followed)]
        else:
            values = [number_, row.name, row.tax_code, str(STATUS_LABELS[row.status]), yes_no(row.is_late)]
            values.append(yes_no(row.followed))
        if not row.is_approved:
            return values
        values += [row.total_workers, row.female_workers]
        for indicator in self.indicators:
            values += [row.counts.get(indicator.pk), as_number(row.rates.get(indicator.pk))]
        return values

    # --- Phụ lục III: tasks and activities -------------------------------------------------

    def tasks(self):
        tasks = Task.objects.all() if self.plan is None else Task.objects.filter(group__plan=self.plan)
        return list(
            tasks.select_related("group", "lead_unit")
            .prefetch_related("coordinating_units")
            .annotate(
                period_activities=Count(
                    "activities",
                    filter=Q(
                        activities__date__gte=self.period.start,
                        activities__date__lte=self.period.end,
                    ),
                )
            )
            .order_by("group__number", "order", "pk")
        )

    def activities(self):
        """The activities dated within the period."""
        activities = Activity.objects.filter(date__gte=self.period.start, date__lte=self.period.end)
        if self.plan is not None:
            activities = activities.filter(task__group__plan=self.plan)
        return activities

    def tasks_sheet(self) -> Sheet:
        return self.appendix(2, TASK_WIDTHS, lambda header: self.task_rows(header))

    def activity_text(self, activity) -> str:
        details = [activity.place] if activity.place else []
        details.append(_("%(count)s workers reached") % {"count": number(activity.workers_reached or 0)})
        return "{}: {} ({})".format(day(activity.date), activity.title, "; ".join(details))

    def task_rows(self, header: int) -> Iterator[Row]:
        widths = TASK_WIDTHS
        end = self.period.end
        headers = [
            _("Code"),
            _("Task"),
            _("Lead unit"),
            _("Coordinating units"),
            _("Activities held in the period"),
            _("Number of activities"),
            _("Status at the period's end"),
            _("Progress notes at the period's end"),
        ]
        yield Row(headers, LH, max(text_height(h, w, LH) for h, w in zip(headers, widths, strict=False)))
        tasks = self.tasks()
        # As the tasks stood at the period's end, from their history: never what was
        # written after it. A task with no history by then had not started if nothing was
        # done under it by then (as the report says, reports.content), else is unknown.
        states = task_states_at_end_of(tasks, end)
        active = set(
            Activity.objects.filter(task__in=tasks, date__lte=end).values_list("task_id", flat=True).distinct()
        )
        by_task = defaultdict(list)
        for activity in self.activities().order_by("date", "pk").iterator(chunk_size=1000):
            by_task[activity.task_id].append(self.activity_text(activity))

        task_styles = [LD_CENTER, LD, LD, LD, LD, LD_INT, LD_CENTER, LD]
        task_columns = (0, 1, 2, 3, 5, 6, 7)  # every column but the activities'
        first = row = header + 1
        group = None
        for task in tasks:
            new_group = task.group_id != group
            group = task.group_id
            state = states.get(task.pk)
            if state is not None:
                status, notes = str(TASK_STATUS_LABELS.get(state.status, state.status)), state.progress_notes
            elif task.pk not in active:
                status, notes = str(TASK_STATUS_LABELS[TaskStatus.NOT_STARTED]), ""
            else:
                status, notes = "–", ""
            held = by_task.get(task.pk) or [_("None.")]
            units = "; ".join(unit.name for unit in task.coordinating_units.all())
            # One row per activity; the task's cells stand over all of them as one box.
            for index, text in enumerate(held):
                joins = None
                if len(held) > 1:
                    joins = "below" if index == 0 else ("above" if index == len(held) - 1 else "both")
                styles = [s.but(joins=joins) if c in task_columns and joins else s for c, s in enumerate(task_styles)]
                if index == 0:
                    values = [
                        task.code,
                        task.text,
                        task.lead_unit.name if task.lead_unit else "",
                        units,
                        text,
                        task.period_activities,
                        status,
                        notes or None,
                    ]
                else:
                    values = [None, None, None, None, text, None, None, None]
                if new_group and index == 0:
                    # The group's heading stays on the page of its first task.
                    yield self.group_row(f"{task.group.number}. {task.group.title}", widths, Row(values, styles))
                    row += 1
                yield Row(values, styles)
                row += 1
        if not tasks:
            yield self.empty_row(_("None."), widths)
        activities = sum(task.period_activities for task in tasks)
        totals = [
            None,
            _("Total (tasks)"),
            None,
            None,
            None,
            Formula(f"=SUM(F{first}:F{row - 1})", activities) if tasks else 0,
            None,
            None,
        ]
        note = merged_row(
            _(
                "Status and progress notes as recorded by the end of %(end)s (“–”: no status recorded by "
                "then); only the activities dated within the period are listed."
            )
            % {"end": day(end)},
            LIST_NOTE,
            widths,
        )
        yield from self.closing_rows(
            widths, [note], last=self.fitted(Row(totals, [total(s) for s in task_styles]), widths)
        )

    # --- Dữ liệu ---------------------------------------------------------------------

    def data_sheet(self, rows: list[progress.EnterpriseRow]) -> Sheet:
        return data_sheet(self.data_rows(rows))

    def data_rows(self, rows: list[progress.EnterpriseRow]) -> Iterator[Row]:
        return data_rows(self.commune.code, self.commune.place, self.period, self.indicators, rows)

    # --- shared pieces of the list sheets ---------------------------------------------

    def group_row(self, text: str, widths, first: Row | None = None) -> Row:
        """A group's heading across the table, kept on the page of the group's first row."""
        row = merged_row(text, LD_GROUP, widths)
        if first is None:
            return row
        return row._replace(keep=row.height + self.fitted(first, widths).height)

    @staticmethod
    def fitted(row: Row, widths) -> Row:
        """The row with its height given (for a block kept on one page)."""
        if row.height:
            return row
        return row._replace(height=fit_height(row.values, row.styles, widths))

    def empty_row(self, text: str, widths) -> Row:
        last = len(widths)
        return Row([text] + [None] * (last - 1), muted(LD), text_height(text, sum(widths), LD), [(1, last)])


def data_sheet(rows: Iterable[Row]) -> Sheet:
    """One row per enterprise and indicator under stable ASCII keys, no title and no merged
    cell, so that a superior body can stack many communes' files into one table (`rows`:
    `data_rows` of one commune, or of every commune for the province's workbook)."""
    return Sheet(
        _("Data"),
        [8, 14, 8, 14, 40, 18, 9, 10, 11, 9, 9],
        itertools.chain([Row(DATA_KEYS, DATA_HEAD, DATA_HEIGHT)], rows),
        landscape=True,
        freeze="A2",
        margins=LANDSCAPE_MARGINS,
        # Data to stack, not to read on paper: if printed at all, one page wide.
        fit_width=True,
        # A row per enterprise and indicator: 250,000 for a province (core.xlsx_writing).
        streamed=True,
    )


def data_rows(
    code: str, place: str, period: ReportingPeriod, indicators: list, rows: Iterable[progress.EnterpriseRow]
) -> Iterator[Row]:
    """The data sheet's rows of one commune (`code`, `place`) for a period: figures only from
    approved reports; other reports by their status alone."""
    lead = [code, place, period.code]
    for row in rows:
        approved = row.status == ReportStatus.APPROVED
        values = [
            *lead,
            row.tax_code,
            row.name,
            row.status or NOT_REPORTED,
            None if row.status is None else int(row.is_late),
            row.total_workers if approved else None,
            row.female_workers if approved else None,
        ]
        for indicator in indicators:
            yield Row(
                [*values, indicator.code, row.counts.get(indicator.pk, 0) if approved else None],
                DATA_STYLES,
                DATA_HEIGHT,
            )


def reference_for(period: ReportingPeriod, *, commune: Identity | None = None) -> documents.Reference:
    """The report a period's appendices are attached to (appendix_reference), or blanks for
    the office to fill in and the commune's chair as the signer (of `commune`, the served
    commune's identity, read when not given)."""
    commune = commune or identity.current()
    for _receiver, answer in appendix_reference.send(DistrictReport, period=period, commune=commune):
        if answer is not None:
            return answer
    leader = commune.leaders[0] if commune.leaders else None
    return documents.Reference(
        body=commune.body,
        signer_title=leader.title if leader else "",
        signer_name=leader.name if leader else "",
    )


def write_district_report(
    period: ReportingPeriod, target, *, reference: documents.Reference | None = None, now: datetime | None = None
) -> None:
    """Stream the period's appendices to a path or a binary file object."""
    DistrictReport(period, reference=reference, now=now).write(target)
