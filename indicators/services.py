"""Writes to reports, periods and indicators, with their rules (STYLE.md: `entity_action`).

Every function here is keyword-only, runs in one transaction and calls `full_clean()`
before saving, so that a view, the Excel import, a management command and the demo
seed all go through the same rules. Views check *who* may act (accounts.access);
the functions check it again where a mistake would be costly (an officer approving).

Optimistic locking: a form carries the `version` of the row it was drawn from. A write
first runs a compare-and-swap `UPDATE … SET version = version + 1 WHERE version = <seen>`;
when no row matches somebody else saved in between and the write is refused with a
message, nothing overwritten. `version=0` means "the form was drawn when there was no
report yet"; `version=None` (the import only) means "overwrite whatever is there".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import access
from core.bounds import MAX_WORKERS, TOO_MANY_WORKERS

from . import figures_cache
from .models import (
    EnterpriseReport,
    Indicator,
    Milestone,
    PeriodState,
    ReportAction,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    ReportValue,
    Target,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from enterprises.models import Enterprise

# Statuses an enterprise may still change; submitted waits for review, approved is locked.
OFFICER_EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Figures the enterprise stood behind: the base of the soft checks and of "previous report".
STANDING = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
# A change of the workforce larger than this share of the previous report asks for confirmation.
TOTAL_CHANGE_WARNING = Decimal("0.5")


# --- Figures and their rules -------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """What an enterprise reports for a period. Counts are keyed by indicator code."""

    total_workers: int | None
    female_workers: int | None
    counts: dict[str, int | None] = field(default_factory=dict)
    notes: str = ""


def count_field(indicator: Indicator) -> str:
    """The form field (and error key) of an indicator's count."""
    return f"count_{indicator.code}"


def figures_problems(
    figures: Figures, indicators: list[Indicator], *, complete: bool
) -> dict[str, list[ValidationError]]:
    """The hard rules (DOMAIN.md): refused, whatever the submitter says.

    Returns {field: [errors]}, empty when the figures are acceptable. `complete` asks
    for every figure (a submission); a draft may leave some blank, but what it has
    must still make sense.
    """
    problems: dict[str, list[ValidationError]] = defaultdict(list)
    total = figures.total_workers
    numbers = [("total_workers", total), ("female_workers", figures.female_workers)] + [
        (count_field(indicator), figures.counts.get(indicator.code)) for indicator in indicators
    ]
    for key, value in numbers:
        if value is None:
            if complete:
                problems[key].append(
                    ValidationError(_("Enter this figure before submitting."), code="required")
                )
        elif value < 0:
            problems[key].append(
                ValidationError(_("A number of workers cannot be negative."), code="negative")
            )
        elif value > MAX_WORKERS:
            problems[key].append(ValidationError(TOO_MANY_WORKERS, code="too_many"))
    if total is not None and total == 0:
        problems["total_workers"].append(
            ValidationError(_("Total workers must be greater than 0."), code="no_workers")
        )
    if total is not None and total > 0:
        female = figures.female_workers
        if female is not None and female > total:
            problems["female_workers"].append(
                ValidationError(
                    _("Female workers (%(female)s) cannot be more than total workers (%(total)s)."),
                    code="female_above_total",
                    params={"female": female, "total": total},
                )
            )
        for indicator in indicators:
            count = figures.counts.get(indicator.code)
            if count is not None and count > total:
                problems[count_field(indicator)].append(
                    ValidationError(
                        _("Workers who met “%(name)s” (%(count)s) cannot be more than total workers (%(total)s)."),
                        code="count_above_total",
                        params={"name": indicator.name, "count": count, "total": total},
                    )
                )
    return dict(problems)


def previous_report(enterprise: Enterprise, period: ReportingPeriod) -> EnterpriseReport | None:
    """The enterprise's latest submitted or approved report of an earlier period, with its values."""
    return (
        EnterpriseReport.objects.filter(
            enterprise=enterprise, period__end__lt=period.end, status__in=STANDING
        )
        .select_related("period")
        .prefetch_related("values__indicator")
        .order_by("-period__end")
        .first()
    )


def previous_counts(report: EnterpriseReport | None) -> dict[str, int]:
    """{indicator code: count} of a report fetched by `previous_report` (values prefetched)."""
    if report is None:
        return {}
    return {value.indicator.code: value.count for value in report.values.all()}


def figures_warnings(
    figures: Figures, previous: EnterpriseReport | None, indicators: list[Indicator]
) -> list[str]:
    """The soft checks: plausible mistakes the submitter must confirm, not errors."""
    if previous is None:
        return []
    warnings = []
    old_total, new_total = previous.total_workers, figures.total_workers
    if old_total and new_total is not None:
        if abs(Decimal(new_total - old_total)) > TOTAL_CHANGE_WARNING * old_total:
            warnings.append(
                _("Total workers changed by more than 50%% since the previous report (%(period)s): %(old)s → %(new)s.")
                % {"period": previous.period.code, "old": old_total, "new": new_total}
            )
    old_counts = previous_counts(previous)
    for indicator in indicators:
        old, new = old_counts.get(indicator.code), figures.counts.get(indicator.code)
        if old is not None and new is not None and new < old:
            warnings.append(
                _("“%(name)s” fell from %(old)s to %(new)s workers although the count is cumulative (workers who left?).")
                % {"name": indicator.name, "old": old, "new": new}
            )
    return warnings


# --- Report writes -------------------------------------------------------------------------


def _conflict() -> ValidationError:
    return ValidationError(
        _("Somebody else changed this report while you were editing it. Nothing was saved: reload the page to see their version, then enter your changes again."),
        code="conflict",
    )


class _RetryAsUpdate(Exception):
    """A concurrent first save won the unique (enterprise, period) constraint."""


def _claim(report_filter: dict, version: int | None) -> EnterpriseReport | None:
    """The existing report, after the compare-and-swap on its version; None if there is none.

    The UPDATE also takes the row lock (PostgreSQL) so that the read that follows and
    the save are not interleaved with another writer.
    """
    rows = EnterpriseReport.objects.filter(**report_filter)
    if version is None:
        updated = rows.update(version=F("version") + 1)
    elif version == 0:
        if rows.exists():
            raise _conflict()
        return None
    else:
        updated = rows.filter(version=version).update(version=F("version") + 1)
        if not updated:
            raise _conflict()
    if not updated:
        return None
    return EnterpriseReport.objects.select_related("enterprise", "period").get(**report_filter)


def _report_for_write(
    *, enterprise: Enterprise, period: ReportingPeriod, version: int | None
) -> EnterpriseReport:
    # The period's figures revision first, before any report row: the lock order every
    # report writer keeps (indicators.figures_cache).
    figures_cache.touch([period.pk])
    report = _claim({"enterprise": enterprise, "period": period}, version)
    if report is None:
        report = EnterpriseReport(enterprise=enterprise, period=period, status=ReportStatus.DRAFT)
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
        report=report, action=action, from_status=before, to_status=report.status,
        actor=actor, reason=reason,
    )
    event.full_clean()
    event.save()


def _check_figures(figures: Figures, indicators: list[Indicator], *, complete: bool) -> None:
    problems = figures_problems(figures, indicators, complete=complete)
    if problems:
        raise ValidationError(problems)


def _check_period_open(period: ReportingPeriod) -> None:
    if period.state != PeriodState.OPEN:
        raise ValidationError(
            _("The reporting period %(period)s is not open: reports cannot be changed."),
            code="period_not_open",
            params={"period": period.code},
        )


def _check_may_write_as_enterprise(actor, enterprise: Enterprise) -> None:
    if not (access.is_officer(actor) and access.officer_enterprise_id(actor) == enterprise.pk):
        raise PermissionDenied


def _check_official(actor) -> None:
    if not access.is_official(actor):
        raise PermissionDenied


def _mark_submitted(report: EnterpriseReport, now) -> None:
    report.submitted_at = now
    if report.first_submitted_at is None:
        # Lateness is decided once, at the first submission: a resubmission after a
        # return is the commune's doing, not the enterprise's.
        report.first_submitted_at = now
        report.is_late = report.period.is_late(now)


def _with_retry(write):
    """Run `write` once more when a concurrent first save won: it then updates that report."""
    try:
        with transaction.atomic():
            return write()
    except _RetryAsUpdate:
        return write()


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
    _check_period_open(period)
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=False)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        before = "" if report.pk is None else report.status
        if before and before not in OFFICER_EDITABLE:
            raise _locked(report)
        _store(report, figures, indicators, actor=actor, version=version)
        if not before:
            _event(report, ReportAction.CREATE, before, actor=actor)
        return report

    return _with_retry(write)


def _locked(report: EnterpriseReport) -> ValidationError:
    if report.status == ReportStatus.APPROVED:
        return ValidationError(
            _("This report has been approved and is locked. Ask the commune official to reopen it."),
            code="locked",
        )
    return ValidationError(
        _("This report has been submitted and is waiting for the commune's review; it cannot be changed now."),
        code="waiting_for_review",
    )


def _check_confirmed(figures, enterprise, period, indicators, confirmed: bool) -> None:
    if confirmed:
        return
    warnings = figures_warnings(figures, previous_report(enterprise, period), indicators)
    if warnings:
        raise ValidationError(
            {"confirm": [ValidationError(_("Please check the warnings above and tick the box to confirm the figures."), code="needs_confirmation")]}
        )


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
    _check_period_open(period)
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=True)
    _check_confirmed(figures, enterprise, period, indicators, confirmed)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        before = "" if report.pk is None else report.status
        if before and before not in OFFICER_EDITABLE:
            raise _locked(report)
        report.status = ReportStatus.SUBMITTED
        report.return_reason = ""
        report.entered_by_official = False
        _mark_submitted(report, timezone.now())
        _store(report, figures, indicators, actor=actor, version=version)
        _event(report, ReportAction.SUBMIT, before, actor=actor)
        return report

    return _with_retry(write)


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
    reopened first, so that changing approved figures always leaves a reason.
    """
    _check_official(actor)
    _check_period_open(period)
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    _check_figures(figures, indicators, complete=True)
    _check_confirmed(figures, enterprise, period, indicators, confirmed)

    def write():
        report = _report_for_write(enterprise=enterprise, period=period, version=version)
        before = "" if report.pk is None else report.status
        if before == ReportStatus.APPROVED:
            raise _locked(report)
        now = timezone.now()
        _mark_submitted(report, now)
        report.status = ReportStatus.APPROVED
        report.entered_by_official = True
        report.return_reason = ""
        report.reviewed_at, report.reviewed_by = now, actor
        _store(report, figures, indicators, actor=actor, version=version)
        _event(report, ReportAction.ENTER, before, actor=actor)
        return report

    return _with_retry(write)


def _transition(report: EnterpriseReport, version: int) -> EnterpriseReport:
    """The report re-read after the compare-and-swap on the version the reviewer saw."""
    figures_cache.touch([report.period_id])  # lock order: see _report_for_write
    claimed = _claim({"pk": report.pk}, version)
    if claimed is None:
        raise _conflict()
    return claimed


@transaction.atomic
def report_approve(
    *, report: EnterpriseReport, actor: AbstractBaseUser, version: int
) -> EnterpriseReport:
    """The official accepts a submitted report; it is locked from then on."""
    _check_official(actor)
    report = _transition(report, version)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be approved (this one is “%(status)s”)."),
            code="not_submitted",
            params={"status": report.get_status_display()},
        )
    before = report.status
    report.status = ReportStatus.APPROVED
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report._history_user = actor
    report.full_clean()
    report.save()
    _event(report, ReportAction.APPROVE, before, actor=actor)
    return report


@transaction.atomic
def reports_approve(
    *, period: ReportingPeriod, actor: AbstractBaseUser, versions: dict[int, int]
) -> list[EnterpriseReport]:
    """Approve several submitted reports of one period at once: all of them, or none."""
    _check_official(actor)
    if not versions:
        raise ValidationError(_("Select at least one submitted report to approve."), code="empty")
    reports = {
        report.pk: report
        for report in EnterpriseReport.objects.filter(period=period, pk__in=list(versions))
    }
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
        raise ValidationError(
            {"reason": [ValidationError(_("Give the reason, so that the enterprise knows what to correct."), code="required")]}
        )
    return reason


@transaction.atomic
def report_return(
    *, report: EnterpriseReport, actor: AbstractBaseUser, reason: str, version: int
) -> EnterpriseReport:
    """The official sends a submitted report back with a reason; the officers are e-mailed."""
    _check_official(actor)
    reason = _check_reason(reason)
    report = _transition(report, version)
    _check_period_open(report.period)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted report can be returned (this one is “%(status)s”)."),
            code="not_submitted",
            params={"status": report.get_status_display()},
        )
    return _send_back(report, ReportAction.RETURN, actor=actor, reason=reason)


@transaction.atomic
def report_reopen(
    *, report: EnterpriseReport, actor: AbstractBaseUser, reason: str, version: int
) -> EnterpriseReport:
    """The official unlocks an approved report, with a reason: it goes back to the enterprise
    as returned (the official may then also enter corrected figures).

    An approved report stays part of the commune's figures until it is reopened.
    """
    _check_official(actor)
    reason = _check_reason(reason)
    report = _transition(report, version)
    _check_period_open(report.period)
    if report.status != ReportStatus.APPROVED:
        raise ValidationError(
            _("Only an approved report can be reopened (this one is “%(status)s”)."),
            code="not_approved",
            params={"status": report.get_status_display()},
        )
    return _send_back(report, ReportAction.REOPEN, actor=actor, reason=reason)


def _send_back(report: EnterpriseReport, action: str, *, actor, reason: str) -> EnterpriseReport:
    from . import emails

    before = report.status
    report.status = ReportStatus.RETURNED
    report.return_reason = reason
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report._history_user = actor
    report.full_clean()
    report.save()
    _event(report, action, before, actor=actor, reason=reason)
    transaction.on_commit(lambda: emails.send_report_returned(report, reopened=action == ReportAction.REOPEN))
    return report


@dataclass(frozen=True)
class ImportedReport:
    """One row of a period's import, already read and checked by `indicators.imports`."""

    row: int
    enterprise: Enterprise
    figures: Figures


@dataclass
class ImportOutcome:
    created: int = 0
    updated: int = 0


@transaction.atomic
def reports_import(
    *,
    period: ReportingPeriod,
    actor: AbstractBaseUser,
    rows: list[ImportedReport],
    indicators: list[Indicator] | None = None,
) -> ImportOutcome:
    """Save a period's imported reports, entered and approved by the official: all rows or none.

    An enterprise's existing report is overwritten, whatever its status, approved ones
    included: the official imports the figures the commune holds on paper, and the
    import event plus the field history keep what was there before.
    """
    _check_official(actor)
    _check_period_open(period)
    indicators = list(Indicator.objects.of_plan()) if indicators is None else indicators
    outcome = ImportOutcome()
    for item in rows:
        problems = figures_problems(item.figures, indicators, complete=True)
        if problems:
            messages = [str(m) for errors in problems.values() for e in errors for m in e.messages]
            raise ValidationError(
                _("Row %(row)s: %(problems)s"),
                code="invalid_row",
                params={"row": item.row, "problems": " ".join(messages)},
            )

        def write(item=item):
            report = _report_for_write(enterprise=item.enterprise, period=period, version=None)
            before = "" if report.pk is None else report.status
            now = timezone.now()
            _mark_submitted(report, now)
            report.status = ReportStatus.APPROVED
            report.entered_by_official = True
            report.return_reason = ""
            report.reviewed_at, report.reviewed_by = now, actor
            _store(report, item.figures, indicators, actor=actor, version=None)
            _event(report, ReportAction.IMPORT, before, actor=actor)
            return before

        before = _with_retry(write)
        if before:
            outcome.updated += 1
        else:
            outcome.created += 1
    return outcome


# --- Periods -------------------------------------------------------------------------------


def _save_period(period: ReportingPeriod, actor) -> ReportingPeriod:
    period._history_user = actor
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def period_open(*, period: ReportingPeriod, actor: AbstractBaseUser) -> ReportingPeriod:
    """Open a period for reports (a closed one may be reopened for late corrections)."""
    _check_official(actor)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.state == PeriodState.OPEN:
        raise ValidationError(_("This period is already open."), code="already_open")
    period.state = PeriodState.OPEN
    return _save_period(period, actor)


@transaction.atomic
def period_close(*, period: ReportingPeriod, actor: AbstractBaseUser) -> ReportingPeriod:
    """Close a period: enterprises can no longer send or change reports for it."""
    _check_official(actor)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.state != PeriodState.OPEN:
        raise ValidationError(_("Only an open period can be closed."), code="not_open")
    period.state = PeriodState.CLOSED
    return _save_period(period, actor)


@transaction.atomic
def period_set_deadline(
    *, period: ReportingPeriod, actor: AbstractBaseUser, deadline
) -> ReportingPeriod:
    """Move the submission deadline. Reports already submitted keep their late flag."""
    _check_official(actor)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if deadline < period.start:
        raise ValidationError(
            {"deadline": [ValidationError(_("The deadline cannot be before the period starts (%(start)s)."),
                                          code="deadline_before_start",
                                          params={"start": period.start.strftime("%d/%m/%Y")})]}
        )
    period.deadline = deadline
    return _save_period(period, actor)


# --- Indicators ----------------------------------------------------------------------------


@transaction.atomic
def indicator_update(
    *,
    indicator: Indicator,
    actor: AbstractBaseUser,
    version: int,
    fields: dict,
    targets: dict[int, Decimal],
    milestones: dict[int, Decimal | None],
) -> Indicator:
    """The official edits an indicator: its text, baseline, phase targets and yearly
    milestones (None removes the official's milestone, so that year is interpolated)."""
    _check_official(actor)
    updated = Indicator.objects.filter(pk=indicator.pk, version=version).update(version=F("version") + 1)
    if not updated:
        raise ValidationError(
            _("Somebody else changed this indicator while you were editing it. Nothing was saved: reload the page and enter your changes again."),
            code="conflict",
        )
    indicator = Indicator.objects.get(pk=indicator.pk)
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator._history_user = actor
    indicator.full_clean()
    indicator.save()

    existing_targets = {target.year: target for target in indicator.targets.all()}
    for year, value in targets.items():
        target = existing_targets.get(year) or Target(indicator=indicator, year=year)
        if target.pk and target.value == value:
            continue
        target.value = value
        target._history_user = actor
        target.full_clean()
        target.save()

    existing_milestones = {milestone.year: milestone for milestone in indicator.milestones.all()}
    for year, value in milestones.items():
        milestone = existing_milestones.get(year)
        if value is None:
            if milestone is not None:
                milestone._history_user = actor
                milestone.delete()
            continue
        if milestone is None:
            milestone = Milestone(indicator=indicator, year=year)
        elif milestone.value == value:
            continue
        milestone.value = value
        milestone._history_user = actor
        milestone.full_clean()
        milestone.save()
    return indicator
