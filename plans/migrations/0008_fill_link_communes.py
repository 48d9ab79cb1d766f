"""Each link, and each version in its history, takes the commune of the row it starts from:
the task, the activity, the annual plan."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

LINKS = [
    ("Task_coordinating_units", "Task", "task"),
    ("Activity_enterprises", "Activity", "activity"),
    ("AnnualPlan_tasks", "AnnualPlan", "annualplan"),
]


def fill(apps, schema_editor):
    for link, owner, field in LINKS:
        Owner = apps.get_model("plans", owner)
        commune = Subquery(Owner._base_manager.filter(pk=OuterRef(f"{field}_id")).values("commune_id")[:1])
        for name in (link, f"Historical{link}"):
            apps.get_model("plans", name)._base_manager.filter(commune__isnull=True).update(commune_id=commune)


class Migration(migrations.Migration):
    dependencies = [("plans", "0007_link_models")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
