"""What every page needs to draw the navigation for the person asking."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts import access
from accounts.roles import OFFICER, OFFICIAL, PROVINCE_ADMIN, PROVINCE_ROLES, PROVINCE_VIEWER, ROLE_LABELS, VIEWER
from communes import identity


def portal(request):
    """What every page needs to draw the navigation for the person asking."""
    role = access.role_of(request.user)
    return {
        "portal_role": role,
        "portal_role_label": ROLE_LABELS.get(role, ""),
        "is_official": role == OFFICIAL,
        "is_viewer": role == VIEWER,
        "is_officer": role == OFFICER,
        "is_province_admin": role == PROVINCE_ADMIN,
        "is_province_viewer": role == PROVINCE_VIEWER,
        "sees_province": role in PROVINCE_ROLES,
        "sees_whole_commune": role in (OFFICIAL, VIEWER),
        "officer_enterprise_id": access.officer_enterprise_id(request.user) if role == OFFICER else None,
        # Read from the commune's row only by a page that shows it (one query).
        "commune_name": SimpleLazyObject(identity.current_name),
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
