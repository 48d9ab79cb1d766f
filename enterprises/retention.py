"""Personal data of workers who left, removed once the retention period has passed.

A worker marked as no longer employed keeps their row, so that the figures that include
them (outcome counts, the roster's history) stay right; but `PORTAL_PERSONAL_DATA_RETENTION_DAYS`
days after `Worker.left_on` their name, employee code, birth year and job are removed from
the row and from every historical version of it (Decree 13/2023/NĐ-CP; Law on Personal
Data Protection 2025). The employee code goes too: with the enterprise's own staff records
it names the person. Sex stays: the female-worker counts need it, and alone it identifies
nobody. `manage.py purge_personal_data` runs this every day.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from .models import Worker


@dataclass(frozen=True)
class PurgeSummary:
    """What a purge did (or, in a dry run, would do)."""

    cutoff: datetime.date  # workers who left on or before this day lose their personal data
    workers: int  # workers anonymised
    history_rows: int  # historical versions of them cleaned
    by_enterprise: list[tuple[str, int]]  # (enterprise name, workers anonymised)
    dated: int  # workers marked as left without a leaving date, given today's


def retention_days() -> int:
    return settings.PORTAL_PERSONAL_DATA_RETENTION_DAYS


def removal_date(worker: Worker) -> datetime.date | None:
    """The day the purge will remove this worker's personal data; None while employed."""
    if worker.is_active or worker.left_on is None or worker.anonymised_on is not None:
        return None
    return worker.left_on + datetime.timedelta(days=retention_days())


def anonymous_values(pk_field: str) -> dict:
    """The personal fields as the purge leaves them: the code becomes "#" and the row's id,
    unique within the enterprise and meaningless outside the portal."""
    return {
        "full_name": "",
        "employee_code": Concat(Value("#"), Cast(pk_field, output_field=CharField())),
        "birth_year": None,
        "job": "",
    }


@transaction.atomic
def personal_data_purge(*, today: datetime.date | None = None, dry_run: bool = False) -> PurgeSummary:
    """Anonymise every worker who left at least the retention period ago, and their history.

    Idempotent: an anonymised worker is never selected again. A worker marked as left with
    no leaving date (set by hand, or restored from an older backup) is given today's, so
    their retention period starts now rather than their data being kept for ever.
    Three UPDATE statements, whatever the number of workers.
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=retention_days())
    gone = Worker.objects.filter(is_active=False, anonymised_on__isnull=True)
    due = gone.filter(left_on__lte=cutoff)
    undated = gone.filter(left_on__isnull=True)
    history = Worker.history.filter(id__in=due.values("pk"))
    by_enterprise = [
        (row["enterprise__name"], row["n"])
        for row in due.order_by().values("enterprise__name").annotate(n=Count("pk")).order_by("enterprise__name")
    ]
    summary = PurgeSummary(
        cutoff=cutoff,
        workers=sum(n for _name, n in by_enterprise),
        history_rows=history.count(),
        by_enterprise=by_enterprise,
        dated=undated.count(),
    )
    if not dry_run:
        # History first: it is found through the workers the second update marks as done.
        history.update(**anonymous_values("id"))
        due.update(**anonymous_values("pk"), anonymised_on=today)
        undated.update(left_on=today)
    return summary
