"""What every page needs to draw the navigation for the person asking."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from accounts import access
from accounts.roles import OFFICER, OFFICIAL, PROVINCE_ADMIN, PROVINCE_ROLES, PROVINCE_VIEWER, ROLE_LABELS, VIEWER
from communes import current, identity

# Communes listed in the navigation's menu; the chooser lists every one.
COMMUNE_MENU_SIZE = 10


def portal(request):
    """What every page needs to draw the navigation for the person asking."""
    role = access.role_of(request.user)
    commune = getattr(request, "commune", None)
    served = getattr(request, "communes_served", [])
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
        # The commune's own pages (the plan, the reports) are linked for its people only: the
        # province's two roles work on the province's pages.
        "works_in_commune": role in (OFFICIAL, VIEWER, OFFICER),
        "officer_enterprise_id": access.officer_enterprise_id(request.user) if role == OFFICER else None,
        # The commune the page is about; else read from the served commune's row only by a
        # page that shows it (one query).
        "commune_name": commune.name if commune is not None else SimpleLazyObject(identity.current_name),
        "current_commune": commune,
        # The menu of communes, for a user serving several: each opens its commune's home.
        "commune_menu": (
            [(each, current.commune_url(request, each)) for each in served[:COMMUNE_MENU_SIZE]]
            if len(served) > 1
            else []
        ),
        "commune_menu_more": len(served) > COMMUNE_MENU_SIZE,
        "commune_chooser_url": current.chooser_url(request),
        "lockout_minutes": round(settings.AXES_COOLOFF_TIME * 60),
    }
