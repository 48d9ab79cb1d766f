"""Figures of an enterprise's worker roster, for its page and for prefilling reports.

The counting rule of the plan (DOMAIN.md): a report gives the enterprise's current
workers and, among them, how many have met each indicator so far, each worker
counted once however many sessions they attended. A roster answers exactly that:
active workers, and active workers with an outcome per indicator.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from enterprises.models import Enterprise, Sex, Worker

from .models import EnterpriseReport, Indicator, WorkerOutcome
from .rules import count_field


@dataclass(frozen=True)
class RosterTotals:
    """Counts over the active workers of one enterprise's roster.

    `met` maps an indicator's id to the number of active workers who have met it;
    indicators nobody has met are absent (use `met_count`).
    """

    workers: int
    female_workers: int
    met: dict[int, int] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        """True when the enterprise keeps no roster (or nobody on it is employed)."""
        return self.workers == 0

    def met_count(self, indicator_id: int) -> int:
        return self.met.get(indicator_id, 0)

    def rate(self, indicator_id: int) -> float | None:
        """Percent of active workers who met the indicator, unrounded; None without workers."""
        if not self.workers:
            return None
        return self.met_count(indicator_id) * 100 / self.workers


def roster_totals(enterprise: Enterprise | int, as_of: datetime.date | None = None) -> RosterTotals:
    """Workers, female workers and workers per indicator on the enterprise's roster.

    Only active workers count (those who left are not "current workers"). With `as_of`,
    only outcomes achieved on or before that day count, so a report for a period that
    ended on 30/6 is not inflated by training held in July. The roster records no hiring
    dates, so the workforce itself is always today's.

    Two aggregate queries, whatever the size of the roster.
    """
    enterprise_id = enterprise.pk if isinstance(enterprise, Enterprise) else enterprise
    heads = Worker.objects.filter(enterprise_id=enterprise_id, is_active=True).aggregate(
        workers=Count("pk"), female=Count("pk", filter=Q(sex=Sex.FEMALE))
    )
    outcomes = WorkerOutcome.objects.filter(worker__enterprise_id=enterprise_id, worker__is_active=True)
    if as_of is not None:
        outcomes = outcomes.filter(achieved_on__lte=as_of)
    met = dict(
        outcomes.order_by()
        .values("indicator_id")
        .annotate(workers=Count("worker_id", distinct=True))
        .values_list("indicator_id", "workers")
    )
    return RosterTotals(workers=heads["workers"], female_workers=heads["female"], met=met)


@dataclass(frozen=True)
class Prefill:
    """What a new report's form is filled with (form field -> value), and from what: the
    roster, and the earlier report whose totals it used when the roster lists fewer
    workers than that report counted (`partial`)."""

    values: dict[str, int]
    roster: RosterTotals
    previous: EnterpriseReport | None = None

    @property
    def partial(self) -> bool:
        return self.previous is not None


def prefill(roster: RosterTotals, previous: EnterpriseReport | None, indicators: list[Indicator]) -> Prefill | None:
    """A new report's figures from the roster, as far as the roster vouches for them.

    A roster vouches for the workers it lists and, among them, those who met each
    indicator: lower bounds of what the report counts. When it lists fewer workers than the
    enterprise's last report (submitted or approved) counted, it is partial and says nothing
    of the others: the totals are then that report's, and each indicator's count the larger
    of the roster's and that report's, so that a total below the last report's is never
    proposed. None without a roster.
    """
    if roster.is_empty:
        return None
    if previous is None or previous.total_workers is None or roster.workers >= previous.total_workers:
        values = {"total_workers": roster.workers, "female_workers": roster.female_workers}
        values.update({count_field(indicator): roster.met_count(indicator.pk) for indicator in indicators})
        return Prefill(values, roster)
    before = {value.indicator_id: value.count for value in previous.values.all()}
    values = {
        "total_workers": previous.total_workers,
        "female_workers": max(previous.female_workers or 0, roster.female_workers),
    }
    values.update(
        {
            count_field(indicator): max(roster.met_count(indicator.pk), before.get(indicator.pk) or 0)
            for indicator in indicators
        }
    )
    return Prefill(values, roster, previous)
