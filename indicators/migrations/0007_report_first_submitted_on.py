"""Lateness derived, not stored: each report keeps the commune's date of its first submission
(`first_submitted_on`) and is late when that date is after its period's current deadline.

The date comes from what the report already records: its first submission's time, else the
first submit, entry or import in its workflow log, else its last submission. A report
flagged late with no such date on record gets the day after the deadline, so that it stays
late. Backwards, the flag is decided again from the date and the deadline.
"""

import datetime

from django.db import migrations, models
from django.db.models import F, Min
from django.utils import timezone

BATCH = 2000
SUBMITTING = ["submit", "enter", "import"]


def _local(moment):
    return timezone.localdate(moment) if moment is not None else None


def first_submission_dates(apps, schema_editor):
    EnterpriseReport = apps.get_model("indicators", "EnterpriseReport")
    ReportEvent = apps.get_model("indicators", "ReportEvent")
    first_logged = dict(
        ReportEvent.objects.filter(action__in=SUBMITTING)
        .values("report_id")
        .annotate(first=Min("at"))
        .values_list("report_id", "first")
    )
    changed = []
    rows = EnterpriseReport.objects.annotate(deadline=F("period__deadline")).order_by("pk")
    for report in rows.iterator(chunk_size=BATCH):
        day = _local(report.first_submitted_at) or _local(first_logged.get(report.pk))
        if day is None and report.status != "draft":
            day = _local(report.submitted_at)
        if report.is_late and day is None:
            day = report.deadline + datetime.timedelta(days=1)
        if day is not None:
            report.first_submitted_on = day
            changed.append(report)
        if len(changed) >= BATCH:
            EnterpriseReport.objects.bulk_update(changed, ["first_submitted_on"])
            changed = []
    EnterpriseReport.objects.bulk_update(changed, ["first_submitted_on"], batch_size=BATCH)


def late_flags(apps, schema_editor):
    EnterpriseReport = apps.get_model("indicators", "EnterpriseReport")
    EnterpriseReport.objects.filter(first_submitted_on__gt=F("period__deadline")).update(is_late=True)


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0006_bounded_figures_and_texts'),
    ]

    operations = [
        migrations.AddField(
            model_name='enterprisereport',
            name='first_submitted_on',
            field=models.DateField(blank=True, null=True, verbose_name='first submitted on'),
        ),
        migrations.AddField(
            model_name='historicalenterprisereport',
            name='first_submitted_on',
            field=models.DateField(blank=True, null=True, verbose_name='first submitted on'),
        ),
        migrations.RunPython(first_submission_dates, late_flags),
    ]
