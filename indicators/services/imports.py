"""Writes of a period's report import: every row of a checked file saved as entered and
approved by the commune, all rows or none (the file is read by `indicators.imports`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.refusals import enforce

from .. import totals
from ..models import Indicator, ReportAction, ReportingPeriod
from ..rules import Figures, figures_problems
from .reports import _check_official, _event, _mark_entered, _report_for_write, _store, _with_retry

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from enterprises.models import Enterprise


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
    enforce(period.import_refusal())
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
            # version None: overwrite whatever is there, and refuse forms drawn before.
            report = _report_for_write(enterprise=item.enterprise, period=period, version=None)
            before = "" if report.pk is None else report.status
            _mark_entered(report, actor=actor)
            _store(report, item.figures, indicators, actor=actor, version=None)
            _event(report, ReportAction.IMPORT, before, actor=actor)
            totals.report_changed(report)
            return before

        before = _with_retry(write)
        if before:
            outcome.updated += 1
        else:
            outcome.created += 1
    return outcome
