"""The plan's own years bound its annual plans and activities: no year is written in the code."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from plans.forms import ActivityFilter, default_activity_date, plan_years
from plans.models import AnnualPlan
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db


def test_an_annual_plan_outside_the_plans_years_is_refused():
    plan = PlanFactory(start_year=2026, end_year=2035)
    with pytest.raises(ValidationError) as refused:
        AnnualPlan(plan=plan, year=2036).full_clean()
    assert refused.value.error_dict["year"][0].code == "out_of_range"
    AnnualPlan(plan=plan, year=2035).full_clean()  # the last year is the plan's


def test_activities_may_be_dated_from_the_year_the_plan_was_issued_to_its_last_year():
    plan = PlanFactory(issued_year=2025, start_year=2026, end_year=2035)
    assert list(plan_years(plan)) == list(range(2025, 2036))


def test_the_activity_filter_offers_the_plans_years(official):
    plan = PlanFactory(issued_year=2031, start_year=2031, end_year=2035)
    years = ActivityFilter(user=official, plan=plan).filters["year"].extra["choices"]
    assert [year for year, _label in years] == [2031, 2032, 2033, 2034, 2035]


def test_no_default_date_for_an_activity_outside_the_plans_years():
    plan = PlanFactory(issued_year=2040, start_year=2040, end_year=2045)
    assert default_activity_date(plan) is None
    this_year = datetime.date.today().year
    assert (
        default_activity_date(PlanFactory(code="now", issued_year=this_year, start_year=this_year, end_year=this_year))
        is not None
    )
