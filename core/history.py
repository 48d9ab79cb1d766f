"""Change history for every object page: who changed what, when, from what to what.

django-simple-history keeps one row per save of each business model (and, for the
many-to-many fields a model names, a snapshot of its links per row). An object's page
shows its own rows and, where they belong to it, the rows of its child models (a
report's figures, an indicator's targets, an activity's evidence files), all in one list.

`record.diff_against(record.prev_record)` costs queries per row, so the rows are
compared pairwise in memory instead: one query for the object's rows, one per
many-to-many field, one per child model and one per related model named, so a page's
history costs the same however long it grows.

Rows one action wrote (a report and its five figures, a worker and their outcomes) come
within a moment of each other from the same user; they are shown as one entry.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.utils import get_m2m_reverse_field_name

from core.templatetags.portal import person

EMPTY = "—"
# Bookkeeping, not content: never shown as a change; the commune too, which a row copies
# from its parent and nobody chooses or changes (communes.scoping).
ALWAYS_HIDDEN = {"id", "commune", "version", "created_at", "created_by", "updated_at", "uploaded_at"}
# Rows closer than this, by the same user, were written by one action.
BURST = datetime.timedelta(seconds=2)


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    user: object | None
    action: str  # "created", "changed" or "deleted"
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""  # why the rows were written, when the code said (e.g. "Imported from Excel")
    subject: str = ""  # the child row the reason is about (e.g. an officer on the enterprise's page)

    @property
    def who(self) -> str:
        return person(self.user)


@dataclass(frozen=True)
class Children:
    """Rows of a child model shown in their parent's history, each change as
    "<label>: old → new" (e.g. "Chỉ tiêu a: 90 → 95"; an added row reads "— → 95").

    records: the child model's historical records that belong to the parent, e.g.
        `ReportValue.history.filter(report_id=report.pk)`; select_related() what `label` reads.
    label: what one row is called, from one of its historical records.
    fields: the fields shown; with more than one, each change says which.
    """

    records: models.QuerySet
    label: Callable[[object], str]
    fields: Sequence[str]


def history_of(
    instance: models.Model,
    *,
    children: Sequence[Children] = (),
    fields: Sequence[str] | None = None,
    hidden: Iterable[str] = (),
    reasons: Mapping[str, str] | None = None,
) -> list[HistoryEntry]:
    """Newest-first entries of `instance`'s history and its children's.

    fields: the instance's fields shown (default: all tracked but bookkeeping and `hidden`);
    reasons: labels of the change-reason codes the code stores (unknown ones are shown as
    written). The first action is shown as the creation, with the child rows it added; later
    ones by what they changed. An action that changed nothing shown and gave no reason is
    left out.
    """
    own = _Stream(instance.history.all(), fields=fields, hidden=set(hidden))
    streams = [own, *(_Stream(c.records, fields=c.fields, label=c.label) for c in children)]
    related = _related_objects(streams)
    reasons = reasons or {}

    timeline = sorted(
        ((record, index) for index, stream in enumerate(streams) for record in stream.records),
        key=lambda item: (item[0].history_date, item[1], item[0].history_id),
    )
    last_seen: dict[tuple[int, object], object] = {}  # (stream, object id) -> its latest row
    entries = []
    for burst in _bursts(timeline):
        entry = _entry(burst, streams, last_seen, related, reasons)
        if entry is not None:
            entries.append(entry)
    entries.reverse()
    return entries


class _Stream:
    """The historical records of one model, loaded with what comparing them needs."""

    def __init__(self, queryset, *, fields=None, hidden=frozenset(), label=None):
        history_model = queryset.model
        self.records = list(queryset.select_related("history_user"))
        self.first = min(self.records, key=lambda r: (r.history_date, r.history_id), default=None)
        self.label = label
        hidden = ALWAYS_HIDDEN | set(hidden)
        wanted = set(fields) if fields is not None else None
        self.fields = [
            f
            for f in history_model.tracked_fields
            if (f.name in wanted if wanted is not None else f.name not in hidden)
        ]
        self.m2m_fields = [
            f
            for f in history_model._history_m2m_fields
            if (f.name in wanted if wanted is not None else f.name not in hidden)
        ]
        if fields is not None:  # keep the order asked for
            order = {name: i for i, name in enumerate(fields)}
            self.fields.sort(key=lambda f: order[f.name])
        # Many-to-many snapshots: history_id -> {field name: set of related pks}.
        self.links = defaultdict(lambda: defaultdict(set))
        history_ids = [r.history_id for r in self.records]
        for m2m in self.m2m_fields:
            target = get_m2m_reverse_field_name(m2m)
            rows = (
                getattr(history_model, m2m.name)
                .model.objects.filter(history_id__in=history_ids)
                .values_list("history_id", f"{target}_id")
            )
            for history_id, target_id in rows:
                self.links[history_id][m2m.name].add(target_id)

    def changes(self, old, new, related, prefix: str = "") -> list[FieldChange]:
        """What differs between two rows of one object; None stands for "did not exist"."""
        changes = []
        for f in self.fields:
            before = _display(f, getattr(old, f.attname), related) if old is not None else EMPTY
            after = _display(f, getattr(new, f.attname), related) if new is not None else EMPTY
            if before != after:
                changes.append(FieldChange(self._label(f, prefix), before, after))
        for m2m in self.m2m_fields:
            before = self.links[old.history_id][m2m.name] if old is not None else set()
            after = self.links[new.history_id][m2m.name] if new is not None else set()
            if before != after:
                changes.append(
                    FieldChange(
                        self._label(m2m, prefix),
                        _display_many(before, m2m.related_model, related),
                        _display_many(after, m2m.related_model, related),
                    )
                )
        return changes

    def _label(self, model_field, prefix: str) -> str:
        name = capfirst(str(model_field.verbose_name))
        if not prefix:
            return name
        return prefix if len(self.fields) + len(self.m2m_fields) == 1 else f"{prefix} · {name}"


def _related_objects(streams: list[_Stream]) -> dict:
    """Every object a foreign key or link of any row names: one query per related model.
    select_related() follows the required foreign keys their __str__ may use (a task's group)."""
    wanted = defaultdict(set)
    for stream in streams:
        for f in stream.fields:
            if isinstance(f, models.ForeignKey):
                wanted[f.related_model] |= {getattr(r, f.attname) for r in stream.records} - {None}
        for m2m in stream.m2m_fields:
            for snapshot in stream.links.values():
                wanted[m2m.related_model] |= snapshot[m2m.name]
    return {model: model._base_manager.select_related().in_bulk(pks) for model, pks in wanted.items() if pks}


def _display(model_field: models.Field, value, related: dict) -> str:
    """A stored value as the interface shows it: choice labels, names, Vietnamese numbers and dates."""
    if value is None or value == "":
        return EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        obj = related.get(model_field.related_model, {}).get(value)
        if obj is None:
            return EMPTY
        return person(obj) if model_field.related_model._meta.label == settings.AUTH_USER_MODEL else str(obj)
    if isinstance(model_field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(model_field, models.DateTimeField):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(model_field, models.DateField):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):  # 90.00 -> "90", 72.50 -> "72,5"
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
        return formats.number_format(value, use_l10n=True)
    if isinstance(value, int) and not model_field.name.endswith("year"):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _display_many(ids: set, related_model, related: dict) -> str:
    objects = related.get(related_model, {})
    return "; ".join(sorted(str(objects[pk]) for pk in ids if pk in objects)) or EMPTY


def _bursts(timeline: list) -> list[list]:
    """Group the rows one action wrote: the same user, each row within a moment of the one
    before, each object at most once (a second row of it is the next action, however quick).
    Deleting the object itself is an action of its own."""
    bursts, seen = [], set()
    for record, stream in timeline:
        key = (stream, record.id)
        deletion = stream == 0 and record.history_type == "-"
        last, last_stream = bursts[-1][-1] if bursts else (None, None)
        if (
            last is not None
            and not deletion
            and key not in seen
            and not (last_stream == 0 and last.history_type == "-")
            and record.history_user_id == last.history_user_id
            and record.history_date - last.history_date <= BURST
        ):
            bursts[-1].append((record, stream))
        else:
            bursts.append([(record, stream)])
            seen = set()
        seen.add(key)
    return bursts


def _entry(burst, streams, last_seen, related, reasons) -> HistoryEntry | None:
    """One entry for one burst: each object's row compared with its row before the burst."""
    action, own_changes, child_changes, given = "changed", [], [], []
    for record, index in burst:
        stream, key = streams[index], (index, record.id)
        old, new = last_seen.get(key), (None if record.history_type == "-" else record)
        last_seen[key] = new
        if record.history_change_reason:
            given.append((index, stream.label(record) if index else "", record.history_change_reason))
        if index:
            child_changes += stream.changes(old, new, related, prefix=stream.label(record))
        elif record is stream.first:
            action = "created"
        elif new is None:
            action = "deleted"
        elif old is not None:
            own_changes += stream.changes(old, new, related)
    changes = own_changes + child_changes
    reason, subject = _reason(given, reasons)
    if action == "changed" and not changes and not reason:
        return None
    first, last = burst[0][0], burst[-1][0]
    return HistoryEntry(
        when=first.history_date if action == "created" else last.history_date,
        user=last.history_user,
        action=action,
        changes=changes,
        reason=reason,
        subject=subject,
    )


def _reason(given: list[tuple[int, str, str]], labels: Mapping[str, str]) -> tuple[str, str]:
    """Why a burst was written, and about which child row: the object's own reason first;
    a child's names the child when it is about one child only (an officer's new password),
    not when it is about many (an import)."""
    if not given:
        return "", ""
    own = [code for index, _label, code in given if index == 0]
    code = own[-1] if own else given[-1][2]
    children = {label for index, label, _code in given if index}
    subject = children.pop() if not own and len(children) == 1 else ""
    return str(labels.get(code, code)), subject
