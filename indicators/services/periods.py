"""Writes to reporting periods: open, close and move the deadline (the official's alone)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .. import figures_cache
from ..models import PeriodState, ReportingPeriod
from .reports import _check_official

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def _locked_period(period: ReportingPeriod) -> ReportingPeriod:
    # The period's figures revision first, as every report writer does (figures_cache):
    # locking the period row first would wait on report writers holding the revision.
    figures_cache.touch([period.pk], approved=True)
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


def _save_period(period: ReportingPeriod, actor) -> ReportingPeriod:
    period._history_user = actor
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def period_open(*, period: ReportingPeriod, actor: AbstractBaseUser) -> ReportingPeriod:
    """Open a period for reports (a closed one may be reopened for late corrections)."""
    _check_official(actor)
    period = _locked_period(period)
    if period.state == PeriodState.OPEN:
        raise ValidationError(_("This period is already open."), code="already_open")
    period.state = PeriodState.OPEN
    return _save_period(period, actor)


@transaction.atomic
def period_close(*, period: ReportingPeriod, actor: AbstractBaseUser) -> ReportingPeriod:
    """Close a period: enterprises can no longer send or change reports for it."""
    _check_official(actor)
    period = _locked_period(period)
    if period.state != PeriodState.OPEN:
        raise ValidationError(_("Only an open period can be closed."), code="not_open")
    period.state = PeriodState.CLOSED
    return _save_period(period, actor)


@transaction.atomic
def period_set_deadline(
    *, period: ReportingPeriod, actor: AbstractBaseUser, deadline: datetime.date
) -> ReportingPeriod:
    """Move the submission deadline (never before the period's end). Lateness follows at
    once: every report is late or not against the new deadline (EnterpriseReport.is_late),
    and saving the period replaces its figures' cache tokens."""
    _check_official(actor)
    period = _locked_period(period)
    if refusal := period.deadline_refusal(deadline):
        raise ValidationError({"deadline": [refusal]})
    period.deadline = deadline
    # Saving the period counts its late reports again (indicators.signals → totals.period_saved).
    return _save_period(period, actor)
