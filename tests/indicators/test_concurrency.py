"""Two simultaneous first submissions for one enterprise and period (two phones, one
double tap) leave exactly one report and no server error. PostgreSQL only: SQLite
serialises writers on the whole database, so the race cannot happen there."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from communes.current import commune_scope
from indicators import rules, services
from indicators.models import EnterpriseReport, Indicator, ReportEvent
from tests import factories

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so two first saves cannot race")


def test_two_simultaneous_first_submissions_leave_exactly_one_report(plan, open_period, enterprise_a):
    officers = [
        factories.UnionOfficerFactory(enterprise=enterprise_a, user__username=f"officer{n}").user for n in range(2)
    ]
    indicators = list(Indicator.objects.of_plan())
    figures = rules.Figures(100, 60, {"a": 90, "b": 70, "c": 60, "d": 60, "e": 30})
    barrier = threading.Barrier(2)
    outcomes, crashes = [], []

    def submit(officer):
        try:
            barrier.wait(timeout=10)
            # A thread starts outside the test body's scope: as in a request, the commune's.
            with commune_scope(open_period.commune):
                services.report_submit(
                    enterprise=enterprise_a,
                    period=open_period,
                    actor=officer,
                    figures=figures,
                    version=0,
                    indicators=indicators,
                )
            outcomes.append("saved")
        except ValidationError as error:
            outcomes.append(error.code)
        except Exception as error:
            crashes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(officer,)) for officer in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not crashes, crashes
    assert sorted(outcomes) == ["conflict", "saved"]
    assert EnterpriseReport.objects.filter(enterprise=enterprise_a, period=open_period).count() == 1
    assert ReportEvent.objects.count() == 1


def test_two_simultaneous_imports_of_the_same_report_both_land_as_updates(plan, open_period, enterprise_a, official):
    """The import overwrites: the loser of the insert race retries as an update."""
    figures = rules.Figures(100, 60, {"a": 90, "b": 70, "c": 60, "d": 60, "e": 30})
    rows = [services.ImportedReport(row=5, enterprise=enterprise_a, figures=figures)]
    barrier = threading.Barrier(2)
    crashes = []

    def run():
        try:
            barrier.wait(timeout=10)
            with commune_scope(open_period.commune):
                services.reports_import(period=open_period, actor=official, rows=rows)
        except Exception as error:
            crashes.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not crashes, crashes
    report = EnterpriseReport.objects.get(enterprise=enterprise_a, period=open_period)
    assert report.events.count() == 2
