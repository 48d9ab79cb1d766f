"""Search that ignores accents and case, the same on PostgreSQL and SQLite: "hoang hop" finds
"Công ty Hoàng Hợp", "HOP" finds "Hợp", "duc" finds "Đức".

Both sides are folded: the typed text in Python (`fold`), the column in the database by the
SQL function `portal_fold`. On SQLite the function is this module's `fold`, registered on
every new connection (CoreConfig.ready); on PostgreSQL it is `lower(unaccent(…))`, created by
core's migration 0002 (the `unaccent` extension ships with PostgreSQL and is trusted: the
database's owner may create it).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from django.db.models import Func, Q, QuerySet, TextField

SQL_FUNCTION = "portal_fold"


def fold(text: str | None) -> str | None:
    """Lower case, without accents; đ becomes d."""
    if text is None:
        return None
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class Folded(Func):
    """A text column (or expression) folded as `fold` folds, in SQL."""

    function = SQL_FUNCTION
    output_field = TextField()


def containing(queryset: QuerySet, fields: Iterable[str], text: str, *, also: Q | None = None) -> QuerySet:
    """The rows where any of `fields` contains `text`, ignoring accents, case and repeated
    spaces, or that match `also`; all rows when `text` is blank."""
    needle = fold(" ".join(text.split()))
    if not needle:
        return queryset
    aliases = {f"_folded_{index}": Folded(field) for index, field in enumerate(fields)}
    condition = also or Q()
    for alias in aliases:
        condition |= Q(**{f"{alias}__contains": needle})
    return queryset.alias(**aliases).filter(condition)


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """connection_created receiver: gives SQLite the folding function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQL_FUNCTION, 1, fold, deterministic=True)
