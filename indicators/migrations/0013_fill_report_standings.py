"""Fill the reports' standings of an existing installation from its reports (indicators.standing)."""

from django.db import migrations


def fill(apps, schema_editor):
    from indicators import standing

    standing.rebuild(apps=apps)


def empty(apps, schema_editor):
    apps.get_model("indicators", "ReportStanding").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0012_report_standing"),
    ]

    operations = [migrations.RunPython(fill, empty)]
