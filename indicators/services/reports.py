"""Writes to enterprise reports: draft, submit, enter on the enterprise's behalf, approve
(one or several), return and reopen; each leaves its event in the report's workflow log.

Whether an action is allowed is the report's own rule (`EnterpriseReport.…_refusal()`),
which the views ask too; whether the figures are acceptable is `indicators.rules`'. Here
the rules are enforced, the version claimed (core.locking) and the rows written.

`version` is the version of the report the form was drawn from: 0 when there was no
report yet (core.locking.claim).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from core import locking
from core.refusals import enforce

from .. import emails, figures_cache, totals
from ..models import (
    REASON_REQUIRED,
    EnterpriseReport,
    Indicator,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
)
from ..rules import NEEDS_CONFIRMATION, Figures, figures_problems, figures_warnings, previous_report

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from enterprises.models import Enterprise


# --- Shared by every report write (the import's too) -----------------------------------------


class _RetryAsUpdate(Exception):
    """A concurrent first save won the unique (enterprise, period) constraint."""


def _conflict() -> locking.Conflict:
    return locking.Conflict(EnterpriseReport.conflict_message)


def _claimed(report_filter: dict, version: int | None) -> EnterpriseReport | None:
    """The report, read after its version was claimed (and its row locked); None if there is none."""
    if not locking.claim(EnterpriseReport.objects.filter(**report_filter), version=version):
        return None
    return EnterpriseReport.objects.select_related("enterprise", "period").get(**report_filter)


def _report_for_write(*, enterprise: Enterprise, period: ReportingPeriod, version: int | None) -> EnterpriseReport:
    """The enterprise's report for the period, claimed, or a new draft when there is none."""
    # The period's figures revision first, before any report row: the lock order every
    # report writer keeps (indicators.figures_cache).
    figures_cache.touch([period.pk])
    report = _claimed({"enterprise": enterprise, "period": period}, version)
    if report is None:
        report = EnterpriseReport(enterprise=enterprise, period=period, status=ReportStatus.DRAFT)
    totals.snapshot(report)  # its part in the period's totals before the write (indicators.totals)
    return report


def _store(
    report: EnterpriseReport,
    figures: Figures,
    indicators: list[Indicator],
    *,
    actor,
    version: int | None,
) -> None:
    """Save the report row and its values; history records who did it."""
    report.total_workers = figures.total_workers
    report.female_workers = figures.female_workers
    report.notes = figures.notes or ""
    report._history_user = actor
    is_new = report.pk is None
    if is_new:
        report.full_clean(validate_constraints=False)
        try:
            # A savepoint: a concurrent first save of the same enterprise and period may
            # win the unique constraint, and this transaction must survive to answer.
            with transaction.atomic():
                report.save()
        except IntegrityError:
            if version == 0:
                raise _conflict() from None
            raise _RetryAsUpdate from None
    else:
        report.full_clean()
        report.save()
    existing = {} if is_new else {value.indicator_id: value for value in report.values.all()}
    for indicator in indicators:
        count = figures.counts.get(indicator.code)
        value = existing.get(indicator.pk)
        if count is None:
            if value is not None:
                value._history_user = actor
                value.delete()
            continue
        if value is None:
            value = ReportValue(report=report, indicator=indicator, count=count)
        elif value.count == count:
            continue
        value.count = count
        value._history_user = actor
        value.full_clean()
        value.save()


def _event(report: EnterpriseReport, action: str, before: str, *, actor, reason: str = "") -> None:
    event = ReportEvent(
        report=report,
        action=action,
        from_status=before,
        to_status=report.status,
        actor=actor,
        reason=reason,
    )
    event.full_clean()
    event.save()


def _mark_submitted(report: EnterpriseReport, now) -> None:
    report.submitted_at = now
    if report.first_submitted_at is None:
        # Lateness is measured at the first submission (against the period's current
        # deadline, EnterpriseReport.is_late): a resubmission after a return is the
        # commune's doing, not the enterprise's.
        report.first_submitted_at = now
        report.first_submitted_on = timezone.localdate(now)


def _mark_entered(report: EnterpriseReport, *, actor) -> None:
    """Entered by the commune from paper (typed in or imported): approved at once."""
    now = timezone.now()
    _mark_submitted(report, now)
    report.status = ReportStatus.APPROVED
    report.entered_by_official = True
    report.return_reason = ""
    report.reviewed_at, report.reviewed_by = now, actor


def _with_retry(write):
    """Run `write` once more when a concurrent first save won: it then updates that report."""
    try:
        with transaction.atomic():
            return write()
    except _RetryAsUpdate:
        return write()


def _check_official(actor) -> None:
    if not access.is_official(actor):
        raise PermissionDenied


def _check_figures(figures: Figures, indicators: list[Indicator], *, complete: bool) -> None:
    problems = figures_problems(figures, indicators, complete=complete)
    if problems:
        raise ValidationError(problems)


# --- The enterprise's writes -----------------------------------------------------------------


def _check_may_write_as_enterprise(actor, enterprise: Enterprise) -> None:
    if not (access.is_officer(actor) and access.officer_enterprise_id(actor) == enterprise.pk):
        raise PermissionDenied


def _check_confirmed(figures, enterprise, period, indicators, confirmed: bool) -> None:
    if confirmed:
        return
    if figures_warnings(figures, previous_report(enterprise, period), indicators):
        raise ValidationError({"confirm": [NEEDS_CONFIRMATION()]})


@transaction.atomic
def report_save_draft(
    *,
    enterprise: Enterprise,
    period: ReportingPeriod,
    actor: AbstractBaseUser,
    figures: Figures,
    version: int,
    indicators: list[Indicator] | None = None,
) -> EnterpriseReport:
    """The officer saves the report unfinished. A returned report stays returned (its reason
    stays visible) until it is submitted again."""
    _check_may_write_as_enterprise(actor, enterprise)
    enforce(period.change_refusal())  # before the figures: a closed period is said first
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=False)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        enforce(report.enterprise_edit_refusal())
        is_new = report.pk is None
        _store(report, figures, indicators, actor=actor, version=version)
        if is_new:
            _event(report, ReportAction.CREATE, "", actor=actor)
        totals.report_changed(report)
        return report

    return _with_retry(write)


@transaction.atomic
def report_submit(
    *,
    enterprise: Enterprise,
    period: ReportingPeriod,
    actor: AbstractBaseUser,
    figures: Figures,
    version: int,
    confirmed: bool = False,
    indicators: list[Indicator] | None = None,
) -> EnterpriseReport:
    """The officer sends the report to the commune: a draft, a returned report or none yet."""
    _check_may_write_as_enterprise(actor, enterprise)
    enforce(period.change_refusal())
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=True)
    _check_confirmed(figures, enterprise, period, indicators, confirmed)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        enforce(report.enterprise_edit_refusal())
        before = "" if report.pk is None else report.status
        report.status = ReportStatus.SUBMITTED
        report.return_reason = ""
        report.entered_by_official = False
        _mark_submitted(report, timezone.now())
        _store(report, figures, indicators, actor=actor, version=version)
        _event(report, ReportAction.SUBMIT, before, actor=actor)
        totals.report_changed(report)
        return report

    return _with_retry(write)


# --- The commune's writes --------------------------------------------------------------------


@transaction.atomic
def report_enter_for_enterprise(
    *,
    enterprise: Enterprise,
    period: ReportingPeriod,
    actor: AbstractBaseUser,
    figures: Figures,
    version: int,
    confirmed: bool = False,
    indicators: list[Indicator] | None = None,
) -> EnterpriseReport:
    """The official enters a paper report on the enterprise's behalf; it is approved at once.

    Works on a missing, draft, submitted or returned report; an approved one must be
    reopened first (`EnterpriseReport.entry_refusal`).
    """
    _check_official(actor)
    enforce(period.change_refusal())
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=True)
    _check_confirmed(figures, enterprise, period, indicators, confirmed)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        enforce(report.entry_refusal())
        before = "" if report.pk is None else report.status
        _mark_entered(report, actor=actor)
        _store(report, figures, indicators, actor=actor, version=version)
        _event(report, ReportAction.ENTER, before, actor=actor)
        totals.report_changed(report)
        return report

    return _with_retry(write)


def _transition(report: EnterpriseReport, version: int) -> EnterpriseReport:
    """The report re-read after claiming the version the reviewer saw."""
    figures_cache.touch([report.period_id])  # lock order: see _report_for_write
    claimed = _claimed({"pk": report.pk}, version)
    if claimed is None:
        raise _conflict()
    totals.snapshot(claimed)
    return claimed


@transaction.atomic
def report_approve(*, report: EnterpriseReport, actor: AbstractBaseUser, version: int) -> EnterpriseReport:
    """The official accepts a submitted report; it is locked from then on."""
    _check_official(actor)
    report = _transition(report, version)
    enforce(report.approval_refusal())
    before = report.status
    report.status = ReportStatus.APPROVED
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report._history_user = actor
    report.full_clean()
    report.save()
    _event(report, ReportAction.APPROVE, before, actor=actor)
    totals.report_changed(report)
    return report


@transaction.atomic
def reports_approve(
    *, period: ReportingPeriod, actor: AbstractBaseUser, versions: dict[int, int]
) -> list[EnterpriseReport]:
    """Approve several submitted reports of one period at once: all of them, or none."""
    _check_official(actor)
    if not versions:
        raise ValidationError(_("Select at least one submitted report to approve."), code="empty")
    reports = {report.pk: report for report in EnterpriseReport.objects.filter(period=period, pk__in=list(versions))}
    if len(reports) != len(versions):
        raise ValidationError(
            _("Some of the selected reports do not belong to this period. Nothing was approved."),
            code="foreign_report",
        )
    approved = []
    for pk in sorted(versions):
        try:
            approved.append(report_approve(report=reports[pk], actor=actor, version=versions[pk]))
        except ValidationError as error:
            raise ValidationError(
                _("“%(enterprise)s”: %(problem)s Nothing was approved."),
                code=error.code,
                params={"enterprise": reports[pk].enterprise.name, "problem": " ".join(error.messages)},
            ) from error
    return approved


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [REASON_REQUIRED()]})
    return reason


@transaction.atomic
def report_return(*, report: EnterpriseReport, actor: AbstractBaseUser, reason: str, version: int) -> EnterpriseReport:
    """The official sends a submitted report back with a reason; the officers are e-mailed."""
    _check_official(actor)
    reason = _check_reason(reason)
    report = _transition(report, version)
    enforce(report.return_refusal())
    return _send_back(report, ReportAction.RETURN, actor=actor, reason=reason)


@transaction.atomic
def report_reopen(*, report: EnterpriseReport, actor: AbstractBaseUser, reason: str, version: int) -> EnterpriseReport:
    """The official unlocks an approved report, with a reason: it goes back to the enterprise
    as returned (the official may then also enter corrected figures).

    An approved report stays part of the commune's figures until it is reopened.
    """
    _check_official(actor)
    reason = _check_reason(reason)
    report = _transition(report, version)
    enforce(report.reopen_refusal())
    return _send_back(report, ReportAction.REOPEN, actor=actor, reason=reason)


def _send_back(report: EnterpriseReport, action: str, *, actor, reason: str) -> EnterpriseReport:
    before = report.status
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report._history_user = actor
    report.full_clean()
    report.save()
    _event(report, action, before, actor=actor, reason=reason)
    totals.report_changed(report)
    # The officers are told once the change is saved; what became of the e-mail waits on the
    # report (`notice`, a core.mail.Delivery) for the page to say. None: not sent yet.
    report.notice = None

    def notify():
        report.notice = emails.send_report_returned(report, reopened=action == ReportAction.REOPEN)

    transaction.on_commit(notify)
    return report
