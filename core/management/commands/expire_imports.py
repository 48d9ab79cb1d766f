"""Remove the uploaded import files nobody confirmed in time (cron, hourly: README).

It reads no row, only the staging folder the whole installation shares, so it needs no
commune's scope (a commune-owned query here would raise ScopeError)."""

from django.core.management.base import BaseCommand

from core.xlsx_reading import STAGE_MAX_AGE, expire_staged


class Command(BaseCommand):
    help = "Remove uploaded Excel imports waiting for a confirmation that can no longer come."

    def handle(self, *args, **options):
        removed = expire_staged()
        self.stdout.write(f"{removed} expired import file(s) removed (older than {STAGE_MAX_AGE // 60} minutes).")
