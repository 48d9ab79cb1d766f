"""Refusals: each "no" a rule can answer, with its ValidationError code and words, stated once.

A rule that may refuse (a report that may not be returned, a deadline before its period) is
a method on its model that returns the refusal, or None when the action is allowed. The
service raises it with `enforce()`; the view asks the same method whether to offer the
button, or shows the refusal's words. Declaring each refusal as a `Refusal` keeps its code
and message in one place, whoever raises it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Refusal:
    """A refusal's code and (lazily translated) message, with %(name)s placeholders."""

    code: str
    message: str

    def __call__(self, **params) -> ValidationError:
        return ValidationError(self.message, code=self.code, params=params or None)


def enforce(refusal: ValidationError | None) -> None:
    """Raise the refusal a rule answered; do nothing when it answered None (allowed)."""
    if refusal is not None:
        raise refusal
