"""Writes to an enterprise's roster: one worker with their outcomes, or a whole roster file.

The preview-and-confirm shape (`ImportPreview`) is the enterprise import's, from
`enterprises.services`; outcomes are indicators' rows, so these writes live here.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from enterprises.models import Enterprise, Worker
from enterprises.services import (
    BATCH_SIZE,
    LEFT,
    NEW,
    UNCHANGED,
    UPDATED,
    Change,
    ImportPreview,
    PreviewRow,
    _compare,
    display,
    field_label,
)

from ..models import WorkerOutcome
from ..roster_imports import WorkerRow


def roster_import_preview(
    *, enterprise: Enterprise, rows: list[WorkerRow], indicators, deactivate_missing: bool = False
) -> ImportPreview:
    """Compare a roster file with the enterprise's workers (two queries).

    A row in the file means the worker is employed (a worker who had left is taken
    back); an empty indicator cell leaves a recorded outcome alone; with
    `deactivate_missing`, active workers absent from the file are marked as left.
    """
    workers = {worker.employee_code: worker for worker in enterprise.workers.all()}
    recorded: dict[tuple[int, int], tuple[int, datetime.date]] = {
        (worker_id, indicator_id): (pk, achieved_on)
        for pk, worker_id, indicator_id, achieved_on in WorkerOutcome.objects.filter(
            worker__enterprise=enterprise
        ).values_list("pk", "worker_id", "indicator_id", "achieved_on")
    }
    names = {indicator.pk: indicator.name for indicator in indicators}
    previewed, in_file = [], set()
    for row in rows:
        in_file.add(row.employee_code)
        worker = workers.get(row.employee_code)
        if worker is None:
            previewed.append(
                PreviewRow(
                    row.row,
                    row.employee_code,
                    row.values["full_name"],
                    NEW,
                    updates=dict(row.values),
                    outcomes_new=dict(row.outcomes),
                )
            )
            continue
        values = {**row.values, "is_active": True, "left_on": None}
        updates, changes = _compare(Worker, worker, values)
        outcomes_new, outcomes_changed = {}, {}
        for indicator_id, achieved_on in row.outcomes.items():
            old = recorded.get((worker.pk, indicator_id))
            if old is None:
                outcomes_new[indicator_id] = achieved_on
            elif old[1] != achieved_on:
                outcomes_changed[old[0]] = (indicator_id, achieved_on)
            else:
                continue
            changes.append(
                Change(
                    names[indicator_id],
                    display(WorkerOutcome, "achieved_on", old and old[1]),
                    display(WorkerOutcome, "achieved_on", achieved_on),
                )
            )
        status = UPDATED if changes else UNCHANGED
        previewed.append(
            PreviewRow(
                row.row,
                row.employee_code,
                row.values["full_name"],
                status,
                changes,
                updates,
                outcomes_new,
                outcomes_changed,
                target=worker,
            )
        )
    if deactivate_missing:
        today = timezone.localdate()  # the retention of their personal data runs from it
        for code, worker in sorted(workers.items()):
            if code not in in_file and worker.is_active:
                previewed.append(
                    PreviewRow(
                        None,
                        code,
                        worker.full_name,
                        LEFT,
                        [Change(field_label(Worker, "is_active"), _("Yes"), _("No"))],
                        {"is_active": False, "left_on": today},
                        target=worker,
                    )
                )
    return ImportPreview(previewed)


@transaction.atomic
def roster_import(
    *, enterprise: Enterprise, rows: list[WorkerRow], indicators, user, deactivate_missing: bool = False
) -> ImportPreview:
    """Carry out a roster import in bulk, all or nothing, with history for every row."""
    preview = roster_import_preview(
        enterprise=enterprise, rows=rows, indicators=indicators, deactivate_missing=deactivate_missing
    )
    history = {"default_user": user, "default_change_reason": "import", "batch_size": BATCH_SIZE}
    new_workers = []
    for row in preview.new:
        worker = Worker(enterprise=enterprise, employee_code=row.key, **row.updates)
        worker.full_clean(exclude=["enterprise"], validate_unique=False, validate_constraints=False)
        new_workers.append(worker)
    created = bulk_create_with_history(new_workers, Worker, **history)
    ids = {worker.employee_code: worker.pk for worker in created}
    if created and any(pk is None for pk in ids.values()):  # a database without RETURNING
        ids = dict(enterprise.workers.filter(employee_code__in=list(ids)).values_list("employee_code", "pk"))

    changed, fields = [], set()
    for row in [*preview.updated, *preview.left]:
        if not row.updates:
            continue
        worker = row.target
        for name, value in row.updates.items():
            setattr(worker, name, value)
        worker.full_clean(exclude=["enterprise"], validate_unique=False, validate_constraints=False)
        fields.update(row.updates)
        changed.append(worker)
    if changed:
        bulk_update_with_history(changed, Worker, sorted(fields), **history)

    new_outcomes = [
        WorkerOutcome(worker_id=ids[row.key], indicator_id=indicator_id, achieved_on=achieved_on)
        for row in preview.new
        for indicator_id, achieved_on in row.outcomes_new.items()
    ] + [
        WorkerOutcome(worker_id=row.target.pk, indicator_id=indicator_id, achieved_on=achieved_on)
        for row in preview.updated
        for indicator_id, achieved_on in row.outcomes_new.items()
    ]
    bulk_create_with_history(new_outcomes, WorkerOutcome, **history)
    moved = [
        WorkerOutcome(pk=pk, worker_id=row.target.pk, indicator_id=indicator_id, achieved_on=achieved_on)
        for row in preview.updated
        for pk, (indicator_id, achieved_on) in row.outcomes_changed.items()
    ]
    if moved:
        bulk_update_with_history(moved, WorkerOutcome, ["achieved_on"], **history)
    return preview


# --- workers --------------------------------------------------------------------------


@transaction.atomic
def worker_save(*, worker: Worker, outcomes: dict[int, datetime.date | None]) -> Worker:
    """Save a worker and their outcomes together: indicator id -> date met, or None if not met."""
    worker.full_clean()
    worker.save()
    recorded = {outcome.indicator_id: outcome for outcome in worker.outcomes.all()}
    for indicator_id, achieved_on in outcomes.items():
        outcome = recorded.get(indicator_id)
        if achieved_on is None:
            if outcome is not None:
                outcome.delete()
        elif outcome is None:
            outcome = WorkerOutcome(worker=worker, indicator_id=indicator_id, achieved_on=achieved_on)
            outcome.full_clean(exclude=["worker"])
            outcome.save()
        elif outcome.achieved_on != achieved_on:
            outcome.achieved_on = achieved_on
            outcome.save(update_fields=["achieved_on"])
    return worker
