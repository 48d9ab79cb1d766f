"""A period's totals, maintained by the writes that change them instead of aggregated on
every read (issue 18): what `progress.commune_series` and `progress.report_counts` need,
read from one row per period (PeriodTotals) and one per period and indicator
(PeriodIndicatorTotal), whatever the number of enterprises and reports.

Who keeps them, always in the transaction of the change:
- every report write (save draft, submit, approve, return, reopen, paper entry, import,
  figure edits; `indicators.services.reports`, `.imports`): `snapshot(report)` once the
  report is claimed, `report_changed(report)` after it is written. The difference of the
  report's two contributions is added to its period's row (a delta: a report's part in its
  period's totals is a function of the report's own row, its figures and its enterprise's
  follow dates, so nothing else needs reading);
- a period saved (its deadline moved by `services.period_set_deadline`, its dates by the
  admin): `period_saved(period)`, from `indicators.signals` where the period's tokens are
  replaced, counts the period's late reports and its expected enterprises again (aggregates
  over that period only): every report's lateness is re-decided against the new deadline,
  which no delta expresses simply;
- an enterprise's follow dates changed, an enterprise added or removed (the enterprises
  layer cannot call this one: `indicators.signals` does it on the model's signals, as it
  replaces the figures cache's tokens, and after bulk imports and restores):
  `enterprises_changed()` counts every period's expected and unreported enterprises again
  (one aggregate over enterprises), as one enterprise's dates move it in or out of any
  number of periods;
- a period created (`indicators.signals`): its row, counted from scratch;
- a backup restored: every period rebuilt (`rebuild`).

Lock order (indicators.figures_cache): every writer replaces the period's revision tokens
first, which locks that row, before it reads a report and before it updates these rows; so
two writers of one period run one after the other, each reading the other's committed
totals, and cannot deadlock.

`recount` computes the same totals from the reports (the drift check and `rebuild`, run by
`manage.py rebuild_totals` and by the migration that fills the tables); the property test
(tests/indicators/test_totals_property.py) compares the maintained totals with
`progress`'s reference queries after every step of random sequences of the real services.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

from django.apps import apps as global_apps
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum

from .models import SUBMITTED_LATE, EnterpriseReport, ReportStatus, ReportValue, followed_during

STATUSES = tuple(ReportStatus.values)  # draft, submitted, approved, returned


@dataclass(frozen=True)
class Totals:
    """One period's totals (PeriodTotals, and `met` from PeriodIndicatorTotal)."""

    draft: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    late: int = 0
    workers: int = 0
    female: int = 0
    active: int = 0
    unreported: int = 0
    headcount: int = 0
    unknown: int = 0
    met: dict[int, int] = field(default_factory=dict)  # indicator id -> Σ met; zeros left out

    def differences(self, other: Totals) -> dict[str, tuple]:
        """What differs from `other`, by field name ("met:<indicator id>" for a sum met)."""
        changed = {
            f.name: (getattr(self, f.name), getattr(other, f.name))
            for f in fields(self)
            if f.name != "met" and getattr(self, f.name) != getattr(other, f.name)
        }
        for indicator_id in sorted(set(self.met) | set(other.met)):
            mine, theirs = self.met.get(indicator_id, 0), other.met.get(indicator_id, 0)
            if mine != theirs:
                changed[f"met:{indicator_id}"] = (mine, theirs)
        return changed


SCALARS = tuple(f.name for f in fields(Totals) if f.name != "met")


# --- reading -------------------------------------------------------------------------------


def stored(period_ids: Iterable[int] | None = None, *, met: bool = True) -> dict[int, Totals]:
    """The maintained totals by period id (all periods when None), in two queries (one
    without the sums met, left empty then); a period without a row is missing from the
    result."""
    from .models import PeriodIndicatorTotal, PeriodTotals

    rows = PeriodTotals.objects.order_by()
    met_rows = PeriodIndicatorTotal.objects.order_by().exclude(met=0)
    if period_ids is not None:
        ids = list(period_ids)
        rows, met_rows = rows.filter(period_id__in=ids), met_rows.filter(period_id__in=ids)
    sums = defaultdict(dict)
    for period_id, indicator_id, value in met_rows.values_list("period_id", "indicator_id", "met") if met else ():
        sums[period_id][indicator_id] = value
    return {
        row["period_id"]: Totals(**{name: row[name] for name in SCALARS}, met=sums[row["period_id"]])
        for row in rows.values("period_id", *SCALARS)
    }


def recount(period_ids: Iterable[int] | None = None, *, apps=global_apps) -> dict[int, Totals]:
    """The totals computed from the reports and enterprises (all periods when None), in three
    aggregate queries. `apps`: a migration's app registry."""
    Enterprise = apps.get_model("enterprises", "Enterprise")
    Report = apps.get_model("indicators", "EnterpriseReport")
    Period = apps.get_model("indicators", "ReportingPeriod")
    Value = apps.get_model("indicators", "ReportValue")
    periods = Period.objects.order_by("pk")
    if period_ids is not None:
        periods = periods.filter(pk__in=list(period_ids))
    periods = list(periods.values("pk", "start", "end", *_commune_of(Period)))
    ids = [p["pk"] for p in periods]
    if not ids:
        return {}
    approved = Q(status=ReportStatus.APPROVED)
    by_period = {
        row.pop("period_id"): row
        for row in Report.objects.filter(period_id__in=ids)
        .order_by()
        .values("period_id")
        .annotate(
            **{status: Count("pk", filter=Q(status=status)) for status in STATUSES},
            late=Count("pk", filter=SUBMITTED_LATE),
            workers=Sum("total_workers", filter=approved),
            female=Sum("female_workers", filter=approved),
        )
    }
    met = defaultdict(dict)
    for period_id, indicator_id, value in (
        Value.objects.filter(report__period_id__in=ids, report__status=ReportStatus.APPROVED)
        .order_by()
        .values("report__period_id", "indicator_id")
        .annotate(met=Sum("count"))
        .values_list("report__period_id", "indicator_id", "met")
    ):
        if value:
            met[period_id][indicator_id] = value
    enterprises = _count_enterprises(periods, Enterprise, Report)
    headcounts = _headcounts(periods, Enterprise, Report)
    result = {}
    for pk in ids:
        row = by_period.get(pk, {})
        result[pk] = Totals(
            **{name: row.get(name) or 0 for name in (*STATUSES, "late", "workers", "female")},
            **enterprises[pk],
            **headcounts[pk],
            met=met[pk],
        )
    return result


def _commune_of(Period) -> tuple[str, ...]:
    """("commune_id",) where periods belong to a commune; () for the models of the migrations
    that filled these tables before communes owned their data (one commune then)."""
    return ("commune_id",) if any(f.name == "commune" for f in Period._meta.get_fields()) else ()


def _same_commune(p: dict) -> Q:
    """A filter on enterprises: those of period `p`'s commune (every one when `p` has none):
    a recount over every commune (rebuild_totals, a merger) counts each period's own."""
    return Q(commune_id=p["commune_id"]) if "commune_id" in p else Q()


def _headcounts(periods: list[dict], Enterprise, Report) -> dict[int, dict[str, int]]:
    """Per period, the lower bound's inputs (one aggregate query each): of the enterprises
    that count in it without an approved report, the sum of their latest approved headcounts
    before it, and how many have none."""
    found = {}
    for p in periods:
        reported = Exists(Report.objects.filter(enterprise=OuterRef("pk"), period_id=p["pk"]))
        approved = Exists(
            Report.objects.filter(enterprise=OuterRef("pk"), period_id=p["pk"], status=ReportStatus.APPROVED)
        )
        latest = Subquery(
            Report.objects.filter(enterprise=OuterRef("pk"), status=ReportStatus.APPROVED, period__end__lt=p["end"])
            .order_by("-period__end")
            .values("total_workers")[:1]
        )
        row = (
            Enterprise.objects.order_by()
            .filter(_same_commune(p))
            .filter(followed_during(p["start"], p["end"]) | Q(reported))
            .filter(~Q(approved))
            .annotate(last_total=latest)
            .aggregate(headcount=Sum("last_total"), unknown=Count("pk", filter=Q(last_total=None)))
        )
        found[p["pk"]] = {"headcount": row["headcount"] or 0, "unknown": row["unknown"] or 0}
    return found


def _count_enterprises(periods: list[dict], Enterprise, Report) -> dict[int, dict[str, int]]:
    """Per period: the enterprises that count in it (followed during it, or with a report
    for it: `ReportingPeriod.counted_enterprises`) and those of them with no report."""
    counted = {}
    for p in periods:
        followed = followed_during(p["start"], p["end"]) & _same_commune(p)
        reported = Exists(Report.objects.filter(enterprise=OuterRef("pk"), period_id=p["pk"]))
        counted[f"active_{p['pk']}"] = Count("pk", filter=followed | (Q(reported) & _same_commune(p)))
        counted[f"unreported_{p['pk']}"] = Count("pk", filter=followed & ~Q(reported))
    found = Enterprise.objects.order_by().aggregate(**counted) if counted else {}
    return {
        p["pk"]: {"active": found[f"active_{p['pk']}"] or 0, "unreported": found[f"unreported_{p['pk']}"] or 0}
        for p in periods
    }


# --- writing ---------------------------------------------------------------------------------


def store(totals: dict[int, Totals], *, apps=global_apps) -> None:
    """Write these periods' totals as they are (rows created as needed, sums met not in
    `met` set to 0)."""
    PeriodTotals = apps.get_model("indicators", "PeriodTotals")
    PeriodIndicatorTotal = apps.get_model("indicators", "PeriodIndicatorTotal")
    # A migration's model may have fewer of them (the lower bound's came in 0014).
    names = [name for name in SCALARS if any(f.name == name for f in PeriodTotals._meta.get_fields())]
    for period_id, item in totals.items():
        PeriodTotals.objects.update_or_create(
            period_id=period_id, defaults={name: getattr(item, name) for name in names}
        )
        PeriodIndicatorTotal.objects.filter(period_id=period_id).exclude(indicator_id__in=list(item.met)).update(met=0)
        for indicator_id, value in item.met.items():
            PeriodIndicatorTotal.objects.update_or_create(
                period_id=period_id, indicator_id=indicator_id, defaults={"met": value}
            )


def live_periods() -> list[int]:
    """The periods whose totals are counted from their reports: those of the communes that
    exist. A merged commune's periods keep the totals stored at the merger, its figures as
    they were reported (communes.merging): its reports are its receiving commune's now, and
    a recount would turn its history into zeros."""
    from .models import ReportingPeriod

    return list(ReportingPeriod.objects.filter(commune__merged_into=None).order_by("pk").values_list("pk", flat=True))


def drift(period_ids: Iterable[int] | None = None) -> dict[int, dict[str, tuple]]:
    """The periods whose stored totals differ from a recount (a missing row differs from
    everything), with what differs: {period id: {field: (stored, recounted)}}; reports whose
    stored standing (indicators.standing) differs are counted under "standings". All
    periods: the live ones (`live_periods`)."""
    from . import standing

    counted = recount(live_periods() if period_ids is None else period_ids)
    found = _differences(counted)
    for period_id, reports in standing.drift(counted).items():
        found.setdefault(period_id, {})["standings"] = (reports, 0)
    return found


def _differences(counted: dict[int, Totals]) -> dict[int, dict[str, tuple]]:
    kept = stored(counted)
    found = {}
    for period_id, item in counted.items():
        if period_id not in kept:
            found[period_id] = {"row": ("missing", "present")}
        elif differences := kept[period_id].differences(item):
            found[period_id] = differences
    return found


def rebuild(period_ids: Iterable[int] | None = None) -> dict[int, dict[str, tuple]]:
    """Recount these periods' totals (all live ones when None: `live_periods`) and their
    reports' standings (indicators.standing), and store the ones that drifted; returns what
    was changed, as `drift`. Call it in a transaction."""
    from . import figures_cache, standing

    counted = recount(live_periods() if period_ids is None else period_ids)
    figures_cache.touch(counted, approved=True)  # the lock order of every writer
    changed = _differences(counted)
    store({pk: counted[pk] for pk in changed})
    for period_id, reports in standing.rebuild(counted).items():
        changed.setdefault(period_id, {})["standings"] = (reports, 0)
    return changed


def period_created(period) -> None:
    """A new period's totals, counted from scratch."""
    store(recount([period.pk]))


def period_saved(period) -> None:
    """A period saved (its deadline moved, its dates changed, by the service or the admin):
    its late reports and its counted and unreported enterprises counted again, over that
    period alone (every report's lateness is re-decided against the current deadline, which
    no delta expresses simply). Its sums are left as they are."""
    from .models import PeriodTotals

    late = EnterpriseReport.objects.filter(period=period).filter(SUBMITTED_LATE).order_by().count()
    if not PeriodTotals.objects.filter(period=period).update(late=late):
        period_created(period)
        return
    enterprises_changed([period.pk], headcounts=False)
    # Its dates decide which headcounts come before it, in it and in every later period.
    enterprises_changed(counts=False)


def enterprises_changed(
    period_ids: Iterable[int] | None = None, *, counts: bool = True, headcounts: bool = True
) -> None:
    """Enterprises' follow dates changed, or enterprises came or went: every period's counted
    and unreported enterprises counted again (one aggregate over enterprises) and, with
    `headcounts`, the lower bound's inputs (one aggregate per period); one UPDATE per period
    whose figures changed. The caller has replaced the periods' tokens first."""
    from .models import PeriodTotals, ReportingPeriod

    periods = ReportingPeriod.objects.order_by("pk")
    # A merged commune's periods keep their totals (`live_periods`).
    periods = (
        periods.filter(commune__merged_into=None) if period_ids is None else periods.filter(pk__in=list(period_ids))
    )
    periods = list(periods.values("pk", "start", "end", "commune_id"))
    Enterprise = global_apps.get_model("enterprises", "Enterprise")
    found = defaultdict(dict)
    if counts:
        for pk, item in _count_enterprises(periods, Enterprise, EnterpriseReport).items():
            found[pk].update(item)
    if headcounts:
        for pk, item in _headcounts(periods, Enterprise, EnterpriseReport).items():
            found[pk].update(item)
    names = sorted({name for item in found.values() for name in item})
    rows = PeriodTotals.objects.filter(period_id__in=list(found)).values("period_id", *names)
    kept = {row.pop("period_id"): row for row in rows}
    for pk in sorted(found):
        if pk not in kept:
            period_created(ReportingPeriod(pk=pk))
        elif kept[pk] != found[pk]:
            PeriodTotals.objects.filter(period_id=pk).update(**found[pk])


def enterprise_moved(enterprise_id: int, old_dates: tuple | None) -> None:
    """One enterprise added (`old_dates` None) or its follow dates changed: its part in every
    period's lower-bound inputs moved by the difference (a few queries, not an aggregate over
    every enterprise). Its part in the counts: `enterprises_changed(headcounts=False)`."""
    before = {} if old_dates is None else headcount_parts(enterprise_id, dates=old_dates)
    _apply_parts(before, headcount_parts(enterprise_id))


def headcount_parts(enterprise_id: int, *, dates: tuple | None = None) -> dict[int, dict[str, int]]:
    """One enterprise's part in every period's lower-bound inputs (three queries): in each
    period it counts in without an approved report, its latest approved headcount before the
    period ({"headcount": n}), or {"unknown": 1} without one. `dates`: its follow dates
    (followed_from, stopped_from), if not those stored."""
    from enterprises.models import Enterprise

    from .models import ReportingPeriod

    row = Enterprise.objects.filter(pk=enterprise_id).values_list("commune_id", "followed_from", "stopped_from").first()
    if row is None:
        return {}
    commune_id, dates = row[0], dates or row[1:]
    reports = {
        period_id: (status, total)
        for period_id, status, total in EnterpriseReport.objects.filter(enterprise_id=enterprise_id)
        .order_by()
        .values_list("period_id", "status", "total_workers")
    }
    periods = list(ReportingPeriod.objects.filter(commune_id=commune_id).order_by("end", "pk"))
    ends = {period.pk: period.end for period in periods}
    approved = sorted(
        (ends[pk], total) for pk, (status, total) in reports.items() if status == ReportStatus.APPROVED and pk in ends
    )
    parts = {}
    for period in periods:
        if not (period.followed_during(*dates) or period.pk in reports):
            continue
        if reports.get(period.pk, (None,))[0] == ReportStatus.APPROVED:
            continue
        earlier = [total for end, total in approved if end < period.end]
        last = earlier[-1] if earlier else None
        parts[period.pk] = {"unknown": 1} if last is None else {"headcount": last}
    return parts


def _apply_parts(before: dict[int, dict[str, int]], after: dict[int, dict[str, int]]) -> None:
    """Add after − before to each period's totals, in the order of the periods' ids."""
    for period_id in sorted(set(before) | set(after)):
        old, new = before.get(period_id, {}), after.get(period_id, {})
        delta = {key: new.get(key, 0) - old.get(key, 0) for key in set(old) | set(new)}
        apply(period_id, {key: amount for key, amount in delta.items() if amount})


# --- one report's part -----------------------------------------------------------------------


def contribution(report_id: int | None) -> dict:
    """What one report adds to its period's totals, read from the database (two queries;
    one when it is not approved): {field or indicator id: amount}. Relative to the
    enterprise having no report: +1 to its status's count, +1 late when late; the enterprise
    counts in the period through the report (+1 active) unless it was followed during the
    period anyway, when it is no longer unreported (−1); approved, its workers, female
    workers and counts met."""
    if report_id is None:
        return {}
    from enterprises.models import Enterprise

    row = (
        EnterpriseReport.objects.filter(pk=report_id)
        .order_by()
        .annotate(
            late=ExpressionWrapper(SUBMITTED_LATE, output_field=BooleanField()),
            followed=Exists(
                Enterprise.objects.filter(pk=OuterRef("enterprise_id")).filter(
                    followed_during(OuterRef("period__start"), OuterRef("period__end"))
                )
            ),
        )
        .values("status", "late", "followed", "total_workers", "female_workers")
        .first()
    )
    if row is None:
        return {}
    part = {row["status"]: 1, "late": int(bool(row["late"]))}
    part.update({"unreported": -1} if row["followed"] else {"active": 1})
    if row["status"] == ReportStatus.APPROVED:
        part["workers"] = row["total_workers"] or 0
        part["female"] = row["female_workers"] or 0
        figures = ReportValue.objects.filter(report_id=report_id).order_by().values_list("indicator_id", "count")
        part.update(dict(figures))
    return part


def snapshot(report: EnterpriseReport) -> None:
    """Remember the report's part in its period's totals before a write (the report claimed
    and its period's tokens replaced, so nobody else changes it meanwhile)."""
    report._totals_before = contribution(report.pk)
    report._headcounts_before = headcount_parts(report.enterprise_id) if report.enterprise_id else {}


def report_changed(report: EnterpriseReport) -> None:
    """Add the difference the write made to the report's part (since `snapshot`) to its
    period's totals."""
    before = getattr(report, "_totals_before", {})
    after = contribution(report.pk)
    report._totals_before = after
    delta = {key: after.get(key, 0) - before.get(key, 0) for key in set(before) | set(after)}
    apply(report.period_id, {key: amount for key, amount in delta.items() if amount})
    # Its enterprise's part in the lower bound of its period and of every later one (an
    # approval here is the latest known headcount there).
    headcounts = headcount_parts(report.enterprise_id)
    _apply_parts(getattr(report, "_headcounts_before", {}), headcounts)
    report._headcounts_before = headcounts
    # The same writes change the report's standing (the dashboard's furthest behind).
    from . import standing

    standing.report_changed(report)


def apply(period_id: int, delta: dict) -> None:
    """Add amounts to a period's totals: {field name or indicator id: amount}. A period
    without a row yet is counted from scratch instead (which includes the change)."""
    from .models import PeriodIndicatorTotal, PeriodTotals, ReportingPeriod

    if not delta:
        return
    scalars = {name: F(name) + amount for name, amount in delta.items() if isinstance(name, str)}
    row = PeriodTotals.objects.filter(period_id=period_id)
    if not (row.update(**scalars) if scalars else row.exists()):
        period_created(ReportingPeriod(pk=period_id))
        return
    for indicator_id, amount in delta.items():
        if isinstance(indicator_id, int):
            rows = PeriodIndicatorTotal.objects.filter(period_id=period_id, indicator_id=indicator_id)
            if not rows.update(met=F("met") + amount):
                PeriodIndicatorTotal.objects.create(period_id=period_id, indicator_id=indicator_id, met=amount)
