"""The province app: the province's own targets and its roll-up of every commune (issue 17)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvinceConfig(AppConfig):
    name = "province"
    verbose_name = _("Province")
