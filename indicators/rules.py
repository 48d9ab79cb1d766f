"""The rules of a report's figures: the hard checks that refuse them and the soft checks
the submitter must confirm (DOMAIN.md). Pure: they read figures and the previous report,
and write nothing, so that the form, the Excel import and the services judge alike.

The rules of the workflow (who may change, approve, return or reopen a report) are methods
of the rows they judge, in `indicators.models`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.bounds import MAX_WORKERS, TOO_MANY_WORKERS
from core.refusals import Refusal
from core.templatetags.portal import num

from .models import STANDING, EnterpriseReport, Indicator, ReportingPeriod

if TYPE_CHECKING:
    from enterprises.models import Enterprise

# A change of the workforce larger than this share of the previous report asks for confirmation.
TOTAL_CHANGE_WARNING = Decimal("0.5")
# Figures with warnings are only taken once the submitter ticks the confirmation box.
NEEDS_CONFIRMATION = Refusal(
    "needs_confirmation", _("Check the warnings under the figures above, then tick this box to confirm the figures.")
)


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
                problems[key].append(ValidationError(_("Enter this figure before submitting."), code="required"))
        elif value < 0:
            problems[key].append(ValidationError(_("A number of workers cannot be negative."), code="negative"))
        elif value > MAX_WORKERS:
            problems[key].append(ValidationError(TOO_MANY_WORKERS, code="too_many"))
    if total is not None and total == 0:
        problems["total_workers"].append(ValidationError(_("Total workers must be greater than 0."), code="no_workers"))
    if total is not None and total > 0:
        female = figures.female_workers
        if female is not None and female > total:
            problems["female_workers"].append(
                ValidationError(
                    _("Female workers (%(female)s) cannot be more than total workers (%(total)s)."),
                    code="female_above_total",
                    params={"female": num(female), "total": num(total)},
                )
            )
        for indicator in indicators:
            count = figures.counts.get(indicator.code)
            if count is not None and count > total:
                problems[count_field(indicator)].append(
                    ValidationError(
                        _("Workers who met “%(name)s” (%(count)s) cannot be more than total workers (%(total)s)."),
                        code="count_above_total",
                        params={"name": indicator.name, "count": num(count), "total": num(total)},
                    )
                )
    return dict(problems)


def previous_report(enterprise: Enterprise, period: ReportingPeriod) -> EnterpriseReport | None:
    """The enterprise's latest submitted or approved report of an earlier period, with its values."""
    return (
        EnterpriseReport.objects.filter(enterprise=enterprise, period__end__lt=period.end, status__in=STANDING)
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


def figures_warnings(figures: Figures, previous: EnterpriseReport | None, indicators: list[Indicator]) -> list[str]:
    """The soft checks: plausible mistakes the submitter must confirm, not errors."""
    return [
        warning for warnings in figure_warnings_by_field(figures, previous, indicators).values() for warning in warnings
    ]


def figure_warnings_by_field(
    figures: Figures, previous: EnterpriseReport | None, indicators: list[Indicator]
) -> dict[str, list[str]]:
    """The soft checks keyed by the figure they are about (the form shows each beside its box).

    A figure that is missing (not typed, or not a number) is not judged.
    """
    if previous is None:
        return {}
    warnings: dict[str, list[str]] = defaultdict(list)
    old_total, new_total = previous.total_workers, figures.total_workers
    if old_total and new_total is not None and abs(Decimal(new_total - old_total)) > TOTAL_CHANGE_WARNING * old_total:
        warnings["total_workers"].append(
            _("Total workers changed by more than 50%% since the previous report (%(period)s): %(old)s → %(new)s.")
            % {"period": str(previous.period).lower(), "old": num(old_total), "new": num(new_total)}
        )
    old_counts = previous_counts(previous)
    for indicator in indicators:
        old, new = old_counts.get(indicator.code), figures.counts.get(indicator.code)
        if old is not None and new is not None and new < old:
            warnings[count_field(indicator)].append(
                _(
                    "“%(name)s” fell from %(old)s to %(new)s workers although the count is cumulative (workers who left?)."
                )
                % {"name": indicator.name, "old": num(old), "new": num(new)}
            )
    return dict(warnings)
