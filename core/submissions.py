"""Forms that create something, sent twice: a double click, a resent page, two offices at once.

- `creates_once`: a creation view whose form carries a one-time token (`{% form_token %}`)
  creates one object per token. The first post that succeeds records where it led; the same
  form sent again, even while the first is still being saved, is sent there too and creates
  nothing. A post without a token (an old page, a script) is served as before.
- `save_unique`: a save that may lose a race for a unique value (an employee code, a
  username, a tax code) to a simultaneous one. The loser's form says what its own check says
  now that the winner is saved, beside the field, with the typed values kept: no server error.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone

from .models import FormSubmission

FIELD = "form_token"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
# Long enough for a page left open over lunch and sent twice; short enough to keep the table small.
KEEP = datetime.timedelta(days=1)

T = TypeVar("T")


def new_token() -> str:
    return secrets.token_urlsafe(18)


def form_token(request) -> str:
    """The token a creation form carries: the one it was sent with when it is shown again
    (a mistake to correct: correcting it and sending creates once), otherwise a new one."""
    posted = request.POST.get(FIELD, "") if request is not None and request.method == "POST" else ""
    return posted if TOKEN.match(posted) else new_token()


def _posted_token(request) -> str | None:
    token = request.POST.get(FIELD, "")
    return token if TOKEN.match(token) else None


def _earlier(request, token: str) -> HttpResponseRedirect | None:
    """Where the same form led when it was sent before, if it was."""
    url = (
        FormSubmission.objects.filter(user=request.user, token=token)
        .exclude(url="")
        .values_list("url", flat=True)
        .first()
    )
    return HttpResponseRedirect(url) if url else None


class _NothingCreated(Exception):
    """The view answered without creating (a form with mistakes): the token stays unused."""

    def __init__(self, response):
        super().__init__()
        self.response = response


def creates_once(view):
    """Decorate a creation view: one object per form token, however often the form is sent.

    The view runs in a transaction that first claims the token (a unique row), so a second
    post of the same form waits for the first and is then sent where the first led. Only
    a redirect counts as "created"; any other answer gives the token back.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _posted_token(request) if request.method == "POST" else None
        if token is None or not request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if earlier := _earlier(request, token):
            return earlier
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        submission = FormSubmission.objects.create(user=request.user, token=token)
                except IntegrityError:
                    # A twin post holds the token; the constraint made us wait until it was saved.
                    earlier = _earlier(request, token)
                    if earlier is None:
                        raise
                    return earlier
                response = view(request, *args, **kwargs)
                if not isinstance(response, HttpResponseRedirect):
                    raise _NothingCreated(response)
                submission.url = response["Location"]
                submission.save(update_fields=["url"])
                FormSubmission.objects.filter(at__lt=timezone.now() - KEEP).delete()
        except _NothingCreated as answer:
            return answer.response
        return response

    return wrapper


def save_unique(form, save: Callable[[], T], *, fields: list[str]) -> T | None:
    """`save()` in a savepoint; None when a simultaneous save took a unique value first.

    The winner shows as the database's IntegrityError, or as the model's own uniqueness
    check in `full_clean()` when it was saved a moment earlier. Either way the form's own
    `clean_<field>` for each of `fields` runs again: it now finds the winner, and its error
    goes beside the field as if it had been found at once. What no check explains is
    raised as it is.
    """
    try:
        with transaction.atomic():
            return save()
    except (IntegrityError, ValidationError):
        explained = False
        for name in fields:
            try:
                getattr(form, f"clean_{name}")()
            except ValidationError as error:
                form.add_error(name, error)
                explained = True
        if not explained:
            raise
        return None
