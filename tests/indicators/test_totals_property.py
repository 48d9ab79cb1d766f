"""Proof of equality (issue 18): random sequences of the real workflow's writes — save a
draft, submit, approve, return, reopen, enter a paper report, import, follow or stop
following an enterprise, change a target, move a deadline — on a small commune, and after
every step the maintained totals (indicators.totals) equal `progress`'s reference queries
over every report, and the figures and counts the dashboards read equal them too.

Deterministic (derandomized, no example database); each example runs in a savepoint that
is rolled back, so examples start from the same commune."""

import collections
import datetime
import sys
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from enterprises.models import Enterprise
from indicators import progress, services, standing, totals
from indicators.models import EnterpriseReport, Indicator, PeriodState, ReportingPeriod, ReportStatus
from indicators.rules import Figures
from tests import factories

CODES = ("a", "b", "c", "d", "e")
DATES = (
    datetime.date(2023, 1, 1),
    datetime.date(2025, 3, 1),
    datetime.date(2025, 7, 1),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 1, 1),
)
SETTINGS = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@st.composite
def figures(draw, complete: bool = True) -> Figures:
    total = draw(st.integers(1, 60))
    counts = {code: draw(st.integers(0, total)) for code in CODES}
    if not complete:
        counts = {code: count for code, count in counts.items() if draw(st.booleans())}
    return Figures(total, draw(st.integers(0, total)), counts)


class Commune:
    """The cast: an official, three enterprises each with an officer — E0 followed since
    2023, E1 from 1/7/2025 (after 2025-H1), E2 stopped from 1/1/2025 — and the periods
    2025-H1 and 2025, both open."""

    def __init__(self):
        self.official = factories.OfficialFactory(username="lan.official")
        self.enterprises, self.officers = [], []
        for n, (followed, stopped) in enumerate(
            [(DATES[0], None), (DATES[2], None), (DATES[0], datetime.date(2025, 1, 1))]
        ):
            enterprise = factories.EnterpriseFactory(
                followed_from=followed, stopped_from=stopped, is_active=stopped is None
            )
            officer = factories.UnionOfficerFactory(enterprise=enterprise, user__username=f"officer{n}")
            self.enterprises.append(enterprise.pk)
            self.officers.append(officer.user)
        self.periods = []
        for code in ("2025-H1", "2025"):
            period = ReportingPeriod.objects.get(code=code)
            period.state = PeriodState.OPEN
            period.save()
            self.periods.append(period.pk)


class Workflow(RuleBasedStateMachine):
    commune: Commune  # set before the machine runs

    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        caches["figures"].clear()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers

    def period(self, p: int) -> ReportingPeriod:
        return ReportingPeriod.objects.get(pk=self.commune.periods[p])

    def enterprise(self, e: int) -> Enterprise:
        return Enterprise.objects.get(pk=self.commune.enterprises[e])

    def report(self, e: int, p: int) -> EnterpriseReport | None:
        return EnterpriseReport.objects.filter(
            enterprise_id=self.commune.enterprises[e], period_id=self.commune.periods[p]
        ).first()

    def officer(self, e: int):
        # Read afresh: access remembers an officer's enterprise on the user object.
        return get_user_model().objects.get(pk=self.commune.officers[e].pk)

    def version(self, e: int, p: int) -> int:
        report = self.report(e, p)
        return report.version if report else 0

    @staticmethod
    def attempt(name: str, write) -> None:
        """A write the rules refuse (a locked report, a report not submitted, a closed period,
        an officer of an enterprise not followed) changes nothing: the invariant checks that
        too. `event` counts what was done and what refused: the test checks every write was done."""
        try:
            write()
        except ValidationError as refusal:
            event(f"{name}: refused ({getattr(refusal, 'code', None) or 'invalid'})")
        except PermissionDenied:
            event(f"{name}: refused (permission)")
        else:
            event(f"{name}: done")

    # --- the writes

    @initialize(data=figures())
    def a_first_report_approved(self, data):
        """Every example starts with E0's first report submitted and approved, so that the
        review's writes (approve, reopen) are exercised whichever rules the run enables."""
        self.submit(0, 0, data)
        self.review_and_approve(0)

    @rule(e=st.integers(0, 2), p=st.integers(0, 1), data=figures(complete=False))
    def save_draft(self, e, p, data):
        self.attempt(
            "save draft",
            lambda: services.report_save_draft(
                enterprise=self.enterprise(e),
                period=self.period(p),
                actor=self.officer(e),
                figures=data,
                version=self.version(e, p),
            ),
        )

    @rule(e=st.integers(0, 2), p=st.integers(0, 1), data=figures())
    def submit(self, e, p, data):
        self.attempt(
            "submit",
            lambda: services.report_submit(
                enterprise=self.enterprise(e),
                period=self.period(p),
                actor=self.officer(e),
                figures=data,
                version=self.version(e, p),
                confirmed=True,
            ),
        )

    def any_waiting(self, status: str) -> bool:
        return EnterpriseReport.objects.filter(period_id__in=self.commune.periods, status=status).exists()

    def waiting(self, status: str, pick: int) -> EnterpriseReport | None:
        """One of the reports waiting for the official (submitted, or approved to reopen), so
        that the review's writes are not left to chance."""
        reports = list(
            EnterpriseReport.objects.filter(period_id__in=self.commune.periods, status=status).order_by("pk")
        )
        return reports[pick % len(reports)] if reports else None

    @precondition(lambda self: self.any_waiting(ReportStatus.SUBMITTED))
    @rule(pick=st.integers(0, 5))
    def review_and_approve(self, pick):
        if report := self.waiting(ReportStatus.SUBMITTED, pick):
            official, version = self.commune.official, report.version
            self.attempt("approve", lambda: services.report_approve(report=report, actor=official, version=version))

    @precondition(lambda self: self.any_waiting(ReportStatus.SUBMITTED))
    @rule(pick=st.integers(0, 5))
    def send_back(self, pick):
        if report := self.waiting(ReportStatus.SUBMITTED, pick):
            official, version = self.commune.official, report.version
            self.attempt(
                "return", lambda: services.report_return(report=report, actor=official, reason="Sai", version=version)
            )

    @precondition(lambda self: self.any_waiting(ReportStatus.APPROVED))
    @rule(pick=st.integers(0, 5))
    def reopen(self, pick):
        if report := self.waiting(ReportStatus.APPROVED, pick):
            official, version = self.commune.official, report.version
            self.attempt(
                "reopen", lambda: services.report_reopen(report=report, actor=official, reason="Sửa", version=version)
            )

    @rule(p=st.integers(0, 1))
    def open_or_close(self, p):
        """Closing a period refuses most writes (approving still works); nothing counted moves."""
        period = self.period(p)
        if period.is_open:
            services.period_close(period=period, actor=self.commune.official)
        else:
            services.period_open(period=period, actor=self.commune.official)

    @rule(e=st.integers(0, 2), p=st.integers(0, 1), data=figures())
    def enter_paper_report(self, e, p, data):
        self.attempt(
            "paper report",
            lambda: services.report_enter_for_enterprise(
                enterprise=self.enterprise(e),
                period=self.period(p),
                actor=self.commune.official,
                figures=data,
                version=self.version(e, p),
                confirmed=True,
            ),
        )

    @rule(p=st.integers(0, 1), rows=st.dictionaries(st.integers(0, 2), figures(), min_size=1, max_size=3))
    def import_reports(self, p, rows):
        imported = [
            services.ImportedReport(row=n + 5, enterprise=self.enterprise(e), figures=data)
            for n, (e, data) in enumerate(sorted(rows.items()))
        ]
        self.attempt(
            "import", lambda: services.reports_import(period=self.period(p), actor=self.commune.official, rows=imported)
        )

    # Mostly followed: a stopped enterprise's officers can write nothing.
    @rule(e=st.integers(0, 2), followed=st.sampled_from(DATES), stopped=st.sampled_from([None, None, *DATES[1:]]))
    def follow_dates(self, e, followed, stopped):
        """What the enterprise's edit page and its stop/resume buttons write."""
        enterprise = self.enterprise(e)
        if stopped is not None and stopped < followed:
            followed, stopped = stopped, followed
        enterprise.followed_from = followed
        if stopped is None:
            enterprise.resume_following()
        else:
            enterprise.stop_following(stopped)
        with transaction.atomic():
            enterprise.save()

    @rule(code=st.sampled_from(CODES), value=st.integers(40, 100))
    def change_target(self, code, value):
        indicator = Indicator.objects.of_plan().get(code=code)
        services.indicator_update(
            indicator=indicator,
            actor=self.commune.official,
            version=indicator.version,
            fields={},
            targets={2025: Decimal(value)},
            milestones={},
        )

    @rule(p=st.integers(0, 1), days=st.sampled_from([0, 10, 200, 400, 700]))
    def move_deadline(self, p, days):
        period = self.period(p)
        services.period_set_deadline(
            period=period, actor=self.commune.official, deadline=period.end + datetime.timedelta(days=days)
        )

    # --- what must hold after every step

    @invariant()
    def the_totals_equal_a_recount(self):
        periods = [self.period(p) for p in range(2)]
        indicators = progress.plan_indicators()
        kept = totals.stored(p.pk for p in periods)
        series = progress.reference_series(periods, indicators)
        counts = progress.reference_report_counts(periods)
        for period in periods:
            reference, item = series[period.pk], kept[period.pk]
            assert (item.workers, item.female, item.approved, item.active) == (
                reference.total_workers,
                reference.female_workers,
                reference.completeness.approved,
                reference.completeness.expected,
            )
            assert {i.pk: item.met.get(i.pk, 0) for i in indicators} == {
                i.indicator_id: i.met for i in reference.indicators
            }
            c = counts[period.pk]
            assert (item.draft, item.submitted, item.approved, item.returned, item.late) == (
                c.draft,
                c.submitted,
                c.approved,
                c.returned,
                c.late,
            )
            assert (item.active, item.unreported) == (c.active, c.unreported)
            # The lower bound's inputs.
            assert (item.headcount, item.unknown) == progress._unapproved_headcount(period)
        # Each report's standing (the dashboard's furthest behind, indicators.standing).
        ids = [p.pk for p in periods]
        assert standing.stored(ids) == standing.recount(ids)
        # What the dashboards, the API and the export read.
        assert progress.report_counts(periods) == counts
        assert {p.pk: progress.commune_progress(p, indicators=indicators) for p in periods} == series


WRITES = ("save draft", "submit", "approve", "return", "reopen", "paper report", "import")


@pytest.mark.django_db
def test_the_maintained_totals_equal_the_reference_after_every_step_of_the_real_workflow(plan, monkeypatch):
    done = collections.Counter()
    monkeypatch.setattr(sys.modules[__name__], "event", lambda text: done.update([text]))
    Workflow.commune = Commune()
    run_state_machine_as_test(Workflow, settings=SETTINGS)
    # Every write of the workflow was carried out, not only refused.
    assert [name for name in WRITES if not done[f"{name}: done"]] == []
