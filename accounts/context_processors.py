"""What every page needs to draw the navigation for the person asking."""

from django.conf import settings

from accounts import access
from accounts.roles import OFFICER, OFFICIAL, ROLE_LABELS, VIEWER


def portal(request):
    """What every page needs to draw the navigation for the person asking."""
    role = access.role_of(request.user)
    return {
        "portal_role": role,
        "portal_role_label": ROLE_LABELS.get(role, ""),
        "is_official": role == OFFICIAL,
        "is_viewer": role == VIEWER,
        "is_officer": role == OFFICER,
        "sees_whole_commune": role in (OFFICIAL, VIEWER),
        "officer_enterprise_id": access.officer_enterprise_id(request.user) if role == OFFICER else None,
        "commune_name": settings.PORTAL_COMMUNE_NAME,
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
