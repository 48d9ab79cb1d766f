"""core.locking.claim, the one optimistic-locking idiom: the version a form was drawn from
must still be the row's, else Conflict and nothing written."""

import pytest

from core import locking
from indicators.models import EnterpriseReport, ReportStatus
from plans.models import Task
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def task(plan):
    return Task.objects.order_by("pk").first()


def version_of(task) -> int:
    return Task.objects.values_list("version", flat=True).get(pk=task.pk)


def test_a_claim_moves_the_version_on_once(task):
    assert locking.claim(Task.objects.filter(pk=task.pk), version=1) is True
    assert version_of(task) == 2


def test_a_second_claim_from_the_same_version_is_a_conflict_with_the_models_message(task):
    locking.claim(Task.objects.filter(pk=task.pk), version=1)
    with pytest.raises(locking.Conflict) as refused:
        locking.claim(Task.objects.filter(pk=task.pk), version=1)
    assert refused.value.code == "conflict"
    assert refused.value.messages == [str(Task.conflict_message)]
    assert version_of(task) == 2


def test_version_0_means_the_form_was_drawn_when_there_was_no_row(enterprise_a, plan):
    period = factories.PeriodFactory(year=2026)
    rows = EnterpriseReport.objects.filter(enterprise=enterprise_a, period=period)
    assert locking.claim(rows, version=0) is False
    factories.ReportFactory(enterprise=enterprise_a, period=period, status=ReportStatus.DRAFT)
    with pytest.raises(locking.Conflict) as refused:
        locking.claim(rows, version=0)
    assert refused.value.messages == [str(EnterpriseReport.conflict_message)]


def test_no_version_overwrites_whatever_is_there_but_still_moves_it_on(task):
    assert locking.claim(Task.objects.filter(pk=task.pk), version=None) is True
    assert locking.claim(Task.objects.filter(pk=task.pk), version=None) is True
    assert version_of(task) == 3
    assert locking.claim(Task.objects.none(), version=None) is False
