"""plans.demo: realistic activities, statuses and the 2025 plan, idempotent."""

import pytest

from accounts import demo as hoanghop_demo
from enterprises import demo as enterprises_demo
from plans import demo, services
from plans.models import Activity, AnnualPlan, Task, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    hoanghop_demo.seed()
    enterprises_demo.seed()
    assert demo.seed() == []


def state():
    return {
        "activities": sorted(Activity.objects.values_list("title", "date", "task__letter", "owner_enterprise")),
        "links": Activity.enterprises.through.objects.count(),
        "tasks": sorted(Task.objects.values_list("pk", "status", "version", "progress_notes")),
        "annual": sorted(AnnualPlan.objects.values_list("year", "notes")),
        "history": Activity.history.count() + Task.history.count() + AnnualPlan.history.count(),
    }


def test_the_demo_records_the_activities_the_plan_names(seeded):
    activities = {(a.task.code, a.date.isoformat()): a for a in Activity.objects.select_related("task__group")}
    assert ("1c", "2024-10-02") in activities and ("1c", "2025-10-01") in activities
    assert activities[("1c", "2025-04-21")].title.startswith("Ngày Sách và Văn hóa đọc Việt Nam")
    assert "cán bộ công đoàn" in activities[("1b", "2025-05-16")].title
    assert "Bàn tay vàng" in activities[("4b", "2025-08-22")].title
    assert "hiếu học" in activities[("1d", "2025-08-29")].title
    contest = activities[("4b", "2025-08-22")]
    assert contest.owner_enterprise.tax_code == "2801234567"
    from enterprises.models import Enterprise

    assert activities[("1c", "2025-10-01")].enterprises.count() == Enterprise.objects.active().count() > 1


def test_the_demo_sets_some_statuses_and_the_plan_for_2025(seeded, plan):
    assert Task.objects.filter(group__plan=plan).exclude(status=TaskStatus.NOT_STARTED).count() >= 3
    annual = AnnualPlan.objects.get(plan=plan, year=2025)
    assert {t.code for t in annual.tasks.select_related("group")} >= {"1b", "1c", "4b"}


def test_seeding_twice_changes_nothing(seeded):
    before = state()
    assert demo.seed() == []
    assert state() == before


def test_seeding_again_keeps_the_officials_edits(seeded, plan):
    task = Task.objects.get(group__plan=plan, group__number=1, letter="a")
    services.task_update(
        task=task,
        version=task.version,
        status=TaskStatus.DONE,
        lead_unit=task.lead_unit,
        coordinating_units=[],
        progress_notes="Xong.",
    )
    demo.seed()
    task.refresh_from_db()
    assert (task.status, task.progress_notes) == (TaskStatus.DONE, "Xong.")


def test_the_demo_loads_the_plan_when_it_is_missing(db):
    hoanghop_demo.seed()
    demo.seed()
    assert Activity.objects.count() == len(demo.ACTIVITIES)
