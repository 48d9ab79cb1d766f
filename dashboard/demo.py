"""Two neighbouring demo communes merged on 1/7/2025 into a third (issue 17). Never run this on
a production database.

Bắc Mẫu (99901) and Nam Mẫu (99902), made-up communes with codes no real commune has, each
load the same plan (`load_plan --commune`), follow two enterprises and approved their reports
for 2024-H1, 2024 and 2025-H1; on 1/7/2025 both are merged into Hợp Mẫu (99903), a new
commune (communes.merging), which then approved their 2025 reports and has 2026-H1 open. So
the demo shows a merged commune's history (its frozen figures, "sáp nhập vào xã Hợp Mẫu") and
the receiving commune's combined figures for the periods before the merger.

Idempotent: the communes are matched by code; once the merger is recorded the former
communes are left as they are, and the receiving commune's reports that exist are kept.
"""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django_scopes import scope

from communes.merging import communes_merge
from communes.models import Commune, free_slug
from enterprises.models import EconomicSector, Enterprise, LegalForm
from indicators import demo as report_demo
from indicators import totals
from indicators.models import Indicator, PeriodState, ReportingPeriod
from plans.models import Plan

MERGED_ON = datetime.date(2025, 7, 1)
BEFORE = ["2024-H1", "2024", "2025-H1"]  # reported to the former communes
AFTER = ["2025"]  # reported to the receiving commune
RECEIVING = {"code": "99903", "name": "Hợp Mẫu"}
FORMER = [
    {
        "code": "99901",
        "name": "Bắc Mẫu",
        "enterprises": [
            ("2809901001", "Công ty TNHH May mẫu Bắc Mẫu", "Dệt may"),
            ("2809901002", "Hợp tác xã Gốm mẫu Bắc Mẫu", "Gốm sứ"),
        ],
    },
    {
        "code": "99902",
        "name": "Nam Mẫu",
        "enterprises": [
            ("2809902001", "Công ty CP Chế biến nông sản mẫu Nam Mẫu", "Chế biến nông sản"),
            ("2809902002", "Công ty TNHH Cơ khí mẫu Nam Mẫu", "Cơ khí"),
        ],
    },
]


def _commune(code: str, name: str, like: Commune) -> Commune:
    commune = Commune.objects.filter(code=code).first()
    if commune is None:
        commune = Commune(
            code=code,
            name=name,
            slug=free_slug(name, code, taken=set(Commune.objects.values_list("slug", flat=True))),
            body=f"Ủy ban nhân dân xã {name}",
            place=name,
            superior=like.superior,
            addressee=like.addressee,
        )
        commune.full_clean()
        commune.save()
    return commune


def _reports(commune: Commune, codes: list[str], *, closed: list[str], open_code: str | None = None) -> None:
    """Approved reports of `commune`'s enterprises for the periods `codes`, the missing ones
    only, with cumulative figures; the periods `closed` closed and `open_code` opened (those
    nobody opened yet)."""
    periods = {p.code: p for p in ReportingPeriod.objects.filter(commune=commune)}
    for code, state in [*((c, PeriodState.CLOSED) for c in closed), (open_code, PeriodState.OPEN)]:
        period = periods.get(code)
        if period is not None and period.state == PeriodState.PENDING:
            period.state = state
            period.save(update_fields=["state"])
    plan = Plan.objects.filter(commune=commune, is_current=True).order_by("-issued_year", "-pk").first()
    indicators = list(Indicator.objects.filter(plan=plan).order_by("order", "code").prefetch_related("targets"))
    official = report_demo._official()
    for position, enterprise in enumerate(Enterprise.objects.filter(commune=commune).order_by("tax_code")):
        trajectory = report_demo._Trajectory(enterprise, indicators)
        done = set(enterprise.reports.values_list("period__code", flat=True))
        for step, code in enumerate([*BEFORE, *AFTER]):
            figures = trajectory.next(code)  # always advance: figures do not depend on what exists
            if code not in codes or code in done:
                continue
            report_demo._report(
                enterprise=enterprise,
                period=periods[code],
                figures=figures,
                fate="approved",
                late=False,
                officer=None,
                official=official,
                notes="",
                step=position * 5 + step,
            )


def seed() -> list:
    served = Commune.objects.served()
    receiving = _commune(RECEIVING["code"], RECEIVING["name"], served)
    former = [_commune(row["code"], row["name"], served) for row in FORMER]
    call_command("load_plan", "--commune", receiving.code, verbosity=0)
    if all(commune.merged_into_id is None for commune in former):
        for commune, row in zip(former, FORMER, strict=True):
            call_command("load_plan", "--commune", commune.code, verbosity=0)
            with scope(commune=commune):
                for tax_code, name, sector in row["enterprises"]:
                    Enterprise.objects.get_or_create(
                        commune=commune,
                        tax_code=tax_code,
                        defaults={
                            "name": name,
                            "sector": sector,
                            "legal_form": LegalForm.SINGLE_MEMBER_LLC,
                            "economic_sector": EconomicSector.NON_STATE,
                            "followed_from": datetime.date(2023, 1, 1),
                        },
                    )
                _reports(commune, BEFORE, closed=BEFORE)
        # The reports above bypass the services that keep the totals: count them before the
        # former communes' totals are frozen by the merger.
        totals.rebuild(ReportingPeriod.objects.filter(commune__in=former).values_list("pk", flat=True))
        communes_merge(into=receiving, sources=former, date=MERGED_ON, apply=True)
    with scope(commune=receiving):
        _reports(receiving, AFTER, closed=[*BEFORE, *AFTER], open_code=report_demo.OPEN)
        totals.rebuild(ReportingPeriod.objects.filter(commune=receiving).values_list("pk", flat=True))
    return []
