"""The plan in a real browser: recording an activity with a photo, and the phone layout."""

from PIL import Image

from plans.models import Activity, Task
from tests.factories import PASSWORD


def task_1c(plan):
    return Task.objects.get(group__plan=plan, group__number=1, letter="c")


def test_the_official_records_an_activity_with_a_photo_and_sees_it_on_the_task_page(
    desktop, official, enterprise_a, plan, tmp_path
):
    photo = tmp_path / "tuan-le-hoc-tap.png"
    Image.new("RGB", (640, 480), (30, 120, 200)).save(photo)
    task = task_1c(plan)
    title = "Tuần lễ hưởng ứng học tập suốt đời năm 2025"

    page = desktop.login(official.username, PASSWORD)
    desktop.open(task.get_absolute_url())
    page.click("[data-action=activity-create]")
    page.wait_for_selector("form[data-form=activity]")
    assert page.input_value("#id_task") == str(task.pk)
    page.fill("#id_date", "2025-10-03")
    page.fill("#id_title", title)
    page.fill("#id_place", "Nhà văn hoá xã Hoàng Hợp")
    page.fill("#id_workers_reached", "150")
    page.check(f"#div_id_enterprises input[value='{enterprise_a.pk}']")
    page.set_input_files("#id_files", str(photo))
    page.click("form[data-form=activity] button.btn-primary")
    page.wait_for_load_state()
    assert "Đã ghi nhận hoạt động." in page.inner_text("main")

    desktop.open(task.get_absolute_url())
    card = page.locator("[data-activity]", has_text=title)
    assert "150 CNLĐ tham gia" in card.inner_text()
    thumbnail = card.locator("img.evidence-thumb")
    thumbnail.wait_for()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert thumbnail.evaluate("img => img.naturalWidth") == 640
    assert Activity.objects.get(title=title).evidence.get().original_name == "tuan-le-hoc-tap.png"
    assert not desktop.console_errors


def test_a_wrong_file_is_refused_in_the_browser_with_the_entries_kept(desktop, official, plan, tmp_path):
    fake = tmp_path / "anh.jpg"
    fake.write_bytes(b"MZ\x90\x00" + b"\x00" * 200)
    page = desktop.login(official.username, PASSWORD)
    desktop.open(f"/plan/activities/new/?task={task_1c(plan).pk}")
    page.fill("#id_date", "2025-04-21")
    page.fill("#id_title", "Ngày Sách và Văn hoá đọc Việt Nam")
    page.set_input_files("#id_files", str(fake))
    page.click("form[data-form=activity] button.btn-primary")
    page.wait_for_load_state()
    assert "không phải là ảnh" in page.inner_text("main")
    assert page.input_value("#id_title") == "Ngày Sách và Văn hoá đọc Việt Nam"
    assert not Activity.objects.exists()


def test_the_plan_page_fits_a_phone_without_horizontal_scrolling(phone, officer_a, plan):
    page = phone.login(officer_a.username, PASSWORD)
    page.click(".navbar-toggler")
    page.wait_for_selector("#main-nav.show")
    page.click("[data-nav=plan]")
    page.wait_for_selector("[data-plan]")
    assert page.locator("[data-task]").count() == 17
    phone.screenshot("plan-phone")
    assert not phone.has_horizontal_scroll()
    for path in [task_1c(plan).get_absolute_url(), "/plan/activities/", "/plan/years/", "/plan/years/2025/"]:
        phone.open(path)
        assert not phone.has_horizontal_scroll(), path
    assert not phone.console_errors


def test_the_activity_form_and_task_form_fit_a_phone(phone, official, plan):
    phone.login(official.username, PASSWORD)
    for path in [
        f"/plan/activities/new/?task={task_1c(plan).pk}",
        f"/plan/tasks/{task_1c(plan).pk}/edit/",
        "/plan/years/2026/edit/",
    ]:
        phone.open(path)
        assert not phone.has_horizontal_scroll(), path
    phone.open(f"/plan/activities/new/?task={task_1c(plan).pk}")
    phone.screenshot("activity-form-phone")
