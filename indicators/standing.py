"""Each report's standing against its period's yardsticks, stored (ReportStanding) so that
the dashboard's "furthest behind" is an indexed `ORDER BY … LIMIT` instead of a ranking of
every enterprise in Python (issue 18).

A report stands when its figures are shown (submitted or approved: `STANDING`) and it has
workers. Its standing is:
- `behind`: how many of the plan's indicators with a rate are under their bar
  (`progress.behind_below`: the lower of the phase target and the period's milestone, the
  phase target alone in a target year's annual period, any rate when neither is set);
- `shortfall`: its deepest rate − milestone over the indicators with a rate and a milestone,
  0 without any.
The furthest behind come first: the most indicators behind, then the deepest shortfall,
then by name.

Who keeps it, in the transaction of the change:
- every report write, through `totals.report_changed` (the same writes, the same place);
- a period saved (its year or kind decide its milestones), and an indicator's targets or
  milestones edited (`services.indicator_update`): `rebuild` of the periods concerned;
- `totals.rebuild` rebuilds the standings of the periods it counts again (restores, bulk
  loads, `manage.py rebuild_totals`), and `totals.drift` reports theirs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

from django.apps import apps as global_apps

from . import progress
from .models import STANDING, EnterpriseReport, ReportingPeriod, ReportStanding, ReportValue

PLACES = Decimal("1e-8")  # ReportStanding.shortfall's decimal places

Yardstick = tuple[int, Decimal | None, Decimal | None]  # indicator id, bar, milestone


def yardsticks(period: ReportingPeriod, indicators) -> list[Yardstick]:
    """Per indicator: the rate under which it is behind in the period, and its milestone."""
    sticks = []
    for indicator in indicators:
        milestone = progress.period_milestone(indicator, period)
        phase = progress.phase_target(indicator, period.year)
        final = progress.is_final(indicator, period)
        sticks.append((indicator.pk, progress.behind_below(phase, milestone, final=final), milestone))
    return sticks


def standing_of(total: int, counts: dict[int, int], sticks: list[Yardstick]) -> tuple[int, Decimal]:
    """(behind, shortfall) of figures: `total` workers, `counts` met per indicator id."""
    behind, shortfall = 0, None
    for indicator_id, bar, milestone in sticks:
        if indicator_id not in counts:
            continue
        rate = progress.rate_of(counts[indicator_id], total)
        if bar is None or rate < bar:
            behind += 1
        if milestone is not None and (shortfall is None or rate - milestone < shortfall):
            shortfall = rate - milestone
    return behind, (shortfall or Decimal(0)).quantize(PLACES, rounding=ROUND_HALF_EVEN)


def _stands(status: str | None, total: int | None) -> bool:
    return status in STANDING and bool(total)


# --- reading -------------------------------------------------------------------------------


def furthest_behind(period: ReportingPeriod, limit: int) -> list[int]:
    """The ids of the enterprises furthest behind in the period, at most `limit`, in order
    (one indexed query)."""
    return list(
        ReportStanding.objects.filter(period=period)
        .order_by("-behind", "shortfall", "report__enterprise__name", "report__enterprise_id")
        .values_list("report__enterprise_id", flat=True)[:limit]
    )


def stored(period_ids: Iterable[int] | None = None, *, apps=global_apps) -> dict[int, tuple[int, int, Decimal]]:
    """The stored standings: {report id: (period id, behind, shortfall)}."""
    rows = apps.get_model("indicators", "ReportStanding").objects.order_by()
    if period_ids is not None:
        rows = rows.filter(period_id__in=list(period_ids))
    return {
        pk: (period_id, behind, shortfall)
        for pk, period_id, behind, shortfall in rows.values_list("report_id", "period_id", "behind", "shortfall")
    }


def recount(period_ids: Iterable[int] | None = None, *, apps=global_apps) -> dict[int, tuple[int, int, Decimal]]:
    """The standings computed from the reports (as `stored`): the periods' yardsticks, their
    standing reports and their figures, in a fixed number of queries. `apps`: a migration's
    app registry."""
    Plan = apps.get_model("plans", "Plan")
    Indicator = apps.get_model("indicators", "Indicator")
    periods = apps.get_model("indicators", "ReportingPeriod").objects.order_by("pk")
    if period_ids is not None:
        periods = periods.filter(pk__in=list(period_ids))
    periods = {period.pk: period for period in periods}
    if not periods:
        return {}
    # The plan the portal runs (Plan.objects.current, Indicator.objects.of_plan), spelled out
    # for a migration's models, which have neither.
    # Each commune runs its own plan (issue 17): a period is judged by its commune's; the
    # models of the migration that filled these rows knew one commune.
    Period = apps.get_model("indicators", "ReportingPeriod")
    by_commune = all(any(f.name == "commune" for f in model._meta.get_fields()) for model in (Plan, Period))
    plans = {}
    for plan in Plan.objects.filter(is_current=True).order_by("-issued_year", "-pk"):
        plans.setdefault(plan.commune_id if by_commune else None, plan)
    indicators = defaultdict(list)
    for indicator in (
        Indicator.objects.filter(plan__in=list(plans.values()))
        .order_by("order", "code")
        .prefetch_related("targets", "milestones")
    ):
        indicators[indicator.plan_id].append(indicator)
    sticks = {}
    for pk, period in periods.items():
        plan = plans.get(period.commune_id if by_commune else None)
        sticks[pk] = yardsticks(period, indicators[plan.pk] if plan else [])
    reports = (
        apps.get_model("indicators", "EnterpriseReport")
        .objects.filter(period_id__in=list(periods), status__in=STANDING, total_workers__gt=0)
        .order_by()
        .values_list("pk", "period_id", "total_workers")
    )
    counts = defaultdict(dict)
    for report_id, indicator_id, count in (
        apps.get_model("indicators", "ReportValue")
        .objects.filter(report__period_id__in=list(periods), report__status__in=STANDING, report__total_workers__gt=0)
        .order_by()
        .values_list("report_id", "indicator_id", "count")
    ):
        counts[report_id][indicator_id] = count
    return {pk: (period_id, *standing_of(total, counts[pk], sticks[period_id])) for pk, period_id, total in reports}


def drift(period_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Per period, how many of its reports' stored standings differ from a recount (a
    missing or a superfluous row differs)."""
    ids = None if period_ids is None else list(period_ids)
    counted, kept = recount(ids), stored(ids)
    found = defaultdict(int)
    for report_id in set(counted) | set(kept):
        if counted.get(report_id) != kept.get(report_id):
            found[(counted.get(report_id) or kept.get(report_id))[0]] += 1
    return dict(found)


# --- writing ---------------------------------------------------------------------------------


def rebuild(period_ids: Iterable[int] | None = None, *, apps=global_apps) -> dict[int, int]:
    """Recount the periods' standings (all when None) and store those that differ; returns
    what `drift` found. Call it in a transaction."""
    ReportStanding = apps.get_model("indicators", "ReportStanding")
    ids = None if period_ids is None else list(period_ids)
    counted, kept = recount(ids, apps=apps), stored(ids, apps=apps)
    found = defaultdict(int)
    stale = [pk for pk in kept if pk not in counted]
    changed = {pk: item for pk, item in counted.items() if kept.get(pk) != item}
    for pk in stale:
        found[kept[pk][0]] += 1
    for item in changed.values():
        found[item[0]] += 1
    ReportStanding.objects.filter(report_id__in=stale + list(changed)).delete()
    ReportStanding.objects.bulk_create(
        [
            ReportStanding(report_id=pk, period_id=period_id, behind=behind, shortfall=shortfall)
            for pk, (period_id, behind, shortfall) in changed.items()
        ],
        batch_size=2000,
    )
    return dict(found)


def report_changed(report: EnterpriseReport) -> None:
    """One report written: its standing stored again, or removed when it no longer stands."""
    row = EnterpriseReport.objects.filter(pk=report.pk).values("status", "total_workers", "period_id").first()
    if row is None or not _stands(row["status"], row["total_workers"]):
        ReportStanding.objects.filter(report_id=report.pk).delete()
        return
    period = ReportingPeriod.objects.get(pk=row["period_id"])
    counts = dict(ReportValue.objects.filter(report_id=report.pk).order_by().values_list("indicator_id", "count"))
    behind, shortfall = standing_of(row["total_workers"], counts, yardsticks(period, progress.plan_indicators()))
    ReportStanding.objects.update_or_create(
        report_id=report.pk, defaults={"period_id": period.pk, "behind": behind, "shortfall": shortfall}
    )
