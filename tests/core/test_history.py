"""Every change to enterprises, workers, reports, indicators, targets, periods, tasks and
activities is visible on the object's page as who / when / what changed; report workflow
transitions with their reasons. One history mechanism (core.history) and one partial
(templates/_history.html) serve every page, in a fixed number of queries."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Sex
from indicators.models import Milestone, ReportingPeriod, ReportValue, Target
from plans.models import Activity, AnnualPlan, Evidence, TaskStatus, Unit
from tests import factories
from tests.indicators.conftest import open_period, report_data  # noqa: F401 (a fixture)
from tests.plans.conftest import pdf_upload, png_upload, record_activity, tasks  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LAN = "Nguyễn Thị Lan"  # the official, in Vietnamese name order
MINH = "Trần Văn Minh"  # enterprise A's union officer


class _Collect(HTMLParser):
    """The text of each element carrying `attribute`, as a reader sees it (tags dropped)."""

    def __init__(self, attribute):
        super().__init__()
        self.attribute, self.found, self.depth = attribute, [], 0

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += tag == "li"
        elif tag == "li" and self.attribute in dict(attrs):
            self.depth = 1
            self.found.append("")

    def handle_endtag(self, tag):
        if self.depth and tag == "li":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.found[-1] += data


def entries(response, attribute="data-history-entry") -> list[str]:
    """The page's history entries, newest first, each as one line of text."""
    parser = _Collect(attribute)
    parser.feed(response.content.decode())
    return [" ".join(text.split()) for text in parser.found]


def newest_by(response, name: str) -> str:
    """The newest history entry made by `name`; fails when there is none."""
    made = [entry for entry in entries(response) if name in entry]
    assert made, f"no history entry by {name}: {entries(response)}"
    return made[0]


def test_an_enterprise_page_shows_who_changed_its_details(client_for, official, officer_a, enterprise_a):
    client_for(officer_a).post(
        reverse("enterprises:enterprise_contacts_update", args=[enterprise_a.pk]),
        {"phone": "0912 345 678", "email": "", "union_name": enterprise_a.union_name},
    )
    client_for(official).post(reverse("enterprises:enterprise_deactivate", args=[enterprise_a.pk]))
    response = client_for(official).get(enterprise_a.get_absolute_url())
    first, second = entries(response)[:2]
    assert LAN in first and "Đang theo dõi: Có → Không" in first
    assert f"Ngừng theo dõi từ ngày: — → {timezone.localdate():%d/%m/%Y}" in first
    assert MINH in second and "Điện thoại liên hệ: — → 0912 345 678" in second
    assert timezone.localtime().strftime("%d/%m/%Y") in first


def test_an_officers_account_changes_show_on_their_page_and_their_enterprises(
    client_for, official, officer_a, enterprise_a
):
    officer = officer_a.union_officer
    url = reverse("enterprises:officer_update", args=[enterprise_a.pk, officer.pk])
    client_for(official).post(
        url, {"full_name": MINH, "email": "minh@anphat.vn", "phone": "0987 654 321", "position": "Chủ tịch"}
    )
    entry = newest_by(client_for(official).get(url), LAN)
    assert "Sửa thông tin tài khoản" in entry and "Điện thoại: — → 0987 654 321" in entry
    entry = newest_by(client_for(official).get(enterprise_a.get_absolute_url()), LAN)
    assert f"Cán bộ {MINH} · Chức vụ: — → Chủ tịch" in entry


def test_a_workers_page_shows_changes_to_the_worker_and_their_outcomes(
    client_for, official, officer_a, enterprise_a, indicators
):
    worker = factories.WorkerFactory(enterprise=enterprise_a, employee_code="AP0001", full_name="Lê Thị Mai")
    a = indicators["a"].pk
    client_for(officer_a).post(
        reverse("indicators:worker_update", args=[enterprise_a.pk, worker.pk]),
        {
            "employee_code": "AP0001",
            "full_name": "Lê Thị Mai",
            "sex": Sex.FEMALE,
            "birth_year": "1995",
            "job": "Tổ trưởng tổ may",
            f"met_{a}": "on",
            f"date_{a}": "2025-03-15",
        },
    )
    entry = newest_by(client_for(official).get(worker.get_absolute_url()), MINH)
    assert "Công việc: Công nhân may → Tổ trưởng tổ may" in entry
    assert "Chính trị, pháp luật: — → 15/03/2025" in entry


def test_a_task_page_shows_status_units_and_notes_changed(client_for, official, viewer, tasks):
    task = tasks["2c"]
    client_for(official).post(
        reverse("plans:task_update", args=[task.pk]),
        {
            "version": task.version,
            "status": TaskStatus.IN_PROGRESS,
            "lead_unit": task.lead_unit_id,
            "coordinating_units": [Unit.objects.get(code="mttq").pk],
            "progress_notes": "Đã gửi công văn.",
        },
    )
    entry = newest_by(client_for(viewer).get(task.get_absolute_url()), LAN)
    assert "Trạng thái: Chưa triển khai → Đang triển khai" in entry
    assert "Đơn vị phối hợp:" in entry and "→ MTTQ và các đoàn thể" in entry
    assert "Ghi chú tiến độ: — → Đã gửi công văn." in entry


def test_an_activity_page_shows_field_changes_and_evidence_files_added(
    client_for, official, officer_a, enterprise_a, tasks
):
    data = {
        "task": tasks["4b"].pk,
        "date": "2025-08-22",
        "title": "Hội thi thợ giỏi",
        "enterprises": [enterprise_a.pk],
        "workers_reached": "40",
    }
    client_for(officer_a).post(reverse("plans:activity_create"), {**data, "files": [png_upload("anh.png")]})
    activity = Activity.objects.get()
    client_for(official).post(
        reverse("plans:activity_update", args=[activity.pk]),
        {
            **data,
            "title": "Hội thi “Bàn tay vàng”",
            "owner_enterprise": enterprise_a.pk,
            "workers_reached": "1200",
            "files": [pdf_upload("ket-qua.pdf")],
        },
    )
    response = client_for(officer_a).get(activity.get_absolute_url())
    entry = newest_by(response, LAN)
    assert "Tiêu đề: Hội thi thợ giỏi → Hội thi “Bàn tay vàng”" in entry
    assert "Số công nhân lao động tham gia: 40 → 1.200" in entry
    assert "Tệp minh chứng: — → ket-qua.pdf" in entry
    created = newest_by(response, MINH)
    assert "Tạo mới" in created and "Tệp minh chứng: — → anh.png" in created


def test_an_annual_plan_page_shows_the_tasks_scheduled_and_notes_changed(client_for, official, viewer, tasks):
    url = reverse("plans:annual_plan_update", args=[2026])
    client_for(official).post(url, {"tasks": [tasks["1c"].pk], "notes": "Trọng tâm: đọc sách."})
    client_for(official).post(url, {"tasks": [tasks["1c"].pk, tasks["4đ"].pk], "notes": "Trọng tâm: kỹ năng số."})
    response = client_for(viewer).get(reverse("plans:annual_plan_detail", args=[2026]))
    newest, oldest = entries(response)
    assert LAN in newest and "Ghi chú: Trọng tâm: đọc sách. → Trọng tâm: kỹ năng số." in newest
    assert f"Nhiệm vụ triển khai trong năm: {tasks['1c']} → " in newest and str(tasks["4đ"]) in newest
    assert LAN in oldest and "Tạo mới" in oldest


def test_a_report_page_shows_figure_changes_and_the_workflow_with_reasons(
    client_for, official, officer_a, enterprise_a, open_period
):
    period_url = reverse("indicators:period_detail", args=[open_period.code])
    client_for(officer_a).post(period_url, report_data(counts={"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}))
    report = enterprise_a.reports.get(period=open_period)
    client_for(official).post(
        reverse("indicators:report_return", args=[open_period.code, enterprise_a.pk]),
        {"version": report.version, "reason": "Chỉ tiêu a cao hơn danh sách công nhân."},
    )
    report.refresh_from_db()
    client_for(officer_a).post(
        period_url, report_data(total=120, counts={"a": 95, "b": 70, "c": 60, "d": 60, "e": 30}, version=report.version)
    )
    response = client_for(official).get(report.get_absolute_url())
    entry = newest_by(response, MINH)
    assert "Chỉ tiêu a: 90 → 95" in entry and "Tổng số CNLĐ: 100 → 120" in entry
    assert "Trạng thái: Bị trả lại → Đã gửi (chờ duyệt)" in entry
    returned = newest_by(response, LAN)
    assert "Trạng thái: Đã gửi (chờ duyệt) → Bị trả lại" in returned
    assert "Lý do trả lại: — → Chỉ tiêu a cao hơn danh sách công nhân." in returned
    events = entries(response, "data-event")
    assert any(
        LAN in event and "Trả lại" in event and "Lý do: Chỉ tiêu a cao hơn danh sách công nhân." in event
        for event in events
    )


def test_a_reopened_report_shows_who_reopened_it_and_why(client_for, official, officer_a, enterprise_a, open_period):
    client_for(officer_a).post(reverse("indicators:period_detail", args=[open_period.code]), report_data())
    report = enterprise_a.reports.get(period=open_period)
    client = client_for(official)
    client.post(
        reverse("indicators:report_approve", args=[open_period.code, enterprise_a.pk]), {"version": report.version}
    )
    report.refresh_from_db()
    client.post(
        reverse("indicators:report_reopen", args=[open_period.code, enterprise_a.pk]),
        {"version": report.version, "reason": "Doanh nghiệp báo sai tổng số."},
    )
    response = client.get(report.get_absolute_url())
    assert "Trạng thái: Đã duyệt → Bị trả lại" in newest_by(response, LAN)
    assert any(
        LAN in event and "Mở lại" in event and "Doanh nghiệp báo sai tổng số." in event
        for event in entries(response, "data-event")
    )


def test_an_indicator_page_shows_changes_to_it_its_targets_and_milestones(client_for, official, viewer, indicators):
    e = indicators["e"]
    client_for(official).post(
        reverse("indicators:indicator_detail", args=["e"]),
        {
            "name": e.name,
            "description": e.description,
            "baseline": "12,5",
            "baseline_year": e.baseline_year,
            "version": e.version,
            "target_2025": "35",
            "target_2030": "62",
            **{f"milestone_{year}": "45" if year == 2027 else "" for year in range(2024, 2031)},
        },
    )
    entry = newest_by(client_for(viewer).get(e.get_absolute_url()), LAN)
    assert "Giá trị năm gốc (%): — → 12,5" in entry
    assert "Mục tiêu năm 2030: 60 → 62" in entry
    assert "Mốc lộ trình năm 2027: — → 45" in entry


def test_the_period_page_shows_who_opened_it_and_moved_its_deadline(client_for, official, plan):
    client = client_for(official)
    client.post(reverse("indicators:period_open", args=["2026"]))
    period = ReportingPeriod.objects.get(code="2026")
    new_deadline = period.deadline + datetime.timedelta(days=10)
    client.post(reverse("indicators:period_deadline", args=["2026"]), {"deadline": new_deadline.strftime("%d/%m/%Y")})
    newest, opened = entries(client.get(period.get_absolute_url()))[:2]
    assert LAN in newest and f"Hạn nộp: {period.deadline:%d/%m/%Y} → {new_deadline:%d/%m/%Y}" in newest
    assert LAN in opened and "Tình trạng: Chưa mở → Đang mở" in opened


def test_changes_written_by_nobody_in_particular_are_shown_as_the_systems(client_for, official, enterprise_a):
    enterprise_a.sector = "Da giày"
    enterprise_a.save()
    entry = entries(client_for(official).get(enterprise_a.get_absolute_url()))[0]
    assert "Hệ thống" in entry and "Ngành nghề: Dệt may → Da giày" in entry


def test_older_changes_fold_away_but_stay_on_the_page(client_for, official, enterprise_a):
    for i in range(12):
        enterprise_a.phone = f"0237 000 {i:03d}"
        enterprise_a._history_date = timezone.now() + datetime.timedelta(minutes=i)
        enterprise_a.save()
    response = client_for(official).get(enterprise_a.get_absolute_url())
    assert len(entries(response)) == 13  # 12 changes and the creation
    page = response.content.decode()
    assert "3 thay đổi trước đó" in page and "0237 000 000" in page


# --- a fixed number of queries, however long the history ------------------------------

BASE = timezone.make_aware(datetime.datetime(2025, 1, 1, 8, 0))


def spread(obj, i, user):
    """Save `obj` as `user` on day i, so that each save is an action of its own."""
    obj._history_date = BASE + datetime.timedelta(days=i)
    obj._history_user = user
    obj.save()


def grow_enterprise(n, user, enterprise_a, officer_a, **_):
    officer = officer_a.union_officer
    for i in range(n):
        enterprise_a.phone, officer.position = f"0237 {i:06d}", f"Chức vụ {i}"
        spread(enterprise_a, i, user)
        spread(officer, i, user)
    return enterprise_a.get_absolute_url()


def grow_officer(n, user, enterprise_a, officer_a, **_):
    officer = officer_a.union_officer
    for i in range(n):
        officer.phone = f"0912 {i:06d}"
        spread(officer, i, user)
    return reverse("enterprises:officer_update", args=[enterprise_a.pk, officer.pk])


def grow_worker(n, user, enterprise_a, indicators, **_):
    worker = factories.WorkerFactory(enterprise=enterprise_a)
    outcome = factories.WorkerOutcomeFactory(worker=worker, indicator=indicators["a"])
    for i in range(n):
        worker.job, outcome.achieved_on = f"Việc {i}", datetime.date(2025, 1, 1) + datetime.timedelta(days=i)
        spread(worker, i, user)
        spread(outcome, i, user)
    return worker.get_absolute_url()


def grow_task(n, user, tasks, **_):
    task = tasks["1a"]
    for i in range(n):
        task.progress_notes = f"Ghi chú {i}"
        spread(task, i, user)
    return task.get_absolute_url()


def grow_activity(n, user, tasks, enterprise_a, **_):
    activity = record_activity(task=tasks["1c"], user=user, enterprises=[enterprise_a], files=[png_upload()])
    for i in range(n):
        activity.workers_reached = i
        spread(activity, i, user)
        evidence = Evidence(
            activity=activity,
            file=f"evidence/{i}.pdf",
            original_name=f"{i}.pdf",
            content_type="application/pdf",
            size=1,
        )
        spread(evidence, i, user)
    return activity.get_absolute_url()


def grow_annual_plan(n, user, plan, tasks, **_):
    annual = AnnualPlan.objects.create(plan=plan, year=2026)
    annual.tasks.set([tasks["1a"], tasks["2b"]])
    for i in range(n):
        annual.notes = f"Ghi chú {i}"
        spread(annual, i, user)
    return annual.get_absolute_url()


def grow_report(n, user, enterprise_a, open_period, **_):
    report = factories.ReportFactory(enterprise=enterprise_a, period=open_period, counts={"a": 1, "b": 1})
    values = list(ReportValue.objects.filter(report=report))
    for i in range(n):
        report.total_workers = 100 + i
        spread(report, i, user)
        for value in values:
            value.count = i
            spread(value, i, user)
    return report.get_absolute_url()


def grow_indicator(n, user, indicators, **_):
    indicator = indicators["b"]
    target = Target.objects.get(indicator=indicator, year=2030)
    milestone = Milestone.objects.create(indicator=indicator, year=2027, value=50)
    for i in range(n):
        indicator.description, target.value, milestone.value = f"Mô tả {i}", 80 + i % 10, 40 + i % 10
        for obj in (indicator, target, milestone):
            spread(obj, i, user)
    return indicator.get_absolute_url()


def grow_period(n, user, open_period, **_):
    for i in range(n):
        open_period.deadline = datetime.date(2026, 7, 1) + datetime.timedelta(days=i)
        spread(open_period, i, user)
    return open_period.get_absolute_url()


# The whole page's queries (session, user, the commune's name from its row, the page's own
# data and its history).
PAGES = {
    grow_enterprise: 13,
    grow_officer: 7,
    grow_worker: 12,
    grow_task: 12,
    grow_activity: 13,
    grow_annual_plan: 13,
    grow_report: 14,
    grow_indicator: 15,
    grow_period: 12,  # the review queue asks which enterprises can be e-mailed
}


@pytest.mark.parametrize("rows", [3, 30])
@pytest.mark.parametrize("grow", PAGES, ids=lambda grow: grow.__name__.removeprefix("grow_"))
def test_the_history_costs_the_same_queries_for_3_and_30_changes(
    grow,
    rows,
    client_for,
    official,
    officer_a,
    enterprise_a,
    indicators,
    tasks,
    open_period,
    plan,
    django_assert_max_num_queries,
):
    url = grow(
        rows,
        official,
        enterprise_a=enterprise_a,
        officer_a=officer_a,
        indicators=indicators,
        tasks=tasks,
        open_period=open_period,
        plan=plan,
    )
    client = client_for(official)
    with django_assert_max_num_queries(PAGES[grow]):
        response = client.get(url)
    assert response.status_code == 200
    assert len(entries(response)) > rows  # every change is on the page
