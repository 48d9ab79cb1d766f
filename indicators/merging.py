"""The indicators layer's part of a merger of communes (communes.merging).

Every report of the former communes (any status but "submitted", which the merger refuses:
the former commune reviews it first) goes to the receiving commune's period of the same
code, made from the former period when missing; its figures and the workers' outcomes
point at the receiving plan's indicator of the same code; its log and the roster readings
follow. Then the receiving commune's period totals and standings are counted again from
the reports (`totals.rebuild`), and the former communes' periods keep the totals stored
at the merger: their frozen history (`totals.live_periods` leaves them out of every later
recount).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from communes.merging import merger_check, merger_move, merger_moved
from plans.models import Plan

from . import figures_cache, totals
from .models import (
    EnterpriseReport,
    Indicator,
    ReportEvent,
    ReportingPeriod,
    ReportStanding,
    ReportStatus,
    ReportValue,
    RosterAccess,
    WorkerOutcome,
)

# Enterprises named in the refusal of reports waiting for review; the rest are counted.
NAMED = 5


def _receiving_indicators(into) -> dict[str, Indicator] | None:
    plan = Plan.objects.filter(commune=into, is_current=True).order_by("-issued_year", "-pk").first()
    return None if plan is None else {i.code: i for i in Indicator.objects.filter(plan=plan)}


def _used_indicators(sources) -> dict[int, str]:
    """{indicator id: code} of the indicators the former communes' figures and outcomes use."""
    used = set(
        ReportValue.objects.filter(commune__in=sources).order_by().values_list("indicator_id", flat=True).distinct()
    )
    used |= set(
        WorkerOutcome.objects.filter(commune__in=sources).order_by().values_list("indicator_id", flat=True).distinct()
    )
    return dict(Indicator.objects.filter(pk__in=used).values_list("pk", "code"))


def refusals(sender, *, sources, into, **kwargs) -> list[str]:
    errors = []
    waiting = EnterpriseReport.objects.filter(commune__in=sources, status=ReportStatus.SUBMITTED)
    count = waiting.count()
    if count:
        names = list(waiting.order_by("enterprise__name").values_list("enterprise__name", flat=True).distinct()[:NAMED])
        errors.append(
            _(
                "%(count)s report(s) are waiting for review (%(names)s): approve or return them before the merger, so that the former commune decides on what it received."
            )
            % {"count": count, "names": ", ".join(names) + ("…" if count > len(names) else "")}
        )
    used = _used_indicators(sources)
    has_reports = EnterpriseReport.objects.filter(commune__in=sources).exists()
    if not used and not has_reports:
        return errors
    indicators = _receiving_indicators(into)
    if indicators is None:
        errors.append(
            _(
                "%(commune)s has no plan yet, so the former communes' reports have no indicators to count in: load its plan first (manage.py load_plan --commune %(code)s)."
            )
            % {"commune": into, "code": into.code}
        )
        return errors
    for code in sorted(set(used.values()) - set(indicators)):
        errors.append(
            _("The plan of %(commune)s has no indicator %(code)s, which the former communes' reports count.")
            % {"commune": into, "code": code}
        )
    return errors


def _receiving_periods(sources, into) -> tuple[dict[int, ReportingPeriod], int]:
    """{former period id: the receiving commune's period of its code} for the former periods
    with reports, and how many of those the receiving commune had to be given."""
    used = (
        ReportingPeriod.objects.filter(commune__in=sources)
        .annotate(reports_count=Count("reports"))
        .filter(reports_count__gt=0)
        .order_by("end", "pk")
    )
    mine = {period.code: period for period in ReportingPeriod.objects.filter(commune=into)}
    found, created = {}, 0
    for period in used:
        if period.code not in mine:
            mine[period.code] = ReportingPeriod.objects.create(
                commune=into,
                code=period.code,
                kind=period.kind,
                year=period.year,
                start=period.start,
                end=period.end,
                deadline=period.deadline,
                state=period.state,
            )
            created += 1
        found[period.pk] = mine[period.code]
    return found, created


def move(sender, *, sources, into, **kwargs) -> list[tuple[str, int]]:
    periods, created = _receiving_periods(sources, into)
    indicators = _receiving_indicators(into) or {}
    # Their standings are counted again against the receiving commune's targets.
    ReportStanding.objects.filter(commune__in=sources).delete()
    reports = 0
    for old, new in periods.items():
        reports += EnterpriseReport.objects.filter(period_id=old).update(period=new, commune=into)
    for indicator_id, code in _used_indicators(sources).items():
        target = indicators[code]
        ReportValue.objects.filter(commune__in=sources, indicator_id=indicator_id).update(
            indicator=target, commune=into
        )
        WorkerOutcome.objects.filter(commune__in=sources, indicator_id=indicator_id).update(
            indicator=target, commune=into
        )
    ReportEvent.objects.filter(commune__in=sources).update(commune=into)
    RosterAccess.objects.filter(commune__in=sources).update(commune=into)
    return [(_("reports"), reports), (_("reporting periods added to the receiving commune"), created)]


def recount(sender, *, sources, into, **kwargs) -> None:
    # The former communes' figures, read from their reports, changed too: no cached copy of
    # them may be read again (their stored totals stay as they were).
    figures_cache.touch(ReportingPeriod.objects.filter(commune__in=sources).values_list("pk", flat=True))
    totals.rebuild(ReportingPeriod.objects.filter(commune=into).values_list("pk", flat=True))


def connect() -> None:
    merger_check.connect(refusals, dispatch_uid="indicators-merger-check")
    merger_move.connect(move, dispatch_uid="indicators-merger-move")
    merger_moved.connect(recount, dispatch_uid="indicators-merger-recount")
