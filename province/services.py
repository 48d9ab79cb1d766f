"""Writes of the province's own data."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from .models import ProvinceTarget


@transaction.atomic
def province_targets_update(*, targets: dict[tuple[int, int], Decimal]) -> int:
    """Set the province's targets, {(province indicator id, year): percent}; each row is
    checked by its model (0–100 %) before it is saved, and only changed rows are saved (each
    change kept in the targets' history). Returns how many changed."""
    kept = {(t.indicator_id, t.year): t for t in ProvinceTarget.objects.select_for_update()}
    changed = 0
    for (indicator_id, year), value in targets.items():
        target = kept.get((indicator_id, year)) or ProvinceTarget(indicator_id=indicator_id, year=year)
        if target.pk is not None and target.value == value:
            continue
        target.value = value
        target.full_clean()
        target.save()
        changed += 1
    return changed
