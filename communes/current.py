"""Which commune a request is about (issue 17).

`CurrentCommuneMiddleware` sets `request.commune` before any view runs: the commune whose pages
the user is on, or None on pages that belong to no commune and for a user who serves none.
Views, forms and templates read `request.commune`; they never guess it.

A commune's pages live under it, `/x/<short name>/…` (`/x/hoang-hop/reports/2025/`). The
middleware takes the prefix off `request.path_info`, so every app's URLconf stays as it is,
and sets the script prefix for the request, so that `reverse()` and `{% url %}` give the
prefixed addresses of the same commune. Without the prefix:
- a user who serves one commune gets that commune (their bookmarks, the API's clients and
  every link they are given keep working, and their links carry no prefix);
- a user who serves several is sent to the same page under the commune chosen last (kept in
  the session), or to the chooser (`/x/`) when there is none: two tabs on two communes then
  never post into the wrong one, since every link and form names its commune;
- the API (`/api/…`) takes the commune's code from its `commune` parameter instead, and never
  the session: a program says which commune it reads (indicators.api answers the errors).

Who asks for a commune they do not serve, or one that does not exist, gets the same 404
(never 403), so the address does not tell whether a commune exists; an anonymous visitor is
not answered about the commune at all: the page's own login check sends them to log in.

`CommuneScopeMiddleware`, right after it, runs the view inside `scope(commune=…)`
(`in_scope(request.commune)`): every commune-owned query of the request answers that commune's
rows only (communes.scoping), and a page of no commune reads none.

`every_commune()` opens the one deliberate way across communes, for the province's roll-up
and the commands that walk every commune: code inside it sees every commune's rows, so it
must group or filter by commune itself.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, set_script_prefix
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .models import CODE_RE, Commune, Membership

# /x/<slug>/…: a commune's short name is a SlugField.
PREFIXED = re.compile(r"^/x/(?P<slug>[-a-zA-Z0-9_]+)(?P<rest>/.*)?\Z", re.DOTALL)
# The commune a user serving several chose last.
SESSION_KEY = "portal_commune"
# The API names its commune with a parameter, by code.
API_PATH = "/api/"
API_PARAMETER = "commune"
# Pages of no commune: a user serving several is not sent to one for them (the chooser
# itself, signing in and out, passwords, languages, the province's pages, the admin).
COMMUNE_FREE_PATHS = ("/x/", "/accounts/", "/i18n/", "/province/", "/tinh/", "/admin/")
SAFE_METHODS = ("GET", "HEAD")


def served_by(user) -> list[Commune]:
    """The existing communes `user` serves, by name: a superuser every one; a commune
    official or viewer those the province administrator assigned (`Membership`); a union
    officer the commune of their enterprise while it is followed. One query, once per
    request (kept on the user)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    if not hasattr(user, "_portal_communes"):
        communes = Commune.objects.active()
        if not user.is_superuser:
            # Through the user's `union_officer` relation: this layer imports no enterprises.
            officer = (
                get_user_model()
                ._default_manager.filter(pk=user.pk, union_officer__enterprise__is_active=True)
                .values("union_officer__enterprise__commune")
            )
            assigned = Membership.objects.filter(user=user).values("commune")
            communes = communes.filter(Q(pk__in=assigned) | Q(pk__in=officer))
        user._portal_communes = list(communes.order_by("name", "code"))
    return user._portal_communes


def resolve(request) -> Commune | None:
    """The commune this request is about, among those its user serves (module docstring):
    the prefix's, else the API's parameter's, else the user's only commune, else the one
    chosen last. None when there is none of these, or the user does not serve it."""
    served = served_by(request.user)
    slug = getattr(request, "commune_slug", None)
    if slug is not None:
        return next((commune for commune in served if commune.slug == slug), None)
    if request.path_info.startswith(API_PATH):
        code = request.GET.get(API_PARAMETER, "").strip()
        if code:
            return next((commune for commune in served if commune.code == code), None)
        return served[0] if len(served) == 1 else None
    return _unprefixed(request, served)


def _unprefixed(request, served: list[Commune]) -> Commune | None:
    if len(served) == 1:
        return served[0]
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_KEY) if session is not None else None
    return next((commune for commune in served if commune.pk == chosen), None)


def commune_url(request, commune: Commune, path: str = "/") -> str:
    """The address of `path` (a path of the portal's URLconf, "/reports/", with its query
    string if any) under `commune`."""
    path, mark, query = path.partition("?")
    return escape_uri_path(f"{base_prefix(request)}x/{commune.slug}{path}") + mark + iri_to_uri(query)


def chooser_url(request) -> str:
    return f"{base_prefix(request)}x/"


def base_prefix(request) -> str:
    """The installation's own script prefix, whatever commune prefix this request added."""
    return getattr(request, "base_script_prefix", None) or get_script_prefix()


def local_path(request, value: str) -> str:
    """`value` if it is a path of this site without a commune prefix ("/reports/?x=1"),
    else "/": where the chooser sends the user once they picked a commune."""
    if (
        value.startswith("/")
        and not value.startswith("/x/")
        and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}, require_https=False)
    ):
        return value
    return "/"


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
        request.base_script_prefix = get_script_prefix()
        match = PREFIXED.match(request.path_info)
        if match is not None:
            request.commune_slug = match["slug"]
            request.path_info = match["rest"] or "/"
        else:
            request.commune_slug = None
        served = request.communes_served = served_by(request.user)
        request.commune = resolve(request)
        if match is None:
            if len(served) > 1 and not request.path_info.startswith((*COMMUNE_FREE_PATHS, API_PATH)):
                return self._to_a_commune(request)
            return self.get_response(request)
        if request.user.is_authenticated:
            if request.commune is None:
                return self._refused(request, served)
            if len(served) > 1 and request.session.get(SESSION_KEY) != request.commune.pk:
                request.session[SESSION_KEY] = request.commune.pk
        # An anonymous visitor goes on to the page, whose login check sends them to log in
        # and back here: nothing tells them whether the commune exists.
        set_script_prefix(f"{request.base_script_prefix}x/{request.commune_slug}/")
        try:
            return self.get_response(request)
        finally:
            # The prefix is the thread's (or task's): the next request must not inherit it.
            set_script_prefix(request.base_script_prefix)

    def _to_a_commune(self, request):
        """A user serving several communes on a commune's page without its prefix: the same
        page under the commune chosen last, else the chooser. A change (POST) is never
        carried over to a commune it did not name: the chooser says so, nothing is saved."""
        if request.method not in SAFE_METHODS:
            return choose_page(request, next_path="/", status=400, unsaved=True)
        query = request.META.get("QUERY_STRING", "")
        path = f"{request.path_info}?{query}" if query else request.path_info
        if request.commune is not None:
            return redirect(commune_url(request, request.commune, path))
        ask = QueryDict(mutable=True)
        ask["next"] = path
        return redirect(f"{chooser_url(request)}?{ask.urlencode(safe='/')}")

    def _refused(self, request, served):
        # The commune of the pages around the refusal (the menu, the brand), as without prefix.
        request.commune = _unprefixed(request, served)
        return render(
            request,
            "communes/not_served.html",
            {"choices": [(commune, commune_url(request, commune)) for commune in served]},
            status=404,
        )


def choose_page(request, *, next_path: str, status: int = 200, unsaved: bool = False):
    """The chooser: the communes the user serves, each opening `next_path` under it; for a
    user serving one, that commune's page at once (there is nothing to choose)."""
    choices = [(commune, commune_url(request, commune, next_path)) for commune in request.communes_served]
    if len(choices) == 1 and not unsaved:
        return redirect(choices[0][1])
    return render(
        request,
        "communes/commune_choose.html",
        {"choices": choices, "current": request.commune, "unsaved": unsaved},
        status=status,
    )


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


class CommuneScopeMiddleware:
    """Runs the view inside the scope of `request.commune` (after CurrentCommuneMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with commune_scope(request.commune):
            return self.get_response(request)
