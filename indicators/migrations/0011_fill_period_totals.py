"""Fill the period totals of an existing installation from its reports (indicators.totals)."""

from django.db import migrations


def fill(apps, schema_editor):
    from indicators import totals

    totals.store(totals.recount(apps=apps), apps=apps)


def empty(apps, schema_editor):
    apps.get_model("indicators", "PeriodIndicatorTotal").objects.all().delete()
    apps.get_model("indicators", "PeriodTotals").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0010_enterprise_follow_dates_constraints"),
        ("indicators", "0010_period_totals"),
    ]

    operations = [migrations.RunPython(fill, empty)]
