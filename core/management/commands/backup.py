from pathlib import Path

from django.core.management.base import BaseCommand

from core.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. backup-2026-01-05.zip")

    def handle(self, *args, **options):
        manifest = backup_create(Path(options["file"]))
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {options['file']}: {rows} rows."))
