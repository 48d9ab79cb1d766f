"""Fill the lower bound's inputs in the period totals of an existing installation."""

from django.db import migrations


def fill(apps, schema_editor):
    from indicators import totals

    totals.store(totals.recount(apps=apps), apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0014_period_totals_headcount"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
