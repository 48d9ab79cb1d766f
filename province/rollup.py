"""The province's roll-up of its communes' figures (issue 17), from the stored totals alone.

Every commune keeps its own period totals in the transaction of each report write
(indicators.totals: PeriodTotals, PeriodIndicatorTotal). The roll-up reads those rows and
never a report or an enterprise, so it costs a fixed number of queries whatever the number
of communes and enterprises:

- each commune's figures for a period are its own totals against its own plan's indicators
  (their targets and milestones: indicators.progress decides the status, as on the commune's
  dashboard);
- the province's figure for an indicator is Σ met / Σ workers over every approved report of
  every active commune (the sums of the communes' totals, summed by the database), never a
  mean of the communes' rates, judged against the province's own targets (province.models)
  with milestones interpolated from 0 in 2023 as for a plan without a baseline;
- a merged commune is history: the commune it was merged into holds its enterprises and
  reports now, so only active communes are summed (each report counted once).

Indicators are matched across communes by their code (a–e): the province's indicators
name the codes it totals. Everything here reads every commune's rows, so every function
runs inside `communes.current.every_commune()`.
"""

from __future__ import annotations

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Min, Q, Sum

from communes.current import every_commune
from communes.models import Commune
from indicators import progress
from indicators.models import PeriodIndicatorTotal, PeriodKind, PeriodState, PeriodTotals, ReportingPeriod
from indicators.totals import SCALARS, Totals
from plans.models import Plan

from .models import ProvinceIndicator

# Where the province's milestones start: 0 % in the plan's baseline year (progress.milestones,
# for an indicator without a baseline).
BASELINE_YEAR = 2023
# A period's stored totals (PeriodTotals) read as columns of its own row: a model instance
# more per commune cost the page more than the join.
KEPT = {f"kept_{name}": F(f"totals__{name}") for name in SCALARS}


@dataclass(frozen=True)
class PeriodOption:
    """A period as the province chooses it: by its code, shared by every commune."""

    code: str
    kind: str
    year: int
    start: datetime.date
    end: datetime.date
    is_open: bool  # open in at least one commune
    approved: int  # approved reports in every active commune

    def __str__(self) -> str:
        return str(as_period(self))


@dataclass(frozen=True)
class CommuneFigures:
    """One active commune's figures for the period (from its stored totals)."""

    commune: Commune
    period: ReportingPeriod | None  # None: the commune has no period of that code
    figures: progress.Progress | None  # None: no period or no current plan
    counts: progress.ReportCounts
    overdue: bool  # the deadline has passed and some enterprises have no approved report
    stored: Totals = field(default_factory=Totals)  # the commune's stored totals for the period

    @functools.cached_property
    def bound(self) -> progress.LowerBound | None:
        """The commune's minimum (progress.bound_of), worked out when a page shows it: the
        commune's own page and the API do, the province's table does not."""
        return progress.bound_of(self.figures, self.stored.headcount, self.stored.unknown) if self.figures else None

    @property
    def has_reported(self) -> bool:
        return self.counts.approved > 0

    def cell(self, code: str) -> progress.IndicatorProgress | None:
        return self.figures.indicator(code) if self.figures else None


@dataclass(frozen=True)
class Rollup:
    period: ReportingPeriod  # a stand-in for every commune's period of the code (unsaved)
    communes: list[CommuneFigures]
    total: progress.Progress  # against the province's targets
    bound: progress.LowerBound
    counts: progress.ReportCounts
    indicators: list[progress.Yardstick] = field(default_factory=list)

    @property
    def unreported(self) -> list[CommuneFigures]:
        """The communes with no approved report for the period."""
        return [item for item in self.communes if not item.has_reported]

    @property
    def overdue(self) -> list[CommuneFigures]:
        return [item for item in self.communes if item.overdue]


@dataclass(frozen=True)
class TrendPoint:
    period: PeriodOption
    total: progress.Progress


# --- reading ---------------------------------------------------------------------------


def yardsticks() -> list[progress.Yardstick]:
    """The province's indicators with their targets (two queries), as indicators.progress
    reads an indicator: no milestone set (each year's interpolated from 0 % in 2023)."""
    return [
        progress.Yardstick(
            pk=item.pk,
            code=item.code,
            name=item.name,
            targets=progress.marks_of(item.targets.all()),
            order=item.order,
            baseline_year=BASELINE_YEAR,
        )
        for item in ProvinceIndicator.objects.prefetch_related("targets")
    ]


def period_options() -> list[PeriodOption]:
    """Every period code of the active communes, oldest first, with what choosing one needs
    (one aggregate query)."""
    with every_commune():  # every commune's periods, grouped by code
        rows = (
            ReportingPeriod.objects.filter(commune__merged_into__isnull=True)
            .order_by()
            .values("code", "kind", "year")
            .annotate(
                first_day=Min("start"),
                last_day=Max("end"),
                open=Count("pk", filter=Q(state=PeriodState.OPEN)),
                reports=Sum("totals__approved"),
            )
        )
        options = [
            PeriodOption(
                code=row["code"],
                kind=row["kind"],
                year=row["year"],
                start=row["first_day"],
                end=row["last_day"],
                is_open=bool(row["open"]),
                approved=row["reports"] or 0,
            )
            for row in rows
        ]
    # A year's first half before the whole year, as every period list orders them.
    return sorted(options, key=lambda o: (o.end, o.kind != PeriodKind.HALF_YEAR, o.code))


def default_option(options: list[PeriodOption], today: datetime.date) -> PeriodOption | None:
    """As the commune's dashboard chooses (dashboard.layout.default_period): the latest period
    with approved reports, else the latest open one, else the latest one already started (or
    the first, before the plan begins)."""
    for candidates in (
        [o for o in options if o.approved],
        [o for o in options if o.is_open],
        [o for o in options if o.start <= today],
    ):
        if candidates:
            return candidates[-1]
    return options[0] if options else None


def as_period(option: PeriodOption) -> ReportingPeriod:
    """An unsaved period standing for every commune's period of the code: what the province's
    figures are judged in (its year, kind and state; provisional while any commune's is open)."""
    return ReportingPeriod(
        code=option.code,
        kind=option.kind,
        year=option.year,
        start=option.start,
        end=option.end,
        state=PeriodState.OPEN if option.is_open else PeriodState.CLOSED,
    )


def rollup(option: PeriodOption, *, today: datetime.date, communes: list[Commune] | None = None) -> Rollup:
    """Every active commune's figures for the period (or these communes'), and the
    province's totals: nine queries, whatever the number of communes and enterprises."""
    with every_commune():  # the roll-up reads every commune's totals, grouped by commune
        if communes is None:
            communes = list(Commune.objects.active().order_by("code"))
            chosen = Commune.objects.active()
        else:
            chosen = Commune.objects.filter(pk__in=[c.pk for c in communes])
        # The communes chosen as a subquery, not a list of ids: Django prepares every id of
        # a list one by one, which cost the page more than the queries themselves.
        periods = {
            p.commune_id: p
            for p in ReportingPeriod.objects.filter(code=option.code, commune__in=chosen).annotate(**KEPT)
        }
        met = defaultdict(dict)
        for period_id, indicator_id, value in (
            PeriodIndicatorTotal.objects.filter(period__code=option.code, period__commune__in=chosen)
            .order_by()
            .values_list("period_id", "indicator_id", "met")
        ):
            met[period_id][indicator_id] = value
        current = Plan.objects.filter(commune__in=chosen, is_current=True)
        plans = _current_plans(current)
        indicators = progress.plan_yardsticks(current)
        province = yardsticks()
    figures = [
        _commune_figures(commune, periods.get(commune.pk), met, indicators[plans.get(commune.pk)], today)
        for commune in communes
    ]
    # The sums met of every commune, by the indicator's code (each commune's plan has
    # indicators of its own, matched to the province's by code).
    code_of = {i.pk: i.code for items in indicators.values() for i in items}
    met_by_code = defaultdict(int)
    for sums in met.values():
        for indicator_id, value in sums.items():
            met_by_code[code_of.get(indicator_id)] += value
    return _province(option, figures, province, met_by_code)


def _current_plans(current) -> dict[int, int]:
    """Each commune's current plan (Plan.objects.current: the newest marked current), by
    commune id, of the plans marked current (`current`): one query."""
    found = {}
    for commune_id, plan_id in current.order_by("commune_id", "-issued_year", "-pk").values_list("commune_id", "pk"):
        found.setdefault(commune_id, plan_id)
    return found


def _stored(period: ReportingPeriod | None, met: dict[int, dict[int, int]]) -> Totals:
    """The period's stored totals, read with it (KEPT); none yet when it has no totals row."""
    if period is None or period.kept_approved is None:
        return Totals()
    return Totals(**{name: getattr(period, f"kept_{name}") for name in SCALARS}, met=met.get(period.pk, {}))


def _commune_figures(
    commune: Commune, period: ReportingPeriod | None, met, indicators: list[progress.Yardstick], today: datetime.date
) -> CommuneFigures:
    item = _stored(period, met)
    figures = progress.progress_of_totals(period, indicators, item) if period is not None and indicators else None
    return CommuneFigures(
        commune=commune,
        period=period,
        figures=figures,
        counts=progress.counts_of_totals(item),
        stored=item,
        overdue=period is not None and period.deadline_passed(today) and item.approved < item.active,
    )


def _province(
    option: PeriodOption,
    communes: list[CommuneFigures],
    indicators: list[progress.Yardstick],
    met_by_code: dict[str, int],
) -> Rollup:
    """The province's totals: the communes' stored totals added up (Σ met / Σ workers, never
    a mean of their rates)."""
    stored = [item.stored for item in communes]
    totals = Totals(
        **{name: sum(getattr(item, name) for item in stored) for name in SCALARS},
        met={item.pk: met_by_code.get(item.code, 0) for item in indicators},
    )
    period = as_period(option)
    total = progress.progress_of_totals(period, indicators, totals)
    return Rollup(
        period=period,
        communes=communes,
        total=total,
        bound=progress.bound_of(total, totals.headcount, totals.unknown),
        counts=progress.counts_of_totals(totals),
        indicators=indicators,
    )


def trend(options: list[PeriodOption], indicators: list[progress.Yardstick]) -> list[TrendPoint]:
    """The province's figures in every period, against its targets (two aggregate queries
    over the stored totals, summed by the database)."""
    codes = {item.code: item.pk for item in indicators}
    with every_commune():  # every active commune's totals, summed per period code
        active = Q(period__commune__merged_into__isnull=True)
        sums = {
            row.pop("period__code"): row
            for row in PeriodTotals.objects.filter(active)
            .order_by()
            .values("period__code")
            .annotate(**{name: Sum(name) for name in SCALARS})
        }
        met = defaultdict(dict)
        for code, indicator_code, value in (
            PeriodIndicatorTotal.objects.filter(active, indicator__code__in=list(codes))
            .order_by()
            .values("period__code", "indicator__code")
            .annotate(total=Sum("met"))
            .values_list("period__code", "indicator__code", "total")
        ):
            met[code][codes[indicator_code]] = value or 0
    points = []
    for option in options:
        row = sums.get(option.code, {})
        item = Totals(**{name: row.get(name) or 0 for name in SCALARS}, met=met[option.code])
        points.append(TrendPoint(option, progress.progress_of_totals(as_period(option), indicators, item)))
    return points
