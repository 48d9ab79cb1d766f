"""`manage.py load_plan --commune <code> [plan file]`: each commune loads its own plan (#17)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from indicators.models import Indicator, ReportingPeriod, Target
from plans.models import Plan, Task
from tests import factories

pytestmark = pytest.mark.django_db


def counts():
    return (Plan.objects.count(), Task.objects.count(), Indicator.objects.count(), ReportingPeriod.objects.count())


def test_a_commune_loads_its_own_plan_with_its_own_targets(plan, settings):
    other = factories.CommuneFactory(code="99301", name="Hải Mẫu", slug="hai-mau")
    call_command("load_plan", "--commune", "99301", str(settings.PORTAL_PLAN_FILE), verbosity=0)
    theirs = Plan.objects.get(commune=other)
    assert theirs.code == plan.code and theirs.pk != plan.pk
    assert Task.objects.filter(commune=other).count() == 17
    assert set(ReportingPeriod.objects.filter(commune=other).values_list("code", flat=True)) == set(
        ReportingPeriod.objects.filter(commune=plan.commune).values_list("code", flat=True)
    )
    # Their targets are theirs: changing one leaves Hoàng Hợp's as they were.
    Target.objects.filter(commune=other, indicator__code="a", year=2025).update(value=80)
    assert Target.objects.get(commune=plan.commune, indicator__code="a", year=2025).value == 90
    before = counts()
    call_command("load_plan", "--commune", "99301", verbosity=0)
    assert counts() == before


def test_without_a_commune_the_plan_goes_to_the_served_commune(plan):
    assert plan.commune.pk == factories.CommuneFactory._meta.model.objects.served().pk


@pytest.mark.parametrize("code, says", [("99999", "Không có xã nào mang mã 99999"), ("12", "“12” không phải là mã xã")])
def test_a_plan_for_an_unknown_commune_is_refused_with_nothing_changed(plan, code, says):
    before = counts()
    with pytest.raises(CommandError, match=says):
        call_command("load_plan", "--commune", code, verbosity=0)
    assert counts() == before


def test_a_merged_commune_takes_no_new_plan(plan):
    receiving = factories.CommuneFactory(code="99302", name="Đông Mẫu", slug="dong-mau")
    factories.CommuneFactory(
        code="99303", name="Tây Mẫu", slug="tay-mau", merged_into=receiving, merged_on=datetime.date(2025, 7, 1)
    )
    before = counts()
    with pytest.raises(CommandError, match="--commune 99302"):
        call_command("load_plan", "--commune", "99303", verbosity=0)
    assert counts() == before


def test_a_file_that_is_not_a_plan_is_refused(plan, tmp_path):
    bad = tmp_path / "khong-phai.json"
    bad.write_text('{"tieu_de": 1}', encoding="utf-8")
    before = counts()
    with pytest.raises(CommandError, match="không phải là tệp kế hoạch"):
        call_command("load_plan", str(bad), verbosity=0)
    assert counts() == before
