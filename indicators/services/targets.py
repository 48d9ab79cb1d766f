"""Writes to an indicator: its text, baseline, phase targets and yearly milestones."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from core import locking

from .. import standing
from ..models import Indicator, Milestone, Target
from .reports import _check_official

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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
    locking.claim(Indicator.objects.filter(pk=indicator.pk), version=version)
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
    # Every period's yardsticks may have moved: the reports' standings ranked against them.
    standing.rebuild()
    return indicator
