"""What the plan looks like now, in one short string that changes with any change to it.

Documents that show the plan's tasks and activities (the Excel appendices) are kept until
this changes (core.file_cache). Tasks, activities, their evidence, annual plans and the plan
itself keep a history (django-simple-history) with one row per change, deletions included,
so the newest history row of each stands for every change made through the portal; task
groups and units, which only the plan file and the admin change, are few and read whole.
"""

from __future__ import annotations

from django.db.models import Max

from .models import Activity, AnnualPlan, Evidence, Plan, Task, TaskGroup, Unit


def plan_revision() -> str:
    """The newest history row of each tracked model, and every task group and unit."""
    parts = []
    for model in (Plan, Task, Activity, Evidence, AnnualPlan):
        parts.append(model.history.aggregate(newest=Max("history_id"))["newest"])
    parts.extend(TaskGroup.objects.order_by("pk").values_list())
    parts.extend(Unit.objects.order_by("pk").values_list())
    return repr(parts)
