"""Load a plan from its data file (plans/data/*.json) into the database.

Idempotent: records are matched by their natural keys (plan code, unit code,
group number, task letter) and updated in place, so running it twice changes
nothing, and the official's own edits to a task's status and notes survive.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from communes.models import Commune

from .models import Plan, Task, TaskGroup, Unit

PLAN_FIELDS = [
    "number",
    "title",
    "issuer",
    "place_date",
    "issued_year",
    "issued_month",
    "start_year",
    "end_year",
    "legal_bases",
    "preamble",
    "purpose",
    "requirements",
    "general_objective",
    "funding",
    "organisation",
    "closing",
    "recipients",
    "signer_title",
    "signer_name",
]


def read_plan_file(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@transaction.atomic
def plan_load(data: dict, *, commune: Commune) -> Plan:
    """Load `data` as `commune`'s plan (plan codes are unique per commune, so two communes
    may load the same file and then keep their own targets)."""
    values = {field: data.get(field, "") for field in PLAN_FIELDS}
    plan, created = Plan.objects.get_or_create(commune=commune, code=data["code"], defaults=values)
    # Save only what changed, so that a second run leaves no empty history rows.
    changed = [field for field, value in values.items() if getattr(plan, field) != value]
    if changed and not created:
        for field in changed:
            setattr(plan, field, values[field])
        plan.save(update_fields=changed)
    units = {}
    for unit in data.get("units", []):
        units[unit["code"]], created = Unit.objects.get_or_create(code=unit["code"], defaults={"name": unit["name"]})
        if not created and units[unit["code"]].name != unit["name"]:
            units[unit["code"]].name = unit["name"]
            units[unit["code"]].save(update_fields=["name"])
    for group_data in data["groups"]:
        group, _created = TaskGroup.objects.update_or_create(
            plan=plan, number=group_data["number"], defaults={"title": group_data["title"]}
        )
        for order, task_data in enumerate(group_data["tasks"], start=1):
            task, created = Task.objects.get_or_create(
                group=group,
                letter=task_data["letter"],
                defaults={"order": order, "text": task_data["text"], "lead_unit": units.get(task_data.get("lead"))},
            )
            if created:
                task.coordinating_units.set([units[code] for code in task_data.get("coordinating", [])])
            elif task.text != task_data["text"] or task.order != order:
                # The plan's wording is the source's; status, units and notes are the official's.
                task.text, task.order = task_data["text"], order
                task.save(update_fields=["text", "order"])
    return plan
