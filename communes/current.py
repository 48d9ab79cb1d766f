"""Which commune a request is about (issue 17).

`CurrentCommuneMiddleware` sets `request.commune` before any view runs: the commune whose pages
the user is on, or None on pages that belong to no commune (signing in, the province's pages)
and for a user who serves none. Views, forms and templates read `request.commune`; they never
guess it.

`CommuneScopeMiddleware`, right after it, runs the view inside `scope(commune=…)`
(`in_scope(request.commune)`): every commune-owned query of the request answers that commune's
rows only (communes.scoping), and a page of no commune reads none.

`every_commune()` opens the one deliberate way across communes, for the province's roll-up
and the commands that walk every commune: code inside it sees every commune's rows, so it
must group or filter by commune itself.
"""

from __future__ import annotations

from django_scopes import scope, scopes_disabled

from .models import Commune


def resolve(request) -> Commune | None:
    """The commune this request is about: the commune the installation serves."""
    return Commune.objects.served()


def in_scope(commune: Commune | None) -> Commune | list:
    """The scope value of `commune`: the commune, or for none an empty list, which matches no
    row (django-scopes reads None as "no filter", which would show every commune's rows)."""
    return [] if commune is None else commune


def commune_scope(commune: Commune | None):
    """A block of code that reads `commune`'s rows only, none for None (a context manager)."""
    return scope(commune=in_scope(commune))


def each_commune():
    """Every commune row, oldest first, for a job that does its work commune by commune, each
    inside `commune_scope(commune)`. Merged communes too: their rows stay theirs."""
    return Commune.objects.order_by("pk")


def every_commune():
    """A block of code that reads every commune's rows (a context manager)."""
    return scopes_disabled()


class CurrentCommuneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.commune = resolve(request)
        return self.get_response(request)


class CommuneScopeMiddleware:
    """Runs the view inside the scope of `request.commune` (after CurrentCommuneMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with commune_scope(request.commune):
            return self.get_response(request)
