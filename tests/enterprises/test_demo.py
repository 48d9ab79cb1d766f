"""The demo data of the enterprises app: realistic, valid and idempotent."""

import datetime

import pytest
from django.core.management import call_command

from enterprises import demo
from enterprises.models import Enterprise, UnionOfficer, Worker
from enterprises.validators import validate_tax_code
from indicators import demo as indicators_demo
from indicators.models import WorkerOutcome

pytestmark = pytest.mark.django_db


def seed_twice():
    from accounts import demo as accounts

    accounts.seed()
    first = demo.seed()
    second = demo.seed()
    assert first == second
    return first


def test_the_demo_has_nine_valid_enterprises_of_the_commune_one_added_in_2026_one_no_longer_followed(plan):
    logins = seed_twice()
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) == 9
    for enterprise in enterprises:
        validate_tax_code(enterprise.tax_code)
        assert enterprise.tax_code.startswith("28") and len(enterprise.tax_code) == 10
        assert enterprise.address.startswith("Thôn ")
    assert [(e.name, e.stopped_from) for e in enterprises if not e.is_active] == [
        ("Công ty TNHH Mây tre đan xuất khẩu Hoàng Hợp", datetime.date(2025, 1, 1))
    ]
    assert [e.name for e in enterprises if e.followed_from > datetime.date(2025, 12, 31)] == [
        "Công ty TNHH Bao bì Hoàng Phát"
    ]
    usernames = [username for username, _description in logins]
    assert usernames[:2] == ["congdoan.maymac", "congdoan.giayda"]
    assert all(name.startswith("congdoan.") for name in usernames)
    assert len(usernames) == UnionOfficer.objects.count() == 7


def test_the_garment_company_has_a_roster_with_outcomes_over_every_indicator(plan):
    seed_twice()
    garment = Enterprise.objects.get(tax_code=demo.GARMENT_TAX_CODE)
    assert garment.workers.count() == 40
    assert UnionOfficer.objects.get(user__username="congdoan.maymac").enterprise == garment
    indicators_demo.seed_roster_outcomes(list(plan.indicators.all()))
    per_indicator = {
        i.code: WorkerOutcome.objects.filter(worker__enterprise=garment, indicator=i).count()
        for i in plan.indicators.all()
    }
    assert all(count > 0 for count in per_indicator.values())
    assert per_indicator["a"] > per_indicator["e"]


def test_seeding_before_the_plan_is_loaded_creates_workers_and_adds_outcomes_later():
    seed_twice()
    assert Worker.objects.count() == 40
    assert not WorkerOutcome.objects.exists()
    call_command("load_plan", verbosity=0)
    demo.seed()
    indicators_demo.seed()
    assert WorkerOutcome.objects.exists()
    count = WorkerOutcome.objects.count()
    indicators_demo.seed()
    assert WorkerOutcome.objects.count() == count
