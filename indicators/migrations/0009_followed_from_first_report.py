"""An enterprise already on record was followed at the latest from the start of the first
period it has a report for (enterprises 0009 dated it from the day it was added), so that
its past periods keep counting it."""

from django.db import migrations
from django.db.models import Min


def followed_from_first_report(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    EnterpriseReport = apps.get_model("indicators", "EnterpriseReport")
    first = EnterpriseReport.objects.order_by().values("enterprise_id").annotate(start=Min("period__start"))
    for row in first:
        Enterprise.objects.filter(pk=row["enterprise_id"], followed_from__gt=row["start"]).update(
            followed_from=row["start"]
        )


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0008_remove_report_is_late"),
        ("enterprises", "0009_follow_dates_of_existing_enterprises"),
    ]

    operations = [
        # Reversed, nothing to undo: reversing enterprises 0008 drops the column.
        migrations.RunPython(followed_from_first_report, migrations.RunPython.noop),
    ]
