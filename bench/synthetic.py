"""A synthetic province-scale commune for the benchmarks.

Thousands of enterprises (Thanh Hoá province has over 21,000) with a report for
every period of the plan, 2024-H1 … 2030, mostly approved, built with
bulk_create in a few seconds. The figures are plausible rather than real: each
enterprise's workforce is drawn once (mostly small firms, a few large
factories), and the share of its workers who met each indicator grows from
period to period towards the plan's 2030 target, with noise, never above the
workforce.

Deterministic for a given seed, so two runs benchmark the same data.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts.roles import OFFICIAL
from communes.models import Commune, Membership
from enterprises.models import EconomicSector, Enterprise, LegalForm
from indicators import totals
from indicators.models import EnterpriseReport, PeriodState, ReportingPeriod, ReportStatus, ReportValue
from plans.models import Activity, Plan, Task, TaskStatus

OFFICIAL_USERNAME = "bench.official"
BATCH = 5000
# Followed since before the plan's first period (rule 1: every period counts them).
FOLLOWED_FROM = datetime.date(2023, 1, 1)
STOPPED_FROM = datetime.date(2025, 1, 1)
SECTORS = ["Dệt may", "Da giày", "Chế biến nông sản", "Vật liệu xây dựng", "Cơ khí", "Thương mại, dịch vụ"]
LEGAL_FORMS = (
    [LegalForm.SINGLE_MEMBER_LLC] * 4
    + [LegalForm.MULTI_MEMBER_LLC] * 3
    + [LegalForm.JOINT_STOCK, LegalForm.COOPERATIVE]
)
SECTORS = [EconomicSector.NON_STATE] * 8 + [EconomicSector.FOREIGN, EconomicSector.STATE]
# Of each period's reports: approved, submitted, returned, draft, none at all.
STATUS_WEIGHTS = [
    (ReportStatus.APPROVED, 94),
    (ReportStatus.SUBMITTED, 2),
    (ReportStatus.RETURNED, 1),
    (ReportStatus.DRAFT, 1),
    (None, 2),
]


@dataclass(frozen=True)
class Built:
    enterprises: int
    periods: int
    reports: int
    values: int


def workforce(rng: random.Random) -> int:
    """Mostly small firms, some medium, a few large factories."""
    roll = rng.random()
    if roll < 0.70:
        return rng.randint(5, 60)
    if roll < 0.95:
        return rng.randint(60, 400)
    return rng.randint(400, 4000)


def build(enterprises: int = 5000, *, seed: int = 2030, log=print) -> Built:
    """Fill an empty database (migrated) with the plan and a province of enterprises."""
    rng = random.Random(seed)
    call_command("load_plan", verbosity=0)
    plan = Plan.objects.current()
    indicators = list(plan.indicators.order_by("order", "code").prefetch_related("targets"))
    final_target = {i.pk: float(max(i.targets.all(), key=lambda t: t.year).value) for i in indicators}
    periods = list(ReportingPeriod.objects.order_by("end", "kind"))
    with transaction.atomic():
        # As at the end of the plan: every period closed but the last, which is open.
        ReportingPeriod.objects.update(state=PeriodState.CLOSED)
        ReportingPeriod.objects.filter(pk=periods[-1].pk).update(state=PeriodState.OPEN)

        _official()
        Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"Doanh nghiệp thử nghiệm {n:05d}",
                    tax_code=f"{2900000000 + n:010d}",
                    address=f"Thôn {rng.randint(1, 12)}",
                    sector=rng.choice(SECTORS),
                    legal_form=rng.choice(LEGAL_FORMS),
                    economic_sector=rng.choice(SECTORS),
                    has_union=rng.random() < 0.8,
                    followed_from=FOLLOWED_FROM,
                    # One in a hundred no longer followed, since the start of 2025.
                    **({} if rng.random() > 0.01 else {"is_active": False, "stopped_from": STOPPED_FROM}),
                )
                for n in range(1, enterprises + 1)
            ],
            batch_size=BATCH,
        )
        firms = list(Enterprise.objects.order_by("pk").values_list("pk", flat=True))
        size = {pk: workforce(rng) for pk in firms}
        # How keen each enterprise is: some lead, some lag, all move towards the target.
        keenness = {pk: rng.uniform(0.55, 1.15) for pk in firms}
        statuses, weights = zip(*STATUS_WEIGHTS, strict=False)

        reports_made = values_made = 0
        for step, period in enumerate(periods, start=1):
            share_of_target = step / len(periods)
            reports = []
            for pk in firms:
                status = rng.choices(statuses, weights)[0]
                if status is None:
                    continue
                total = max(1, round(size[pk] * rng.uniform(0.9, 1.1)))
                female = round(total * rng.uniform(0.3, 0.8))
                submitted = timezone.now() if status != ReportStatus.DRAFT else None
                # One report in twenty came after the deadline (drawn in the order the data always was).
                late = submitted is not None and rng.random() < 0.05
                submitted_on = period.deadline + datetime.timedelta(days=3 if late else -3) if submitted else None
                reports.append(
                    EnterpriseReport(
                        enterprise_id=pk,
                        period_id=period.pk,
                        status=status,
                        total_workers=total,
                        female_workers=female,
                        first_submitted_at=submitted,
                        submitted_at=submitted,
                        first_submitted_on=submitted_on,
                        reviewed_at=timezone.now() if status == ReportStatus.APPROVED else None,
                    )
                )
            EnterpriseReport.objects.bulk_create(reports, batch_size=BATCH)
            if reports[0].pk is None:  # a backend that does not return keys from bulk inserts
                ids = dict(EnterpriseReport.objects.filter(period=period).values_list("enterprise_id", "pk"))
                for report in reports:
                    report.pk = ids[report.enterprise_id]
            values = []
            for report in reports:
                for indicator in indicators:
                    share = final_target[indicator.pk] / 100 * share_of_target * keenness[report.enterprise_id]
                    share = min(1.0, max(0.0, share + rng.uniform(-0.08, 0.08)))
                    values.append(
                        ReportValue(
                            report_id=report.pk, indicator_id=indicator.pk, count=round(report.total_workers * share)
                        )
                    )
            ReportValue.objects.bulk_create(values, batch_size=BATCH)
            reports_made += len(reports)
            values_made += len(values)
            log(f"  {period.code}: {len(reports):,} reports, {len(values):,} figures")

        _tasks_and_activities(rng)
        totals.rebuild()  # bulk inserts bypass the services that keep them (indicators.totals)
    return Built(len(firms), len(periods), reports_made, values_made)


def _official():
    user, _created = get_user_model().objects.get_or_create(
        username=OFFICIAL_USERNAME, defaults={"first_name": "Lan", "last_name": "Nguyễn Thị"}
    )
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=OFFICIAL))
    Membership.objects.get_or_create(user=user, commune=Commune.objects.served())
    return user


def official():
    return get_user_model().objects.get(username=OFFICIAL_USERNAME)


def _tasks_and_activities(rng: random.Random) -> None:
    tasks = list(Task.objects.all())
    for task in tasks:
        task.status = rng.choice(TaskStatus.values)
    Task.objects.bulk_update(tasks, ["status"])
    Activity.objects.bulk_create(
        [
            Activity(
                task=rng.choice(tasks),
                date=timezone.localdate().replace(
                    year=rng.randint(2024, 2030), month=rng.randint(1, 12), day=rng.randint(1, 28)
                ),
                title=f"Hoạt động thử nghiệm {n}",
                workers_reached=rng.randint(20, 800),
            )
            for n in range(1, 301)
        ],
        batch_size=BATCH,
    )
