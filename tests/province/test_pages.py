"""The province's pages, its workbook and its API, as the province's roles and the
commune's people use them."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communes.models import PLACEHOLDER_CODE, Commune
from province.models import ProvinceTarget
from tests import factories
from tests.province.conftest import enterprise_of, period_of, plan_of, report

PROGRESS = reverse("rollup:province_progress")
API = reverse("rollup:api_progress")
TARGETS = reverse("rollup:targets_update")
EXPORT = reverse("rollup:province_export")


def targets_data(**changes) -> dict[str, str]:
    data = {}
    for code, (by_2025, by_2030) in {"a": (70, 90), "b": (50, 75), "c": (50, 75), "d": (40, 65), "e": (30, 50)}.items():
        data[f"target_{code}_2025"] = str(by_2025)
        data[f"target_{code}_2030"] = str(by_2030)
    data.update(changes)
    return data


# --- who may open them ------------------------------------------------------------------


def test_the_commune_people_are_refused_the_province_pages(cast, province, client_for):
    # (The cast first: its enterprises are made while the served commune is the only one.)
    commune = reverse("rollup:commune_detail", args=["16015"])
    for user in cast.values():
        client = client_for(user)
        for url in (PROGRESS, commune, TARGETS, EXPORT):
            assert client.get(url).status_code == 403, (user.username, url)
        assert client.get(API).status_code == 403


def test_the_province_viewer_reads_the_roll_up_but_does_not_edit_targets(province, province_viewer, client_for):
    client = client_for(province_viewer)
    page = client.get(PROGRESS)
    assert page.status_code == 200
    assert client.get(TARGETS).status_code == 403
    assert client.post(TARGETS, targets_data(target_a_2025="75")).status_code == 403
    assert ProvinceTarget.objects.get(indicator__code="a", year=2025).value == Decimal(70)


def test_the_province_viewer_never_opens_a_roster(province, province_viewer, client_for):
    enterprise = province["hoang_hop"]
    from enterprises.models import Enterprise

    pk = Enterprise.objects.filter(commune=enterprise).values_list("pk", flat=True).first()
    client = client_for(province_viewer)
    for name in ("indicators:worker_list", "indicators:worker_import", "indicators:worker_import_template"):
        assert client.get(reverse(name, args=[pk])).status_code in (403, 404), name


# --- what they show ---------------------------------------------------------------------


def test_the_page_shows_every_active_commune_and_the_province_total(province, province_viewer, client_for):
    page = client_for(province_viewer).get(PROGRESS).content.decode()
    assert 'data-commune="16015"' in page and 'data-commune="16018"' in page
    assert 'data-commune="16021"' not in page  # merged: history
    assert "80,0%" in page  # the province's a): 280 of 350
    assert "Hoằng Xuân" in page.split("data-unreported")[1].split("</ul>")[0]
    # Aggregates only: no enterprise is named.
    assert "An Phát" not in page and "Đông Á" not in page


def test_each_commune_row_links_counts_and_judges_against_the_communes_own_plan(province, province_viewer, client_for):
    page = client_for(province_viewer).get(PROGRESS, {"period": "2025"}).content.decode()

    def row(commune):
        return page.split(f'<tr data-commune="{commune.code}">')[1].split("</tr>")[0]

    def cell(text, code):
        found = re.search(rf'<td class="num rate-cell rate-(\w+)" data-indicator="{code}">(.*?)</td>', text)
        return found.group(1), found.group(2)

    hoang_hop = row(province["hoang_hop"])
    link = reverse("rollup:commune_detail", args=[province["hoang_hop"].code])
    assert f'<a href="{link}?period=2025">Hoàng Hợp</a>' in hoang_hop
    assert "data-completeness>2/3<" in hoang_hop and "data-late>0<" in hoang_hop and ">150<" in hoang_hop
    # a) 130 of 150 (86,67 %) against Hoàng Hợp's own 90 % for 2025; against Hoằng Giang's 70 %
    # the same rate would be "Đạt".
    status, text = cell(hoang_hop, "a")
    assert status == "missed" and "Chưa đạt mục tiêu năm 2025" in text and text.endswith(" 86,7%")
    status, text = cell(row(province["hoang_giang"]), "a")
    assert status == "achieved" and 'title="Đạt"' in text and text.endswith(" 75,0%")
    # Hoằng Xuân has no approved report: no rate, no status.
    assert '<td class="num rate-cell" data-indicator="a">–</td>' in row(province["hoang_xuan"])
    # The trend: the province's 280 of 350 in 2025.
    trend = page.split('<tr data-period="2025">')[1].split("</tr>")[0]
    assert cell(trend, "a")[1].endswith(" 80,0%") and ">350<" in trend


def test_the_province_pages_are_titled_for_the_province_not_a_commune(province, province_viewer, client_for):
    client = client_for(province_viewer)
    for url in (PROGRESS, reverse("rollup:commune_detail", args=["16015"])):
        title = client.get(url).content.decode().split("<title>")[1].split("</title>")[0]
        assert "Toàn tỉnh" in title and "xã Hoàng Hợp" not in title, title


def test_the_drill_in_shows_a_communes_figures_and_counts_only(province, province_viewer, client_for):
    response = client_for(province_viewer).get(reverse("rollup:commune_detail", args=["16015"]), {"period": "2025"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-count="approved">1<' in page and 'data-count="submitted">1<' in page
    assert "75,0%" in page  # a): 150 of 200
    assert "Đông Á" not in page and "Gia Phú" not in page


def test_a_merged_or_unknown_commune_and_an_unknown_period_are_404(province, province_viewer, client_for):
    client = client_for(province_viewer)
    assert client.get(reverse("rollup:commune_detail", args=["16021"])).status_code == 404
    assert client.get(reverse("rollup:commune_detail", args=["99999"])).status_code == 404
    assert client.get(PROGRESS, {"period": "2040"}).status_code == 404


@pytest.mark.parametrize("communes", [2, 6])
def test_the_page_reads_a_fixed_number_of_queries(
    province, province_viewer, client_for, communes, django_assert_max_num_queries
):
    """16 queries with 2 active communes or 6, whatever their enterprises: the session, the
    user and the role, the commune middleware, the periods by code, the communes, their
    periods with totals, sums met, plans, indicators with targets and milestones, the
    province's indicators and targets, the trend's two sums."""
    if communes == 2:  # Hoằng Xuân merged too: Hoàng Hợp and Hoằng Giang remain
        Commune.objects.filter(code="16018").update(merged_into=province["hoang_hop"], merged_on="2025-07-01")
    for n in range(communes - 3):
        commune = factories.CommuneFactory()
        plan_of(commune)
        report(enterprise_of(commune, f"Công ty {n}"), period_of(commune), total=10, counts={"a": 5})
    client = client_for(province_viewer)
    with django_assert_max_num_queries(16):
        response = client.get(PROGRESS)
    assert response.content.decode().count("data-commune=") == communes


# --- the targets ------------------------------------------------------------------------


def test_the_targets_start_as_decision_1268s(db):
    values = {(t.indicator.code, t.year): t.value for t in ProvinceTarget.objects.select_related("indicator")}
    assert values[("a", 2025)] == 70 and values[("a", 2030)] == 90
    assert values[("e", 2025)] == 30 and values[("e", 2030)] == 50
    assert len(values) == 10


def test_the_province_administrator_raises_a_target(province, province_admin, client_for):
    client = client_for(province_admin)
    assert client.get(TARGETS).status_code == 200
    response = client.post(TARGETS, targets_data(target_a_2025="85,5"))
    assert response.status_code == 302
    assert ProvinceTarget.objects.get(indicator__code="a", year=2025).value == Decimal("85.5")
    # The province's a) (80 %) is now judged against it: missed in 2025's annual period.
    page = client.get(PROGRESS).content.decode()
    assert "Chưa đạt mục tiêu năm 2025" in page.split('data-indicator="a"')[1]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"target_a_2025": "101"}, "Tỷ lệ không thể lớn hơn 100."),
        ({"target_b_2025": "-1"}, "Tỷ lệ không thể nhỏ hơn 0."),
        ({"target_c_2030": "40"}, "Mục tiêu năm 2030 không thể thấp hơn mục tiêu năm 2025."),
        ({"target_d_2025": ""}, "Mục tiêu giai đoạn không được để trống."),
        ({"target_e_2025": "mười"}, "Nhập tỷ lệ phần trăm, ví dụ 72 hoặc 72,5."),
    ],
)
def test_a_wrong_target_is_refused_with_a_vietnamese_message(province, province_admin, client_for, changes, message):
    response = client_for(province_admin).post(TARGETS, targets_data(**changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ProvinceTarget.objects.get(indicator__code="a", year=2025).value == Decimal(70)


# --- the workbook -----------------------------------------------------------------------


def test_the_workbook_has_one_row_per_active_commune_and_the_data_of_all(province, province_viewer, client_for):
    response = client_for(province_viewer).get(EXPORT, {"period": "2025"})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    summary, data = book.worksheets
    rows = [row for row in summary.iter_rows(min_row=5, values_only=True) if isinstance(row[0], int)]
    # Hoàng Hợp, made from settings that named no code, holds the placeholder: no code shown.
    assert province["hoang_hop"].code == PLACEHOLDER_CODE
    assert [row[1:3] for row in rows] == [("", "Hoàng Hợp"), ("16015", "Hoằng Giang"), ("16018", "Hoằng Xuân")]
    giang = next(row for row in rows if row[1] == "16015")
    assert giang[3:7] == (1, 2, 0, 200)  # approved, expected, late, workers
    assert giang[7:9] == (150, 75.0)  # a): met, rate
    total = next(row for row in summary.iter_rows(min_row=5, values_only=True) if row[2] == "Toàn tỉnh")
    assert total[3:9] == (3, 6, 0, 350, 280, 80.0)
    keys = [cell.value for cell in data[1]]
    assert keys[:3] == ["ma_xa", "ten_xa", "ky"]
    communes = {row[0] for row in data.iter_rows(min_row=2, values_only=True)}
    assert communes == {"", "16015", "16018"}
    # One row per enterprise and indicator: 3 + 2 + 1 enterprises, five indicators each.
    assert data.max_row - 1 == 6 * 5


def test_the_summary_fits_the_printed_page_at_100_percent(province):
    from django.utils import timezone

    from communes.current import every_commune
    from core.xlsx_writing import LANDSCAPE_WIDTH
    from province import exports, rollup

    with every_commune():
        option = next(o for o in rollup.period_options() if o.code == "2025")
        summary = next(exports.ProvinceWorkbook(option, today=timezone.localdate()).sheets())
    assert sum(summary.widths) <= LANDSCAPE_WIDTH


# --- the API ----------------------------------------------------------------------------


def test_the_api_gives_each_commune_and_the_total(province, province_viewer, client_for):
    response = client_for(province_viewer).get(API, {"period": "2025"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == "2025"
    assert set(body) == {"period", "communes", "total"}
    giang = next(item for item in body["communes"] if item["code"] == "16015")
    assert giang["name"] == "Hoằng Giang"
    assert giang["completeness"] == {"approved": 1, "active_enterprises": 2}
    assert giang["total_workers"] == 200
    a = giang["indicators"][0]
    assert set(a) == {
        "code",
        "name",
        "target_2025",
        "target_2030",
        "milestone",
        "met",
        "rate",
        "status",
        "lower_bound",
        "gap_2025",
        "gap_2030",
    }
    assert (a["code"], a["met"], a["rate"], a["status"], a["target_2025"]) == ("a", 150, 75.0, "achieved", 70.0)
    total = body["total"]
    assert total["completeness"] == {"approved": 3, "active_enterprises": 6}
    assert total["total_workers"] == 350
    assert total["indicators"][0]["rate"] == 80.0 and total["indicators"][0]["status"] == "achieved"
    assert "16021" not in {item["code"] for item in body["communes"]}


def test_the_api_answers_in_json_to_outsiders_and_unknown_periods(official, province, province_viewer, client_for):
    assert client_for(None).get(API).status_code == 403
    refused = client_for(official).get(API)
    assert refused.status_code == 403 and "error" in refused.json()
    client = client_for(province_viewer)
    assert client.get(API, {"period": "2040"}).status_code == 404
    assert client.get(API).json()["period"] == "2025"  # the latest with approved reports
