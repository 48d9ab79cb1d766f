"""Which commune a request is about (issue 17).

`CurrentCommuneMiddleware` sets `request.commune` before any view runs: the commune whose pages
the user is on, or None on pages that belong to no commune (signing in, the province's pages)
and for a user who serves none. Views, forms and templates read `request.commune`; they never
guess it.

`every_commune()` opens the one deliberate way across communes, for the province's roll-up
and the commands that walk every commune: code inside it sees every commune's rows, so it
must group or filter by commune itself.
"""

from __future__ import annotations

from django_scopes import scopes_disabled

from .models import Commune


def resolve(request) -> Commune | None:
    """The commune this request is about: the commune the installation serves."""
    return Commune.objects.served()


def every_commune():
    """A block of code that reads every commune's rows (a context manager)."""
    return scopes_disabled()


class CurrentCommuneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.commune = resolve(request)
        return self.get_response(request)
