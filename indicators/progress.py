"""The commune's figures and progress against the plan's targets.

Pure functions of a period (and a scope): they read the database with a fixed
number of aggregate queries, whatever the number of enterprises, and return
dataclasses. Nothing here knows about requests, templates or workbooks; the
dashboards, the API and the Excel export all read the same numbers from here.
A period's figures and as-of time are kept in the figures cache
until what they come from changes (indicators.figures_cache). The commune's figures and
the report counts come from the period totals the writes maintain (indicators.totals);
`reference_series` and `reference_report_counts` aggregate every report as before, for
the tests to compare with. The dashboards never read every enterprise: a page of them,
sorted, filtered and limited by the database (`counted`, `rows_of`, `listings`; the
furthest behind from their stored standing, indicators.standing).

Rules (DOMAIN.md):
- who counts in a period (its completeness: the expected reports, the unreported,
  unsubmitted, unapproved and late lists, the lower bound, reminders, the export): an
  enterprise with a report for the period, or one the commune followed during it:
  followed from the period's end at the latest and not stopped on or before its start
  (`ReportingPeriod.counted_enterprises`, the one place this is decided). Adding an
  enterprise or no longer following one therefore never changes a past period;
- a rate is Σ met / Σ total workers over approved reports, never a mean of rates;
- rates are compared unrounded (34,59 % is below 35 %);
- the phase target is the first target year at or after the period's year
  (2025 for periods up to 2025, 2030 after);
- the yearly milestones are interpolated linearly baseline → 2025 → 2030 (from 0
  in the baseline year, 2023, when no baseline is set) unless the official set one;
- a period's milestone: for an annual period, the milestone of its year; for a
  six-month period (`YYYY-H1`), the mid-year milestone, halfway between the
  previous year's milestone (the baseline, or 0, for the year after the baseline
  year) and this year's: a 2024-H1 rate of indicator a) is compared with
  (0 + 45) / 2 = 22,5 %, a 2026-H1 one with (90 + 91) / 2 = 90,5 %;
- the status of a rate: `achieved` (Đạt) when it is at least the phase target;
  in the annual period of a target year (2025, 2030), otherwise `missed` (Chưa đạt
  mục tiêu năm 2025): the year is over and the target was not reached; in any other
  period, `on_track` (Đúng tiến độ) when it is at least the period's milestone,
  else `behind` (Chậm tiến độ);
- while a period is open its figures are provisional: approvals may still come, so
  every status says "tạm tính", and the lower bound (the whole commune's rate if the
  enterprises without an approved report had reached nobody, with their last known
  headcount) stands next to the rate;
- when the approved reports cover fewer than half of the enterprises expected in the
  period (Completeness), no status is given at all (`status` None, `withheld` True:
  "Chưa đủ báo cáo để đánh giá"), open or closed: a rate from a minority of the
  enterprises is not the commune's. An enterprise's own figures are never withheld;
- the gap is ceil(target % × total − met) workers, never below 0;
- a report is late (nộp muộn) when its first submission came after the period's current
  deadline: moving the deadline re-decides every row and count (`SUBMITTED_LATE`), and a
  resubmission after a return keeps the first submission's lateness;
- approved means approved: only approved reports count, and a list shows the figures of a
  report not approved only marked as such (`EnterpriseRow.figures_shown`).

Withheld comes from the period's completeness, an input of the cached figures;
provisional from the period's state, applied to cached figures as they are read (saving a
period, opening or closing it, replaces its tokens too).
"""

from __future__ import annotations

import datetime
import functools
import itertools
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise

from . import figures_cache, totals
from .models import (
    STANDING,
    SUBMITTED_LATE,
    EnterpriseReport,
    Indicator,
    Milestone,
    Outstanding,
    PeriodKind,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
    followed_during,
)

ACHIEVED = "achieved"
ON_TRACK = "on_track"
BEHIND = "behind"
MISSED = "missed"  # only in the annual period of a target year
STATUS_LABELS = {
    ACHIEVED: _("Achieved"),
    ON_TRACK: _("On track"),
    BEHIND: _("Behind schedule"),
    MISSED: _("Target missed"),
}
# Not a status: what is shown instead of one when too few reports are approved.
WITHHELD = "withheld"
WITHHELD_LABEL = _("Not enough reports to assess")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TargetGap:
    year: int
    target: Decimal
    gap: int | None  # workers still to reach at the current workforce; None without data


class IndicatorProgress(NamedTuple):
    """One indicator's figures for a period. A named tuple: the province's page makes one per
    commune and indicator (830), and a frozen dataclass cost five times as much to make."""

    indicator_id: int
    code: str
    name: str
    met: int
    total_workers: int
    rate: Decimal | None  # percent, unrounded; None when no worker is counted
    milestone: Decimal | None
    phase_target: Decimal | None
    status: str | None  # None: no rate, or withheld
    marks: Marks  # the indicator's targets (year, percent), by year
    year: int | None = None  # the period's year
    final: bool = False  # the annual period of one of its target years: achieved or missed
    provisional: bool = False  # the period is open
    withheld: bool = False  # too few approved reports to give a status

    @property
    def targets(self) -> tuple[TargetGap, ...]:
        """Each target with its gap at the period's workforce: worked out when something
        shows them (a card, the API, the report), not for each of the province's 830 cells."""
        total, met = self.total_workers, self.met
        return tuple(TargetGap(m.year, m.value, gap_of(m.value, total, met) if total else None) for m in self.marks)

    @property
    def status_label(self) -> str:
        """The status in words: "Đạt", "Chưa đạt mục tiêu năm 2025", "Đúng tiến độ (tạm tính)",
        "Chưa đủ báo cáo để đánh giá"; "" without a rate."""
        if self.withheld:
            return str(WITHHELD_LABEL)
        return status_text(self.status, year=self.year, provisional=self.provisional)

    def judge(self, rate: Decimal | None) -> str | None:
        """The status of another rate (an enterprise's) against this indicator's yardstick
        for the period: its phase target and milestone, final in a target year."""
        return status_of(rate, self.phase_target, self.milestone, final=self.final)

    def phase(self, year: int) -> TargetGap | None:
        """The target (with its gap) of the phase `year` falls in (phase_of)."""
        return phase_of(self.targets, year)

    def target(self, year: int) -> Decimal | None:
        return next((mark.value for mark in self.marks if mark.year == year), None)

    def gap(self, year: int) -> int | None:
        """The workers still to reach the target of `year` (None: no such target, or no data)."""
        target = self.target(year)
        return gap_of(target, self.total_workers, self.met) if target is not None and self.total_workers else None


@dataclass(frozen=True)
class Completeness:
    approved: int
    expected: int  # the enterprises that count in the period (rule 1)

    @property
    def percent(self) -> Decimal | None:
        return Decimal(self.approved) * HUNDRED / self.expected if self.expected else None

    @property
    def is_complete(self) -> bool:
        return self.expected > 0 and self.approved >= self.expected

    @property
    def enough_to_assess(self) -> bool:
        """Whether the approved reports cover at least half of the expected enterprises:
        below that, the commune's figures get no status."""
        return self.expected > 0 and 2 * self.approved >= self.expected


@dataclass(frozen=True)
class Progress:
    period: ReportingPeriod
    completeness: Completeness
    total_workers: int
    female_workers: int
    indicators: list[IndicatorProgress] = field(default_factory=list)
    provisional: bool = False  # the period is open: the figures may still change
    withheld: bool = False  # too few approved reports: no status is given

    def indicator(self, code: str) -> IndicatorProgress | None:
        return next((item for item in self.indicators if item.code == code), None)


@dataclass(frozen=True)
class EnterpriseRow:
    """One enterprise's report for a period, as the tables and the export show it."""

    enterprise_id: int
    name: str
    tax_code: str
    is_active: bool
    report_id: int | None
    status: str | None  # None: no report at all
    is_late: bool  # first submitted after the period's deadline (as it is when the row is read)
    total_workers: int | None
    female_workers: int | None
    counts: dict[int, int]  # indicator id -> workers who met it
    followed: bool = True  # followed by the commune during the period (else counted by its report alone)

    # Approved means approved: the commune's tables and the export show an approved
    # report's figures as they are, a submitted one's greyed under its status (the
    # enterprise stands behind them, the commune has not checked them), and none of a
    # draft's or a returned report's (the enterprise's unfinished or rejected work).

    @functools.cached_property
    def rates(self) -> dict[int, Decimal | None]:
        """Indicator id -> the percent of the workers who met it: worked out when asked (the
        data sheet of a province's 50,000 enterprises never asks)."""
        return {indicator_id: rate_of(count, self.total_workers) for indicator_id, count in self.counts.items()}

    @property
    def is_approved(self) -> bool:
        return self.status == ReportStatus.APPROVED

    @property
    def figures_shown(self) -> bool:
        return self.status in STANDING


# --- targets and milestones -------------------------------------------------


class Mark(NamedTuple):
    """A target or a milestone of a yardstick: a year and its percent."""

    year: int
    value: Decimal


class Marks(tuple):
    """A yardstick's targets or milestones, read as a prefetched relation is (`.all()`)."""

    def all(self) -> Marks:
        return self


NO_MARKS = Marks()


def marks_of(items) -> Marks:
    """Targets or milestones as Marks by year: a yardstick's as they are (read by year), a
    model indicator's prefetched rows (or the province's targets) read into marks."""
    if type(items) is Marks:
        return items
    return Marks(sorted(Mark(item.year, item.value) for item in items))


class Yardstick(NamedTuple):
    """An indicator as the functions here read it (its targets, milestones and baseline),
    from plain rows: what judges many communes' figures at once (province.rollup) without a
    model instance per indicator, target and milestone. Every function that takes an
    Indicator takes a Yardstick. A named tuple: the province's page makes 830 of them, at a
    fifth of a frozen dataclass's cost."""

    pk: int
    code: str
    name: str
    targets: Marks = NO_MARKS
    milestones: Marks = NO_MARKS
    order: int = 0
    baseline_year: int = Indicator._meta.get_field("baseline_year").default
    baseline: Decimal | None = None


def plan_yardsticks(plans) -> dict[int, list[Yardstick]]:
    """The indicators of these plans (a queryset of plans, or a list of their ids) as yardsticks, by
    plan id, each plan's in its order (Indicator.objects.of_plan's): three queries over
    plain rows, whatever the number of plans."""
    marks = {}
    for name, model in (("targets", Target), ("milestones", Milestone)):
        found = defaultdict(list)
        rows = model.objects.filter(indicator__plan__in=plans).order_by("indicator_id", "year")
        for indicator_id, year, value in rows.values_list("indicator_id", "year", "value"):
            found[indicator_id].append(Mark(year, value))
        marks[name] = {pk: Marks(items) for pk, items in found.items()}
    targets, milestones = marks["targets"], marks["milestones"]
    by_plan = defaultdict(list)
    fields = ("pk", "plan_id", "code", "name", "order", "baseline_year", "baseline")
    for pk, plan_id, code, name, order, baseline_year, baseline in (
        Indicator.objects.filter(plan__in=plans).order_by("order", "code").values_list(*fields)
    ):
        by_plan[plan_id].append(
            Yardstick(
                pk,
                code,
                name,
                targets.get(pk, NO_MARKS),
                milestones.get(pk, NO_MARKS),
                order,
                baseline_year,
                baseline,
            )
        )
    return by_plan


def plan_indicators(plan=None) -> list[Indicator]:
    """The plan's indicators (the current plan's by default) with their targets and
    milestones (three queries)."""
    return list(Indicator.objects.of_plan(plan).prefetch_related("targets", "milestones"))


def milestones(indicator: Indicator) -> dict[int, Decimal]:
    """Yearly milestones from the year after the baseline to the last target year.

    Years the official set are taken as they are; the others are interpolated
    linearly between the anchors: the baseline (0 % when none is set) and each
    target. The anchors alone decide the line, so setting one year does not
    bend its neighbours.
    """
    anchors = {indicator.baseline_year: indicator.baseline or Decimal(0)}
    anchors.update({t.year: t.value for t in indicator.targets.all()})
    years = sorted(anchors)
    result = {}
    for left, right in itertools.pairwise(years):
        for year in range(left + 1, right + 1):
            share = Decimal(year - left) / Decimal(right - left)
            result[year] = anchors[left] + (anchors[right] - anchors[left]) * share
    result.update({m.year: m.value for m in indicator.milestones.all()})
    return result


def milestone_for(indicator: Indicator, year: int, *, mid_year: bool = False) -> Decimal | None:
    """The milestone of a year (the last one after the last target year; None up to the
    baseline year). With mid_year, the milestone of the year's first six months: halfway
    between the previous year's milestone (the baseline, or 0, in the baseline year)
    and this year's."""
    values = milestones(indicator)
    this = _milestone_in(values, year)
    if not mid_year or this is None:
        return this
    previous = _milestone_in(values, year - 1)
    if previous is None and year - 1 == indicator.baseline_year:
        previous = indicator.baseline or Decimal(0)
    return None if previous is None else (previous + this) / 2


def _milestone_in(values: dict[int, Decimal], year: int) -> Decimal | None:
    if year in values:
        return values[year]
    if values and year > max(values):
        return values[max(values)]
    return None


def period_milestone(indicator: Indicator, period: ReportingPeriod) -> Decimal | None:
    """The milestone a period's rate is compared with: the year's for an annual period,
    the mid-year one for a six-month period."""
    return milestone_for(indicator, period.year, mid_year=period.kind == PeriodKind.HALF_YEAR)


def is_final(indicator: Indicator, period: ReportingPeriod) -> bool:
    """Whether the period is the annual period of one of the indicator's target years,
    where a rate under the target has missed it (not fallen behind)."""
    return period.kind == PeriodKind.ANNUAL and any(t.year == period.year for t in indicator.targets.all())


def phase_of(targets: Iterable, year: int):
    """Of targets (anything with a `year`), the one of the phase a year falls in: the first
    target year ≥ year, else the last; None without targets."""
    ordered = sorted(targets, key=lambda t: t.year)
    return next((t for t in ordered if year <= t.year), ordered[-1] if ordered else None)


def phase_target(indicator: Indicator, year: int) -> Decimal | None:
    """The target of the phase a year falls in (phase_of)."""
    phase = phase_of(indicator.targets.all(), year)
    return phase.value if phase else None


def rate_of(met: int, total: int | None) -> Decimal | None:
    if not total:
        return None
    return Decimal(met) * HUNDRED / Decimal(total)


def status_of(
    rate: Decimal | None, phase: Decimal | None, milestone: Decimal | None, *, final: bool = False
) -> str | None:
    """ACHIEVED at the phase target; in a target year's annual period (final) MISSED under
    it; else ON_TRACK at the milestone and BEHIND under it (None without a rate)."""
    if rate is None:
        return None
    if phase is not None and rate >= phase:
        return ACHIEVED
    if final:
        return MISSED
    if milestone is not None and rate >= milestone:
        return ON_TRACK
    return BEHIND


def status_text(status: str | None, *, year: int | None = None, provisional: bool = False) -> str:
    """A status in words: MISSED names the target year ("Chưa đạt mục tiêu năm 2025"), and
    a provisional status says so ("Đạt (tạm tính)"); "" for no status."""
    if status is None:
        return ""
    # A handful of texts, asked for once per rate (a thousand on the province's page).
    return _status_text(status, year if status == MISSED else None, provisional, get_language())


@functools.lru_cache(maxsize=256)
def _status_text(status: str, year: int | None, provisional: bool, language: str | None) -> str:
    if status == MISSED and year is not None:
        text = _("Target %(year)s missed") % {"year": year}
    else:
        text = STATUS_LABELS[status]
    return str(_("%(status)s (provisional)") % {"status": text} if provisional else text)


def behind_below(phase: Decimal | None, milestone: Decimal | None, *, final: bool = False) -> Decimal | None:
    """The rate under which status_of says BEHIND (MISSED when final): the lower of the
    phase target and the milestone, of those set (None: neither is set, and any rate is
    behind); the phase target when final. For ranking thousands of enterprises without a
    call to status_of per rate."""
    if final:
        return phase
    bars = [value for value in (phase, milestone) if value is not None]
    return min(bars) if bars else None


def gap_of(target: Decimal, total: int, met: int) -> int:
    """Workers still to reach: ceil(target % × total − met), never below 0."""
    return max(0, math.ceil(target * total / HUNDRED - met))


def bars_of(indicator: Indicator | Yardstick, period: ReportingPeriod) -> tuple[Decimal | None, Decimal | None, bool]:
    """What a rate is judged against in the period: its milestone, its phase target, and
    whether the period is final (is_final). Worked out once for every indicator with the
    same targets, milestones and baseline (the province's communes mostly share their
    plan's): they alone decide it."""
    return _bars(
        marks_of(indicator.targets.all()),
        marks_of(indicator.milestones.all()),
        indicator.baseline_year,
        indicator.baseline,
        period.year,
        period.kind,
    )


@functools.lru_cache(maxsize=4096)
def _bars(targets: Marks, milestones: Marks, baseline_year: int, baseline, year: int, kind: str):
    stick = Yardstick(0, "", "", targets, milestones, baseline_year=baseline_year, baseline=baseline)
    period = ReportingPeriod(year=year, kind=kind)
    return period_milestone(stick, period), phase_target(stick, year), is_final(stick, period)


def indicator_progress(
    indicator: Indicator, period: ReportingPeriod, met: int, total: int, *, withheld: bool = False
) -> IndicatorProgress:
    """One indicator's figures for a period: provisional while the period is open, and
    with no status when withheld (too few approved reports)."""
    rate = rate_of(met, total)
    milestone, phase, final = bars_of(indicator, period)
    return IndicatorProgress(
        indicator_id=indicator.pk,
        code=indicator.code,
        name=indicator.name,
        met=met,
        total_workers=total,
        rate=rate,
        milestone=milestone,
        phase_target=phase,
        status=None if withheld else status_of(rate, phase, milestone, final=final),
        marks=marks_of(indicator.targets.all()),
        year=period.year,
        final=final,
        provisional=period.is_open,
        withheld=withheld and rate is not None,
    )


# --- the commune --------------------------------------------------------------


def commune_progress(period: ReportingPeriod, *, plan=None, indicators=None) -> Progress:
    """The commune's figures for a period, from its approved reports."""
    return commune_series([period], plan=plan, indicators=indicators)[0]


def commune_series(periods: Iterable[ReportingPeriod], *, plan=None, indicators=None) -> list[Progress]:
    """The commune's figures for many periods at once (trend charts): each period's from
    the figures cache while its revision holds, the others in a fixed number of queries."""
    periods = list(periods)
    if indicators is None:
        indicators = plan_indicators(plan)
    tokens = figures_cache.tokens((p.pk for p in periods), approved=True)
    scope = ",".join(str(i.pk) for i in indicators)
    known = figures_cache.get_many("progress", tokens, scope)
    computed = _compute_series([p for p in periods if p.pk not in known], indicators)
    # Kept without the period, so that a cached figure never carries an old copy of it.
    figures_cache.set_many("progress", tokens, {pk: replace(item, period=None) for pk, item in computed.items()}, scope)
    return [_in_state_of(known[p.pk] if p.pk in known else computed[p.pk], p) for p in periods]


def _in_state_of(item: Progress, period: ReportingPeriod) -> Progress:
    """The figures with the caller's copy of the period, provisional as that copy's state
    says: the state is read with the period, before the tokens, so a figure cached by a
    request that loaded the period before it was closed never says "tạm tính" after."""
    provisional = period.is_open
    return replace(
        item,
        period=period,
        provisional=provisional,
        indicators=[i._replace(provisional=provisional) for i in item.indicators],
    )


def _compute_series(periods: list[ReportingPeriod], indicators: list[Indicator]) -> dict[int, Progress]:
    """The periods' figures from their maintained totals (indicators.totals: two queries,
    whatever the number of reports); a period without totals yet from its reports."""
    if not periods:
        return {}
    kept = totals.stored(p.pk for p in periods)
    series = reference_series([p for p in periods if p.pk not in kept], indicators)
    for period in periods:
        if period.pk in kept:
            series[period.pk] = progress_of_totals(period, indicators, kept[period.pk])
    return series


def progress_of_totals(period: ReportingPeriod, indicators: list, item: totals.Totals) -> Progress:
    """A period's figures from stored totals: one commune's (`totals.stored`), or the sum of
    several communes' with the province's indicators (province.rollup). `item.met` is keyed
    by the indicators' pk."""
    return _progress(period, indicators, item.workers, item.female, item.met, item.approved, item.active)


def _progress(
    period: ReportingPeriod,
    indicators: list[Indicator],
    total: int,
    female: int,
    met: dict[int, int],
    approved: int,
    expected: int,
) -> Progress:
    completeness = Completeness(approved=approved, expected=expected)
    withheld = total > 0 and not completeness.enough_to_assess
    return Progress(
        period=period,
        completeness=completeness,
        total_workers=total,
        female_workers=female,
        indicators=[indicator_progress(i, period, met.get(i.pk, 0), total, withheld=withheld) for i in indicators],
        provisional=period.is_open,
        withheld=withheld,
    )


def reference_series(periods: list[ReportingPeriod], indicators: list[Indicator]) -> dict[int, Progress]:
    """The periods' figures aggregated from every approved report (a fixed number of
    queries): what the maintained totals must equal (tests/indicators/test_totals*.py)."""
    if not periods:
        return {}
    ids = [p.pk for p in periods]
    # order_by(): the models' Meta.ordering would otherwise join periods, enterprises and
    # indicators into these aggregates for nothing (a third of the dashboard's SQL time).
    approved = EnterpriseReport.objects.filter(period_id__in=ids, status=ReportStatus.APPROVED).order_by()
    sums = {
        row["period_id"]: row
        for row in approved.values("period_id").annotate(
            total=Sum("total_workers"), female=Sum("female_workers"), reports=Count("pk")
        )
    }
    met = defaultdict(dict)
    for row in (
        ReportValue.objects.filter(report__period_id__in=ids, report__status=ReportStatus.APPROVED)
        .order_by()
        .values("report__period_id", "indicator_id")
        .annotate(met=Sum("count"))
    ):
        met[row["report__period_id"]][row["indicator_id"]] = row["met"]
    # Who counts differs from period to period (rule 1): one query counts them for all.
    expected = Enterprise.objects.aggregate(
        **{f"expected_{period.pk}": Count("pk", filter=period.counted_enterprises()) for period in periods}
    )
    series = {}
    for period in periods:
        row = sums.get(period.pk, {})
        series[period.pk] = _progress(
            period,
            indicators,
            row.get("total") or 0,
            row.get("female") or 0,
            met[period.pk],
            row.get("reports", 0),
            expected[f"expected_{period.pk}"],
        )
    return series


@dataclass(frozen=True)
class LowerBound:
    """The whole commune's rates if nobody at a non-reporting enterprise was reached."""

    workers: int  # reporting workers plus the known headcount of the non-reporting
    unknown_enterprises: int  # non-reporting enterprises with no headcount on record
    rates: dict[int, Decimal | None]


def lower_bound(progress: Progress) -> LowerBound:
    """Count the last known headcount of the enterprises that count in the period without an
    approved report as not reached.

    The headcount is each one's latest approved total before this period, kept in the
    period's maintained totals (indicators.totals: one query); a period without totals yet
    from its reports.
    """
    period = progress.period
    kept = totals.stored([period.pk], met=False).get(period.pk)
    headcount, unknown = (kept.headcount, kept.unknown) if kept else _unapproved_headcount(period)
    return bound_of(progress, headcount, unknown)


def bound_of(progress: Progress, headcount: int, unknown: int) -> LowerBound:
    """The lower bound from its stored inputs (`lower_bound`; the province's, summed over
    its communes' totals)."""
    workers = progress.total_workers + headcount
    return LowerBound(
        workers=workers,
        unknown_enterprises=unknown,
        rates={item.indicator_id: rate_of(item.met, workers) for item in progress.indicators},
    )


def _unapproved_headcount(period: ReportingPeriod) -> tuple[int, int]:
    """The enterprises that count in the period without an approved report for it: the sum
    of their latest approved headcounts before it, and how many have none (an aggregate
    over them: what the maintained totals must equal)."""
    latest_total = Subquery(
        EnterpriseReport.objects.filter(
            enterprise=OuterRef("pk"), status=ReportStatus.APPROVED, period__end__lt=period.end
        )
        .order_by("-period__end")
        .values("total_workers")[:1]
    )
    unapproved = (
        Enterprise.objects.filter(period.counted_enterprises())
        .filter(Outstanding.UNAPPROVED.of(period))
        .annotate(last_total=latest_total)
        .aggregate(headcount=Sum("last_total"), unknown=Count("pk", filter=Q(last_total=None)))
    )
    return unapproved["headcount"] or 0, unapproved["unknown"]


# --- enterprises ----------------------------------------------------------------


def enterprise_rows(period: ReportingPeriod, enterprises=None) -> list[EnterpriseRow]:
    """Every enterprise (default: those that count in the period) with its report's figures
    and rates for the period, in three queries. For the export, which lists them all and is
    itself kept per state (indicators.export_views); the dashboards read a page of them
    (`rows_of`, `counted`, `listings`, indicators.standing)."""
    return _enterprise_rows(period, enterprises)


def _enterprise_rows(period: ReportingPeriod, enterprises) -> list[EnterpriseRow]:
    if enterprises is None:
        enterprises = Enterprise.objects.filter(period.counted_enterprises())
    return _rows_of(
        {period.commune_id: period},
        enterprises,
        EnterpriseReport.objects.filter(period=period, enterprise__in=enterprises),
        ReportValue.objects.filter(report__period=period, report__enterprise__in=enterprises),
    )[period.pk]


def rows_of_periods(periods: Iterable[ReportingPeriod]) -> dict[int, list[EnterpriseRow]]:
    """Per period, `enterprise_rows` of each of these periods, one per commune (the
    province's periods of one code): three queries whatever their number."""
    periods = list(periods)
    if not periods:
        return {}
    ids = [p.pk for p in periods]
    # Each commune's enterprises followed during its own period's dates (the same for the
    # periods of one code, save where a commune changed them), or with a report in it:
    # ReportingPeriod.counted_enterprises, for every period at once.
    followed = Q(pk__in=[])
    for (start, end), same in itertools.groupby(
        sorted(periods, key=lambda p: (p.start, p.end)), lambda p: (p.start, p.end)
    ):
        followed |= Q(commune_id__in=[p.commune_id for p in same]) & followed_during(start, end)
    reported = Exists(EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period__in=ids))
    return _rows_of(
        {p.commune_id: p for p in periods},
        Enterprise.objects.filter(commune_id__in=[p.commune_id for p in periods]).filter(followed | reported),
        EnterpriseReport.objects.filter(period__in=ids),
        ReportValue.objects.filter(report__period__in=ids),
    )


def _rows_of(periods: dict[int, ReportingPeriod], enterprises, reports, values) -> dict[int, list[EnterpriseRow]]:
    """The rows of `enterprises`, each in its commune's period of `periods` (by commune id),
    with its report among `reports` and that report's figures among `values`."""
    found = {
        (row["enterprise_id"], row["period_id"]): row
        for row in reports.order_by()
        .annotate(late=ExpressionWrapper(SUBMITTED_LATE, output_field=BooleanField()))
        .values("pk", "enterprise_id", "period_id", "status", "late", "total_workers", "female_workers")
    }
    counts = defaultdict(dict)
    for report_id, indicator_id, count in values.order_by().values_list("report_id", "indicator_id", "count"):
        counts[report_id][indicator_id] = count
    rows = {period.pk: [] for period in periods.values()}
    # One period: every enterprise given is read in it, whatever its commune (as a page of
    # enterprises asked for by id is).
    only = next(iter(periods.values())) if len(periods) == 1 else None
    for enterprise in enterprises.order_by("name", "pk").values(
        "pk", "commune_id", "name", "tax_code", "is_active", "followed_from", "stopped_from"
    ):
        period = only or periods[enterprise["commune_id"]]
        report = found.get((enterprise["pk"], period.pk))
        rows[period.pk].append(
            EnterpriseRow(
                enterprise_id=enterprise["pk"],
                name=enterprise["name"],
                tax_code=enterprise["tax_code"],
                is_active=enterprise["is_active"],
                report_id=report["pk"] if report else None,
                status=report["status"] if report else None,
                is_late=bool(report and report["late"]),
                total_workers=report["total_workers"] if report else None,
                female_workers=report["female_workers"] if report else None,
                counts=counts.get(report["pk"], {}) if report else {},
                followed=period.followed_during(enterprise["followed_from"], enterprise["stopped_from"]),
            )
        )
    return rows


def rows_of(period: ReportingPeriod, enterprise_ids: list[int]) -> list[EnterpriseRow]:
    """The rows of these enterprises for the period, in the order given (three queries over
    these enterprises only: a page, not the commune)."""
    if not enterprise_ids:
        return []
    rows = {
        row.enterprise_id: row for row in _enterprise_rows(period, Enterprise.objects.filter(pk__in=enterprise_ids))
    }
    return [rows[pk] for pk in enterprise_ids if pk in rows]


def with_report(period: ReportingPeriod, *, status: str | None = None, late: bool = False) -> Exists:
    """A filter on enterprises: those with a report for the period (of that status; first
    submitted after the deadline when `late`: SUBMITTED_LATE with the period's deadline as a
    value, so that the database finds them on an index)."""
    reports = EnterpriseReport.objects.filter(enterprise=OuterRef("pk"), period=period)
    if status is not None:
        reports = reports.filter(status=status)
    if late:
        reports = reports.filter(first_submitted_on__gt=period.deadline) if period.deadline else reports.none()
    return Exists(reports)


def counted(period: ReportingPeriod, condition: Q | Exists | None = None, *, order=("name", "pk")):
    """The enterprises that count in the period (and meet `condition`), in `order`, as a
    query for the caller to slice (`[:limit]`, a Paginator's page), so that the database
    pages them instead of every enterprise being read (issue 18)."""
    enterprises = Enterprise.objects.filter(period.counted_enterprises())
    if condition is not None:
        enterprises = enterprises.filter(condition)
    return enterprises.order_by(*order)


@dataclass(frozen=True)
class Named:
    """An enterprise as a list of names shows it."""

    enterprise_id: int
    name: str


@dataclass(frozen=True)
class Listing:
    """The first few enterprises of a set, by name, and how many it has."""

    names: list[Named]
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.names)


LATE = "late"


def listings(period: ReportingPeriod, counts: ReportCounts, limit: int) -> dict[str | None, Listing]:
    """The enterprises that count in the period without an approved report, by how far their
    report got (a status; None: no report at all), and those first submitted late (LATE): at
    most `limit` names each, by name, with the count from the maintained totals (one
    indexed query per non-empty set)."""
    # A report makes its enterprise count, and an enterprise with none counts when followed:
    # each set said without `counted`'s OR, which would keep the database from walking the
    # name index to the first `limit` (it reads a few hundred rows, not every enterprise).
    enterprises = Enterprise.objects.all()
    sets = {
        ReportStatus.SUBMITTED: (with_report(period, status=ReportStatus.SUBMITTED), counts.submitted),
        ReportStatus.RETURNED: (with_report(period, status=ReportStatus.RETURNED), counts.returned),
        ReportStatus.DRAFT: (with_report(period, status=ReportStatus.DRAFT), counts.draft),
        None: (followed_during(period.start, period.end) & Outstanding.UNREPORTED.of(period), counts.unreported),
        LATE: (with_report(period, late=True), counts.late),
    }
    found = {}
    for key, (condition, count) in sets.items():
        names = enterprises.filter(condition).order_by("name", "pk").values_list("pk", "name")[:limit] if count else []
        found[key] = Listing([Named(pk, name) for pk, name in names], count)
    return found


def rate_order(period: ReportingPeriod, indicator_id: int, *, descending: bool = False):
    """The order of `counted` by one indicator's rate in the enterprise's report for the
    period, computed by the database (a submitted or approved report's; the others, and the
    enterprises without one, last, by name)."""
    shown = EnterpriseReport.objects.filter(
        enterprise=OuterRef("pk"), period=period, status__in=STANDING, total_workers__gt=0
    )
    count = ReportValue.objects.filter(
        report__enterprise=OuterRef("pk"), report__period=period, indicator_id=indicator_id
    ).values("count")[:1]
    # As floats: equal fractions give equal doubles, and SQLite divides integers as integers.
    rate = Cast(Subquery(count), FloatField()) / Subquery(shown.values("total_workers")[:1])
    ordered = rate.desc(nulls_last=True) if descending else rate.asc(nulls_last=True)
    return (ordered, "name", "pk")


def enterprise_progress(period: ReportingPeriod, enterprise: Enterprise, *, plan=None) -> Progress | None:
    """One enterprise's progress from its report for the period, whatever its status
    (an officer follows their own figures before the commune approves them)."""
    report = EnterpriseReport.objects.filter(period=period, enterprise=enterprise).prefetch_related("values").first()
    if report is None or not report.total_workers:
        return None
    met = {value.indicator_id: value.count for value in report.values.all()}
    return Progress(
        period=period,
        completeness=Completeness(approved=int(report.status == ReportStatus.APPROVED), expected=1),
        total_workers=report.total_workers,
        female_workers=report.female_workers or 0,
        indicators=[
            indicator_progress(i, period, met.get(i.pk, 0), report.total_workers) for i in plan_indicators(plan)
        ],
        provisional=period.is_open,
    )


@dataclass(frozen=True)
class ReportCounts:
    """How far a period's reporting has got: its reports by status, the late ones, the
    enterprises that count in it (`active`, rule 1) and those of them with no report at
    all (unreported)."""

    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    late: int = 0
    active: int = 0
    unreported: int = 0


def report_counts(periods: Iterable[ReportingPeriod]) -> dict[int, ReportCounts]:
    """ReportCounts per period id, from the maintained totals (indicators.totals: one query
    for many periods, whatever the number of reports); a period without totals yet from its
    reports."""
    periods = list(periods)
    kept = totals.stored((p.pk for p in periods), met=False)
    counts = reference_report_counts([p for p in periods if p.pk not in kept])
    for pk, item in kept.items():
        counts[pk] = counts_of_totals(item)
    return {p.pk: counts[p.pk] for p in periods}


def counts_of_totals(item: totals.Totals) -> ReportCounts:
    """ReportCounts from stored totals (one commune's, or several communes' summed)."""
    return ReportCounts(
        draft=item.draft,
        submitted=item.submitted,
        approved=item.approved,
        returned=item.returned,
        late=item.late,
        active=item.active,
        unreported=item.unreported,
    )


def reference_report_counts(periods: Iterable[ReportingPeriod]) -> dict[int, ReportCounts]:
    """ReportCounts per period id, aggregated from every report and enterprise (two
    queries): what the maintained totals must equal."""
    periods = list(periods)
    if not periods:
        return {}
    ids = [period.pk for period in periods]
    by_status = {
        row.pop("period_id"): row
        for row in EnterpriseReport.objects.filter(period_id__in=ids)
        .order_by()
        .values("period_id")
        .annotate(
            **{status: Count("pk", filter=Q(status=status)) for status in ReportStatus.values},
            late=Count("pk", filter=SUBMITTED_LATE),
        )
    }
    counted = {}
    for period in periods:
        counts = period.counted_enterprises()
        counted[f"active_{period.pk}"] = Count("pk", filter=counts)
        counted[f"unreported_{period.pk}"] = Count("pk", filter=counts & Outstanding.UNREPORTED.of(period))
    silent = Enterprise.objects.aggregate(**counted)
    return {
        pk: ReportCounts(**by_status.get(pk, {}), active=silent[f"active_{pk}"], unreported=silent[f"unreported_{pk}"])
        for pk in ids
    }


def figures_as_of(period: ReportingPeriod, indicators: list[Indicator]) -> datetime.datetime | None:
    """The time of the newest change that the period's commune figures (rates, statuses,
    lower bound) include: the latest of

    - the last change of an approved report of this period or an earlier one (its
      `updated_at`: figures saved, approval; earlier ones give the lower bound's headcounts);
    - the last approval or reopening of a report of those periods (a ReportEvent into or
      out of "approved": a reopened report leaves the figures);
    - the last change of these indicators, their targets and milestones (their history,
      deletions included);
    - the last change of an enterprise (its history: who is expected to report);
    - the last change of the period itself (opened or closed: whether they are provisional).

    None when there is none. Kept in the figures cache under the approved tokens of this
    period and the earlier ones (as the lower bound), which every one of these changes replaces."""
    scope = ",".join(str(i.pk) for i in indicators)
    token = figures_cache.token_up_to(period)
    return figures_cache.get_or_compute(
        "as-of", period.pk, token and f"{token}:{scope}", lambda: _figures_as_of(period, indicators)
    )


def _figures_as_of(period: ReportingPeriod, indicators: list[Indicator]) -> datetime.datetime | None:
    up_to = Q(period__end__lte=period.end)
    indicator_ids = [i.pk for i in indicators]
    approved = ReportStatus.APPROVED
    times = [
        EnterpriseReport.objects.filter(up_to, status=approved).aggregate(at=Max("updated_at"))["at"],
        ReportEvent.objects.filter(report__period__end__lte=period.end)
        .filter(Q(to_status=approved) | Q(from_status=approved))
        .aggregate(at=Max("at"))["at"],
        Indicator.history.filter(id__in=indicator_ids).aggregate(at=Max("history_date"))["at"],
        Target.history.filter(indicator_id__in=indicator_ids).aggregate(at=Max("history_date"))["at"],
        Milestone.history.filter(indicator_id__in=indicator_ids).aggregate(at=Max("history_date"))["at"],
        Enterprise.history.aggregate(at=Max("history_date"))["at"],
        ReportingPeriod.history.filter(id=period.pk).aggregate(at=Max("history_date"))["at"],
    ]
    known = [moment for moment in times if moment is not None]
    return max(known) if known else None


def periods_counting(enterprise: Enterprise, periods: Iterable[ReportingPeriod]) -> list[ReportingPeriod]:
    """The periods, of those given, that the enterprise counts in (rule 1), in one query:
    an officer is not asked for a report of a period their enterprise was not followed in."""
    periods = list(periods)
    if not periods:
        return []
    counted = Enterprise.objects.filter(pk=enterprise.pk).aggregate(
        **{f"counts_{p.pk}": Count("pk", filter=p.counted_enterprises()) for p in periods}
    )
    return [p for p in periods if counted[f"counts_{p.pk}"]]


def latest_period_with_approved_reports() -> ReportingPeriod | None:
    # Exists on the (period, status) index, not a join sorting every approved report.
    approved = EnterpriseReport.objects.filter(period=OuterRef("pk"), status=ReportStatus.APPROVED)
    return ReportingPeriod.objects.filter(Exists(approved)).order_by(F("end").desc()).first()
