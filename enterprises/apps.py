from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        from . import roles

        # Permissions exist only after every app has migrated, so the groups
        # (created by a migration) receive theirs here, including new models'.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="sync_role_permissions")
