"""Follow dates for the enterprises already on record.

Followed from the day each was added (`indicators` 0007 moves it back to the start of the
first period the enterprise reported for). An enterprise already inactive stopped being
followed on the day its history recorded it as inactive for good (the latest change to
inactive); without such a record, on the day this migration runs: the real day was never
recorded, and a guess could take it out of periods it counted in.
"""

from django.db import migrations
from django.utils import timezone


def date_follows(apps, schema_editor):
    Enterprise = apps.get_model("enterprises", "Enterprise")
    HistoricalEnterprise = apps.get_model("enterprises", "HistoricalEnterprise")
    today = timezone.localdate()
    for enterprise in Enterprise.objects.all().only("pk", "created_at", "is_active"):
        followed_from = timezone.localdate(enterprise.created_at) if enterprise.created_at else today
        stopped_from = None
        if not enterprise.is_active:
            stopped_at = None
            for record in HistoricalEnterprise.objects.filter(id=enterprise.pk).order_by("history_date", "history_id"):
                if record.is_active:
                    stopped_at = None
                elif stopped_at is None:
                    stopped_at = record.history_date
            stopped_from = max(timezone.localdate(stopped_at) if stopped_at else today, followed_from)
        Enterprise.objects.filter(pk=enterprise.pk).update(followed_from=followed_from, stopped_from=stopped_from)


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0008_enterprise_follow_dates"),
    ]

    operations = [
        # Reversed, nothing to undo: reversing 0008 drops the columns.
        migrations.RunPython(date_follows, migrations.RunPython.noop),
    ]
