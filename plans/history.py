"""Change history for the plan's pages: who changed which field, when, from what to what.

django-simple-history stores one row per save (and, for many-to-many fields, a
snapshot of the links per row). `record.diff_against(record.prev_record)` would cost
several queries per row; here the rows are compared pairwise in memory instead, with
one query for the rows, one per many-to-many field and one per related model named,
so a page's history costs the same however long it grows.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import get_m2m_reverse_field_name

EMPTY = "—"
# Bookkeeping, not content: never shown as a change.
ALWAYS_HIDDEN = {"id", "version", "created_at", "created_by", "updated_at", "uploaded_at"}


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: object | None
    action: str  # "created", "changed", "deleted", "file_added", "file_removed"
    changes: list[FieldChange] = field(default_factory=list)
    subject: str = ""


def _display(model_field: models.Field, value, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        obj = related.get(model_field.related_model, {}).get(value)
        return str(obj) if obj is not None else EMPTY
    if isinstance(model_field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    return str(value)


def _display_many(ids: set, related_model, related: dict) -> str:
    names = sorted(str(related[related_model][pk]) for pk in ids if pk in related[related_model])
    return "; ".join(names) or EMPTY


BURST = datetime.timedelta(seconds=2)


def _bursts(records: list) -> list[list]:
    """Group rows one action wrote: the same user within a moment (a save followed by
    many-to-many link rows, as `load_plan` or the admin write them)."""
    bursts = []
    for record in records:
        last = bursts[-1][-1] if bursts else None
        if (last is not None and record.history_type != "-"
                and record.history_user_id == last.history_user_id
                and record.history_date - last.history_date <= BURST):
            bursts[-1].append(record)
        else:
            bursts.append([record])
    return bursts


def history_entries(records: Iterable, *, hidden: Sequence[str] = ()) -> list[HistoryEntry]:
    """Newest-first entries for the historical records of ONE object.

    The first action is shown as the creation, later ones by the fields they changed
    (rows written by one action are compared as one); an action that changed nothing
    visible is left out.
    """
    records = sorted(records, key=lambda r: (r.history_date, r.history_id))
    if not records:
        return []
    history_model = type(records[0])
    hidden = ALWAYS_HIDDEN | set(hidden)
    fields = [f for f in records[0].tracked_fields if f.name not in hidden]
    m2m_fields = [f for f in history_model._history_m2m_fields if f.name not in hidden]

    # Many-to-many snapshots: history_id -> {field name: set of related pks}.
    links = defaultdict(lambda: defaultdict(set))
    history_ids = [r.history_id for r in records]
    for m2m in m2m_fields:
        target = get_m2m_reverse_field_name(m2m)
        m2m_model = getattr(history_model, m2m.name).model
        rows = m2m_model.objects.filter(history_id__in=history_ids).values_list(
            "history_id", f"{target}_id"
        )
        for history_id, target_id in rows:
            links[history_id][m2m.name].add(target_id)

    # Every related object any record names, one query per related model.
    wanted = defaultdict(set)
    for f in fields:
        if isinstance(f, models.ForeignKey):
            wanted[f.related_model] |= {getattr(r, f.attname) for r in records} - {None}
    for m2m in m2m_fields:
        for snapshot in links.values():
            wanted[m2m.related_model] |= snapshot[m2m.name]
    # select_related() follows the required foreign keys their __str__ may use (a task's group).
    related = {
        model: model._base_manager.select_related().in_bulk(pks) for model, pks in wanted.items()
    }
    for m2m in m2m_fields:
        related.setdefault(m2m.related_model, {})

    entries = []
    previous = None
    for burst in _bursts(records):
        record = burst[-1]
        if previous is None:
            entries.append(HistoryEntry(burst[0].history_date, record.history_user, "created"))
        elif record.history_type == "-":
            entries.append(HistoryEntry(record.history_date, record.history_user, "deleted"))
        else:
            changes = []
            for f in fields:
                old, new = getattr(previous, f.attname), getattr(record, f.attname)
                if old != new:
                    changes.append(FieldChange(
                        str(f.verbose_name).capitalize(),
                        _display(f, old, related), _display(f, new, related),
                    ))
            for m2m in m2m_fields:
                old = links[previous.history_id][m2m.name]
                new = links[record.history_id][m2m.name]
                if old != new:
                    changes.append(FieldChange(
                        str(m2m.verbose_name).capitalize(),
                        _display_many(old, m2m.related_model, related),
                        _display_many(new, m2m.related_model, related),
                    ))
            if changes:
                entries.append(
                    HistoryEntry(record.history_date, record.history_user, "changed", changes)
                )
        previous = record
    entries.reverse()
    return entries


def file_entries(records: Iterable) -> list[HistoryEntry]:
    """Entries for evidence files added to or removed from an activity."""
    actions = {"+": "file_added", "-": "file_removed"}
    return [
        HistoryEntry(r.history_date, r.history_user, actions[r.history_type], subject=r.original_name)
        for r in records
        if r.history_type in actions
    ]


def merged(*lists: list[HistoryEntry]) -> list[HistoryEntry]:
    return sorted((e for entries in lists for e in entries), key=lambda e: e.when, reverse=True)
