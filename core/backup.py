"""Backup and restore of the whole portal: database rows and uploaded files.

A backup is one zip file: `data.json` (Django's serialised rows, database-neutral, so a
SQLite backup restores into PostgreSQL and back), `media/…` (the evidence files) and
`manifest.json` (when, which migrations, how many rows of each model, and each file's size
and SHA-256). The rows are one snapshot of the database, streamed into the zip model by
model; the zip is written beside its destination and renamed into place when complete.

Restoring replaces everything in the database and media folder, and only after the whole
archive has been checked: every entry's path, every member's zip checksum (by reading it),
each file's size and SHA-256 against the manifest, and the rows parsed and counted. The media
are unpacked into a folder beside MEDIA_ROOT and swapped in once the rows are committed, so a
refused restore changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections import Counter
from contextlib import contextmanager
from pathlib import Path, PureWindowsPath

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import override_settings
from django.utils import timezone
from django_scopes import scopes_disabled

from .signals import data_restored

# 2: the manifest lists every file with its size and SHA-256, and the rows are one snapshot.
# 1 (before): no list of files, and the rows were read model by model as the database changed.
FORMAT = 2
READABLE_FORMATS = {1, 2}
# Rebuilt by `migrate` or short-lived: not worth restoring, and content types and
# permissions would clash with the ones migrate already created. The project's own models
# say so themselves with a class attribute `backup_excluded = True` (the figures cache's
# revision tokens, made anew after a restore; sent creation forms, kept a day only), so
# that this lower layer names none of the layers above it.
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "admin.logentry",
    "axes",
]
MANIFEST, ROWS, MEDIA = "manifest.json", "data.json", "media/"
CHUNK = 64 * 1024
ROWS_PER_QUERY = 100  # rows fetched at once while they are written


class BackupError(Exception):
    """A backup that cannot be written or restored; `changed` says whether the restore had
    already replaced the database when it failed."""

    def __init__(self, message: str, *, changed: bool = False):
        super().__init__(message)
        self.changed = changed


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connections[DEFAULT_DB_ALIAS])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def backed_up_models() -> list:
    """The models a backup holds, each after the models its natural keys refer to."""
    app_list = [(app_config, None) for app_config in apps.get_app_configs()]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if not model._meta.proxy
        and router.allow_migrate_model(DEFAULT_DB_ALIAS, model)
        and not _excluded(model._meta.label_lower)
        and not getattr(model, "backup_excluded", False)
    ]


def row_counts() -> dict[str, int]:
    return {model._meta.label_lower: model._base_manager.count() for model in backed_up_models()}


def _excluded(label: str) -> bool:
    return any(label == item or label.startswith(item + ".") for item in EXCLUDED)


# Writing a backup.


# A backup holds, and a restore replaces, the whole installation: every commune's rows, read
# and written across communes on purpose (django-scopes' guard is off for both).
@scopes_disabled()
def backup_create(path: Path) -> dict:
    """Write a backup of the database and the media folder to `path`; return its manifest.

    A file already at `path` is replaced only once the new backup is complete.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"Cannot write the backup: the folder {path.parent} does not exist.")
    # Beside the destination, so that the finished file is renamed, not copied, into place.
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed below, then renamed into place)
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
    )
    try:
        with handle:
            with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                files = {}
                with _snapshot():
                    migrations = applied_migrations()
                    with archive.open(ROWS, "w", force_zip64=True) as member:
                        counts, files[ROWS] = _write_rows(member)
                # Read after the snapshot: every file its rows name was saved before them.
                files.update(_write_media(archive))
                manifest = {
                    "format": FORMAT,
                    "created_at": timezone.now().isoformat(),
                    "migrations": migrations,
                    "counts": counts,
                    "files": files,
                }
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return manifest


@contextmanager
def _snapshot():
    """One transaction in which every row is read as it was at one moment.

    PostgreSQL's default READ COMMITTED gives each query its own snapshot, so rows added
    between two models' queries (a worker, then its outcome) would be half in the backup;
    REPEATABLE READ gives the whole transaction the snapshot of its first query. SQLite's
    transactions are serializable already: the portal begins them IMMEDIATE, so writers wait
    for the backup's rows to be read (a deferred read transaction would be a snapshot too:
    with a rollback journal no writer can commit meanwhile, in WAL mode the reader keeps the
    snapshot of its first read).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic(durable=True):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _Digest(io.RawIOBase):
    """Passes bytes on to `out`, counting and hashing them."""

    def __init__(self, out):
        self.out, self.size, self.sha256 = out, 0, hashlib.sha256()

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.out.write(data)
        return len(data)

    def summary(self) -> dict:
        return {"size": self.size, "sha256": self.sha256.hexdigest()}


def _write_rows(member) -> tuple[dict[str, int], dict]:
    """Serialise every row into the zip member as it is read, model by model."""
    counts: dict[str, int] = {}

    def rows():
        for model in backed_up_models():
            label = model._meta.label_lower
            counts[label] = 0
            queryset = model._base_manager.order_by(model._meta.pk.name)
            for row in queryset.iterator(chunk_size=ROWS_PER_QUERY):
                counts[label] += 1
                yield row

    digest = _Digest(member)
    text = io.TextIOWrapper(io.BufferedWriter(digest, CHUNK), encoding="utf-8")
    serializers.serialize("json", rows(), stream=text, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    text.flush()
    text.detach()
    return counts, digest.summary()


def _write_media(archive: zipfile.ZipFile) -> dict[str, dict]:
    media = Path(settings.MEDIA_ROOT)
    files = {}
    if not media.is_dir():
        return files
    for file in sorted(media.rglob("*")):
        name = MEDIA + file.relative_to(media).as_posix()
        if not file.is_file():
            continue
        if reason := _unsafe(name):
            raise BackupError(
                f"The media file {file} could not be restored from a backup ({reason}); rename or remove it."
            )
        try:
            info = zipfile.ZipInfo.from_file(file, name, strict_timestamps=False)
            info.compress_type = zipfile.ZIP_DEFLATED
            with file.open("rb") as source, archive.open(info, "w") as member:
                digest = _Digest(member)
                while chunk := source.read(CHUNK):
                    digest.write(chunk)
        except FileNotFoundError:
            continue  # deleted since the listing (its row, if any, was deleted too)
        files[name] = digest.summary()
    return files


# Restoring a backup.


@scopes_disabled()
def backup_restore(path: Path) -> dict:
    """Replace the database rows and media files with the backup's; return its manifest.

    Refused, changing nothing, when the file is not a backup, was made at other migrations
    (run `migrate` to the same code first) or fails any check; `BackupError.changed` is true
    only if the rows were restored but the restored files could not take the media folder's place.
    """
    path = Path(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is not a backup file: {error}.") from error
    media = Path(os.path.realpath(settings.MEDIA_ROOT))
    with archive:
        entries = _entries(archive, path)
        manifest = _manifest(archive, path, entries)
        if os.path.ismount(media):
            raise BackupError(
                f"The media folder {media} is a mount point, which a restore cannot swap; "
                "set DJANGO_MEDIA_ROOT to a folder inside it."
            )
        media.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{media.name}-restore-", dir=media.parent))
        # mkdtemp makes it private; as the media folder it takes that folder's permissions.
        os.chmod(staging, stat.S_IMODE(media.stat().st_mode) if media.exists() else 0o755)
        try:
            with tempfile.TemporaryDirectory() as scratch:
                fixture = Path(scratch) / ROWS
                _unpack(archive, entries, manifest, staging, fixture)
                _check_rows(fixture, manifest)
                _load_rows(fixture)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    _swap_in(staging, media)
    return manifest


def _entries(archive: zipfile.ZipFile, path: Path) -> list[zipfile.ZipInfo]:
    """The archive's file entries, each checked to be the rows, the manifest or a plain
    file that lands inside the media folder."""
    infos = archive.infolist()
    names = [info.filename for info in infos]
    if not {MANIFEST, ROWS} <= set(names):
        raise BackupError(f"{path} is not a backup file: {MANIFEST} or {ROWS} missing.")
    for info in infos:
        name = info.filename.removesuffix("/") if info.is_dir() else info.filename
        if reason := _unsafe(name):
            raise BackupError(f"Refusing the unsafe path {info.filename!r} in the backup: {reason}.")
        kind = stat.S_IFMT(info.external_attr >> 16)
        if kind == stat.S_IFLNK:
            raise BackupError(f"Refusing the unsafe path {info.filename!r} in the backup: a symbolic link.")
        if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            raise BackupError(f"Refusing the unsafe path {info.filename!r} in the backup: not a plain file.")
        if name not in (MANIFEST, ROWS, MEDIA.rstrip("/")) and not name.startswith(MEDIA):
            raise BackupError(f"Refusing the unexpected entry {info.filename!r} in the backup.")
    if len(names) != len(set(names)):
        duplicate = next(name for name, count in Counter(names).items() if count > 1)
        raise BackupError(f"The backup holds {duplicate!r} twice.")
    return [info for info in infos if not info.is_dir()]


def _unsafe(name: str) -> str | None:
    """Why the entry `name` could land outside the media folder on some system, or None."""
    if "\\" in name or "\0" in name:
        return "a backslash or NUL character"
    if name.startswith("/") or PureWindowsPath(name).drive:
        return "an absolute path"
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return "an empty, '.' or '..' part"
    if any(":" in part for part in parts):
        return "a drive or stream name"
    if name.startswith(MEDIA):
        root = os.path.normpath(settings.MEDIA_ROOT)
        target = os.path.normpath(os.path.join(root, *parts[1:]))
        if os.path.commonpath([root, target]) != root or target == root:
            return "outside the media folder"
    return None


def _manifest(archive: zipfile.ZipFile, path: Path, entries: list[zipfile.ZipInfo]) -> dict:
    """The backup's manifest, checked to suit this database and to list exactly its files."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
        backup_format = manifest["format"]
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, KeyError, TypeError) as error:
        raise BackupError(f"{path} is not a backup file: its manifest cannot be read ({error}).") from error
    if backup_format not in READABLE_FORMATS:
        raise BackupError(f"Unsupported backup format {backup_format!r}.")
    if manifest.get("migrations") != applied_migrations():
        raise BackupError(
            "The backup was made at other migrations than this database has; "
            "check out the same version of the portal and run `migrate` first."
        )
    if backup_format == 1:
        return manifest  # no list of files: the zip's checksums are all there is to check
    try:
        listed = {name: (int(item["size"]), str(item["sha256"])) for name, item in manifest["files"].items()}
        dict(manifest["counts"])
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is not a backup file: its manifest is malformed ({error}).") from error
    present = {info.filename for info in entries} - {MANIFEST}
    if missing := sorted(listed.keys() - present):
        raise BackupError(f"{missing[0]} is missing from the backup.")
    if unlisted := sorted(present - listed.keys()):
        raise BackupError(f"{unlisted[0]} in the backup is not in its manifest.")
    manifest["files"] = listed
    return manifest


def _unpack(archive, entries, manifest: dict, staging: Path, fixture: Path) -> None:
    """Read every member to its end (so that zip checks its CRC), compare it with the
    manifest, and write the rows to `fixture` and the media files into `staging`."""
    listed = manifest.get("files", {})
    for info in entries:
        if info.filename == MANIFEST:
            continue
        if info.filename == ROWS:
            target = fixture
        else:
            target = Path(os.path.realpath(staging.joinpath(*info.filename.split("/")[1:])))
            if not target.is_relative_to(staging.resolve()):
                raise BackupError(
                    f"Refusing the unsafe path {info.filename!r} in the backup: outside the media folder."
                )
            target.parent.mkdir(parents=True, exist_ok=True)
        expected_size, expected_sha256 = listed.get(info.filename, (None, None))
        try:
            with archive.open(info) as member, open(target, "xb") as out:
                digest = _Digest(out)
                while chunk := member.read(CHUNK):
                    digest.write(chunk)
                    if expected_size is not None and digest.size > expected_size:
                        break
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
            raise BackupError(f"{info.filename} in the backup is damaged ({error}).") from error
        except OSError as error:
            raise BackupError(f"{info.filename} could not be unpacked: {error}.") from error
        if expected_sha256 is not None and (digest.size, digest.sha256.hexdigest()) != (
            expected_size,
            expected_sha256,
        ):
            raise BackupError(f"{info.filename} in the backup does not match its manifest (size or SHA-256).")


def _check_rows(fixture: Path, manifest: dict) -> None:
    """The rows parse, name models this portal has, and are as many as the manifest says."""
    try:
        with fixture.open("rb") as file:
            rows = json.load(file)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError("not a list of rows")
        if not all(isinstance(row.get("fields"), dict) for row in rows):
            raise ValueError("a row without its fields")
        found = Counter(apps.get_model(row["model"])._meta.label_lower for row in rows)
    except (ValueError, TypeError, KeyError, LookupError, AttributeError) as error:
        raise BackupError(f"The rows in the backup cannot be read ({error}).") from error
    if manifest["format"] == 1:
        return  # format 1 counted its rows apart from the dump, so the counts may differ
    expected = {label: count for label, count in manifest["counts"].items() if count}
    for label in sorted(found.keys() | expected.keys()):
        if found[label] != expected.get(label, 0):
            raise BackupError(
                "The rows in the backup do not match its manifest: "
                f"{label}: {found[label]} rows, the manifest says {expected.get(label, 0)}."
            )


def _load_rows(fixture: Path) -> None:
    """Replace every row in one transaction: whatever fails, the database is as it was."""
    try:
        with transaction.atomic(durable=True):
            # flush re-creates content types, permissions and role groups (post_migrate);
            # the backup's rows, matched by natural keys, then take their place.
            call_command("flush", interactive=False, verbosity=0)
            # The history rows come from the backup; loading must not add new ones
            # (many-to-many fields are set after the raw save and would).
            with override_settings(SIMPLE_HISTORY_ENABLED=False):
                call_command("loaddata", str(fixture), verbosity=0)
            data_restored.send(sender=__name__)  # e.g. no figure cached before it is valid after it
    except Exception as error:  # rolled back, whatever it was: the message can say so
        raise BackupError(f"The rows in the backup could not be loaded: {str(error).strip()}") from error


def _swap_in(staging: Path, media: Path) -> None:
    """Put the restored files in the media folder's place; the old folder goes only once
    they are there."""
    old = media.with_name(f".{media.name}-old-{secrets.token_hex(4)}") if media.exists() else None
    try:
        if old is not None:
            os.rename(media, old)
        try:
            os.rename(staging, media)
        except OSError:
            if old is not None:
                os.rename(old, media)
            raise
    except OSError as error:
        kept = old if old is not None and old.exists() else media
        raise BackupError(
            f"The database was restored but the media folder was not ({error}): the restored files "
            f"are in {staging}, the previous files in {kept}. Move them into place by hand.",
            changed=True,
        ) from error
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
