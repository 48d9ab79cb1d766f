"""Arranging the figures of `indicators.progress` for the dashboards' templates.

Nothing here counts or sums: every figure comes from `indicators.progress`,
which reads the database in a fixed number of aggregate queries. This module
only picks, orders and labels those results (which status word and icon goes
with a rate, which enterprises have no approved report yet, which rows the table shows)
so that the templates stay free of logic and the view stays thin.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.badges import Badge
from indicators import progress
from indicators.badges import NO_REPORT, REPORT_BADGES, report_badge
from indicators.models import Outstanding, PeriodKind, ReportingPeriod, ReportStatus

# The commune table on the dashboard shows every enterprise of a commune-sized
# commune; above this many, only the ones furthest behind (the full list has
# its own paginated page). Keeps the page light at province scale.
TABLE_LIMIT = 30
# Names listed per group of unapproved or late enterprises before "and N more".
LIST_LIMIT = 30
# Rows per page of the full enterprise table.
PAGE_SIZE = 100


PROGRESS_BADGES = {
    progress.ACHIEVED: Badge(
        progress.ACHIEVED, progress.STATUS_LABELS[progress.ACHIEVED], "bi-check-circle-fill", "success"
    ),
    progress.ON_TRACK: Badge(
        progress.ON_TRACK, progress.STATUS_LABELS[progress.ON_TRACK], "bi-arrow-up-right-circle-fill", "primary"
    ),
    progress.BEHIND: Badge(
        progress.BEHIND, progress.STATUS_LABELS[progress.BEHIND], "bi-exclamation-triangle-fill", "danger"
    ),
    progress.MISSED: Badge(progress.MISSED, progress.STATUS_LABELS[progress.MISSED], "bi-x-circle-fill", "danger"),
}
NO_DATA = Badge("none", _("No data"), "bi-dash-circle", "secondary")
WITHHELD = Badge(progress.WITHHELD, progress.WITHHELD_LABEL, "bi-hourglass-split", "secondary")

# Why an enterprise has no approved report yet, in the order the official acts on them.
UNAPPROVED_GROUPS = [
    (ReportStatus.SUBMITTED, _("Submitted, awaiting approval")),
    (ReportStatus.RETURNED, _("Returned for correction")),
    (ReportStatus.DRAFT, _("Draft, not yet submitted")),
    (NO_REPORT, _("Nothing entered yet")),
]

TABLE_FILTERS = [
    ("all", _("All")),
    (Outstanding.UNAPPROVED, Outstanding.UNAPPROVED.label),
    (ReportStatus.APPROVED, ReportStatus.APPROVED.label),
    (ReportStatus.SUBMITTED, ReportStatus.SUBMITTED.label),
    (ReportStatus.RETURNED, ReportStatus.RETURNED.label),
    (ReportStatus.DRAFT, ReportStatus.DRAFT.label),
    (NO_REPORT, _("No report")),
    ("late", pgettext_lazy("dashboard", "Late")),
]


def progress_badge(status: str | None) -> Badge:
    return PROGRESS_BADGES.get(status, NO_DATA)


def indicator_badge(item: progress.IndicatorProgress) -> Badge:
    """An indicator's status for the period in words: with its target year when missed,
    "tạm tính" while the period is open, or why there is none."""
    if item.withheld:
        return WITHHELD
    badge = progress_badge(item.status)
    if item.status is None:
        return badge
    return Badge(badge.code, item.status_label, badge.icon, badge.tone)


def legend(result: progress.Progress) -> list[Badge]:
    """The statuses a rate cell can show in this period: "missed" only in a target year's
    annual period (where "behind" cannot be), "behind" in the others."""
    if not any(item.final for item in result.indicators):
        return [PROGRESS_BADGES[status] for status in (progress.ACHIEVED, progress.ON_TRACK, progress.BEHIND)]
    missed = PROGRESS_BADGES[progress.MISSED]
    label = progress.status_text(progress.MISSED, year=result.period.year)
    return [PROGRESS_BADGES[progress.ACHIEVED], Badge(missed.code, label, missed.icon, missed.tone)]


def milestone_label(period: ReportingPeriod) -> str:
    """What the period's milestone is called: the year's, or the mid-year one."""
    if period.kind == PeriodKind.HALF_YEAR:
        return str(pgettext_lazy("dashboard", "Mid-year milestone %(year)s") % {"year": period.year})
    return str(pgettext_lazy("dashboard", "Milestone %(year)s") % {"year": period.year})


def short_label(period: ReportingPeriod) -> str:
    """A period's name short enough for a chart axis on a phone."""
    if period.kind == PeriodKind.HALF_YEAR:
        return str(_("First half %(year)s") % {"year": period.year})
    return str(_("Full year %(year)s") % {"year": period.year})


# --- which period ---------------------------------------------------------------


def default_period(periods: list[ReportingPeriod], today: datetime.date) -> ReportingPeriod | None:
    """The latest period with approved reports, else the latest open one, else the
    latest one already started (or the first, before the plan begins)."""
    chosen = progress.latest_period_with_approved_reports()
    if chosen is not None:
        return chosen
    open_periods = [p for p in periods if p.is_open]
    if open_periods:
        return max(open_periods, key=lambda p: p.end)
    started = [p for p in periods if p.start <= today]
    if started:
        return max(started, key=lambda p: p.end)
    return periods[0] if periods else None


# --- the commune dashboard ----------------------------------------------------------


@dataclass(frozen=True)
class Card:
    item: progress.IndicatorProgress
    badge: Badge
    lower_rate: Decimal | None  # the whole commune's lower bound for this indicator


@dataclass(frozen=True)
class Cell:
    indicator_code: str
    rate: Decimal | None
    badge: Badge | None  # against the period's milestone and phase target


@dataclass(frozen=True)
class TableRow:
    row: progress.EnterpriseRow
    report: Badge
    cells: list[Cell]


@dataclass(frozen=True)
class UnapprovedGroup:
    badge: Badge
    title: str
    rows: list[progress.Named]
    count: int
    overdue: bool  # never submitted (a draft or no report) and the deadline has passed

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass(frozen=True)
class TrendRow:
    label: str
    rate: Decimal | None
    milestone: Decimal | None
    approved: int
    expected: int


@dataclass(frozen=True)
class Trend:
    code: str
    name: str
    targets: tuple[progress.TargetGap, ...]
    rows: list[TrendRow]


def cards(result: progress.Progress, bound: progress.LowerBound | None) -> list[Card]:
    return [
        Card(
            item=item,
            badge=indicator_badge(item),
            lower_rate=bound.rates.get(item.indicator_id) if bound else None,
        )
        for item in result.indicators
    ]


def shown_rates(row: progress.EnterpriseRow) -> dict[int, Decimal | None]:
    """The rates the commune's tables show for a row: a submitted or approved report's, none
    of a draft's or a returned report's (EnterpriseRow.figures_shown, as in the export)."""
    return row.rates if row.figures_shown else {}


def table_rows(result: progress.Progress, rows: Iterable[progress.EnterpriseRow]) -> list[TableRow]:
    """Each enterprise's rates, an approved report's judged against the commune's milestone
    and phase target for the period (the same yardstick for every enterprise); a submitted
    one's shown greyed and not judged, as the commune has not approved them; a draft's or a
    returned one's not shown. Shape only the rows shown: at province scale that is a page,
    not thousands."""
    shaped = []
    for row in rows:
        cells = []
        rates = shown_rates(row)
        for item in result.indicators:
            rate = rates.get(item.indicator_id)
            status = item.judge(rate) if row.is_approved else None
            cells.append(Cell(item.code, rate, progress_badge(status) if status else None))
        shaped.append(TableRow(row, report_badge(row.status), cells))
    return shaped


def unapproved_groups(listings: dict[str | None, progress.Listing], *, deadline_passed: bool) -> list[UnapprovedGroup]:
    """The enterprises that count in the period without an approved report, by how far
    their report got (progress.listings)."""
    groups = []
    for status, title in UNAPPROVED_GROUPS:
        listing = listings[None if status == NO_REPORT else status]
        if listing.count:
            overdue = deadline_passed and status in (ReportStatus.DRAFT, NO_REPORT)
            groups.append(UnapprovedGroup(report_badge(status), title, listing.names, listing.count, overdue))
    return groups


def table_filter(period: ReportingPeriod, show: str):
    """The filter on enterprises of one of TABLE_FILTERS (None: all of them)."""
    if show == Outstanding.UNAPPROVED:
        return Outstanding.UNAPPROVED.of(period)
    if show == "late":
        return progress.with_report(period, late=True)
    if show == NO_REPORT:
        return Outstanding.UNREPORTED.of(period)
    if show in REPORT_BADGES:
        return progress.with_report(period, status=show)
    return None


def table_order(result: progress.Progress, key: str) -> tuple:
    """By name (default) or by one indicator's rate ("b" ascending, "-b" descending);
    enterprises without a rate always come last, by name."""
    item = result.indicator(key.lstrip("-"))
    if item is None:
        return ("name", "pk")
    return progress.rate_order(result.period, item.indicator_id, descending=key.startswith("-"))


def trends(series: list[progress.Progress], result: progress.Progress) -> list[Trend]:
    """Per indicator, its rate and milestone in every period (the table under each chart)."""
    trend_list = []
    for position, item in enumerate(result.indicators):
        rows = []
        for point in series:
            same = point.indicators[position] if position < len(point.indicators) else None
            rows.append(
                TrendRow(
                    label=str(point.period),
                    rate=same.rate if same else None,
                    milestone=same.milestone if same else None,
                    approved=point.completeness.approved,
                    expected=point.completeness.expected,
                )
            )
        trend_list.append(Trend(item.code, item.name, item.targets, rows))
    return trend_list


def _number(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 2)


def chart_data(trend_list: list[Trend], selected: ReportingPeriod, series: list[progress.Progress]) -> dict:
    """What static/js/dashboard.js draws, passed through json_script (numbers, not text)."""
    return {
        "labels": [short_label(point.period) for point in series],
        "selected": next((i for i, p in enumerate(series) if p.period.pk == selected.pk), None),
        "text": {
            "rate": str(pgettext_lazy("dashboard", "Rate")),
            "milestone": str(pgettext_lazy("dashboard", "Milestone")),
            "target": str(pgettext_lazy("dashboard", "Target %(year)s")),
        },
        "indicators": [
            {
                "code": trend.code,
                "name": trend.name,
                "rates": [_number(row.rate) for row in trend.rows],
                "milestones": [_number(row.milestone) for row in trend.rows],
                "targets": [{"year": t.year, "value": _number(t.target)} for t in trend.targets],
            }
            for trend in trend_list
        ],
    }


TASK_ICONS = {
    "not_started": ("bi-circle", "secondary"),
    "in_progress": ("bi-play-circle", "primary"),
    "ongoing": ("bi-arrow-repeat", "info"),
    "done": ("bi-check-circle-fill", "success"),
}


def task_badges(statuses: Iterable[tuple[str, str]]) -> list[Badge]:
    """One badge per task status (the choices of plans.TaskStatus), in their order."""
    return [Badge(value, label, *TASK_ICONS.get(value, ("bi-circle", "secondary"))) for value, label in statuses]


@dataclass(frozen=True)
class TaskGroupProgress:
    number: int
    title: str
    counts: list[tuple[Badge, int]]
    total: int


def task_groups(rows: Iterable[dict], badges: list[Badge]) -> list[TaskGroupProgress]:
    """Arrange the rows of one values(group, status).annotate(n) query by group and status."""
    groups: dict[int, dict] = {}
    for row in rows:
        group = groups.setdefault(row["group__number"], {"title": row["group__title"], "counts": {}})
        group["counts"][row["status"]] = row["n"]
    return [
        TaskGroupProgress(
            number=number,
            title=groups[number]["title"],
            counts=[(badge, groups[number]["counts"].get(badge.code, 0)) for badge in badges],
            total=sum(groups[number]["counts"].values()),
        )
        for number in sorted(groups)
    ]


# --- an officer's own enterprise ----------------------------------------------------


@dataclass(frozen=True)
class OpenPeriod:
    period: ReportingPeriod
    report: object | None  # their EnterpriseReport for it, if any
    badge: Badge
    days_left: int  # negative once the deadline has passed
    action: str  # the one button's words
    # The deadline has passed and the report was never submitted: a submission now is late.
    # A returned report keeps its first submission's lateness, so it is never "overdue".
    overdue: bool


def open_periods(periods: Iterable[ReportingPeriod], reports: dict, today: datetime.date) -> list[OpenPeriod]:
    """The open periods with the officer's report for each and what the button should say."""
    actions = {
        NO_REPORT: _("Fill in the report"),
        ReportStatus.DRAFT: _("Continue the report"),
        ReportStatus.RETURNED: _("Correct and resubmit"),
        ReportStatus.SUBMITTED: _("View the report"),
        ReportStatus.APPROVED: _("View the report"),
    }
    shaped = []
    for period in periods:
        report = reports.get(period.pk)
        status = report.status if report else NO_REPORT
        shaped.append(
            OpenPeriod(
                period=period,
                report=report,
                badge=report_badge(status),
                days_left=period.days_left(today),
                action=actions[status],
                overdue=period.deadline_passed(today) and (report is None or report.first_submitted_on is None),
            )
        )
    return shaped
