"""The province of the roll-up's tests: communes with plans of their own and figures worked out
by hand.

- Hoàng Hợp (the served commune; its plan asks a) 90 % by 2025): An Phát, 100 workers, a) 90;
  Bình Minh, 50 workers, a) 40; Cẩm Thủy followed, no report. 2 of 3 approved, 150 workers,
  a) 130 met (86,67 %: under its own 90 %, "Chưa đạt mục tiêu năm 2025").
- Hoằng Giang (its plan asks a) 70 %): Đông Á, 200 workers, a) 150; Gia Phú submitted, not
  approved. 1 of 2 approved, 200 workers, a) 150 (75 %: "Đạt" against its own 70 %).
- Hoằng Xuân: one enterprise followed, no report: the commune that has not reported.
- Hoằng Cát, merged into Hoàng Hợp: 1,000 workers all met, never counted (history).

Province: 3 of 6 approved, 350 workers, a) 280 met: 80 % (a mean of the communes' rates
would say 80,83 %); e) 85 met: 24,29 %, under the national 30 %.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from communes.models import Commune
from enterprises.models import Enterprise
from indicators import totals
from indicators.models import (
    EnterpriseReport,
    Indicator,
    PeriodKind,
    PeriodState,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
)
from plans.models import Plan
from tests import factories
from tests.conftest import served_commune

NAMES = {
    "a": "Chính trị, pháp luật",
    "b": "Kỹ năng nghề",
    "c": "Kỹ năng sống",
    "d": "Công nghệ số",
    "e": "Công dân học tập",
}
# The targets of the communes' plans: (2025, 2030) per indicator.
HOANG_HOP_TARGETS = {"a": (90, 95), "b": (72, 85), "c": (65, 85), "d": (65, 80), "e": (35, 60)}
HOANG_GIANG_TARGETS = {"a": (70, 90), "b": (50, 75), "c": (50, 75), "d": (40, 65), "e": (30, 50)}
_tax_codes = iter(range(2870000000, 2879999999))


def plan_of(commune: Commune, targets=HOANG_GIANG_TARGETS) -> Plan:
    plan = Plan.objects.create(
        commune=commune,
        code=f"kh-{commune.code}",
        title="Kế hoạch học tập suốt đời trong CNLĐ",
        issuer=f"Ủy ban nhân dân xã {commune.name}",
        issued_year=2023,
        start_year=2024,
        end_year=2030,
    )
    for order, (code, (by_2025, by_2030)) in enumerate(targets.items()):
        indicator = Indicator.objects.create(plan=plan, code=code, order=order, name=NAMES[code])
        Target.objects.create(indicator=indicator, year=2025, value=Decimal(by_2025))
        Target.objects.create(indicator=indicator, year=2030, value=Decimal(by_2030))
    return plan


def period_of(commune: Commune, code: str = "2025", *, state=PeriodState.CLOSED, deadline=None) -> ReportingPeriod:
    year = int(code[:4])
    half = code.endswith("-H1")
    end = datetime.date(year, 6, 30) if half else datetime.date(year, 12, 31)
    return ReportingPeriod.objects.create(
        commune=commune,
        code=code,
        kind=PeriodKind.HALF_YEAR if half else PeriodKind.ANNUAL,
        year=year,
        start=datetime.date(year, 1, 1),
        end=end,
        deadline=deadline or end + datetime.timedelta(days=15),
        state=state,
    )


def enterprise_of(commune: Commune, name: str) -> Enterprise:
    return Enterprise.objects.create(
        commune=commune,
        name=name,
        tax_code=str(next(_tax_codes)),
        followed_from=datetime.date(2023, 1, 1),
    )


def report(enterprise, period, *, total, counts, status=ReportStatus.APPROVED) -> EnterpriseReport:
    """A report written around the services (the caller rebuilds the totals)."""
    row = EnterpriseReport.objects.create(
        enterprise=enterprise, period=period, status=status, total_workers=total, female_workers=total // 2
    )
    indicators = {i.code: i for i in Indicator.objects.filter(plan__commune=enterprise.commune_id)}
    for code, count in counts.items():
        ReportValue.objects.create(report=row, indicator=indicators[code], count=count)
    return row


def counts(a, b, c, d, e) -> dict[str, int]:
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


@pytest.fixture
def province(db):
    """The communes above, their plans, their 2025 periods and reports; the totals rebuilt."""
    hoang_hop = served_commune()
    hoang_giang = factories.CommuneFactory(code="16015", name="Hoằng Giang", slug="hoang-giang")
    hoang_xuan = factories.CommuneFactory(code="16018", name="Hoằng Xuân", slug="hoang-xuan")
    hoang_cat = factories.CommuneFactory(
        code="16021", name="Hoằng Cát", slug="hoang-cat", merged_into=hoang_hop, merged_on=datetime.date(2025, 7, 1)
    )
    plan_of(hoang_hop, HOANG_HOP_TARGETS)
    for commune in (hoang_giang, hoang_xuan, hoang_cat):
        plan_of(commune)
    periods = {commune.code: period_of(commune) for commune in (hoang_hop, hoang_giang, hoang_xuan, hoang_cat)}

    report(
        enterprise_of(hoang_hop, "Công ty TNHH May mặc An Phát"),
        periods[hoang_hop.code],
        total=100,
        counts=counts(90, 60, 50, 40, 20),
    )
    report(
        enterprise_of(hoang_hop, "Công ty CP Giày da Bình Minh"),
        periods[hoang_hop.code],
        total=50,
        counts=counts(40, 30, 20, 10, 5),
    )
    enterprise_of(hoang_hop, "HTX Cẩm Thủy")
    report(
        enterprise_of(hoang_giang, "Công ty TNHH Đông Á"),
        periods[hoang_giang.code],
        total=200,
        counts=counts(150, 100, 100, 80, 60),
    )
    report(
        enterprise_of(hoang_giang, "Công ty TNHH Gia Phú"),
        periods[hoang_giang.code],
        total=80,
        counts=counts(80, 80, 80, 80, 80),
        status=ReportStatus.SUBMITTED,
    )
    enterprise_of(hoang_xuan, "Công ty TNHH Xuân Lộc")
    report(
        enterprise_of(hoang_cat, "Công ty TNHH Cát Tường"),
        periods[hoang_cat.code],
        total=1000,
        counts=counts(1000, 1000, 1000, 1000, 1000),
    )
    totals.rebuild()
    return {"hoang_hop": hoang_hop, "hoang_giang": hoang_giang, "hoang_xuan": hoang_xuan, "hoang_cat": hoang_cat}


@pytest.fixture
def province_viewer(db):
    return factories.ProvinceViewerFactory(username="hai.province", first_name="Hải", last_name="Trịnh Văn")
