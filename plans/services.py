"""Writes to the plan that span several tables or follow rules (HackSoft style).

Each function is keyword-only, runs in one transaction and validates with
`full_clean()` before saving. Many-to-many links are set with history switched off
and the object saved afterwards, so one edit is one history row that carries the
links as they now are (simple-history would otherwise add a row per link change).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import transaction

from core import locking
from enterprises.models import Enterprise

from .models import Activity, AnnualPlan, Evidence, Plan, Task, TaskStatus, Unit
from .uploads import CheckedFile


@contextmanager
def _without_history(instance):
    instance.skip_history_when_saving = True
    try:
        yield
    finally:
        del instance.skip_history_when_saving


@transaction.atomic
def task_update(
    *,
    task: Task,
    version: int,
    status: TaskStatus | str,
    lead_unit: Unit | None,
    coordinating_units: Iterable[Unit],
    progress_notes: str,
) -> tuple[Task, bool]:
    """Save the official's edit of a task if nobody saved it since `version` (core.locking).

    Returns the task and whether anything changed: an edit that leaves the task as it now
    is writes nothing and keeps the version. Raises locking.Conflict (saving nothing) when
    the version moved on.
    """
    task = Task.objects.get(pk=task.pk)
    unit_ids = {unit.pk for unit in coordinating_units}
    current_ids = set(task.coordinating_units.values_list("pk", flat=True))
    new_values = (str(status), lead_unit.pk if lead_unit else None, progress_notes)
    if new_values == (task.status, task.lead_unit_id, task.progress_notes) and unit_ids == current_ids:
        return task, False
    locking.claim(Task.objects.filter(pk=task.pk), version=version)
    task.refresh_from_db()  # as claimed: nobody can change it before this transaction ends
    task.status, task.lead_unit, task.progress_notes = str(status), lead_unit, progress_notes
    task.full_clean()
    with _without_history(task):
        task.coordinating_units.set(unit_ids)
    task.save()
    return task, True


def activity_save(
    *,
    activity: Activity,
    enterprises: Iterable,
    files: Sequence[CheckedFile] = (),
    user,
) -> Activity:
    """Create or update an activity with its enterprises and new evidence files, all or nothing.

    Enterprises the user may not change (an officer editing an activity the official
    also linked to other enterprises) stay linked: the form never offered them, so
    their absence from the submission is not a removal. The owner enterprise is always
    among the enterprises involved. If anything fails, the files already written to
    storage are removed again.
    """
    enterprise_ids = {enterprise.pk for enterprise in enterprises}
    if activity.owner_enterprise_id:
        enterprise_ids.add(activity.owner_enterprise_id)
    if activity.pk:
        editable = Enterprise.objects.editable_by(user).values("pk")
        enterprise_ids |= set(activity.enterprises.exclude(pk__in=editable).values_list("pk", flat=True))
    else:
        activity.created_by = user
    written = []
    try:
        with transaction.atomic():
            activity.full_clean()
            with _without_history(activity):
                if activity.pk is None:
                    activity.save()
                activity.enterprises.set(enterprise_ids)
            activity.save()
            for checked in files:
                evidence = Evidence(
                    activity=activity,
                    original_name=checked.original_name,
                    content_type=checked.content_type,
                    size=checked.size,
                    uploaded_by=user,
                )
                evidence.file.save(checked.storage_name, checked.upload, save=False)
                written.append((evidence.file.storage, evidence.file.name))
                evidence.full_clean()
                evidence.save()
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return activity


def _delete_files_on_commit(files: Iterable) -> None:
    pending = [(f.storage, f.name) for f in files if f.name]

    def delete():
        for storage, name in pending:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def evidence_delete(*, evidence: Evidence) -> None:
    """Remove one evidence file; the stored file goes only once the deletion is committed."""
    _delete_files_on_commit([evidence.file])
    evidence.delete()


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    """Remove an activity and its evidence files (history keeps the record of them)."""
    evidence_files = list(activity.evidence.all())
    _delete_files_on_commit([evidence.file for evidence in evidence_files])
    for evidence in evidence_files:
        evidence.delete()  # one by one, so that history records each removal
    activity.delete()


@transaction.atomic
def annual_plan_save(*, plan: Plan, year: int, tasks: Iterable[Task], notes: str) -> AnnualPlan:
    """Create or update the year's plan: which tasks are scheduled, and notes."""
    annual_plan = AnnualPlan.objects.select_for_update().filter(plan=plan, year=year).first()
    if annual_plan is None:
        annual_plan = AnnualPlan(plan=plan, year=year)
    annual_plan.notes = notes
    annual_plan.full_clean()
    with _without_history(annual_plan):
        if annual_plan.pk is None:
            annual_plan.save()
        annual_plan.tasks.set(list(tasks))
    annual_plan.save()
    return annual_plan
