"""The workbook's flat data sheet (Dữ liệu): stable keys, no merged cells, the figures of progress.py.

A superior body stacks many communes' files into one table, so every row says which commune
and period it belongs to, and the keys of row 1 never change or get translated.
"""

import io

import pytest
from openpyxl import load_workbook

from indicators import exports, progress
from indicators.models import PeriodKind, ReportStatus
from tests.factories import EnterpriseFactory, PeriodFactory, ReportFactory

pytestmark = pytest.mark.django_db

KEYS = [
    "ma_xa",
    "ten_xa",
    "ky",
    "ma_so_thue",
    "ten_doanh_nghiep",
    "trang_thai_bao_cao",
    "nop_muon",
    "tong_cnld",
    "lao_dong_nu",
    "chi_tieu",
    "so_dat",
]


@pytest.fixture
def period(plan, enterprise_a, enterprise_b, commune):
    commune.code = "99999"
    commune.save()
    period = PeriodFactory(year=2024, kind=PeriodKind.ANNUAL)
    ReportFactory(
        enterprise=enterprise_a,
        period=period,
        total_workers=200,
        female_workers=120,
        counts={"a": 180, "b": 150, "c": 130, "d": 60, "e": 60},
    )
    ReportFactory(
        enterprise=enterprise_b,
        period=period,
        total_workers=300,
        female_workers=100,
        late=True,
        status=ReportStatus.SUBMITTED,
        counts={"a": 240},
    )
    EnterpriseFactory(name="Công ty chưa báo cáo", tax_code="2801000009")
    return period


def data_sheet(period):
    buffer = io.BytesIO()
    exports.write_district_report(period, buffer)
    buffer.seek(0)
    return load_workbook(buffer)["Dữ liệu"]


def records(ws):
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_row_1_holds_the_stable_keys_and_nothing_is_merged(period):
    ws = data_sheet(period)
    assert [cell.value for cell in ws[1]] == KEYS
    assert not ws.merged_cells.ranges


def test_one_row_per_enterprise_and_indicator_naming_commune_and_period(period):
    rows = records(data_sheet(period))
    assert len(rows) == 3 * 5
    assert {(row["ma_xa"], row["ten_xa"], row["ky"]) for row in rows} == {("99999", "Hoàng Hợp", "2024")}
    assert [row["chi_tieu"] for row in rows[:5]] == ["a", "b", "c", "d", "e"]


def test_figures_only_from_approved_reports_and_equal_to_progress(period, enterprise_a, enterprise_b):
    rows = records(data_sheet(period))
    by_tax_code = {}
    for row in rows:
        by_tax_code.setdefault(row["ma_so_thue"], []).append(row)
    approved = by_tax_code[enterprise_a.tax_code]
    assert {row["trang_thai_bao_cao"] for row in approved} == {"approved"}
    assert {(row["tong_cnld"], row["lao_dong_nu"], row["nop_muon"]) for row in approved} == {(200, 120, 0)}
    commune = progress.commune_progress(period)
    sums = {}
    for row in rows:
        if row["so_dat"] is not None:
            sums[row["chi_tieu"]] = sums.get(row["chi_tieu"], 0) + row["so_dat"]
    assert sums == {item.code: item.met for item in commune.indicators}
    submitted = by_tax_code[enterprise_b.tax_code]
    assert {(r["trang_thai_bao_cao"], r["nop_muon"], r["tong_cnld"], r["so_dat"]) for r in submitted} == {
        ("submitted", 1, None, None)
    }
    missing = by_tax_code["2801000009"]
    assert {(r["trang_thai_bao_cao"], r["nop_muon"], r["so_dat"]) for r in missing} == {("not_reported", None, None)}


def test_the_file_name_carries_the_commune_and_the_period(period, commune):
    commune.name = commune.place = "Đông Sơn"  # the file is named by the place in dates
    commune.save()
    assert exports.report_filename(period) == "bao-cao-dong-son-2024.xlsx"
