"""The stored late flag gives way to `first_submitted_on` (0007), in a migration of its own:
PostgreSQL does not alter a table in the transaction that just updated its rows."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0007_report_first_submitted_on'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='enterprisereport',
            name='is_late',
        ),
        migrations.RemoveField(
            model_name='historicalenterprisereport',
            name='is_late',
        ),
    ]
