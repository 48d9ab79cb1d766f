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

from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from .models import CODE_RE, Commune


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


class UnknownCommune(LookupError):
    """No commune answers to the code a command or a form was given; `str()` says so to the user."""


def commune_of_code(code: str) -> Commune:
    """The commune whose administrative unit code is `code` (read in every commune's scope:
    commands name communes before they work inside one)."""
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise UnknownCommune(
            _("“%(code)s” is not a commune's code: it must be exactly 5 digits (e.g. 16015).") % {"code": code}
        )
    commune = Commune.objects.filter(code=code).select_related("merged_into").first()
    if commune is None:
        raise UnknownCommune(
            _("No commune has the code %(code)s: the province administrator adds it to the list of communes first.")
            % {"code": code}
        )
    return commune
