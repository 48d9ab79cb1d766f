"""Personal data of workers who left: removed from the row and its history once the
retention period has passed (`manage.py purge_personal_data`), the counts kept."""

import datetime
import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone

from enterprises.models import Sex, Worker
from enterprises.retention import personal_data_purge
from indicators.models import WorkerOutcome
from indicators.roster import roster_totals
from tests.factories import WorkerFactory, WorkerOutcomeFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 1)


@pytest.fixture(autouse=True)
def retention(settings):
    settings.PORTAL_PERSONAL_DATA_RETENTION_DAYS = 365


def leave(worker, days_ago):
    """Mark the worker as gone `days_ago` days before TODAY, as the roster's button does."""
    worker.is_active = False
    worker.left_on = TODAY - datetime.timedelta(days=days_ago)
    worker.save()
    return worker


@pytest.fixture
def roster(enterprise_a, indicators):
    """Mai left 366 days ago, Lan 364 days ago, Hoa still works; each met indicator b."""
    people = {
        "mai": WorkerFactory(
            enterprise=enterprise_a,
            employee_code="AP0001",
            full_name="Lê Thị Mai",
            birth_year=1990,
            job="Công nhân may",
        ),
        "lan": WorkerFactory(enterprise=enterprise_a, employee_code="AP0002", full_name="Phạm Thị Lan"),
        "hoa": WorkerFactory(enterprise=enterprise_a, employee_code="AP0003", full_name="Nguyễn Thị Hoa"),
    }
    for worker in people.values():
        WorkerOutcomeFactory(worker=worker, indicator=indicators["b"], achieved_on=datetime.date(2025, 5, 1))
    leave(people["mai"], 366)
    leave(people["lan"], 364)
    return people


def counts(enterprise):
    """Everything the figures count, over every worker (past ones too)."""
    workers = Worker.objects.filter(enterprise=enterprise).aggregate(
        all=Count("pk"), women=Count("pk", filter=Q(sex=Sex.FEMALE)), active=Count("pk", filter=Q(is_active=True))
    )
    outcomes = WorkerOutcome.objects.filter(worker__enterprise=enterprise).count()
    return workers, outcomes, roster_totals(enterprise), roster_totals(enterprise, as_of=datetime.date(2025, 12, 31))


def test_a_worker_who_left_more_than_the_retention_ago_is_anonymised_in_the_row_and_its_history(roster):
    mai = roster["mai"]
    assert mai.history.count() == 2  # added, then marked as left
    summary = personal_data_purge(today=TODAY)
    assert (summary.workers, summary.history_rows) == (1, 2)
    mai.refresh_from_db()
    assert (mai.full_name, mai.employee_code, mai.birth_year, mai.job) == ("", f"#{mai.pk}", None, "")
    assert (mai.sex, mai.is_active, mai.anonymised_on) == (Sex.FEMALE, False, TODAY)
    assert mai.outcomes.count() == 1
    for version in mai.history.all():
        assert (version.full_name, version.employee_code, version.birth_year, version.job) == (
            "",
            f"#{mai.pk}",
            None,
            "",
        )


def test_a_worker_within_the_retention_and_a_current_worker_keep_their_data(roster):
    personal_data_purge(today=TODAY)
    for key, name in (("lan", "Phạm Thị Lan"), ("hoa", "Nguyễn Thị Hoa")):
        worker = Worker.objects.get(pk=roster[key].pk)
        assert (worker.full_name, worker.anonymised_on) == (name, None)
        assert set(worker.history.values_list("full_name", flat=True)) == {name}


def test_the_retention_period_ends_on_the_day_it_reaches(roster, settings):
    settings.PORTAL_PERSONAL_DATA_RETENTION_DAYS = 364
    assert personal_data_purge(today=TODAY).workers == 2  # Lan left exactly 364 days ago


def test_counts_are_unchanged_by_the_purge(roster, enterprise_a):
    before = counts(enterprise_a)
    personal_data_purge(today=TODAY)
    assert counts(enterprise_a) == before


def test_a_dry_run_prints_what_it_would_do_and_changes_nothing(roster, enterprise_a):
    def state():
        return (
            list(Worker.objects.order_by("pk").values()),
            list(Worker.history.order_by("pk").values("full_name", "employee_code", "birth_year", "job")),
        )

    before = state()
    out = io.StringIO()
    call_command("purge_personal_data", "--dry-run", f"--date={TODAY}", stdout=out)
    assert state() == before
    output = out.getvalue()
    assert "1 would be anonymised (2 history rows)" in output
    assert f"{enterprise_a.name}: 1" in output
    assert "Dry run" in output
    assert "Lê Thị Mai" not in output and "AP0001" not in output  # the report names nobody


def test_the_command_is_idempotent(roster):
    out = io.StringIO()
    call_command("purge_personal_data", f"--date={TODAY}", stdout=out)
    assert "1 anonymised" in out.getvalue()
    after_first = list(Worker.history.order_by("pk").values())
    out = io.StringIO()
    call_command("purge_personal_data", f"--date={TODAY}", stdout=out)
    assert "0 anonymised (0 history rows)" in out.getvalue()
    assert list(Worker.history.order_by("pk").values()) == after_first


def test_a_worker_gone_without_a_leaving_date_starts_the_retention_today(enterprise_a):
    undated = WorkerFactory(enterprise=enterprise_a, is_active=False, full_name="Lê Văn Cũ")
    summary = personal_data_purge(today=TODAY)
    assert (summary.dated, summary.workers) == (1, 0)
    undated.refresh_from_db()
    assert (undated.left_on, undated.full_name) == (TODAY, "Lê Văn Cũ")
    assert personal_data_purge(today=TODAY + datetime.timedelta(days=365)).workers == 1


def test_the_migration_dates_workers_already_gone_today(enterprise_a):
    gone = WorkerFactory(enterprise=enterprise_a, is_active=False)
    dated = WorkerFactory(enterprise=enterprise_a, is_active=False, left_on=datetime.date(2026, 1, 5))
    working = WorkerFactory(enterprise=enterprise_a)
    migration = importlib.import_module("enterprises.migrations.0007_left_on_of_workers_already_gone")
    migration.date_workers_already_gone(apps, None)
    left_on = dict(Worker.objects.values_list("pk", "left_on"))
    assert left_on == {gone.pk: timezone.localdate(), dated.pk: datetime.date(2026, 1, 5), working.pk: None}
