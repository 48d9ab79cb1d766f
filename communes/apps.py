"""The communes app: the communes (and wards, special zones) the portal serves, as data."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunesConfig(AppConfig):
    name = "communes"
    verbose_name = _("Communes")

    def ready(self):
        from . import checks  # noqa: F401 (registers the deploy check of the communes' identity)
