"""The accounts app: roles, the one access module, the login form."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from . import roles

        # A migration created the groups; `flush` (tests, a restore) empties every table and
        # then sends post_migrate, so the groups are made again here.
        post_migrate.connect(roles.ensure_role_groups, sender=self, dispatch_uid="accounts-ensure-role-groups")
