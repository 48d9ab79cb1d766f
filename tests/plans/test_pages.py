"""Every plan page as every role: who reads, who changes, who gets 403 or 404."""

import datetime

import pytest
from django.urls import reverse

from plans import services
from plans.models import Activity, TaskStatus
from tests.factories import MilestoneFactory, UserFactory

from .conftest import record_activity

pytestmark = pytest.mark.django_db

READ = "read"
CHANGE = "change"


def page_urls(tasks, commune_activity):
    task = tasks["1c"]
    return [
        (READ, reverse("plans:plan_detail")),
        (READ, reverse("plans:task_detail", args=[task.pk])),
        (READ, reverse("plans:activity_list")),
        (READ, reverse("plans:activity_detail", args=[commune_activity.pk])),
        (READ, reverse("plans:evidence_download", args=[commune_activity.pk, commune_activity.evidence.get().pk])),
        (READ, reverse("plans:annual_plan_list")),
        (READ, reverse("plans:annual_plan_detail", args=[2025])),
        (CHANGE, reverse("plans:task_update", args=[task.pk])),
        (CHANGE, reverse("plans:annual_plan_update", args=[2025])),
        (CHANGE, reverse("plans:activity_update", args=[commune_activity.pk])),
        (CHANGE, reverse("plans:activity_delete", args=[commune_activity.pk])),
    ]


@pytest.mark.parametrize("who", ["official", "officer_a", "officer_b", "viewer"])
def test_every_role_reads_the_plan_and_only_the_official_changes_it(who, cast, client_for, tasks, commune_activity):
    client = client_for(cast[who])
    for kind, url in page_urls(tasks, commune_activity):
        expected = 200 if kind == READ or who == "official" else 403
        assert client.get(url).status_code == expected, (who, url)


def test_anonymous_visitors_are_sent_to_the_login_page(client, tasks, commune_activity):
    for _kind, url in page_urls(tasks, commune_activity):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_a_user_without_a_role_is_refused(client, tasks):
    client.force_login(UserFactory())
    assert client.get(reverse("plans:plan_detail")).status_code == 403


@pytest.mark.parametrize("who, expected", [("official", 200), ("officer_a", 200), ("viewer", 403)])
def test_the_official_and_officers_record_activities_and_the_viewer_does_not(who, expected, cast, client_for, plan):
    assert client_for(cast[who]).get(reverse("plans:activity_create")).status_code == expected


class TestAnActivityOfEnterpriseA:
    """Recorded by enterprise A's officer: enterprise B's officer may not learn it exists."""

    def urls(self, activity):
        evidence = activity.evidence.first()
        return {
            "detail": reverse("plans:activity_detail", args=[activity.pk]),
            "update": reverse("plans:activity_update", args=[activity.pk]),
            "delete": reverse("plans:activity_delete", args=[activity.pk]),
            "download": reverse("plans:evidence_download", args=[activity.pk, evidence.pk]),
        }

    def test_is_404_everywhere_for_the_officer_of_enterprise_b(self, client_for, officer_b, activity_a):
        client = client_for(officer_b)
        for name, url in self.urls(activity_a).items():
            assert client.get(url).status_code == 404, name
        evidence = activity_a.evidence.first()
        assert client.post(reverse("plans:evidence_delete", args=[activity_a.pk, evidence.pk])).status_code == 404
        assert client.post(reverse("plans:activity_delete", args=[activity_a.pk])).status_code == 404
        assert Activity.objects.filter(pk=activity_a.pk).exists()

    def test_is_open_to_its_own_officer(self, client_for, officer_a, activity_a):
        client = client_for(officer_a)
        for name, url in self.urls(activity_a).items():
            assert client.get(url).status_code == 200, name

    def test_is_read_but_not_changed_by_the_viewer(self, client_for, viewer, activity_a):
        urls = self.urls(activity_a)
        client = client_for(viewer)
        assert client.get(urls["detail"]).status_code == 200
        assert client.get(urls["download"]).status_code == 200
        assert client.get(urls["update"]).status_code == 403
        assert client.post(urls["delete"]).status_code == 403

    def test_is_changed_by_the_official(self, client_for, official, activity_a):
        client = client_for(official)
        for name, url in self.urls(activity_a).items():
            assert client.get(url).status_code == 200, name

    def test_is_not_listed_anywhere_for_enterprise_b(self, client_for, officer_a, officer_b, activity_a, tasks):
        client = client_for(officer_b)
        for url in [
            reverse("plans:plan_detail"),
            reverse("plans:task_detail", args=[tasks["4b"].pk]),
            reverse("plans:activity_list"),
            reverse("plans:annual_plan_detail", args=[2025]),
        ]:
            assert activity_a.title not in client.get(url).content.decode(), url
        assert activity_a.title in client_for(officer_a).get(reverse("plans:activity_list")).content.decode()


def test_officers_read_commune_activities_but_cannot_change_them(client_for, officer_b, commune_activity):
    client = client_for(officer_b)
    page = client.get(reverse("plans:activity_detail", args=[commune_activity.pk])).content.decode()
    assert commune_activity.title in page
    assert reverse("plans:activity_update", args=[commune_activity.pk]) not in page
    assert client.post(reverse("plans:activity_update", args=[commune_activity.pk]), {}).status_code == 403


def test_the_navigation_offers_the_plan_to_every_role(client_for, cast):
    for who, user in cast.items():
        page = client_for(user).get(reverse("plans:activity_list")).content.decode()
        assert 'data-nav="plan"' in page and "Kế hoạch" in page, who


class TestThePlanPage:
    def test_renders_sections_I_to_V_from_the_data(self, client_for, viewer, plan):
        page = client_for(viewer).get(reverse("plans:plan_detail")).content.decode()
        for text in [
            "Số: /KH-UBND",
            "Hoàng Hợp, ngày tháng 12 năm 2023",
            "Quyết định số 1268/QĐ-TTg ngày 19/10/2022",
            "Mục đích, yêu cầu",
            "Tạo sự thống nhất trong nhận thức",
            "Các ngành đoàn thể căn cứ chức năng",
            "Mục tiêu",
            "Tiếp tục khơi dậy, phát huy truyền thống hiếu học",
            "Nhiệm vụ và giải pháp",
            "Kinh phí thực hiện",
            "Tổ chức thực hiện",
            "Phối hợp theo dõi, đôn đốc, kiểm tra",
            "Liên đoàn Lao động huyện (b/c);",
            "CHỦ TỊCH",
            "Lê Văn Phụng",
        ]:
            assert text in page, text

    def test_shows_each_indicator_with_its_2025_and_2030_targets(self, client_for, viewer, plan):
        response = client_for(viewer).get(reverse("plans:plan_detail"))
        assert response.context["target_years"] == [2025, 2030]
        rows = {indicator.code: values for indicator, values in response.context["indicator_rows"]}
        assert rows["b"] == [72, 85] and rows["e"] == [35, 60]
        page = response.content.decode()
        assert "Kỹ năng nghề" in page and "72%" in page and "85%" in page

    def test_lists_every_task_with_status_lead_unit_and_latest_activity(
        self, client_for, official, tasks, commune_activity
    ):
        older = record_activity(task=tasks["1c"], user=official, title="Tuần lễ 2024", date=datetime.date(2024, 10, 2))
        response = client_for(official).get(reverse("plans:plan_detail"))
        page = response.content.decode()
        assert page.count('data-task="') == 17
        assert 'data-task="4đ"' in page
        task_1c = next(t for g in response.context["groups"] for t in g.task_list if t.code == "1c")
        assert task_1c.latest_activity == commune_activity != older
        assert task_1c.activity_count == 2
        assert "Chưa triển khai" in page and "Công chức Văn hoá – xã hội" in page

    def test_filters_tasks_by_status(self, client_for, official, tasks):
        for code in ("1a", "4đ"):
            task = tasks[code]
            services.task_update(
                task=task,
                version=task.version,
                status=TaskStatus.DONE,
                lead_unit=task.lead_unit,
                coordinating_units=[],
                progress_notes="",
            )
        response = client_for(official).get(reverse("plans:plan_detail"), {"status": "done"})
        shown = [t.code for g in response.context["groups"] for t in g.task_list]
        assert shown == ["1a", "4đ"]
        assert "2 nhiệm vụ phù hợp" in response.content.decode()

    def test_filters_tasks_by_a_unit_leading_or_coordinating(self, client_for, viewer, plan, tasks):
        from plans.models import Unit

        unit = Unit.objects.get(code="gdnn")
        response = client_for(viewer).get(reverse("plans:plan_detail"), {"unit": unit.pk})
        shown = [t.code for g in response.context["groups"] for t in g.task_list]
        assert shown == ["2b", "3a", "5a"]  # 3a led by it, 2b and 5a coordinated

    def test_ignores_a_filter_it_does_not_understand(self, client_for, viewer, plan):
        response = client_for(viewer).get(reverse("plans:plan_detail"), {"status": "bogus"})
        assert response.status_code == 200
        assert sum(len(g.task_list) for g in response.context["groups"]) == 17

    def test_keeps_its_number_of_queries_however_many_activities_exist(
        self, client_for, official, tasks, enterprise_a, django_assert_max_num_queries
    ):
        client = client_for(official)
        url = reverse("plans:plan_detail")
        client.get(url)  # warm the session and the role cache
        record_activity(task=tasks["1a"], user=official, enterprises=[enterprise_a])
        with django_assert_max_num_queries(16) as few:
            client.get(url)
        for task in tasks.values():
            for day in (1, 2, 3):
                record_activity(
                    task=task,
                    user=official,
                    enterprises=[enterprise_a],
                    date=datetime.date(2025, 3, day),
                    title=f"Hoạt động {task.code}{day}",
                )
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = client.get(url)
        assert response.status_code == 200

    def test_is_printable(self, client_for, viewer, plan):
        page = client_for(viewer).get(reverse("plans:plan_detail")).content.decode()
        assert "plans/plans.css" in page and "data-print" in page
        assert "d-print-none task-filter" in page

    def test_says_so_when_no_plan_is_loaded(self, client_for, official):
        response = client_for(official).get(reverse("plans:plan_detail"))
        assert response.status_code == 200
        assert "Chưa có kế hoạch" in response.content.decode()


class TestTheTaskPage:
    def test_shows_the_full_text_units_status_notes_and_activities(
        self, client_for, officer_a, tasks, commune_activity
    ):
        page = client_for(officer_a).get(reverse("plans:task_detail", args=[tasks["1c"].pk])).content.decode()
        assert tasks["1c"].text in page
        assert "Thiết chế văn hoá, thể thao" in page
        assert "Chưa triển khai" in page
        assert commune_activity.title in page
        assert (
            reverse("plans:evidence_download", args=[commune_activity.pk, commune_activity.evidence.get().pk]) in page
        )

    def test_shows_who_changed_what_and_when(self, client_for, official, viewer, tasks):
        task = tasks["2c"]
        client_for(official).post(
            reverse("plans:task_update", args=[task.pk]),
            {
                "version": task.version,
                "status": TaskStatus.IN_PROGRESS,
                "lead_unit": task.lead_unit_id,
                "coordinating_units": [u.pk for u in task.coordinating_units.all()],
                "progress_notes": "Đã vận động 3 doanh nghiệp.",
            },
        )
        response = client_for(viewer).get(reverse("plans:task_detail", args=[task.pk]))
        entry = response.context["history"][0]
        assert entry.user == official and entry.action == "changed"
        changes = {c.label: (c.old, c.new) for c in entry.changes}
        assert changes["Trạng thái"] == ("Chưa triển khai", "Đang triển khai")
        assert changes["Ghi chú tiến độ"] == ("—", "Đã vận động 3 doanh nghiệp.")
        page = response.content.decode()
        assert "Nguyễn Thị Lan" in page and "Lan Nguyễn Thị" not in page  # family name first
        assert response.context["history"][-1].action == "created"

    def test_offers_editing_only_to_the_official(self, client_for, cast, tasks):
        url = reverse("plans:task_detail", args=[tasks["1a"].pk])
        edit = reverse("plans:task_update", args=[tasks["1a"].pk])
        assert edit in client_for(cast["official"]).get(url).content.decode()
        for who in ("officer_a", "viewer"):
            assert edit not in client_for(cast[who]).get(url).content.decode()

    def test_an_unknown_task_is_404(self, client_for, official, plan):
        assert client_for(official).get(reverse("plans:task_detail", args=[99999])).status_code == 404


class TestAnnualPlans:
    def test_the_list_has_the_years_2024_to_2030(self, client_for, officer_a, plan):
        response = client_for(officer_a).get(reverse("plans:annual_plan_list"))
        assert [row["year"] for row in response.context["years"]] == list(range(2024, 2031))

    @pytest.mark.parametrize("year", [2023, 2031])
    def test_a_year_outside_the_plan_is_404(self, client_for, official, plan, year):
        client = client_for(official)
        assert client.get(reverse("plans:annual_plan_detail", args=[year])).status_code == 404
        assert client.get(reverse("plans:annual_plan_update", args=[year])).status_code == 404

    def test_the_official_schedules_tasks_for_a_year(self, client_for, official, viewer, tasks):
        client = client_for(official)
        response = client.post(
            reverse("plans:annual_plan_update", args=[2026]),
            {
                "tasks": [tasks["1c"].pk, tasks["4đ"].pk],
                "notes": "Trọng tâm: kỹ năng số.",
            },
        )
        assert response.status_code == 302
        annual = tasks["1c"].group.plan.annual_plans.get(year=2026)
        assert set(annual.tasks.all()) == {tasks["1c"], tasks["4đ"]}
        page = client_for(viewer).get(reverse("plans:annual_plan_detail", args=[2026])).content.decode()
        assert "Trọng tâm: kỹ năng số." in page and 'data-task="4đ"' in page
        assert annual.history.first().history_user == official

    def test_the_viewer_and_officers_cannot_change_a_years_plan(self, client_for, viewer, officer_a, tasks):
        for user in (viewer, officer_a):
            response = client_for(user).post(
                reverse("plans:annual_plan_update", args=[2026]), {"tasks": [tasks["1c"].pk], "notes": "x"}
            )
            assert response.status_code == 403
        assert not tasks["1c"].annual_plans.exists()

    def test_a_years_milestones_are_shown_when_set_and_only_then(self, client_for, viewer, indicators):
        MilestoneFactory(indicator=indicators["b"], year=2026, value="76.50")
        client = client_for(viewer)
        page = client.get(reverse("plans:annual_plan_detail", args=[2026])).content.decode()
        assert 'data-indicator="b"' in page and "76,5%" in page
        assert 'data-indicator="a"' not in page
        other = client.get(reverse("plans:annual_plan_detail", args=[2027])).content.decode()
        assert "milestones-title" not in other

    def test_a_year_lists_the_activities_of_that_year(self, client_for, viewer, commune_activity):
        client = client_for(viewer)
        assert commune_activity.title in client.get(reverse("plans:annual_plan_detail", args=[2025])).content.decode()
        assert (
            commune_activity.title not in client.get(reverse("plans:annual_plan_detail", args=[2026])).content.decode()
        )


@pytest.mark.parametrize("url_name", ["task_detail", "activity_list", "annual_plan_detail", "annual_plan_list"])
def test_activity_pages_keep_their_number_of_queries(
    url_name, client_for, official, tasks, enterprise_a, enterprise_b, django_assert_max_num_queries
):
    from .conftest import png_upload

    args = {"task_detail": [tasks["1c"].pk], "annual_plan_detail": [2025]}.get(url_name, [])
    url = reverse(f"plans:{url_name}", args=args)
    client = client_for(official)
    record_activity(task=tasks["1c"], user=official, enterprises=[enterprise_a], files=[png_upload()])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for day in range(1, 11):
        record_activity(
            task=tasks["1c"],
            user=official,
            enterprises=[enterprise_a, enterprise_b],
            date=datetime.date(2025, 5, day),
            title=f"Sinh hoạt chuyên đề {day}",
            files=[png_upload(), png_upload()],
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_activity_cards_offer_editing_only_where_the_user_may_change(
    client_for, officer_a, tasks, commune_activity, activity_a
):
    client = client_for(officer_a)
    page = client.get(reverse("plans:activity_list")).content.decode()
    assert reverse("plans:activity_update", args=[activity_a.pk]) in page
    assert reverse("plans:activity_update", args=[commune_activity.pk]) not in page
