"""Optimistic locking, one idiom for every versioned row (a task, an indicator, a report).

A form carries the `version` of the row it was drawn from. A write begins with `claim()`,
a compare-and-swap `UPDATE … SET version = version + 1 WHERE version = <seen>`. When no
row matches, somebody else saved in between: `Conflict` is raised, nothing is written,
and the view shows the model's `conflict_message` with what the user typed still in the
form. The UPDATE also takes the row lock (PostgreSQL) until the transaction ends, so the
reads and the save that follow cannot interleave with another writer's.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F, QuerySet


class Conflict(ValidationError):
    """Somebody else saved the row after the form was drawn from it; nothing was saved.

    A ValidationError with code "conflict", so that a form shows it like any refusal;
    a view that offers more (the current values beside the typed ones) catches it by type.
    """

    def __init__(self, message):
        super().__init__(message, code="conflict")


def claim(rows: QuerySet, *, version: int | None) -> bool:
    """Check and bump the version of the row `rows` selects, before the write that follows.

    `version` is what the form was drawn from: n, the row must still be at version n;
    0, there must still be no row (the form was drawn before there was one); None, the
    row is overwritten whatever its version (an import), yet its version still moves on so
    that forms drawn before the import are refused. Returns whether there is a row (False
    only for 0 and None); raises Conflict, with the model's `conflict_message`, otherwise.
    """
    if version == 0:
        if rows.exists():
            raise Conflict(rows.model.conflict_message)
        return False
    if version is None:
        return bool(rows.update(version=F("version") + 1))
    if not rows.filter(version=version).update(version=F("version") + 1):
        raise Conflict(rows.model.conflict_message)
    return True
