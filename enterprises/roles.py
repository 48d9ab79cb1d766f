"""The portal's three roles, kept as Django groups.

The groups themselves are created by a migration; their permissions are synced
after every `migrate`, so models added later are covered without a new step.
Who may see what is decided in `enterprises.access`, not by these permissions:
they exist so that the Django admin and any future API agree with the portal.
"""

from django.utils.translation import gettext_lazy as _

OFFICIAL = "commune_official"
OFFICER = "union_officer"
VIEWER = "district_viewer"

ROLE_LABELS = {
    OFFICIAL: _("Commune official"),
    OFFICER: _("Enterprise union officer"),
    VIEWER: _("District viewer"),
}

PORTAL_APPS = ("plans", "enterprises", "indicators")

# Officers change only their own enterprise's data; `access` narrows the rows.
OFFICER_PERMISSIONS = {
    "enterprises": {"view_enterprise", "change_enterprise", "view_worker", "add_worker",
                    "change_worker", "view_workeroutcome", "add_workeroutcome",
                    "change_workeroutcome", "delete_workeroutcome"},
    "indicators": {"view_indicator", "view_target", "view_milestone", "view_reportingperiod",
                   "view_enterprisereport", "add_enterprisereport", "change_enterprisereport",
                   "view_reportvalue", "add_reportvalue", "change_reportvalue"},
    "plans": {"view_plan", "view_task", "view_taskgroup", "view_unit", "view_annualplan",
              "view_activity", "add_activity", "change_activity", "view_evidence", "add_evidence"},
}


def sync_role_permissions(sender=None, **kwargs):
    from django.contrib.auth.models import Group, Permission

    perms = Permission.objects.filter(content_type__app_label__in=PORTAL_APPS).select_related(
        "content_type"
    )
    official, _created = Group.objects.get_or_create(name=OFFICIAL)
    viewer, _created = Group.objects.get_or_create(name=VIEWER)
    officer, _created = Group.objects.get_or_create(name=OFFICER)
    official.permissions.set(perms)
    viewer.permissions.set([p for p in perms if p.codename.startswith("view_")])
    officer.permissions.set(
        [p for p in perms if p.codename in OFFICER_PERMISSIONS.get(p.content_type.app_label, ())]
    )
