"""The portal's roles, kept as Django groups.

The groups are created by migrations (`enterprises/migrations/0003_roles.py`, and
`0012_province_admin_role.py` for the province administrator, `0017_province_viewer_role.py`
for the province viewer) and again after
every `migrate` or `flush` if missing (`ensure_role_groups`). They carry
no Django permissions: who may see and change what is decided in `accounts.access` alone.
"""

from django.utils.translation import gettext_lazy as _

OFFICIAL = "commune_official"
OFFICER = "union_officer"
VIEWER = "district_viewer"
# Keeps the list of the province's communes (issue 17); sees no commune's data.
PROVINCE_ADMIN = "province_admin"
# Reads the province's roll-up (/tinh/): every commune's aggregates, never a named worker.
PROVINCE_VIEWER = "province_viewer"
# The roles that read the province's roll-up.
PROVINCE_ROLES = (PROVINCE_ADMIN, PROVINCE_VIEWER)

ROLE_LABELS = {
    OFFICIAL: _("Commune official"),
    OFFICER: _("Enterprise union officer"),
    VIEWER: _("District viewer"),
    PROVINCE_ADMIN: _("Province administrator"),
    PROVINCE_VIEWER: _("Province viewer"),
}


def ensure_role_groups(sender=None, using="default", **kwargs) -> None:
    """Create the role groups if they are missing (after migrate, or a flush)."""
    from django.contrib.auth.models import Group

    for name in ROLE_LABELS:
        Group.objects.using(using).get_or_create(name=name)
