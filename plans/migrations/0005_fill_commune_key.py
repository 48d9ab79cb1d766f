"""Every row of the plans app that exists belongs to the commune the installation served
until now (issue 17, item 9): the one `communes` 0002 made from the settings, or the commune it
was since merged into. History rows too, so that an old version shows whose it was.

Nothing is filled when the tables are empty; rows without a commune to give them are refused
(the next migration makes the column required).
"""

from django.db import migrations

MODELS = ['Plan', 'TaskGroup', 'Task', 'Activity', 'Evidence', 'AnnualPlan']
HISTORY = ['historicalactivity', 'historicalannualplan', 'historicalevidence', 'historicalplan', 'historicaltask']


def served(Commune):
    commune = Commune.objects.order_by("pk").first()
    seen = set()
    while commune is not None and commune.merged_into_id is not None and commune.pk not in seen:
        seen.add(commune.pk)
        commune = Commune.objects.get(pk=commune.merged_into_id)
    return commune


def fill(apps, schema_editor):
    commune = served(apps.get_model("communes", "Commune"))
    for name in MODELS + HISTORY:
        rows = apps.get_model("plans", name)._base_manager.filter(commune__isnull=True)
        if commune is None:
            if rows.exists():
                raise RuntimeError(f"{name} has rows and there is no commune to give them.")
            continue
        rows.update(commune=commune)


class Migration(migrations.Migration):
    dependencies = [("plans", "0004_commune_key"), ("communes", "0002_commune_from_settings")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
