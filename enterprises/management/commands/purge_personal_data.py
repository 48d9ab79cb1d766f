"""Daily cron job: remove the personal data of workers who left more than the retention period ago.

    # crontab, every night at 2:15
    15 2 * * *  cd /srv/hoanghop && .venv/bin/python manage.py purge_personal_data

Running it again changes nothing: an anonymised worker is never selected again.
`--dry-run` prints what it would do and changes nothing.
Commune by commune, each inside its scope, in one transaction.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from communes.current import commune_scope, each_commune
from enterprises.retention import PurgeSummary, personal_data_purge, retention_days


class Command(BaseCommand):
    help = (
        "Anonymise workers who left more than PORTAL_PERSONAL_DATA_RETENTION_DAYS ago, "
        "in their row and its history; counts are kept. Safe to run repeatedly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="print what would be removed; change nothing")
        parser.add_argument("--date", help="act as if today were this date (YYYY-MM-DD); for testing and catching up")

    def handle(self, *args, **options):
        today = None
        if options["date"]:
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("--date must look like 2026-07-08") from None
        dry_run = options["dry_run"]
        summary = self._each_commune(today, dry_run)
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(
            f"Retention {retention_days()} days: workers who left on or before {summary.cutoff:%d/%m/%Y}, "
            f"{summary.workers} {verb} ({summary.history_rows} history rows)."
        )
        for name, count in summary.by_enterprise:
            self.stdout.write(f"  {name}: {count}")
        if summary.dated:
            verb = "would be given" if dry_run else "given"
            self.stdout.write(
                f"{summary.dated} workers marked as left had no leaving date: {verb} today's, "
                "so their retention period starts now."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")

    @staticmethod
    def _each_commune(today, dry_run) -> PurgeSummary:
        """One summary of every commune's purge; enterprises named with their commune when
        several communes had workers to anonymise."""
        found = []
        with transaction.atomic():
            for commune in each_commune():
                with commune_scope(commune):
                    found.append((commune.name, personal_data_purge(today=today, dry_run=dry_run)))
        several = sum(1 for _name, summary in found if summary.by_enterprise) > 1
        return PurgeSummary(
            cutoff=(today or timezone.localdate()) - datetime.timedelta(days=retention_days()),
            workers=sum(summary.workers for _name, summary in found),
            history_rows=sum(summary.history_rows for _name, summary in found),
            by_enterprise=[
                (f"{commune} – {name}" if several else name, count)
                for commune, summary in found
                for name, count in summary.by_enterprise
            ],
            dated=sum(summary.dated for _name, summary in found),
        )
