"""Merging communes (issue 17): `manage.py merge_communes` and the province administrator's
page run `communes_merge`, which moves the former communes' data to the receiving commune.

Since 1/7/2025 many communes were merged into new ones. A merger here means:

- The former communes' enterprises become the receiving commune's, with everything below
  them: union officers, workers and their outcomes, the record of who opened a roster, every
  report of every period (approved, returned, drafts: the open work) with its figures, its
  log and its standing.
- Each moved report goes to the receiving commune's period of the same code (made with the
  former period's dates and state when the receiving commune has none). Its figures point at
  the receiving plan's indicator of the same code, as do the workers' outcomes.
- Activities and their evidence go to the receiving plan's task with the same group number
  and letter. The receiving commune must have loaded its plan (`load_plan --commune`) when a
  former commune has reports, outcomes or activities, and that plan must have every
  indicator and task they use: otherwise the merger is refused and nothing moves.
- The receiving commune's period totals and report standings are counted again from the
  reports (indicators.totals, indicators.standing), so its figures for the periods before
  the merger cover all its enterprises, each report once (a report has one period and one
  commune).
- The former communes keep what is theirs as history, read-only: their plan and its annual
  plans, their periods with the totals stored at the merger (their figures as they were
  reported, frozen: `rebuild_totals` and every later recount leave the periods of a merged
  commune alone, `indicators.totals.live_periods`), the commune reports they wrote, the
  reminders they sent. Each gets `merged_into` and `merged_on` (with its history row,
  "sáp nhập vào …"). The province's sums count the communes that exist (`Commune.objects.
  active()`), so a report is never counted twice: its figures are in its receiving
  commune's totals, and in a former commune's frozen totals only, which the sums leave out.

Refused, with nothing changed: an unknown code, the same commune twice, a merger into one of
its own sources, into a commune itself merged, of a commune already merged, a date in the
future, and whatever a layer above refuses (`merger_check`): reports waiting for review
(status submitted; review them, or return them, first), two enterprises with one tax code,
a receiving plan without the indicators or tasks the former communes use.

The layers above this one own their rows: they answer the signals below (connected in
their apps' `ready`), so this module never imports them. All of it is one transaction; a dry
run (the default of the command, the page's preview) makes every move and then rolls the
transaction back, so that its summary is exactly what the merger would do.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from .current import UnknownCommune, commune_of_code, every_commune
from .models import Commune, Membership

# Sent with sources (list of Commune), into (Commune) and date; each receiver returns a list
# of refusals (strings, in the interface's language), empty when its rows may move.
merger_check = Signal()
# Sent with the same arguments: each receiver moves its rows to `into` and returns what it
# moved as [(label, count)], shown in the summary.
merger_move = Signal()
# Sent once every row has moved: receivers count again what the receiving commune's figures
# read (its period totals and standings).
merger_moved = Signal()

CHANGE_REASON = "merger"


class MergerRefused(Exception):
    """The merger cannot be done; `errors` says why, each in the interface's language."""

    def __init__(self, errors: Sequence[str]):
        super().__init__("; ".join(errors))
        self.errors = list(errors)


@dataclass
class MergerSummary:
    into: Commune
    sources: list[Commune]
    date: datetime.date
    moved: list[tuple[str, int]] = field(default_factory=list)
    applied: bool = False


def merger_communes(*, into_code: str, source_codes: Sequence[str]) -> tuple[Commune, list[Commune]]:
    """The communes the codes name; MergerRefused naming every code that names none, and any
    code given twice."""
    errors, sources, seen = [], [], set()
    with every_commune():
        try:
            into = commune_of_code(into_code)
        except UnknownCommune as error:
            errors.append(str(error))
            into = None
        for code in source_codes:
            code = code.strip()
            if code in seen:
                errors.append(_("The commune %(code)s is named twice: name each former commune once.") % {"code": code})
                continue
            seen.add(code)
            try:
                sources.append(commune_of_code(code))
            except UnknownCommune as error:
                errors.append(str(error))
    if not source_codes:
        errors.append(_("Name at least one commune to merge."))
    if errors:
        raise MergerRefused(errors)
    return into, sources


def merger_refusals(*, into: Commune, sources: Sequence[Commune], date: datetime.date) -> list[str]:
    """Why these communes may not be merged into `into` on `date` (empty: they may)."""
    errors = []
    if not sources:
        errors.append(_("Name at least one commune to merge."))
    if into.merged_into_id is not None:
        errors.append(
            _("%(commune)s was itself merged into %(into)s: choose the commune that exists now.")
            % {"commune": into, "into": into.merged_into}
        )
    for source in sources:
        if source.pk == into.pk:
            errors.append(
                _("%(commune)s cannot be merged into itself: it is both the receiving commune and a former one.")
                % {"commune": into}
            )
        elif source.merged_into_id is not None:
            errors.append(
                _("%(commune)s was already merged into %(into)s on %(date)s.")
                % {"commune": source, "into": source.merged_into, "date": source.merged_on.strftime("%d/%m/%Y")}
            )
    today = timezone.localdate()
    if date > today:
        errors.append(
            _("The merger's date (%(date)s) is in the future: record a merger once it has taken effect.")
            % {"date": date.strftime("%d/%m/%Y")}
        )
    if errors:
        return errors
    with every_commune():
        for _receiver, found in merger_check.send(sender=Commune, sources=list(sources), into=into, date=date):
            errors += found or []
    return errors


@transaction.atomic
def communes_merge(
    *, into: Commune, sources: Sequence[Commune], date: datetime.date, user=None, apply: bool = False
) -> MergerSummary:
    """Merge `sources` into `into` on `date`, all or nothing (see the module's docstring);
    with `apply` False, a dry run: everything is done, counted and rolled back. Raises
    MergerRefused with every reason when it may not be done."""
    # Lock the communes: two mergers of the same communes run one after the other, and the
    # second is refused (its sources are merged by then).
    locked = {c.pk: c for c in Commune.objects.select_for_update().filter(pk__in=[into.pk, *[s.pk for s in sources]])}
    into, sources = locked[into.pk], [locked[s.pk] for s in sources]
    if errors := merger_refusals(into=into, sources=sources, date=date):
        raise MergerRefused(errors)
    summary = MergerSummary(into=into, sources=list(sources), date=date)
    with every_commune():
        for _receiver, moved in merger_move.send(sender=Commune, sources=list(sources), into=into, date=date):
            summary.moved += moved or []
        merger_moved.send(sender=Commune, sources=list(sources), into=into, date=date)
    if carried := _memberships_carried(sources, into):
        summary.moved.append((_("Accounts of the former communes, now serving the receiving one"), carried))
    for source in sources:
        source.merged_into, source.merged_on = into, date
        source._change_reason = CHANGE_REASON
        if user is not None:
            source._history_user = user
        source.clean()  # the merger's rules (its code may still be the placeholder 00000)
        source.save()
    summary.applied = apply
    if not apply:
        transaction.set_rollback(True)
        for source in sources:
            source.merged_into, source.merged_on = None, None
    return summary


def _memberships_carried(sources: Sequence[Commune], into: Commune) -> int:
    """The officials and viewers of the former communes serve the receiving one too (their
    former communes' pages are history, served by nobody): how many accounts gained it."""
    users = set(Membership.objects.filter(commune__in=sources).values_list("user_id", flat=True))
    users -= set(Membership.objects.filter(commune=into, user_id__in=users).values_list("user_id", flat=True))
    Membership.objects.bulk_create([Membership(user_id=user, commune=into) for user in sorted(users)])
    return len(users)


def merge_by_codes(
    *, into_code: str, source_codes: Sequence[str], date: datetime.date, user=None, apply: bool = False
) -> MergerSummary:
    """`communes_merge` of the communes these codes name (the command's and the page's way in)."""
    into, sources = merger_communes(into_code=into_code, source_codes=source_codes)
    return communes_merge(into=into, sources=sources, date=date, user=user, apply=apply)
