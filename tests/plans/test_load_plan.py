import pytest
from django.core.management import call_command

from plans import services
from plans.models import Plan, Task, TaskGroup, TaskStatus, Unit

pytestmark = pytest.mark.django_db


def snapshot():
    """Everything load_plan writes, and how much history it has written."""
    tasks = Task.objects.order_by("group__number", "letter")
    return {
        "plans": list(Plan.objects.values_list("code", "title", "number", "signer_name")),
        "groups": list(TaskGroup.objects.values_list("plan__code", "number", "title")),
        "tasks": [
            (
                t.group.number,
                t.letter,
                t.order,
                t.text,
                t.status,
                t.progress_notes,
                t.version,
                t.lead_unit_id,
                sorted(t.coordinating_units.values_list("code", flat=True)),
            )
            for t in tasks.select_related("group")
        ],
        "units": list(Unit.objects.values_list("code", "name")),
        # The official's edits live in the tasks' history: a reload must not add to it.
        "task_history": Task.history.count(),
    }


def test_load_plan_creates_the_17_tasks_of_the_5_groups(plan):
    groups = {g.number: list(g.tasks.values_list("letter", flat=True)) for g in plan.task_groups.all()}
    assert groups == {
        1: ["a", "b", "c", "d"],
        2: ["a", "b", "c", "d"],
        3: ["a", "b"],
        4: ["a", "b", "c", "d", "đ"],
        5: ["a", "b"],
    }
    assert Task.objects.filter(group__plan=plan).count() == 17


def test_the_vietnamese_letter_đ_comes_after_d_and_keeps_its_text(plan):
    task = Task.objects.get(group__plan=plan, group__number=4, letter="đ")
    assert task.code == "4đ"
    assert task.text.startswith("Tiếp tục huy động sự tham gia, phối hợp của các doanh nghiệp")
    assert task.order == 5


def test_tasks_have_their_lead_and_coordinating_units(plan):
    task = Task.objects.get(group__plan=plan, group__number=4, letter="b")
    assert task.lead_unit.name == "Công đoàn cơ sở"
    assert set(task.coordinating_units.values_list("code", flat=True)) == {"doanh-nghiep", "van-hoa"}
    assert not Task.objects.filter(group__plan=plan, lead_unit__isnull=True).exists()


def test_the_plan_keeps_its_document_parts(plan):
    assert plan.is_current and Plan.objects.current() == plan
    assert len(plan.legal_bases) == 3
    assert plan.signer_name == "Lê Văn Phụng"
    assert plan.recipients[-1] == "Lưu: VT"
    assert {i.code: [t.value for t in i.targets.order_by("year")] for i in plan.indicators.all()} == {
        "a": [90, 95],
        "b": [72, 85],
        "c": [65, 85],
        "d": [65, 80],
        "e": [35, 60],
    }


def test_running_load_plan_twice_changes_nothing(plan):
    before = snapshot()
    call_command("load_plan", verbosity=0)
    assert snapshot() == before


def test_running_load_plan_again_keeps_the_officials_status_edits(plan):
    task = Task.objects.get(group__plan=plan, group__number=1, letter="c")
    services.task_update(
        task=task,
        version=task.version,
        status=TaskStatus.ONGOING,
        lead_unit=task.lead_unit,
        coordinating_units=[Unit.objects.get(code="cong-doan")],
        progress_notes="Hưởng ứng hằng năm.",
    )
    before = snapshot()
    call_command("load_plan", verbosity=0)
    assert snapshot() == before
    task.refresh_from_db()
    assert (task.status, task.progress_notes, task.version) == (TaskStatus.ONGOING, "Hưởng ứng hằng năm.", 2)
    assert list(task.coordinating_units.values_list("code", flat=True)) == ["cong-doan"]


def test_a_second_run_writes_no_history_at_all(plan):
    from django.apps import apps

    historical = [m for m in apps.get_models() if m.__name__.startswith("Historical")]
    before = {m: m.objects.count() for m in historical}
    call_command("load_plan", verbosity=0)
    assert {m: m.objects.count() for m in historical} == before
