"""roster_totals: the figures a report can be prefilled with, counted in SQL."""

import datetime

import pytest

from enterprises.models import Sex
from indicators.roster import RosterTotals, roster_totals
from tests.factories import WorkerFactory, WorkerOutcomeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(enterprise_a, enterprise_b, indicators):
    """Enterprise A: 3 women and 1 man employed, 1 woman who left; outcomes spread over time."""
    women = WorkerFactory.create_batch(3, enterprise=enterprise_a, sex=Sex.FEMALE)
    man = WorkerFactory(enterprise=enterprise_a, sex=Sex.MALE)
    gone = WorkerFactory(enterprise=enterprise_a, sex=Sex.FEMALE, is_active=False)
    march, august = datetime.date(2025, 3, 1), datetime.date(2025, 8, 1)
    for worker in [*women, man]:
        WorkerOutcomeFactory(worker=worker, indicator=indicators["a"], achieved_on=march)
    WorkerOutcomeFactory(worker=women[0], indicator=indicators["b"], achieved_on=march)
    WorkerOutcomeFactory(worker=women[1], indicator=indicators["b"], achieved_on=august)
    WorkerOutcomeFactory(worker=gone, indicator=indicators["c"], achieved_on=march)
    other = WorkerFactory(enterprise=enterprise_b)
    WorkerOutcomeFactory(worker=other, indicator=indicators["a"], achieved_on=march)
    return enterprise_a


def test_totals_count_active_workers_women_and_each_indicator(roster, indicators):
    totals = roster_totals(roster)
    assert (totals.workers, totals.female_workers) == (4, 3)
    assert totals.met == {indicators["a"].pk: 4, indicators["b"].pk: 2}
    assert totals.met_count(indicators["c"].pk) == 0  # only a worker who left met it
    assert totals.rate(indicators["b"].pk) == 50.0


def test_as_of_counts_only_outcomes_achieved_by_that_day(roster, indicators):
    totals = roster_totals(roster, as_of=datetime.date(2025, 6, 30))
    assert totals.met == {indicators["a"].pk: 4, indicators["b"].pk: 1}
    assert roster_totals(roster, as_of=datetime.date(2025, 8, 1)).met_count(indicators["b"].pk) == 2
    assert roster_totals(roster, as_of=datetime.date(2024, 12, 31)).met == {}


def test_an_enterprise_without_a_roster_has_empty_totals(enterprise_b):
    totals = roster_totals(enterprise_b.pk)
    assert totals == RosterTotals(workers=0, female_workers=0, met={})
    assert totals.is_empty and totals.rate(1) is None


def test_totals_take_two_queries_whatever_the_roster_size(roster, django_assert_num_queries):
    with django_assert_num_queries(2):
        roster_totals(roster)
