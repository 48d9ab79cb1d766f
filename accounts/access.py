"""Who may see and change what: the one place the portal decides it.

Every view asks here. Commune-wide pages are refused with 403 to the wrong role; an object
of another enterprise is answered with 404, so that an officer cannot even learn that it
exists. The rules are stated once, in terms of the enterprise a row belongs to; each app
applies them to its own models through a lookup path (`via`): `Enterprise.objects.visible_to`
uses `via="pk"`, activities `via="owner_enterprise"`. So this module imports none of the
apps whose rows it scopes, and no app states a rule of its own.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.shortcuts import get_object_or_404

from .roles import OFFICER, OFFICIAL, PROVINCE_ADMIN, PROVINCE_VIEWER, VIEWER

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

M = TypeVar("M", bound=Model)

NOTHING = Q(pk__in=[])


def role_of(user: AbstractBaseUser) -> str | None:
    """The user's portal role, computed once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_portal_role"):
        names = set() if user.is_superuser else set(user.groups.values_list("name", flat=True))
        user._portal_role = _role(user, names, lambda: officer_enterprise_id(user) is not None)
    return user._portal_role


def _role(user, names: set[str], has_enterprise) -> str | None:
    """The role of `user` in the groups `names`; `has_enterprise()` says whether an officer's
    enterprise is followed (asked only of an officer)."""
    if user.is_superuser or OFFICIAL in names:
        return OFFICIAL
    if PROVINCE_ADMIN in names:
        return PROVINCE_ADMIN
    if PROVINCE_VIEWER in names:
        return PROVINCE_VIEWER
    if OFFICER in names and has_enterprise():
        return OFFICER
    if VIEWER in names:
        return VIEWER
    return None


def roles_of(users: list[AbstractBaseUser]) -> dict[int, str | None]:
    """`role_of` for a list of users (a page listing accounts), in two queries however many."""
    User = get_user_model()
    names: dict[int, set[str]] = {user.pk: set() for user in users}
    for user_id, name in User.groups.through.objects.filter(user_id__in=names).values_list("user_id", "group__name"):
        names[user_id].add(name)
    followed = set(
        User._default_manager.filter(pk__in=names, union_officer__enterprise__is_active=True).values_list(
            "pk", flat=True
        )
    )
    return {user.pk: _role(user, names[user.pk], lambda pk=user.pk: pk in followed) for user in users if user.is_active}


def officer_enterprise_id(user: AbstractBaseUser) -> int | None:
    """The active enterprise a union officer belongs to, or None for everybody else.

    Read through the user's `union_officer` relation (enterprises.UnionOfficer), so that
    this module needs no import of the enterprises app.
    """
    if not hasattr(user, "_portal_enterprise_id"):
        user._portal_enterprise_id = (
            get_user_model()
            ._default_manager.filter(pk=user.pk, union_officer__enterprise__is_active=True)
            .values_list("union_officer__enterprise_id", flat=True)
            .first()
            if getattr(user, "is_authenticated", False)
            else None
        )
    return user._portal_enterprise_id


def is_official(user) -> bool:
    return role_of(user) == OFFICIAL


def is_viewer(user) -> bool:
    return role_of(user) == VIEWER


def is_officer(user) -> bool:
    return role_of(user) == OFFICER


def is_province_admin(user) -> bool:
    return role_of(user) == PROVINCE_ADMIN


def is_province_viewer(user) -> bool:
    return role_of(user) == PROVINCE_VIEWER


def sees_province(user) -> bool:
    """The province's roles read the roll-up of every commune (aggregates only: neither
    role is anybody's officer nor sees a commune's pages, so no rule below lets them near a
    named worker)."""
    return role_of(user) in (PROVINCE_ADMIN, PROVINCE_VIEWER)


def sees_whole_commune(user) -> bool:
    """Officials and district viewers see every enterprise and the commune's figures."""
    return role_of(user) in (OFFICIAL, VIEWER)


def can_change(user, enterprise_id: int | None) -> bool:
    """Whether this user may change what belongs to enterprise `enterprise_id`.

    `None` is the commune's own work (an activity the commune recorded): only the official
    changes it. The viewer changes nothing; an officer only their own enterprise's rows.
    """
    role = role_of(user)
    if role == OFFICIAL:
        return True
    return role == OFFICER and enterprise_id is not None and enterprise_id == officer_enterprise_id(user)


def may_see_named_workers(user, enterprise_id: int) -> bool:
    """Whether this user may see the named workers of enterprise `enterprise_id`.

    A roster holds personal data (names, sex, birth year, learning outcomes: Decree
    13/2023/NĐ-CP, Law on Personal Data Protection 2025), needed only by those who keep it:
    the enterprise's own union officers and the commune official who registers and checks
    it. Everybody else, the superior body's viewer and any roll-up role to come, sees the
    roster's counts and rates only. Stated positively, so a new role sees no names until
    someone decides it should.
    """
    role = role_of(user)
    if role == OFFICIAL:
        return True
    return role == OFFICER and enterprise_id == officer_enterprise_id(user)


def enterprise_filter(user, via: str = "pk", *, change: bool = False, shared_when_null: bool = False) -> Q:
    """The rows this user may see (or change) whose enterprise is reached by the lookup `via`.

    With `shared_when_null`, a row that belongs to no enterprise (`via` is null) is common
    commune work that every role reads, as they read the plan itself.
    """
    role = role_of(user)
    if role == OFFICIAL or (role == VIEWER and not change):
        return Q()
    if role == OFFICER:
        own = Q(**{via: officer_enterprise_id(user)})
        if shared_when_null and not change:
            return own | Q(**{f"{via}__isnull": True})
        return own
    return NOTHING


def scoped(
    queryset: QuerySet[M], user, *, via: str = "pk", change: bool = False, shared_when_null: bool = False
) -> QuerySet[M]:
    """`queryset` narrowed to the rows this user may see (or, with change=True, change)."""
    return queryset.filter(enterprise_filter(user, via, change=change, shared_when_null=shared_when_null))


def get_or_404(
    queryset: QuerySet[M],
    user,
    *,
    via: str = "pk",
    change: bool = False,
    official_only: bool = False,
    shared_when_null: bool = False,
    **lookup,
) -> M:
    """The one object of `queryset` matching `lookup`, if this user may see it.

    Existence is never leaked: whoever may not even see the object (an officer of another
    enterprise) gets 404. With change=True, whoever sees it but may not change it gets 403:
    the viewer always; an officer on a commune activity, or on an official-only page
    (`official_only=True`: an enterprise's own record, its officers).
    """
    obj = get_object_or_404(scoped(queryset, user, via=via, shared_when_null=shared_when_null), **lookup)
    if change:
        enterprise_id = obj.pk if via == "pk" else getattr(obj, f"{via}_id")
        allowed = is_official(user) if official_only else can_change(user, enterprise_id)
        if not allowed:
            raise PermissionDenied
    return obj


def get_roster_or_404(queryset: QuerySet[M], user, *, change: bool = False, **lookup) -> M:
    """The enterprise of `queryset` matching `lookup` whose named roster this user opens.

    Like `get_or_404` (404 for whoever may not see the enterprise), and 403 for whoever
    sees the enterprise but not its named workers (`may_see_named_workers`): the viewer
    may know the enterprise exists, so a 404 would hide nothing.
    """
    enterprise = get_or_404(queryset, user, change=change, **lookup)
    if not may_see_named_workers(user, enterprise.pk):
        raise PermissionDenied
    return enterprise


def role_required(*roles: str):
    """Decorator for commune-level pages: the wrong role gets 403, anonymous the login page."""
    # Imported here: models import this module, and auth's views may not load before them.
    from django.contrib.auth.views import redirect_to_login

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if role_of(request.user) not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


official_required = role_required(OFFICIAL)
commune_view_required = role_required(OFFICIAL, VIEWER)
member_required = role_required(OFFICIAL, VIEWER, OFFICER)
# The province's pages (the list of communes): the province administrator only, who in turn
# sees no commune's enterprises, reports or workers (every rule above answers NOTHING or 403).
province_admin_required = role_required(PROVINCE_ADMIN)
# The province's roll-up (/tinh/): the province administrator and the province viewer.
province_required = role_required(PROVINCE_ADMIN, PROVINCE_VIEWER)
