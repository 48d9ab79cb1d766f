"""The reports' stored standing (indicators.standing), hand-computed: the writes of the
workflow keep it, the dashboard's furthest behind is read from it in order, a target
change ranks every report again, and a standing changed by hand is drift that
`rebuild_totals` fixes. Random sequences of the writes: test_totals_property.py.

2025-H1's milestones with the plan's targets: a 67,5 %, b 54 %, c 48,75 %, d 48,75 %,
e 26,25 % (halfway between 2024's and the 2025 targets of 90, 72, 65, 65 and 35 %)."""

import importlib
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from indicators import services, standing
from indicators.models import ReportStanding
from indicators.rules import Figures
from tests import factories

FULL = {"a": 90, "b": 70, "c": 60, "d": 60, "e": 30}  # nothing behind; shortfall e 30 − 26,25
HALF = {"a": 60, "b": 60, "c": 40, "d": 50, "e": 10}  # a, c and e behind; shortfall e 10 − 26,25
NONE = {"a": 0, "b": 0, "c": 0, "d": 0, "e": 0}  # all five behind; shortfall a 0 − 67,5


@pytest.fixture
def period(h1_2025_late):
    return h1_2025_late


def stood(report) -> tuple[int, Decimal] | None:
    row = ReportStanding.objects.filter(report_id=report.pk).values_list("behind", "shortfall").first()
    return None if row is None else (row[0], row[1].normalize())


def submit(enterprise, period, officer, counts, version=0):
    return services.report_submit(
        enterprise=enterprise, period=period, actor=officer, figures=Figures(100, 50, counts), version=version
    )


class TestTheWorkflowKeepsIt:
    def test_a_draft_has_none_a_submitted_report_has_one(self, period, enterprise_a, officer_a):
        draft = services.report_save_draft(
            enterprise=enterprise_a, period=period, actor=officer_a, figures=Figures(100, 50, HALF), version=0
        )
        assert stood(draft) is None
        report = submit(enterprise_a, period, officer_a, HALF, version=draft.version)
        assert stood(report) == (3, Decimal("-16.25"))

    def test_returned_it_goes_approved_it_stays(self, period, enterprise_a, officer_a, official):
        report = submit(enterprise_a, period, officer_a, FULL)
        assert stood(report) == (0, Decimal("3.75"))
        report = services.report_return(report=report, actor=official, version=report.version, reason="Sai số")
        assert stood(report) is None
        report = submit(enterprise_a, period, officer_a, HALF, version=report.version)
        report = services.report_approve(report=report, actor=official, version=report.version)
        assert stood(report) == (3, Decimal("-16.25"))

    def test_a_target_change_ranks_every_report_again(self, period, enterprise_a, officer_a, official, indicators):
        report = submit(enterprise_a, period, officer_a, FULL)
        e = indicators["e"]
        # e's 2025 target 35 % → 60 %: 2025-H1's milestone (30 + 60) / 2 = 45 %, and 30 % is behind.
        services.indicator_update(
            indicator=e, actor=official, version=e.version, fields={}, targets={2025: Decimal(60)}, milestones={}
        )
        assert stood(report) == (1, Decimal("-15"))

    def test_the_dashboard_lists_the_furthest_behind_first(
        self, period, enterprise_a, enterprise_b, officer_a, officer_b
    ):
        third = factories.EnterpriseFactory(name="Công ty TNHH Cơ khí Châu Sơn", tax_code="2800000003")
        third_officer = factories.UnionOfficerFactory(enterprise=third)
        submit(enterprise_a, period, officer_a, FULL)
        submit(enterprise_b, period, officer_b, HALF)
        submit(third, period, third_officer.user, NONE)
        assert standing.furthest_behind(period, 10) == [third.pk, enterprise_b.pk, enterprise_a.pk]
        assert standing.furthest_behind(period, 2) == [third.pk, enterprise_b.pk]

    def test_equal_standings_go_by_name(self, period, enterprise_a, enterprise_b, officer_a, officer_b):
        submit(enterprise_a, period, officer_a, HALF)  # Công ty TNHH May mặc An Phát
        submit(enterprise_b, period, officer_b, HALF)  # Công ty CP Giày da Bình Minh
        assert standing.furthest_behind(period, 10) == [enterprise_b.pk, enterprise_a.pk]


class TestOperators:
    def test_a_standing_changed_by_hand_is_found_and_rebuilt(self, period, enterprise_a, officer_a, capsys):
        report = submit(enterprise_a, period, officer_a, HALF)
        ReportStanding.objects.filter(report=report).update(behind=0)
        with pytest.raises(CommandError) as drift:
            call_command("rebuild_totals", "--check")
        assert "2025-H1: the standing of 1 report(s)" in str(drift.value)
        assert stood(report)[0] == 0  # the check changes nothing
        call_command("rebuild_totals")
        assert "2025-H1: the standing of 1 report(s)" in capsys.readouterr().out
        assert stood(report) == (3, Decimal("-16.25"))
        call_command("rebuild_totals", "--check")

    def test_missing_and_superfluous_rows_are_drift(self, period, enterprise_a, enterprise_b, officer_a):
        report = submit(enterprise_a, period, officer_a, HALF)
        draft = factories.ReportFactory(enterprise=enterprise_b, period=period, status="draft")
        ReportStanding.objects.filter(report=report).delete()
        ReportStanding.objects.create(report=draft, period=period, behind=1, shortfall=0)
        assert standing.drift() == {period.pk: 2}
        standing.rebuild()
        assert standing.drift() == {}
        assert (stood(report), stood(draft)) == ((3, Decimal("-16.25")), None)

    def test_the_migration_fills_the_table_of_an_existing_installation(self, period, enterprise_a, enterprise_b):
        from django.apps import apps

        factories.ReportFactory(enterprise=enterprise_a, period=period, counts=HALF, total_workers=100)
        factories.ReportFactory(enterprise=enterprise_b, period=period, status="submitted", counts=FULL)
        expected = standing.stored()
        assert len(expected) == 2
        ReportStanding.objects.all().delete()
        importlib.import_module("indicators.migrations.0013_fill_report_standings").fill(apps, None)
        assert standing.stored() == expected
