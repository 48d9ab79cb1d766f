"""The front page: the commune's dashboard for Chị Lan and Anh Tuấn, an enterprise's for Anh Minh.

The hand-computed commune of these tests, year 2024 (milestones: half of each
2025 target, interpolated from 0 in 2023):

| enterprise | status | workers | a | b | c | d | e |
|---|---|---|---|---|---|---|---|
| An Phát (A) | approved | 100 | 90 | 40 | 20 | 40 | 10 |
| Bình Minh (B) | approved | 300 | 270 | 120 | 60 | 90 | 60 |
| commune | 2 of 6 | 400 | 90,0 % Đạt | 40,0 % ≥ 36 on track | 20,0 % < 32,5 behind | 32,5 % = 32,5 on track | 17,5 % = 17,5 on track |

Cường (submitted late), Dũng (draft; approved 100 workers in 2024-H1), Én (returned)
and Phúc (nothing) have no approved report; lower bound for a: 360 / (400 + 100) = 72,0 %,
with 3 enterprises of unknown headcount. With 2 of 6 approved (fewer than half), the
commune gets no status ("Chưa đủ báo cáo để đánh giá"); the `assessed` commune (An Phát
and Bình Minh alone) gets the statuses of the last row, provisional ("tạm tính") while
2024 is open.
"""

import datetime
import itertools
import json
import re

import pytest
from django.urls import reverse

from accounts.roles import OFFICER
from dashboard import layout as dashboard
from indicators.models import PeriodState, ReportingPeriod, ReportStatus
from plans.models import Task, TaskStatus
from tests.factories import (
    ActivityFactory,
    EnterpriseFactory,
    ReportFactory,
    UnionOfficerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


TAX_CODES = itertools.count(2850000000)


def firm(**fields):
    """An enterprise whose tax code cannot clash with the cast's (the factory's sequence can)."""
    return EnterpriseFactory(tax_code=f"{next(TAX_CODES):010d}", **fields)


def period(code):
    return ReportingPeriod.objects.get(code=code)


def report(enterprise, code, total, status=ReportStatus.APPROVED, **options):
    counts = {key: options.pop(key) for key in list(options) if key in "abcde"}
    return ReportFactory(
        enterprise=enterprise,
        period=period(code),
        status=status,
        total_workers=total,
        female_workers=total // 2,
        counts=counts,
        **options,
    )


@pytest.fixture
def assessed(plan, enterprise_a, enterprise_b):
    """An Phát and Bình Minh alone, both approved: the 2024 period (open) gets its statuses."""
    ReportingPeriod.objects.filter(code="2024").update(state=PeriodState.OPEN)
    report(enterprise_a, "2024", 100, a=90, b=40, c=20, d=40, e=10)
    report(enterprise_b, "2024", 300, a=270, b=120, c=60, d=90, e=60)


@pytest.fixture
def commune(assessed):
    """The commune of the module docstring, its 2024 period open."""
    others = {
        "late": firm(name="Công ty Cường Thịnh"),
        "draft": firm(name="Hợp tác xã Dũng Tiến"),
        "returned": firm(name="Công ty Én Bạc"),
        "nothing": firm(name="Xưởng gỗ Phúc Lộc"),
    }
    report(others["late"], "2024", 50, status=ReportStatus.SUBMITTED, late=True, a=10)
    report(others["draft"], "2024", 80, status=ReportStatus.DRAFT)
    report(others["draft"], "2024-H1", 100, a=10)
    report(others["returned"], "2024", 60, status=ReportStatus.RETURNED, a=5)
    return others


def page(client, user, path=None, **params):
    client.force_login(user)
    response = client.get(path or reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def card(html, code):
    """The HTML of one indicator's card."""
    match = re.search(rf'data-indicator="{code}".*?</article>', html, re.S)
    assert match, f"no card for indicator {code}"
    return match.group(0)


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestTheCommuneDashboard:
    def test_each_card_shows_the_rate_targets_milestone_status_and_gaps(self, client, official, commune):
        html = page(client, official)
        first = text(card(html, "a"))
        assert "90,0%" in first
        assert "360 trên 400 CNLĐ" in first
        assert "Mốc lộ trình năm 2024 45,0%" in first
        assert "Mục tiêu năm 2025 90,0% đã đạt" in first
        assert "Mục tiêu năm 2030 95,0% cần thêm 20 CNLĐ" in first
        assert re.search(
            r'data-status="withheld"><i [^>]+></i> Chưa đủ báo cáo để đánh giá', first_html := card(html, "a")
        )
        assert "Đạt" not in text(first_html)

    def test_the_status_words_come_with_an_icon_and_not_colour_alone(self, client, official, assessed):
        html = page(client, official)
        assert re.search(
            r'data-status="on_track"><i class="bi [^"]+" aria-hidden="true"></i> Đúng tiến độ \(tạm tính\)',
            card(html, "b"),
        )
        assert re.search(
            r'data-status="behind"><i class="bi [^"]+" aria-hidden="true"></i> Chậm tiến độ \(tạm tính\)',
            card(html, "c"),
        )
        assert "Đạt (tạm tính)" in text(card(html, "a"))
        assert "32,5%" in text(card(html, "d")) and "Đúng tiến độ" in text(card(html, "d"))  # on the milestone

    def test_an_open_period_is_provisional_in_the_headline_and_shows_the_minimum(self, client, official, assessed):
        html = page(client, official)
        headline = text(re.search(r"<h1.*?</h1>", html, re.S).group(0))
        assert "Tiến độ thực hiện Kế hoạch · Năm 2024 tạm tính" in headline
        assert "Số liệu tạm tính: kỳ báo cáo đang mở" in text(html)
        # Every report is approved, yet the figures may change: the minimum stands by each rate.
        minimum = text(re.search(r"<p[^>]*data-lower-bound>.*?</p>", card(html, "a"), re.S).group(0))
        assert "Mức tối thiểu toàn xã: 90,0%" in minimum
        assert "nếu tính cả các doanh nghiệp chưa có báo cáo được duyệt (coi như chưa đạt)" in minimum
        assert "data-withheld" not in html

    def test_a_closed_period_is_not_provisional(self, client, official, assessed):
        ReportingPeriod.objects.get(code="2024").save()  # the tokens change as a service's save does
        ReportingPeriod.objects.filter(code="2024").update(state=PeriodState.CLOSED)
        html = page(client, official)
        assert "data-provisional" not in html and "tạm tính" not in text(html)
        assert "data-lower-bound" not in html  # complete and final: the rate is the commune's
        assert re.search(r'data-status="on_track"><i [^>]+></i> Đúng tiến độ</span>', card(html, "b"))

    def test_too_few_approved_reports_withhold_every_status_and_say_why(self, client, official, commune):
        html = page(client, official)
        note = text(re.search(r"<p[^>]*data-withheld>.*?</p>", html, re.S).group(0))
        assert "Chưa đủ báo cáo để đánh giá: mới có 2/6 doanh nghiệp có báo cáo được duyệt" in note
        for code in "abcde":
            assert 'data-status="withheld"' in card(html, code)

    def test_a_first_half_shows_the_mid_year_milestone(self, client, official, plan, enterprise_a):
        report(enterprise_a, "2024-H1", 100, a=20, e=10)
        html = page(client, official, period="2024-H1")
        assert "Mốc giữa năm 2024 22,5%" in text(card(html, "a"))  # (0 + 45) / 2
        assert "Mốc giữa năm 2024 8,8%" in text(card(html, "e"))  # (0 + 17,5) / 2 = 8,75
        assert "Chậm tiến độ" in text(card(html, "a")) and "Đúng tiến độ" in text(card(html, "e"))
        assert "mốc lộ trình của xã trong kỳ (Mốc giữa năm 2024)" in text(html)  # the legend

    def test_a_target_year_says_achieved_or_missed(self, client, official, plan, enterprise_a):
        report(enterprise_a, "2025", 100, a=95, e=20)
        html = page(client, official, period="2025")
        assert re.search(r'data-status="missed"><i [^>]+></i> Chưa đạt mục tiêu năm 2025', card(html, "e"))
        assert re.search(r'data-status="achieved"><i [^>]+></i> Đạt', card(html, "a"))
        legend = text(re.search(r'<p class="[^"]*rate-legend">.*?</p>', html, re.S).group(0))
        assert "Chưa đạt mục tiêu năm 2025" in legend and "Chậm tiến độ" not in legend
        row = re.search(rf'<tr data-enterprise="{enterprise_a.pk}">.*?</tr>', html, re.S).group(0)
        assert "rate-missed" in row

    def test_the_gap_is_counted_in_workers_to_each_target(self, client, official, commune):
        third = text(card(page(client, official), "c"))
        assert "20,0%" in third
        assert "Mục tiêu năm 2025 65,0% cần thêm 180 CNLĐ" in third  # 65 % of 400 − 80
        assert "Mục tiêu năm 2030 85,0% cần thêm 260 CNLĐ" in third  # 85 % of 400 − 80

    def test_completeness_counts_approved_out_of_expected_enterprises(self, client, official, commune):
        html = page(client, official)
        completeness = text(re.search(r"data-completeness>.*?</p>", html, re.S).group(0))
        assert "2 / 6 doanh nghiệp có báo cáo đã duyệt" in completeness
        assert "400 CNLĐ" in completeness

    def test_missing_enterprises_are_grouped_by_how_far_their_report_got_and_linked(self, client, official, commune):
        html = page(client, official)
        groups = {
            code: text(re.search(rf'data-unapproved="{code}".*?</ul>', html, re.S).group(0))
            for code in ("submitted", "draft", "returned", "none")
        }
        assert "Công ty Cường Thịnh" in groups["submitted"] and "chờ duyệt" in groups["submitted"]
        assert "Hợp tác xã Dũng Tiến" in groups["draft"]
        assert "Công ty Én Bạc" in groups["returned"]
        assert "Xưởng gỗ Phúc Lộc" in groups["none"]
        assert "An Phát" not in " ".join(groups.values())
        detail = reverse("enterprises:enterprise_detail", args=[commune["nothing"].pk])
        assert f'href="{detail}"' in html

    def test_late_submissions_are_listed_and_linked(self, client, official, commune):
        html = page(client, official)
        late = re.search(r"<ul[^>]*data-late>.*?</ul>", html, re.S).group(0)
        assert "Công ty Cường Thịnh" in late
        assert reverse("enterprises:enterprise_detail", args=[commune["late"].pk]) in late
        assert "Dũng Tiến" not in late

    def test_the_lower_bound_counts_silent_enterprises_last_headcount_as_not_reached(self, client, official, commune):
        html = page(client, official)
        assert "Mức tối thiểu toàn xã: 72,0%" in text(card(html, "a"))  # 360 / (400 + Dũng's last 100)
        note = text(re.search(r"data-lower-bound-note>.*?</div>", html, re.S).group(0))
        assert "500 CNLĐ" in note
        assert "3 doanh nghiệp chưa có số CNLĐ" in note  # Cường, Én and Phúc never approved

    def test_a_complete_period_shows_no_lower_bound(self, client, official, plan, enterprise_a):
        report(enterprise_a, "2024", 100, a=90)
        html = page(client, official)
        assert "data-lower-bound-note" not in html
        assert "data-lower-bound" not in card(html, "a")
        assert "Tất cả doanh nghiệp đã có báo cáo được duyệt" in text(html)

    def test_the_enterprise_table_marks_each_rate_against_the_milestone(self, client, official, commune, enterprise_b):
        html = page(client, official)
        row = re.search(rf'<tr data-enterprise="{enterprise_b.pk}">.*?</tr>', html, re.S).group(0)
        cells = re.findall(r'<td class="num rate-cell[^"]*"[^>]*>.*?</td>', row, re.S)
        assert len(cells) == 5
        assert "rate-achieved" in cells[0] and "90,0%" in cells[0] and "Đạt" in cells[0]
        assert "rate-behind" in cells[2] and "20,0%" in cells[2] and "Chậm tiến độ" in cells[2]
        assert 'data-sort-value="20"' in cells[2]
        assert reverse("enterprises:enterprise_detail", args=[enterprise_b.pk]) in row
        assert "data-sortable" in html

    def test_figures_not_approved_are_greyed_when_submitted_and_hidden_when_not(
        self, client, official, commune, enterprise_b
    ):
        """Approved means approved: Cường's submitted 10 of 50 (20 %) shows greyed and unjudged,
        Én's returned 5 of 60 and Dũng's draft 80 workers not at all; as in the Excel export."""
        html = page(client, official)

        def row(enterprise):
            return re.search(rf'<tr data-enterprise="{enterprise.pk}"[^>]*>.*?</tr>', html, re.S).group(0)

        def cells(enterprise):
            return re.findall(r'<td class="num rate-cell[^"]*"[^>]*>.*?</td>', row(enterprise), re.S)

        submitted = row(commune["late"])
        assert 'data-figures="unapproved"' in submitted and "Đã gửi" in text(submitted)
        assert "50" in text(submitted) and "chưa duyệt" in text(submitted)
        assert "20,0%" in cells(commune["late"])[0] and "fst-italic" in cells(commune["late"])[0]
        assert not re.search(r"rate-(achieved|on_track|behind)", submitted)  # not judged against the milestone
        for hidden, status in ((commune["returned"], "Bị trả lại"), (commune["draft"], "Bản nháp")):
            shown = row(hidden)
            assert 'data-figures="hidden"' in shown and status in text(shown)
            assert "số liệu chưa gửi" in text(shown)
            assert "60" not in text(shown) and "80" not in text(shown) and "8,3%" not in text(shown)
            assert all(text(cell).strip() == "–" for cell in cells(hidden))
        nothing = row(commune["nothing"])  # no report: nothing to show, nothing said to be unsent
        assert 'data-figures="hidden"' in nothing and "số liệu chưa gửi" not in text(nothing)
        assert "data-figures" not in row(enterprise_b)  # approved: as they are

    def test_each_trend_chart_gets_its_numbers_as_json_and_as_a_table(self, client, official, commune):
        html = page(client, official)
        data = json.loads(
            re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', html, re.S).group(1)
        )
        assert len(data["labels"]) == 14  # 2024-H1 … 2030
        first = data["indicators"][0]
        assert first["code"] == "a"
        assert first["rates"][1] == 90.0  # year 2024, the second period
        assert first["rates"][0] == 10.0  # 2024-H1: Dũng's 10 of 100, the only approved report
        assert first["milestones"][1] == 45.0
        assert first["targets"] == [{"year": 2025, "value": 90.0}, {"year": 2030, "value": 95.0}]
        assert html.count("<canvas data-chart=") == 5
        assert html.count('<details class="chart-data') == 5
        assert "vendor/chart.js/chart.umd.min.js" in html and "js/dashboard.js" in html
        assert "<script>" not in html  # no inline scripts

    def test_task_progress_counts_tasks_by_group_and_status(self, client, official, commune):
        Task.objects.filter(group__number=1, letter__in=["a", "b"]).update(status=TaskStatus.DONE)
        Task.objects.filter(group__number=4, letter="đ").update(status=TaskStatus.ONGOING)
        html = page(client, official)
        first = re.search(r'data-task-group="1">.*?</tr>', html, re.S).group(0)
        assert re.search(r'data-status="done">2</td>', first)
        assert re.search(r'data-status="not_started">2</td>', first)
        fourth = re.search(r'data-task-group="4">.*?</tr>', html, re.S).group(0)
        assert re.search(r'data-status="ongoing">1</td>', fourth)
        assert html.count("data-task-group=") == 5

    def test_the_latest_five_activities_are_listed_newest_first(self, client, official, commune):
        task = Task.objects.get(group__number=4, letter="đ")
        for day in range(1, 8):
            ActivityFactory(task=task, title=f"Hoạt động ngày {day}", date=f"2025-03-{day:02d}")
        html = text(page(client, official))
        assert "Hoạt động ngày 7" in html and "Hoạt động ngày 3" in html
        assert "Hoạt động ngày 2" not in html
        assert html.index("Hoạt động ngày 7") < html.index("Hoạt động ngày 3")
        assert "nhiệm vụ 4đ" in html

    def test_the_official_gets_the_review_queue_excel_and_print_buttons(self, client, official, commune):
        html = page(client, official)
        assert reverse("indicators:period_detail", args=["2024"]) in html
        assert "data-change" in html
        assert reverse("indicators:report_export", args=["2024"]) in html
        assert "Xuất Excel" in html
        assert reverse("dashboard_print") + "?period=2024" in html


class TestThePeriod:
    def test_it_defaults_to_the_latest_period_with_approved_reports(self, client, official, commune):
        ReportingPeriod.objects.filter(code="2025-H1").update(state=PeriodState.OPEN)
        html = page(client, official)
        assert '<option value="2024" selected>' in html

    def test_without_approved_reports_it_is_the_latest_open_period(self, client, official, plan):
        ReportingPeriod.objects.filter(code__in=["2024-H1", "2025-H1"]).update(state=PeriodState.OPEN)
        html = page(client, official)
        assert '<option value="2025-H1" selected>' in html
        assert "–" in text(card(html, "a"))  # no rate yet

    def test_any_period_can_be_chosen_from_the_select(self, client, official, commune):
        html = page(client, official, period="2024-H1")
        assert '<option value="2024-H1" selected>' in html
        assert html.count("<option ") == 14
        assert "100,0%" not in text(card(html, "a"))  # Dũng's 10 of 100 is 10,0 %
        assert "10,0%" in text(card(html, "a"))

    def test_an_unknown_period_is_not_found(self, client, official, commune):
        client.force_login(official)
        assert client.get(reverse("home"), {"period": "1999"}).status_code == 404

    def test_the_page_says_so_when_no_plan_is_loaded(self, client, official):
        html = page(client, official)
        assert "data-empty" in html


class TestTheViewer:
    def test_the_viewer_sees_the_figures_read_only(self, client, viewer, commune):
        html = page(client, viewer)
        assert "90,0%" in text(card(html, "a"))
        assert "data-change" not in html
        assert "Duyệt báo cáo" not in html
        assert 'method="post"' not in html.split('id="main"')[1]  # no form that changes anything
        assert reverse("indicators:report_export", args=["2024"]) in html  # the district downloads Excel


class TestAccess:
    @pytest.mark.parametrize("name", ["home", "dashboard_print", "dashboard_enterprises"])
    def test_anonymous_visitors_are_sent_to_log_in(self, client, name):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("name", ["dashboard_print", "dashboard_enterprises"])
    def test_an_officer_cannot_open_the_commune_pages(self, client, officer_a, name):
        client.force_login(officer_a)
        assert client.get(reverse(name)).status_code == 403

    def test_a_user_without_a_role_is_told_to_ask_for_one(self, client):
        html = page(client, UserFactory())
        assert "chưa được phân vai trò" in html
        assert "data-section" not in html


class TestTheOfficersDashboard:
    def test_an_officer_sees_only_their_own_enterprise(self, client, officer_a, enterprise_a, enterprise_b, commune):
        html = page(client, officer_a)
        assert enterprise_a.name in html
        for other in [enterprise_b, *commune.values()]:
            assert other.name not in html
        assert reverse("enterprises:enterprise_detail", args=[enterprise_a.pk]) in html
        assert reverse("enterprises:enterprise_detail", args=[enterprise_b.pk]) not in html
        assert 'data-section="completeness"' not in html

    def test_their_rates_are_shown_against_the_targets_with_the_gap_for_their_enterprise(
        self, client, officer_a, commune
    ):
        html = page(client, officer_a)
        first = text(card(html, "a"))
        assert "90,0%" in first and "90 trên 100 CNLĐ" in first
        assert "Mục tiêu năm 2030 95,0% cần thêm 5 CNLĐ" in first
        third = text(card(html, "c"))
        assert "20,0%" in third and "Chậm tiến độ" in third
        assert "Mục tiêu năm 2025 65,0% cần thêm 45 CNLĐ" in third

    def test_the_open_period_shows_its_deadline_their_report_state_and_one_button(self, client, officer_a, commune):
        html = page(client, officer_a)
        block = re.search(r'data-period="2024".*?data-fill-report>.*?</a>', html, re.S).group(0)
        assert "15/01/2025" in block
        assert "Đã duyệt" in text(block)
        assert reverse("indicators:period_detail", args=["2024"]) in block
        assert html.count("data-fill-report") == 1

    def test_without_a_report_the_button_asks_to_fill_it_in(self, client, officer_b, plan):
        ReportingPeriod.objects.filter(code="2025-H1").update(state=PeriodState.OPEN)
        html = page(client, officer_b)
        block = text(re.search(r'data-period="2025-H1".*?</a>', html, re.S).group(0))
        assert "Chưa có báo cáo" in block
        assert "data-no-figures" in html

    @pytest.mark.parametrize(
        "status, first_submitted_on, warned, late",
        [
            (None, None, True, False),  # nothing yet: a report sent now is late
            (ReportStatus.DRAFT, None, True, False),
            (ReportStatus.RETURNED, datetime.date(2025, 7, 10), False, False),  # sent on time, then returned
            (ReportStatus.RETURNED, datetime.date(2025, 7, 20), False, True),  # late already, and says so
        ],
    )
    def test_only_a_report_never_sent_is_warned_that_sending_it_now_is_late(
        self, client, officer_a, enterprise_a, plan, status, first_submitted_on, warned, late
    ):
        """2025-H1's deadline, 15/07/2025, has passed; lateness is the first submission's."""
        ReportingPeriod.objects.filter(code="2025-H1").update(state=PeriodState.OPEN)
        if status:
            report(enterprise_a, "2025-H1", 100, status=status, first_submitted_on=first_submitted_on)
        html = page(client, officer_a)
        block = re.search(
            r'<div class="card mb-2 open-period[^"]*" data-period="2025-H1">.*?data-fill-report>', html, re.S
        )
        assert ("bị ghi là nộp muộn" in text(block.group(0))) is warned
        assert ("border-danger" in block.group(0)) is warned
        assert ("data-late" in block.group(0)) is late  # the "Nộp muộn" badge

    def test_their_report_history_lists_every_period_with_status_and_late_flag(
        self, client, officer_a, enterprise_a, commune
    ):
        report(enterprise_a, "2024-H1", 90, status=ReportStatus.APPROVED, late=True, a=50)
        report(enterprise_a, "2025-H1", 110, status=ReportStatus.RETURNED, a=60)
        html = page(client, officer_a)
        rows = re.findall(r'<tr data-report="([^"]+)">(.*?)</tr>', html, re.S)
        assert [code for code, _row in rows] == ["2025-H1", "2024", "2024-H1"]
        assert "data-late" in rows[2][1] and "data-late" not in rows[1][1]
        assert "Bị trả lại" in text(rows[0][1])
        # The figures come from their latest report, whatever its status.
        assert "60 trên 110 CNLĐ" in text(card(html, "a"))

    def test_an_officer_is_not_asked_for_a_period_their_enterprise_was_not_followed_in(self, client, plan):
        """Rule 1: added after 2025-H1 ended, while it was still open, it owes no report for it."""
        import datetime

        ReportingPeriod.objects.filter(code__in=["2025-H1", "2026-H1"]).update(state=PeriodState.OPEN)
        officer = UnionOfficerFactory(user__role=OFFICER, enterprise__followed_from=datetime.date(2025, 7, 10)).user
        html = page(client, officer)
        assert 'data-period="2026-H1"' in html
        assert 'data-period="2025-H1"' not in html

    def test_an_officer_of_an_enterprise_without_reports_sees_an_empty_history(self, client, plan):
        officer = UnionOfficerFactory(user__role=OFFICER).user
        html = page(client, officer)
        assert "Chưa có báo cáo nào" in html


class TestThePrintableVersion:
    def test_it_has_the_figures_as_tables_and_no_chart(self, client, official, commune):
        html = page(client, official, reverse("dashboard_print"), period="2024")
        assert "<canvas" not in html and "chart.umd" not in html
        assert "dashboard-print" in html
        row = text(re.search(r'<tr data-indicator="a">.*?</tr>', html, re.S).group(0))
        assert "360/400" in row and "90,0%" in row and "72,0%" in row and "Chưa đủ báo cáo để đánh giá" in row
        assert "data-provisional-badge" in html and "data-withheld" in html
        assert html.count("<table") >= 5 + 3  # a trend table per indicator, summary, enterprises, tasks

    def test_the_viewer_may_print_it_too(self, client, viewer, commune):
        assert "90,0%" in page(client, viewer, reverse("dashboard_print"))


class TestTheFullEnterpriseTable:
    def test_it_filters_by_report_state(self, client, official, commune):
        html = page(client, official, reverse("dashboard_enterprises"), period="2024", show="unapproved")
        names = text(html)
        assert "Cường Thịnh" in names and "Phúc Lộc" in names
        assert "An Phát" not in names

    def test_it_sorts_by_an_indicators_rate_with_blanks_last(
        self, client, official, commune, enterprise_a, enterprise_b
    ):
        html = page(client, official, reverse("dashboard_enterprises"), period="2024", sort="-e")
        order = re.findall(r'<tr data-enterprise="(\d+)"', html)
        assert order[:2] == [str(enterprise_b.pk), str(enterprise_a.pk)]  # 20 % then 10 %
        by_a = re.findall(
            r'<tr data-enterprise="(\d+)"',
            page(client, official, reverse("dashboard_enterprises"), period="2024", sort="-a"),
        )
        # Cường's submitted 20 % is shown and sorted; Én's returned 8,3 % is not shown, so it sorts with the blanks.
        assert by_a.index(str(commune["late"].pk)) < by_a.index(str(commune["nothing"].pk))
        assert by_a.index(str(commune["returned"].pk)) > by_a.index(str(commune["late"].pk))

    def test_a_large_commune_shows_only_the_enterprises_furthest_behind_on_the_dashboard(self, client, official, plan):
        firms = [firm() for _ in range(dashboard.TABLE_LIMIT + 5)]
        for number, enterprise in enumerate(firms):
            report(enterprise, "2024", 100, a=number)  # all under the 45 % milestone, some deeper
        html = page(client, official)
        shown = re.findall(r'<tr data-enterprise="(\d+)">', html)
        assert shown == [str(e.pk) for e in firms[: dashboard.TABLE_LIMIT]]  # lowest rate first
        assert "data-table-limited" in html
        assert reverse("dashboard_enterprises") + "?period=2024" in html
        listing = page(client, official, reverse("dashboard_enterprises"), period="2024")
        assert listing.count("<tr data-enterprise=") == dashboard.TABLE_LIMIT + 5


class TestQueries:
    @pytest.mark.parametrize("enterprises", [5, 200])
    def test_the_official_dashboard_takes_as_many_queries_for_200_enterprises_as_for_5(
        self, client, official, plan, enterprises, django_assert_max_num_queries
    ):
        # Every list of the page has names: approved (most), submitted, late, returned,
        # draft, and enterprises with no report at all.
        statuses = [ReportStatus.SUBMITTED, ReportStatus.RETURNED, ReportStatus.DRAFT, None]
        for number in range(enterprises):
            firm_ = firm()
            report(firm_, "2024-H1", 40, a=30, b=20, c=10, d=5, e=1)
            status = statuses[number % 4] if number % 8 < 4 else ReportStatus.APPROVED
            if status is not None:
                report(firm_, "2024", 50, status=status, late=number % 3 == 0, a=40, b=30, c=20, d=10, e=5)
        for day in range(1, 8):
            ActivityFactory(task=Task.objects.first(), date=f"2024-05-{day:02d}")
        client.force_login(official)
        with django_assert_max_num_queries(QUERY_BOUND):
            response = client.get(reverse("home"))
        assert response.status_code == 200
        # 2024: a at 80 % is on track (milestone 45 %), e at 10 % behind (milestone 17,5 %).
        assert "Đúng tiến độ" in response.content.decode() and "Chậm tiến độ" in response.content.decode()
        with django_assert_max_num_queries(CACHED_QUERY_BOUND):
            again = client.get(reverse("home"))
        assert without_csrf(again) == without_csrf(response)


def without_csrf(response) -> str:
    """The page without its CSRF tokens, which are masked anew on every request."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


# Session, user and role (3), plan, periods, default period (3), indicators with targets
# and milestones (3), the series (revision tokens, then 2: the totals), the lower bound (its
# totals row: 1), the report counts (1), the table (the furthest behind, then
# their rows: 1 + 3), the five lists of names (1 each), the task counts (1), the latest
# activities (1) and the commune's name in the title, from its row (1).
QUERY_BOUND = 27
# The same page while no figure changed: the series comes from the figures cache after
# reading its tokens; the rest is read again (indexed, a page at a time).
CACHED_QUERY_BOUND = 24


class TestFurthestBehind:
    def test_it_orders_as_the_statuses_say_for_every_kind_of_yardstick(self):
        """The stored standing (indicators.standing) counts as behind what
        progress.status_of calls behind: with a phase target and a milestone, only one of
        them, or neither."""
        from decimal import Decimal

        from indicators import progress, standing

        def item(pk, phase, milestone):
            return progress.IndicatorProgress(pk, str(pk), "", 0, 0, None, milestone, phase, None, ())

        yardsticks = [
            item(1, Decimal(90), Decimal(45)),
            item(2, None, Decimal(30)),
            item(3, Decimal(60), None),
            item(4, None, None),
        ]
        sticks = [(i.indicator_id, progress.behind_below(i.phase_target, i.milestone), i.milestone) for i in yardsticks]
        rates = [Decimal(value) for value in ("0", "29.99", "30", "44.99", "45", "59.99", "60", "89.99", "90", "95")]
        rows = [
            (
                f"DN {number:03d}",
                {
                    1: rates[number % 10],
                    2: rates[number // 10 % 10],
                    3: rates[number // 3 % 10],
                    **({4: rates[0]} if number % 2 else {}),
                },
            )
            for number in range(100)
        ]

        def reference(row):
            name, row_rates = row
            statuses = [
                progress.status_of(row_rates.get(i.indicator_id), i.phase_target, i.milestone) for i in yardsticks
            ]
            shortfalls = [
                row_rates[i.indicator_id] - i.milestone
                for i in yardsticks
                if i.milestone is not None and i.indicator_id in row_rates
            ]
            return (-statuses.count(progress.BEHIND), min(shortfalls), name)

        def stored_order(row):
            # Rates to two decimals are counts out of 10,000 workers.
            name, row_rates = row
            behind, shortfall = standing.standing_of(10000, {i: int(r * 100) for i, r in row_rates.items()}, sticks)
            return (-behind, shortfall, name)

        assert sorted(rows, key=stored_order) == sorted(rows, key=reference)
