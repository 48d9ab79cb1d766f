"""The portal's roles, kept as Django groups.

The groups are created by migrations (`enterprises/migrations/0003_roles.py`, and
`0012_province_admin_role.py` for the province administrator) and again after
every `migrate` or `flush` if missing (`ensure_role_groups`). They carry
no Django permissions: who may see and change what is decided in `accounts.access` alone.
"""

from django.utils.translation import gettext_lazy as _

OFFICIAL = "commune_official"
OFFICER = "union_officer"
VIEWER = "district_viewer"
# Keeps the list of the province's communes (issue 17); sees no commune's data.
PROVINCE_ADMIN = "province_admin"

ROLE_LABELS = {
    OFFICIAL: _("Commune official"),
    OFFICER: _("Enterprise union officer"),
    VIEWER: _("District viewer"),
    PROVINCE_ADMIN: _("Province administrator"),
}


def ensure_role_groups(sender=None, using="default", **kwargs) -> None:
    """Create the role groups if they are missing (after migrate, or a flush)."""
    from django.contrib.auth.models import Group

    for name in ROLE_LABELS:
        Group.objects.using(using).get_or_create(name=name)
