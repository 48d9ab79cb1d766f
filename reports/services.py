"""Writes to a report's narrative (HackSoft style: keyword-only, one transaction, full_clean)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from core import locking
from indicators.models import ReportingPeriod

from .models import Narrative


def narrative_save(*, period: ReportingPeriod, kind: str, version: int, values: dict) -> tuple[Narrative, bool]:
    """Save the official's narrative of a report if nobody saved it since `version` (0: the
    form was drawn when there was none yet). Returns the narrative and whether anything
    changed; raises locking.Conflict, saving nothing, when somebody else saved meanwhile."""
    current = Narrative.objects.filter(period=period, kind=kind).first()
    unchanged = current is not None and all(getattr(current, name) == value for name, value in values.items())
    if unchanged and version == current.version:
        return current, False
    try:
        with transaction.atomic():
            rows = Narrative.objects.filter(period=period, kind=kind)
            if locking.claim(rows, version=version):
                narrative = rows.get()  # as claimed: nobody can change it before this transaction ends
            else:
                narrative = Narrative(period=period, kind=kind)
            for name, value in values.items():
                setattr(narrative, name, value)
            narrative.full_clean()
            narrative.save()
    except IntegrityError:
        # Two first saves at once: the other one created the row.
        raise locking.Conflict(Narrative.conflict_message) from None
    return narrative, True
