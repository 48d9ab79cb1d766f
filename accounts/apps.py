"""The accounts app: roles, the one access module, the login form."""

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self):
        from . import roles

        # A migration created the groups; `flush` (tests, a restore) empties every table and
        # then sends post_migrate, so the groups are made again here. The signal is sent only
        # for apps with models, so it is heard for auth's, the app of the Group model.
        post_migrate.connect(
            roles.ensure_role_groups, sender=apps.get_app_config("auth"), dispatch_uid="accounts-ensure-role-groups"
        )
