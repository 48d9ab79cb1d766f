"""The district report workbook for one period: its four sheets, row by row, from indicators.progress.

`DistrictReport` only yields sheets and rows (Tổng hợp, Doanh nghiệp, Nhiệm vụ, Hoạt động);
core.xlsx_writing writes them, and indicators.progress alone computes the figures, so the
workbook shows the same numbers as the dashboards and the API.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Prefetch, Q, Sum
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import documents, identity
from core.templatetags.portal import pct
from core.xlsx_writing import (
    LANDSCAPE_MARGINS,
    Exporter,
    Formula,
    Row,
    Sheet,
    Style,
    WorkbookWriter,
    closing_rows,
    column_letter,
    header_rows,
    spacer,
    text_height,
)
from enterprises.models import Enterprise
from plans.models import Activity, Plan, Task, TaskStatus

from . import progress
from .models import PeriodKind, ReportingPeriod, ReportStatus

# The report page (Tổng hợp).
TITLE = Style(size=14, bold=True, align="center")
SUBTITLE = Style(size=13, bold=True, align="center")
CENTERED = Style(size=13, align="center")
PARAGRAPH = Style(size=13, align="justify", valign="top")
NOTE = Style(size=12, italic=True, align="justify", valign="top")
SECTION = Style(size=13, bold=True, valign="bottom")
TH = Style(size=12, bold=True, align="center", border=True)
TD = Style(size=12, border=True)
TD_CENTER = TD.but(align="center")
TD_INT = TD.but(align="right", number_format="#,##0")
TD_PCT = TD.but(align="right", number_format="0.0%")

# The list sheets: smaller type, a light header fill; rows not counted are grey and italic.
GREY_FILL = "F2F2F2"
MUTED = "7F7F7F"
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

# Where the rows of the list sheets are, known before they are written (the frozen panes,
# the printed title rows and the totals' formulas refer to them): LIST_TITLE_ROWS title
# rows and a spacer, then the column headers on row LIST_HEADER; "Doanh nghiệp" has a
# note between the titles and the spacer, and two header rows from ENTERPRISE_HEADER.
LIST_TITLE_ROWS = 3
LIST_HEADER = LIST_TITLE_ROWS + 2
ENTERPRISE_HEADER = LIST_TITLE_ROWS + 3
TASK_WIDTHS = [5, 50, 18, 24, 13, 9, 28]
ACTIVITY_WIDTHS = [5, 10, 7, 34, 18, 20, 32, 9]

STATUS_LABELS = dict(ReportStatus.choices)

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
MAX_ENTERPRISES_LISTED = 20  # per activity; a commune-wide event names the rest as a count


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


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def fraction(percent_value: Decimal | None) -> float | None:
    """A percent (34.59) as the fraction a percent-formatted cell holds (0.3459)."""
    return None if percent_value is None else float(percent_value) / 100


def enterprise_list(enterprises: Iterable) -> str:
    names = [enterprise.name for enterprise in enterprises]
    if len(names) <= MAX_ENTERPRISES_LISTED:
        return "; ".join(names)
    return _("%(names)s and %(count)s more") % {
        "names": "; ".join(names[:MAX_ENTERPRISES_LISTED]),
        "count": number(len(names) - MAX_ENTERPRISES_LISTED),
    }


def report_filename(period: ReportingPeriod) -> str:
    """bao-cao-hoang-hop-2025.xlsx, bao-cao-hoang-hop-2025-h1.xlsx: the commune and the period,
    so that a superior body can keep many communes' files in one folder."""
    return f"bao-cao-{identity.commune().slug}-{slugify(period.code)}.xlsx"


def merged_row(text: str, style: Style, widths: list[float], *, height: float | None = None) -> Row:
    """One text across the whole width of the sheet, as tall as its lines."""
    last = len(widths)
    return Row([text] + [None] * (last - 1), style, height or text_height(text, sum(widths), style), [(1, last)])


class DistrictReport(Exporter):
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
            "period": lower_first(str(self.period)),
            "start": day(self.period.start),
            "end": day(self.period.end),
        }

    def attached_to(self) -> str:
        return _("(Attached to report No.      /BC-UBND of %(date)s of the %(body)s)") % {
            "date": day(self.today),
            "body": self.body,
        }

    def title(self) -> str:
        if self.plan:
            return _("Results of %(plan)s for the period %(period)s") % {
                "plan": lower_first(self.plan.title),
                "period": lower_first(str(self.period)),
            }
        return _("Results of lifelong learning among workers for the period %(period)s") % {
            "period": lower_first(str(self.period)),
        }

    def creator(self) -> str:
        return self.body

    def write(self, target) -> None:
        """Stream the workbook to a path or a binary file object, in the portal's language."""
        with translation.override(settings.LANGUAGE_CODE):
            super().write(target, writer_class=self.writer_class)

    def sheets(self) -> Iterator[Sheet]:
        tasks = self.tasks()
        activity_totals = self.activities().aggregate(count=Count("pk"), workers=Sum("workers_reached"))
        commune = progress.commune_progress(self.period, indicators=self.indicators)
        yield self.summary_sheet(commune, tasks, activity_totals)
        # Each sheet's rows are computed when the writer reaches it, after the sheet before.
        yield self.enterprises_sheet(progress.enterprise_rows(self.period))
        yield self.tasks_sheet(tasks)
        yield self.activities_sheet()
        yield self.data_sheet(progress.enterprise_rows(self.period))

    # --- Tổng hợp ------------------------------------------------------------------

    def milestone_header(self) -> str:
        if self.period.kind == PeriodKind.HALF_YEAR:
            return _("Mid-year milestone %(year)s (%%)") % {"year": self.period.year}
        return _("Milestone %(year)s (%%)") % {"year": self.period.year}

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

    def summary_sheet(self, commune: progress.Progress, tasks, activity_totals) -> Sheet:
        widths = [5, 22] + [9] * len(self.target_years) + [9, 9, 9, 8, 12]
        # No page number: Decree 30/2020 numbers pages from the second on, and XlsxWriter
        # cannot leave out the first page's header alone; the report itself takes one
        # page, and the list sheets after it carry the numbers.
        return Sheet(
            _("Commune summary"), widths, self.summary_rows(widths, commune, tasks, activity_totals), numbered=False
        )

    def summary_rows(self, widths, commune: progress.Progress, tasks, activity_totals) -> Iterator[Row]:
        years = self.target_years
        yield from header_rows(
            documents.header_block(body=self.body, place=self.commune, when=self.today),
            columns=len(widths),
        )
        yield spacer(12)
        yield merged_row(_("REPORT"), TITLE, widths, height=20)
        yield merged_row(self.title(), SUBTITLE, widths)
        yield merged_row(_("To: %(addressee)s") % {"addressee": settings.PORTAL_REPORT_ADDRESSEE}, CENTERED, widths)
        yield spacer(8)
        yield merged_row(
            _("The %(body)s reports the results for %(period)s as follows:")
            % {
                "body": self.body,
                "period": self.period_text(),
            },
            PARAGRAPH,
            widths,
        )
        yield merged_row(_("1. Results against the indicators"), SECTION, widths, height=24)

        headers = [_("S/N"), _("Indicator")]
        headers += [_("Target %(year)s (%% of workers)") % {"year": year} for year in years]
        headers += [self.milestone_header(), _("Workers who met it"), _("Total workers"), _("Rate (%)")]
        headers += [_("Assessment")]
        yield Row(headers, TH, max(text_height(h, w, TH) for h, w in zip(headers, widths, strict=False)))
        styles = [TD_CENTER, TD] + [TD_PCT] * len(years) + [TD_PCT, TD_INT, TD_INT, TD_PCT, TD_CENTER]
        for number_, item in enumerate(commune.indicators, start=1):
            values = [number_, f"{item.code}) {item.name}"]
            values += [fraction(item.target(year)) for year in years]
            values += [
                fraction(item.milestone),
                item.met,
                item.total_workers,
                fraction(item.rate),
                item.status_label or _("No data"),
            ]
            yield Row(values, styles)

        done = commune.completeness
        yield merged_row(
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
        )
        yield from self.provisional_rows(commune, widths)
        yield merged_row(_("2. Tasks and activities"), SECTION, widths, height=24)
        by_status = Counter(task.status for task in tasks)
        held = activity_totals["count"] or 0
        yield merged_row(
            (
                _(
                    "In the period, %(activities)s activities were held under the plan, reaching workers "
                    "%(workers)s times. Of the plan's %(tasks)s tasks: %(statuses)s. Details by enterprise, "
                    "task and activity are in the sheets “%(enterprises_sheet)s”, “%(tasks_sheet)s” and "
                    "“%(activities_sheet)s”."
                )
                if held
                else _(
                    "In the period, no activity was held under the plan. Of the plan's %(tasks)s tasks: "
                    "%(statuses)s. Details by enterprise and task are in the sheets “%(enterprises_sheet)s” "
                    "and “%(tasks_sheet)s”."
                )
            )
            % {
                "activities": number(held),
                "workers": number(activity_totals["workers"] or 0),
                "tasks": number(len(tasks)),
                "statuses": "; ".join(
                    f"{number(by_status[status])} {label.lower()}"
                    for status, label in TaskStatus.choices
                    if by_status[status]
                )
                or "–",
                "enterprises_sheet": _("Enterprise figures"),
                "tasks_sheet": _("Plan tasks"),
                "activities_sheet": _("Period activities"),
            },
            PARAGRAPH,
            widths,
        )
        yield merged_row(
            _("The above is the report of the %(body)s on the results for %(period)s./.")
            % {
                "body": self.body,
                "period": lower_first(str(self.period)),
            },
            PARAGRAPH,
            widths,
        )
        yield spacer(10)
        yield from closing_rows(
            documents.recipients(addressee=settings.PORTAL_REPORT_ADDRESSEE, superior=settings.PORTAL_SUPERIOR_BODY),
            documents.signature(
                body=self.body,
                signer_title=self.plan.signer_title if self.plan else "",
                signer_name=self.plan.signer_name if self.plan else "",
            ),
            widths=widths,
        )

    # --- Doanh nghiệp -----------------------------------------------------------

    def enterprises_sheet(self, rows: list[progress.EnterpriseRow]) -> Sheet:
        widths = [5, 30, 12, 14, 8, 8] + [8, 7] * len(self.indicators)
        return Sheet(
            _("Enterprise figures"),
            widths,
            self.enterprise_rows(widths, rows),
            landscape=True,
            freeze=f"C{ENTERPRISE_HEADER + 2}",
            title_rows=(ENTERPRISE_HEADER, ENTERPRISE_HEADER + 1),
            margins=LANDSCAPE_MARGINS,
        )

    def enterprise_rows(self, widths, rows: list[progress.EnterpriseRow]) -> Iterator[Row]:
        indicators = self.indicators
        first_indicator = 7
        last = len(widths)
        full = sum(widths)
        yield from self.list_title_rows(_("RESULTS AGAINST THE INDICATORS BY ENTERPRISE"), widths)
        note = _(
            "Note: the “Total” row adds up only the approved reports (group A), so it agrees with the "
            "commune's figures in the sheet “%(summary)s”. Enterprises without an approved report "
            "(group B) are listed in grey italics and not counted: the figures of a report submitted "
            "and awaiting approval are shown, those of a draft or of a report returned for "
            "correction are not."
        ) % {"summary": _("Commune summary")}
        yield merged_row(note, LIST_NOTE, widths, height=text_height(note, full, LIST_NOTE))
        yield spacer(6)

        # Two header rows (ENTERPRISE_HEADER and the next): the indicator over its two
        # columns, then "met" and "rate".
        top = [
            _("S/N"),
            _("Enterprise name"),
            _("Tax code"),
            _("Report status"),
            _("Total workers"),
            _("Female workers"),
        ]
        bottom = [None] * len(top)
        for indicator in indicators:
            top += [f"{indicator.code}) {indicator.name}", None]
            bottom += [_("Workers who met it"), _("Rate (%)")]
        # An indicator's name spans its two columns.
        spans = widths[: first_indicator - 1] + [
            widths[i] + widths[i + 1] for i in range(first_indicator - 1, len(widths), 2) for _k in (0, 1)
        ]
        header_height = max(text_height(h, w, LH) for h, w in zip(top, spans, strict=False) if h)
        # The first columns' headings stand over both header rows. The streaming writer
        # merges cells only within a row, so each is drawn as one box of two cells with
        # no border between them, its heading at the foot of the upper one.
        lead = first_indicator - 1
        yield Row(
            top,
            [LH_OVER] * lead + [LH] * (last - lead),
            header_height,
            [(column, column + 1) for column in range(first_indicator, last, 2)],
        )
        yield Row(
            bottom, [LH_UNDER] * lead + [LH] * (last - lead), text_height(_("Workers who met it"), widths[-2], LH)
        )

        approved = [r for r in rows if r.status == ReportStatus.APPROVED]
        others = [r for r in rows if r.status != ReportStatus.APPROVED]
        counted_styles = [LD_CENTER, LD, LD_CENTER, LD, LD_INT, LD_INT] + [LD_INT, LD_PCT] * len(indicators)
        muted_styles = [muted(s) for s in counted_styles]

        yield self.group_row(_("A. Enterprises with an approved report (counted in the commune's figures)"), widths)
        # Group A below its heading, then its totals (or "None." then the totals).
        first_data = ENTERPRISE_HEADER + 3
        last_data = first_data + len(approved) - 1
        row = first_data + max(len(approved), 1)
        number_ = 0
        sums = [0] * last  # of each column over group A: the totals' cached results
        for enterprise in approved:
            number_ += 1
            values = self._enterprise_values(number_, enterprise)
            yield Row(values, counted_styles)
            for index in range(4, len(values)):
                sums[index] += values[index] or 0
        if not approved:
            yield self.empty_row(_("None."), widths)
        # The totals: real formulas over group A, agreeing with "Tổng hợp".
        totals = [
            None,
            _("Total (approved reports)"),
            None,
            _("%(count)s enterprises") % {"count": number(len(approved))},
        ]
        workers = sums[4]
        for column in range(5, last + 1):
            letter = column_letter(column)
            is_rate = column >= first_indicator and (column - first_indicator) % 2 == 1
            if is_rate:
                met = column_letter(column - 1)
                totals.append(
                    Formula(
                        f'=IF(E{row}=0,"",{met}{row}/E{row})',
                        sums[column - 2] / workers if workers else "",
                    )
                )
            elif approved:
                totals.append(Formula(f"=SUM({letter}{first_data}:{letter}{last_data})", sums[column - 1]))
            else:
                totals.append(0)
        yield Row(totals, [total(s) for s in counted_styles])

        yield self.group_row(_("B. Enterprises without an approved report (not counted)"), widths)
        for enterprise in others:
            number_ += 1
            yield Row(self._enterprise_values(number_, enterprise), muted_styles)
        if not others:
            yield self.empty_row(_("None."), widths)

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
        if not row.figures_shown:
            # A draft is the enterprise's unfinished work, a returned report's figures were
            # sent back: neither is shown to the district (as on the dashboard's table).
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

    def tasks_sheet(self, tasks) -> Sheet:
        return Sheet(
            _("Plan tasks"),
            TASK_WIDTHS,
            self.task_rows(tasks),
            landscape=True,
            freeze=f"A{LIST_HEADER + 1}",
            title_rows=(LIST_HEADER, LIST_HEADER),
            margins=LANDSCAPE_MARGINS,
        )

    def task_rows(self, tasks) -> Iterator[Row]:
        widths = TASK_WIDTHS
        yield from self.list_title_rows(_("PROGRESS OF THE PLAN'S TASKS"), widths)
        yield spacer(6)
        headers = [
            _("Code"),
            _("Task"),
            _("Lead unit"),
            _("Coordinating units"),
            _("Status"),
            _("Activities in the period"),
            _("Progress notes"),
        ]
        yield Row(headers, LH, max(text_height(h, w, LH) for h, w in zip(headers, widths, strict=False)))
        styles = [LD_CENTER, LD, LD, LD, LD_CENTER, LD_INT, LD]
        first = row = LIST_HEADER + 1  # the row being written
        group = None
        for task in tasks:
            if task.group_id != group:
                group = task.group_id
                yield self.group_row(f"{task.group.number}. {task.group.title}", widths)
                row += 1
            units = "; ".join(unit.name for unit in task.coordinating_units.all())
            yield Row(
                [
                    task.code,
                    task.text,
                    task.lead_unit.name if task.lead_unit else "",
                    units,
                    str(task.get_status_display()),
                    task.period_activities,
                    task.progress_notes,
                ],
                styles,
            )
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
        ]
        yield Row(totals, [total(s) for s in styles])

    # --- Hoạt động -----------------------------------------------------------------

    def activities(self):
        activities = Activity.objects.filter(date__gte=self.period.start, date__lte=self.period.end)
        if self.plan is not None:
            activities = activities.filter(task__group__plan=self.plan)
        return activities

    def activities_sheet(self) -> Sheet:
        return Sheet(
            _("Period activities"),
            ACTIVITY_WIDTHS,
            self.activity_rows(),
            landscape=True,
            freeze=f"A{LIST_HEADER + 1}",
            title_rows=(LIST_HEADER, LIST_HEADER),
            margins=LANDSCAPE_MARGINS,
        )

    def activity_rows(self) -> Iterator[Row]:
        widths = ACTIVITY_WIDTHS
        yield from self.list_title_rows(_("ACTIVITIES HELD IN THE PERIOD"), widths)
        yield spacer(6)
        headers = [
            _("S/N"),
            _("Date"),
            _("Task"),
            _("Activity"),
            _("Place"),
            _("Organiser"),
            _("Enterprises involved"),
            _("Workers reached"),
        ]
        yield Row(headers, LH, max(text_height(h, w, LH) for h, w in zip(headers, widths, strict=False)))
        styles = [LD_CENTER, LD_DATE, LD_CENTER, LD, LD, LD, LD, LD_INT]
        activities = (
            self.activities()
            .select_related("task__group")
            .prefetch_related(Prefetch("enterprises", queryset=Enterprise.objects.only("name").order_by("name", "pk")))
            .order_by("date", "pk")
        )
        first = LIST_HEADER + 1
        count = reached = 0
        # In chunks, so that a long list never sits in memory whole.
        for count, activity in enumerate(activities.iterator(chunk_size=1000), start=1):
            reached += activity.workers_reached or 0
            yield Row(
                [
                    count,
                    activity.date,
                    activity.task.code,
                    activity.title,
                    activity.place,
                    activity.organiser,
                    enterprise_list(activity.enterprises.all()),
                    activity.workers_reached,
                ],
                styles,
            )
        if not count:
            yield self.empty_row(_("No activity was recorded in this period."), widths)
        totals = [
            None,
            None,
            None,
            _("Total (attendances)"),
            None,
            None,
            None,
            Formula(f"=SUM(H{first}:H{LIST_HEADER + count})", reached) if count else 0,
        ]
        yield Row(totals, [total(s) for s in styles])

    # --- Dữ liệu ---------------------------------------------------------------------

    def data_sheet(self, rows: list[progress.EnterpriseRow]) -> Sheet:
        """One row per enterprise and indicator under stable ASCII keys, no title and no merged
        cell, so that a superior body can stack many communes' files into one table. Figures
        only from approved reports; other reports by their status alone."""
        return Sheet(
            _("Data"),
            [8, 14, 8, 14, 40, 18, 9, 10, 11, 9, 9],
            self.data_rows(rows),
            landscape=True,
            freeze="A2",
            margins=LANDSCAPE_MARGINS,
        )

    def data_rows(self, rows: list[progress.EnterpriseRow]) -> Iterator[Row]:
        yield Row(DATA_KEYS, DATA_HEAD, DATA_HEIGHT)
        commune = identity.commune()
        lead = [commune.code, commune.place, self.period.code]
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
            for indicator in self.indicators:
                yield Row(
                    [*values, indicator.code, row.counts.get(indicator.pk, 0) if approved else None],
                    DATA_STYLES,
                    DATA_HEIGHT,
                )

    # --- shared pieces of the list sheets ---------------------------------------------

    def list_title_rows(self, heading: str, widths) -> Iterator[Row]:
        """The LIST_TITLE_ROWS rows that open a list sheet."""
        yield merged_row(heading, LIST_TITLE, widths)
        yield merged_row(_("Reporting period: %(period)s") % {"period": self.period_text()}, LIST_SUBTITLE, widths)
        yield merged_row(self.attached_to(), LIST_SUBTITLE, widths)

    def group_row(self, text: str, widths) -> Row:
        return merged_row(text, LD_GROUP, widths)

    def empty_row(self, text: str, widths) -> Row:
        last = len(widths)
        return Row([text] + [None] * (last - 1), muted(LD), None, [(1, last)])


def write_district_report(period: ReportingPeriod, target, *, today: date | None = None) -> None:
    """Stream the district report for a period to a path or a binary file object."""
    DistrictReport(period, today=today).write(target)
