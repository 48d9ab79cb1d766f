import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from core.backup import row_counts
from indicators import progress
from indicators.models import EnterpriseReport
from plans.models import Evidence
from tests.factories import ActivityFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filled(plan, enterprise_a, enterprise_b, officer_a, official):
    period = PeriodFactory(year=2025)
    ReportFactory(enterprise=enterprise_a, period=period, total_workers=120, counts={"a": 100, "e": 30})
    ReportFactory(enterprise=enterprise_b, period=period, total_workers=80, counts={"a": 70})
    activity = ActivityFactory(task=plan.task_groups.first().tasks.first())
    evidence = Evidence(activity=activity, original_name="anh.png", content_type="image/png", size=4)
    evidence.file.save("anh.png", ContentFile(b"\x89PNG"), save=True)
    return period


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
    assert open(evidence_path, "rb").read() == b"\x89PNG"
    assert Evidence.objects.get().file.read() == b"\x89PNG"


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


def test_a_backup_with_unsafe_paths_is_refused(filled, tmp_path):
    call_command("backup", str(tmp_path / "b.zip"))
    with zipfile.ZipFile(tmp_path / "b.zip", "a") as archive:
        archive.writestr("media/../../escape.txt", "x")
    with pytest.raises(CommandError, match="unsafe path"):
        call_command("restore", str(tmp_path / "b.zip"), yes=True)
