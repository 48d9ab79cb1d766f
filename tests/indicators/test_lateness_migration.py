"""Migration 0007 gives each existing report the date its lateness is measured by
(`first_submitted_on`), so that the late flags it replaces keep their meaning; backwards,
the flags are decided again from the dates."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

HO_CHI_MINH = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = [("indicators", "0006_bounded_figures_and_texts"), ("enterprises", "0010_enterprise_follow_dates_constraints")]
AFTER = [("indicators", "0008_remove_report_is_late")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_reports_get_their_first_submission_date_and_keep_their_lateness():
    try:
        apps = migrate(BEFORE)
        Enterprise = apps.get_model("enterprises", "Enterprise")
        Period = apps.get_model("indicators", "ReportingPeriod")
        Report = apps.get_model("indicators", "EnterpriseReport")
        Event = apps.get_model("indicators", "ReportEvent")
        period = Period.objects.create(
            code="2026-H1",
            kind="half",
            year=2026,
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 6, 30),
            deadline=datetime.date(2026, 7, 15),
            state="open",
        )

        def report(number, **fields):
            enterprise = Enterprise.objects.create(
                name=f"DN {number}", tax_code=f"{2890000000 + number:010d}", followed_from=datetime.date(2024, 1, 1)
            )
            return Report.objects.create(enterprise=enterprise, period=period, **fields)

        # Sent at 00:30 on 16/07 in Hoàng Hợp (still 15/07 in UTC): late by the commune's date.
        after_midnight = report(
            1,
            status="submitted",
            is_late=True,
            first_submitted_at=datetime.datetime(2026, 7, 16, 0, 30, tzinfo=HO_CHI_MINH),
        )
        # No first-submission time on record: the workflow log's first submission.
        logged = report(2, status="approved", is_late=False)
        Event.objects.create(
            report=logged,
            action="submit",
            to_status="submitted",
            at=datetime.datetime(2026, 7, 14, 9, tzinfo=HO_CHI_MINH),
        )
        Event.objects.create(
            report=logged,
            action="approve",
            to_status="approved",
            at=datetime.datetime(2026, 7, 20, 9, tzinfo=HO_CHI_MINH),
        )
        # Flagged late, nothing else known: stays late.
        flagged = report(3, status="submitted", is_late=True)
        # Submitted on the deadline day, the last submission only on record.
        last_only = report(4, status="submitted", submitted_at=datetime.datetime(2026, 7, 15, 20, tzinfo=HO_CHI_MINH))
        draft = report(5, status="draft")

        apps = migrate(AFTER)
        Report = apps.get_model("indicators", "EnterpriseReport")
        dates = dict(Report.objects.values_list("pk", "first_submitted_on"))
        assert dates == {
            after_midnight.pk: datetime.date(2026, 7, 16),
            logged.pk: datetime.date(2026, 7, 14),
            flagged.pk: datetime.date(2026, 7, 16),
            last_only.pk: datetime.date(2026, 7, 15),
            draft.pk: None,
        }

        apps = migrate(BEFORE)
        Report = apps.get_model("indicators", "EnterpriseReport")
        late = set(Report.objects.filter(is_late=True).values_list("pk", flat=True))
        assert late == {after_midnight.pk, flagged.pk}
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
