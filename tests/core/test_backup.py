"""Backups and restores: the round trip, and the archives a restore must refuse without
changing anything. Every hostile or damaged archive is made here from a real backup."""

import datetime
import hashlib
import json
import os
import random
import stat
import threading
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from communes.current import every_commune
from core.backup import row_counts
from enterprises.models import Sex, Worker
from indicators import progress
from indicators.models import EnterpriseReport, Indicator, ReportValue, WorkerOutcome
from plans.models import Evidence
from tests.factories import ActivityFactory, EnterpriseFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Incompressible, so that one flipped byte in the archive is one flipped byte of the file.
PHOTO = b"\x89PNG" + random.Random(12).randbytes(3000)
MARCH_1 = datetime.date(2025, 3, 1)


@pytest.fixture
def filled(plan, enterprise_a, enterprise_b, officer_a, official):
    period = PeriodFactory(year=2025)
    ReportFactory(enterprise=enterprise_a, period=period, total_workers=120, counts={"a": 100, "e": 30})
    ReportFactory(enterprise=enterprise_b, period=period, total_workers=80, counts={"a": 70})
    activity = ActivityFactory(task=plan.task_groups.first().tasks.first())
    evidence = Evidence(activity=activity, original_name="anh.png", content_type="image/png", size=len(PHOTO))
    evidence.file.save("anh.png", ContentFile(PHOTO), save=True)
    return period


@pytest.fixture
def backup(filled, tmp_path):
    """A backup of the filled portal, after which one report is deleted: a restore that
    changed nothing leaves it deleted."""
    path = tmp_path / "b.zip"
    call_command("backup", str(path))
    EnterpriseReport.objects.filter(enterprise__tax_code="2800000002").delete()
    return path


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def evidence_member(path) -> str:
    return next(name for name in members(path) if name.startswith("media/evidence/"))


def rewrite(path, contents: dict[str, bytes], *, links: dict[str, str] | None = None, sign: bool = True) -> None:
    """Write `contents` (and symbolic-link entries `links`) as the archive at `path`. With
    `sign`, the manifest's list of files is made to match, as someone who read this code would."""
    manifest = json.loads(contents["manifest.json"])
    if sign and "files" in manifest:
        entries = {name: data for name, data in contents.items() if name != "manifest.json"}
        entries.update((name, target.encode()) for name, target in (links or {}).items())
        manifest["files"] = {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in entries.items()
        }
    path.unlink()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest))
        for name, data in contents.items():
            if name != "manifest.json":
                archive.writestr(name, data)
        for name, target in (links or {}).items():
            link = zipfile.ZipInfo(name)
            link.create_system = 3
            link.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(link, target)


def flip_a_byte_of(path, name: str) -> None:
    """Damage the stored bytes of one member, as a failing disk would."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    with open(path, "r+b") as file:
        file.seek(info.header_offset + 26)
        name_length, extra_length = int.from_bytes(file.read(2), "little"), int.from_bytes(file.read(2), "little")
        middle = info.header_offset + 30 + name_length + extra_length + info.compress_size // 2
        file.seek(middle)
        byte = file.read(1)[0]
        file.seek(middle)
        file.write(bytes([byte ^ 0x01]))


def media_state(settings) -> dict[str, bytes]:
    root = settings.MEDIA_ROOT
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def beside_media(settings) -> list[str]:
    return sorted(p.name for p in settings.MEDIA_ROOT.parent.iterdir())


def test_a_backup_restores_everything_it_held(filled, tmp_path):
    before_counts = row_counts()
    before_figures = progress.commune_progress(filled)
    evidence_path = Evidence.objects.get().file.path
    call_command("backup", str(tmp_path / "b.zip"))

    EnterpriseReport.objects.all().delete()
    Evidence.objects.get().file.delete()
    call_command("restore", str(tmp_path / "b.zip"), yes=True)

    assert row_counts() == before_counts
    assert progress.commune_progress(filled) == before_figures
    assert Path(evidence_path).read_bytes() == PHOTO
    assert Evidence.objects.get().file.read() == PHOTO


def test_the_users_can_still_log_in_after_a_restore(filled, tmp_path, client, official):
    call_command("backup", str(tmp_path / "b.zip"))
    call_command("restore", str(tmp_path / "b.zip"), yes=True)
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": official.username, "password": PASSWORD})
    assert response.status_code == 302


def test_a_file_that_is_not_a_backup_changes_nothing(filled, tmp_path):
    bogus = tmp_path / "bogus.zip"
    with zipfile.ZipFile(bogus, "w") as archive:
        archive.writestr("hello.txt", "hi")
    before = row_counts()
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(bogus), yes=True)
    assert row_counts() == before


# Finding 3: every entry must land inside the media folder.

HOSTILE_NAMES = [
    "media//{outside}/x.txt",  # passed the old check: Path() folds the double slash
    "media/../outside.txt",
    "media/evidence/../../outside.txt",
    "{outside}/x.txt",
    "media/C:/outside.txt",
    "media/C:\\outside.txt",
    "media\\..\\outside.txt",
    "media/..\\..\\outside.txt",
    "media/\\\\server\\share\\outside.txt",
]


@pytest.mark.parametrize("hostile", HOSTILE_NAMES)
def test_a_backup_with_an_entry_outside_the_media_folder_is_refused_before_anything_changes(
    backup, tmp_path, settings, hostile
):
    outside = tmp_path / "outside"
    contents = members(backup)
    contents[hostile.format(outside=outside)] = b"x"
    rewrite(backup, contents)
    before, before_media, before_beside = row_counts(), media_state(settings), beside_media(settings)

    with pytest.raises(CommandError, match="unsafe path") as refusal:
        call_command("restore", str(backup), yes=True)

    assert "Nothing changed" in str(refusal.value)
    assert row_counts() == before
    assert media_state(settings) == before_media
    assert beside_media(settings) == before_beside
    assert not outside.exists()
    assert not (tmp_path / "outside.txt").exists()


def test_a_backup_with_a_symbolic_link_entry_is_refused_before_anything_changes(backup, tmp_path, settings):
    outside = tmp_path / "outside"
    outside.mkdir()
    rewrite(backup, members(backup), links={"media/evidence/link": str(outside)})
    before, before_media = row_counts(), media_state(settings)

    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(backup), yes=True)

    assert row_counts() == before
    assert media_state(settings) == before_media
    assert list(outside.iterdir()) == []


def test_a_backup_with_an_entry_that_is_neither_rows_nor_media_is_refused(backup):
    contents = members(backup)
    contents["settings.py"] = b"DEBUG = True"
    rewrite(backup, contents)
    before = row_counts()
    with pytest.raises(CommandError, match="unexpected entry 'settings.py'"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before


# Finding 4: the whole archive is verified before anything is touched.


def test_a_backup_with_one_damaged_file_changes_nothing(backup, settings):
    damaged = evidence_member(backup)
    flip_a_byte_of(backup, damaged)
    before, before_media, before_beside = row_counts(), media_state(settings), beside_media(settings)

    with pytest.raises(CommandError, match=f"{damaged} in the backup is damaged.*Nothing changed"):
        call_command("restore", str(backup), yes=True)

    assert row_counts() == before
    assert media_state(settings) == before_media
    assert beside_media(settings) == before_beside


def test_a_backup_with_damaged_rows_changes_nothing(backup, settings):
    flip_a_byte_of(backup, "data.json")
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match="data.json in the backup is damaged.*Nothing changed"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


def test_a_file_that_differs_from_the_manifest_is_refused(backup, settings):
    contents = members(backup)
    name = evidence_member(backup)
    contents[name] = b"\x89PNG" + bytes(len(PHOTO) - 4)  # same size, valid zip checksum, other bytes
    rewrite(backup, contents, sign=False)
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match=f"{name} in the backup does not match its manifest"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


def test_a_file_missing_from_the_backup_is_refused(backup, settings):
    contents = members(backup)
    name = evidence_member(backup)
    del contents[name]
    rewrite(backup, contents, sign=False)
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match=f"{name} is missing from the backup"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


def test_rows_that_do_not_parse_are_refused_with_a_message(backup, settings):
    contents = members(backup)
    contents["data.json"] = contents["data.json"][:-200]
    rewrite(backup, contents)
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match="The rows in the backup cannot be read.*Nothing changed"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


def test_rows_that_do_not_load_change_nothing(backup, settings):
    contents = members(backup)
    rows = json.loads(contents["data.json"])
    value = next(row for row in rows if row["model"] == "indicators.reportvalue")
    value["fields"]["report"] = 987654  # no such report
    contents["data.json"] = json.dumps(rows).encode()
    rewrite(backup, contents)
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match="(?s)The rows in the backup could not be loaded.*Nothing changed"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


def test_counts_that_differ_from_the_manifest_are_refused(backup):
    contents = members(backup)
    rows = json.loads(contents["data.json"])
    rows.remove(next(row for row in rows if row["model"] == "indicators.reportvalue"))
    contents["data.json"] = json.dumps(rows).encode()
    rewrite(backup, contents)
    before = row_counts()
    with pytest.raises(CommandError, match="indicators.reportvalue: 2 rows, the manifest says 3"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before


def test_the_old_media_stay_until_the_restored_ones_are_in_place(backup, settings, monkeypatch):
    """If the restored folder cannot take the media folder's place, the database is
    restored, the old files are still where they were, and the message says both."""
    before_media = media_state(settings)
    media, rename, calls = settings.MEDIA_ROOT, os.rename, []

    def rename_failing_into_media(source, target):
        if os.fspath(target) == os.fspath(media):
            calls.append(source)
            if len(calls) == 1:
                raise OSError("device busy")
        return rename(source, target)

    monkeypatch.setattr(os, "rename", rename_failing_into_media)
    with pytest.raises(CommandError, match="The database was restored but the media folder was not") as refusal:
        call_command("restore", str(backup), yes=True)

    assert "Nothing changed" not in str(refusal.value)
    assert str(calls[0]) in str(refusal.value)  # where the restored files wait
    assert EnterpriseReport.objects.count() == 2
    assert media_state(settings) == before_media


def test_a_restore_leaves_no_temporary_folder_behind(backup, settings):
    before_beside = beside_media(settings)
    call_command("restore", str(backup), yes=True)
    assert beside_media(settings) == before_beside
    assert EnterpriseReport.objects.count() == 2


def test_a_backup_in_the_previous_format_restores_once_its_checksums_hold(backup, settings):
    """Format 1 had no list of files: the zip's own checksums are what can be checked."""
    contents = members(backup)
    manifest = json.loads(contents["manifest.json"])
    manifest["format"] = 1
    manifest.pop("files", None)
    contents["manifest.json"] = json.dumps(manifest).encode()
    rewrite(backup, contents)

    call_command("restore", str(backup), yes=True)

    assert EnterpriseReport.objects.count() == 2
    assert Evidence.objects.get().file.read() == PHOTO


def test_a_damaged_backup_in_the_previous_format_changes_nothing(backup, settings):
    contents = members(backup)
    manifest = json.loads(contents["manifest.json"])
    manifest["format"] = 1
    manifest.pop("files", None)
    contents["manifest.json"] = json.dumps(manifest).encode()
    rewrite(backup, contents)
    flip_a_byte_of(backup, evidence_member(backup))
    before, before_media = row_counts(), media_state(settings)
    with pytest.raises(CommandError, match="is damaged.*Nothing changed"):
        call_command("restore", str(backup), yes=True)
    assert row_counts() == before
    assert media_state(settings) == before_media


# Finding 5: one snapshot, streamed to a temporary file.


def test_a_backup_that_fails_half_way_leaves_the_previous_file_as_it_was(filled, tmp_path, monkeypatch):
    path = tmp_path / "b.zip"
    path.write_bytes(b"yesterday's backup")
    dumps = json.dumps

    def disk_full_at_the_manifest(value, *args, **kwargs):
        if isinstance(value, dict) and "migrations" in value:
            raise OSError(28, "No space left on device")
        return dumps(value, *args, **kwargs)

    monkeypatch.setattr(json, "dumps", disk_full_at_the_manifest)
    with pytest.raises(CommandError, match="No space left on device"):
        call_command("backup", str(path))

    assert path.read_bytes() == b"yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["b.zip"]


def test_a_backup_into_a_missing_folder_is_a_message(filled, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup", str(tmp_path / "missing" / "b.zip"))


def test_a_backup_streams_its_rows_instead_of_holding_them(enterprise_a, tmp_path):
    call_command("backup", str(tmp_path / "warm.zip"))  # the code it imports does not count
    long_name, long_job = "Nguyễn Thị Hồng " * 15, "Công nhân may áo sơ mi xuất khẩu " * 7
    Worker.objects.bulk_create(
        Worker(enterprise=enterprise_a, employee_code=f"NV{n:06d}", full_name=long_name, sex=Sex.FEMALE, job=long_job)
        for n in range(3_000)
    )
    tracemalloc.start()
    try:
        call_command("backup", str(tmp_path / "b.zip"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with zipfile.ZipFile(tmp_path / "b.zip") as archive:
        rows_size = archive.getinfo("data.json").file_size
    assert rows_size > 2_000_000
    assert peak < rows_size / 2


@pytest.mark.postgres
def test_a_backup_taken_while_officers_add_workers_and_reports_restores_with_every_link_intact(
    plan, enterprise_a, tmp_path
):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite lets no one write while the backup reads")
    indicator = Indicator.objects.get(code="a")
    period = PeriodFactory(year=2025)
    stop, added, crashes = threading.Event(), [0], []

    def add_workers_and_reports():
        try:
            # A thread starts outside the test body's state: every commune, as the test's own.
            with every_commune():
                add_until_stopped()
        except Exception as error:
            crashes.append(error)
        finally:
            connections.close_all()

    def add_until_stopped():
        while not stop.is_set():
            n = added[0]
            with transaction.atomic():
                worker = Worker.objects.create(
                    enterprise=enterprise_a, employee_code=f"T{n:06d}", full_name=f"Công nhân {n}", sex=Sex.MALE
                )
                WorkerOutcome.objects.create(worker=worker, indicator=indicator, achieved_on=MARCH_1)
                report = EnterpriseReport.objects.create(
                    enterprise=EnterpriseFactory(tax_code=f"29{n:08d}"),
                    period=period,
                    total_workers=10,
                    female_workers=5,
                )
                ReportValue.objects.create(report=report, indicator=indicator, count=3)
            added[0] = n + 1

    writer = threading.Thread(target=add_workers_and_reports)
    writer.start()
    backups = []
    try:
        for n in range(3):
            while added[0] < 5 * (n + 1) and writer.is_alive():
                stop.wait(0.01)
            first = added[0]
            path = tmp_path / f"b{n}.zip"
            call_command("backup", str(path))
            backups.append((path, added[0] - first))
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not crashes, crashes
    assert all(written_meanwhile > 0 for _, written_meanwhile in backups), backups

    for path, _ in backups:
        call_command("restore", str(path), yes=True)
        manifest = json.loads(members(path)["manifest.json"])
        assert row_counts() == manifest["counts"]
        assert not WorkerOutcome.objects.exclude(worker__in=Worker.objects.all()).exists()
        assert not ReportValue.objects.exclude(report__in=EnterpriseReport.objects.all()).exists()
        assert Worker.objects.count() == WorkerOutcome.objects.count()
        assert EnterpriseReport.objects.count() == ReportValue.objects.count()
