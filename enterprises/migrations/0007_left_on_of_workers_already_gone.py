"""Workers marked as no longer employed before `Worker.left_on` existed get today as their
leaving date: the day they really left was never recorded, and an earlier guess could
remove their personal data before the enterprise had a chance to notice. Their retention
period therefore starts on the day this migration runs."""

from django.db import migrations
from django.utils import timezone


def date_workers_already_gone(apps, schema_editor):
    Worker = apps.get_model("enterprises", "Worker")
    Worker.objects.filter(is_active=False, left_on__isnull=True).update(left_on=timezone.localdate())


class Migration(migrations.Migration):

    dependencies = [
        ("enterprises", "0006_worker_left_on_and_anonymised_on"),
    ]

    operations = [
        # Reversed, nothing to undo: reversing 0006 drops the column.
        migrations.RunPython(date_workers_already_gone, migrations.RunPython.noop),
    ]
