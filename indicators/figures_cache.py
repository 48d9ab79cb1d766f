"""Figures kept in a cache until what they are computed from changes.

At province scale a period's figures cost tens of milliseconds of SQL and Python,
and they change only when a report, an enterprise or an indicator does. Every period
has revision tokens in the database (FiguresRevision); the figures are cached under
the tokens of the period they belong to, and every change replaces the tokens, in the
same transaction as the change. A reader takes the token before it reads the data,
so figures can be cached under a newer token than the data they came from only if
the data is newer still, never older: a cached value is never stale, in any process.

Two tokens per period: `token` for what shows every report (the export's enterprise rows,
with drafts and submissions), `approved_token` for what counts only approved reports (the
commune's figures and lower bound), which officers' saves and submissions leave alone.

What replaces the tokens (connected in IndicatorsConfig.ready):
- a report or one of its figures saved or deleted: its period's token, and its
  approved token when the report is or was approved;
- an enterprise, indicator, target or milestone saved or deleted, or enterprises
  imported in bulk (no signals there; enterprises.services calls touch_all): every
  period's tokens, as they all show names and rates against targets;
- a period saved: its own tokens (a new period gets its row).

The cache itself is the "figures" alias of CACHES: memory of each server process by
default, which needs no set-up, since the tokens that decide what is valid live in
the shared database.

Writers that change several reports of one period in a transaction must touch the
period first (services do it before taking any report row): every writer then locks
the token row before report rows, and two writers cannot deadlock on each other. The
period totals (indicators.totals) are written after the touch, so they follow the same
order. Several periods are touched in the order of their ids.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import caches

from .models import FiguresRevision, ReportingPeriod

CACHE_ALIAS = "figures"
T = TypeVar("T")


def cache():
    return caches[CACHE_ALIAS]


def tokens(period_ids: Iterable[int] | None = None, *, approved: bool = False) -> dict[int, str]:
    """The current token of each period (all periods when None), in one query; with
    approved=True, the approved tokens. A period without a row is missing from the
    result and is never cached."""
    revisions = FiguresRevision.objects.all()
    if period_ids is not None:
        revisions = revisions.filter(period_id__in=list(period_ids))
    field = "approved_token" if approved else "token"
    return {period_id: token.hex for period_id, token in revisions.values_list("period_id", field)}


def touch(period_ids: Iterable[int], *, approved: bool = False) -> None:
    """Replace the tokens of these periods, the approved ones too if asked (one UPDATE,
    which also takes their row locks)."""
    ids = sorted(set(period_ids))
    if ids:
        FiguresRevision.objects.filter(period_id__in=ids).update(**_new_tokens(approved))


def touch_report(report_id: int) -> None:
    """Replace both tokens of a report's period, knowing only the report's id."""
    FiguresRevision.objects.filter(period__reports=report_id).update(**_new_tokens(True))


def touch_all() -> None:
    """Replace every period's tokens, creating the rows of periods that have none."""
    FiguresRevision.objects.bulk_create(
        [
            FiguresRevision(period_id=pk, **_new_tokens(True))
            for pk in ReportingPeriod.objects.order_by("pk").values_list("pk", flat=True)
        ],
        update_conflicts=True,
        unique_fields=["period"],
        update_fields=["token", "approved_token"],
    )


def token_up_to(period: ReportingPeriod) -> str | None:
    """One token standing for the approved tokens of this period and every earlier one
    (one query); None when one of them has no revision."""
    pairs = list(
        ReportingPeriod.objects.filter(end__lte=period.end)
        .order_by("pk")
        .values_list("pk", "figures_revision__approved_token")
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
    cache().set_many({_key(name, pk, token_map[pk], scope): value for pk, value in values.items() if pk in token_map})


def get_or_compute(name: str, period_id: int, token: str | None, compute: Callable[[], T]) -> T:
    """The cached value of `name` for a period, else compute() kept under the token
    (computed every time without a token)."""
    if token is None:
        return compute()
    key = _key(name, period_id, token, "")
    value = cache().get(key)
    if value is None:
        value = compute()
        cache().set(key, value)
    return value


def _new_tokens(approved: bool) -> dict[str, uuid.UUID]:
    token = uuid.uuid4()
    return {"token": token, "approved_token": token} if approved else {"token": token}


def _key(name: str, period_id: int, token: str, scope: str) -> str:
    return f"{name}:{period_id}:{token}:{scope}"
