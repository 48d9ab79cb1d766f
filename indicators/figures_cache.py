"""Figures kept in a cache until what they are computed from changes.

At province scale a period's figures cost tens of milliseconds of SQL and Python,
and they change only when a report, an enterprise or an indicator does. Every period
has a revision token in the database (FiguresRevision); the figures are cached under
the token of the period they belong to, and every change replaces the token, in the
same transaction as the change. A reader takes the token before it reads the data,
so figures can be cached under a newer token than the data they came from only if
the data is newer still, never older: a cached value is never stale, in any process.

What replaces the tokens (connected in IndicatorsConfig.ready):
- a report or one of its figures saved or deleted: its period's token;
- an enterprise, indicator, target or milestone saved or deleted, or enterprises
  imported in bulk (no signals there; enterprises.services calls touch_all): every
  period's token, as they all show names and rates against targets;
- a period saved: its own token (a new period gets its row).

The cache itself is the "figures" alias of CACHES: memory of each server process by
default, which needs no set-up, since the tokens that decide what is valid live in
the shared database.

Writers that change several reports of one period in a transaction must touch the
period first (services do it before taking any report row): every writer then locks
the token row before report rows, and two writers cannot deadlock on each other.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Callable, Iterable, TypeVar

from django.core.cache import caches

from .models import FiguresRevision, ReportingPeriod

CACHE_ALIAS = "figures"
T = TypeVar("T")


def cache():
    return caches[CACHE_ALIAS]


def tokens(period_ids: Iterable[int] | None = None) -> dict[int, str]:
    """The current token of each period (all periods when None), in one query.
    A period without a row is missing from the result and is never cached."""
    revisions = FiguresRevision.objects.all()
    if period_ids is not None:
        revisions = revisions.filter(period_id__in=list(period_ids))
    return {period_id: token.hex for period_id, token in revisions.values_list("period_id", "token")}


def touch(period_ids: Iterable[int]) -> None:
    """Replace the tokens of these periods (one UPDATE, which also takes their row locks)."""
    ids = sorted(set(period_ids))
    if ids:
        FiguresRevision.objects.filter(period_id__in=ids).update(token=uuid.uuid4())


def touch_report(report_id: int) -> None:
    """Replace the token of a report's period, knowing only the report's id."""
    FiguresRevision.objects.filter(period__reports=report_id).update(token=uuid.uuid4())


def touch_all() -> None:
    """Replace every period's token, creating the rows of periods that have none."""
    token = uuid.uuid4()
    FiguresRevision.objects.bulk_create(
        [FiguresRevision(period_id=pk, token=token) for pk in ReportingPeriod.objects.values_list("pk", flat=True)],
        update_conflicts=True,
        unique_fields=["period"],
        update_fields=["token"],
    )


def token_up_to(period: ReportingPeriod) -> str | None:
    """One token standing for this period's and every earlier period's (one query);
    None when one of them has no revision."""
    pairs = list(
        ReportingPeriod.objects.filter(end__lte=period.end).order_by("pk").values_list("pk", "figures_revision__token")
    )
    if any(token is None for _pk, token in pairs):
        return None
    text = ",".join(f"{pk}:{token.hex}" for pk, token in pairs)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def get_many(name: str, token_map: dict[int, str], scope: str = "") -> dict[int, object]:
    """The cached values of `name` for the periods in token_map, by period id (hits only)."""
    keys = {_key(name, pk, token, scope): pk for pk, token in token_map.items()}
    return {keys[key]: value for key, value in cache().get_many(list(keys)).items()}


def set_many(name: str, token_map: dict[int, str], values: dict[int, object], scope: str = "") -> None:
    """Keep values of `name` by period id, each under its period's token (periods without
    a token are not kept)."""
    cache().set_many(
        {_key(name, pk, token_map[pk], scope): value for pk, value in values.items() if pk in token_map}
    )


def get_or_compute(name: str, period_id: int, token: str | None, compute: Callable[[], T], scope: str = "") -> T:
    """The cached value of `name` for a period, else compute() kept under the token."""
    if token is None:
        return compute()
    key = _key(name, period_id, token, scope)
    value = cache().get(key)
    if value is None:
        value = compute()
        cache().set(key, value)
    return value


def _key(name: str, period_id: int, token: str, scope: str) -> str:
    return f"{name}:{period_id}:{token}:{scope}"
