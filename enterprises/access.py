"""Who may see and change what: the one place the portal decides it.

Every view asks here. Commune-wide pages are refused with 403 to the wrong role;
an object of another enterprise is answered with 404, so that an officer cannot
even learn that it exists.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404

from .models import Enterprise
from .roles import OFFICER, OFFICIAL, VIEWER

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet


def role_of(user: AbstractBaseUser) -> str | None:
    """The user's portal role, computed once per request and cached on the user."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if not hasattr(user, "_portal_role"):
        if user.is_superuser:
            role = OFFICIAL
        else:
            names = set(user.groups.values_list("name", flat=True))
            if OFFICIAL in names:
                role = OFFICIAL
            elif OFFICER in names and officer_enterprise_id(user) is not None:
                role = OFFICER
            elif VIEWER in names:
                role = VIEWER
            else:
                role = None
        user._portal_role = role
    return user._portal_role


def officer_enterprise_id(user: AbstractBaseUser) -> int | None:
    """The enterprise a union officer belongs to, or None for everybody else."""
    if not hasattr(user, "_portal_enterprise_id"):
        from .models import UnionOfficer

        user._portal_enterprise_id = (
            UnionOfficer.objects.filter(user_id=user.pk, enterprise__is_active=True)
            .values_list("enterprise_id", flat=True)
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


def sees_whole_commune(user) -> bool:
    """Officials and district viewers see every enterprise and the commune's figures."""
    return role_of(user) in (OFFICIAL, VIEWER)


def visible_enterprises(user) -> QuerySet[Enterprise]:
    role = role_of(user)
    if role in (OFFICIAL, VIEWER):
        return Enterprise.objects.all()
    if role == OFFICER:
        return Enterprise.objects.filter(pk=officer_enterprise_id(user))
    return Enterprise.objects.none()


def editable_enterprises(user) -> QuerySet[Enterprise]:
    role = role_of(user)
    if role == OFFICIAL:
        return Enterprise.objects.all()
    if role == OFFICER:
        return Enterprise.objects.filter(pk=officer_enterprise_id(user), is_active=True)
    return Enterprise.objects.none()


def get_enterprise_or_404(user, pk, *, change: bool = False) -> Enterprise:
    """The enterprise `pk` if this user may see it (or change it, with change=True)."""
    queryset = editable_enterprises(user) if change else visible_enterprises(user)
    return get_object_or_404(queryset, pk=pk)


def role_required(*roles: str):
    """Decorator for commune-level pages: the wrong role gets 403, anonymous the login page."""
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


# Activities of the plan (plans.Activity). An activity recorded by the commune (no owner
# enterprise) is public plan work: every role reads it, as they read the plan itself. An
# activity recorded by a union officer belongs to that enterprise like its reports do, so
# another enterprise's officer is answered 404 for it and for its evidence files.
# Only the official changes commune activities; an officer changes their enterprise's.


def visible_activities(user) -> QuerySet:
    from plans.models import Activity

    role = role_of(user)
    if role in (OFFICIAL, VIEWER):
        return Activity.objects.all()
    if role == OFFICER:
        return Activity.objects.filter(
            Q(owner_enterprise__isnull=True) | Q(owner_enterprise_id=officer_enterprise_id(user))
        )
    return Activity.objects.none()


def can_change_activity(user, activity) -> bool:
    role = role_of(user)
    if role == OFFICIAL:
        return True
    return role == OFFICER and activity.owner_enterprise_id == officer_enterprise_id(user)


def get_activity_or_404(user, pk, *, change: bool = False):
    """The activity `pk` if the user may see it: 404 otherwise; with change=True,
    403 when they may see but not change it (a commune activity, for an officer)."""
    activity = get_object_or_404(visible_activities(user), pk=pk)
    if change and not can_change_activity(user, activity):
        raise PermissionDenied
    return activity


def get_enterprise_to_change_or_404(user, pk, *, official_only: bool = False) -> Enterprise:
    """The enterprise `pk` for a page that changes it.

    Existence is never leaked: whoever may not even see the enterprise (an officer of
    another one) gets 404. Whoever sees it but may not change it gets 403: the district
    viewer always; an officer on an official-only page (`official_only=True`: the
    enterprise's own record, its officers).
    """
    enterprise = get_enterprise_or_404(user, pk)
    allowed = is_official(user) if official_only else can_change_enterprise(user, enterprise)
    if not allowed:
        raise PermissionDenied
    return enterprise


def can_change_enterprise(user, enterprise: Enterprise) -> bool:
    """Whether this user may change the enterprise's data (its contacts, its roster)."""
    return editable_enterprises(user).filter(pk=enterprise.pk).exists()


def get_worker_or_404(user, enterprise_pk, worker_pk, *, change: bool = False):
    """A worker of enterprise `enterprise_pk`, fetched through that enterprise.

    404 for an enterprise the user may not see or a worker of another enterprise;
    with change=True, 403 to those who see the roster but may not change it.
    """
    if change:
        enterprise = get_enterprise_to_change_or_404(user, enterprise_pk)
    else:
        enterprise = get_enterprise_or_404(user, enterprise_pk)
    worker = get_object_or_404(enterprise.workers.all(), pk=worker_pk)
    worker.enterprise = enterprise  # already loaded: spare the query
    return worker


def get_officer_or_404(user, enterprise_pk, officer_pk):
    """A union officer of enterprise `enterprise_pk`, for the official's pages about them."""
    enterprise = get_enterprise_to_change_or_404(user, enterprise_pk, official_only=True)
    officer = get_object_or_404(enterprise.officers.select_related("user"), pk=officer_pk)
    officer.enterprise = enterprise
    return officer
