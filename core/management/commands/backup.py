"""`manage.py backup FILE.zip`: the database rows and uploaded files in one checked archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one zip file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write the backup, e.g. backup-2026-01-05.zip")

    def handle(self, *args, **options):
        try:
            manifest = backup_create(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error)) from error
        except (OSError, DatabaseError) as error:
            raise CommandError(f"The backup was not written ({error}); {options['file']} is as it was.") from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {options['file']}: {rows} rows, media files: {len(manifest['files']) - 1}."
            )
        )
