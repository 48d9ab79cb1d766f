"""Daily cron job: remind officers of missing reports and send the officials a digest.

    # crontab, every morning at 7:00 (the server's TZ is irrelevant: the date is the commune's)
    0 7 * * *  cd /srv/hoanghop && .venv/bin/python manage.py send_reminders

Running it twice the same day sends nothing new: every e-mail sent is recorded.
Commune by commune, each inside its scope: a commune's officers hear of its own periods only.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError

from communes.current import commune_scope, each_commune
from indicators.emails import ReminderSummary, send_reminders


class Command(BaseCommand):
    help = "E-mail reminders for missing reports and the officials' digest. Safe to run repeatedly."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD); for testing and catching up")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must look like 2026-07-08") from None
        summary = ReminderSummary()
        for commune in each_commune():
            with commune_scope(commune):
                send_reminders(today=today, summary=summary)
        self.stdout.write(
            f"Reminders sent: {summary.due_soon} before the deadline, {summary.overdue} after it; "
            f"digests: {summary.digests}; failed: {summary.failed}."
        )
        if summary.skipped_no_email:
            self.stdout.write("No officer e-mail address for: " + ", ".join(sorted(summary.skipped_no_email)))
        if summary.failed:
            raise CommandError(f"{summary.failed} e-mail(s) could not be sent; they will be retried next run.")
