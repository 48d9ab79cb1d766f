"""The core app: pieces every layer shares; it imports no other portal app."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Shared pieces")

    def ready(self):
        from .search import register_sqlite_function

        connection_created.connect(register_sqlite_function, dispatch_uid="core-search-fold")
