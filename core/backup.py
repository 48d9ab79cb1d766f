"""Backup and restore of the whole portal: database rows and uploaded files.

A backup is one zip file: `manifest.json` (when, which migrations, how many rows
of each model), `data.json` (Django's serialised rows, database-neutral, so a
SQLite backup restores into PostgreSQL and back) and `media/…` (the evidence
files). Restoring replaces everything in the database and media folder.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone

from .signals import data_restored

FORMAT = 1
# Rebuilt by `migrate` or short-lived: not worth restoring, and content types and
# permissions would clash with the ones migrate already created. The figures cache's
# revision tokens are made anew after a restore.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes", "indicators.figuresrevision"]


class BackupError(Exception):
    pass


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def row_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.managed and not model._meta.proxy and not _excluded(label):
            counts[label] = model._default_manager.count()
    return counts


def _excluded(label: str) -> bool:
    return any(label == item or label.startswith(item + ".") for item in EXCLUDED)


def backup_create(path: Path) -> dict:
    """Write a backup of the database and the media folder to `path`; return its manifest."""
    data = io.StringIO()
    call_command(
        "dumpdata", natural_foreign=True, natural_primary=True, exclude=EXCLUDED,
        stdout=data, verbosity=0,
    )
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "migrations": applied_migrations(),
        "counts": row_counts(),
    }
    media = Path(settings.MEDIA_ROOT)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("data.json", data.getvalue())
        if media.exists():
            for file in sorted(p for p in media.rglob("*") if p.is_file()):
                archive.write(file, "media/" + file.relative_to(media).as_posix())
    return manifest


def backup_restore(path: Path) -> dict:
    """Replace the database rows and media files with the backup's; return its manifest.

    Refused, changing nothing, when the file is not a backup or was made at
    other migrations (run `migrate` to the same code first).
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, FileNotFoundError) as error:
        raise BackupError(f"{path} is not a backup file: {error}") from error
    with archive:
        names = set(archive.namelist())
        if not {"manifest.json", "data.json"} <= names:
            raise BackupError(f"{path} is not a backup file: manifest.json or data.json missing")
        manifest = json.loads(archive.read("manifest.json"))
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unsupported backup format {manifest.get('format')!r}")
        if manifest["migrations"] != applied_migrations():
            raise BackupError(
                "The backup was made at other migrations than this database has; "
                "check out the same version of the portal and run `migrate` first."
            )
        for name in names:
            target = Path(name)
            if target.is_absolute() or ".." in target.parts:
                raise BackupError(f"Refusing the unsafe path {name!r} in the backup")
        with transaction.atomic():
            # flush re-creates content types, permissions and role groups (post_migrate);
            # the backup's rows, matched by natural keys, then take their place.
            call_command("flush", interactive=False, verbosity=0)
            # The history rows come from the backup; loading must not add new ones
            # (many-to-many fields are set after the raw save and would).
            with _scratch_file(archive.read("data.json")) as fixture, override_settings(
                SIMPLE_HISTORY_ENABLED=False
            ):
                call_command("loaddata", str(fixture), verbosity=0)
            data_restored.send(sender=__name__)  # e.g. no figure cached before it is valid after it
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        for name in names:
            if name.startswith("media/") and not name.endswith("/"):
                target = media / name.removeprefix("media/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(name))
    return manifest


@contextmanager
def _scratch_file(content: bytes):
    """loaddata reads fixtures from paths only: hand it a temporary .json file."""
    handle, name = tempfile.mkstemp(suffix=".json")
    with open(handle, "wb") as out:
        out.write(content)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)
