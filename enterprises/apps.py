"""The enterprises app: the commune's enterprises, their union officers and worker records."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises")

    def ready(self):
        from . import merging

        merging.connect()  # its part of a merger of communes (communes.merging)
