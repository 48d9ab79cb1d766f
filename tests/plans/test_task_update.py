"""The official edits a task's status, units and notes; two edits at once must not
silently overwrite each other (optimistic locking on Task.version)."""

import pytest
from django.urls import reverse

from core import locking
from plans import services
from plans.models import Task, TaskStatus, Unit

pytestmark = pytest.mark.django_db


def form_data(task, **changes):
    data = {
        "version": task.version,
        "status": task.status,
        "lead_unit": task.lead_unit_id,
        "coordinating_units": [unit.pk for unit in task.coordinating_units.all()],
        "progress_notes": task.progress_notes,
    }
    data.update(changes)
    return data


def test_the_official_updates_status_units_and_notes(client_for, official, tasks):
    task = tasks["2c"]
    union = Unit.objects.get(code="cong-doan")
    response = client_for(official).post(
        reverse("plans:task_update", args=[task.pk]),
        form_data(
            task,
            status=TaskStatus.IN_PROGRESS,
            coordinating_units=[union.pk],
            progress_notes="Đã gửi công văn vận động 12 doanh nghiệp.",
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == task.get_absolute_url()
    assert "Đã cập nhật nhiệm vụ." in response.content.decode()
    task.refresh_from_db()
    assert task.status == TaskStatus.IN_PROGRESS
    assert task.progress_notes == "Đã gửi công văn vận động 12 doanh nghiệp."
    assert list(task.coordinating_units.all()) == [union]
    assert task.version == 2
    latest = task.history.first()
    assert latest.history_user == official and latest.status == TaskStatus.IN_PROGRESS
    assert {row.unit_id for row in latest.coordinating_units.all()} == {union.pk}


def test_one_edit_is_one_history_record(client_for, official, tasks):
    task = tasks["3b"]
    before = task.history.count()
    client_for(official).post(
        reverse("plans:task_update", args=[task.pk]),
        form_data(task, status=TaskStatus.DONE, coordinating_units=[], progress_notes="Xong."),
    )
    assert task.history.count() == before + 1


def test_saving_without_changes_keeps_the_version(client_for, official, tasks):
    task = tasks["1a"]
    response = client_for(official).post(reverse("plans:task_update", args=[task.pk]), form_data(task), follow=True)
    assert "Không có thay đổi nào." in response.content.decode()
    task.refresh_from_db()
    assert task.version == 1


def test_a_stale_form_is_refused_and_keeps_what_the_official_typed(client_for, official, tasks):
    """Chị Lan opens the form on her phone; meanwhile a colleague marks the task done."""
    task = tasks["1b"]
    stale = form_data(task, status=TaskStatus.IN_PROGRESS, progress_notes="Ghi chú của chị Lan")
    services.task_update(
        task=task,
        version=task.version,
        status=TaskStatus.DONE,
        lead_unit=task.lead_unit,
        coordinating_units=task.coordinating_units.all(),
        progress_notes="Ghi chú của đồng nghiệp",
    )

    response = client_for(official).post(reverse("plans:task_update", args=[task.pk]), stale)

    assert response.status_code == 200
    page = response.content.decode()
    assert "người khác đã thay đổi nhiệm vụ này" in page
    assert "Ghi chú của chị Lan" in page  # her input is kept in the form
    assert "Ghi chú của đồng nghiệp" in page  # and the current values are shown beside it
    form = response.context["form"]
    assert form["progress_notes"].value() == "Ghi chú của chị Lan"
    assert form["status"].value() == TaskStatus.IN_PROGRESS
    assert int(form["version"].value()) == 2  # saving again is a deliberate overwrite
    task.refresh_from_db()
    assert (task.status, task.progress_notes, task.version) == (TaskStatus.DONE, "Ghi chú của đồng nghiệp", 2)


def test_after_seeing_the_conflict_saving_again_overwrites(client_for, official, tasks):
    task = tasks["1b"]
    stale = form_data(task, progress_notes="Ghi chú của chị Lan")
    services.task_update(
        task=task,
        version=task.version,
        status=TaskStatus.DONE,
        lead_unit=task.lead_unit,
        coordinating_units=[],
        progress_notes="Khác",
    )
    client = client_for(official)
    refused = client.post(reverse("plans:task_update", args=[task.pk]), stale)
    again = {
        key: refused.context["form"][key].value()
        for key in ("version", "status", "lead_unit", "coordinating_units", "progress_notes")
    }
    assert client.post(reverse("plans:task_update", args=[task.pk]), again).status_code == 302
    task.refresh_from_db()
    assert (task.progress_notes, task.version) == ("Ghi chú của chị Lan", 3)


def test_the_service_refuses_a_stale_version_and_writes_nothing(tasks):
    task = tasks["5a"]
    with pytest.raises(locking.Conflict) as raised:
        services.task_update(
            task=task,
            version=task.version + 1,
            status=TaskStatus.DONE,
            lead_unit=None,
            coordinating_units=[],
            progress_notes="x",
        )
    assert raised.value.code == "conflict"
    fresh = Task.objects.get(pk=task.pk)
    assert fresh.version == 1
    assert (fresh.status, fresh.lead_unit_id, fresh.progress_notes) == (TaskStatus.NOT_STARTED, task.lead_unit_id, "")
    assert fresh.coordinating_units.count() == 4


def test_a_lead_unit_cannot_also_coordinate(client_for, official, tasks):
    task = tasks["1a"]
    response = client_for(official).post(
        reverse("plans:task_update", args=[task.pk]), form_data(task, coordinating_units=[task.lead_unit_id])
    )
    assert response.status_code == 200
    assert "đã là đơn vị chủ trì" in response.content.decode()
    task.refresh_from_db()
    assert task.version == 1


def test_an_unknown_status_is_refused_with_the_input_kept(client_for, official, tasks):
    task = tasks["1a"]
    response = client_for(official).post(
        reverse("plans:task_update", args=[task.pk]), form_data(task, status="finished", progress_notes="Giữ lại")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["status"]
    assert "Giữ lại" in response.content.decode()


@pytest.mark.parametrize("who", ["officer_a", "viewer"])
def test_only_the_official_changes_a_task(client_for, cast, tasks, who):
    task = tasks["1a"]
    response = client_for(cast[who]).post(
        reverse("plans:task_update", args=[task.pk]), form_data(task, status=TaskStatus.DONE)
    )
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == TaskStatus.NOT_STARTED


def test_the_history_names_units_rather_than_numbers(client_for, official, tasks):
    task = tasks["3a"]
    new_lead = Unit.objects.get(code="van-hoa")
    client_for(official).post(
        reverse("plans:task_update", args=[task.pk]),
        form_data(task, lead_unit=new_lead.pk, coordinating_units=[Unit.objects.get(code="mttq").pk]),
    )
    response = client_for(official).get(task.get_absolute_url())
    changes = {c.label: (c.old, c.new) for c in response.context["history"][0].changes}
    assert changes["Đơn vị chủ trì"] == ("Cơ sở giáo dục nghề nghiệp", "Công chức Văn hoá – xã hội")
    assert changes["Đơn vị phối hợp"] == ("Các doanh nghiệp; Công đoàn cơ sở", "MTTQ và các đoàn thể")
