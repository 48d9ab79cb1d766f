"""seed_demo's three communes (#17): Hoàng Hợp as before, and two neighbouring demo communes
merged on 1/7/2025 into a third, whose figures before the merger are theirs combined."""

import datetime

import pytest
from django.core.management import call_command

from communes.models import Commune
from dashboard import demo
from enterprises.models import Enterprise
from indicators import totals
from indicators.models import EnterpriseReport, ReportEvent, ReportingPeriod, ReportStatus, ReportValue

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(plan):
    call_command("seed_demo", verbosity=0)


def snapshot():
    return (
        tuple(Commune.objects.order_by("code").values_list("code", "merged_into__code", "merged_on")),
        tuple(Enterprise.objects.order_by("tax_code").values_list("tax_code", "commune__code")),
        tuple(EnterpriseReport.objects.order_by("pk").values_list("pk", "commune__code", "period__code", "status")),
        ReportValue.objects.count(),
        ReportEvent.objects.count(),
        ReportingPeriod.objects.count(),
        tuple(totals.stored().items()),
    )


def test_the_neighbours_are_merged_into_the_receiving_demo_commune(seeded):
    receiving = Commune.objects.get(code=demo.RECEIVING["code"])
    former = Commune.objects.filter(code__in=[row["code"] for row in demo.FORMER])
    assert receiving.is_active and former.count() == 2
    assert {(c.merged_into_id, c.merged_on) for c in former} == {(receiving.pk, datetime.date(2025, 7, 1))}
    assert Enterprise.objects.filter(commune=receiving).count() == 4
    assert not Enterprise.objects.filter(commune__in=former).exists()


def test_the_receiving_communes_figures_before_the_merger_are_the_former_ones_combined(seeded):
    receiving = Commune.objects.get(code=demo.RECEIVING["code"])
    former = list(Commune.objects.filter(code__in=[row["code"] for row in demo.FORMER]))
    for code in demo.BEFORE:
        mine = ReportingPeriod.objects.get(commune=receiving, code=code)
        kept = totals.stored([mine.pk])[mine.pk]
        assert kept == totals.recount([mine.pk])[mine.pk]
        history = [ReportingPeriod.objects.get(commune=c, code=code).pk for c in former]
        frozen = totals.stored(history)
        assert kept.approved == 4 == sum(item.approved for item in frozen.values())
        assert kept.workers == sum(item.workers for item in frozen.values()) > 0
    after = ReportingPeriod.objects.get(commune=receiving, code="2025")
    assert after.reports.filter(status=ReportStatus.APPROVED).count() == 4


def test_hoang_hop_keeps_its_demo(seeded):
    served = Commune.objects.served()
    assert served.code != demo.RECEIVING["code"] and served.is_active
    assert Enterprise.objects.filter(commune=served, tax_code="2801234567").exists()
    assert (
        EnterpriseReport.objects.filter(commune=served, period__code="2026-H1", status=ReportStatus.RETURNED).count()
        == 1
    )


def test_seeding_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_demo", verbosity=0)
    assert snapshot() == before
