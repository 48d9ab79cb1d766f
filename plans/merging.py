"""The plans layer's part of a merger of communes (communes.merging): the former communes'
activities and their evidence go to the receiving commune's plan, each to the task with the
same group number and letter (every commune's plan implements the same programme). The
former plans, their tasks' statuses and their annual plans stay with the former communes as
history. Refused when the receiving commune has no plan (load it first: `load_plan
--commune`) or its plan lacks a task an activity is recorded under."""

from __future__ import annotations

from django.utils.translation import gettext as _

from communes.merging import merger_check, merger_move

from .models import Activity, Evidence, Plan, Task


def _receiving_tasks(into) -> dict[tuple[int, str], Task] | None:
    plan = Plan.objects.filter(commune=into, is_current=True).order_by("-issued_year", "-pk").first()
    if plan is None:
        return None
    return {
        (task.group.number, task.letter): task for task in Task.objects.filter(group__plan=plan).select_related("group")
    }


def _used_tasks(sources) -> set[tuple[int, str]]:
    return set(
        Activity.objects.filter(commune__in=sources)
        .order_by()
        .values_list("task__group__number", "task__letter")
        .distinct()
    )


def refusals(sender, *, sources, into, **kwargs) -> list[str]:
    used = _used_tasks(sources)
    if not used:
        return []
    tasks = _receiving_tasks(into)
    if tasks is None:
        return [
            _(
                "%(commune)s has no plan yet, so the former communes' activities have no task to go to: load its plan first (manage.py load_plan --commune %(code)s)."
            )
            % {"commune": into, "code": into.code}
        ]
    return [
        _(
            "The plan of %(commune)s has no task %(number)s%(letter)s, under which the former communes recorded activities."
        )
        % {"commune": into, "number": number, "letter": letter}
        for number, letter in sorted(used - set(tasks))
    ]


def move(sender, *, sources, into, **kwargs) -> list[tuple[str, int]]:
    tasks = _receiving_tasks(into) or {}
    activities = 0
    for number, letter in sorted(_used_tasks(sources)):
        activities += Activity.objects.filter(
            commune__in=sources, task__group__number=number, task__letter=letter
        ).update(task=tasks[number, letter], commune=into)
    evidence = Evidence.objects.filter(commune__in=sources).update(commune=into)
    return [(_("activities"), activities), (_("evidence files"), evidence)]


def connect() -> None:
    merger_check.connect(refusals, dispatch_uid="plans-merger-check")
    merger_move.connect(move, dispatch_uid="plans-merger-move")
