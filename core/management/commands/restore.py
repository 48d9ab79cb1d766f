"""`manage.py restore FILE.zip`: replace the database and uploaded files, after checking everything."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database and uploaded files with a backup made by `backup`, once all of it is checked."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options):
        if not options["yes"]:
            answer = input("Everything in the database and media folder will be replaced. Type 'yes': ")
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing changed.")
        try:
            manifest = backup_restore(Path(options["file"]))
        except BackupError as error:
            raise CommandError(str(error) if error.changed else f"{error} Nothing changed.") from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Restored {rows} rows from {manifest['created_at']}."))
        if manifest["format"] == 1:
            self.stdout.write(
                "This backup was made before backups listed their files' checksums: "
                "its files were checked by the zip's own checksums only."
            )
